//! The metadata CSV parser (typing, inference, row access, CSV writing) must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(md) = seisbench_io::Metadata::from_csv_bytes(data, std::path::Path::new("fuzz.csv")) {
        for i in 0..md.len().min(50) {
            let _ = md.row(i);
        }
        if let Ok(bytes) = md.to_csv_bytes() {
            let _ = seisbench_io::Metadata::from_csv_bytes(&bytes, std::path::Path::new("again.csv"));
        }
    }
});
