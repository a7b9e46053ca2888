"""Golden data for wavelet-scatter's superlets and Morlet CWT (`wavelet_scatter::tf`).

Run from the repository root (``cargo xtask golden wavelet-scatter`` does this in the pinned venv):

    python xtask/golden/wavelet-scatter/gen_superlet.py

Reference: esi-syncopy 2023.9, `syncopy/specest/superlet.py` (functions `superlet` and `cwtSL`).
That module only needs numpy and scipy, so it is loaded from the installed package file directly:
importing the `syncopy` package itself pulls in dask, h5py, pynwb helpers, etc.
Every input signal is generated here from a fixed seed and stored next to the reference output.
Writes tests/golden/wavelet-scatter/tf/<case>.npz and cases.json.
"""

import importlib.util
import json
import os

import numpy as np


def load_superlet():
    spec = importlib.util.find_spec("syncopy")
    path = os.path.join(os.path.dirname(spec.origin), "specest", "superlet.py")
    mod_spec = importlib.util.spec_from_file_location("syncopy_superlet", path)
    mod = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(mod)
    return mod


OUT = os.path.join("tests", "golden", "wavelet-scatter", "tf")
os.makedirs(OUT, exist_ok=True)
SEED = 20261125

# name, fs, n, frequencies (increasing), order_min, order_max, c_1, adaptive
CASES = [
    ("mult_o1_3_fs100", 100.0, 1200, np.linspace(2.37, 41.3, 14), 1, 3, 3, False),
    ("mult_o1_1_fs50_cwt3", 50.0, 900, np.linspace(1.11, 19.7, 9), 1, 1, 3, False),
    ("adaptive_o1_6_fs50", 50.0, 1500, np.linspace(1.13, 20.9, 23), 1, 6, 3, True),
    ("adaptive_o2_5_c2_fs200", 200.0, 1000, np.geomspace(3.1, 77.7, 17), 2, 5, 2, True),
    ("adaptive_sparse_orders", 100.0, 800, np.array([2.2, 9.9, 30.1]), 1, 10, 3, True),
]


def make_signal(rng, n, fs):
    t = np.arange(n) / fs
    x = 0.3 * rng.standard_normal(n)
    x += np.sin(2 * np.pi * (0.15 * fs * t + 0.5 * (0.05 * fs) * t**2 / t[-1]))  # chirp
    for _ in range(3):
        c = rng.uniform(0.1, 0.9) * t[-1]
        w = rng.uniform(0.05, 0.3) * t[-1] / 4
        f = rng.uniform(0.05, 0.4) * fs
        x += 2.0 * np.exp(-0.5 * ((t - c) / w) ** 2) * np.cos(2 * np.pi * f * t)
    return x


def main():
    sl = load_superlet()
    rng = np.random.default_rng(SEED)
    index = []
    for name, fs, n, foi, omin, omax, c1, adaptive in CASES:
        x = make_signal(rng, n, fs)
        scales = 1 / (2 * np.pi * foi)
        spec = sl.superlet(x, fs, scales, order_max=omax, order_min=omin, c_1=c1, adaptive=adaptive)
        # The frequencies syncopy itself works with (1/(2π·scale)); the Rust plan gets these.
        fois = 1 / (2 * np.pi * scales)
        arrays = dict(x=x, frequencies=fois, modulus=np.abs(spec).astype(np.float32))
        if adaptive:
            arrays["orders"] = sl.compute_adaptive_order(fois, omin, omax)
        np.savez_compressed(os.path.join(OUT, name + ".npz"), **arrays)
        index.append(dict(name=name, fs=fs, n=n, order_min=omin, order_max=omax, c1=c1, adaptive=adaptive))
        print(name, spec.shape, spec.dtype, float(np.abs(spec).max()))

    # Plain CWT with 5 cycles: complex coefficients (real and imaginary parts).
    fs, n = 100.0, 700
    foi = np.linspace(3.3, 33.3, 7)
    x = make_signal(rng, n, fs)
    scales = 1 / (2 * np.pi * foi)
    w = sl.cwtSL(x, sl.MorletSL(5), scales, 1 / fs)
    np.savez_compressed(
        os.path.join(OUT, "cwt_c5_fs100.npz"),
        x=x,
        frequencies=1 / (2 * np.pi * scales),
        re=w.real.astype(np.float32),
        im=w.imag.astype(np.float32),
    )
    index.append(dict(name="cwt_c5_fs100", fs=fs, n=n, cycles=5))
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(dict(esi_syncopy="2023.9", seed=SEED, cases=index), f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
