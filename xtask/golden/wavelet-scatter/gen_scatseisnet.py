"""Golden data for the scatseisnet-compatible scattering network (seisml wavelet-scatter).

Runs pinned scatseisnet 0.4.1 on seeded synthetic windows and writes
tests/golden/wavelet-scatter/scatseisnet/*.npz (+ cases.json describing every case).
Run from the repository root: .venv-golden/wavelet-scatter/bin/python xtask/golden/wavelet-scatter/gen_scatseisnet.py
"""

import json
import os
import sys

import numpy as np
from scatseisnet import ScatteringNetwork
from scatseisnet.wavelet import ComplexMorletBank

sys.path.insert(0, os.path.dirname(__file__))
from scatseisnet_common import synthetic_day  # noqa: E402

OUT = os.path.join("tests", "golden", "wavelet-scatter", "scatseisnet")
os.makedirs(OUT, exist_ok=True)
REDUCERS = {"mean": np.mean, "max": np.max, "median": np.median}


def windows(seed, n_win, n_ch, bins, fs):
    """(n_win, n_ch, bins) windows cut from a seeded synthetic record, plus an offset per channel."""
    rng = np.random.default_rng(seed)
    x = np.empty((n_win, n_ch, bins))
    for c in range(n_ch):
        rec = synthetic_day(n_win * bins, fs, seed * 10 + c, n_bursts=3 * n_win)
        x[:, c, :] = rec.reshape(n_win, bins) + rng.normal(0.0, 0.1, size=(n_win, bins)) + 0.3 * c
    return x


def layer_json(kw):
    return {
        "octaves": kw["octaves"],
        "resolution": kw["resolution"],
        "quality": kw["quality"],
        "normalization": kw.get("normalize_wavelet") or "none",
    }


cases = []


def network_case(name, layers, bins, fs, n_win, n_ch, seed, poolings, taper_alpha=None, truncation=False):
    x = windows(seed, n_win, n_ch, bins, fs)
    net = ScatteringNetwork(*layers, bins=bins, sampling_rate=fs)
    arrays = {"x": x}
    for p in poolings:
        out = net.transform(x.copy(), taper_alpha=taper_alpha, reduce_type=REDUCERS[p])
        for order, s in enumerate(out, start=1):
            arrays[f"{p}_order{order}"] = s
    np.savez_compressed(os.path.join(OUT, f"{name}.npz"), **arrays)
    cases.append(
        {
            "name": name,
            "file": f"{name}.npz",
            "bins": bins,
            "sampling_rate": fs,
            "layers": [layer_json(k) for k in layers],
            "poolings": poolings,
            "taper_alpha": taper_alpha,
            "allow_truncation": truncation,
        }
    )


TUTORIAL = [
    {"octaves": 6, "resolution": 4, "quality": 2.0},
    {"octaves": 6, "resolution": 1, "quality": 2.0},
]

# Tutorial network, 60 s windows at 50 Hz, three poolings, 2 channels.
network_case("tutorial_60s", TUTORIAL, 3000, 50.0, 3, 2, 1, ["mean", "max", "median"])
# Same with scatseisnet's Tukey taper (pooling only where the taper is exactly 1).
network_case("tutorial_taper", TUTORIAL, 3000, 50.0, 2, 1, 2, ["median", "mean"], taper_alpha=0.1)
# Odd window length (exact alignment of the circular convolution) with L1 / L2 wavelets.
network_case(
    "normalized_odd",
    [
        {"octaves": 6, "resolution": 4, "quality": 2.0, "normalize_wavelet": "L1"},
        {"octaves": 5, "resolution": 2, "quality": 1.0, "normalize_wavelet": "L2"},
    ],
    2001,
    50.0,
    2,
    1,
    3,
    ["mean", "median", "max"],
)
network_case(
    "normalized_even",
    [
        {"octaves": 4, "resolution": 3, "quality": 3.0, "normalize_wavelet": "L2"},
        {"octaves": 4, "resolution": 1, "quality": 2.0, "normalize_wavelet": "L1"},
    ],
    1024,
    20.0,
    2,
    2,
    4,
    ["median", "max"],
)
# Three layers (scattering.md's 3-layer design at 50 Hz on 60 s windows; the deepest wavelets are
# longer than the window, which scatseisnet truncates silently).
network_case(
    "three_layers",
    [
        {"octaves": 4, "resolution": 8, "quality": 4.0},
        {"octaves": 6, "resolution": 2, "quality": 4.0},
        {"octaves": 8, "resolution": 1, "quality": 4.0},
    ],
    3000,
    50.0,
    1,
    1,
    5,
    ["median", "mean"],
    truncation=True,
)

# Unpooled scalograms (reduce_type=None) of one short window, even and odd lengths: checks the
# fftshift alignment sample by sample.
for name, bins in [("scalogram_even", 512), ("scalogram_odd", 511)]:
    x = windows(6, 1, 1, bins, 25.0)
    layers = [{"octaves": 4, "resolution": 2, "quality": 1.5}, {"octaves": 3, "resolution": 1, "quality": 1.5}]
    net = ScatteringNetwork(*layers, bins=bins, sampling_rate=25.0)
    out = net.transform(x.copy(), reduce_type=None)
    np.savez_compressed(os.path.join(OUT, f"{name}.npz"), x=x, order1=out[0], order2=out[1])
    cases.append({"name": name, "file": f"{name}.npz", "bins": bins, "sampling_rate": 25.0,
                  "layers": [layer_json(k) for k in layers], "poolings": [], "taper_alpha": None,
                  "allow_truncation": False})

# Filter-bank properties, even and odd bins, with each normalisation.
banks = {}
for bins, fs, norm in [(256, 50.0, None), (255, 100.0, "L1"), (300, 10.0, "L2")]:
    b = ComplexMorletBank(bins, octaves=5, resolution=3, quality=2.5, normalize_wavelet=norm, sampling_rate=fs)
    key = f"b{bins}"
    banks[key] = {"bins": bins, "sampling_rate": fs, "octaves": 5, "resolution": 3, "quality": 2.5,
                  "normalization": norm or "none"}
    np.savez_compressed(
        os.path.join(OUT, f"bank_{key}.npz"),
        times=b.times, centers=b.centers, widths=b.widths, scales=b.scales, ratios=b.ratios,
        frequencies=b.frequencies, wavelets_re=b.wavelets.real, wavelets_im=b.wavelets.imag,
        spectra_re=b.spectra.real, spectra_im=b.spectra.imag,
    )

with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump({"scatseisnet": "0.4.1", "numpy": np.__version__, "cases": cases, "banks": banks}, f, indent=1)
print("wrote", len(cases), "network cases and", len(banks), "banks to", OUT)
