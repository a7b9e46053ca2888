"""seisbench's WaveformDataset.get_waveforms on the benchmark dataset of benches/seisbench_io.rs
(200 traces of 3 x 6000 float32 at 100 Hz, no cache). Prints seconds per trace for each case."""
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
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

    by_index = []
    for _ in range(5):
        t = time.perf_counter()
        for i in range(N):
            ds.get_waveforms(i)
        by_index.append((time.perf_counter() - t) / N)
    batch = []
    for _ in range(10):
        t = time.perf_counter()
        ds.get_waveforms(list(range(N)))
        batch.append((time.perf_counter() - t) / N)

print(json.dumps({"get_waveforms_by_index": statistics.median(by_index), "get_waveforms_batch": statistics.median(batch)}))
