//! miniSEED and SAC files written by ObsPy (`xtask/golden/seisbench-io/gen_waveforms.py`):
//! decoded exactly (samples, times, codes), gaps as ObsPy reports them, and exact round trips.

use seisbench_io::{
    Encoding, IoError, MseedReader, MseedWriteOptions, read_mseed, read_mseed_file, read_sac, read_sac_file,
    write_mseed, write_sac,
};
use seisml_testkit::{Golden, golden_dir, json};

const CRATE: &str = "seisbench-io";

#[test]
fn mseed_files_decode_exactly() {
    let exp = json(CRATE, "waveforms_expected.json");
    let mut g = Golden::open(CRATE, "waveforms_expected.npz");
    for (name, e) in exp["mseed"].as_object().unwrap() {
        let d = read_mseed_file(golden_dir(CRATE).join("mseed").join(format!("{name}.mseed"))).unwrap();
        let traces = e["traces"].as_array().unwrap();
        assert_eq!(d.traces.len(), traces.len(), "{name}: number of traces");
        for (k, (t, te)) in d.traces.iter().zip(traces).enumerate() {
            let st = t.trace.stats();
            assert_eq!(st.id(), te["id"].as_str().unwrap(), "{name}");
            assert_eq!(t.trace.sampling_rate(), te["sampling_rate"].as_f64().unwrap(), "{name}");
            assert_eq!(t.trace.starttime().nanos(), te["starttime_ns"].as_i64().unwrap(), "{name}: start time");
            assert_eq!(t.n_records as u64, te["number_of_records"].as_u64().unwrap(), "{name}: records");
            assert_eq!(t.record_length as u64, te["record_length"].as_u64().unwrap(), "{name}");
            let want = g.array1(&format!("{name}/{k}"));
            assert_eq!(t.trace.data(), want.view(), "{name}: samples of trace {k}");
        }
        let gaps = e["gaps"].as_array().unwrap();
        assert_eq!(d.gaps.len(), gaps.len(), "{name}: gaps");
        for (gp, ge) in d.gaps.iter().zip(gaps) {
            assert_eq!(gp.id, ge["id"].as_str().unwrap());
            assert_eq!(gp.start.nanos(), ge["start_ns"].as_i64().unwrap());
            assert_eq!(gp.end.nanos(), ge["end_ns"].as_i64().unwrap());
            assert_eq!(gp.samples, ge["samples"].as_i64().unwrap());
            assert!((gp.delta - ge["delta_s"].as_f64().unwrap()).abs() < 1e-9, "{} vs {}", gp.delta, ge["delta_s"]);
        }
    }
}

#[test]
fn reader_reusing_buffers_gives_the_same_results() {
    let exp = json(CRATE, "waveforms_expected.json");
    let mut names: Vec<&String> = exp["mseed"].as_object().unwrap().keys().collect();
    let path = |n: &str| golden_dir(CRATE).join("mseed").join(format!("{n}.mseed"));
    let mut reader = MseedReader::new();
    // two passes, the second in reverse order, so buffers of every size meet every file
    for pass in 0..2 {
        if pass == 1 {
            names.reverse();
        }
        for name in &names {
            let want = read_mseed_file(path(name)).unwrap();
            let got = reader.read_file(path(name)).unwrap();
            assert_eq!(got.traces.len(), want.traces.len(), "{name}");
            for (a, b) in got.traces.iter().zip(&want.traces) {
                assert_eq!(a.trace, b.trace, "{name}");
            }
            assert_eq!(got.gaps, want.gaps, "{name}");
            assert_eq!(got.records, want.records, "{name}");
            assert_eq!(got.warnings, want.warnings, "{name}");
            let bytes = std::fs::read(path(name)).unwrap();
            assert_eq!(reader.read(&bytes).unwrap().traces.len(), want.traces.len(), "{name}");
            reader.recycle(got.into_stream().traces);
        }
    }
    // a recycled buffer is what the next read of the same file fills
    let name = names[0];
    let mut reader = MseedReader::new();
    let first = reader.read_file(path(name)).unwrap().into_stream();
    let ptr = first.traces[0].data().as_ptr();
    reader.recycle(first.traces);
    let again = reader.read_file(path(name)).unwrap();
    assert!(again.traces.iter().any(|t| t.trace.data().as_ptr() == ptr), "buffer not reused");
    // errors are the same as read_mseed's
    assert!(matches!(reader.read(&[]), Err(IoError::Empty { .. })));
}

#[test]
fn mseed_round_trips_are_exact() {
    let exp = json(CRATE, "waveforms_expected.json");
    for (name, e) in exp["mseed"].as_object().unwrap() {
        let d = read_mseed_file(golden_dir(CRATE).join("mseed").join(format!("{name}.mseed"))).unwrap();
        let enc = d.traces[0].encoding;
        for rl in [512usize, 4096] {
            let opts = MseedWriteOptions { encoding: enc, record_length: rl };
            let traces: Vec<_> = d.traces.iter().map(|t| t.trace.clone()).collect();
            let bytes = write_mseed(&traces, &opts).unwrap();
            assert_eq!(bytes.len() % rl, 0);
            let back = read_mseed(&bytes).unwrap();
            assert_eq!(back.traces.len(), d.traces.len(), "{name} rl {rl}");
            for (a, b) in back.traces.iter().zip(&d.traces) {
                assert_eq!(a.trace, b.trace, "{name} rl {rl}: samples, times and codes");
                assert_eq!(a.encoding, enc);
            }
            assert_eq!(back.gaps, d.gaps);
        }
        let _ = e;
    }
}

#[test]
fn merged_stream_fills_gaps() {
    let d = read_mseed_file(golden_dir(CRATE).join("mseed/gaps_overlaps.mseed")).unwrap();
    assert_eq!(d.gaps.len(), 2);
    assert!(!d.gaps[0].is_overlap() && d.gaps[1].is_overlap());
    let m = d.merged(0.0).unwrap();
    assert_eq!(m.traces.len(), 2);
    // 0..10 s, gap to 12 s, 12..22 s, overlap from 21 s to 26 s: 2600 samples
    assert_eq!(m.traces[0].len(), 2600);
    assert_eq!(m.traces[0].data()[1100], 0.0);
}

#[test]
fn mseed_decoder_agrees_with_miniseed_rs() {
    let bytes = std::fs::read(golden_dir(CRATE).join("mseed/steim2_big.mseed")).unwrap();
    let ours = read_mseed(&bytes).unwrap();
    let mut theirs = Vec::new();
    for r in miniseed_rs::MseedReader::new(&bytes) {
        match r.unwrap().samples {
            miniseed_rs::Samples::Int(v) => theirs.extend(v.into_iter().map(f64::from)),
            _ => panic!("int samples expected"),
        }
    }
    assert_eq!(ours.traces[0].trace.data().to_vec(), theirs);
}

#[test]
fn writer_rejects_what_it_cannot_store() {
    let d = read_mseed_file(golden_dir(CRATE).join("mseed/float32_512.mseed")).unwrap();
    let t = d.traces[0].trace.clone();
    let err =
        write_mseed(std::slice::from_ref(&t), &MseedWriteOptions { encoding: Encoding::Steim2, record_length: 512 })
            .unwrap_err();
    assert!(matches!(err, IoError::NotRepresentable { .. }), "{err}");
    let err = write_mseed(&[t], &MseedWriteOptions { encoding: Encoding::Float32, record_length: 300 }).unwrap_err();
    assert!(matches!(err, IoError::InvalidParameter { .. }));
}

#[test]
fn sac_files_decode_exactly_and_round_trip() {
    let exp = json(CRATE, "waveforms_expected.json");
    let mut g = Golden::open(CRATE, "waveforms_expected.npz");
    for (name, e) in exp["sac"].as_object().unwrap() {
        let (t, _) = read_sac_file(golden_dir(CRATE).join("sac").join(format!("{name}.sac"))).unwrap();
        assert_eq!(t.stats().id(), e["id"].as_str().unwrap());
        assert_eq!(t.sampling_rate(), e["sampling_rate"].as_f64().unwrap());
        assert_eq!(t.starttime().nanos(), e["starttime_ns"].as_i64().unwrap());
        assert_eq!(t.data(), g.array1(&format!("sac/{name}")).view());
        let bytes = write_sac(&t).unwrap();
        let (back, _) = read_sac(&bytes).unwrap();
        assert_eq!(back, t, "{name}: round trip");
    }
}
