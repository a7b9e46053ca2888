"""Shared helpers of the scatseisnet golden and benchmark scripts (seisml wavelet-scatter, part A).

The synthetic signal is defined by integer hashing (splitmix64) so that the Rust benchmark can
build the very same samples without any file: see `benches/wavelet_scatter.rs::synthetic_day`.
"""

import numpy as np

MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def splitmix64(x):
    """Vectorised splitmix64 finaliser of uint64 inputs (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        z = (x + np.uint64(0x9E3779B97F4A7C15)) & MASK
        z = ((z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & MASK
        z = ((z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & MASK
        return z ^ (z >> np.uint64(31))


def uniform(seed, n):
    """n uniforms in [0, 1) from counter-based splitmix64 (53-bit mantissa)."""
    idx = np.arange(n, dtype=np.uint64) + np.uint64(seed) * np.uint64(0x100000000)
    return (splitmix64(idx) >> np.uint64(11)).astype(np.float64) * (2.0 ** -53)


def synthetic_day(n_samples, sampling_rate, seed, n_bursts=200):
    """Unit-variance uniform noise plus `n_bursts` Gaussian-windowed 5 Hz bursts (amplitude 8, 2 s)."""
    x = (uniform(seed, n_samples) - 0.5) * np.sqrt(12.0)
    pos = uniform(seed + 1, n_bursts)
    t = np.arange(n_samples) / sampling_rate
    for p in pos:
        t0 = p * n_samples / sampling_rate
        i0 = max(int((t0 - 10.0) * sampling_rate), 0)
        i1 = min(int((t0 + 10.0) * sampling_rate), n_samples)
        tt = t[i0:i1] - t0
        x[i0:i1] += 8.0 * np.exp(-((tt / 2.0) ** 2)) * np.cos(2 * np.pi * 5.0 * tt)
    return x
