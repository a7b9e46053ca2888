//! Single-thread CPU time and 2-thread wall time of the `hvsr_1h_*` bench workload
//! (benches/hvsr.rs), stage by stage, for tuning on a shared machine:
//!
//! ```text
//! cargo run --release -p hvsr --example hvsr_timing [runs]
//! ```
//!
//! CPU time is the calling thread's (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`), so it is
//! insensitive to the load of other processes; the wall times are not.

use hvsr::{HvsrParams, Smoothing, log_frequencies};
use seis_core::{Components, Stream, Trace, UtcTime};
use seisbench_io::{Encoding, MseedWriteOptions, read_mseed_file, write_mseed};
use std::time::Instant;

#[path = "../../../benches/common/hvsr_input.rs"]
mod hvsr_input;
use hvsr_input::{FS, N, channels, params, read_fresh, write_record};

#[repr(C)]
struct Timespec {
    sec: i64,
    nsec: i64,
}

unsafe extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

/// CPU time in seconds of the calling thread (`clock = 3`, CLOCK_THREAD_CPUTIME_ID) or of the
/// process (`clock = 2`); unlike /proc/thread-self/schedstat it includes the running slice.
fn cpu_clock(clock: i32) -> f64 {
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: clock_gettime writes one timespec (64-bit Linux layout) into `ts`.
    let rc = unsafe { clock_gettime(clock, &mut ts) };
    if rc == 0 { ts.sec as f64 + ts.nsec as f64 * 1e-9 } else { f64::NAN }
}

fn thread_cpu() -> f64 {
    cpu_clock(3)
}

/// Minor page faults of the process so far (/proc/self/stat field 10).
fn minor_faults() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // the command name (field 2) may hold spaces: count from the closing parenthesis
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    rest.split_whitespace().nth(7).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Median over `runs` of (thread CPU, process CPU, wall) in ms.
fn measure(runs: usize, mut f: impl FnMut()) -> (f64, f64, f64) {
    f();
    let (mut cpu, mut all, mut wall) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let (c0, p0, t0) = (thread_cpu(), cpu_clock(2), Instant::now());
        f();
        cpu.push((thread_cpu() - c0) * 1e3);
        all.push((cpu_clock(2) - p0) * 1e3);
        wall.push(t0.elapsed().as_secs_f64() * 1e3);
    }
    (median(cpu), median(all), median(wall))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: usize = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(30);
    let ch = channels();
    let path = std::env::temp_dir().join("seisml_hvsr_timing_1h.mseed");
    write_record(&ch, &path)?;
    let read = || read_fresh(&path);
    let data = ndarray::Array2::from_shape_vec((3, N), ch.concat())?;
    let rec = Components::new(data, "NEZ", FS, UtcTime::EPOCH)?;
    let plan = params().plan(FS)?;
    let stream = read();
    let hv = plan.process_stream(&stream)?;
    println!("{} windows, {} valid, f0 = {:?}", hv.status.len(), hv.valid_windows().len(), hv.f0.map(|p| p.frequency));

    // for `perf record`: one thread, the in-memory processing (`profile`) or read + processing
    // (`profile-steady`)
    match std::env::args().nth(2).as_deref() {
        Some("profile") => {
            let one = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
            one.install(|| (0..runs).for_each(|_| drop(plan.process(&rec).expect("p"))));
            return Ok(());
        }
        Some("profile-steady") => {
            let one = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
            one.install(|| (0..runs).for_each(|_| drop(plan.process_stream(&read()).expect("p"))));
            return Ok(());
        }
        _ => {}
    }
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let two = rayon::ThreadPoolBuilder::new().num_threads(2).build()?;
    let report = |name: &str, (cpu, all, wall): (f64, f64, f64)| {
        println!("{name:<28} thread cpu {cpu:7.2} ms   process cpu {all:7.2} ms   wall {wall:7.2} ms")
    };
    // as criterion runs it: the calling thread outside any pool, rayon's global pool working
    // (first, before anything frees a buffer larger than the traces: glibc's trim threshold
    // rises with the largest freed block, which decides whether the hour is page-faulted anew)
    let faults = minor_faults();
    report("steady (global pool)", measure(runs, || drop(plan.process_stream(&read()).expect("p"))));
    println!("  minor page faults per call ≈ {:.0}", (minor_faults() - faults) as f64 / (runs + 1) as f64);
    report("plan (1 thread)", measure(runs, || drop(params().plan(FS).expect("plan"))));
    report("read miniSEED (1 thread)", measure(runs, || drop(read())));
    report("to_components (1 thread)", measure(runs, || drop(stream.to_components("NEZ").expect("c"))));
    one.install(|| {
        report("process record (1 thread)", measure(runs, || drop(plan.process(&rec).expect("p"))));
        report("steady (1 thread)", measure(runs, || drop(plan.process_stream(&read()).expect("p"))));
    });
    two.install(|| {
        report("process record (2 threads)", measure(runs, || drop(plan.process(&rec).expect("p"))));
        report("steady (2 threads)", measure(runs, || drop(plan.process_stream(&read()).expect("p"))));
    });
    Ok(())
}
