//! Invariants of the kymatio-style scattering transform that hold for any input, orders > 2 and
//! bad-input errors.

use ndarray::{Array1, Array2, Axis, s};
use proptest::prelude::*;
use wavelet_scatter::ScatterError;
use wavelet_scatter::kymatio::Scattering1DParams;

fn signal(seed: u64, n: usize) -> Array1<f64> {
    // Small deterministic generator: noise-like values plus a burst.
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    Array1::from_shape_fn(n, |i| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let u = (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
        let t = i as f64 - n as f64 / 2.0;
        u + 3.0 * (-0.5 * (t / 20.0).powi(2)).exp() * (0.3 * t).cos()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Filters have unit L1 norm and the modulus keeps the sup norm: every coefficient of every
    /// order is bounded by max|x| (reflect padding does not raise it).
    #[test]
    fn coefficients_bounded_by_sup_norm(seed in 0u64..1000, scale in 0.1f64..100.0) {
        let n = 400;
        let x = signal(seed, n) * scale;
        let plan = Scattering1DParams::new(4).q(&[4, 2, 1]).max_order(3).plan(n).unwrap();
        let s = plan.transform(x.view().into_dyn()).unwrap();
        let sup = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for v in s.iter() {
            prop_assert!(v.abs() <= sup * (1.0 + 1e-9));
        }
    }

    /// Scattering is positively homogeneous: S(c·x) = |c|·S(x) (orders ≥ 1) and S0 is linear.
    #[test]
    fn homogeneous_and_order0_linear(seed in 0u64..1000, c in -5.0f64..5.0) {
        let n = 300;
        let x = signal(seed, n);
        let y = signal(seed + 1, n);
        let plan = Scattering1DParams::new(3).q(&[2, 1]).plan(n).unwrap();
        let sx = plan.transform(x.view().into_dyn()).unwrap();
        let scx = plan.transform((&x * c).view().into_dyn()).unwrap();
        let m = sx.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for (row, (a, b)) in sx.outer_iter().zip(scx.outer_iter()).enumerate() {
            let f = if row == 0 { c } else { c.abs() };
            for (u, v) in a.iter().zip(b.iter()) {
                prop_assert!((u * f - v).abs() <= 1e-12 * m * (1.0 + c.abs()));
            }
        }
        let sy = plan.transform(y.view().into_dyn()).unwrap();
        let sxy = plan.transform((&x + &y).view().into_dyn()).unwrap();
        for k in 0..sx.shape()[1] {
            let lin = sx[[0, k]] + sy[[0, k]];
            prop_assert!((lin - sxy[[0, k]]).abs() <= 1e-12 * m.max(1.0));
        }
    }
}

/// Averaging at scale T makes first-order coefficients stable to shifts much smaller than T.
#[test]
fn first_order_is_stable_to_small_time_shifts() {
    let n = 4096;
    let x = signal(3, n + 8);
    let plan = Scattering1DParams::new(7).q(&[8, 1]).max_order(1).plan(n).unwrap();
    let s0 = plan.transform(x.slice(s![..n]).into_dyn()).unwrap();
    let s4 = plan.transform(x.slice(s![4..n + 4]).into_dyn()).unwrap();
    let norm = |a: ndarray::ArrayView2<f64>| a.iter().map(|v| v * v).sum::<f64>().sqrt();
    let a = s0.view().into_dimensionality::<ndarray::Ix2>().unwrap();
    let b = s4.view().into_dimensionality::<ndarray::Ix2>().unwrap();
    // Interior frames only (edges see different reflect padding).
    let f = plan.frames();
    let ai = a.slice(s![1.., 2..f - 2]);
    let bi = b.slice(s![1.., 2..f - 2]);
    let rel = norm((&ai - &bi).view()) / norm(ai);
    assert!(rel < 0.1, "relative change {rel} for a 4-sample shift with T = 128");
}

#[test]
fn third_order_extends_second_order() {
    let n = 1000;
    let x = signal(7, n);
    let p2 = Scattering1DParams::new(6).q(&[4, 2]).plan(n).unwrap();
    let p3 = Scattering1DParams::new(6).q(&[4, 2, 1]).max_order(3).plan(n).unwrap();
    let s2 = p2.transform(x.view().into_dyn()).unwrap();
    let s3 = p3.transform(x.view().into_dyn()).unwrap();
    let c2 = p2.paths_per_order();
    let c3 = p3.paths_per_order();
    assert_eq!(&c3[..3], &c2[..]);
    assert!(c3[3] > 0);
    let head = s3.slice(s![..p2.n_paths(), ..]);
    assert_eq!(head, s2.view().into_dimensionality().unwrap());
    // Every order-3 path respects j1 < j2 < j3, in lexicographic order.
    let paths: Vec<_> = p3.paths().iter().filter(|p| p.order == 3).collect();
    assert_eq!(paths.len(), c3[3]);
    for w in paths.windows(2) {
        assert!(w[0].n < w[1].n);
    }
    for p in &paths {
        assert!(p.j[0] < p.j[1] && p.j[1] < p.j[2]);
    }
    assert!(s3.iter().all(|v| v.is_finite()));
}

#[test]
fn batch_rows_are_independent_and_thread_count_does_not_matter() {
    let n = 512;
    let batch = Array2::from_shape_fn((5, n), |(b, i)| signal(b as u64, n)[i]);
    let plan = Scattering1DParams::new(5).q(&[8, 1]).plan(n).unwrap();
    let all = plan.transform(batch.view().into_dyn()).unwrap();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| plan.transform(batch.view().into_dyn()).unwrap());
    assert_eq!(all, one);
    for b in 0..5 {
        let single = plan.transform(batch.row(b).into_dyn()).unwrap();
        assert_eq!(all.index_axis(Axis(0), b), single.view());
    }
}

#[test]
fn bad_input_is_reported() {
    let plan = Scattering1DParams::new(4).plan(100).unwrap();
    let mut x = Array2::<f64>::zeros((3, 100));
    x[[2, 17]] = f64::NAN;
    match plan.transform(x.view().into_dyn()) {
        Err(ScatterError::NonFinite { what, index, .. }) => {
            assert!(what.contains("signal 2"), "{what}");
            assert_eq!(index, 17);
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
    let short = Array1::<f64>::zeros(99);
    assert!(matches!(plan.transform(short.view().into_dyn()), Err(ScatterError::ShapeMismatch { .. })));
    let empty = Array2::<f64>::zeros((0, 100));
    assert!(matches!(plan.transform(empty.view().into_dyn()), Err(ScatterError::Empty { .. })));
    assert!(matches!(Scattering1DParams::new(0).plan(100), Err(ScatterError::InvalidParameter { name: "j", .. })));
    assert!(matches!(
        Scattering1DParams::new(4).q(&[0]).plan(100),
        Err(ScatterError::InvalidParameter { name: "q", .. })
    ));
    assert!(matches!(
        Scattering1DParams::new(4).t(101).plan(100),
        Err(ScatterError::InvalidParameter { name: "t", .. })
    ));
    assert!(matches!(Scattering1DParams::new(4).plan(0), Err(ScatterError::Empty { .. })));
    // Default T = 2^J longer than the signal.
    assert!(matches!(Scattering1DParams::new(8).plan(100), Err(ScatterError::InvalidParameter { name: "t", .. })));
}
