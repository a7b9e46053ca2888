"""Seeded synthetic flatfile with known τ, φS2S, φSS and the residual/score golden values.

1. Builds a synthetic strong-motion data set (events, stations, records) whose ln ground motion is
   KothaEtAl2020Site + δB (τ = 0.45) + δS2S (φS2S = 0.35) + δWS (φSS = 0.5), written as a small
   GEM-format flatfile (cm/s²) tests/golden/gmm-residuals/synthetic_flatfile.csv.
2. Reads it back, predicts with hazardlib (KothaEtAl2020Site, BooreEtAl2014, AkkarBommer2010)
   and computes the residual-toolkit quantities with numpy/scipy following the formulas of the
   GEM strong-motion toolkit as documented in ../shared/reference/ground-motion.md §6.
3. Fits the crossed random-effects model with statsmodels MixedLM (ML and REML).
Writes tests/golden/gmm-residuals/residuals.npz and residuals.json.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oqenv  # noqa: E402,F401

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from pyproj import Geod  # noqa: E402
from scipy.special import erfc  # noqa: E402
from scipy.stats import norm  # noqa: E402
import statsmodels.formula.api as smf  # noqa: E402
from openquake.hazardlib import valid  # noqa: E402
from openquake.hazardlib.imt import from_string  # noqa: E402

DIR = os.path.join("tests", "golden", "gmm-residuals")
FLATFILE = os.path.join(DIR, "synthetic_flatfile.csv")
G = 9.80665
TAU, PHI_S2S, PHI_SS = 0.45, 0.35, 0.5
IMTS = ["PGA", "SA(1.0)"]
COLS = {"PGA": "pga", "SA(1.0)": "T1_000"}
MODELS = ["KothaEtAl2020Site", "BooreEtAl2014", "AkkarBommer2010"]
MIN_REC = 5


def make_flatfile(rng):
    ne, ns = 30, 25
    ev = pd.DataFrame({
        "event_id": [f"EV{i:03d}" for i in range(ne)],
        "ev_latitude": rng.uniform(42.0, 44.0, ne), "ev_longitude": rng.uniform(12.0, 14.5, ne),
        "ev_depth_km": rng.uniform(3.0, 25.0, ne), "Mw": np.round(rng.uniform(4.0, 6.5, ne), 2),
        "es_rake": rng.choice([-90.0, 0.0, 90.0, 180.0, -45.0], ne),
    })
    st = pd.DataFrame({
        "station_code": [f"ST{i:02d}" for i in range(ns)],
        "st_latitude": rng.uniform(41.5, 44.5, ns), "st_longitude": rng.uniform(11.5, 15.0, ns),
        "st_elevation": rng.uniform(0.0, 1500.0, ns), "vs30_m_sec": np.round(rng.uniform(200.0, 1200.0, ns), 1),
        "vs30_meas_type": rng.choice(["measured", "inferred"], ns),
    })
    db = rng.normal(0.0, TAU, (ne, len(IMTS)))
    ds = rng.normal(0.0, PHI_S2S, (ns, len(IMTS)))
    geod = Geod(ellps="WGS84")
    rows = []
    for e in range(ne):
        for s in range(ns):
            if rng.random() > 0.6:
                continue
            _, _, d = geod.inv(ev.ev_longitude[e], ev.ev_latitude[e], st.st_longitude[s], st.st_latitude[s])
            repi = d / 1000.0
            rows.append({**{k: ev[k][e] for k in ev}, **{k: st[k][s] for k in st}, "e": e, "s": s,
                         "epi_dist": repi, "JB_dist": repi,
                         "rup_dist": float(np.sqrt(repi ** 2 + ev.ev_depth_km[e] ** 2))})
    ff = pd.DataFrame(rows)
    n = len(ff)
    # truth: KothaEtAl2020Site + random effects
    gsim = valid.gsim("[KothaEtAl2020Site]")
    ctx = context(ff)
    mean = predict(gsim, ctx)
    for k, imt in enumerate(IMTS):
        lny = mean[k] + db[ff.e, k] + ds[ff.s, k] + rng.normal(0.0, PHI_SS, n)
        cms2 = np.exp(lny) * G * 100.0  # g -> cm/s²
        split = np.exp(rng.normal(0.0, 0.1, n))
        c = COLS[imt]
        ff[f"U_{c}"] = cms2 * split
        ff[f"V_{c}"] = cms2 / split
        ff[f"rotD50_{c}"] = cms2
    ff["event_time"] = "2020-01-01 00:00:00"
    ff["fm_type_code"] = np.where(ff.es_rake == 0.0, "SS", np.where(ff.es_rake > 0, "TF", "NF"))
    ff["ML"] = ""
    ff["Ms"] = ""
    ff["network_code"] = "XX"
    ff.loc[3, "vs30_m_sec"] = np.nan  # one record without Vs30: reported, then dropped
    ff = ff.drop(columns=["e", "s"])
    ff.to_csv(FLATFILE, index=False, float_format="%.10g")
    return FLATFILE


def context(ff):
    n = len(ff)
    dt = [(k, float) for k in ("mag", "rake", "hypo_depth", "vs30", "rjb", "rrup")] + [("vs30measured", bool), ("region", int)]
    ctx = np.recarray(n, dt)
    ctx.mag = ff.Mw.to_numpy(float)
    ctx.rake = ff.es_rake.to_numpy(float)
    ctx.hypo_depth = ff.ev_depth_km.to_numpy(float)
    ctx.vs30 = ff.vs30_m_sec.to_numpy(float)
    ctx.rjb = ff.JB_dist.to_numpy(float)
    ctx.rrup = ff.rup_dist.to_numpy(float)
    ctx.vs30measured = (ff.vs30_meas_type == "measured").to_numpy()
    ctx.region = 0
    return ctx


def predict(gsim, ctx):
    imts = [from_string(s) for s in IMTS]
    out = [np.zeros((len(imts), len(ctx))) for _ in range(4)]
    gsim.compute(ctx, imts, *out)
    return out[0] if len(out) else None


def predict_all(gsim, ctx):
    imts = [from_string(s) for s in IMTS]
    out = [np.zeros((len(imts), len(ctx))) for _ in range(4)]
    gsim.compute(ctx, imts, *out)
    return out


def ay92(r, tau, phi, sig, ev):
    ue = np.unique(ev)
    db = np.full(ev.max() + 1, np.nan)
    tb = np.full(ev.max() + 1, np.nan)
    for e in ue:
        i = ev == e
        t, p, n = tau[i].mean(), phi[i].mean(), i.sum()
        db[e] = t ** 2 * r[i].sum() / (n * t ** 2 + p ** 2)
        tb[e] = t
    w = r - db[ev]
    return db, tb, w, r / sig, db / tb, w / phi


def single_station(w, st, min_rec):
    ns = st.max() + 1
    cnt = np.bincount(st, minlength=ns)
    keep = cnt >= min_rec
    s2s = np.full(ns, np.nan)
    for s in range(ns):
        if keep[s]:
            s2s[s] = w[st == s].mean()
    dws = w - s2s[st]
    sel = keep[st]
    phi_ss_st = np.full(ns, np.nan)
    for s in range(ns):
        if keep[s] and cnt[s] > 1:
            phi_ss_st[s] = np.sqrt(np.sum(dws[st == s] ** 2) / (cnt[s] - 1))
    phi_ss = np.sqrt(np.sum(dws[sel] ** 2) / (sel.sum() - 1))
    return s2s, dws, phi_ss_st, phi_ss, np.nanstd(s2s)


def edr(obs, mu, sd, bw=0.01, mult=3.0):
    mu_d = obs - mu
    dmax = np.ceil(max(np.max(np.abs(obs - (mu - mult * sd))), np.max(np.abs(obs - (mu + mult * sd)))))
    dk = np.arange(bw / 2.0, dmax, bw)
    def p(d):
        return norm.cdf((d - mu_d) / sd) - norm.cdf((-d - mu_d) / sd)
    mde = np.zeros(len(obs))
    for d in dk:
        mde += (p(d + bw / 2.0) - p(d - bw / 2.0)) * d
    mde_norm = np.sqrt(np.mean(mde ** 2))
    b1 = np.sum((obs - obs.mean()) * (mu - mu.mean())) / np.sum((obs - obs.mean()) ** 2)
    b0 = mu.mean() - b1 * obs.mean()
    yc = mu - ((b0 + b1 * obs) - obs)
    kappa = np.sum((obs - mu) ** 2) / np.sum((obs - yc) ** 2)
    return mde_norm, np.sqrt(kappa), np.sqrt(kappa) * mde_norm


def stoch_area(obs, mu):
    o = np.sort(obs)
    m = np.sort(mu)
    n = len(o)
    xo = np.repeat(o, 2)
    yo = np.empty(2 * n)
    yo[0::2] = np.arange(n) / n
    yo[1::2] = np.arange(1, n + 1) / n
    ym = np.arange(1, len(m) + 1) / len(m)
    lo, hi = max(o[0], m[0]), min(o[-1], m[-1])
    ko = (xo >= lo) & (xo <= hi)
    km = (m >= lo) & (m <= hi)
    return max(1e-9, abs(np.trapezoid(ym[km], m[km]) - np.trapezoid(yo[ko], xo[ko])))


def main():
    rng = np.random.default_rng(4004)
    make_flatfile(rng)
    ff = pd.read_csv(FLATFILE)
    ff = ff[np.isfinite(ff.vs30_m_sec)].reset_index(drop=True)
    ev_codes, ev = np.unique(ff.event_id, return_inverse=True)
    st_codes, st = np.unique(ff.station_code, return_inverse=True)
    # dense indices in order of first appearance (as seisml's dense_labels)
    ev = pd.factorize(ff.event_id)[0]
    st = pd.factorize(ff.station_code)[0]
    ctx = context(ff)
    out = {"event": ev.astype(float), "station": st.astype(float)}
    meta = {"n_records": len(ff), "min_records": MIN_REC, "models": MODELS, "imts": IMTS, "scores": {}}
    for name in MODELS:
        mean, sig, tau, phi = predict_all(valid.gsim(f"[{name}]"), ctx)
        for k, imt in enumerate(IMTS):
            key = f"{name}__{imt}"
            obs = np.log(ff[f"rotD50_{COLS[imt]}"].to_numpy(float) / (G * 100.0))
            r = obs - mean[k]
            db, tb, w, zt, zb, zw = ay92(r, tau[k], phi[k], sig[k], ev)
            out[f"{key}__obs"] = obs
            out[f"{key}__mean"] = mean[k]
            out[f"{key}__total"] = r
            out[f"{key}__event_terms"] = db
            out[f"{key}__within"] = w
            out[f"{key}__zt"] = zt
            out[f"{key}__zb"] = zb
            out[f"{key}__zw"] = zw
            s2s, dws, pss_st, pss, ps2s = single_station(w, st, MIN_REC)
            out[f"{key}__s2s"] = s2s
            out[f"{key}__phi_ss_station"] = pss_st
            # toolkit variant: one record per event within a station re-run
            xt = r * phi[k] / (tau[k] ** 2 + phi[k] ** 2)
            s2s_t, _, pss_st_t, pss_t, ps2s_t = single_station(xt, st, MIN_REC)
            out[f"{key}__s2s_toolkit"] = s2s_t
            lh = erfc(np.abs(zt) / np.sqrt(2.0))
            llh_tk = -np.mean(np.log2(norm.pdf(zt)))
            llh_d = -np.mean(np.log2(norm.pdf(obs, loc=mean[k], scale=sig[k])))
            e = edr(obs, mean[k], sig[k])
            meta["scores"][key] = {
                "stats_total": [float(np.mean(zt)), float(np.std(zt))],
                "stats_between": [float(np.nanmean(zb)), float(np.nanstd(zb))],
                "stats_within": [float(np.mean(zw)), float(np.std(zw))],
                "phi_ss": float(pss), "phi_s2s": float(ps2s),
                "phi_ss_toolkit": float(pss_t), "phi_s2s_toolkit": float(ps2s_t),
                "lh_median": float(np.median(lh)),
                "lh_iqr": float(np.percentile(lh, 75) - np.percentile(lh, 25)),
                "llh_toolkit": float(llh_tk), "llh_density": float(llh_d),
                "edr": [float(v) for v in e],
                "stochastic_area": float(stoch_area(obs, mean[k])),
                "rmse": float(np.sqrt(np.mean((obs - mean[k]) ** 2))),
                "r2": float(1.0 - np.sum((mean[k] - obs) ** 2) / np.sum((obs.mean() - obs) ** 2)),
                "nll": float(np.sum(np.log(sig[k] ** 2) + (obs - mean[k]) ** 2 / sig[k] ** 2)),
            }
    # LLH weights across models per IMT
    meta["llh_weights"] = {}
    for imt in IMTS:
        llh = np.array([meta["scores"][f"{m}__{imt}"]["llh_density"] for m in MODELS])
        w = 2.0 ** -llh
        meta["llh_weights"][imt] = list(w / w.sum())
    # crossed mixed effects on the KothaEtAl2020Site SA(1.0) total residuals
    r = out["KothaEtAl2020Site__SA(1.0)__total"]
    df = pd.DataFrame({"r": r, "event": ev, "station": st, "g": np.ones(len(r))})
    meta["mixed"] = {"truth": [TAU, PHI_S2S, PHI_SS]}
    for reml in (False, True):
        md = smf.mixedlm("r ~ 1", df, groups="g", re_formula="0",
                         vc_formula={"event": "0 + C(event)", "station": "0 + C(station)"})
        fit = md.fit(reml=reml, method=["lbfgs"], maxiter=2000)
        vc = dict(zip(md.exog_vc.names, fit.vcomp))
        meta["mixed"]["reml" if reml else "ml"] = {
            "llf": float(fit.llf), "intercept": float(fit.fe_params.iloc[0]),
            "tau2": float(vc["event"]), "phi_s2s2": float(vc["station"]), "phi_ss2": float(fit.scale),
        }
    np.savez_compressed(os.path.join(DIR, "residuals.npz"), **out)
    with open(os.path.join(DIR, "residuals.json"), "w") as fh:
        json.dump(meta, fh, indent=1)
    print("records", len(ff), "mixed", meta["mixed"])


if __name__ == "__main__":
    main()
