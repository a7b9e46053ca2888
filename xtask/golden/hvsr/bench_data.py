"""The benchmark record shared with benches/hvsr.rs: one hour of 3-component noise at 100 Hz.

A 64-bit LCG gives uniform noise in [-0.5, 0.5); the horizontals pass through a resonator at
2 Hz (y[n] = x[n] + 2 r cos(w) y[n-1] - r^2 y[n-2], r = 0.995) plus 0.5 x background. The
Rust bench implements the same recurrences, so both sides process the same samples.
"""

import math

import numpy as np

FS = 100.0
N = 360_001
MUL = 6364136223846793005
INC = 1442695040888963407
MASK = (1 << 64) - 1


def lcg_noise(seed, n):
    out = np.empty(n)
    s = seed
    for i in range(n):
        s = (s * MUL + INC) & MASK
        out[i] = (s >> 11) / float(1 << 53) - 0.5
    return out


def resonate(x, f0=2.0, r=0.995):
    c1 = 2.0 * r * math.cos(2.0 * math.pi * f0 / FS)
    c2 = r * r
    y = np.empty_like(x)
    y1 = y2 = 0.0
    for i, v in enumerate(x):
        y0 = v + c1 * y1 - c2 * y2
        y[i] = y0
        y2, y1 = y1, y0
    return y


def bench_record():
    ns = 0.05 * resonate(lcg_noise(1, N)) + 0.5 * lcg_noise(2, N)
    ew = 0.05 * resonate(lcg_noise(3, N)) + 0.5 * lcg_noise(4, N)
    vt = 0.5 * lcg_noise(5, N)
    return ns, ew, vt
