//! Indicative throughput of the bench pipelines in the test profile (opt-level 2), for machines
//! where the release bench cannot be built: `cargo test -p augment --test timing -- --ignored
//! --nocapture`. Reports wall time and the CPU time of all threads of the process (summed from
//! `/proc/self/task/*/schedstat`, so load from other processes does not inflate it) per sample.
//! `AUGMENT_TIMING_REPS` sets the number of passes over the 200 traces (default 7).
//! The criterion bench `benches/augment.rs` is the reference measurement.

use augment::{
    AddGap, Augmentation, Band, Batch, ChannelDropout, Filter, GaussianNoise, Generator, InMemorySource, LabelShape,
    Metadata, Normalize, NullAugmentation, OneOf, ProbabilisticLabeller, RandomWindow, Selection, WindowAroundSample,
    WindowStrategy,
};
use std::time::Instant;

fn source() -> InMemorySource {
    let mut src = InMemorySource::new();
    for k in 0..200usize {
        let p = 1000 + (17 * k) % 3000;
        let s = p + 300 + (31 * k) % 500;
        let w = ndarray::Array2::from_shape_fn((3, 6000), |(c, i)| {
            let (fi, fc, fk) = (i as f64, c as f64, k as f64);
            let mut v = 0.1 * (0.37 * fi + fc + 0.1 * fk).sin();
            if i >= p {
                v += (-(fi - p as f64) / 300.0).exp() * (0.9 * fi + fc).sin();
            }
            if i >= s {
                v += 2.0 * (-(fi - s as f64) / 500.0).exp() * (0.4 * fi + fc).sin();
            }
            v as f32
        });
        let m = Metadata::new()
            .with_number("trace_P_arrival_sample", p as f64)
            .with_number("trace_S_arrival_sample", s as f64);
        src.push(w.view(), 100.0, "ZNE", m).unwrap();
    }
    src
}

fn one_of(a: impl Augmentation + 'static, p: f64) -> OneOf {
    OneOf::with_probabilities(vec![Box::new(a), Box::new(NullAugmentation)], &[p, 1.0 - p]).unwrap()
}

/// CPU seconds used so far by all threads of this process.
fn process_cpu() -> f64 {
    let mut ns = 0u64;
    if let Ok(dir) = std::fs::read_dir("/proc/self/task") {
        for t in dir.flatten() {
            if let Ok(s) = std::fs::read_to_string(t.path().join("schedstat")) {
                ns += s.split_whitespace().next().and_then(|v| v.parse().ok()).unwrap_or(0);
            }
        }
    }
    ns as f64 * 1e-9
}

#[test]
#[ignore]
fn pipeline_throughput() {
    let reps: u64 = std::env::var("AUGMENT_TIMING_REPS").ok().and_then(|v| v.parse().ok()).unwrap_or(7);
    let only = std::env::var("AUGMENT_TIMING_CASE").ok();
    let src = std::sync::Arc::new(source());
    for full in [false, true] {
        let name = if full { "phasenet_pipeline_full" } else { "phasenet_pipeline" };
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let mut g = Generator::new(src.clone(), 1)
            .unwrap()
            .with(WindowAroundSample {
                metadata_keys: vec!["trace_P_arrival_sample".into(), "trace_S_arrival_sample".into()],
                samples_before: 3000,
                selection: Selection::Random,
                windowlen: 6000,
                strategy: WindowStrategy::Variable,
            })
            .with(RandomWindow::new(3001, WindowStrategy::Pad));
        if full {
            g = g
                .with(Filter::new(4, Band::Bandpass(1.0, 30.0), true).unwrap())
                .with(one_of(ChannelDropout::default(), 0.3))
                .with(one_of(AddGap::default(), 0.2))
                .with(one_of(GaussianNoise::default(), 0.5));
        }
        let g = g.with(Normalize::phasenet()).with(ProbabilisticLabeller::new(LabelShape::Gaussian, 30.0).unwrap());
        let mut batch: Option<Batch> = None;
        let mut wall = Vec::new();
        let mut cpu = Vec::new();
        for rep in 0..reps {
            let (t, c) = (Instant::now(), process_cpu());
            for start in (0..200).step_by(64) {
                let idx: Vec<usize> = (start..(start + 64).min(200)).collect();
                match batch.as_mut() {
                    Some(b) if idx.len() == 64 => g.batch_into(rep, &idx, b).unwrap(),
                    _ => batch = Some(g.batch(rep, &idx).unwrap()),
                }
                std::hint::black_box(&batch);
            }
            wall.push(t.elapsed().as_secs_f64() / 200.0);
            cpu.push((process_cpu() - c) / 200.0);
        }
        wall.sort_by(f64::total_cmp);
        cpu.sort_by(f64::total_cmp);
        let (w, c) = (wall[wall.len() / 2], cpu[cpu.len() / 2]);
        println!(
            "{name}: wall {:.1} µs/sample ({:.0} samples/s), CPU {:.1} µs/sample (→ {:.0} samples/s on 2 cores), {} threads",
            w * 1e6,
            1.0 / w,
            c * 1e6,
            2.0 / c,
            rayon::current_num_threads()
        );
    }
}
