"""Shared deterministic inputs for the seisbench-io golden, interop and benchmark scripts."""
import numpy as np


def bench_waveform(i, n_comp=3, n_samples=6000):
    """Waveform of trace `i` of the benchmark dataset: a closed formula, so the Rust bench builds
    bit-identical float32 data without sharing a random generator."""
    t = np.arange(n_samples, dtype=np.float64)
    rows = [np.sin(0.01 * (i + 1) * (c + 1) * t) * (100.0 + c) + (i % 7) for c in range(n_comp)]
    return np.asarray(rows, dtype=np.float32)
