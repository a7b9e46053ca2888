//! The learnable Hermite-spline network: exact gradients (central finite differences), training
//! steps that lower the loss, and typed errors on bad input.

use ndarray::{Array1, Array2, Array3, Axis};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;
use wavelet_scatter::ScatterError;
use wavelet_scatter::learnable::{
    Adam, Correlation, LearnableScattering, MixtureDensity, Projection, SplineLayerSpec, SplineParams,
};

fn small_net(complex: bool) -> LearnableScattering {
    small_net_with(complex, Correlation::Auto)
}

fn small_net_with(complex: bool, correlation: Correlation) -> LearnableScattering {
    LearnableScattering::params()
        .correlation(correlation)
        .layer(SplineLayerSpec::new(2, 2, 5))
        .layer(SplineLayerSpec::new(2, 1, 5))
        .complex(complex)
        .decimation(2)
        .pooling(32)
        .build(128)
        .unwrap()
}

/// Bursty noise patches: a seeded stand-in for seismic windows.
fn patches(seed: u64, batch: usize, channels: usize, n: usize) -> Array3<f64> {
    let mut rng = Pcg64::seed_from_u64(seed);
    Array3::from_shape_fn((batch, channels, n), |(b, _, i)| {
        let burst = if (i / 16 + b) % 3 == 0 { 3.0 } else { 0.3 };
        burst * (rng.random::<f64>() - 0.5) + 0.5 * ((i as f64) * (0.2 + 0.1 * b as f64)).sin()
    })
}

fn loss_setup(net: &LearnableScattering, x: &Array3<f64>, seed: u64) -> (Projection, MixtureDensity) {
    let feats = net.features(x.view()).unwrap();
    let nf = feats.ncols();
    let mut rng = Pcg64::seed_from_u64(seed);
    let comps = Array2::from_shape_fn((3, nf), |_| rng.random::<f64>() - 0.5);
    let proj = Projection::new(feats.mean_axis(Axis(0)).unwrap().view(), comps.view()).unwrap();
    let means = Array2::from_shape_fn((2, 3), |(c, d)| if c == 0 { 0.1 * d as f64 } else { -0.3 });
    let prec = Array3::from_shape_fn((2, 3, 3), |(c, i, j)| if i == j { 1.5 + c as f64 } else { 0.2 });
    let density =
        MixtureDensity::from_precisions(Array1::from(vec![0.4, 0.6]).view(), means.view(), prec.view()).unwrap();
    (proj, density)
}

fn flat(p: &[SplineParams]) -> Vec<f64> {
    p.iter().flat_map(|l| l.values.iter().chain(&l.derivatives).copied()).collect()
}

fn unflat(template: &[SplineParams], v: &[f64]) -> Vec<SplineParams> {
    let mut i = 0;
    template
        .iter()
        .map(|l| {
            let mut take = |n: usize| {
                let out = v[i..i + n].to_vec();
                i += n;
                out
            };
            let values = take(l.values.len());
            let derivatives = take(l.derivatives.len());
            SplineParams { values, derivatives }
        })
        .collect()
}

fn check_gradient(complex: bool, correlation: Correlation) {
    let mut net = small_net_with(complex, correlation);
    // move away from the symmetric initialisation so every parameter matters
    let mut rng = Pcg64::seed_from_u64(7);
    let start: Vec<f64> = flat(net.parameters()).iter().map(|v| v + 0.05 * (rng.random::<f64>() - 0.5)).collect();
    let template = net.parameters().to_vec();
    net.set_parameters(unflat(&template, &start)).unwrap();
    let x = patches(3, 3, 2, 128);
    let (proj, density) = loss_setup(&net, &x, 11);
    let (_, grads) = net.loss_and_gradient(x.view(), &proj, &density).unwrap();
    let g = flat(&grads);
    let h = 1e-6;
    let scale = g.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    assert!(scale > 1e-6, "gradient vanishes: {scale}");
    let mut worst = 0.0f64;
    for i in 0..start.len() {
        let mut plus = start.clone();
        plus[i] += h;
        let mut minus = start.clone();
        minus[i] -= h;
        net.set_parameters(unflat(&template, &plus)).unwrap();
        let (lp, _) = net.loss_and_gradient(x.view(), &proj, &density).unwrap();
        net.set_parameters(unflat(&template, &minus)).unwrap();
        let (lm, _) = net.loss_and_gradient(x.view(), &proj, &density).unwrap();
        let fd = (lp - lm) / (2.0 * h);
        worst = worst.max((fd - g[i]).abs());
    }
    // central differences with h = 1e-6 on an O(1) loss: ≈ 1e-8 truncation + round-off
    assert!(worst <= 1e-6 * scale.max(1.0), "max |fd − analytic| = {worst:e} (gradient scale {scale:e})");
}

#[test]
fn gradient_matches_finite_differences_real_mode() {
    check_gradient(false, Correlation::Direct);
}

#[test]
fn gradient_matches_finite_differences_fft_correlation() {
    check_gradient(false, Correlation::Fft);
    check_gradient(true, Correlation::Fft);
}

#[test]
fn direct_and_fft_correlation_agree() {
    let x = patches(9, 2, 2, 128);
    let a = small_net_with(false, Correlation::Direct).transform(x.view()).unwrap();
    let b = small_net_with(false, Correlation::Fft).transform(x.view()).unwrap();
    for (sa, sb) in a.iter().zip(&b) {
        let peak = sa.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let worst = sa.iter().zip(sb.iter()).fold(0.0f64, |m, (u, v)| m.max((u - v).abs()));
        assert!(worst <= 1e-12 * peak, "direct vs FFT: {worst:e} of peak {peak:e}");
    }
}

#[test]
fn gradient_matches_finite_differences_complex_mode() {
    check_gradient(true, Correlation::Direct);
}

#[test]
fn adam_steps_lower_the_clustering_loss() {
    let mut net = small_net(false);
    let x = patches(5, 4, 1, 128);
    let (proj, density) = loss_setup(&net, &x, 13);
    let (first, _) = net.loss_and_gradient(x.view(), &proj, &density).unwrap();
    let mut adam = Adam::new(1e-2).unwrap();
    let mut last = first;
    for _ in 0..20 {
        let (l, g) = net.loss_and_gradient(x.view(), &proj, &density).unwrap();
        last = l;
        adam.step(&mut net, &g).unwrap();
    }
    assert!(last < first - 1e-3, "loss did not decrease: {first} → {last}");
    assert_eq!(adam.steps(), 20);
}

#[test]
fn shapes_and_features() {
    let net = small_net(false);
    assert_eq!(net.frames(), 4);
    assert_eq!(net.n_features(2), 2 * 4 * 2);
    let x = patches(1, 2, 2, 128);
    let s = net.transform(x.view()).unwrap();
    assert_eq!(s[0].shape(), &[2, 2, 4, 4]);
    assert_eq!(s[1].shape(), &[2, 2, 4, 2, 4]);
    let f = net.features(x.view()).unwrap();
    assert_eq!(f.dim(), (8, 16));
    // column (channel 1, path (f1 = 3, f2 = 1)) of patch 1, frame 2 = ln(S2 / (S1 + 1e-3) + 1e-4)
    let (s1, s2) = (s[0][[1, 1, 3, 2]], s[1][[1, 1, 3, 1, 2]]);
    let want = (s2 / (s1 + 1e-3) + 1e-4).ln();
    assert!((f[[4 + 2, 8 + 3 * 2 + 1]] - want).abs() < 1e-12);
    // scales double every `per_octave` filters; kernels are normalised to a unit real maximum
    assert_eq!(net.bank(0).scales(), &[1.0, 2f64.sqrt(), 2.0, 2.0 * 2f64.sqrt()]);
    assert_eq!(net.kernels(1).unwrap().dim(), (2, 22));
}

#[test]
fn bad_input_is_a_typed_error() {
    let net = small_net(false);
    let mut x = patches(1, 1, 1, 128);
    x[[0, 0, 17]] = f64::NAN;
    assert!(matches!(net.features(x.view()), Err(ScatterError::NonFinite { index: 17, .. })));
    assert!(matches!(net.features(Array3::zeros((1, 1, 100)).view()), Err(ScatterError::ShapeMismatch { .. })));
    assert!(matches!(net.features(Array3::zeros((0, 1, 128)).view()), Err(ScatterError::Empty { .. })));
    let one_layer = LearnableScattering::params().layer(SplineLayerSpec::new(2, 2, 5)).build(1024);
    assert!(matches!(one_layer, Err(ScatterError::InvalidParameter { name: "layers", .. })));
    let bad_pool = LearnableScattering::params()
        .layer(SplineLayerSpec::new(2, 2, 5))
        .layer(SplineLayerSpec::new(2, 1, 5))
        .pooling(1000)
        .build(2000);
    assert!(matches!(bad_pool, Err(ScatterError::InvalidParameter { name: "pooling", .. })));
    assert!(matches!(Adam::new(-1.0), Err(ScatterError::InvalidParameter { .. })));
}
