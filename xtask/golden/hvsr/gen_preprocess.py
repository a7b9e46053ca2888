"""Golden data for the hvsr pre-processing options from pinned hvsrpy 2.1.0: sensor-orientation
correction and the zero-phase Butterworth pre-filter (order 5, scipy sosfiltfilt on the whole
record before windowing).

Run from the repository root:  .venv-golden/hvsr/bin/python xtask/golden/hvsr/gen_preprocess.py
Reads tests/golden/hvsr/record.npz (written by gen_hvsr.py) and writes
tests/golden/hvsr/preprocess.{npz,json}: per-window H/V (geometric mean, Konno-Ohmachi b = 40 at
geomspace(0.3, 20, 128)) for every case, and the case settings.
"""

import json
import os

import numpy as np

import hvsrpy

OUT = os.path.join("tests", "golden", "hvsr")
rec = np.load(os.path.join(OUT, "record.npz"))
FS = float(rec["sampling_rate"])
DT = 1.0 / FS
FCS = np.geomspace(0.3, 20.0, 128)

# name: (sensor north azimuth in degrees clockwise from north, filter corners in Hz)
CASES = {
    "orient_30": (30.0, (None, None)),
    "orient_250": (250.0, (None, None)),
    "bandpass_0p5_8": (0.0, (0.5, 8.0)),
    "highpass_0p4": (0.0, (0.4, None)),
    "lowpass_10": (0.0, (None, 10.0)),
    "orient_30_bandpass_0p5_8": (30.0, (0.5, 8.0)),
}

arrays = {"fcs": FCS}
meta = {}
for name, (degrees, corners) in CASES.items():
    r = hvsrpy.SeismicRecording3C(hvsrpy.TimeSeries(rec["ns"], DT), hvsrpy.TimeSeries(rec["ew"], DT),
                                  hvsrpy.TimeSeries(rec["vt"], DT), degrees_from_north=degrees)
    pre = hvsrpy.HvsrPreProcessingSettings(window_length_in_seconds=60.0, detrend="linear",
                                           orient_to_degrees_from_north=0.0,
                                           filter_corner_frequencies_in_hz=corners)
    sm = dict(operator="konno_and_ohmachi", bandwidth=40, center_frequencies_in_hz=FCS)
    s = hvsrpy.HvsrTraditionalProcessingSettings(smoothing=sm, method_to_combine_horizontals="geometric_mean")
    hv = hvsrpy.process(hvsrpy.preprocess(r, pre), s)
    arrays[f"{name}__hv"] = hv.amplitude
    meta[name] = {"sensor_azimuth": degrees, "low": corners[0], "high": corners[1]}

np.savez_compressed(os.path.join(OUT, "preprocess.npz"), **arrays)
with open(os.path.join(OUT, "preprocess.json"), "w") as f:
    json.dump({"hvsrpy": hvsrpy.__version__, "cases": meta}, f, indent=1)
print("wrote", os.path.join(OUT, "preprocess.{npz,json}"), sorted(meta))
