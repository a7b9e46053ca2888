//! The hvsr bench record and settings, shared by `benches/hvsr.rs` and
//! `crates/hvsr/examples/hvsr_timing.rs` (`#[path]` module): one hour of 3-component noise at
//! 100 Hz from the LCG + resonator recurrences of `xtask/golden/hvsr/bench_data.py`, quantised to
//! integer counts. The crate items come from the including file (`super::`), which reaches them
//! as `seisml::…` in the bench and directly in the example.

use super::{
    Encoding, HvsrParams, MseedWriteOptions, Smoothing, Stream, Trace, UtcTime, log_frequencies, read_mseed_file,
    write_mseed,
};
use std::path::Path;

pub const FS: f64 = 100.0;
pub const N: usize = 360_001;
/// Counts per unit of the generated noise (bench_data.py `SCALE`).
pub const SCALE: f64 = 1e5;

fn lcg_noise(seed: u64, n: usize) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        })
        .collect()
}

fn resonate(x: &[f64]) -> Vec<f64> {
    let r = 0.995f64;
    let c1 = 2.0 * r * (2.0 * std::f64::consts::PI * 2.0 / FS).cos();
    let c2 = r * r;
    let (mut y1, mut y2) = (0.0, 0.0);
    x.iter()
        .map(|&v| {
            let y0 = v + c1 * y1 - c2 * y2;
            y2 = y1;
            y1 = y0;
            y0
        })
        .collect()
}

/// NS, EW, Z in integer counts (floor(x·SCALE + 0.5), as bench_data.py).
pub fn channels() -> [Vec<f64>; 3] {
    let h = |a: u64, b: u64| {
        let r = resonate(&lcg_noise(a, N));
        let w = lcg_noise(b, N);
        r.iter().zip(&w).map(|(r, w)| 0.05 * r + 0.5 * w).collect::<Vec<_>>()
    };
    let q = |v: Vec<f64>| v.into_iter().map(|x| (x * SCALE + 0.5).floor()).collect::<Vec<_>>();
    [q(h(1, 2)), q(h(3, 4)), q(lcg_noise(5, N).iter().map(|v| 0.5 * v).collect())]
}

/// The workload's settings, as `bench_ref.py`: 60 s windows, Konno–Ohmachi b = 40 at 256
/// log-spaced frequencies 0.2–20 Hz, FDWRA; no component spectra (hvsrpy returns none).
pub fn params() -> HvsrParams {
    HvsrParams::new()
        .window_length(60.0)
        .smoothing(Smoothing::KonnoOhmachi { bandwidth: 40.0 })
        .frequencies(log_frequencies(0.2, 20.0, 256))
        .component_spectra(false)
        .fdwra()
}

/// The record as a Steim-1 miniSEED file (512-byte records, XX.HVSR..BH{N,E,Z}) at `path`.
pub fn write_record(ch: &[Vec<f64>; 3], path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let t0 = UtcTime::parse("2017-05-04T07:00:00")?;
    let traces = ["BHN", "BHE", "BHZ"]
        .iter()
        .zip(ch)
        .map(|(c, v)| Trace::from_id(&format!("XX.HVSR..{c}"), v.clone().into(), FS, t0))
        .collect::<Result<Vec<_>, _>>()?;
    let bytes = write_mseed(&traces, &MseedWriteOptions { encoding: Encoding::Steim1, record_length: 512 })?;
    std::fs::write(path, bytes)?;
    Ok(())
}

/// The file's traces as a stream with fresh sample buffers.
pub fn read_fresh(path: &Path) -> Stream {
    read_mseed_file(path).expect("read").into_stream()
}
