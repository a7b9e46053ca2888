//! Invariants (proptest) and bad-input behaviour.

mod common;
use common::{TYPES, blobs};
use gmm::{
    BayesianGaussianMixture, CovMatrices, CovarianceType, FastIca, FitWarning, GaussianMixture, GmmError, InitMethod,
    KMeans, Pca,
};
use ndarray::{Array1, Array2, Array3, array, s};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_pcg::Pcg64;

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    /// Responsibilities sum to one and the EM lower bound never decreases.
    #[test]
    fn responsibilities_and_monotone_lower_bound(seed in 0u64..1000, ti in 0usize..4, k in 1usize..4, d in 1usize..4) {
        let x = blobs(seed, 120, d, k.max(2), 3.0);
        let m = GaussianMixture::params(k)
            .covariance_type(TYPES[ti])
            .tol(0.0)
            .max_iter(15)
            .init_method(InitMethod::Random)
            .fit(x.view(), &mut Pcg64::seed_from_u64(seed))
            .unwrap();
        let p = m.predict_proba(x.view()).unwrap();
        for row in p.rows() {
            prop_assert!((row.sum() - 1.0).abs() < 1e-12);
        }
        for w in m.report().lower_bounds.windows(2) {
            prop_assert!(w[1] >= w[0] - 1e-9 * w[0].abs().max(1.0), "{} -> {}", w[0], w[1]);
        }
    }

    /// Relabelling the components does not change the likelihood.
    #[test]
    fn permutation_invariance(seed in 0u64..1000, ti in 0usize..4) {
        let x = blobs(seed, 90, 2, 3, 4.0);
        let m = GaussianMixture::params(3).covariance_type(TYPES[ti]).fit(x.view(), &mut Pcg64::seed_from_u64(seed)).unwrap();
        let pm = m.permuted(&[2, 0, 1]).unwrap();
        let a = m.score_samples(x.view()).unwrap();
        let b = pm.score_samples(x.view()).unwrap();
        for (u, v) in a.iter().zip(&b) {
            prop_assert!((u - v).abs() < 1e-10 * u.abs().max(1.0));
        }
        let pa = m.predict_proba(x.view()).unwrap();
        let pb = pm.predict_proba(x.view()).unwrap();
        for i in 0..x.nrows() {
            prop_assert!((pa[[i, 2]] - pb[[i, 0]]).abs() < 1e-10);
        }
    }
}

/// `draws` (with their `labels`) reproduce the weights, means and covariances of a mixture.
fn assert_moments(
    what: &str,
    weights: &Array1<f64>,
    means: &Array2<f64>,
    cov: &CovMatrices,
    draws: &Array2<f64>,
    labels: &Array1<usize>,
) {
    let (n, d) = draws.dim();
    for c in 0..weights.len() {
        let idx: Vec<usize> = labels.iter().enumerate().filter(|(_, l)| **l == c).map(|(i, _)| i).collect();
        let frac = idx.len() as f64 / n as f64;
        assert!((frac - weights[c]).abs() < 0.01, "{what} weight");
        if idx.len() < 1000 {
            continue;
        }
        let sub = draws.select(ndarray::Axis(0), &idx);
        let mean = sub.mean_axis(ndarray::Axis(0)).unwrap();
        let cv = cov.component_matrix(c, d);
        for j in 0..d {
            assert!((mean[j] - means[[c, j]]).abs() < 0.02 * cv[[j, j]].sqrt().max(1.0), "{what} mean");
        }
        let centred = &sub - &mean;
        let emp = centred.t().dot(&centred) / sub.nrows() as f64;
        for a in 0..d {
            for b in 0..d {
                assert!((emp[[a, b]] - cv[[a, b]]).abs() < 0.03 * (cv[[a, a]] * cv[[b, b]]).sqrt(), "{what} cov");
            }
        }
    }
}

/// Large draws from `sample` reproduce the fitted weights, means and covariances; the same
/// seed gives the same draws.
#[test]
fn sample_reproduces_moments() {
    let x = blobs(3, 600, 2, 2, 6.0);
    for ct in TYPES {
        let m = GaussianMixture::params(2).covariance_type(ct).fit(x.view(), &mut Pcg64::seed_from_u64(1)).unwrap();
        let (draws, labels) = m.sample(200_000, &mut Pcg64::seed_from_u64(2)).unwrap();
        assert_moments(&format!("{ct:?}"), m.weights(), m.means(), m.covariances(), &draws, &labels);
        let b =
            BayesianGaussianMixture::params(2).covariance_type(ct).fit(x.view(), &mut Pcg64::seed_from_u64(1)).unwrap();
        let (draws, labels) = b.sample(200_000, &mut Pcg64::seed_from_u64(2)).unwrap();
        assert_moments(&format!("bayesian {ct:?}"), b.weights(), b.means(), b.covariances(), &draws, &labels);
        let again = b.sample(200_000, &mut Pcg64::seed_from_u64(2)).unwrap();
        assert_eq!((draws, labels), again);
    }
    let m = GaussianMixture::params(2).fit(x.view(), &mut Pcg64::seed_from_u64(1)).unwrap();
    assert!(matches!(
        m.sample(0, &mut Pcg64::seed_from_u64(2)),
        Err(GmmError::InvalidParameter { name: "n_samples", .. })
    ));
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let x = blobs(5, 5000, 6, 3, 2.0);
    let fit = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            GaussianMixture::params(3).tol(0.0).max_iter(10).fit(x.view(), &mut Pcg64::seed_from_u64(9)).unwrap()
        })
    };
    let (a, b) = (fit(1), fit(3));
    assert_eq!(a.report().lower_bounds, b.report().lower_bounds);
    assert_eq!(a.means(), b.means());
    assert_eq!(a.covariances(), b.covariances());
}

#[test]
fn every_init_method_and_n_init_and_warm_start() {
    let x = blobs(11, 300, 3, 3, 5.0);
    for init in [InitMethod::KMeans, InitMethod::KMeansPlusPlus, InitMethod::Random, InitMethod::RandomFromData] {
        let m =
            GaussianMixture::params(3).init_method(init).n_init(2).fit(x.view(), &mut Pcg64::seed_from_u64(1)).unwrap();
        assert!(m.lower_bound().is_finite(), "{init:?}");
    }
    // Warm start: a 3-iteration fit continued by warm_fit equals a 6-iteration fit.
    let p = GaussianMixture::params(3).tol(0.0).init_method(InitMethod::RandomFromData);
    let a = p.clone().max_iter(3).fit(x.view(), &mut Pcg64::seed_from_u64(4)).unwrap();
    let a2 = a.warm_fit(x.view()).unwrap();
    let b = p.max_iter(6).fit(x.view(), &mut Pcg64::seed_from_u64(4)).unwrap();
    assert_eq!(a2.report().lower_bounds, b.report().lower_bounds[3..]);
    assert_eq!(a2.means(), b.means());
}

#[test]
fn bayesian_warm_start_continues_the_run() {
    let x = blobs(12, 300, 3, 3, 4.0);
    for ct in TYPES {
        let p = BayesianGaussianMixture::params(3).covariance_type(ct).tol(0.0).init_method(InitMethod::RandomFromData);
        let a = p.clone().max_iter(3).fit(x.view(), &mut Pcg64::seed_from_u64(4)).unwrap();
        let a2 = a.warm_fit(x.view()).unwrap();
        let b = p.max_iter(6).fit(x.view(), &mut Pcg64::seed_from_u64(4)).unwrap();
        assert_eq!(a2.report().lower_bounds, b.report().lower_bounds[3..], "{ct:?}");
        assert_eq!(a2.means(), b.means(), "{ct:?}");
        assert_eq!(a2.covariances(), b.covariances(), "{ct:?}");
    }
    let a = BayesianGaussianMixture::params(3).fit(x.view(), &mut Pcg64::seed_from_u64(4)).unwrap();
    assert!(matches!(a.warm_fit(x.slice(s![.., ..2])), Err(GmmError::FeatureMismatch { expected: 3, got: 2 })));
}

/// Every fitted model survives a JSON round trip.
#[test]
fn serde_round_trip_of_every_model() {
    fn round<T: serde::Serialize + serde::de::DeserializeOwned>(m: &T) -> T {
        serde_json::from_str(&serde_json::to_string(m).unwrap()).unwrap()
    }
    let close =
        |a: &Array2<f64>, b: &Array2<f64>| a.iter().zip(b).all(|(u, v)| (u - v).abs() < 1e-12 * (1.0 + u.abs()));
    let x = blobs(2, 200, 3, 2, 5.0);
    let rng = || Pcg64::seed_from_u64(1);
    let b = BayesianGaussianMixture::params(2).fit(x.view(), &mut rng()).unwrap();
    let bb = round(&b);
    assert!(close(&b.predict_proba(x.view()).unwrap(), &bb.predict_proba(x.view()).unwrap()));
    assert_eq!(b.report(), bb.report());
    let km = KMeans::params(2).fit(x.view(), &mut rng()).unwrap();
    assert_eq!(round(&km).predict(x.view()).unwrap(), km.labels());
    let p = Pca::params(2).whiten(true).fit(x.view()).unwrap();
    assert!(close(&p.transform(x.view()).unwrap(), &round(&p).transform(x.view()).unwrap()));
    let f = FastIca::params().n_components(2).fit(x.view(), &mut rng()).unwrap();
    assert!(close(&f.transform(x.view()).unwrap(), &round(&f).transform(x.view()).unwrap()));
}

#[test]
fn serde_round_trip() {
    let x = blobs(2, 100, 2, 2, 5.0);
    let m = GaussianMixture::params(2).fit(x.view(), &mut Pcg64::seed_from_u64(1)).unwrap();
    let text = serde_json::to_string(&m).unwrap();
    let back: GaussianMixture = serde_json::from_str(&text).unwrap();
    // serde_json may round the last bit of a float; parameters come back within 1e-15.
    let (a, b) = (m.score_samples(x.view()).unwrap(), back.score_samples(x.view()).unwrap());
    assert!(a.iter().zip(&b).all(|(u, v)| (u - v).abs() < 1e-12 * u.abs()));
    assert_eq!(m.report(), back.report());
}

#[test]
fn bad_input_is_a_typed_error() {
    let x = blobs(1, 50, 2, 2, 3.0);
    let mut rng = Pcg64::seed_from_u64(0);
    let mut bad = x.clone();
    bad[[7, 1]] = f64::NAN;
    match GaussianMixture::params(2).fit(bad.view(), &mut rng) {
        Err(GmmError::NonFinite { index, .. }) => assert_eq!(index, 15),
        other => panic!("{other:?}"),
    }
    bad[[7, 1]] = f64::INFINITY;
    assert!(matches!(KMeans::params(2).fit(bad.view(), &mut rng), Err(GmmError::NonFinite { .. })));
    assert!(matches!(Pca::params(1).fit(bad.view()), Err(GmmError::NonFinite { .. })));
    assert!(matches!(FastIca::params().fit(bad.view(), &mut rng), Err(GmmError::NonFinite { .. })));
    assert!(matches!(
        GaussianMixture::params(60).fit(x.view(), &mut rng),
        Err(GmmError::TooFewSamples { needed: 60, got: 50, .. })
    ));
    assert!(matches!(GaussianMixture::params(0).fit(x.view(), &mut rng), Err(GmmError::InvalidParameter { .. })));
    assert!(matches!(GaussianMixture::params(2).reg_covar(-1.0).check(), Err(GmmError::InvalidParameter { .. })));
    assert!(matches!(GaussianMixture::params(2).tol(f64::NAN).check(), Err(GmmError::InvalidParameter { .. })));
    assert!(matches!(
        GaussianMixture::params(2).weights_init(array![0.3, 0.3]).check(),
        Err(GmmError::InvalidParameter { .. })
    ));
    assert!(matches!(
        GaussianMixture::params(2).means_init(Array2::zeros((2, 3))).fit(x.view(), &mut rng),
        Err(GmmError::ShapeMismatch { .. })
    ));
    assert!(matches!(
        GaussianMixture::params(2)
            .covariance_type(CovarianceType::Diag)
            .precisions_init(CovMatrices::Spherical(array![1.0, 1.0]))
            .check(),
        Err(GmmError::InvalidParameter { .. })
    ));
    assert!(matches!(
        GaussianMixture::params(2)
            .precisions_init(CovMatrices::Full(Array3::zeros((2, 2, 2))))
            .weights_init(array![0.5, 0.5])
            .means_init(Array2::zeros((2, 2)))
            .fit(x.view(), &mut rng),
        Err(GmmError::InvalidParameter { .. })
    ));
    assert!(matches!(
        GaussianMixture::params(2).fit(Array2::zeros((0, 2)).view(), &mut rng),
        Err(GmmError::Empty { .. })
    ));
    // Dimension mismatch at predict time.
    let m = GaussianMixture::params(2).fit(x.view(), &mut rng).unwrap();
    let x3 = Array2::<f64>::zeros((4, 3));
    assert!(matches!(m.predict(x3.view()), Err(GmmError::FeatureMismatch { expected: 2, got: 3 })));
    assert!(matches!(m.score_samples(x3.view()), Err(GmmError::FeatureMismatch { .. })));
    assert!(matches!(m.sample(0, &mut rng), Err(GmmError::InvalidParameter { .. })));
    assert!(matches!(m.permuted(&[0, 0]), Err(GmmError::InvalidParameter { .. })));
    let b = BayesianGaussianMixture::params(2).fit(x.view(), &mut rng).unwrap();
    assert!(matches!(b.predict(x3.view()), Err(GmmError::FeatureMismatch { .. })));
    assert!(matches!(
        BayesianGaussianMixture::params(2).degrees_of_freedom_prior(0.5).fit(x.view(), &mut rng),
        Err(GmmError::InvalidParameter { .. })
    ));
}

#[test]
fn zero_variance_feature_and_collapse() {
    // A constant feature: fine with the default reg_covar, a clear error without it.
    let mut x = blobs(4, 80, 3, 2, 4.0);
    x.column_mut(2).fill(1.5);
    let mut rng = Pcg64::seed_from_u64(0);
    for ct in TYPES {
        let m = GaussianMixture::params(2).covariance_type(ct).fit(x.view(), &mut rng).unwrap();
        assert!(m.score(x.view()).unwrap().is_finite());
        let r = GaussianMixture::params(2).covariance_type(ct).reg_covar(0.0).fit(x.view(), &mut rng);
        match r {
            Err(GmmError::IllDefinedCovariance { reg_covar, .. }) => assert_eq!(reg_covar, 0.0),
            // A spherical variance averages over features: one constant feature cannot collapse it.
            Ok(m) if ct == CovarianceType::Spherical => assert!(m.score(x.view()).unwrap().is_finite()),
            Ok(m) => assert!(
                m.report().warnings.iter().any(|w| matches!(w, FitWarning::ComponentCollapsed { .. })),
                "{ct:?}"
            ),
            Err(e) => panic!("{ct:?}: {e}"),
        }
    }
    // 20 identical points in one cluster: the component collapses onto them.
    let mut y = blobs(6, 60, 2, 1, 0.0);
    for i in 0..20 {
        y.row_mut(i).assign(&array![10.0, 10.0]);
    }
    let m = GaussianMixture::params(2).fit(y.view(), &mut rng).unwrap();
    assert!(m.report().warnings.iter().any(|w| matches!(w, FitWarning::ComponentCollapsed { .. })));
    assert!(matches!(
        GaussianMixture::params(2).reg_covar(0.0).fit(y.view(), &mut rng),
        Err(GmmError::IllDefinedCovariance { .. })
    ));
}

#[test]
fn not_converged_is_reported() {
    let x = blobs(8, 200, 2, 3, 2.0);
    let m = GaussianMixture::params(3).max_iter(2).tol(1e-12).fit(x.view(), &mut Pcg64::seed_from_u64(3)).unwrap();
    assert!(!m.converged());
    assert!(matches!(m.report().warnings[0], FitWarning::NotConverged { n_iter: 2, .. }));
}

#[test]
fn kmeans_pca_ica_basics() {
    let x = blobs(9, 300, 4, 3, 6.0);
    let km = KMeans::params(3).n_init(3).fit(x.view(), &mut Pcg64::seed_from_u64(1)).unwrap();
    let truth = Array1::from_iter((0..300).map(|i| i % 3));
    // Perfect clustering up to a relabelling.
    for c in 0..3 {
        let l = km.labels()[c];
        assert!((0..300).filter(|&i| truth[i] == c).all(|i| km.labels()[i] == l));
    }
    assert_eq!(km.predict(x.slice(s![..6, ..])).unwrap(), km.labels().slice(s![..6]));
    let p = Pca::params(4).fit(x.view()).unwrap();
    assert!((p.explained_variance_ratio().sum() - 1.0).abs() < 1e-12);
    let y = p.transform(x.view()).unwrap();
    let back = p.inverse_transform(y.view()).unwrap();
    assert!((&back - &x).iter().all(|v| v.abs() < 1e-9));
    let f = FastIca::params().n_components(2).fit(x.view(), &mut Pcg64::seed_from_u64(2)).unwrap();
    let s = f.transform(x.view()).unwrap();
    let sd = s.std_axis(ndarray::Axis(0), 0.0);
    assert!(sd.iter().all(|v| (v - 1.0).abs() < 1e-8));
}
