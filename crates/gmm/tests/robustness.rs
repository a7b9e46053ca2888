//! Bad input for every estimator, values at the edge of the floating-point range, `n_init`
//! keeping the best run, and thread-count independence beyond the plain mixture.

mod common;
use common::{TYPES, blobs};
use gmm::{BayesianGaussianMixture, FastIca, GaussianMixture, GmmError, InitMethod, KMeans, KMeansInit, Pca};
use ndarray::{Array2, array};
use rand::SeedableRng;
use rand_pcg::Pcg64;

/// Index of the largest value.
fn argmax(v: &[f64]) -> usize {
    (0..v.len()).fold(0, |b, i| if v[i] > v[b] { i } else { b })
}

/// `n_init = 3` equals the best of three single runs drawing from the same RNG stream in turn
/// (a fit draws only while initialising), and the best is not simply the first or the last.
#[test]
fn n_init_keeps_the_best_lower_bound() {
    let x = blobs(21, 240, 2, 4, 2.0);
    for ct in TYPES {
        let p = GaussianMixture::params(4).covariance_type(ct).init_method(InitMethod::Random).tol(0.0).max_iter(8);
        let mut rng = Pcg64::seed_from_u64(5);
        let runs: Vec<GaussianMixture> = (0..3).map(|_| p.clone().fit(x.view(), &mut rng).unwrap()).collect();
        let lbs: Vec<f64> = runs.iter().map(|m| m.lower_bound()).collect();
        let best = argmax(&lbs);
        let multi = p.clone().n_init(3).fit(x.view(), &mut Pcg64::seed_from_u64(5)).unwrap();
        assert_eq!(multi.lower_bound(), lbs[best], "{ct:?} {lbs:?}");
        assert_eq!(multi.means(), runs[best].means(), "{ct:?}");
        assert!(lbs.iter().any(|&l| l != lbs[best]), "{ct:?}: runs should differ: {lbs:?}");
    }
    let p = BayesianGaussianMixture::params(4).init_method(InitMethod::Random).tol(0.0).max_iter(8);
    let mut rng = Pcg64::seed_from_u64(5);
    let runs: Vec<BayesianGaussianMixture> = (0..3).map(|_| p.clone().fit(x.view(), &mut rng).unwrap()).collect();
    let lbs: Vec<f64> = runs.iter().map(|m| m.report().lower_bound).collect();
    let best = argmax(&lbs);
    let multi = p.n_init(3).fit(x.view(), &mut Pcg64::seed_from_u64(5)).unwrap();
    assert_eq!(multi.report().lower_bound, lbs[best], "bayesian {lbs:?}");
    assert_eq!(multi.means(), runs[best].means());
    assert!(lbs.iter().any(|&l| l != lbs[best]), "bayesian runs should differ: {lbs:?}");
}

/// k-means with `n_init` keeps the run of lowest inertia.
#[test]
fn kmeans_n_init_keeps_the_lowest_inertia() {
    let x = blobs(22, 300, 3, 6, 1.5);
    for init in [KMeansInit::Random, KMeansInit::KMeansPlusPlus] {
        let p = KMeans::params(6).init(init.clone()).n_init(1);
        let mut rng = Pcg64::seed_from_u64(3);
        let runs: Vec<KMeans> = (0..4).map(|_| p.clone().fit(x.view(), &mut rng).unwrap()).collect();
        let inertia: Vec<f64> = runs.iter().map(|m| -m.inertia()).collect();
        let best = argmax(&inertia);
        let multi = p.n_init(4).fit(x.view(), &mut Pcg64::seed_from_u64(3)).unwrap();
        assert_eq!(multi.inertia(), -inertia[best], "{init:?}");
        assert_eq!(multi.labels(), runs[best].labels(), "{init:?}");
        assert!(inertia.iter().any(|&v| v != inertia[best]), "{init:?}: runs should differ: {inertia:?}");
    }
}

#[test]
fn kmeans_and_bayesian_results_do_not_depend_on_thread_count() {
    let x = blobs(23, 5000, 5, 4, 2.0);
    let with = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let km = KMeans::params(4).n_init(2).fit(x.view(), &mut Pcg64::seed_from_u64(1)).unwrap();
            let b = BayesianGaussianMixture::params(4)
                .tol(0.0)
                .max_iter(6)
                .fit(x.view(), &mut Pcg64::seed_from_u64(1))
                .unwrap();
            (km, b)
        })
    };
    let ((ka, ba), (kb, bb)) = (with(1), with(3));
    assert_eq!(ka, kb);
    assert_eq!(ba.report().lower_bounds, bb.report().lower_bounds);
    assert_eq!(ba.means(), bb.means());
    assert_eq!(ba.covariances(), bb.covariances());
}

/// Shapes, counts and parameters outside the valid range, for every estimator.
#[test]
fn bad_input_for_every_estimator() {
    let x = blobs(24, 12, 3, 2, 3.0);
    let x2 = Array2::<f64>::zeros((4, 2));
    let mut rng = Pcg64::seed_from_u64(0);
    let invalid = |r: Result<(), GmmError>, name: &str| match r {
        Err(GmmError::InvalidParameter { name: n, .. }) if n == name => {}
        other => panic!("{name}: {other:?}"),
    };
    // Zero components / clusters.
    invalid(BayesianGaussianMixture::params(0).fit(x.view(), &mut rng).map(drop), "n_components");
    invalid(KMeans::params(0).fit(x.view(), &mut rng).map(drop), "n_clusters");
    invalid(Pca::params(0).fit(x.view()).map(drop), "n_components");
    invalid(Pca::params(4).fit(x.view()).map(drop), "n_components");
    invalid(FastIca::params().n_components(0).fit(x.view(), &mut rng).map(drop), "n_components");
    invalid(GaussianMixture::params(2).n_init(0).check().map(drop), "n_init");
    // Without whitening every feature is a component.
    let no_white = FastIca::params().whiten(gmm::Whitening::None);
    invalid(no_white.clone().n_components(2).fit(x.view(), &mut rng).map(drop), "n_components");
    assert!(matches!(
        no_white.fit(x.slice(ndarray::s![..2, ..]), &mut rng),
        Err(GmmError::TooFewSamples { needed: 3, got: 2, .. })
    ));
    invalid(KMeans::params(2).max_iter(0).check().map(drop), "max_iter");
    invalid(FastIca::params().fun(gmm::IcaFunction::LogCosh { alpha: 3.0 }).fit(x.view(), &mut rng).map(drop), "alpha");
    // Fewer samples than components.
    for r in [
        BayesianGaussianMixture::params(13).fit(x.view(), &mut rng).map(drop),
        KMeans::params(13).fit(x.view(), &mut rng).map(drop),
        GaussianMixture::params(1).fit(x.slice(ndarray::s![..1, ..]), &mut rng).map(drop),
    ] {
        assert!(matches!(r, Err(GmmError::TooFewSamples { .. })), "{r:?}");
    }
    // Feature mismatch at predict / transform time.
    let km = KMeans::params(2).fit(x.view(), &mut rng).unwrap();
    assert!(matches!(km.predict(x2.view()), Err(GmmError::FeatureMismatch { expected: 3, got: 2 })));
    let p = Pca::params(2).fit(x.view()).unwrap();
    assert!(matches!(p.transform(x2.view()), Err(GmmError::FeatureMismatch { expected: 3, got: 2 })));
    assert!(matches!(p.inverse_transform(x.view()), Err(GmmError::FeatureMismatch { expected: 2, got: 3 })));
    let f = FastIca::params().n_components(2).fit(x.view(), &mut rng).unwrap();
    assert!(matches!(f.transform(x2.view()), Err(GmmError::FeatureMismatch { expected: 3, got: 2 })));
    assert!(matches!(f.inverse_transform(x.view()), Err(GmmError::FeatureMismatch { expected: 2, got: 3 })));
    let b = BayesianGaussianMixture::params(2).fit(x.view(), &mut rng).unwrap();
    assert!(matches!(b.score_samples(x2.view()), Err(GmmError::FeatureMismatch { expected: 3, got: 2 })));
    assert!(matches!(
        KMeans::params(2).init(KMeansInit::Centers(x2.slice(ndarray::s![..2, ..]).to_owned())).fit(x.view(), &mut rng),
        Err(GmmError::FeatureMismatch { expected: 3, got: 2 })
    ));
    // NaN in the Bayesian mixture's data and priors.
    let mut bad = x.clone();
    bad[[3, 2]] = f64::NEG_INFINITY;
    assert!(matches!(
        BayesianGaussianMixture::params(2).fit(bad.view(), &mut rng),
        Err(GmmError::NonFinite { index: 11, .. })
    ));
    assert!(matches!(
        BayesianGaussianMixture::params(2).mean_prior(array![0.0, f64::NAN, 0.0]).fit(x.view(), &mut rng),
        Err(GmmError::NonFinite { .. })
    ));
    assert!(matches!(b.predict_proba(bad.view()), Err(GmmError::NonFinite { index: 11, .. })));
}

/// Values whose squares overflow are refused up front; rows too far from a fitted model (in
/// units of its covariances) are an error instead of NaN probabilities.
#[test]
fn extreme_magnitudes_are_typed_errors_not_nan() {
    let x = blobs(25, 40, 2, 2, 4.0);
    let mut rng = Pcg64::seed_from_u64(0);
    let huge = &x * 1e160;
    assert!(matches!(GaussianMixture::params(2).fit(huge.view(), &mut rng), Err(GmmError::OutOfScale { .. })));
    assert!(matches!(KMeans::params(2).fit(huge.view(), &mut rng), Err(GmmError::OutOfScale { .. })));
    assert!(matches!(Pca::params(1).fit(huge.view()), Err(GmmError::OutOfScale { .. })));
    let msg = GaussianMixture::params(2).fit(huge.view(), &mut rng).unwrap_err().to_string();
    assert!(msg.contains("rescale"), "{msg}");
    // Tiny scales fit fine and stay finite.
    let tiny = &x * 1e-100;
    for ct in TYPES {
        let m = GaussianMixture::params(2).covariance_type(ct).reg_covar(0.0).fit(tiny.view(), &mut rng).unwrap();
        assert!(m.score(tiny.view()).unwrap().is_finite(), "{ct:?}");
        // 1e100 is within range but ~1e200 standard deviations from every component.
        let far = array![[1e100, 1e100], [0.0, 0.0]];
        assert!(
            matches!(m.predict_proba(far.view()), Err(GmmError::NonFiniteLikelihood { row: 0 })),
            "{ct:?}: {:?}",
            m.predict_proba(far.view())
        );
        assert!(matches!(m.score_samples(far.view()), Err(GmmError::NonFiniteLikelihood { row: 0 })));
        assert!(matches!(m.predict(far.view()), Err(GmmError::NonFiniteLikelihood { row: 0 })));
        let p = m.predict_proba(far.slice(ndarray::s![1.., ..])).unwrap();
        assert!(p.iter().all(|v| v.is_finite()));
    }
}

/// PCA of data without spread is an error (not NaN ratios), and whitening a zero-variance
/// component is refused.
#[test]
fn pca_degenerate_data() {
    let same = Array2::<f64>::ones((10, 3));
    assert!(matches!(Pca::params(1).fit(same.view()), Err(GmmError::ZeroVariance { .. })));
    let flat = array![[1.0, 0.0], [2.0, 0.0], [4.0, 0.0], [7.0, 0.0]];
    let p = Pca::params(2).fit(flat.view()).unwrap();
    assert!(p.explained_variance_ratio().iter().all(|v| v.is_finite()));
    assert!(matches!(Pca::params(2).whiten(true).fit(flat.view()), Err(GmmError::InvalidParameter { .. })));
    let w = Pca::params(1).whiten(true).fit(flat.view()).unwrap();
    assert!(w.transform(flat.view()).unwrap().iter().all(|v| v.is_finite()));
}
