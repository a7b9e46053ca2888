//! Properties of the Morlet CWT and superlets beyond the syncopy golden cases: amplitude
//! convention, additive sets, linearity, thread independence and bad-input errors.

use ndarray::{Array1, Axis};
use proptest::prelude::*;
use std::f64::consts::PI;
use wavelet_scatter::ScatterError;
use wavelet_scatter::tf::{CwtParams, CycleSet, Normalization, SuperletParams};

fn tone(fs: f64, n: usize, f: f64, amp: f64) -> Array1<f64> {
    Array1::from_iter((0..n).map(|i| amp * (2.0 * PI * f * i as f64 / fs + 0.3).cos()))
}

#[test]
fn amplitude_normalisation_recovers_sinusoid_amplitude() {
    let fs = 100.0;
    let n = 4000;
    for &(f, amp) in &[(5.0, 2.0), (12.5, 0.7), (31.0, 3.0)] {
        let x = tone(fs, n, f, amp);
        let cwt = CwtParams::new(fs, &[f]).cycles(5.0).normalization(Normalization::Amplitude).plan(n).unwrap();
        let w = cwt.transform(x.view()).unwrap();
        let mid = w[[0, n / 2]];
        assert!((mid - amp).abs() < 1e-3 * amp, "f = {f}: |W| = {mid}, amplitude {amp}");
        for set in [CycleSet::Multiplicative, CycleSet::Additive] {
            let sl = SuperletParams::new(fs, &[f], 4)
                .cycle_set(set)
                .normalization(Normalization::Amplitude)
                .plan(n)
                .unwrap();
            let s = sl.transform(x.view()).unwrap();
            assert!((s[[0, n / 2]] - amp).abs() < 1e-3 * amp, "{set:?} f = {f}: {}", s[[0, n / 2]]);
        }
    }
    // syncopy's own convention: √fs/(8π) for a unit cosine.
    let x = tone(fs, n, 10.0, 1.0);
    let w = CwtParams::new(fs, &[10.0]).plan(n).unwrap().transform(x.view()).unwrap();
    assert!((w[[0, n / 2]] - fs.sqrt() / (8.0 * PI)).abs() < 1e-3);
}

#[test]
fn additive_superlet_is_geometric_mean_of_its_cwts() {
    let fs = 50.0;
    let n = 1500;
    let x = tone(fs, n, 7.0, 1.0) + tone(fs, n, 13.0, 0.5);
    let freqs = [4.0, 7.0, 10.0, 13.0];
    let (c1, order) = (2.5, 4u32);
    let sl = SuperletParams::new(fs, &freqs, order).c1(c1).cycle_set(CycleSet::Additive).plan(n).unwrap();
    let s = sl.transform(x.view()).unwrap();
    let mut expected = Array1::<f64>::ones(n).insert_axis(Axis(0)).broadcast((4, n)).unwrap().to_owned();
    for i in 1..=order {
        let c = c1 + i as f64 - 1.0;
        let w = CwtParams::new(fs, &freqs).cycles(c).plan(n).unwrap().transform(x.view()).unwrap();
        expected *= &w.mapv(|v| v.powf(1.0 / order as f64));
    }
    let m = expected.iter().fold(0.0f64, |a, v| a.max(*v));
    for (a, b) in s.iter().zip(expected.iter()) {
        assert!((a - b).abs() <= 1e-12 * m + 1e-10 * b, "{a} vs {b}");
    }
    // Order 1 of either set is the plain CWT with c1 cycles.
    let one = SuperletParams::new(fs, &freqs, 1).c1(c1).plan(n).unwrap().transform(x.view()).unwrap();
    let cwt = CwtParams::new(fs, &freqs).cycles(c1).plan(n).unwrap().transform(x.view()).unwrap();
    for (a, b) in one.iter().zip(cwt.iter()) {
        assert!((a - b).abs() <= 1e-12 * m + 1e-10 * b);
    }
}

#[test]
fn adaptive_additive_orders_and_thread_independence() {
    let fs = 100.0;
    let n = 2000;
    let x = tone(fs, n, 20.0, 1.0);
    let freqs: Vec<f64> = (1..=25).map(|k| 1.7 * k as f64).collect();
    let plan = SuperletParams::new(fs, &freqs, 6).adaptive().cycle_set(CycleSet::Additive).plan(n).unwrap();
    assert_eq!(plan.orders()[0], 1.0);
    assert_eq!(plan.orders()[24], 6.0);
    let a = plan.transform(x.view()).unwrap();
    let b =
        rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(|| plan.transform(x.view()).unwrap());
    assert_eq!(a, b);
    assert!(a.iter().all(|v| v.is_finite() && *v >= 0.0));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// The complex CWT is linear in the signal.
    #[test]
    fn cwt_is_linear(a in -3.0f64..3.0, b in -3.0f64..3.0, f1 in 1.0f64..20.0, f2 in 1.0f64..20.0) {
        let fs = 50.0;
        let n = 700;
        let x = tone(fs, n, f1, 1.0);
        let y = tone(fs, n, f2, 1.0) + tone(fs, n, 3.3, 0.2);
        let cwt = CwtParams::new(fs, &[2.0, 5.0, 11.0, 23.0]).cycles(4.0).plan(n).unwrap();
        let wx = cwt.transform_complex(x.view()).unwrap();
        let wy = cwt.transform_complex(y.view()).unwrap();
        let wxy = cwt.transform_complex((&x * a + &y * b).view()).unwrap();
        let m = wx.iter().chain(wy.iter()).fold(0.0f64, |m, v| m.max(v.norm()));
        for ((p, q), r) in wx.iter().zip(wy.iter()).zip(wxy.iter()) {
            prop_assert!((p * a + q * b - r).norm() <= 1e-12 * m * (1.0 + a.abs() + b.abs()));
        }
    }
}

#[test]
fn bad_input_is_reported() {
    let fs = 100.0;
    assert!(matches!(
        CwtParams::new(fs, &[10.0, 60.0]).plan(100),
        Err(ScatterError::InvalidParameter { name: "frequencies", .. })
    ));
    assert!(matches!(CwtParams::new(fs, &[]).plan(100), Err(ScatterError::Empty { .. })));
    assert!(matches!(
        CwtParams::new(-1.0, &[1.0]).plan(100),
        Err(ScatterError::InvalidParameter { name: "sampling_rate", .. })
    ));
    assert!(matches!(
        CwtParams::new(fs, &[1.0]).cycles(0.0).plan(100),
        Err(ScatterError::InvalidParameter { name: "cycles", .. })
    ));
    assert!(matches!(
        SuperletParams::new(fs, &[5.0, 3.0], 3).adaptive().plan(100),
        Err(ScatterError::InvalidParameter { name: "frequencies", .. })
    ));
    assert!(matches!(
        SuperletParams::new(fs, &[5.0], 3).order_min(4).plan(100),
        Err(ScatterError::InvalidParameter { name: "order_max", .. })
    ));
    assert!(matches!(
        SuperletParams::new(fs, &[5.0], 3).order_min(0).plan(100),
        Err(ScatterError::InvalidParameter { name: "order_min", .. })
    ));
    let plan = SuperletParams::new(fs, &[5.0, 9.0], 3).plan(100).unwrap();
    let mut x = Array1::<f64>::zeros(100);
    x[42] = f64::INFINITY;
    match plan.transform(x.view()) {
        Err(ScatterError::NonFinite { index, .. }) => assert_eq!(index, 42),
        other => panic!("expected NonFinite, got {other:?}"),
    }
    assert!(matches!(plan.transform(Array1::<f64>::zeros(99).view()), Err(ScatterError::ShapeMismatch { .. })));
    assert!(matches!(plan.transform(Array1::<f64>::zeros(0).view()), Err(ScatterError::Empty { .. })));
}
