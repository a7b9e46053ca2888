//! Interop check, Rust side: write a SeisBench dataset (two splits, a 2-component trace, float32),
//! a miniSEED file and a SAC file into `<dir>`, plus `expected.json` describing them.
//! `xtask/golden/seisbench-io/interop.py <dir>` then reads everything back with h5py, seisbench
//! and ObsPy and fails on any mismatch (`cargo xtask interop seisbench-io`).

use ndarray::Array2;
use seis_core::{Trace, UtcTime};
use seisbench_io::{DataFormat, Encoding, MseedWriteOptions, Row, WaveformDataWriter, write_mseed, write_sac};
use serde_json::json;
use std::process::ExitCode;

fn run(dir: &std::path::Path) -> seisbench_io::Result<()> {
    let ds_dir = dir.join("dataset");
    let mut w = WaveformDataWriter::create(&ds_dir).bucket_size(4)?.data_format(DataFormat {
        sampling_rate: Some(100.0),
        measurement: Some("velocity".into()),
        unit: Some("counts".into()),
        instrument_response: Some("not restituted".into()),
        ..DataFormat::default()
    });
    let mut traces = Vec::new();
    for i in 0..9usize {
        let c = if i == 8 { 2 } else { 3 };
        let n = 300 + 17 * i;
        let wf = Array2::from_shape_fn((c, n), |(ch, t)| f64::from((((i * 7 + ch * 3 + t) % 97) as f32 - 48.0) * 0.5));
        let split = if i < 5 {
            "train"
        } else if i < 8 {
            "dev"
        } else {
            "test"
        };
        let row = Row::new()
            .with("trace_name", format!("ev{i}$odd name"))
            .with("trace_sampling_rate_hz", 100.0)
            .with("trace_component_order", if c == 3 { "ZNE" } else { "ZN" })
            .with("trace_p_arrival_sample", if i % 3 == 0 { f64::NAN } else { 50.0 + i as f64 })
            .with("trace_npts", n)
            .with("station_code", format!("S{i}"))
            .with("split", split)
            .with("custom_flag", i % 2 == 0);
        w.add_trace(row, wf.view())?;
        traces.push(json!({"waveform": wf.outer_iter().map(|r| r.to_vec()).collect::<Vec<_>>(), "split": split}));
    }
    let md = w.finish()?;
    let names: Vec<String> = md.column("trace_name").unwrap_or(&[]).iter().map(|v| v.to_string()).collect();

    let t0 = UtcTime::parse("2021-05-06T07:08:09.123456Z")?;
    let ints: Vec<f64> = (0..2500).map(|k| ((k * 37) % 2001) as f64 - 1000.0).collect();
    let tr = Trace::from_id("XX.INTER.00.HHZ", ints.clone().into(), 100.0, t0)?;
    let tr2 = Trace::from_id("XX.INTER.00.HHN", ints.into(), 100.0, t0.add_seconds(30.0))?;
    let ms = write_mseed(&[tr.clone(), tr2], &MseedWriteOptions { encoding: Encoding::Steim2, record_length: 512 })?;
    std::fs::write(dir.join("rust.mseed"), ms)
        .map_err(|e| seisbench_io::IoError::Io { path: dir.join("rust.mseed"), source: e })?;
    let sac_t0 = UtcTime::parse("2021-05-06T07:08:09.120Z")?;
    let sac_tr = Trace::from_id(
        "XX.INTER.00.BHE",
        (0..400).map(|k| (k as f64 * 0.1).sin() as f32 as f64).collect(),
        40.0,
        sac_t0,
    )?;
    std::fs::write(dir.join("rust.sac"), write_sac(&sac_tr)?)
        .map_err(|e| seisbench_io::IoError::Io { path: dir.join("rust.sac"), source: e })?;

    let expected = json!({
        "dataset": "dataset",
        "trace_names": names,
        "traces": traces,
        "mseed": {"file": "rust.mseed", "ids": ["XX.INTER.00.HHZ", "XX.INTER.00.HHN"], "starttime_ns": [t0.nanos(), t0.add_seconds(30.0).nanos()], "npts": 2500},
        "sac": {"file": "rust.sac", "id": "XX.INTER.00.BHE", "starttime_ns": sac_t0.nanos(), "sampling_rate": 40.0, "data": sac_tr.data().to_vec()},
    });
    std::fs::write(dir.join("expected.json"), serde_json::to_string_pretty(&expected).unwrap_or_default())
        .map_err(|e| seisbench_io::IoError::Io { path: dir.join("expected.json"), source: e })?;
    Ok(())
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: interop <output dir>");
        return ExitCode::from(2);
    };
    let dir = std::path::PathBuf::from(dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    match run(&dir) {
        Ok(()) => {
            println!("wrote interop files into {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("interop failed: {e}");
            ExitCode::FAILURE
        }
    }
}
