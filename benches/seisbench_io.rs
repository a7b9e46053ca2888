//! seisbench-io: reading traces from a SeisBench dataset like the one of issue 3 (200 traces of
//! 3 × 6000 float32 samples at 100 Hz, no cache). Each case reports time per trace, as
//! `xtask/golden/seisbench-io/bench_ref.py` does for seisbench (same case names):
//! - `get_waveforms_by_index`: one trace per call;
//! - `get_waveforms_batch`: all 200 traces in one call (a fresh 200 × 3 × 6000 f64 array);
//! - `get_waveforms_batch_f32`: the same as f32, the dtype seisbench returns (same reference);
//! - `get_waveforms_resampled_50hz`: one trace per call, decimated to 50 Hz;
//! - `get_waveforms_batch_into` (Rust only): the batch into one reused buffer.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ndarray::Array2;
use seisml::seisbench_io::{DataFormat, Row, WaveformDataWriter, WaveformDataset, WaveformOptions};
use std::hint::black_box;
use std::time::Instant;

const N: usize = 200;
const W: usize = 6000;

/// The waveform of `xtask/golden/seisbench-io/common.py::bench_waveform`.
fn bench_waveform(i: usize) -> Array2<f64> {
    Array2::from_shape_fn((3, W), |(c, t)| {
        let x = (0.01 * (i + 1) as f64 * (c + 1) as f64 * t as f64).sin() * (100.0 + c as f64) + (i % 7) as f64;
        f64::from(x as f32)
    })
}

fn dataset() -> WaveformDataset {
    let dir = std::env::temp_dir().join(format!("seisml-bench-seisbench-io-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut w =
        WaveformDataWriter::create(&dir).data_format(DataFormat { sampling_rate: Some(100.0), ..Default::default() });
    for i in 0..N {
        let row = Row::new()
            .with("trace_name", format!("tr{i:04}"))
            .with("trace_sampling_rate_hz", 100.0)
            .with("trace_p_arrival_sample", 3000.0)
            .with("split", "train");
        w.add_trace(row, bench_waveform(i).view()).expect("add trace");
    }
    w.finish().expect("write dataset");
    WaveformDataset::open(&dir).expect("open dataset")
}

fn bench(c: &mut Criterion) {
    let ds = dataset();
    let opts = WaveformOptions::default();
    let all: Vec<usize> = (0..N).collect();
    let mut group = c.benchmark_group("seisbench_io");
    group.throughput(Throughput::Elements(1));
    group.bench_function("get_waveforms_by_index", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % N;
            black_box(ds.get_waveforms(i, &opts).expect("read"))
        })
    });
    // One iteration reads all 200 traces at once; the time is reported per trace.
    group.bench_function("get_waveforms_batch", |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            for _ in 0..iters {
                black_box(ds.get_waveforms_batch(&all, &opts).expect("read batch"));
            }
            t.elapsed() / N as u32
        })
    });
    // the same batch as f32, the dtype seisbench returns for this float32 dataset
    group.bench_function("get_waveforms_batch_f32", |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            for _ in 0..iters {
                black_box(ds.get_waveforms_batch_as::<f32>(&all, &opts).expect("read batch"));
            }
            t.elapsed() / N as u32
        })
    });
    group.bench_function("get_waveforms_resampled_50hz", |b| {
        let opts = WaveformOptions::resampled(50.0);
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % N;
            black_box(ds.get_waveforms(i, &opts).expect("read"))
        })
    });
    group.bench_function("get_waveforms_batch_into", |b| {
        let mut buf = ndarray::Array3::<f64>::zeros(ds.batch_dim(&all, &opts).expect("batch shape"));
        b.iter_custom(|iters| {
            let t = Instant::now();
            for _ in 0..iters {
                ds.get_waveforms_batch_into(&all, &opts, buf.view_mut()).expect("read batch");
                black_box(&buf);
            }
            t.elapsed() / N as u32
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(ds.path());
}

criterion_group!(benches, bench);
criterion_main!(benches);
