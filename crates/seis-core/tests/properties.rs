//! Property tests of the seis-core primitives: detrend is idempotent, filters are linear,
//! resampling up then down returns the input, tapers leave the input untouched.

use ndarray::Array1;
use proptest::prelude::*;
use seis_core::filter::{Band, Phase, SosFilter};
use seis_core::{Detrend, Taper, envelope, resample};

fn signal(min_len: usize, max_len: usize) -> impl Strategy<Value = Array1<f64>> {
    prop::collection::vec(-1e3f64..1e3, min_len..max_len).prop_map(Array1::from)
}

fn peak(x: &Array1<f64>) -> f64 {
    x.iter().fold(0.0f64, |m, v| m.max(v.abs()))
}

fn assert_close(a: &Array1<f64>, b: &Array1<f64>, tol: f64) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        prop_assert!((x - y).abs() <= tol, "element {}: {} vs {} (tol {})", i, x, y, tol);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(48) })]

    #[test]
    fn detrend_is_idempotent(x in signal(1, 400), linear in any::<bool>()) {
        let d = if linear { Detrend::Linear } else { Detrend::Constant };
        let once = d.apply(x.view()).unwrap();
        let twice = d.apply(once.view()).unwrap();
        assert_close(&once, &twice, 1e-9 * (1.0 + peak(&x)))?;
    }

    #[test]
    fn filters_are_linear(
        x in signal(100, 400),
        a in -10.0f64..10.0,
        b in -10.0f64..10.0,
        order in 1usize..6,
        kind in 0usize..4,
        phase in prop::sample::select(vec![Phase::Causal, Phase::ZeroPhase, Phase::ForwardBackward]),
    ) {
        let band = [Band::Lowpass(5.0), Band::Highpass(2.0), Band::Bandpass(1.0, 20.0), Band::Bandstop(5.0, 15.0)][kind];
        let f = SosFilter::butter(order, band, 100.0).unwrap();
        let y = x.mapv(|v| (v * 0.37).sin() * 100.0);
        let combo = &x * a + &y * b;
        let lhs = f.apply(combo.view(), phase).unwrap();
        let rhs = f.apply(x.view(), phase).unwrap() * a + f.apply(y.view(), phase).unwrap() * b;
        assert_close(&lhs, &rhs, 1e-8 * (1.0 + peak(&combo)))?;
    }

    #[test]
    fn resample_up_then_down_round_trips(x in signal(1, 300), k in 2usize..4) {
        let n = x.len();
        let up = resample(x.view(), k * n).unwrap();
        let back = resample(up.view(), n).unwrap();
        assert_close(&back, &x, 1e-9 * (1.0 + peak(&x)))?;
    }

    #[test]
    fn tapers_do_not_mutate_input(x in signal(1, 300), alpha in 0.0f64..=1.0) {
        let before = x.clone();
        for t in [Taper::Tukey { alpha }, Taper::Hann, Taper::Cosine { p: alpha }] {
            let y = t.apply(x.view()).unwrap();
            prop_assert_eq!(&x, &before);
            prop_assert!(y.iter().zip(x.iter()).all(|(a, b)| a.abs() <= b.abs() + 1e-12));
        }
    }

    #[test]
    fn envelope_bounds_the_signal(x in signal(1, 300)) {
        let e = envelope(x.view()).unwrap();
        prop_assert!(e.iter().zip(x.iter()).all(|(e, v)| *e + 1e-9 * (1.0 + v.abs()) >= v.abs()));
    }
}

#[test]
fn chunked_causal_filtering_equals_one_pass() {
    let x = Array1::from_iter((0..1000).map(|i| ((i * 7919) % 101) as f64 - 50.0));
    let f = SosFilter::butter(4, Band::Bandpass(1.0, 20.0), 100.0).unwrap();
    let whole = f.sosfilt(x.view()).unwrap();
    let mut state = vec![[0.0; 2]; f.n_sections()];
    let mut buf = x.to_vec();
    for chunk in buf.chunks_mut(137) {
        f.sosfilt_inplace(chunk, &mut state);
    }
    assert_eq!(Array1::from(buf), whole);
}
