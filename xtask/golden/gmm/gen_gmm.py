"""Golden data for the `gmm` crate: Gaussian mixtures, k-means, PCA, FastICA and the variational
mixture from pinned scikit-learn (see requirements.txt) on seeded datasets.

Writes tests/golden/gmm/*.npz (+ cases.json). Run from the repository root:
    .venv-golden/gmm/bin/python xtask/golden/gmm/gen_gmm.py
"""

import json
import warnings
import os

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA, FastICA
from sklearn.mixture import BayesianGaussianMixture, GaussianMixture

OUT = os.path.join("tests", "golden", "gmm")
os.makedirs(OUT, exist_ok=True)
COV_TYPES = ["full", "tied", "diag", "spherical"]


def save(name, **arrays):
    """Write `name` unless it already holds exactly these arrays (npz files carry a time stamp, so
    rewriting identical numbers would still change the bytes)."""
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in arrays.items()}
    path = os.path.join(OUT, name)
    if os.path.exists(path):
        with np.load(path) as old:
            if set(old.files) == set(arrays) and all(
                old[k].shape == v.shape and np.array_equal(old[k], v, equal_nan=True) for k, v in arrays.items()
            ):
                return
    np.savez_compressed(path, **arrays)


def blobs(rng, n, d, k, spread, sep):
    centres = rng.normal(scale=sep, size=(k, d))
    labels = rng.integers(0, k, size=n)
    scales = rng.uniform(0.5, 1.5, size=(k, d)) * spread
    return centres[labels] + rng.normal(size=(n, d)) * scales[labels]


def datasets():
    rng = np.random.default_rng(20260707)
    out = {}
    out["blobs2d"] = (blobs(rng, 300, 2, 3, 1.0, 4.0), 3)
    out["d10"] = (blobs(rng, 400, 10, 4, 1.0, 2.0), 4)
    out["d50"] = (blobs(rng, 600, 50, 3, 1.0, 2.0), 3)
    # Ill-conditioned: correlated features with scales spanning 1e-3 … 1e3.
    z = blobs(rng, 300, 4, 2, 1.0, 3.0)
    mix = np.array([[1.0, 0.999, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.3, 0.0, 0.0, 1.0]])
    out["illcond"] = ((z @ mix) * np.array([1e3, 1e3, 1.0, 1e-3]), 2)
    # Near-duplicate points: 40 base points repeated with 1e-7 jitter.
    base = blobs(rng, 40, 2, 3, 1.0, 5.0)
    out["neardup"] = (np.repeat(base, 6, axis=0) + 1e-7 * rng.normal(size=(240, 2)), 3)
    return out, rng


def fixed_init(x, k, ct):
    n, d = x.shape
    idx = np.linspace(0, n - 1, k).round().astype(int)
    weights = np.full(k, 1.0 / k)
    means = x[idx].copy()
    cov = np.atleast_2d(np.cov(x.T, bias=True)) + 1e-6 * np.eye(d)
    if ct == "full":
        prec = np.repeat(np.linalg.inv(cov)[None], k, axis=0)
    elif ct == "tied":
        prec = np.linalg.inv(cov)
    elif ct == "diag":
        prec = np.repeat((1.0 / np.diag(cov))[None], k, axis=0)
    else:
        prec = np.full(k, 1.0 / np.diag(cov).mean())
    return weights, means, prec


def gaussian_mixtures(data, rng):
    cases = {}
    for name, (x, k) in data.items():
        x_test = x[rng.permutation(len(x))[:20]] + 0.1 * rng.normal(size=(20, x.shape[1])) * x.std(axis=0)
        save(f"data_{name}.npz", x=x, x_test=x_test)
        for ct in COV_TYPES:
            w0, m0, p0 = fixed_init(x, k, ct)
            max_iter = 25
            gm = GaussianMixture(k, covariance_type=ct, tol=0.0, max_iter=max_iter, weights_init=w0,
                                 means_init=m0, precisions_init=p0, reg_covar=1e-6)
            gm.fit(x)
            save(f"gm_{name}_{ct}.npz", weights_init=w0, means_init=m0, precisions_init=p0,
                 weights=gm.weights_, means=gm.means_, covariances=gm.covariances_, precisions=gm.precisions_,
                 precisions_cholesky=gm.precisions_cholesky_, lower_bounds=np.array(gm.lower_bounds_),
                 lower_bound=gm.lower_bound_, n_iter=gm.n_iter_, predict_proba=gm.predict_proba(x_test),
                 score_samples=gm.score_samples(x_test), bic=gm.bic(x), aic=gm.aic(x),
                 predict=gm.predict(x_test))
            cases[f"gm_{name}_{ct}"] = {"data": name, "k": k, "covariance_type": ct, "max_iter": max_iter,
                                        "tol": 0.0, "reg_covar": 1e-6}
    # A converging run (tol > 0) to compare n_iter; the change at the stop is far from tol.
    x, k = data["blobs2d"]
    w0, m0, p0 = fixed_init(x, k, "full")
    gm = GaussianMixture(k, tol=1e-4, max_iter=200, weights_init=w0, means_init=m0, precisions_init=p0)
    gm.fit(x)
    lbs = np.array(gm.lower_bounds_)
    save("gm_converge.npz", weights_init=w0, means_init=m0, precisions_init=p0, lower_bounds=lbs,
         n_iter=gm.n_iter_, converged=float(gm.converged_), means=gm.means_, weights=gm.weights_)
    cases["gm_converge"] = {"data": "blobs2d", "k": k, "covariance_type": "full", "max_iter": 200, "tol": 1e-4,
                            "last_changes": np.abs(np.diff(lbs[-3:])).tolist()}
    return cases


def kmeans(data):
    cases = {}
    for name in ["blobs2d", "d10", "d50", "illcond", "neardup"]:
        x, k = data[name]
        idx = np.linspace(0, len(x) - 1, k).round().astype(int)
        c0 = x[idx].copy()
        km = KMeans(n_clusters=k, init=c0, n_init=1, max_iter=300, tol=1e-4).fit(x)
        save(f"kmeans_{name}.npz", init=c0, centers=km.cluster_centers_, labels=km.labels_, inertia=km.inertia_,
             n_iter=km.n_iter_)
        cases[f"kmeans_{name}"] = {"data": name, "k": k}
    return cases


def pca(data):
    cases = {}
    for name, nc, whiten in [("d10", 4, False), ("d10", 3, True), ("d50", 10, False), ("illcond", 4, True)]:
        x, _ = data[name]
        p = PCA(n_components=nc, whiten=whiten, svd_solver="full").fit(x)
        tag = f"pca_{name}_{nc}_{int(whiten)}"
        save(f"{tag}.npz", components=p.components_, explained_variance=p.explained_variance_,
             explained_variance_ratio=p.explained_variance_ratio_, singular_values=p.singular_values_,
             mean=p.mean_, noise_variance=p.noise_variance_, transform=p.transform(x),
             inverse=p.inverse_transform(p.transform(x)))
        cases[tag] = {"data": name, "n_components": nc, "whiten": whiten}
    return cases


def ica(rng):
    cases = {}
    n = 1000
    t = np.linspace(0, 8, n)
    s = np.c_[np.sin(2 * t), np.sign(np.sin(3 * t)), ((t * 1.7) % 2) - 1, rng.laplace(size=n)]
    s += 0.02 * rng.normal(size=s.shape)
    a = rng.normal(size=(4, 4)) + 2 * np.eye(4)
    x = s @ a.T
    w_init = rng.normal(size=(3, 3))
    save("ica_data.npz", x=x, w_init=w_init)
    for alg in ["parallel", "deflation"]:
        for fun in ["logcosh", "exp", "cube"]:
            f = FastICA(n_components=3, algorithm=alg, fun=fun, whiten="unit-variance", w_init=w_init,
                        max_iter=400, tol=1e-10, whiten_solver="svd").fit(x)
            tag = f"ica_{alg}_{fun}"
            save(f"{tag}.npz", components=f.components_, mixing=f.mixing_, mean=f.mean_, whitening=f.whitening_,
                 sources=f.transform(x), n_iter=f.n_iter_)
            cases[tag] = {"algorithm": alg, "fun": fun, "n_components": 3, "max_iter": 400, "tol": 1e-10}
    # Whitening without the final rescaling to unit variance.
    for alg, fun in [("parallel", "logcosh"), ("deflation", "exp")]:
        f = FastICA(n_components=3, algorithm=alg, fun=fun, whiten="arbitrary-variance", w_init=w_init,
                    max_iter=400, tol=1e-10, whiten_solver="svd").fit(x)
        tag = f"ica_{alg}_{fun}_arbitrary"
        save(f"{tag}.npz", components=f.components_, mixing=f.mixing_, mean=f.mean_, whitening=f.whitening_,
             sources=f.transform(x), n_iter=f.n_iter_)
        cases[tag] = {"algorithm": alg, "fun": fun, "n_components": 3, "max_iter": 400, "tol": 1e-10,
                      "whiten": "arbitrary-variance"}
    # Data that are already white (whiten=False): all 4 features, no centring.
    w_init4 = rng.normal(size=(4, 4))
    for alg, fun in [("parallel", "logcosh"), ("deflation", "cube")]:
        f = FastICA(algorithm=alg, fun=fun, whiten=False, w_init=w_init4, max_iter=400, tol=1e-10).fit(x)
        tag = f"ica_{alg}_{fun}_nowhiten"
        save(f"{tag}.npz", w_init=w_init4, components=f.components_, mixing=f.mixing_, sources=f.transform(x),
             n_iter=f.n_iter_)
        cases[tag] = {"algorithm": alg, "fun": fun, "n_components": 4, "max_iter": 400, "tol": 1e-10,
                      "whiten": False}
    return cases


def custom_priors(ct, d):
    """Non-default priors (the same numbers are built in crates/gmm/tests/golden.rs)."""
    cov = {"full": 2.0 * np.eye(d), "tied": 2.0 * np.eye(d), "diag": np.full(d, 2.0), "spherical": 2.0}[ct]
    return dict(weight_concentration_prior=0.5, mean_precision_prior=0.1, mean_prior=np.full(d, 0.25),
                degrees_of_freedom_prior=d + 2.5, covariance_prior=cov)


def bayesian(data):
    """Variational mixtures started from fixed responsibilities (one-hot on evenly spaced blocks):
    default priors on four data sets, custom priors (suffix `_priors`) on the 10-D set."""
    cases = {}
    for name in ["blobs2d", "d10", "illcond", "neardup"]:
        x, k = data[name]
        n, d = x.shape
        resp0 = np.zeros((n, k))
        order = np.argsort(x[:, 0], kind="stable")
        for j, block in enumerate(np.array_split(order, k)):
            resp0[block, j] = 1.0
        for ct in COV_TYPES:
            for prior in ["dirichlet_process", "dirichlet_distribution"]:
                for custom in ([False, True] if name == "d10" else [False]):
                    kw = custom_priors(ct, d) if custom else {}
                    b = BayesianGaussianMixture(n_components=k, covariance_type=ct,
                                                weight_concentration_prior_type=prior, tol=0.0, max_iter=20,
                                                reg_covar=1e-6, **kw)
                    b._initialize_parameters = lambda X, random_state, xp=None, _b=b: _b._initialize(X, resp0)
                    b.fit(x)
                    wc = b.weight_concentration_
                    wc = np.vstack(wc) if isinstance(wc, tuple) else wc[None]
                    tag = f"bgm_{name}_{ct}_{prior}" + ("_priors" if custom else "")
                    save(f"{tag}.npz", resp_init=resp0, weights=b.weights_, means=b.means_,
                         covariances=b.covariances_, precisions_cholesky=b.precisions_cholesky_,
                         weight_concentration=wc, mean_precision=b.mean_precision_,
                         degrees_of_freedom=b.degrees_of_freedom_, lower_bounds=np.array(b.lower_bounds_),
                         lower_bound=b.lower_bound_, predict_proba=b.predict_proba(x[:20]),
                         score_samples=b.score_samples(x[:20]))
                    cases[tag] = {"data": name, "k": k, "covariance_type": ct, "prior": prior, "max_iter": 20,
                                  "custom_priors": custom}
    return cases


def main():
    warnings.simplefilter("ignore")
    data, rng = datasets()
    cases = {"sklearn": sklearn.__version__, "numpy": np.__version__}
    cases.update(gaussian_mixtures(data, rng))
    cases.update(kmeans(data))
    cases.update(pca(data))
    cases.update(ica(rng))
    cases.update(bayesian(data))
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
