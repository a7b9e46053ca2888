"""Reference timings for benches/seis_core.rs: scipy on the identical one-day 100 Hz input.

Prints one JSON object on its last line: {"<case>": median seconds per iteration, ...}.
"""

import json
import time

import numpy as np
from scipy import signal

N_DAY = 8_640_000


def day_trace():
    i = np.arange(N_DAY, dtype=np.uint64)
    t = i.astype(np.float64) / 100.0
    h = ((i * np.uint64(2_654_435_761)) % np.uint64(1 << 32)).astype(np.float64) / 4_294_967_296.0
    return np.sin(2 * np.pi * 1.3 * t) + 0.5 * np.sin(2 * np.pi * 17.0 * t) + h - 0.5


def median_time(fn, repeats=7):
    fn()  # warm-up (plans, caches)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main():
    x = day_trace()
    sos = signal.butter(4, [1.0, 20.0], btype="bandpass", output="sos", fs=100.0)
    out = {
        "sosfiltfilt_day_100hz": median_time(lambda: signal.sosfiltfilt(sos, x)),
        "resample_day_100hz_to_50hz": median_time(lambda: signal.resample(x, N_DAY // 2)),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
