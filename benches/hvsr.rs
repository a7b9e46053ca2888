//! hvsr benchmarks (issue 5): one hour of 3-component data at 100 Hz, 60 s windows, linear
//! detrend, Tukey 0.1, nfft 32768, geometric mean, Konno–Ohmachi b = 40 at 256 log-spaced
//! frequencies 0.2–20 Hz, FDWRA n = 2, SESAME — the workload of
//! `xtask/golden/hvsr/bench_ref.py`, on the same samples (`bench_data.py`'s generator).
//!
//! - `hvsr_1h_steady`: processing with a prebuilt plan.
//! - `hvsr_1h_whole`: plan construction + processing.

use criterion::{Criterion, criterion_group, criterion_main};
use seisml::hvsr::{HvsrParams, Smoothing, log_frequencies};
use seisml::seis_core::{Components, UtcTime};
use std::hint::black_box;

const FS: f64 = 100.0;
const N: usize = 360_001;

fn lcg_noise(seed: u64, n: usize) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        })
        .collect()
}

fn resonate(x: &[f64]) -> Vec<f64> {
    let r = 0.995f64;
    let c1 = 2.0 * r * (2.0 * std::f64::consts::PI * 2.0 / FS).cos();
    let c2 = r * r;
    let (mut y1, mut y2) = (0.0, 0.0);
    x.iter()
        .map(|&v| {
            let y0 = v + c1 * y1 - c2 * y2;
            y2 = y1;
            y1 = y0;
            y0
        })
        .collect()
}

fn record() -> Components {
    let h = |a: u64, b: u64| {
        let r = resonate(&lcg_noise(a, N));
        let w = lcg_noise(b, N);
        r.iter().zip(&w).map(|(r, w)| 0.05 * r + 0.5 * w).collect::<Vec<_>>()
    };
    let (ns, ew) = (h(1, 2), h(3, 4));
    let vt: Vec<f64> = lcg_noise(5, N).iter().map(|v| 0.5 * v).collect();
    let data = ndarray::Array2::from_shape_vec((3, N), [ns, ew, vt].concat()).expect("shape");
    Components::new(data, "NEZ", FS, UtcTime::EPOCH).expect("record")
}

fn params() -> HvsrParams {
    HvsrParams::new()
        .window_length(60.0)
        .smoothing(Smoothing::KonnoOhmachi { bandwidth: 40.0 })
        .frequencies(log_frequencies(0.2, 20.0, 256))
        // hvsrpy returns no component spectra; compare the same work
        .component_spectra(false)
        .fdwra()
}

fn bench(c: &mut Criterion) {
    let rec = record();
    let plan = params().plan(FS).expect("plan");
    let hv = plan.process(&rec).expect("process");
    eprintln!(
        "hvsr bench: {} windows, {} valid, f0 = {:?}",
        hv.status.len(),
        hv.valid_windows().len(),
        hv.f0.map(|p| p.frequency)
    );
    let mut g = c.benchmark_group("hvsr");
    g.sample_size(20);
    g.bench_function("hvsr_1h_steady", |b| b.iter(|| black_box(plan.process(black_box(&rec)).expect("process"))));
    g.bench_function("hvsr_1h_whole", |b| {
        b.iter(|| black_box(params().plan(FS).expect("plan").process(black_box(&rec)).expect("process")))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
