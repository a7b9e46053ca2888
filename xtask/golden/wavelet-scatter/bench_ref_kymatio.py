"""Reference timings for `benches/wavelet_scatter_kymatio.rs` (kymatio 0.3 and esi-syncopy 2023.9).

Run from the repository root in the pinned venv (`cargo xtask bench wavelet-scatter` does this):

    python xtask/golden/wavelet-scatter/bench_ref_kymatio.py [--repeat R]

Generates the same inputs as the Rust bench (counter-based splitmix64 + Box-Muller, vectorised
with numpy) and prints one JSON object on its last line: {case: median seconds per iteration}.
- kymatio_day_50hz_j8_q8_1: 1440 windows x 3000 samples (one day at 50 Hz), Scattering1D J=8,
  Q=(8, 1), in batches of 64 windows (as measured in the shared scattering notes).
- superlet_adaptive_1h_100hz: 360 000 samples at 100 Hz, fractional adaptive superlet c_1=3,
  orders 1..8, 48 log-spaced frequencies from 1 to 40 Hz.
"""

import importlib.util
import json
import os
import sys
import time

import numpy as np
from kymatio.scattering1d.frontend.numpy_frontend import ScatteringNumPy1D

GAMMA = np.uint64(0x9E3779B97F4A7C15)


def splitmix(seed, idx):
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + GAMMA * (idx.astype(np.uint64) + np.uint64(1))
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def uniform(seed, idx):
    return (splitmix(seed, idx) >> np.uint64(11)).astype(np.float64) * (1.0 / 2.0**53)


def synthetic(seed, n, fs):
    k = np.arange(n, dtype=np.uint64)
    u1 = 1.0 - uniform(seed, 2 * k)
    u2 = uniform(seed, 2 * k + np.uint64(1))
    x = np.sqrt(-2.0 * np.log(u1)) * np.cos(2 * np.pi * u2)
    base = 2 * n
    for b in range(200):
        r = uniform(seed, np.arange(base + 4 * b, base + 4 * b + 4, dtype=np.uint64))
        centre = r[0] * n
        width = (2.0 + 18.0 * r[1]) * fs / 4.0
        freq = 1.0 + 19.0 * r[2]
        amp = 5.0 + 15.0 * r[3]
        lo = int(max(centre - 4.0 * width, 0.0))
        hi = min(int(centre + 4.0 * width), n)
        t = np.arange(lo, hi, dtype=np.float64)
        x[lo:hi] += amp * np.exp(-0.5 * ((t - centre) / width) ** 2) * np.cos(2 * np.pi * freq * t / fs)
    return x


def load_superlet():
    spec = importlib.util.find_spec("syncopy")
    path = os.path.join(os.path.dirname(spec.origin), "specest", "superlet.py")
    mod_spec = importlib.util.spec_from_file_location("syncopy_superlet", path)
    mod = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(mod)
    return mod


def median_time(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main():
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 1
    out = {}

    windows = synthetic(1, 4_320_000, 50.0).reshape(1440, 3000)
    S = ScatteringNumPy1D(J=8, shape=3000, Q=(8, 1))

    def kymatio_day():
        for i in range(0, windows.shape[0], 64):
            S.scattering(windows[i : i + 64])

    out["kymatio_day_50hz_j8_q8_1"] = median_time(kymatio_day, repeat)
    print("kymatio_day_50hz_j8_q8_1", out["kymatio_day_50hz_j8_q8_1"], file=sys.stderr)

    sl = load_superlet()
    hour = synthetic(2, 360_000, 100.0)
    freqs = np.exp(np.log(40.0) * np.arange(48) / 47.0)
    scales = 1 / (2 * np.pi * freqs)
    out["superlet_adaptive_1h_100hz"] = median_time(
        lambda: np.abs(sl.superlet(hour, 100.0, scales, order_max=8, order_min=1, c_1=3, adaptive=True)), repeat
    )
    print("superlet_adaptive_1h_100hz", out["superlet_adaptive_1h_100hz"], file=sys.stderr)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
