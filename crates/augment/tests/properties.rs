//! Property tests of the issue: labels move with the data, achieved SNR equals the target,
//! windows stay in bounds, reproducible seeding, rotations preserve energy; plus dropout,
//! rebalancing and SMOTE invariants.

mod common;

use augment::{
    AddNoiseAtSnr, Augmentation, ChannelDropout, Generator, InMemorySource, Metadata, ProbabilisticLabeller,
    RandomArrayRotation, RandomShiftCut, RandomWindow, RotateHorizontalComponents, Sample, SampleSource, SnrWindow,
    WindowStrategy, cut_window, rebalance_by_bins, smote, snr_db,
};
use ndarray::{Array2, s};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

const P: &str = "trace_P_arrival_sample";
const S: &str = "trace_S_arrival_sample";

fn synthetic(seed: u64, n: usize, p: f64, s_pick: f64) -> Sample {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let noise = Normal::new(0.0, 0.1).expect("normal");
    let w = Array2::from_shape_fn((3, n), |(c, i)| {
        let t = i as f64 - p;
        let sig = if t >= 0.0 { (-(t / 80.0)).exp() * (0.3 * t + c as f64).sin() * 2.0 } else { 0.0 };
        sig + noise.sample(&mut rng)
    });
    let m = Metadata::new().with_number(P, p).with_number(S, s_pick);
    Sample::new(w, 100.0, "ZNE", m).expect("sample")
}

fn energy(x: &Array2<f64>) -> f64 {
    x.iter().map(|v| v * v).sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Labelling after a window equals windowing the labels of the whole trace.
    #[test]
    fn labels_move_with_the_data(seed in 0u64..1000, p in 300.0f64..900.0, ps in 50.0f64..400.0, p0 in -200i64..900, wl in 100usize..800) {
        let full = synthetic(seed, 1500, p, p + ps);
        let lab = ProbabilisticLabeller::default();
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        // label first, then window (labels are cut with the data)
        let mut a = full.clone();
        lab.apply(&mut a, &mut rng).unwrap();
        cut_window(&mut a, p0, wl, WindowStrategy::Variable).unwrap();
        // window first, then label (arrivals moved with the window)
        let mut b = full.clone();
        cut_window(&mut b, p0, wl, WindowStrategy::Variable).unwrap();
        lab.apply(&mut b, &mut rng).unwrap();
        prop_assert_eq!(a.waveform.shape(), b.waveform.shape());
        for (x, y) in a.labels["y"].data.iter().zip(b.labels["y"].data.iter()) {
            prop_assert!((x - y).abs() < 1e-12);
        }
        // the sample under the moved arrival is the sample under the original one
        if let Some(np) = b.metadata.number(P) && np >= 0.0 && (np as usize) < b.len() {
            let old = p.floor() as usize;
            let new = np.floor() as usize;
            prop_assert_eq!(b.waveform[[0, new]], full.waveform[[0, old]]);
        }
    }

    /// A circular shift that moves the metadata gives the same labels as rotating the labels.
    #[test]
    fn rotation_moves_labels(seed in 0u64..1000, p in 100.0f64..500.0, shift in 0usize..300) {
        // picks that wrap around change their neighbours (the S tail normalises P), so keep them inside
        prop_assume!(p + 50.0 + shift as f64 + 100.0 < 800.0);
        let base = synthetic(seed, 800, p, p + 50.0);
        let lab = ProbabilisticLabeller::default();
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let rot = RandomArrayRotation { shift_metadata: true };
        let mut a = base.clone();
        lab.apply(&mut a, &mut rng).unwrap();
        rot.rotate(&mut a, shift);
        let mut b = base.clone();
        rot.rotate(&mut b, shift);
        let la = a.labels["y"].data.clone();
        lab.apply(&mut b, &mut rng).unwrap();
        // compare the P row near the moved pick (wrap-around makes far tails differ)
        let np = b.metadata.number(P).unwrap() as usize;
        for i in np.saturating_sub(20)..(np + 20).min(800) {
            prop_assert!((la[[0, i]] - b.labels["y"].data[[0, i]]).abs() < 1e-9, "i {} np {} a {} b {} names {:?}", i, np, la[[0, i]], b.labels["y"].data[[0, i]], b.labels["y"].names);
        }
        prop_assert!((energy(&a.waveform) - energy(&base.waveform)).abs() <= 1e-9 * energy(&base.waveform));
    }

    /// Windows have the requested length, stay inside the trace and keep picks consistent.
    #[test]
    fn windows_stay_in_bounds(seed in 0u64..1000, n in 500usize..3000, wl in 100usize..2500, p in 0.0f64..1.0) {
        let p = (p * (n - 1) as f64).floor();
        let base = synthetic(seed, n, p, f64::NAN);
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let mut w = base.clone();
        RandomWindow::new(wl, WindowStrategy::Pad).apply(&mut w, &mut rng).unwrap();
        prop_assert_eq!(w.len(), wl);
        if wl <= n {
            // fits: a contiguous piece of the trace, P moved by the start
            let start = (p - w.metadata.number(P).unwrap()) as i64;
            prop_assert!(start >= 0 && start as usize + wl <= n);
            prop_assert_eq!(w.waveform.view(), base.waveform.slice(s![.., start as usize..start as usize + wl]));
        }
        let mut z = base.clone();
        let cut = RandomShiftCut { windowlen: wl.min(n), keep_inside: vec![P.into()], margin: 0 };
        cut.apply(&mut z, &mut rng).unwrap();
        prop_assert_eq!(z.len(), wl.min(n));
        prop_assert!(z.metadata.arrival_in_window(P, z.len()));
    }

    /// The SNR after adding real noise equals the target within 0.5 dB.
    #[test]
    fn achieved_snr_equals_target(seed in 0u64..1000, target in 2.0f64..25.0) {
        let sample = synthetic(seed, 2000, 1000.0, 1200.0);
        let mut noise_src = InMemorySource::new();
        let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 77);
        let nd = Normal::new(0.0, 1.0).unwrap();
        for _ in 0..3 {
            let w = Array2::from_shape_fn((3, 3000), |_| nd.sample(&mut rng) as f32);
            noise_src.push(w.view(), 100.0, "ZNE", Metadata::new()).unwrap();
        }
        let aug = AddNoiseAtSnr::new(Arc::new(noise_src), (target, target)).unwrap();
        let before = snr_db(&sample, &SnrWindow::default()).unwrap();
        let mut out = sample.clone();
        aug.apply(&mut out, &mut rng).unwrap();
        let after = snr_db(&out, &SnrWindow::default()).unwrap();
        if before > target {
            prop_assert!((after - target).abs() < 0.5, "target {} got {}", target, after);
            prop_assert!((after - target).abs() < 1e-6);
        } else {
            prop_assert_eq!(out.waveform, sample.waveform);
        }
        prop_assert!((out.metadata.number("trace_snr_db").unwrap() - after).abs() < 1e-9);
    }

    /// Rotating horizontal components preserves energy and leaves Z alone.
    #[test]
    fn horizontal_rotation_preserves_energy(seed in 0u64..1000, alpha in -7.0f64..7.0) {
        let base = synthetic(seed, 400, 100.0, 200.0);
        let mut r = base.clone();
        RotateHorizontalComponents::default().rotate(&mut r, alpha).unwrap();
        prop_assert!((energy(&r.waveform) - energy(&base.waveform)).abs() <= 1e-10 * energy(&base.waveform));
        prop_assert_eq!(r.waveform.row(0), base.waveform.row(0));
    }

    /// Channel dropout never blanks every channel of non-zero data.
    #[test]
    fn dropout_keeps_a_channel(seed in 0u64..5000) {
        let mut s = synthetic(seed % 7, 300, 50.0, 100.0);
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        ChannelDropout::default().apply(&mut s, &mut rng).unwrap();
        let alive = s.waveform.rows().into_iter().filter(|r| r.iter().any(|v| *v != 0.0)).count();
        prop_assert!(alive >= 1);
    }

    /// SMOTE balances classes with points on segments between same-class members.
    #[test]
    fn smote_interpolates_within_class(seed in 0u64..1000, n1 in 2usize..8, n0 in 10usize..30) {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let nd = Normal::new(0.0, 1.0).unwrap();
        let n = n0 + n1;
        let x = Array2::from_shape_fn((n, 3), |(i, _)| nd.sample(&mut rng) + if i < n0 { 0.0 } else { 10.0 });
        let y: Vec<usize> = (0..n).map(|i| usize::from(i >= n0)).collect();
        let (xs, ys) = smote(x.view(), &y, 3, &mut rng).unwrap();
        prop_assert_eq!(ys.iter().filter(|&&c| c == 1).count(), n0);
        prop_assert_eq!(xs.slice(s![..n, ..]), x.view());
        for r in n..xs.nrows() {
            // inside the bounding box of class 1
            for d in 0..3 {
                let col = x.slice(s![n0.., d]);
                let (lo, hi) = col.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
                prop_assert!(xs[[r, d]] >= lo - 1e-12 && xs[[r, d]] <= hi + 1e-12);
            }
        }
    }

    /// Every non-empty bin contributes exactly `per_bin` indices from that bin.
    #[test]
    fn rebalancing_by_bins(seed in 0u64..1000, per_bin in 1usize..50) {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let nd = Normal::new(2.0, 1.0).unwrap();
        let v: Vec<f64> = (0..200).map(|_| nd.sample(&mut rng)).collect();
        let edges = [0.0, 1.0, 2.0, 3.0, 5.0];
        let r = rebalance_by_bins(&v, &edges, per_bin, &mut rng).unwrap();
        let nonempty = r.counts.iter().filter(|&&c| c > 0).count();
        prop_assert_eq!(r.indices.len(), nonempty * per_bin);
        prop_assert_eq!(r.counts.iter().sum::<usize>() + r.excluded.len(), 200);
        for b in 0..4 {
            let k = r.indices.iter().filter(|&&i| v[i] >= edges[b] && v[i] < edges[b + 1]).count();
            prop_assert!(k == 0 || k == per_bin);
        }
    }
}

#[test]
fn same_seed_same_sample_other_epoch_other_draw() {
    let src = common::tiny_source();
    let generator = Generator::new(src, 7)
        .unwrap()
        .with(RandomWindow::new(600, WindowStrategy::Pad))
        .with(augment::GaussianNoise::default())
        .with(ProbabilisticLabeller::default());
    let a = generator.sample(3, 2).unwrap();
    let b = generator.sample(3, 2).unwrap();
    assert_eq!(a, b);
    let c = generator.sample(4, 2).unwrap();
    assert_ne!(a.waveform, c.waveform);
    // batch assembly is independent of thread count and order
    let batch = generator.batch(3, &[0, 2, 5]).unwrap();
    let single = generator.sample(3, 2).unwrap();
    for (x, y) in batch.waveforms.slice(s![1, .., ..]).iter().zip(single.waveform.iter()) {
        assert_eq!(*x, *y as f32);
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let batch1 = pool.install(|| generator.batch(3, &[0, 2, 5]).unwrap());
    assert_eq!(batch.waveforms, batch1.waveforms);
    assert_eq!(batch.labels["y"], batch1.labels["y"]);
    // a reused batch (other size, other contents before) ends equal to a fresh one
    let mut reused = generator.batch(9, &[1, 4]).unwrap();
    reused.waveforms.fill(7.0);
    generator.batch_into(3, &[0, 2, 5], &mut reused).unwrap();
    assert_eq!(reused.waveforms, batch.waveforms);
    assert_eq!(reused.labels, batch.labels);
    assert_eq!(reused.metadata, batch.metadata);
    let mut same_shape = generator.batch(8, &[5, 4, 3]).unwrap();
    generator.batch_into(3, &[0, 2, 5], &mut same_shape).unwrap();
    assert_eq!(same_shape.waveforms, batch.waveforms);
    assert_eq!(same_shape.labels, batch.labels);
    // epoch order is a seeded permutation
    let o = generator.epoch_order(1, true);
    let mut sorted = o.clone();
    sorted.sort();
    assert_eq!(sorted, (0..generator.len()).collect::<Vec<_>>());
    assert_eq!(o, generator.epoch_order(1, true));
}

#[test]
fn source_sample_is_a_fresh_copy() {
    let src = common::tiny_source();
    let mut a = src.sample(0).unwrap();
    a.waveform.fill(0.0);
    assert_ne!(src.sample(0).unwrap().waveform, a.waveform);
}

/// A source without windowed reads (the generator reads full samples, then cuts).
struct FullReads(InMemorySource);

impl SampleSource for FullReads {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn sample(&self, index: usize) -> augment::Result<Sample> {
        self.0.sample(index)
    }
}

fn strategy_of(k: u8) -> WindowStrategy {
    [WindowStrategy::Pad, WindowStrategy::Variable, WindowStrategy::Move, WindowStrategy::Fail][k as usize % 4]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Leading windows planned on a pending window (only the kept samples read) give exactly the
    /// sample the same windows give on the fully read trace, and draw the same random numbers.
    #[test]
    fn pending_windows_equal_windows_on_the_full_trace(
        seed in 0u64..1000, n in 50usize..1500, p in 0.0f64..1.0, ps in 0.0f64..1.0,
        p0 in -300i64..1600, wl in 1usize..1800, before in 0i64..600, around_len in 1usize..1600,
        low in -100i64..400, high in 100i64..1600, rl in 1usize..1200, k1 in 0u8..4, k2 in 0u8..4, k3 in 0u8..4,
    ) {
        let pick = p * (n - 1) as f64;
        let s_pick = (pick + ps * (n - 1) as f64).min((n - 1) as f64);
        let full = synthetic(seed, n, pick.floor(), s_pick.floor());
        let mut src = InMemorySource::new();
        src.push_sample(&full).unwrap();
        let build = |g: Generator<_>| {
            g.with(augment::FixedWindow { p0, windowlen: wl, strategy: strategy_of(k1) })
                .with(augment::WindowAroundSample {
                    metadata_keys: vec![P.into(), S.into()],
                    samples_before: before,
                    selection: augment::Selection::Random,
                    windowlen: around_len,
                    strategy: strategy_of(k2),
                })
                .with(RandomWindow { low: Some(low), high: Some(high), windowlen: rl, strategy: strategy_of(k3) })
                .with(ProbabilisticLabeller::default())
        };
        let src: Arc<dyn SampleSource> = Arc::new(src);
        let lazy = build(Generator::new(src, seed).unwrap());
        let mut copy = InMemorySource::new();
        copy.push_sample(&full).unwrap();
        let copy: Arc<dyn SampleSource> = Arc::new(FullReads(copy));
        let eager = build(Generator::new(copy, seed).unwrap());
        let a = lazy.sample(3, 0);
        let b = eager.sample(3, 0);
        match (a, b) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            (a, b) => prop_assert!(false, "lazy {:?} vs eager {:?}", a.map(|s| s.len()), b.map(|s| s.len())),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// RealNoise adds the demeaned, peak-normalised record scaled to U(scale) × max|x − mean(x)|.
    #[test]
    fn real_noise_has_the_drawn_relative_amplitude(seed in 0u64..1000, s in 0.05f64..2.0) {
        let x = synthetic(seed, 800, 300.0, 500.0);
        let mut noise = InMemorySource::new();
        noise.push_sample(&synthetic(seed + 1, 800, 100.0, 200.0)).unwrap();
        let aug = augment::RealNoise::new(Arc::new(noise)).unwrap().with_scale((s, s)).unwrap();
        let mut y = x.clone();
        aug.apply(&mut y, &mut Pcg64Mcg::seed_from_u64(seed)).unwrap();
        let amp = x.waveform.rows().into_iter().map(|r| {
            let m = r.mean().unwrap();
            r.iter().fold(0.0f64, |a, v| a.max((v - m).abs()))
        }).fold(0.0f64, f64::max);
        let added = (&y.waveform - &x.waveform).iter().fold(0.0f64, |a, v| a.max(v.abs()));
        prop_assert!((added - s * amp).abs() <= 1e-9 * s * amp, "{} vs {}", added, s * amp);
    }
}

#[test]
fn real_noise_thresholds_and_bad_records() {
    let x = synthetic(1, 800, 300.0, 500.0);
    let mut noise = InMemorySource::new();
    noise.push_sample(&synthetic(2, 900, 100.0, 200.0)).unwrap();
    let noise = Arc::new(noise);
    let mut aug = augment::RealNoise::new(noise.clone()).unwrap();
    aug.metadata_thresholds = vec![("trace_Z_snr_db".into(), 10.0)];
    let mut rng = Pcg64Mcg::seed_from_u64(3);
    // below the threshold: unchanged
    let mut y = x.clone();
    y.metadata.set_number("trace_Z_snr_db", 5.0);
    aug.apply(&mut y, &mut rng).unwrap();
    assert_eq!(y.waveform, x.waveform);
    // at or above it (and NaN, as in seisbench): noise added
    for v in [10.0, f64::NAN] {
        let mut y = x.clone();
        y.metadata.set_number("trace_Z_snr_db", v);
        aug.apply(&mut y, &mut rng).unwrap();
        assert_ne!(y.waveform, x.waveform);
    }
    // missing threshold key: typed error
    assert!(matches!(aug.apply(&mut x.clone(), &mut rng), Err(augment::AugmentError::Metadata { .. })));
    // record shorter than the sample: typed error
    let short = synthetic(1, 1000, 300.0, 500.0);
    let aug = augment::RealNoise::new(noise).unwrap();
    assert!(matches!(aug.apply(&mut short.clone(), &mut rng), Err(augment::AugmentError::WindowTooLong { .. })));
    // constant record: typed error
    let mut flat = InMemorySource::new();
    flat.push(Array2::<f32>::ones((3, 900)).view(), 100.0, "ZNE", Metadata::new()).unwrap();
    let aug = augment::RealNoise::new(Arc::new(flat)).unwrap();
    assert!(aug.apply(&mut x.clone(), &mut rng).is_err());
    assert!(augment::RealNoise::new(Arc::new(InMemorySource::new())).is_err());
}
