"""seisbench's WaveformDataset.get_waveforms on the benchmark dataset of benches/seisbench_io.rs
(200 traces of 3 x 6000 float32 at 100 Hz, no cache): seconds per trace for each case; and
obspy.read of the bench's miniSEED file (seconds per file, when the Rust bench has written it).

Case names are the criterion ids of benches/seisbench_io.rs: seisbench's batch returns float32,
so it is the reference of `get_waveforms_batch_f32`; `get_waveforms_batch_f64` is compared with
the same batch followed by `.astype(np.float64)`."""
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import obspy
import seisbench.data as sbd

sys.path.insert(0, str(Path(__file__).parent))
from common import bench_waveform  # noqa: E402

logging.getLogger("seisbench").setLevel(logging.ERROR)
N = 200

with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "ds"
    with sbd.WaveformDataWriter(path / "metadata.csv", path / "waveforms.hdf5") as w:
        w.data_format = {"dimension_order": "CW", "component_order": "ZNE", "sampling_rate": 100.0}
        for i in range(N):
            meta = {"trace_name": f"tr{i:04d}", "trace_sampling_rate_hz": 100.0, "trace_p_arrival_sample": 3000.0, "split": "train"}
            w.add_trace(meta, bench_waveform(i))
    ds = sbd.WaveformDataset(path)

    def timed(fn, reps):
        """Median wall and thread-CPU seconds per trace over `reps` runs of fn (N traces each)."""
        wall, cpu = [], []
        for _ in range(reps):
            t, c = time.perf_counter(), time.thread_time()
            fn()
            wall.append((time.perf_counter() - t) / N)
            cpu.append((time.thread_time() - c) / N)
        return statistics.median(wall), statistics.median(cpu)

    def by_index():
        for i in range(N):
            ds.get_waveforms(i)

    def resampled():
        for i in range(N):
            ds.get_waveforms(i, sampling_rate=50.0)

    cases = {
        "get_waveforms_by_index": timed(by_index, 5),
        "get_waveforms_batch_f32": timed(lambda: ds.get_waveforms(list(range(N))), 10),
        "get_waveforms_batch_f64": timed(lambda: ds.get_waveforms(list(range(N))).astype(np.float64), 10),
        "get_waveforms_resampled_50hz": timed(resampled, 3),
    }

# the file benches/seisbench_io.rs writes (criterion runs before this script in `cargo xtask bench`)
MSEED = Path(tempfile.gettempdir()) / "seisml_seisbench_io_bench_1h.mseed"
if MSEED.exists():
    wall, cpu = [], []
    for _ in range(7):
        t, c = time.perf_counter(), time.thread_time()
        st = obspy.read(str(MSEED))
        wall.append(time.perf_counter() - t)
        cpu.append(time.thread_time() - c)
    assert sum(tr.stats.npts for tr in st) == 3 * 360_000
    cases["read_mseed_1h_3c_steim1"] = (statistics.median(wall), statistics.median(cpu))

# thread CPU time (a guide on a shared machine); the last line holds the wall-clock medians
print("thread CPU:", json.dumps({k: v[1] for k, v in cases.items()}))
print(json.dumps({k: v[0] for k, v in cases.items()}))
