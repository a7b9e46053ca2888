"""Golden SeisBench datasets written by seisbench's own WaveformDataWriter, and what seisbench's
WaveformDataset returns for them (raw, reordered, resampled, batched, get_sample metadata).

Writes tests/golden/seisbench-io/{sbds,sbds_chunked,sbds_h5chunked,sbds_f64}/ and dataset_expected.npz/.json.
sbds_f64 holds the same samples stored as float64: seisbench resamples in the stored precision
(scipy.signal.resample/decimate keep float32 input in float32), so resampling is compared at full
precision on it, and the float32 datasets' deviation is recorded as seisbench's own rounding.
Run from the repository root."""
import json
import logging
import shutil
from pathlib import Path

import h5py
import numpy as np

import seisbench
import seisbench.data as sbd

logging.getLogger("seisbench").setLevel(logging.ERROR)
OUT = Path("tests/golden/seisbench-io")
OUT.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(20240611)

DATA_FORMAT = {
    "dimension_order": "CW",
    "component_order": "ZNE",
    "sampling_rate": 100.0,
    "measurement": "velocity",
    "unit": "counts",
    "instrument_response": "not restituted",
}


def make_traces():
    """12 traces: 7 train + 4 dev (3 components, 380-440 samples, float32) and one 2-component trace."""
    traces = []
    orders = ["ZNE", "ZNE", "NEZ", "ZNE", "ENZ", "ZNE", "ZNE", "NEZ", "ZNE", "ZNE", "ZNE"]
    for i in range(11):
        n = int(rng.integers(380, 441))
        wf = (rng.standard_normal((3, n)) * 50.0).astype(np.float32)
        split = "train" if i < 7 else "dev"
        p = float(rng.integers(50, 150))
        s = p + float(rng.integers(40, 120))
        meta = {
            "trace_name": f"ev{i:02d}_ST{i % 3:02d}",
            "station_network_code": "XX",
            "station_code": f"ST{i % 3:02d}",
            "station_location_code": "",
            "trace_channel": "HH",
            "trace_start_time": f"2021-03-0{1 + i % 5}T12:{i:02d}:00.000000Z",
            "trace_sampling_rate_hz": 100.0,
            "trace_component_order": orders[i],
            "trace_npts": n,
            "trace_p_arrival_sample": p if i % 4 != 3 else np.nan,
            "trace_s_arrival_sample": s,
            "trace_p_status": "manual" if i % 2 == 0 else "automatic",
            "source_id": f"ev{i:02d}",
            "source_origin_time": f"2021-03-0{1 + i % 5}T11:59:5{i % 10}.250000Z",
            "source_latitude_deg": float(rng.uniform(-10, 10)),
            "source_longitude_deg": float(rng.uniform(100, 120)),
            "source_depth_km": float(rng.uniform(0, 30)),
            "source_magnitude": round(float(rng.uniform(0.5, 4.5)), 2),
            "source_magnitude_type": "ML",
            "split": split,
            "custom_quality": ["A", "B", "C"][i % 3],  # an unknown extra column (string)
            "custom_score": float(rng.uniform(0, 1)),  # an unknown extra column (float)
        }
        traces.append((meta, wf))
    # a two-component trace: its own bucket, stored under its trace name with "$" replaced
    n = 350
    wf = (rng.standard_normal((2, n)) * 20.0).astype(np.float32)
    meta = dict(traces[0][0])
    meta.update(
        trace_name="odd$two_comp",
        trace_component_order="ZE",
        trace_npts=n,
        split="test",
        trace_p_arrival_sample=120.0,
        trace_s_arrival_sample=200.0,
        source_id="ev99",
        custom_quality="D",
        custom_score=0.5,
    )
    traces.append((meta, wf))
    return traces


def write(path_meta, path_wave, traces):
    with sbd.WaveformDataWriter(path_meta, path_wave) as w:
        w.data_format = dict(DATA_FORMAT)
        for meta, wf in traces:
            w.add_trace(dict(meta), wf)


TRACES = make_traces()

# unchunked
d = OUT / "sbds"
shutil.rmtree(d, ignore_errors=True)
write(d / "metadata.csv", d / "waveforms.hdf5", TRACES)

# chunked dataset: two chunks "a" and "b" listed in a chunks file
dc = OUT / "sbds_chunked"
shutil.rmtree(dc, ignore_errors=True)
write(dc / "metadataa.csv", dc / "waveformsa.hdf5", TRACES[:6])
write(dc / "metadatab.csv", dc / "waveformsb.hdf5", TRACES[6:])
(dc / "chunks").write_text("a\nb\n")

# the unchunked dataset re-stored by h5py with HDF5 chunking + gzip + shuffle (other tools do this)
dh = OUT / "sbds_h5chunked"
shutil.rmtree(dh, ignore_errors=True)
dh.mkdir()
shutil.copy(d / "metadata.csv", dh / "metadata.csv")
with h5py.File(d / "waveforms.hdf5", "r") as fi, h5py.File(dh / "waveforms.hdf5", "w") as fo:
    g = fo.create_group("data")
    for k, v in fi["data"].items():
        arr = v[()]
        chunks = tuple(min(s, c) for s, c in zip(arr.shape, (2, 3, 128)[-arr.ndim:]))
        g.create_dataset(k, data=arr, chunks=chunks, compression="gzip", shuffle=True)
    gf = fo.create_group("data_format")
    for k, v in fi["data_format"].items():
        gf.create_dataset(k, data=v[()])

# the same samples stored as float64 (exactly the float32 values), written by seisbench
d64 = OUT / "sbds_f64"
shutil.rmtree(d64, ignore_errors=True)
write(d64 / "metadata.csv", d64 / "waveforms.hdf5", [(m, wf.astype(np.float64)) for m, wf in TRACES])

# ---- what seisbench returns ----
arrays = {}
info = {"seisbench_version": seisbench.__version__, "datasets": {}}
RATES = (50.0, 25.0, 33.3, 40.0, 120.0)
for name in ["sbds", "sbds_chunked", "sbds_h5chunked", "sbds_f64"]:
    path = OUT / name
    ds = sbd.WaveformDataset(path, component_order="ZNE", dimension_order="NCW", sampling_rate=None)
    n = len(ds)
    dinfo = {"len": n, "trace_names": list(ds.metadata["trace_name"]), "chunks": list(ds.metadata["trace_chunk"])}
    for i in range(n):
        arrays[f"{name}/raw/{i}"] = ds.get_waveforms(i).astype(np.float64)
    if name == "sbds_f64":
        # seisbench end to end on float64 data: the reference for resampling at full precision
        ds_zp = sbd.WaveformDataset(path, component_order="ZNE", resample_zerophase=True)
        ds32 = sbd.WaveformDataset(OUT / "sbds", component_order="ZNE")
        worst = 0.0
        for i in range(n):
            for sr in RATES:
                y64 = ds.get_waveforms(i, sampling_rate=sr)
                assert y64.dtype == np.float64
                arrays[f"{name}/sr{sr}/{i}"] = y64
                y32 = ds32.get_waveforms(i, sampling_rate=sr)
                assert y32.dtype == np.float32
                worst = max(worst, float(np.max(np.abs(y32 - y64)) / np.max(np.abs(y64))))
            arrays[f"{name}/zp50/{i}"] = ds_zp.get_waveforms(i, sampling_rate=50.0)
        # seisbench's float32 result vs its float64 result, relative to the trace peak
        dinfo["float32_resampling_deviation"] = worst
        arrays[f"{name}/batch_sr50"] = ds.get_waveforms([0, 3, 11, 5], sampling_rate=50.0)
    if name == "sbds":
        # component reordering and missing components
        ds_enz = sbd.WaveformDataset(path, component_order="ENZ")
        ds_copy = sbd.WaveformDataset(path, component_order="ZNE", missing_components="copy")
        ds_zp = sbd.WaveformDataset(path, component_order="ZNE", resample_zerophase=True)
        for i in range(n):
            arrays[f"{name}/enz/{i}"] = ds_enz.get_waveforms(i).astype(np.float64)
            arrays[f"{name}/copy/{i}"] = ds_copy.get_waveforms(i).astype(np.float64)
            for sr in RATES:
                # seisbench computes in the stored precision (float32 here); see sbds_f64
                arrays[f"{name}/sr{sr}/{i}"] = ds.get_waveforms(i, sampling_rate=sr).astype(np.float64)
            arrays[f"{name}/zp50/{i}"] = ds_zp.get_waveforms(i, sampling_rate=50.0).astype(np.float64)
        batch = [0, 3, 11, 5]
        arrays[f"{name}/batch"] = ds.get_waveforms(batch).astype(np.float64)
        arrays[f"{name}/batch_sr50"] = ds.get_waveforms(batch, sampling_rate=50.0).astype(np.float64)
        dinfo["batch"] = batch
        samples = {}
        for i in (0, 3, 11):
            wf, meta = ds.get_sample(i, sampling_rate=50.0)
            arrays[f"{name}/sample50/{i}"] = wf.astype(np.float64)
            samples[str(i)] = {
                k: (None if (isinstance(v, float) and np.isnan(v)) else (float(v) if isinstance(v, (np.floating, float, np.ndarray)) else v))
                for k, v in meta.items()
                if k in ("trace_p_arrival_sample", "trace_s_arrival_sample", "trace_npts", "trace_sampling_rate_hz",
                         "trace_source_sampling_rate_hz", "trace_dt_s", "trace_name", "custom_quality")
            }
            for k, v in samples[str(i)].items():
                if isinstance(v, (np.integer,)):
                    samples[str(i)][k] = int(v)
        dinfo["samples_sr50"] = samples
        dinfo["train_len"] = len(ds.train())
        dinfo["dev_len"] = len(ds.dev())
        dinfo["test_len"] = len(ds.test())
        dinfo["train_names"] = list(ds.train().metadata["trace_name"])
        mag = ds.filter(ds.metadata["source_magnitude"] > 2.0, inplace=False)
        dinfo["mag_gt2_names"] = list(mag.metadata["trace_name"])
        dinfo["columns"] = [c for c in ds.metadata.columns if c not in ("index", "trace_chunk")]
        dinfo["data_format"] = {k: (v if isinstance(v, str) else float(v)) for k, v in ds.data_format.items()}
        dinfo["p_arrival"] = [None if np.isnan(x) else float(x) for x in ds.metadata["trace_p_arrival_sample"]]
        dinfo["custom_score"] = [float(x) for x in ds.metadata["custom_score"]]
        dinfo["npts"] = [int(x) for x in ds.metadata["trace_npts"]]
    info["datasets"][name] = dinfo

np.savez_compressed(OUT / "dataset_expected.npz", **arrays)
(OUT / "dataset_expected.json").write_text(json.dumps(info, indent=1, sort_keys=True))
print("wrote", len(arrays), "arrays")
