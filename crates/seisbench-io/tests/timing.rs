//! Quick timing of the benchmark cases outside criterion (`cargo test -p seisbench-io --test
//! timing -- --ignored --nocapture`); the criterion bench is `benches/seisbench_io.rs`.

use ndarray::Array2;
use seisbench_io::{DataFormat, Row, WaveformDataWriter, WaveformDataset, WaveformOptions};
use std::time::Instant;

#[test]
#[ignore = "timing, run explicitly"]
fn timing_get_waveforms() {
    let (n, w) = (200usize, 6000usize);
    let dir = std::env::temp_dir().join(format!("sbio-timing-{}", std::process::id()));
    let mut wr =
        WaveformDataWriter::create(&dir).data_format(DataFormat { sampling_rate: Some(100.0), ..Default::default() });
    for i in 0..n {
        let wf = Array2::from_shape_fn((3, w), |(c, t)| {
            let x = (0.01 * (i + 1) as f64 * (c + 1) as f64 * t as f64).sin() * (100.0 + c as f64) + (i % 7) as f64;
            f64::from(x as f32)
        });
        let row = Row::new()
            .with("trace_name", format!("tr{i:04}"))
            .with("trace_sampling_rate_hz", 100.0)
            .with("split", "train");
        wr.add_trace(row, wf.view()).unwrap();
    }
    wr.finish().unwrap();
    let ds = WaveformDataset::open(&dir).unwrap();
    let opts = WaveformOptions::default();
    // wall time and CPU time of this thread (the machine may be shared)
    let (mut by_index, mut by_index_cpu) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        let (t, c) = (Instant::now(), thread_cpu());
        for i in 0..n {
            std::hint::black_box(ds.get_waveforms(i, &opts).unwrap());
        }
        by_index.push(t.elapsed().as_secs_f64() / n as f64);
        by_index_cpu.push((thread_cpu() - c) / n as f64);
    }
    let mut resampled_cpu = Vec::new();
    let r50 = WaveformOptions::resampled(50.0);
    for _ in 0..3 {
        let c = thread_cpu();
        for i in 0..n {
            std::hint::black_box(ds.get_waveforms(i, &r50).unwrap());
        }
        resampled_cpu.push((thread_cpu() - c) / n as f64);
    }
    let all: Vec<usize> = (0..n).collect();
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let (mut batch, mut batch_cpu1) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        let t = Instant::now();
        std::hint::black_box(ds.get_waveforms_batch(&all, &opts).unwrap());
        batch.push(t.elapsed().as_secs_f64() / n as f64);
        // single worker thread: its CPU time is the whole cost
        batch_cpu1.push(one.install(|| {
            let c = thread_cpu();
            std::hint::black_box(ds.get_waveforms_batch(&all, &opts).unwrap());
            (thread_cpu() - c) / n as f64
        }));
    }
    // the same batch into one reused buffer (no fresh allocation per batch)
    let mut buf = ndarray::Array3::<f64>::zeros(ds.batch_dim(&all, &opts).unwrap());
    let mut into_cpu1 = Vec::new();
    for _ in 0..7 {
        into_cpu1.push(one.install(|| {
            let c = thread_cpu();
            ds.get_waveforms_batch_into(&all, &opts, buf.view_mut()).unwrap();
            (thread_cpu() - c) / n as f64
        }));
    }
    let (mut f32_cpu1, mut f32_wall) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        let t = Instant::now();
        std::hint::black_box(ds.get_waveforms_batch_as::<f32>(&all, &opts).unwrap());
        f32_wall.push(t.elapsed().as_secs_f64() / n as f64);
        f32_cpu1.push(one.install(|| {
            let c = thread_cpu();
            std::hint::black_box(ds.get_waveforms_batch_as::<f32>(&all, &opts).unwrap());
            (thread_cpu() - c) / n as f64
        }));
    }
    let med = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "wall: {{\"get_waveforms_by_index\": {:e}, \"get_waveforms_batch\": {:e}}}",
        med(&mut by_index),
        med(&mut batch)
    );
    println!(
        "thread CPU (batch on 1 thread): {{\"get_waveforms_by_index\": {:e}, \"get_waveforms_batch\": {:e}}}",
        med(&mut by_index_cpu),
        med(&mut batch_cpu1)
    );
    println!("thread CPU, batch into a reused buffer on 1 thread: {:e}", med(&mut into_cpu1));
    println!("thread CPU, f32 batch on 1 thread: {:e}", med(&mut f32_cpu1));
    println!("wall, f32 batch (default pool): {:e}", med(&mut f32_wall));
    println!("thread CPU, by index resampled to 50 Hz: {:e}", med(&mut resampled_cpu));
    std::fs::remove_dir_all(&dir).ok();
}

/// CPU seconds consumed by the calling thread (Linux `/proc/thread-self/schedstat`).
fn thread_cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|x| x.parse::<f64>().ok()))
        .map_or(f64::NAN, |ns| ns * 1e-9)
}

/// The miniSEED case of the hvsr bench: 1 hour of 3 channels at 100 Hz, Steim-1 in 512-byte
/// records, read through `read_mseed_file` (`cargo test -p seisbench-io --release --test timing
/// -- --ignored --nocapture timing_read_mseed`).
#[test]
#[ignore = "timing, run explicitly"]
fn timing_read_mseed() {
    use seis_core::{Trace, UtcTime};
    use seisbench_io::{Encoding, MseedWriteOptions, read_mseed, read_mseed_file, write_mseed};
    let n = 360_000usize;
    let mut state = 12345u64;
    let mut noise = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 20_000.0
    };
    let t0 = UtcTime::parse("2017-05-04T07:00:00").unwrap();
    let traces: Vec<Trace> = ["BHN", "BHE", "BHZ"]
        .iter()
        .map(|c| {
            let v: Vec<f64> = (0..n).map(|_| noise().floor()).collect();
            Trace::from_id(&format!("XX.HVSR..{c}"), v.into(), 100.0, t0).unwrap()
        })
        .collect();
    let bytes = write_mseed(&traces, &MseedWriteOptions { encoding: Encoding::Steim1, record_length: 512 }).unwrap();
    let path = std::env::temp_dir().join(format!("sbio-timing-{}.mseed", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let samples = (3 * n) as f64;
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    // schedstat advances in scheduler ticks: time many reads at once
    let reps = 40;
    let per_sample = |f: &(dyn Fn() + Sync)| {
        one.install(|| {
            let c = thread_cpu();
            for _ in 0..reps {
                f();
            }
            (thread_cpu() - c) / (reps as f64 * samples)
        })
    };
    let file_cpu1 = per_sample(&|| {
        std::hint::black_box(read_mseed_file(&path).unwrap());
    });
    let mem_cpu1 = per_sample(&|| {
        std::hint::black_box(read_mseed(&bytes).unwrap());
    });
    let t = Instant::now();
    for _ in 0..reps {
        let d = std::hint::black_box(read_mseed_file(&path).unwrap());
        assert_eq!(d.traces.len(), 3);
    }
    let file_wall = t.elapsed().as_secs_f64() / (reps as f64 * samples);
    println!(
        "read_mseed ({} bytes, {} samples): thread CPU per sample on 1 thread: file {:.2} ns, in memory {:.2} ns; \
         wall per sample (default pool) {:.2} ns",
        bytes.len(),
        3 * n,
        file_cpu1 * 1e9,
        mem_cpu1 * 1e9,
        file_wall * 1e9
    );
    std::fs::remove_file(&path).ok();
}

/// The batch cases of the criterion bench, many batches timed at once (also for `perf record`):
/// thread CPU per trace on a 1-thread pool, and wall time per trace on a 2-thread pool
/// (`cargo test -p seisbench-io --release --test timing -- --ignored --nocapture timing_batches`).
#[test]
#[ignore = "timing, run explicitly"]
fn timing_batches() {
    use ndarray::Array3;
    use std::sync::Mutex;
    let (n, w) = (200usize, 6000usize);
    let dir = std::env::temp_dir().join(format!("sbio-timing-batches-{}", std::process::id()));
    let mut wr =
        WaveformDataWriter::create(&dir).data_format(DataFormat { sampling_rate: Some(100.0), ..Default::default() });
    for i in 0..n {
        let wf = Array2::from_shape_fn((3, w), |(c, t)| (t * (c + 1) + i) as f64);
        let row = Row::new().with("trace_name", format!("tr{i:04}")).with("trace_sampling_rate_hz", 100.0);
        wr.add_trace(row, wf.view()).unwrap();
    }
    wr.finish().unwrap();
    let ds = WaveformDataset::open(&dir).unwrap();
    let all: Vec<usize> = (0..n).collect();
    let opts = WaveformOptions::default();
    let dim = ds.batch_dim(&all, &opts).unwrap();
    let buf32 = Mutex::new(Array3::<f32>::zeros(dim));
    let buf64 = Mutex::new(Array3::<f64>::zeros(dim));
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let two = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    // schedstat advances in scheduler ticks: time many batches at once
    let reps = 100;
    let cases: [(&str, &(dyn Fn() + Sync)); 4] = [
        ("get_waveforms_batch_f32", &|| {
            std::hint::black_box(ds.get_waveforms_batch_as::<f32>(&all, &opts).unwrap());
        }),
        ("get_waveforms_batch_into_f32", &|| {
            let mut b = buf32.lock().unwrap();
            ds.get_waveforms_batch_into(&all, &opts, b.view_mut()).unwrap();
        }),
        ("get_waveforms_batch_f64", &|| {
            std::hint::black_box(ds.get_waveforms_batch(&all, &opts).unwrap());
        }),
        ("get_waveforms_batch_into_f64", &|| {
            let mut b = buf64.lock().unwrap();
            ds.get_waveforms_batch_into(&all, &opts, b.view_mut()).unwrap();
        }),
    ];
    for (name, f) in cases {
        let cpu = one.install(|| {
            let c = thread_cpu();
            for _ in 0..reps {
                f();
            }
            (thread_cpu() - c) / (reps * n) as f64
        });
        // on a pool thread: glibc gives libtest's thread a new heap per batch (page faults
        // every time), a pool thread (like criterion's main thread) reuses its memory
        let mut wall: Vec<f64> = two.install(|| {
            (0..5)
                .map(|_| {
                    let t = Instant::now();
                    for _ in 0..reps / 5 {
                        f();
                    }
                    t.elapsed().as_secs_f64() / (reps / 5 * n) as f64
                })
                .collect()
        });
        wall.sort_by(f64::total_cmp);
        println!(
            "{name}: thread CPU on 1 thread {:.2} µs/trace; wall (2-thread pool, median of 5) {:.2} µs/trace",
            cpu * 1e6,
            wall[2] * 1e6
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
