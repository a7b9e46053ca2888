//! Benchmarks of the scatseisnet-compatible scattering network (`wavelet_scatter::network`).
//!
//! `scatseisnet_day_50hz_median`: one channel-day at 50 Hz (4 320 000 samples) cut into 1440
//! non-overlapping 60 s windows, scatseisnet's tutorial network (6, 4, 2) + (6, 1, 2), median
//! pooling. The signal (uniform noise + 200 Gaussian 5 Hz bursts) is defined by a counter-based
//! splitmix64 hash that `xtask/golden/wavelet-scatter/scatseisnet_common.py` reproduces with
//! numpy, so `bench_ref.py` times scatseisnet on the same samples.
//! `scatseisnet_day_50hz_median_f32`: the same in single precision.

use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::Array3;
use std::hint::black_box;
use wavelet_scatter::{LayerSpec, NetworkBuilder, Pooling};

const FS: f64 = 50.0;
const BINS: usize = 3000;
const DAY: usize = 86_400 * 50;

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn uniform(seed: u64, n: usize) -> Vec<f64> {
    (0..n as u64).map(|i| (splitmix64(i + seed * 0x1_0000_0000) >> 11) as f64 * 2f64.powi(-53)).collect()
}

/// Same samples as `scatseisnet_common.synthetic_day(n, fs, seed, n_bursts)`.
fn synthetic_day(n: usize, fs: f64, seed: u64, n_bursts: usize) -> Vec<f64> {
    let mut x: Vec<f64> = uniform(seed, n).into_iter().map(|u| (u - 0.5) * 12f64.sqrt()).collect();
    for p in uniform(seed + 1, n_bursts) {
        let t0 = p * n as f64 / fs;
        let i0 = (((t0 - 10.0) * fs) as i64).max(0) as usize;
        let i1 = (((t0 + 10.0) * fs) as i64).min(n as i64) as usize;
        for (i, v) in x.iter_mut().enumerate().take(i1).skip(i0) {
            let tt = i as f64 / fs - t0;
            *v += 8.0 * (-((tt / 2.0) * (tt / 2.0))).exp() * (2.0 * std::f64::consts::PI * 5.0 * tt).cos();
        }
    }
    x
}

fn bench(c: &mut Criterion) {
    let day = synthetic_day(DAY, FS, 7, 200);
    let x = Array3::from_shape_vec((DAY / BINS, 1, BINS), day).expect("whole windows");
    let x32 = x.mapv(|v| v as f32);
    let builder = NetworkBuilder::new(BINS, FS).layer(LayerSpec::new(6, 4, 2.0)).layer(LayerSpec::new(6, 1, 2.0));
    let net = builder.build::<f64>().expect("valid network");
    let net32 = builder.build::<f32>().expect("valid network");
    let mut g = c.benchmark_group("wavelet_scatter");
    g.sample_size(10);
    g.bench_function("scatseisnet_day_50hz_median", |b| {
        b.iter(|| black_box(net.transform(x.view(), Pooling::Median).expect("transform")))
    });
    g.bench_function("scatseisnet_day_50hz_median_f32", |b| {
        b.iter(|| black_box(net32.transform(x32.view(), Pooling::Median).expect("transform")))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
