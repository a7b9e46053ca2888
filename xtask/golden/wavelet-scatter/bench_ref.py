"""Reference timings for `benches/wavelet_scatter.rs` (one function per criterion case).

Prints one JSON object on its last line: {"<case>": median_seconds_per_iteration, ...}.
SEISML_BENCH_REPEATS (default 1) sets the number of timed runs per case (scatseisnet needs
~20–30 s per channel-day on the 2-core machine). Other cases of the crate (kymatio, superlets)
live in bench_ref_kymatio.py.
"""

import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from scatseisnet_common import synthetic_day  # noqa: E402

REPEATS = int(os.environ.get("SEISML_BENCH_REPEATS", "1"))


def timed(fn):
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def scatseisnet_day_50hz_median():
    """One channel-day at 50 Hz, 1440 windows of 60 s, tutorial network, median pooling."""
    from scatseisnet import ScatteringNetwork

    fs, bins = 50.0, 3000
    x = synthetic_day(86400 * 50, fs, 7, 200)
    segments = x.reshape(-1, bins)
    net = ScatteringNetwork(
        {"octaves": 6, "resolution": 4, "quality": 2.0},
        {"octaves": 6, "resolution": 1, "quality": 2.0},
        bins=bins,
        sampling_rate=fs,
    )
    return timed(lambda: net.transform(segments, reduce_type=np.median))


if __name__ == "__main__":
    results = {"scatseisnet_day_50hz_median": scatseisnet_day_50hz_median()}
    print(json.dumps(results))
