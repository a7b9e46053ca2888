//! hvsr benchmarks (issue 5): one hour of 3-component data at 100 Hz, 60 s windows, linear
//! detrend, Tukey 0.1, nfft 32768, geometric mean, Konno–Ohmachi b = 40 at 256 log-spaced
//! frequencies 0.2–20 Hz, FDWRA n = 2, SESAME — the workload of
//! `xtask/golden/hvsr/bench_ref.py`, on the same samples (`bench_data.py`'s generator,
//! quantised to integer counts and stored once as a Steim-1 miniSEED file, as field data are).
//!
//! - `hvsr_1h_steady`: read the miniSEED file + preprocess + process + FDWRA + SESAME with a
//!   prebuilt plan (hvsrpy's steady-state definition, reference notes §9). The file is read and
//!   decoded in full every iteration, through an `MseedReader` that is handed each stream back
//!   after processing, as a loop over a campaign of records would do: the 8.6 MB of samples
//!   reuse memory instead of being faulted in afresh.
//! - `hvsr_1h_steady_fresh_buffers` (Rust only): the same with `read_mseed_file`, fresh sample
//!   buffers every call (≈ 2,100 page faults per call).
//! - `hvsr_1h_process`: the same without the file: the record is already in memory.
//! - `hvsr_1h_whole`: plan construction + read + processing.

use criterion::{Criterion, criterion_group, criterion_main};
use seisml::hvsr::{HvsrParams, Smoothing, log_frequencies};
use seisml::seis_core::{Components, Stream, Trace, UtcTime};
use seisml::seisbench_io::{Encoding, MseedReader, MseedWriteOptions, read_mseed_file, write_mseed};
use std::hint::black_box;
use std::path::PathBuf;

#[path = "common/hvsr_input.rs"]
mod hvsr_input;
use hvsr_input::{FS, N, channels, params, read_fresh as read, write_record};

/// The shared miniSEED file (bench_data.py `MSEED_NAME`), rewritten at every bench start.
fn write_file(ch: &[Vec<f64>; 3]) -> PathBuf {
    let path = std::env::temp_dir().join("seisml_hvsr_bench_1h_v1.mseed");
    write_record(ch, &path).expect("write the bench miniSEED file");
    path
}

fn bench(c: &mut Criterion) {
    let ch = channels();
    let path = write_file(&ch);
    let data = ndarray::Array2::from_shape_vec((3, N), ch.concat()).expect("shape");
    let rec = Components::new(data, "NEZ", FS, UtcTime::EPOCH).expect("record");
    let plan = params().plan(FS).expect("plan");
    let hv = plan.process_stream(&read(&path)).expect("process");
    eprintln!(
        "hvsr bench: {} windows, {} valid, f0 = {:?} ({})",
        hv.status.len(),
        hv.valid_windows().len(),
        hv.f0.map(|p| p.frequency),
        path.display()
    );
    let mut g = c.benchmark_group("hvsr");
    g.sample_size(20);
    let mut reader = MseedReader::new();
    g.bench_function("hvsr_1h_steady", |b| {
        b.iter(|| {
            let stream = reader.read_file(black_box(&path)).expect("read").into_stream();
            let hv = plan.process_stream(&stream).expect("process");
            reader.recycle(stream.traces);
            black_box(hv)
        })
    });
    g.bench_function("hvsr_1h_steady_fresh_buffers", |b| {
        b.iter(|| black_box(plan.process_stream(&read(black_box(&path))).expect("process")))
    });
    g.bench_function("hvsr_1h_process", |b| b.iter(|| black_box(plan.process(black_box(&rec)).expect("process"))));
    g.bench_function("hvsr_1h_whole", |b| {
        b.iter(|| black_box(params().plan(FS).expect("plan").process_stream(&read(black_box(&path))).expect("process")))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
