"""Golden data for azimuthal H/V (hvsrpy HvsrAzimuthal, Cheng et al. 2020 weights).

Run from the repository root:  .venv-golden/hvsr/bin/python xtask/golden/hvsr/gen_azimuthal.py
Writes tests/golden/hvsr/azimuthal.{npz,json} from the same synthetic record as gen_hvsr.py.
"""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from synth import synthetic_record  # noqa: E402

import hvsrpy  # noqa: E402

OUT = os.path.join("tests", "golden", "hvsr")
SEED, FS, WINDOW = 20240501, 50.0, 60.0
ns, ew, vt = synthetic_record(SEED, fs=FS)
FCS = np.geomspace(0.3, 20.0, 128)
AZ = np.arange(0, 180, 15)


def windows():
    rec = hvsrpy.SeismicRecording3C(hvsrpy.TimeSeries(ns, 1 / FS), hvsrpy.TimeSeries(ew, 1 / FS),
                                    hvsrpy.TimeSeries(vt, 1 / FS))
    return hvsrpy.preprocess(rec, hvsrpy.HvsrPreProcessingSettings(window_length_in_seconds=WINDOW, detrend="linear"))


arrays, meta = {"fcs": FCS, "azimuths": AZ.astype(np.float64)}, {"cases": {}}
for name, fdwra in [("plain", False), ("fdwra", True)]:
    s = hvsrpy.HvsrAzimuthalProcessingSettings(
        smoothing=dict(operator="konno_and_ohmachi", bandwidth=40, center_frequencies_in_hz=FCS), azimuths_in_degrees=AZ)
    hv = hvsrpy.process(windows(), s)
    if fdwra:
        hvsrpy.frequency_domain_window_rejection(hv, n=2, max_iterations=50)
    arrays[f"{name}__amplitude"] = np.array(hv.amplitude)
    arrays[f"{name}__valid"] = np.array([h.valid_window_boolean_mask for h in hv.hvsrs], dtype=np.float64)
    arrays[f"{name}__mean"] = hv.mean_curve("lognormal")
    arrays[f"{name}__std"] = hv.std_curve("lognormal")
    f0, a0 = hv.mean_curve_peak("lognormal")
    meta["cases"][name] = dict(fdwra=fdwra, f0=float(f0), a0=float(a0),
                               fn_mean=float(hv.mean_fn_frequency("lognormal")),
                               fn_std=float(hv.std_fn_frequency("lognormal")))
np.savez_compressed(os.path.join(OUT, "azimuthal.npz"), **arrays)
with open(os.path.join(OUT, "azimuthal.json"), "w") as f:
    json.dump(meta, f, indent=1)
print(meta)
