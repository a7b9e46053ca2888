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
    let mut f32_cpu1 = Vec::new();
    for _ in 0..7 {
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
