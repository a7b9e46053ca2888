//! The miniSEED decoder must return Ok or a typed error for any bytes, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = seisbench_io::read_mseed(data) {
        let _ = d.merged(0.0);
    }
});
