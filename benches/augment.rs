//! augment: PhaseNet-style training pipelines on 200 cached 3 × 6000 float32 traces at 100 Hz,
//! timed in **seconds per sample** (each iteration writes a batch of 64 with rayon into a reused
//! `Batch`; the time is divided by 64). `xtask/golden/augment/bench_ref.py` times seisbench's GenericGenerator on the
//! same traces (same deterministic formula) with the same pipelines.

use criterion::{Criterion, criterion_group, criterion_main};
use seisml::augment::{
    AddGap, Augmentation, Band, Batch, ChannelDropout, Filter, GaussianNoise, Generator, InMemorySource, LabelShape,
    Metadata, Normalize, NullAugmentation, OneOf, ProbabilisticLabeller, RandomWindow, Selection, WindowAroundSample,
    WindowStrategy,
};
use std::hint::black_box;
use std::time::{Duration, Instant};

const N_TRACES: usize = 200;
const N: usize = 6000;
const BATCH: usize = 64;

/// The benchmark traces; bench_ref.py computes the same values.
fn source() -> InMemorySource {
    let mut src = InMemorySource::new();
    for k in 0..N_TRACES {
        let p = 1000 + (17 * k) % 3000;
        let s = p + 300 + (31 * k) % 500;
        let w = ndarray::Array2::from_shape_fn((3, N), |(c, i)| {
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
        src.push(w.view(), 100.0, "ZNE", m).expect("valid trace");
    }
    src
}

fn one_of(a: impl Augmentation + 'static, p: f64) -> OneOf {
    OneOf::with_probabilities(vec![Box::new(a), Box::new(NullAugmentation)], &[p, 1.0 - p]).expect("valid")
}

fn pipeline(full: bool) -> Generator<InMemorySource> {
    let mut g = Generator::new(source(), 1).expect("source").with(WindowAroundSample {
        metadata_keys: vec!["trace_P_arrival_sample".into(), "trace_S_arrival_sample".into()],
        samples_before: 3000,
        selection: Selection::Random,
        windowlen: 6000,
        strategy: WindowStrategy::Variable,
    });
    g = g.with(RandomWindow::new(3001, WindowStrategy::Pad));
    if full {
        g = g
            .with(Filter::new(4, Band::Bandpass(1.0, 30.0), true).expect("filter"))
            .with(one_of(ChannelDropout::default(), 0.3))
            .with(one_of(AddGap::default(), 0.2))
            .with(one_of(GaussianNoise::default(), 0.5));
    }
    g.with(Normalize::phasenet()).with(ProbabilisticLabeller::new(LabelShape::Gaussian, 30.0).expect("labeller"))
}

/// Time per sample of batches of 64 written into one reused `Batch` (as a training loop does).
fn per_sample(g: &Generator<InMemorySource>, iters: u64) -> Duration {
    let mut total = Duration::ZERO;
    let mut batch = Batch::default();
    for it in 0..iters {
        let start = (it as usize * BATCH) % N_TRACES;
        let idx: Vec<usize> = (0..BATCH).map(|i| (start + i) % N_TRACES).collect();
        let t = Instant::now();
        g.batch_into(it, &idx, &mut batch).expect("batch");
        black_box(&batch);
        total += t.elapsed();
    }
    total / BATCH as u32
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("augment");
    let light = pipeline(false);
    group.bench_function("phasenet_pipeline", |b| b.iter_custom(|iters| per_sample(&light, iters)));
    let full = pipeline(true);
    group.bench_function("phasenet_pipeline_full", |b| b.iter_custom(|iters| per_sample(&full, iters)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
