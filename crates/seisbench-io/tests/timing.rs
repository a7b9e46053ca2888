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
    let mut by_index = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        for i in 0..n {
            std::hint::black_box(ds.get_waveforms(i, &opts).unwrap());
        }
        by_index.push(t.elapsed().as_secs_f64() / n as f64);
    }
    let all: Vec<usize> = (0..n).collect();
    let mut batch = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        std::hint::black_box(ds.get_waveforms_batch(&all, &opts).unwrap());
        batch.push(t.elapsed().as_secs_f64() / n as f64);
    }
    by_index.sort_by(f64::total_cmp);
    batch.sort_by(f64::total_cmp);
    println!(
        "{{\"get_waveforms_by_index\": {:e}, \"get_waveforms_batch\": {:e}}}",
        by_index[by_index.len() / 2],
        batch[batch.len() / 2]
    );
    std::fs::remove_dir_all(&dir).ok();
}
