"""Seeded synthetic 3-component ambient-noise records for the hvsr golden data and benches.

Horizontals: white noise through resonant band-pass filters (main resonance near 2 Hz, a
weaker one near 7 Hz) plus background noise; vertical: low-level coloured noise. A few
windows carry transients so that window rejection has something to do. Samples are rounded
to integer counts (as a digitiser records them) so the inputs compress well.
"""

import numpy as np
from scipy.signal import butter, sosfilt


def synthetic_record(seed, fs=50.0, duration=900.0, transients=((7, 0.8), (11, 5.0))):
    rng = np.random.default_rng(seed)
    n = int(round(duration * fs)) + 1
    res1 = butter(2, [1.7, 2.3], btype="bandpass", fs=fs, output="sos")
    res2 = butter(2, [6.5, 7.5], btype="bandpass", fs=fs, output="sos")
    bg = butter(2, [0.2, 0.45 * fs], btype="bandpass", fs=fs, output="sos")

    def horizontal(gain):
        return (gain * sosfilt(res1, rng.standard_normal(n))
                + 0.6 * sosfilt(res2, rng.standard_normal(n))
                + 0.35 * sosfilt(bg, rng.standard_normal(n)))

    ns = horizontal(1.0)
    ew = horizontal(0.8)
    vt = 0.3 * sosfilt(bg, rng.standard_normal(n))
    t = np.arange(n) / fs
    # transients: decaying sinusoids (frequency in Hz) inside the given 60 s window
    for win, f in transients:
        t0 = win * 60.0 + 20.0
        env = np.where(t >= t0, np.exp(-(t - t0) / 6.0), 0.0)
        burst = 6.0 * env * np.sin(2 * np.pi * f * (t - t0))
        ns += burst
        ew += 0.7 * burst
        vt += 0.2 * burst
    scale = 2000.0
    return tuple(np.round(scale * c).astype(np.int32) for c in (ns, ew, vt))
