"""Golden grid of GMPE predictions from hazardlib (openquake-engine 3.26.2).

Contexts are a seeded sample of the product grid Mw × distance × Vs30 × rake × depth (with class
and mechanism boundaries), point-source convention rjb = repi, rrup = sqrt(repi² + depth²).
Writes tests/golden/gmm-residuals/gmpe_grid.npz. Run from the repository root.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oqenv  # noqa: E402,F401

import numpy as np  # noqa: E402
from openquake.hazardlib.imt import from_string  # noqa: E402
from openquake.hazardlib import valid  # noqa: E402

OUT = os.path.join("tests", "golden", "gmm-residuals", "gmpe_grid.npz")

IMTS = ["PGA", "PGV", "SA(0.1)", "SA(0.12)", "SA(0.2)", "SA(0.3)", "SA(0.5)", "SA(1.0)", "SA(1.5)",
        "SA(2.0)", "SA(3.0)"]
MAGS = [3.5, 4.0, 4.5, 4.75, 5.0, 5.5, 5.7, 6.0, 6.5, 6.75, 7.0, 7.5]
MAGS_HIGH = MAGS + [7.4, 7.7, 8.0, 8.2]
REPI = [1.0, 3.0, 10.0, 30.0, 50.0, 100.0, 150.0, 200.0, 300.0]
VS30 = [150.0, 180.0, 200.0, 225.0, 250.0, 300.0, 360.0, 400.0, 750.0, 760.0, 800.0, 1000.0, 1100.0, 1500.0, 2000.0]
RAKES = [-180.0, -150.0, -135.0, -90.0, -45.0, -30.0, 0.0, 30.0, 45.0, 90.0, 135.0, 150.0, 180.0]
DEPTHS = [2.0, 5.0, 10.0, 15.0, 20.0, 25.0]
N = 200

# (key, hazardlib alias / toml, magnitude set)
MODELS = [
    ("AkkarBommer2010", "[AkkarBommer2010]", MAGS),
    ("BindiEtAl2011", "[BindiEtAl2011]", MAGS),
    ("KothaEtAl2020", "[KothaEtAl2020]", MAGS),
    ("KothaEtAl2020Site", "[KothaEtAl2020Site]", MAGS),
    ("KothaEtAl2020ESHM20", "[KothaEtAl2020ESHM20]", MAGS),
    ("ESHM20ShallowCrustHighStressFastAtten", "[ESHM20ShallowCrustHighStressFastAtten]", MAGS_HIGH),
    ("ESHM20ShallowCrustVLowStressSlowAtten", "[ESHM20ShallowCrustVLowStressSlowAtten]", MAGS_HIGH),
    ("KothaEtAl2020_eps", "[KothaEtAl2020]\nsigma_mu_epsilon = 1.5\nc3_epsilon = -1.0\nergodic = false", MAGS_HIGH),
    ("BooreEtAl2014", "[BooreEtAl2014]", MAGS),
    ("BooreEtAl2014NoSOF", "[BooreEtAl2014NoSOF]", MAGS),
    ("BooreEtAl2014CaliforniaBasin", "[BooreEtAl2014CaliforniaBasin]", MAGS),
    ("BooreEtAl2014JapanBasin", "[BooreEtAl2014JapanBasin]", MAGS),
    ("CauzziEtAl2014", "[CauzziEtAl2014]", MAGS),
    ("CauzziEtAl2014NoSOF", "[CauzziEtAl2014NoSOF]", MAGS),
    ("CauzziEtAl2014FixedVs30", "[CauzziEtAl2014FixedVs30]", MAGS),
    ("CauzziEtAl2014Eurocode8NoSOF", "[CauzziEtAl2014Eurocode8NoSOF]", MAGS),
    ("LanzanoEtAl2019_RJB_OMO", "[LanzanoEtAl2019_RJB_OMO]", MAGS),
    ("LanzanoEtAl2019_RUP_OMO", "[LanzanoEtAl2019_RUP_OMO]", MAGS),
]


def contexts(rng, mags):
    def pick(vals):
        return rng.choice(np.asarray(vals, dtype=float), N)
    mag = pick(mags)
    repi = pick(REPI)
    # a few non-grid distances and depths so interpolation in R is exercised too
    repi[: N // 10] = rng.uniform(0.0, 300.0, N // 10)
    vs30 = pick(VS30)
    rake = pick(RAKES)
    depth = pick(DEPTHS)
    depth[: N // 10] = rng.uniform(1.0, 30.0, N // 10)
    vs30measured = rng.random(N) < 0.5
    region = rng.integers(0, 6, N)
    z1pt0 = rng.uniform(0.0, 800.0, N)
    z1pt0[rng.random(N) < 0.3] = -999.0
    dt = [(n, float) for n in ("mag", "rake", "hypo_depth", "vs30", "rjb", "rrup", "repi", "rhypo", "z1pt0")]
    dt += [("vs30measured", bool), ("region", int), ("sids", np.uint32)]
    ctx = np.recarray(N, dt)
    ctx.mag, ctx.rake, ctx.hypo_depth, ctx.vs30 = mag, rake, depth, vs30
    ctx.rjb = repi
    ctx.repi = repi
    ctx.rrup = np.sqrt(repi ** 2 + depth ** 2)
    ctx.rhypo = ctx.rrup
    ctx.z1pt0 = z1pt0
    ctx.vs30measured = vs30measured
    ctx.region = region
    ctx.sids = np.arange(N)
    return ctx


def main():
    rng = np.random.default_rng(20260601)
    imts = [from_string(s) for s in IMTS]
    out = {"imt_periods": np.array([i.period for i in imts]),
           "imt_kind": np.array([0.0 if s == "PGA" else 1.0 if s == "PGV" else 2.0 for s in IMTS])}
    for key, spec, mags in MODELS:
        gsim = valid.gsim(spec)
        ctx = contexts(rng, mags)
        shape = (len(imts), N)
        mean, sig, tau, phi = (np.zeros(shape) for _ in range(4))
        gsim.compute(ctx, imts, mean, sig, tau, phi)
        for name in ("mag", "rake", "hypo_depth", "vs30", "rjb", "rrup", "z1pt0"):
            out[f"{key}__{name}"] = np.asarray(ctx[name], dtype=float)
        out[f"{key}__vs30measured"] = ctx.vs30measured.astype(float)
        out[f"{key}__region"] = ctx.region.astype(float)
        out[f"{key}__mean"] = mean
        out[f"{key}__sigma"] = sig
        out[f"{key}__tau"] = tau
        out[f"{key}__phi"] = phi
        assert np.all(np.isfinite(mean)), key
    # AkkarBommer2010 SA(4.0) (SHARE extension, mean / 0.8) and interpolation just below 4 s
    gsim = valid.gsim("[AkkarBommer2010]")
    ctx = contexts(rng, MAGS)[:40]
    imts4 = [from_string("SA(3.5)"), from_string("SA(4.0)")]
    mean, sig, tau, phi = (np.zeros((2, 40)) for _ in range(4))
    gsim.compute(ctx, imts4, mean, sig, tau, phi)
    for name in ("mag", "rake", "vs30", "rjb"):
        out[f"ab4__{name}"] = np.asarray(ctx[name], dtype=float)
    out["ab4__mean"] = mean
    out["ab4__sigma"] = sig
    # BindiEtAl2011 class E: hazardlib selects it with the sentinel vs30 = 0 (seisml: explicit
    # EC8 class column); a third of the records are class E, the rest A-D from Vs30
    gsim = valid.gsim("[BindiEtAl2011]")
    ctx = contexts(rng, MAGS)
    ctx.vs30[rng.random(N) < 1.0 / 3.0] = 0.0
    mean, sig, tau, phi = (np.zeros((len(imts), N)) for _ in range(4))
    gsim.compute(ctx, imts, mean, sig, tau, phi)
    for name in ("mag", "rake", "vs30", "rjb"):
        out[f"bindiE__{name}"] = np.asarray(ctx[name], dtype=float)
    for name, v in (("mean", mean), ("sigma", sig), ("tau", tau), ("phi", phi)):
        out[f"bindiE__{name}"] = v
    # Kotha ESHM20 with explicit per-IMT tables: the Iceland alias (dl2l table without PGV) and
    # explicit c3 + dl2l dictionaries (SA between entries interpolated in ln T)
    explicit = ('[KothaEtAl2020ESHM20]\n'
                'c3 = {PGA = -0.5, PGV = -0.45, "SA(0.1)" = -0.6, "SA(0.5)" = -0.35, "SA(3.0)" = -0.2}\n'
                'dl2l = {PGA = 0.1, PGV = -0.05, "SA(0.1)" = 0.2, "SA(1.0)" = -0.1, "SA(3.0)" = 0.3}\n')
    for key, spec, names in [("iceland", "[ESHM20IcelandHighStressFastAtten]", IMTS[:1] + IMTS[2:]),
                             ("explicit", explicit, IMTS)]:
        gsim = valid.gsim(spec)
        ctx = contexts(rng, MAGS)
        sub = [from_string(n) for n in names]
        mean, sig, tau, phi = (np.zeros((len(sub), N)) for _ in range(4))
        gsim.compute(ctx, sub, mean, sig, tau, phi)
        for name in ("mag", "hypo_depth", "vs30", "rjb"):
            out[f"{key}__{name}"] = np.asarray(ctx[name], dtype=float)
        out[f"{key}__vs30measured"] = ctx.vs30measured.astype(float)
        out[f"{key}__region"] = ctx.region.astype(float)
        for name, v in (("mean", mean), ("sigma", sig), ("tau", tau), ("phi", phi)):
            out[f"{key}__{name}"] = v
    # remaining Cauzzi 2014 variants (appended so the seeded draws above stay unchanged)
    for key in ("CauzziEtAl2014Eurocode8", "CauzziEtAl2014FixedVs30NoSOF"):
        gsim = valid.gsim(f"[{key}]")
        ctx = contexts(rng, MAGS)
        mean, sig, tau, phi = (np.zeros((len(imts), N)) for _ in range(4))
        gsim.compute(ctx, imts, mean, sig, tau, phi)
        for name in ("mag", "rake", "hypo_depth", "vs30", "rjb", "rrup", "z1pt0"):
            out[f"{key}__{name}"] = np.asarray(ctx[name], dtype=float)
        out[f"{key}__vs30measured"] = ctx.vs30measured.astype(float)
        out[f"{key}__region"] = ctx.region.astype(float)
        for name, v in (("mean", mean), ("sigma", sig), ("tau", tau), ("phi", phi)):
            out[f"{key}__{name}"] = v
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    np.savez_compressed(OUT, **out)
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
