//! Parity with scikit-learn 1.9.1 (golden data from `xtask/golden/gmm/gen_gmm.py`).
//!
//! Tolerances: mixture fits started from fixed parameters (tol = 0, 25 iterations) match
//! weights, means, covariances, precisions and every per-iteration lower bound to relative 1e-8
//! (the bar) on all five data sets, including the ill-conditioned one (covariance
//! condition numbers ~2e12) and near-duplicate points; elements near zero get an absolute bound
//! of 1e-10 × the largest element of the matrix. The variational mixture (20 iterations from
//! fixed responsibilities, default priors on four data sets and custom priors on the 10-D one,
//! both weight priors, every covariance type) matches to relative 1e-8 as well; k-means from
//! fixed centres matches labels and n_iter exactly and inertia to 1e-10 on all five sets; PCA
//! and FastICA (unit- and arbitrary-variance whitening, and none) match up to the sign of each
//! component.

use gmm::{
    BayesianGaussianMixture, BayesianGaussianMixtureParams, CovMatrices, CovariancePrior, CovarianceType, FastIca,
    GaussianMixture, IcaAlgorithm, IcaFunction, KMeans, KMeansInit, Pca, WeightPrior, Whitening,
};
use ndarray::{Array1, Array2, ArrayView2, Axis, Ix1, Ix2, Ix3};
use seisml_testkit::{Golden, Tolerance, json};

const SETS: [&str; 5] = ["blobs2d", "d10", "d50", "illcond", "neardup"];
const TYPES: [(&str, CovarianceType); 4] = [
    ("full", CovarianceType::Full),
    ("tied", CovarianceType::Tied),
    ("diag", CovarianceType::Diag),
    ("spherical", CovarianceType::Spherical),
];

fn data(name: &str) -> (Array2<f64>, Array2<f64>) {
    let mut g = Golden::open("gmm", &format!("data_{name}.npz"));
    (g.array2("x"), g.array2("x_test"))
}

fn cov_from(g: &mut Golden, key: &str, ct: CovarianceType) -> CovMatrices {
    match ct {
        CovarianceType::Full => CovMatrices::Full(g.array_d::<Ix3>(key)),
        CovarianceType::Tied => CovMatrices::Tied(g.array_d::<Ix2>(key)),
        CovarianceType::Diag => CovMatrices::Diag(g.array_d::<Ix2>(key)),
        CovarianceType::Spherical => CovMatrices::Spherical(g.array_d::<Ix1>(key)),
    }
}

fn assert_cov(tol: Tolerance, what: &str, a: &CovMatrices, e: &CovMatrices) {
    match (a, e) {
        (CovMatrices::Full(a), CovMatrices::Full(e)) => {
            Tolerance::scaled(tol.abs, tol.rel, e.view()).assert_close(what, a.view(), e.view())
        }
        (CovMatrices::Tied(a), CovMatrices::Tied(e)) | (CovMatrices::Diag(a), CovMatrices::Diag(e)) => {
            Tolerance::scaled(tol.abs, tol.rel, e.view()).assert_close(what, a.view(), e.view())
        }
        (CovMatrices::Spherical(a), CovMatrices::Spherical(e)) => tol.assert_close(what, a.view(), e.view()),
        _ => panic!("{what}: layout differs"),
    }
}

#[test]
fn gaussian_mixture_fixed_init_all_types() {
    for set in SETS {
        let (x, x_test) = data(set);
        for (tname, ct) in TYPES {
            let case = format!("gm_{set}_{tname}");
            let mut g = Golden::open("gmm", &format!("{case}.npz"));
            let k = g.array1("weights").len();
            let model = GaussianMixture::params(k)
                .covariance_type(ct)
                .tol(0.0)
                .max_iter(25)
                .weights_init(g.array1("weights_init"))
                .means_init(g.array2("means_init"))
                .precisions_init(cov_from(&mut g, "precisions_init", ct))
                .fit(x.view(), &mut rand_pcg::Pcg64::new(0, 0))
                .unwrap_or_else(|e| panic!("{case}: {e}"));
            let rel = 1e-8;
            // Elements near zero (off-diagonal covariances) get an absolute bound scaled by the matrix.
            let tol = Tolerance::new(1e-10, rel);
            tol.assert_close(&format!("{case} weights"), model.weights().view(), g.array1("weights").view());
            Tolerance::scaled(1e-10, rel, g.array2("means").view()).assert_close(
                &format!("{case} means"),
                model.means().view(),
                g.array2("means").view(),
            );
            assert_cov(tol, &format!("{case} covariances"), model.covariances(), &cov_from(&mut g, "covariances", ct));
            assert_cov(
                Tolerance::new(1e-10, rel),
                &format!("{case} precisions"),
                model.precisions(),
                &cov_from(&mut g, "precisions", ct),
            );
            assert_cov(
                Tolerance::new(1e-10, rel),
                &format!("{case} precisions_cholesky"),
                model.precisions_cholesky(),
                &cov_from(&mut g, "precisions_cholesky", ct),
            );
            let lbs = Array1::from(model.report().lower_bounds.clone());
            Tolerance::new(0.0, 1e-8).assert_close(
                &format!("{case} lower bounds"),
                lbs.view(),
                g.array1("lower_bounds").view(),
            );
            assert_eq!(model.n_iter() as f64, g.scalar("n_iter"), "{case} n_iter");
            assert!(!model.converged());
            Tolerance::new(1e-10, 1e-8).assert_close(
                &format!("{case} predict_proba"),
                model.predict_proba(x_test.view()).unwrap().view(),
                g.array2("predict_proba").view(),
            );
            Tolerance::new(0.0, 1e-8).assert_close(
                &format!("{case} score_samples"),
                model.score_samples(x_test.view()).unwrap().view(),
                g.array1("score_samples").view(),
            );
            Tolerance::new(0.0, 1e-8).assert_scalar(
                &format!("{case} bic"),
                model.bic(x.view()).unwrap(),
                g.scalar("bic"),
            );
            Tolerance::new(0.0, 1e-8).assert_scalar(
                &format!("{case} aic"),
                model.aic(x.view()).unwrap(),
                g.scalar("aic"),
            );
            let labels = model.predict(x_test.view()).unwrap().mapv(|v| v as f64);
            assert_eq!(labels, g.array1("predict"), "{case} predict");
        }
    }
}

#[test]
fn gaussian_mixture_converges_in_same_iterations() {
    let (x, _) = data("blobs2d");
    let mut g = Golden::open("gmm", "gm_converge.npz");
    let model = GaussianMixture::params(3)
        .tol(1e-4)
        .max_iter(200)
        .weights_init(g.array1("weights_init"))
        .means_init(g.array2("means_init"))
        .precisions_init(CovMatrices::Full(g.array3("precisions_init")))
        .fit(x.view(), &mut rand_pcg::Pcg64::new(0, 0))
        .unwrap();
    assert!(model.converged());
    assert_eq!(model.n_iter() as f64, g.scalar("n_iter"));
    let lbs = Array1::from(model.report().lower_bounds.clone());
    Tolerance::new(0.0, 1e-8).assert_close("converge lower bounds", lbs.view(), g.array1("lower_bounds").view());
    Tolerance::new(1e-10, 1e-8).assert_close("converge means", model.means().view(), g.array2("means").view());
}

#[test]
fn kmeans_from_fixed_centres() {
    for set in SETS {
        let (x, _) = data(set);
        let mut g = Golden::open("gmm", &format!("kmeans_{set}.npz"));
        let init = g.array2("init");
        let km = KMeans::params(init.nrows())
            .init(KMeansInit::Centers(init))
            .fit(x.view(), &mut rand_pcg::Pcg64::new(0, 0))
            .unwrap();
        assert_eq!(km.labels().mapv(|v| v as f64), g.array1("labels"), "{set} labels");
        Tolerance::new(0.0, 1e-10).assert_scalar(&format!("{set} inertia"), km.inertia(), g.scalar("inertia"));
        Tolerance::new(1e-12, 1e-10).assert_close(
            &format!("{set} centres"),
            km.centers().view(),
            g.array2("centers").view(),
        );
        assert_eq!(km.n_iter() as f64, g.scalar("n_iter"), "{set} n_iter");
    }
}

/// Compare row sets up to the sign of each row.
fn assert_rows_up_to_sign(what: &str, a: ArrayView2<f64>, e: ArrayView2<f64>, tol: f64) {
    assert_eq!(a.dim(), e.dim(), "{what} shape");
    for (i, (ra, re)) in a.rows().into_iter().zip(e.rows()).enumerate() {
        let s = if ra.dot(&re) < 0.0 { -1.0 } else { 1.0 };
        let scale = re.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for (x, y) in ra.iter().zip(re.iter()) {
            assert!((s * x - y).abs() <= tol * scale, "{what} row {i}: {} vs {y}", s * x);
        }
    }
}

#[test]
fn pca_matches_sklearn() {
    let cases = json("gmm", "cases.json");
    for (tag, c) in cases.as_object().unwrap().iter().filter(|(t, _)| t.starts_with("pca_")) {
        let (x, _) = data(c["data"].as_str().unwrap());
        let nc = c["n_components"].as_u64().unwrap() as usize;
        let whiten = c["whiten"].as_bool().unwrap();
        let mut g = Golden::open("gmm", &format!("{tag}.npz"));
        let p = Pca::params(nc).whiten(whiten).fit(x.view()).unwrap();
        let t = Tolerance::new(0.0, 1e-9);
        assert_rows_up_to_sign(tag, p.components().view(), g.array2("components").view(), 1e-9);
        t.assert_close(&format!("{tag} ev"), p.explained_variance().view(), g.array1("explained_variance").view());
        t.assert_close(
            &format!("{tag} evr"),
            p.explained_variance_ratio().view(),
            g.array1("explained_variance_ratio").view(),
        );
        t.assert_close(&format!("{tag} sv"), p.singular_values().view(), g.array1("singular_values").view());
        Tolerance::new(0.0, 1e-9).assert_scalar(
            &format!("{tag} noise"),
            p.noise_variance(),
            g.scalar("noise_variance"),
        );
        let y = p.transform(x.view()).unwrap();
        assert_rows_up_to_sign(tag, y.t(), g.array2("transform").t(), 1e-8);
        let back = p.inverse_transform(y.view()).unwrap();
        Tolerance::scaled(1e-9, 0.0, g.array2("inverse").view()).assert_close(
            &format!("{tag} inverse"),
            back.view(),
            g.array2("inverse").view(),
        );
    }
}

#[test]
fn fastica_matches_sklearn() {
    let mut d = Golden::open("gmm", "ica_data.npz");
    let (x, w_init) = (d.array2("x"), d.array2("w_init"));
    let cases = json("gmm", "cases.json");
    let mut seen = 0;
    for (tag, c) in cases.as_object().unwrap().iter().filter(|(t, _)| t.starts_with("ica_")) {
        let mut g = Golden::open("gmm", &format!("{tag}.npz"));
        let whiten = match c.get("whiten") {
            Some(w) if w == "arbitrary-variance" => Whitening::ArbitraryVariance,
            Some(w) if w == false => Whitening::None,
            _ => Whitening::UnitVariance,
        };
        let w_init = if whiten == Whitening::None { g.array2("w_init") } else { w_init.clone() };
        let f = FastIca::params()
            .n_components(c["n_components"].as_u64().unwrap() as usize)
            .algorithm(if c["algorithm"] == "parallel" { IcaAlgorithm::Parallel } else { IcaAlgorithm::Deflation })
            .fun(match c["fun"].as_str().unwrap() {
                "logcosh" => IcaFunction::LogCosh { alpha: 1.0 },
                "exp" => IcaFunction::Exp,
                _ => IcaFunction::Cube,
            })
            .whiten(whiten)
            .max_iter(400)
            .tol(1e-10)
            .w_init(w_init)
            .fit(x.view(), &mut rand_pcg::Pcg64::new(0, 0))
            .unwrap();
        assert_rows_up_to_sign(tag, f.components().view(), g.array2("components").view(), 1e-7);
        assert_rows_up_to_sign(tag, f.mixing().t(), g.array2("mixing").t(), 1e-7);
        if whiten != Whitening::None {
            assert_rows_up_to_sign(tag, f.whitening().view(), g.array2("whitening").view(), 1e-9);
        }
        let s = f.transform(x.view()).unwrap();
        assert_rows_up_to_sign(tag, s.t(), g.array2("sources").t(), 1e-7);
        assert_eq!(f.n_iter() as f64, g.scalar("n_iter"), "{tag} n_iter");
        seen += 1;
    }
    assert_eq!(seen, 10, "FastICA golden cases");
}

/// The non-default priors of `custom_priors` in `gen_gmm.py`.
fn custom_priors(p: BayesianGaussianMixtureParams, ct: CovarianceType, d: usize) -> BayesianGaussianMixtureParams {
    let cov = match ct {
        CovarianceType::Full | CovarianceType::Tied => CovariancePrior::Matrix(Array2::eye(d) * 2.0),
        CovarianceType::Diag => CovariancePrior::Diagonal(Array1::from_elem(d, 2.0)),
        CovarianceType::Spherical => CovariancePrior::Scalar(2.0),
    };
    p.weight_concentration_prior(0.5)
        .mean_precision_prior(0.1)
        .mean_prior(Array1::from_elem(d, 0.25))
        .degrees_of_freedom_prior(d as f64 + 2.5)
        .covariance_prior(cov)
}

#[test]
fn bayesian_mixture_matches_sklearn() {
    let cases = json("gmm", "cases.json");
    let mut seen = 0;
    for (tag, c) in cases.as_object().unwrap().iter().filter(|(t, _)| t.starts_with("bgm_")) {
        let (x, _) = data(c["data"].as_str().unwrap());
        let ct = TYPES.iter().find(|(n, _)| *n == c["covariance_type"]).unwrap().1;
        let prior = if c["prior"] == "dirichlet_process" {
            WeightPrior::DirichletProcess
        } else {
            WeightPrior::DirichletDistribution
        };
        let mut g = Golden::open("gmm", &format!("{tag}.npz"));
        let resp = g.array2("resp_init");
        let mut p =
            BayesianGaussianMixture::params(resp.ncols()).covariance_type(ct).weight_prior(prior).tol(0.0).max_iter(20);
        if c["custom_priors"].as_bool().unwrap_or(false) {
            p = custom_priors(p, ct, x.ncols());
        }
        let m = p.fit_from_responsibilities(x.view(), resp.view()).unwrap_or_else(|e| panic!("{tag}: {e}"));
        let t = Tolerance::new(1e-12, 1e-8);
        t.assert_close(&format!("{tag} weights"), m.weights().view(), g.array1("weights").view());
        Tolerance::scaled(1e-10, 1e-8, g.array2("means").view()).assert_close(
            &format!("{tag} means"),
            m.means().view(),
            g.array2("means").view(),
        );
        assert_cov(t, &format!("{tag} covariances"), m.covariances(), &cov_from(&mut g, "covariances", ct));
        let (a, b) = m.weight_concentration();
        let wc: Array2<f64> = g.array2("weight_concentration");
        t.assert_close(&format!("{tag} conc a"), a.view(), wc.index_axis(Axis(0), 0));
        if prior == WeightPrior::DirichletProcess {
            t.assert_close(&format!("{tag} conc b"), b.view(), wc.index_axis(Axis(0), 1));
        }
        t.assert_close(&format!("{tag} mean precision"), m.mean_precision().view(), g.array1("mean_precision").view());
        let dof: ndarray::ArrayD<f64> = g.array("degrees_of_freedom");
        let dof: Array1<f64> = dof.iter().copied().collect();
        let mine = if dof.len() == 1 {
            m.degrees_of_freedom().slice(ndarray::s![..1]).to_owned()
        } else {
            m.degrees_of_freedom().clone()
        };
        t.assert_close(&format!("{tag} dof"), mine.view(), dof.view());
        let lbs = Array1::from(m.report().lower_bounds.clone());
        Tolerance::scaled(1e-10, 1e-8, g.array1("lower_bounds").view()).assert_close(
            &format!("{tag} lower bounds"),
            lbs.view(),
            g.array1("lower_bounds").view(),
        );
        let xt = x.slice(ndarray::s![..20, ..]);
        Tolerance::new(1e-10, 1e-8).assert_close(
            &format!("{tag} predict_proba"),
            m.predict_proba(xt).unwrap().view(),
            g.array2("predict_proba").view(),
        );
        Tolerance::new(0.0, 1e-8).assert_close(
            &format!("{tag} score_samples"),
            m.score_samples(xt).unwrap().view(),
            g.array1("score_samples").view(),
        );
        seen += 1;
    }
    assert_eq!(seen, 40, "Bayesian mixture golden cases");
}
