//! The parallel miniSEED decoder: results independent of the thread count, integrity warnings,
//! and the first problem in file order reported.

use seisbench_io::{IoError, read_mseed};
use seisml_testkit::golden_dir;

fn golden(name: &str) -> Vec<u8> {
    std::fs::read(golden_dir("seisbench-io").join("mseed").join(name)).expect("golden miniSEED file")
}

fn data_offset(b: &[u8], record: usize) -> usize {
    record + u16::from_be_bytes([b[record + 44], b[record + 45]]) as usize
}

#[test]
fn decoding_is_independent_of_the_thread_count() {
    for name in ["steim1_512.mseed", "steim2_4096.mseed", "steim2_big.mseed", "gaps_overlaps.mseed", "int32_512.mseed"]
    {
        let bytes = golden(name);
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
            pool.install(|| read_mseed(&bytes).expect("read"))
        };
        let one = run(1);
        assert_eq!(one, run(2), "{name}");
        assert_eq!(one, run(5), "{name}");
    }
}

#[test]
fn steim_integrity_mismatch_is_a_warning_and_the_data_are_kept() {
    let mut bytes = golden("steim1_512.mseed");
    let clean = read_mseed(&bytes).expect("read");
    assert!(clean.warnings.is_empty());
    // Xn of the third record (512-byte records)
    let xn = data_offset(&bytes, 1024) + 8;
    bytes[xn + 3] ^= 1;
    let d = read_mseed(&bytes).expect("read with a warning");
    assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
    assert!(d.warnings[0].starts_with("record at byte 1024: Steim integrity check failed"), "{}", d.warnings[0]);
    assert_eq!(d.traces, clean.traces);
}

#[test]
fn the_first_problem_in_file_order_is_reported() {
    let bytes = golden("steim2_4096.mseed");
    assert!(bytes.len() >= 2 * 4096);
    let mut b = bytes.clone();
    // Record 0: word 3 of frame 0 gets nibble 3 with the reserved Steim2 sub-code 3.
    let d0 = data_offset(&b, 0);
    let ctrl = u32::from_be_bytes([b[d0], b[d0 + 1], b[d0 + 2], b[d0 + 3]]) | (3 << (30 - 2 * 3));
    b[d0..d0 + 4].copy_from_slice(&ctrl.to_be_bytes());
    b[d0 + 12] |= 0xC0;
    // Record 1: a broken header.
    b[4096 + 6] = b'X';
    match read_mseed(&b) {
        Err(IoError::MiniSeed { offset: 0, reason }) => assert!(reason.contains("sub-code 3"), "{reason}"),
        other => panic!("expected the Steim error of record 0, got {other:?}"),
    }
    // Only the header problem: reported at its record.
    let mut h = bytes.clone();
    h[4096 + 6] = b'X';
    assert!(matches!(read_mseed(&h), Err(IoError::MiniSeed { offset: 4096, .. })));
    // A record announcing more samples than its frames hold.
    let mut s = bytes;
    s[30..32].copy_from_slice(&u16::MAX.to_be_bytes());
    match read_mseed(&s) {
        Err(IoError::MiniSeed { offset: 0, reason }) => assert!(reason.contains("header says 65535"), "{reason}"),
        other => panic!("expected a sample-count error, got {other:?}"),
    }
}

#[test]
fn files_read_in_parallel_equal_files_read_one_by_one() {
    use rayon::prelude::*;
    let dir = golden_dir("seisbench-io").join("mseed");
    let names = ["steim1_512.mseed", "steim2_4096.mseed", "steim2_big.mseed", "int32_512.mseed", "float64_1024.mseed"];
    let paths: Vec<_> = names.iter().cycle().take(40).map(|n| dir.join(n)).collect();
    let serial: Vec<_> = paths.iter().map(|p| seisbench_io::read_mseed_file(p).expect("read")).collect();
    // nested reads on one thread (rayon work stealing) each get their own file buffer
    let parallel: Vec<_> = paths.par_iter().map(|p| seisbench_io::read_mseed_file(p).expect("read")).collect();
    assert_eq!(serial, parallel);
    assert!(matches!(seisbench_io::read_mseed_file(dir.join("missing.mseed")), Err(IoError::Io { .. })));
}
