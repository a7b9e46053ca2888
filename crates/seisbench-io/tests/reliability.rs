//! Bad input gives typed errors, never panics; writer → reader round trips (proptest).

use ndarray::Array2;
use proptest::prelude::*;
use seis_core::{Trace, UtcTime};
use seisbench_io::{
    DataFormat, DatasetOptions, Dtype, Encoding, IoError, Metadata, MseedWriteOptions, Row, Value, WaveformDataWriter,
    WaveformDataset, WaveformOptions, parse_trace_name, read_mseed, read_sac, write_mseed,
};
use seisml_testkit::golden_dir;
use std::path::{Path, PathBuf};

const CRATE: &str = "seisbench-io";

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sbio-rel-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn copy_dataset(src: &Path, dst: &Path) {
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
    }
}

#[test]
fn truncated_and_corrupted_hdf5_are_errors() {
    let src = golden_dir(CRATE).join("sbds");
    let bytes = std::fs::read(src.join("waveforms.hdf5")).unwrap();
    for (k, cut) in [100usize, 1000, bytes.len() / 2, bytes.len() - 10].into_iter().enumerate() {
        let d = tmp(&format!("trunc{k}"));
        copy_dataset(&src, &d);
        std::fs::write(d.join("waveforms.hdf5"), &bytes[..cut]).unwrap();
        let r = WaveformDataset::open(&d).and_then(|ds| {
            for i in 0..ds.len() {
                ds.get_waveforms(i, &WaveformOptions::default())?;
            }
            Ok(())
        });
        assert!(r.is_err(), "truncation at {cut} must fail");
    }
    // flipped bytes: either an error or (if the byte was padding) the right data, never a panic
    let mut state = 12345u64;
    for k in 0..30 {
        let d = tmp(&format!("flip{k}"));
        copy_dataset(&src, &d);
        let mut b = bytes.clone();
        for _ in 0..8 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let i = (state >> 33) as usize % b.len();
            b[i] ^= 0xA5;
        }
        std::fs::write(d.join("waveforms.hdf5"), &b).unwrap();
        if let Ok(ds) = WaveformDataset::open(&d) {
            for i in 0..ds.len() {
                let _ = ds.get_waveforms(i, &WaveformOptions::default());
            }
        }
    }
}

#[test]
fn metadata_problems_are_typed() {
    let src = golden_dir(CRATE).join("sbds");
    let csv = std::fs::read_to_string(src.join("metadata.csv")).unwrap();
    // missing trace_name column
    let d = tmp("nocol");
    copy_dataset(&src, &d);
    std::fs::write(d.join("metadata.csv"), csv.replacen("trace_name,", "name,", 1)).unwrap();
    assert!(matches!(WaveformDataset::open(&d), Err(IoError::MissingColumn { .. })));
    // malformed trace name
    let d = tmp("badname");
    copy_dataset(&src, &d);
    std::fs::write(d.join("metadata.csv"), csv.replacen("bucket0$0,:3,:408", "bucket0$0,:x,:408", 1)).unwrap();
    assert!(matches!(WaveformDataset::open(&d), Err(IoError::MalformedTraceName { .. })));
    // trace name pointing outside its block
    let d = tmp("oob");
    copy_dataset(&src, &d);
    std::fs::write(d.join("metadata.csv"), csv.replacen("bucket0$0,:3,:408", "bucket0$70,:3,:408", 1)).unwrap();
    let ds = WaveformDataset::open(&d).unwrap();
    assert!(matches!(ds.get_waveforms(0, &WaveformOptions::default()), Err(IoError::TraceOutOfBounds { .. })));
    // missing block
    let d = tmp("noblock");
    copy_dataset(&src, &d);
    std::fs::write(d.join("metadata.csv"), csv.replacen("bucket0$0,:3,:408", "bucket9$0,:3,:408", 1)).unwrap();
    let ds = WaveformDataset::open(&d).unwrap();
    assert!(matches!(ds.get_waveforms(0, &WaveformOptions::default()), Err(IoError::Hdf5 { .. })));
    // inconsistent sampling rates: metadata vs data_format
    let d = tmp("rate");
    copy_dataset(&src, &d);
    std::fs::write(d.join("metadata.csv"), csv.replace(",100.0,", ",50.0,")).unwrap();
    assert!(matches!(WaveformDataset::open(&d), Err(IoError::SamplingRate { .. })));
    // a float column holding text
    let d = tmp("text");
    copy_dataset(&src, &d);
    std::fs::write(d.join("metadata.csv"), csv.replacen(",68.0,", ",sixty,", 1)).unwrap();
    assert!(matches!(WaveformDataset::open(&d), Err(IoError::InvalidValue { .. })));
    // ragged CSV
    let d = tmp("ragged");
    copy_dataset(&src, &d);
    std::fs::write(d.join("metadata.csv"), format!("{csv}bucket0$1,:3,:3,XX\n")).unwrap();
    assert!(matches!(WaveformDataset::open(&d), Err(IoError::Csv { .. })));
    // missing files
    assert!(matches!(WaveformDataset::open(tmp("empty")), Err(IoError::MissingFile { .. })));
    assert!(matches!(WaveformDataset::open("/nonexistent/dir"), Err(IoError::MissingFile { .. })));
}

#[test]
fn inconsistent_dt_and_rate_columns_are_an_error() {
    let d = tmp("dt");
    let mut w = WaveformDataWriter::create(&d);
    let row = Row::new().with("trace_name", "a").with("trace_sampling_rate_hz", 100.0).with("trace_dt_s", 0.02);
    w.add_trace(row, Array2::zeros((3, 10)).view()).unwrap();
    w.finish().unwrap();
    assert!(matches!(WaveformDataset::open(&d), Err(IoError::SamplingRate { .. })));
}

#[test]
fn truncated_and_corrupted_mseed_are_errors() {
    let bytes = std::fs::read(golden_dir(CRATE).join("mseed/steim2_big.mseed")).unwrap();
    assert!(read_mseed(&bytes).is_ok());
    for cut in [10usize, 47, 48, 100, 511, 700, bytes.len() - 1] {
        assert!(read_mseed(&bytes[..cut]).is_err(), "truncated at {cut}");
    }
    let mut state = 99u64;
    let mut errors = 0;
    for _ in 0..500 {
        let mut b = bytes.clone();
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let i = (state >> 33) as usize % b.len();
        b[i] ^= 1 << ((state >> 20) % 8);
        if read_mseed(&b).is_err() {
            errors += 1;
        }
    }
    assert!(errors > 0);
    assert!(matches!(read_mseed(&[]), Err(IoError::Empty { .. })));
    assert!(matches!(
        read_mseed(b"this is not a miniSEED file at all, not even close to one...."),
        Err(IoError::MiniSeed { .. })
    ));
}

#[test]
fn corrupted_sac_is_an_error() {
    let bytes = std::fs::read(golden_dir(CRATE).join("sac/float.sac")).unwrap();
    assert!(read_sac(&bytes[..600]).is_err());
    assert!(read_sac(&bytes[..bytes.len() - 4]).is_err());
    let mut b = bytes.clone();
    b[304..308].copy_from_slice(&[9, 9, 9, 9]);
    assert!(read_sac(&b).is_err());
}

#[test]
fn malformed_trace_names() {
    for bad in ["b$", "b$1$2", "b$x", "$1", "b$1:2:3:4", "b$::0", "b$99999999999999999999"] {
        assert!(matches!(parse_trace_name(bad), Err(IoError::MalformedTraceName { .. })), "{bad}");
    }
}

fn write_and_read(traces: &[(Array2<f64>, String)], bucket_size: usize, dtype: Dtype) -> (Metadata, WaveformDataset) {
    let d = tmp(&format!("prop-{}", rand_suffix()));
    let mut w = WaveformDataWriter::create(&d)
        .bucket_size(bucket_size)
        .unwrap()
        .dtype(dtype)
        .data_format(DataFormat { sampling_rate: Some(50.0), ..DataFormat::default() });
    for (i, (wf, split)) in traces.iter().enumerate() {
        let row = Row::new()
            .with("trace_name", format!("t{i}"))
            .with("split", split.as_str())
            .with("trace_p_arrival_sample", i as f64 * 1.5)
            .with("trace_component_order", if wf.nrows() == 3 { "ZNE" } else { "ZN" });
        w.add_trace(row, wf.view()).unwrap();
    }
    let md = w.finish().unwrap();
    let ds = WaveformDataset::open_with(&d, DatasetOptions { component_order: None, ..Default::default() }).unwrap();
    (md, ds)
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn writer_reader_round_trip(
        shapes in prop::collection::vec((2usize..=3, 1usize..300, 0usize..3), 1..12),
        bucket_size in 1usize..6,
        f64_store in any::<bool>(),
        seed in any::<u32>(),
    ) {
        let splits = ["train", "dev", "test"];
        let traces: Vec<(Array2<f64>, String)> = shapes.iter().enumerate().map(|(k, &(c, w, s))| {
            let wf = Array2::from_shape_fn((c, w), |(i, j)| (((seed as usize + k * 31 + i * 7 + j) % 1000) as f64 - 500.0) * 0.25);
            (wf, splits[s].to_string())
        }).collect();
        let dtype = if f64_store { Dtype::F64 } else { Dtype::F32 };
        let (md, ds) = write_and_read(&traces, bucket_size, dtype);
        prop_assert_eq!(ds.len(), traces.len());
        prop_assert_eq!(md.len(), traces.len());
        for (i, (wf, split)) in traces.iter().enumerate() {
            let got = ds.get_waveforms(i, &WaveformOptions::default()).unwrap();
            prop_assert_eq!(&got, wf);
            prop_assert_eq!(ds.value(i, "split").unwrap(), Some(&Value::Str(split.clone())));
            prop_assert_eq!(ds.sampling_rate(i).unwrap(), 50.0);
            prop_assert_eq!(ds.value(i, "trace_p_arrival_sample").unwrap().and_then(Value::as_f64), Some(i as f64 * 1.5));
        }
    }

    #[test]
    fn mseed_round_trip(
        n in 1usize..3000,
        amp in 1i64..(1 << 30),
        enc in 0usize..5,
        rl_pow in 8u32..13,
        sr_idx in 0usize..5,
        start_us in 0i64..1_000_000_000_000i64,
        seed in any::<u64>(),
    ) {
        let encs = [Encoding::Steim1, Encoding::Steim2, Encoding::Int32, Encoding::Float32, Encoding::Float64];
        let rates = [100.0, 20.0, 0.1, 12.5, 1.0];
        let mut s = seed;
        let data: Vec<f64> = (0..n).map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let x = ((s >> 16) as i64 % (2 * amp + 1)) - amp;
            if encs[enc] == Encoding::Float32 { (x as f32 / 7.0) as f64 } else if encs[enc] == Encoding::Float64 { x as f64 / 7.0 } else { x as f64 }
        }).collect();
        let t0 = UtcTime::from_nanos(1_500_000_000_000_000_000 + start_us * 1000);
        let tr = Trace::from_id("XX.STA..HHZ", data.into(), rates[sr_idx], t0).unwrap();
        let res = write_mseed(std::slice::from_ref(&tr), &MseedWriteOptions { encoding: encs[enc], record_length: 1 << rl_pow });
        if encs[enc] == Encoding::Steim2 && amp >= (1 << 28) {
            // large differences may not fit Steim2's 30 bits: then a typed error, never bad data
            if let Err(e) = &res {
                let typed = matches!(e, IoError::NotRepresentable { .. });
                prop_assert!(typed, "unexpected error {}", e);
                return Ok(());
            }
        }
        let bytes = res.unwrap();
        let back = read_mseed(&bytes).unwrap();
        prop_assert_eq!(back.traces.len(), 1);
        prop_assert_eq!(&back.traces[0].trace, &tr);
        prop_assert!(back.gaps.is_empty());
    }

    #[test]
    fn mseed_decoder_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let _ = read_mseed(&bytes);
    }

    #[test]
    fn metadata_parser_never_panics(text in "[a-z_,\"\n0-9.$:-]{0,300}") {
        let _ = Metadata::from_csv_bytes(text.as_bytes(), Path::new("fuzz.csv"));
        let _ = parse_trace_name(&text);
    }
}

#[test]
fn fuzz_regressions_do_not_panic() {
    // miniSEED with two segments of one id years apart: merging must refuse, not allocate the span
    // and a record with a tiny sampling rate whose end time overflowed
    for f in ["mseed_far_segments.bin", "mseed_tiny_rate.bin"] {
        let bytes = std::fs::read(golden_dir(CRATE).join("fuzz_regressions").join(f)).unwrap();
        if let Ok(d) = read_mseed(&bytes) {
            let _ = d.merged(0.0);
        }
    }
}

#[test]
fn writer_flushes_full_buckets_to_disk() {
    let d = tmp("streaming-writer");
    let mut w = WaveformDataWriter::create(&d).bucket_size(8).unwrap();
    let wf = Array2::from_shape_fn((3, 500), |(c, t)| (c * 500 + t) as f64);
    let mut sizes = Vec::new();
    for i in 0..40 {
        w.add_trace(Row::new().with("trace_name", format!("t{i}")).with("split", "train"), wf.view()).unwrap();
        // only the bucket still filling stays in memory
        assert_eq!(w.buffered_traces(), (i + 1) % 8, "after trace {i}");
        if (i + 1) % 8 == 0 {
            sizes.push(std::fs::metadata(d.join("waveforms.hdf5")).unwrap().len());
        }
    }
    assert!(sizes.windows(2).all(|s| s[1] > s[0] + 8 * 3 * 500 * 4 / 2), "file grows bucket by bucket: {sizes:?}");
    w.finish().unwrap();
    let ds = WaveformDataset::open(&d).unwrap();
    assert_eq!(ds.len(), 40);
    assert_eq!(ds.get_waveforms(37, &WaveformOptions::default()).unwrap(), wf);
}

#[test]
fn samples_by_channels_datasets_read_transposed() {
    // the same traces stored "CW" and "WC" (samples × channels, as the writer was given them)
    let wfs: Vec<Array2<f64>> = (0..5)
        .map(|k| Array2::from_shape_fn((3, 300 + 7 * k), |(c, t)| ((c * 37 + t * 11 + k) % 101) as f64 - 50.0))
        .collect();
    let mut dirs = Vec::new();
    for order in ["CW", "WC"] {
        let d = tmp(&format!("dimorder-{order}"));
        let df = DataFormat { dimension_order: order.into(), sampling_rate: Some(100.0), ..DataFormat::default() };
        let mut w = WaveformDataWriter::create(&d).data_format(df);
        for (k, wf) in wfs.iter().enumerate() {
            let stored = if order == "WC" { wf.t().to_owned() } else { wf.clone() };
            w.add_trace(Row::new().with("trace_name", format!("t{k}")).with("split", "train"), stored.view()).unwrap();
        }
        w.finish().unwrap();
        dirs.push(d);
    }
    let idx: Vec<usize> = (0..5).collect();
    for cache in [0, 1 << 20] {
        let cw = WaveformDataset::open_with(&dirs[0], DatasetOptions::default().cache_bytes(cache)).unwrap();
        let wc = WaveformDataset::open_with(&dirs[1], DatasetOptions::default().cache_bytes(cache)).unwrap();
        for (k, wf) in wfs.iter().enumerate() {
            assert_eq!(&wc.get_waveforms(k, &WaveformOptions::default()).unwrap(), wf, "trace {k}");
        }
        for opts in [WaveformOptions::default(), WaveformOptions::resampled(50.0), WaveformOptions::resampled(33.3)] {
            assert_eq!(
                wc.get_waveforms_batch(&idx, &opts).unwrap(),
                cw.get_waveforms_batch(&idx, &opts).unwrap(),
                "{opts:?}"
            );
        }
    }
}
