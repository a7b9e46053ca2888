"""Golden data for wavelet-scatter's kymatio-style Scattering1D (`wavelet_scatter::kymatio`).

Run from the repository root (``cargo xtask golden wavelet-scatter`` does this in the pinned venv):

    python xtask/golden/wavelet-scatter/gen_kymatio.py

Reference: kymatio 0.3.0, NumPy frontend (see requirements.txt). Every input signal is generated here
from a fixed seed and stored next to the reference output, so the Rust tests read the same samples.
Writes tests/golden/wavelet-scatter/kymatio/<case>.npz and cases.json.
"""

import json
import os

import numpy as np

# `from kymatio.numpy import Scattering1D` imports scipy's removed `sph_harm` on scipy >= 1.17;
# the 1-D frontend module itself does not.
from kymatio.scattering1d.frontend.numpy_frontend import ScatteringNumPy1D

OUT = os.path.join("tests", "golden", "wavelet-scatter", "kymatio")
os.makedirs(OUT, exist_ok=True)
SEED = 20261124

# name, J, N, Q (tuple), T (None = 2**J), max_order, oversampling, batch shape
CASES = [
    ("j6_q8_n3000", 6, 3000, (8, 1), None, 2, 0, (2,)),
    ("j8_q8_n3000", 8, 3000, (8, 1), None, 2, 0, (2,)),
    ("j4_q1_n500_t8_batch2x2", 4, 500, (1, 1), 8, 2, 0, (2, 2)),
    ("j5_q4x2_n777_t16_os1", 5, 777, (4, 2), 16, 2, 1, (1, 2, 1)),
    ("j5_q12x3_n1000_t128", 5, 1000, (12, 3), 128, 2, 0, (2,)),
    ("j7_q6_n2048_order1", 7, 2048, (6, 1), None, 1, 0, ()),
]


def make_signal(rng, shape, n):
    """Noise + bursts (modulated Gaussians) + a slow sine: energy at every scale."""
    x = rng.standard_normal(shape + (n,))
    t = np.arange(n)
    flat = x.reshape(-1, n)
    for row in flat:
        for _ in range(3):
            c = rng.uniform(0.1, 0.9) * n
            w = rng.uniform(5, 60)
            f = rng.uniform(0.01, 0.4)
            row += 8.0 * np.exp(-0.5 * ((t - c) / w) ** 2) * np.cos(2 * np.pi * f * t)
        row += 3.0 * np.sin(2 * np.pi * t / rng.uniform(n / 4, n))
    return x


def main():
    rng = np.random.default_rng(SEED)
    index = []
    for name, J, N, Q, T, max_order, os_, batch in CASES:
        S = ScatteringNumPy1D(J=J, shape=N, Q=Q, T=T, max_order=max_order, oversampling=os_)
        x = make_signal(rng, batch, N)
        out = S.scattering(x)
        meta = S.meta()
        arrays = dict(
            x=x,
            s=out,
            order=meta["order"].astype(np.int64),
            xi=meta["xi"],
            sigma=meta["sigma"],
            j=meta["j"],
            n=meta["n"],
            xi1=np.array([f["xi"] for f in S.psi1_f]),
            sigma1=np.array([f["sigma"] for f in S.psi1_f]),
            j1=np.array([f["j"] for f in S.psi1_f], dtype=np.int64),
            xi2=np.array([f["xi"] for f in S.psi2_f]),
            sigma2=np.array([f["sigma"] for f in S.psi2_f]),
            j2=np.array([f["j"] for f in S.psi2_f], dtype=np.int64),
        )
        if S._N_padded <= 2048:
            # Fourier-domain filters (small plans only, to keep the golden files small).
            arrays.update(
                phi0=S.phi_f["levels"][0],
                psi1_first=S.psi1_f[0]["levels"][0],
                psi1_last=S.psi1_f[-1]["levels"][0],
                psi2_last_level1=S.psi2_f[-1]["levels"][min(1, len(S.psi2_f[-1]["levels"]) - 1)],
            )
        np.savez_compressed(os.path.join(OUT, name + ".npz"), **arrays)
        index.append(
            dict(
                name=name,
                J=J,
                N=N,
                Q=list(Q),
                T=S.T,
                max_order=max_order,
                oversampling=os_,
                batch=list(batch),
                n_padded=int(S._N_padded),
                pad_left=int(S.pad_left),
                pad_right=int(S.pad_right),
                log2_T=int(S.log2_T),
                output_shape=list(out.shape),
                psi2_last_level=min(1, len(S.psi2_f[-1]["levels"]) - 1),
                has_filters=bool(S._N_padded <= 2048),
            )
        )
        print(name, out.shape, float(np.abs(out).max()))
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(dict(kymatio="0.3.0", seed=SEED, cases=index), f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
