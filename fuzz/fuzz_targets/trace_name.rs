//! Trace-name parsing and resolution against a block shape must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let shape = [data[0] as usize % 6, data[1] as usize % 5, data[2] as usize % 40];
    let Ok(name) = std::str::from_utf8(&data[3..]) else { return };
    if let Ok(loc) = seisbench_io::parse_trace_name(name) {
        if let Ok(sel) = loc.resolve(name, &shape) {
            let n: usize = shape.iter().product();
            let block: Vec<u32> = (0..n as u32).collect();
            let (out, out_shape) = seisbench_io::trace_name::select(&block, &shape, &sel).expect("a resolved selection fits its block");
            assert_eq!(out.len(), out_shape.iter().product::<usize>());
        }
    }
});
