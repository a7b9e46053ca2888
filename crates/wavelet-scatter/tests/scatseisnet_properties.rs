//! Invariants of the scatseisnet-compatible network: linearity of the first layer's filtering,
//! exact invariance of whole-window pooling under circular time shifts, energy bounds,
//! thread-count independence, and typed errors on bad input.

use ndarray::{Array1, Array3, Axis, s};
use num_complex::Complex64;
use proptest::prelude::*;
use wavelet_scatter::{LayerSpec, NetworkBuilder, Normalization, Pooling, ScatterError, ScatteringNetwork};

fn small_net(n: usize) -> ScatteringNetwork {
    NetworkBuilder::new(n, 20.0)
        .layer(LayerSpec::new(3, 2, 1.5))
        .layer(LayerSpec::new(3, 1, 1.5).normalized(Normalization::L2))
        .build()
        .unwrap()
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-12 * scale + 1e-9 * b.abs()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn first_layer_filtering_is_linear(
        xs in prop::collection::vec(-10.0f64..10.0, 200),
        ys in prop::collection::vec(-10.0f64..10.0, 200),
        a in -3.0f64..3.0, b in -3.0f64..3.0,
    ) {
        let net = small_net(200);
        let x = Array1::from(xs);
        let y = Array1::from(ys);
        let z = &x * a + &y * b;
        let wx = net.wavelet_transform(x.view()).unwrap();
        let wy = net.wavelet_transform(y.view()).unwrap();
        let wz = net.wavelet_transform(z.view()).unwrap();
        let expect = wx.mapv(|v| v * a) + wy.mapv(|v| v * b);
        let scale = expect.iter().fold(0.0f64, |m, v: &Complex64| m.max(v.norm()));
        for (p, q) in wz.iter().zip(expect.iter()) {
            prop_assert!((p - q).norm() <= 1e-12 * scale + 1e-12);
        }
        // The order-1 scalogram is the modulus of this transform.
        let u = net.scalograms(x.view().insert_axis(Axis(0)).insert_axis(Axis(0))).unwrap();
        let s1 = u[0].index_axis(Axis(0), 0).index_axis(Axis(0), 0).to_owned();
        for (p, q) in s1.iter().zip(wx.iter()) {
            prop_assert!((p - q.norm()).abs() <= 1e-12 * scale);
        }
    }

    #[test]
    fn pooled_coefficients_are_invariant_to_circular_shifts(
        xs in prop::collection::vec(-10.0f64..10.0, 256),
        shift in 0usize..256,
    ) {
        let net = small_net(256);
        let x = Array3::from_shape_vec((1, 1, 256), xs.clone()).unwrap();
        let mut rolled = xs.clone();
        rolled.rotate_right(shift);
        let xr = Array3::from_shape_vec((1, 1, 256), rolled).unwrap();
        for p in [Pooling::Mean, Pooling::Max, Pooling::Median] {
            let a = net.transform(x.view(), p).unwrap();
            let b = net.transform(xr.view(), p).unwrap();
            for (oa, ob) in a.iter().zip(&b) {
                let scale = oa.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                for (u, v) in oa.iter().zip(ob.iter()) {
                    prop_assert!(close(*v, *u, scale), "{p:?}: {u} vs {v}");
                }
            }
        }
    }

    #[test]
    fn energy_is_bounded_by_the_frame_bound(xs in prop::collection::vec(-10.0f64..10.0, 300)) {
        let net = small_net(300);
        let x = Array3::from_shape_vec((1, 1, 300), xs).unwrap();
        let u = net.scalograms(x.view()).unwrap();
        let bank = &net.banks()[0];
        // Parseval: Σ_k ‖x ⊛ ψ_k‖² ≤ max_f Σ_k |Ψ_k(f)|² · ‖x‖².
        let bound = (0..300)
            .map(|f| bank.spectra().column(f).iter().map(|z| z.norm_sqr()).sum::<f64>())
            .fold(0.0f64, f64::max);
        let ex: f64 = x.iter().map(|v| v * v).sum();
        let e1: f64 = u[0].iter().map(|v| v * v).sum();
        prop_assert!(e1 <= bound * ex * (1.0 + 1e-12) + 1e-12);
        // Pooled values are ordered: median and mean never exceed the max.
        let mx = net.transform(x.view(), Pooling::Max).unwrap();
        for p in [Pooling::Mean, Pooling::Median] {
            let o = net.transform(x.view(), p).unwrap();
            for (a, b) in o.iter().zip(&mx) {
                for (u, v) in a.iter().zip(b.iter()) {
                    prop_assert!(*u <= *v * (1.0 + 1e-12));
                }
            }
        }
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let net = small_net(400);
    let x =
        Array3::from_shape_fn((9, 2, 400), |(w, c, i)| ((i * (3 + w) + 7 * c) as f64 * 0.013).sin() * (1 + w) as f64);
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| net.transform(x.view(), Pooling::Median).unwrap())
    };
    let (a, b) = (run(1), run(3));
    for (oa, ob) in a.iter().zip(&b) {
        assert_eq!(oa, ob, "bitwise equal");
    }
}

#[test]
fn caller_data_is_not_modified_by_the_taper() {
    let net =
        NetworkBuilder::new(500, 20.0).layer(LayerSpec::new(3, 2, 1.0)).taper_alpha(Some(0.2)).build::<f64>().unwrap();
    let x = Array3::from_shape_fn((2, 1, 500), |(w, _, i)| 1.0 + (i * (w + 1)) as f64 * 0.01);
    let copy = x.clone();
    let _ = net.transform(x.view(), Pooling::Mean).unwrap();
    assert_eq!(x, copy);
    // Pooling region: where scipy's tukey(500, 0.2) equals 1.
    let r = net.pooled_region();
    assert_eq!((r.start, r.end), (50, 450));
}

#[test]
fn bad_input_gives_typed_errors() {
    // Wavelets longer than the window: error unless truncation is allowed.
    let b = NetworkBuilder::new(200, 20.0).layer(LayerSpec::new(8, 1, 4.0));
    assert!(matches!(b.build::<f64>(), Err(ScatterError::WaveletLongerThanWindow { layer: 0, .. })));
    assert!(b.clone().allow_truncation(true).build::<f64>().is_ok());
    // Invalid hyperparameters.
    for spec in [LayerSpec::new(0, 1, 1.0), LayerSpec::new(2, 0, 1.0), LayerSpec::new(2, 1, -1.0)] {
        let e = NetworkBuilder::new(200, 20.0).layer(spec).build::<f64>().unwrap_err();
        assert!(matches!(e, ScatterError::InvalidParameter { .. }), "{e}");
    }
    assert!(matches!(NetworkBuilder::new(200, 20.0).build::<f64>(), Err(ScatterError::Empty { .. })));
    assert!(NetworkBuilder::new(200, 0.0).layer(LayerSpec::new(2, 1, 1.0)).build::<f64>().is_err());
    assert!(
        NetworkBuilder::new(200, 20.0).layer(LayerSpec::new(2, 1, 1.0)).taper_alpha(Some(1.5)).build::<f64>().is_err()
    );

    let net = small_net(200);
    // NaN in a window: the error names the window, channel, sample and time.
    let mut x = Array3::<f64>::zeros((3, 2, 200));
    x[[2, 1, 40]] = f64::NAN;
    match net.transform(x.view(), Pooling::Mean) {
        Err(ScatterError::NonFiniteWindow { window: 2, channel: 1, sample: 40, offset_s, .. }) => {
            assert!((offset_s - 2.0).abs() < 1e-12)
        }
        other => panic!("unexpected {other:?}"),
    }
    x[[2, 1, 40]] = f64::INFINITY;
    assert!(net.transform(x.view(), Pooling::Mean).unwrap_err().to_string().contains("window 2"));
    // Empty batch, wrong window length, bad pooling.
    assert!(matches!(net.transform(Array3::zeros((0, 1, 200)).view(), Pooling::Mean), Err(ScatterError::Empty { .. })));
    assert!(matches!(net.transform(Array3::zeros((1, 0, 200)).view(), Pooling::Mean), Err(ScatterError::Empty { .. })));
    assert!(matches!(
        net.transform(Array3::zeros((1, 1, 199)).view(), Pooling::Mean),
        Err(ScatterError::ShapeMismatch { .. })
    ));
    assert!(net.transform(Array3::zeros((1, 1, 200)).view(), Pooling::Average { width: 0, hop: 1 }).is_err());
    // Non-contiguous views are fine.
    let big = Array3::from_shape_fn((2, 1, 400), |(_, _, i)| (i as f64 * 0.1).sin());
    let strided = big.slice(s![.., .., ..;2]);
    let a = net.transform(strided, Pooling::Mean).unwrap();
    let b = net.transform(strided.to_owned().view(), Pooling::Mean).unwrap();
    assert_eq!(a, b);
}

#[test]
fn time_resolved_average_pooling_frames() {
    let net = small_net(400);
    let x = Array3::from_shape_fn((2, 1, 400), |(_, _, i)| (i as f64 * 0.3).sin());
    let p = Pooling::Average { width: 100, hop: 50 };
    let out = net.transform(x.view(), p).unwrap();
    assert_eq!(out[0].shape(), &[2, 1, 6, 7]);
    assert_eq!(out[1].shape(), &[2, 1, 6, 3, 7]);
    // Each frame is the mean of the unpooled scalogram over its samples.
    let u = net.scalograms(x.view()).unwrap();
    let frame = u[1].slice(s![1, 0, 5, 2, 150..250]).mean().unwrap();
    assert!((out[1][[1, 0, 5, 2, 3]] - frame).abs() < 1e-12 * frame.abs().max(1.0));
}
