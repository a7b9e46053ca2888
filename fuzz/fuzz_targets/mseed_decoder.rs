//! The miniSEED decoder must return Ok or a typed error for any bytes, never panic; and a
//! `MseedReader` whose spare buffers hold the previous input's samples (it does not zero them)
//! must give exactly what `read_mseed` gives: the decoder writes every sample it returns.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seisbench_io::{MseedReader, read_mseed};
use std::sync::Mutex;

static READER: Mutex<Option<MseedReader>> = Mutex::new(None);

fuzz_target!(|data: &[u8]| {
    let fresh = read_mseed(data);
    let mut guard = READER.lock().unwrap_or_else(|e| e.into_inner());
    let reader = guard.get_or_insert_with(MseedReader::new);
    let reused = reader.read(data);
    match (&fresh, &reused) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "MseedReader and read_mseed disagree"),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("MseedReader and read_mseed disagree: {fresh:?} vs {reused:?}"),
    }
    if let Ok(d) = reused {
        reader.recycle(d.into_stream().traces);
    }
    if let Ok(d) = fresh {
        let _ = d.merged(0.0);
    }
});
