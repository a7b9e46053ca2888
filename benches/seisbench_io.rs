//! seisbench-io: reading traces from a SeisBench dataset like the one of issue 3 (200 traces of
//! 3 × 6000 float32 samples at 100 Hz, no cache). Each case reports time per trace, as
//! `xtask/golden/seisbench-io/bench_ref.py` does for seisbench (same case names):
//! - `get_waveforms_by_index`: one trace per call;
//! - `get_waveforms_batch_f32`: all 200 traces in one call into a fresh 200 × 3 × 6000 f32
//!   array — the like-for-like comparison with seisbench's batch, which returns the stored
//!   float32;
//! - `get_waveforms_batch_f64`: the same batch as a fresh f64 array (twice the bytes; its
//!   reference is seisbench's batch followed by `.astype(np.float64)`);
//! - `get_waveforms_resampled_50hz`: one trace per call, decimated to 50 Hz;
//! - `get_waveforms_batch_into_f64` (Rust only): the f64 batch into one reused buffer;
//! - `get_waveforms_batch_into_f32` (Rust only): the f32 batch into one reused buffer — not
//!   like for like (seisbench always returns a fresh array), so it has no reference;
//! - `read_mseed_1h_3c_steim1`: time per file to read 1 hour of 3 channels at 100 Hz (Steim-1,
//!   512-byte records, 1.08 M samples) with `read_mseed_file`; the file stays in the temp
//!   directory for `bench_ref.py`, which reads it with `obspy.read`.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use ndarray::Array2;
use seisml::seis_core::{Trace, UtcTime};
use seisml::seisbench_io::{
    DataFormat, Encoding, MseedWriteOptions, Row, SampleType, WaveformDataWriter, WaveformDataset, WaveformOptions,
    read_mseed_file, write_mseed,
};
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

/// 1 hour of 3 channels at 100 Hz of integer noise (LCG), Steim-1 in 512-byte records, at the
/// path `bench_ref.py` reads.
fn mseed_file() -> std::path::PathBuf {
    let n = 360_000usize;
    let mut state = 12345u64;
    let t0 = UtcTime::parse("2017-05-04T07:00:00").expect("time");
    let traces: Vec<Trace> = ["BHN", "BHE", "BHZ"]
        .iter()
        .map(|c| {
            let v: Vec<f64> = (0..n)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (((state >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 20_000.0).floor()
                })
                .collect();
            Trace::from_id(&format!("XX.SBIO..{c}"), v.into(), 100.0, t0).expect("trace")
        })
        .collect();
    let bytes =
        write_mseed(&traces, &MseedWriteOptions { encoding: Encoding::Steim1, record_length: 512 }).expect("encode");
    let path = std::env::temp_dir().join("seisml_seisbench_io_bench_1h.mseed");
    std::fs::write(&path, bytes).expect("write the bench miniSEED file");
    path
}

/// The batch of `all` into one reused buffer of `T`, time per trace.
fn batch_into<T: SampleType>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    ds: &WaveformDataset,
    all: &[usize],
    opts: &WaveformOptions,
) {
    group.bench_function(id, |b| {
        let mut buf = ndarray::Array3::<T>::default(ds.batch_dim(all, opts).expect("batch shape"));
        b.iter_custom(|iters| {
            let t = Instant::now();
            for _ in 0..iters {
                ds.get_waveforms_batch_into(all, opts, buf.view_mut()).expect("read batch");
                black_box(&buf);
            }
            t.elapsed() / N as u32
        })
    });
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
    // f32: what seisbench returns for this float32 dataset (the like-for-like comparison)
    group.bench_function("get_waveforms_batch_f32", |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            for _ in 0..iters {
                black_box(ds.get_waveforms_batch_as::<f32>(&all, &opts).expect("read batch"));
            }
            t.elapsed() / N as u32
        })
    });
    group.bench_function("get_waveforms_batch_f64", |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            for _ in 0..iters {
                black_box(ds.get_waveforms_batch(&all, &opts).expect("read batch"));
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
    // one reused output buffer (Rust only: seisbench has no such call); f32 is the like-for-like dtype
    batch_into::<f64>(&mut group, "get_waveforms_batch_into_f64", &ds, &all, &opts);
    batch_into::<f32>(&mut group, "get_waveforms_batch_into_f32", &ds, &all, &opts);
    let path = mseed_file();
    group.bench_function("read_mseed_1h_3c_steim1", |b| b.iter(|| black_box(read_mseed_file(&path).expect("read"))));
    group.finish();
    let _ = std::fs::remove_dir_all(ds.path());
}

criterion_group!(benches, bench);
criterion_main!(benches);
