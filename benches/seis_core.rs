//! seis-core benchmarks: zero-phase band-pass and FFT resampling of one day at 100 Hz.
//! The Python reference (`xtask/golden/seis-core/bench_ref.py`) builds the identical input.

use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::Array1;
use seisml::seis_core::filter::{Band, SosFilter};
use seisml::seis_core::resample::Resampler;
use std::hint::black_box;

const N_DAY: usize = 8_640_000;

/// Two sines plus deterministic pseudo-noise from a 32-bit multiplicative hash, computed the
/// same way (exact integer arithmetic) by bench_ref.py.
fn day_trace() -> Array1<f64> {
    Array1::from_shape_fn(N_DAY, |i| {
        let t = i as f64 / 100.0;
        let h = ((i as u64).wrapping_mul(2_654_435_761) % (1u64 << 32)) as f64 / 4_294_967_296.0;
        (2.0 * std::f64::consts::PI * 1.3 * t).sin() + 0.5 * (2.0 * std::f64::consts::PI * 17.0 * t).sin() + h - 0.5
    })
}

fn bench(c: &mut Criterion) {
    let x = day_trace();
    let mut group = c.benchmark_group("seis_core");
    group.sample_size(10);
    let flt = SosFilter::butter(4, Band::Bandpass(1.0, 20.0), 100.0).expect("valid design");
    group.bench_function("sosfiltfilt_day_100hz", |b| b.iter(|| flt.filtfilt(black_box(x.view())).expect("finite")));
    let plan = Resampler::new(N_DAY, N_DAY / 2).expect("valid plan");
    group.bench_function("resample_day_100hz_to_50hz", |b| b.iter(|| plan.apply(black_box(x.view())).expect("finite")));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
