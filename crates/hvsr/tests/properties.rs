//! Invariants of the H/V pipeline (proptest).

use hvsr::{FftLength, Horizontal, HvsrParams, Smoothing, log_frequencies};
use ndarray::Array1;
use proptest::prelude::*;

fn noise(seed: u64, n: usize) -> Array1<f64> {
    let mut s = seed.wrapping_mul(0x9E3779B97F4A7C15) | 1;
    Array1::from_iter((0..n).map(|_| {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    }))
}

fn params() -> HvsrParams {
    HvsrParams::new()
        .window_length(20.0)
        .fft_length(FftLength::WindowLength)
        .frequencies(log_frequencies(0.3, 8.0, 48))
        .sesame(false)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, .. ProptestConfig::default() })]

    /// H/V is a ratio: scaling every component by the same gain changes nothing.
    #[test]
    fn scale_invariant(seed in 0u64..1000, gain in 1e-3f64..1e3) {
        let n = 2401;
        let (a, b, c) = (noise(seed, n), noise(seed + 1, n), noise(seed + 2, n));
        let plan = params().plan(20.0).unwrap();
        let h1 = plan.process_arrays(a.view(), b.view(), c.view()).unwrap();
        let (a2, b2, c2) = (&a * gain, &b * gain, &c * gain);
        let h2 = plan.process_arrays(a2.view(), b2.view(), c2.view()).unwrap();
        for (x, y) in h1.amplitude.iter().zip(h2.amplitude.iter()) {
            prop_assert!((x - y).abs() <= 1e-9 * x.abs());
        }
    }

    /// Symmetric combinations do not depend on which horizontal is called north.
    #[test]
    fn symmetric_in_the_horizontals(seed in 0u64..1000) {
        let n = 2401;
        let (a, b, c) = (noise(seed, n), noise(seed + 7, n), noise(seed + 9, n));
        for h in [Horizontal::GeometricMean, Horizontal::SquaredAverage, Horizontal::Maximum, Horizontal::ArithmeticMean] {
            let plan = params().horizontal(h).plan(20.0).unwrap();
            let h1 = plan.process_arrays(a.view(), b.view(), c.view()).unwrap();
            let h2 = plan.process_arrays(b.view(), a.view(), c.view()).unwrap();
            for (x, y) in h1.amplitude.iter().zip(h2.amplitude.iter()) {
                prop_assert!((x - y).abs() <= 1e-12 * x.abs());
            }
        }
    }

    /// Non-negative smoothing windows give weighted means: between the extremes of the spectrum.
    #[test]
    fn smoothing_is_a_weighted_mean(seed in 0u64..1000, fc in 0.5f64..20.0) {
        let freqs: Vec<f64> = (0..1025).map(|k| k as f64 * 0.05).collect();
        let spec: Vec<f64> = noise(seed, freqs.len()).iter().map(|v| v.abs() + 0.01).collect();
        let (lo, hi) = spec.iter().fold((f64::INFINITY, 0.0f64), |(l, h), &v| (l.min(v), h.max(v)));
        for s in [
            Smoothing::KonnoOhmachi { bandwidth: 40.0 },
            Smoothing::LogTriangular { bandwidth: 0.05 },
            Smoothing::ProportionalTriangular { fraction: 0.1 },
            Smoothing::Parzen { bandwidth: 0.5 },
        ] {
            let op = s.plan(&freqs, &[fc]).unwrap();
            let mut out = [0.0];
            op.apply(&spec, &mut out).unwrap();
            prop_assert!(out[0] >= lo - 1e-12 && out[0] <= hi + 1e-12, "{:?}: {}", s, out[0]);
        }
    }
}

/// Results do not depend on the number of threads.
#[test]
fn thread_count_independent() {
    let n = 6001;
    let (a, b, c) = (noise(1, n), noise(2, n), noise(3, n));
    let plan = params().fdwra().plan(20.0).unwrap();
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let many = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    let h1 = one.install(|| plan.process_arrays(a.view(), b.view(), c.view()).unwrap());
    let h3 = many.install(|| plan.process_arrays(a.view(), b.view(), c.view()).unwrap());
    assert_eq!(h1, h3);
}
