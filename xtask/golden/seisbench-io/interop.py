"""Interop check, reference side: read what crates/seisbench-io/examples/interop.rs wrote into
<dir> with h5py, seisbench and ObsPy; exit non-zero on any mismatch."""
import json
import logging
import sys
from pathlib import Path

import h5py
import numpy as np
import seisbench.data as sbd
from obspy import read

logging.getLogger("seisbench").setLevel(logging.ERROR)
d = Path(sys.argv[1])
exp = json.loads((d / "expected.json").read_text())
fail = []


def check(cond, msg):
    if not cond:
        fail.append(msg)


# h5py: layout as seisbench's writer makes it
with h5py.File(d / exp["dataset"] / "waveforms.hdf5", "r") as f:
    check(set(f.keys()) == {"data", "data_format"}, f"top-level groups {list(f.keys())}")
    for k, v in f["data"].items():
        check(v.dtype == np.float32, f"dataset {k} dtype {v.dtype}")
    df = {k: f["data_format"][k][()] for k in f["data_format"]}
    check(df["component_order"] in (b"ZNE", "ZNE"), f"component_order {df['component_order']!r}")
    check(df["dimension_order"] in (b"CW", "CW"), f"dimension_order {df['dimension_order']!r}")
    check(float(df["sampling_rate"]) == 100.0, f"sampling_rate {df['sampling_rate']!r}")
    check(f["data_format"]["sampling_rate"].shape == (), "sampling_rate must be a scalar dataset")

# seisbench: names, waveforms, splits, metadata
ds = sbd.WaveformDataset(d / exp["dataset"], component_order="ZNE")
check(len(ds) == len(exp["traces"]), f"len {len(ds)}")
check(list(ds.metadata["trace_name"]) == exp["trace_names"], f"trace names {list(ds.metadata['trace_name'])}")
for i, t in enumerate(exp["traces"]):
    want = np.asarray(t["waveform"], dtype=np.float64)
    got = ds.get_waveforms(i)
    got = got[: want.shape[0]]  # 2-component traces are padded to ZNE
    check(got.shape == want.shape and np.array_equal(got, want), f"waveform {i} differs")
    check(ds.metadata["split"].iloc[i] == t["split"], f"split of {i}")
check(len(ds.train()) == 5 and len(ds.dev()) == 3 and len(ds.test()) == 1, "split sizes")
check(np.isnan(ds.metadata["trace_p_arrival_sample"].iloc[0]), "missing value must read as NaN")
check(ds.metadata["trace_p_arrival_sample"].iloc[1] == 51.0, "p arrival of trace 1")
check(ds.metadata["trace_name_original"].iloc[0] == "ev0$odd name", "trace_name_original")

# ObsPy: miniSEED and SAC written by Rust
st = read(str(d / exp["mseed"]["file"]))
check([tr.id for tr in st] == exp["mseed"]["ids"], f"mseed ids {[tr.id for tr in st]}")
for tr, t0 in zip(st, exp["mseed"]["starttime_ns"]):
    check(tr.stats.starttime.ns == t0, f"mseed start {tr.stats.starttime.ns} != {t0}")
    check(tr.stats.npts == exp["mseed"]["npts"], "mseed npts")
    want = np.array([((k * 37) % 2001) - 1000 for k in range(2500)])
    check(np.array_equal(tr.data, want), "mseed samples")
sac = read(str(d / exp["sac"]["file"]))[0]
check(sac.id == exp["sac"]["id"], f"sac id {sac.id}")
check(sac.stats.starttime.ns == exp["sac"]["starttime_ns"], f"sac start {sac.stats.starttime.ns}")
check(sac.stats.sampling_rate == exp["sac"]["sampling_rate"], f"sac rate {sac.stats.sampling_rate}")
check(np.array_equal(sac.data.astype(np.float64), np.asarray(exp["sac"]["data"])), "sac samples")

if fail:
    print("INTEROP FAILURES:\n  " + "\n  ".join(fail))
    sys.exit(1)
print("interop ok: seisbench, h5py and ObsPy read the Rust-written files unchanged")
