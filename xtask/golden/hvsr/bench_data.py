"""The benchmark record shared with benches/hvsr.rs: one hour of 3-component noise at 100 Hz.

A 64-bit LCG gives uniform noise in [-0.5, 0.5); the horizontals pass through a resonator at
2 Hz (y[n] = x[n] + 2 r cos(w) y[n-1] - r^2 y[n-2], r = 0.995) plus 0.5 x background. The
samples are quantised to integer counts, floor(x * SCALE + 0.5), as field recordings are. The
Rust bench implements the same recurrences, so both sides process the same samples, and writes
them to MSEED_NAME in the temporary directory (Steim-1, 512-byte records, XX.HVSR..BH[NEZ]);
`mseed_path()` writes the same samples with ObsPy if the Rust bench has not run.
"""

import math
import os
import tempfile

import numpy as np

FS = 100.0
N = 360_001
SCALE = 1e5
MSEED_NAME = "seisml_hvsr_bench_1h_v1.mseed"
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
    """NS, EW, Z in counts (float64 arrays of integers)."""
    ns = 0.05 * resonate(lcg_noise(1, N)) + 0.5 * lcg_noise(2, N)
    ew = 0.05 * resonate(lcg_noise(3, N)) + 0.5 * lcg_noise(4, N)
    vt = 0.5 * lcg_noise(5, N)
    return tuple(np.floor(c * SCALE + 0.5) for c in (ns, ew, vt))


def mseed_path(record=None):
    """The shared miniSEED file; written here (ObsPy, Steim-1) when the Rust bench has not."""
    path = os.path.join(tempfile.gettempdir(), MSEED_NAME)
    if not os.path.exists(path):
        from obspy import Stream, Trace, UTCDateTime

        record = bench_record() if record is None else record
        traces = []
        for cha, data in zip(("BHN", "BHE", "BHZ"), record):
            tr = Trace(data.astype(np.int32))
            tr.stats.update(network="XX", station="HVSR", location="", channel=cha, sampling_rate=FS,
                            starttime=UTCDateTime("2017-05-04T07:00:00"))
            traces.append(tr)
        Stream(traces).write(path, format="MSEED", encoding="STEIM1", reclen=512)
    return path
