"""Golden data for the hvsr crate from pinned hvsrpy 2.1.0 (see requirements.txt).

Run from the repository root:  .venv-golden/hvsr/bin/python xtask/golden/hvsr/gen_hvsr.py
Writes tests/golden/hvsr/{record.npz, smoothing.npz, cases.npz, cases.json}.
"""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from synth import synthetic_record  # noqa: E402

import hvsrpy  # noqa: E402
from hvsrpy import sesame  # noqa: E402
from hvsrpy.smoothing import SMOOTHING_OPERATORS  # noqa: E402
from obspy.signal.konnoohmachismoothing import konno_ohmachi_smoothing_window  # noqa: E402

OUT = os.path.join("tests", "golden", "hvsr")
os.makedirs(OUT, exist_ok=True)

SEED = 20240501
FS = 50.0
DT = 1.0 / FS
WINDOW = 60.0
ns, ew, vt = synthetic_record(SEED, fs=FS)
np.savez_compressed(os.path.join(OUT, "record.npz"), ns=ns.astype(np.float64), ew=ew.astype(np.float64),
                    vt=vt.astype(np.float64), sampling_rate=np.array(FS))

FCS = np.geomspace(0.3, 20.0, 128)


def windows():
    rec = hvsrpy.SeismicRecording3C(hvsrpy.TimeSeries(ns, DT), hvsrpy.TimeSeries(ew, DT),
                                    hvsrpy.TimeSeries(vt, DT))
    pre = hvsrpy.HvsrPreProcessingSettings(window_length_in_seconds=WINDOW, detrend="linear")
    return hvsrpy.preprocess(rec, pre)


def smoothing(operator, bandwidth):
    return dict(operator=operator, bandwidth=bandwidth, center_frequencies_in_hz=FCS)


def process(horizontal="geometric_mean", operator="konno_and_ohmachi", bandwidth=40, azimuth=30.0):
    sm = smoothing(operator, bandwidth)
    if horizontal == "single_azimuth":
        s = hvsrpy.HvsrTraditionalSingleAzimuthProcessingSettings(smoothing=sm, azimuth_in_degrees=azimuth)
    elif horizontal == "rotdpp":
        s = hvsrpy.HvsrTraditionalRotDppProcessingSettings(smoothing=sm)
    else:
        s = hvsrpy.HvsrTraditionalProcessingSettings(smoothing=sm, method_to_combine_horizontals=horizontal)
    return hvsrpy.process(windows(), s)


arrays = {}
meta = {"seed": SEED, "sampling_rate": FS, "window_length": WINDOW, "hvsrpy": hvsrpy.__version__,
        "fcs": "geomspace(0.3, 20, 128)", "cases": {}}
arrays["fcs"] = FCS

# 1. horizontal combinations: per-window H/V only.
for h in ["geometric_mean", "arithmetic_mean", "squared_average", "total_horizontal_energy",
          "maximum_horizontal_value", "single_azimuth", "rotdpp"]:
    hv = process(horizontal=h)
    arrays[f"combine__{h}"] = hv.amplitude

# 2. analysis cases: rejection, statistics, peaks, SESAME.
CASES = {
    "ko_lognormal": dict(operator="konno_and_ohmachi", bandwidth=40, dist="lognormal", fdwra=False, search=(None, None)),
    "ko_lognormal_fdwra": dict(operator="konno_and_ohmachi", bandwidth=40, dist="lognormal", fdwra=True, search=(None, None)),
    "ko_normal_fdwra": dict(operator="konno_and_ohmachi", bandwidth=40, dist="normal", fdwra=True, search=(None, None)),
    "logtri_lognormal_fdwra": dict(operator="log_triangular", bandwidth=0.04238, dist="lognormal", fdwra=True, search=(None, None)),
    "logtri_normal": dict(operator="log_triangular", bandwidth=0.04238, dist="normal", fdwra=False, search=(None, None)),
    "ko_lognormal_fdwra_range": dict(operator="konno_and_ohmachi", bandwidth=40, dist="lognormal", fdwra=True, search=(1.0, 5.0)),
}
for name, c in CASES.items():
    hv = process(operator=c["operator"], bandwidth=c["bandwidth"])
    dist = c["dist"]
    hv.update_peaks_bounded(search_range_in_hz=c["search"])
    iterations = None
    if c["fdwra"]:
        iterations = hvsrpy.frequency_domain_window_rejection(hv, n=2, max_iterations=50, distribution_fn=dist,
                                                              distribution_mc=dist, search_range_in_hz=c["search"])
    mean = hv.mean_curve(dist)
    std = hv.std_curve(dist)
    f0, a0 = hv.mean_curve_peak(dist)
    ln_mean = hv.mean_curve("lognormal")
    ln_std = hv.std_curve("lognormal")
    nvalid = int(np.sum(hv.valid_window_boolean_mask))
    fn_std = float(hv.std_fn_frequency("normal"))
    rel = sesame.reliability(WINDOW, nvalid, hv.frequency, ln_mean, ln_std, search_range_in_hz=c["search"], verbose=0)
    cla = sesame.clarity(hv.frequency, ln_mean, ln_std, fn_std, search_range_in_hz=c["search"], verbose=0)
    arrays[f"{name}__hv"] = hv.amplitude
    arrays[f"{name}__valid"] = hv.valid_window_boolean_mask.astype(np.float64)
    arrays[f"{name}__window_f0"] = hv._main_peak_frq
    arrays[f"{name}__mean"] = mean
    arrays[f"{name}__std"] = std
    meta["cases"][name] = dict(
        operator=c["operator"], bandwidth=c["bandwidth"], distribution=dist, fdwra=c["fdwra"],
        search_range=list(c["search"]), iterations=iterations, n_valid=nvalid, f0=float(f0), a0=float(a0),
        fn_mean=float(hv.mean_fn_frequency(dist)), fn_std=float(hv.std_fn_frequency(dist)), fn_std_normal=fn_std,
        reliability=[int(v) for v in rel], clarity=[int(v) for v in cla],
    )

# 3. time-domain pre-rejection masks.
recs = windows()
passing = hvsrpy.sta_lta_window_rejection(recs, sta_seconds=1, lta_seconds=30, min_sta_lta_ratio=0.2,
                                          max_sta_lta_ratio=2.5)
arrays["sta_lta_valid"] = np.array([any(r is p for p in passing) for r in recs], dtype=np.float64)
recs = windows()
passing = hvsrpy.maximum_value_window_rejection(recs, maximum_value_threshold=0.5, normalized=True)
arrays["max_value_valid"] = np.array([any(r is p for p in passing) for r in recs], dtype=np.float64)

np.savez_compressed(os.path.join(OUT, "cases.npz"), **arrays)
with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump(meta, f, indent=1)

# 4. smoothing operators alone on random spectra.
rng = np.random.default_rng(SEED + 1)
freqs = np.fft.rfftfreq(8192, 0.01)
spec = np.abs(rng.standard_normal((2, freqs.size))) + 0.1
fcs_log = np.geomspace(0.2, 40.0, 64)
fcs_lin = np.linspace(1.0, 40.0, 64)
sm = {"freqs": freqs, "spectrum": spec, "fcs_log": fcs_log, "fcs_lin": fcs_lin}
for op, bw, fcs in [("konno_and_ohmachi", 40.0, fcs_log), ("parzen", 0.5, fcs_log), ("savitzky_and_golay", 9, fcs_lin),
                    ("linear_rectangular", 0.5, fcs_log), ("linear_triangular", 0.5, fcs_log),
                    ("log_rectangular", 0.05, fcs_log), ("log_triangular", 0.05, fcs_log)]:
    sm[op] = SMOOTHING_OPERATORS[op](freqs, spec, fcs, bw)
# ObsPy's untruncated, normalised Konno-Ohmachi window evaluated at the same centres.
sm["obspy_konno_ohmachi"] = np.array([[np.dot(konno_ohmachi_smoothing_window(freqs, fc, 40.0, normalize=True), s)
                                       for fc in fcs_log] for s in spec])
np.savez_compressed(os.path.join(OUT, "smoothing.npz"), **sm)
print("wrote", OUT)
