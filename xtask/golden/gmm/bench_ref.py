"""scikit-learn reference timing for benches/gmm.rs: the same data (overlapping blobs from a
counter-based splitmix64 + Box-Muller stream, reproduced bit for bit), the same fixed
initialisation, tol = 0 and 5 EM iterations per fit; prints {"case": median wall seconds per EM
iteration} as the last line (CPU time of the process per iteration goes to stderr: on a loaded
machine OpenBLAS threads spin and the wall time is not meaningful)."""

import json
import sys
import time
import warnings

import numpy as np
from sklearn.mixture import GaussianMixture

ITERS = 5
CENTRE_SCALE = 0.5  # as benches/gmm.rs
M64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def splitmix(c):
    with np.errstate(over="ignore"):
        z = (c + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(0x12345678)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def uniform(c):
    return (splitmix(c) >> np.uint64(11)).astype(np.float64) * (1.0 / float(1 << 53))


def normal(base, j):
    j = j.astype(np.uint64)
    u1 = 1.0 - uniform(np.uint64(base) + np.uint64(2) * j)
    u2 = uniform(np.uint64(base) + np.uint64(2) * j + np.uint64(1))
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


def blobs(n, d, k):
    centres = CENTRE_SCALE * normal(1 << 40, np.arange(k * d)).reshape(k, d)
    x = np.empty((n, d))
    step = 100_000
    for a in range(0, n, step):
        b = min(n, a + step)
        noise = normal(1 << 41, np.arange(a * d, b * d)).reshape(b - a, d)
        x[a:b] = centres[np.arange(a, b) % k] + noise
    return x


def run(n, d, k, repeats):
    x = blobs(n, d, k)
    gm = GaussianMixture(k, covariance_type="full", tol=0.0, max_iter=ITERS, weights_init=np.full(k, 1.0 / k),
                         means_init=x[:k].copy(), precisions_init=np.repeat(np.eye(d)[None], k, axis=0))
    times, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        gm.fit(x)
        times.append((time.perf_counter() - t) / ITERS)
        cpu.append((time.process_time() - c) / ITERS)
    return float(np.median(times)), float(np.median(cpu)), gm.lower_bound_


def main():
    warnings.simplefilter("ignore")
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    out = {}
    for name, n, d, k in [("em_iter_100k_50d_k8", 100_000, 50, 8), ("em_iter_1m_10d_k10", 1_000_000, 10, 10)]:
        med, cpu, lb = run(n, d, k, repeats)
        print(f"{name}: {med:.4f} s/iter wall, {cpu:.4f} s/iter CPU (lower bound {lb:.10f})", file=sys.stderr)
        out[name] = med
    print(json.dumps(out))


if __name__ == "__main__":
    main()
