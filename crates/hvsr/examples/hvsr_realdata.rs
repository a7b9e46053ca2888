//! Real-data check of the hvsr crate on the UT.STN11 microtremor records (Cox & Vantassel 2018,
//! as distributed with hvsrpy), run by `cargo xtask realdata`:
//!
//! ```text
//! cargo run --release -p hvsr --example hvsr_realdata -- ../shared/data
//! ```
//!
//! 1. hvsrpy settings of the data README (60 s windows, linear detrend, Tukey 0.1, nfft 32768,
//!    Konno–Ohmachi b = 40 at 256 log-spaced frequencies 0.2–20 Hz, geometric mean, lognormal),
//!    without and with FDWRA, against numbers produced by hvsrpy 2.1.0 on the same files: mean
//!    curve within 0.5 %, f0 within 0.1 %, same valid windows, FDWRA iterations and SESAME results.
//! 2. Geopsy settings of the `.hv` files (59.99 s non-overlapping windows, no zero padding,
//!    squared-average horizontals, KO b = 40 evaluated at the FFT bins and interpolated linearly
//!    to the 2048 frequencies of the file, as Geopsy does) against the Geopsy average curve
//!    (every point within 2 %) and its f0 (within 1 %).
//!
//! Exits non-zero when a check fails.

use hvsr::{FftLength, Horizontal, HvsrParams, Smoothing, Windowing, log_frequencies};
use seis_core::{Detrend, Stream};
use std::path::Path;
use std::process::ExitCode;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Read a miniSEED file (seisbench-io) into one trace per channel; a gap is an error.
fn read_mseed(path: &Path) -> Res<Stream> {
    let data = seisbench_io::read_mseed_file(path)?;
    if let Some(g) = data.gaps.first() {
        return Err(format!("{}: gap of {} samples at {}", g.id, g.samples, g.start).into());
    }
    Ok(Stream::new(data.traces.into_iter().map(|t| t.trace).collect()))
}

/// A Geopsy `.hv` file: f0 from the average curve, frequencies and average curve.
fn read_geopsy(path: &Path) -> Res<(f64, Vec<f64>, Vec<f64>)> {
    let text = std::fs::read_to_string(path)?;
    let mut f0 = f64::NAN;
    let (mut f, mut a) = (Vec::new(), Vec::new());
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# f0 from average") {
            f0 = rest.trim().parse()?;
        } else if !line.starts_with('#') && !line.trim().is_empty() {
            let v: Vec<f64> = line.split_whitespace().map(str::parse).collect::<Result<_, _>>()?;
            f.push(v[0]);
            a.push(v[1]);
        }
    }
    Ok((f0, f, a))
}

/// hvsrpy 2.1.0 on the same files (tests/../xtask/golden/hvsr settings; see the module docs).
struct HvsrpyFacts {
    file: &'static str,
    fdwra: bool,
    n_valid: usize,
    iterations: Option<usize>,
    f0: f64,
    a0: f64,
    reliability: [bool; 3],
    clarity: [bool; 6],
    /// Mean curve at frequency indices 0, 64, 128, 192.
    mean_samples: [f64; 4],
}

const T: bool = true;
const F: bool = false;

const FACTS: [HvsrpyFacts; 4] = [
    HvsrpyFacts {
        file: "UT.STN11.A2_C50.miniseed",
        fdwra: false,
        n_valid: 30,
        iterations: None,
        f0: 0.7080266479473158,
        a0: 3.782901606156606,
        reliability: [T, T, T],
        clarity: [T, T, T, T, F, T],
        mean_samples: [1.6413354384295036, 3.5552206481622184, 0.413719070867348, 0.638605031256615],
    },
    HvsrpyFacts {
        file: "UT.STN11.A2_C50.miniseed",
        fdwra: true,
        n_valid: 28,
        iterations: Some(2),
        f0: 0.6953548149531558,
        a0: 3.807412023974112,
        reliability: [T, T, T],
        clarity: [T, T, T, F, F, T],
        mean_samples: [1.687336103660665, 3.575563152513503, 0.41798222541787977, 0.639370213933259],
    },
    HvsrpyFacts {
        file: "UT.STN11.A2_C150.miniseed",
        fdwra: false,
        n_valid: 60,
        iterations: None,
        f0: 0.7209294067191923,
        a0: 3.970556044731512,
        reliability: [T, T, T],
        clarity: [T, T, T, T, F, T],
        mean_samples: [1.2779105195948675, 3.518626884451324, 0.3449051052227296, 0.6573567502123849],
    },
    HvsrpyFacts {
        file: "UT.STN11.A2_C150.miniseed",
        fdwra: true,
        n_valid: 42,
        iterations: Some(9),
        f0: 0.7340672995561606,
        a0: 4.055694651770799,
        reliability: [T, T, T],
        clarity: [T, T, T, T, T, T],
        mean_samples: [1.2532746181655074, 3.536677448847383, 0.34477032262275464, 0.6603171914946507],
    },
];

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

/// Failed checks, each printed as it is made.
#[derive(Default)]
struct Checks(Vec<String>);

impl Checks {
    fn check(&mut self, ok: bool, what: String) {
        println!("  [{}] {what}", if ok { "ok" } else { "FAIL" });
        if !ok {
            self.0.push(what);
        }
    }

    /// A relative-difference check of `got` against `expected`.
    fn close(&mut self, what: &str, got: f64, expected: f64, bar: f64) {
        self.check(rel(got, expected) <= bar, format!("{what} {got:.6} vs {expected:.6} (bar {bar})"));
    }

    /// A curve against a reference curve: every point within `bar`.
    fn curve(&mut self, what: &str, freqs: &[f64], got: &[f64], expected: &[f64], bar: f64) {
        let mut diffs: Vec<f64> = got.iter().zip(expected).map(|(a, b)| rel(*a, *b)).collect();
        let (wi, worst) =
            diffs.iter().copied().enumerate().fold((0, 0.0), |m, (i, d)| if d > m.1 { (i, d) } else { m });
        diffs.sort_by(f64::total_cmp);
        self.check(
            worst <= bar,
            format!(
                "{what}: max rel diff {worst:.5} at {:.3} Hz, median {:.5} ({} points; bar {bar} everywhere)",
                freqs[wi],
                diffs[diffs.len() / 2],
                diffs.len()
            ),
        );
    }
}

fn run(dir: &Path) -> Res<Vec<String>> {
    let mt = dir.join("microtremor");
    let mut checks = Checks::default();
    for fact in &FACTS {
        let stream = read_mseed(&mt.join(fact.file))?;
        let mut p = HvsrParams::new()
            .window_length(60.0)
            .smoothing(Smoothing::KonnoOhmachi { bandwidth: 40.0 })
            .frequencies(log_frequencies(0.2, 20.0, 256));
        if fact.fdwra {
            p = p.fdwra();
        }
        let t0 = std::time::Instant::now();
        let hv = p.plan(100.0)?.process_stream(&stream)?;
        let dt = t0.elapsed();
        println!(
            "{} vs hvsrpy ({}; {:.1} ms):",
            fact.file,
            if fact.fdwra { "FDWRA" } else { "no rejection" },
            dt.as_secs_f64() * 1e3
        );
        let f0 = hv.f0.ok_or("no mean-curve peak")?;
        checks.close("f0 (Hz)", f0.frequency, fact.f0, 1e-3);
        checks.close("A0", f0.amplitude, fact.a0, 5e-3);
        for (&i, &e) in [0usize, 64, 128, 192].iter().zip(&fact.mean_samples) {
            checks.close(&format!("mean curve at {:.3} Hz", hv.frequencies[i]), hv.curve.mean[i], e, 5e-3);
        }
        let nv = hv.valid_windows().len();
        checks
            .check(nv == fact.n_valid, format!("{nv} of {} windows valid (hvsrpy {})", hv.status.len(), fact.n_valid));
        if let Some(it) = fact.iterations {
            let r = hv.fdwra.as_ref().ok_or("no FDWRA report")?;
            checks
                .check(r.iterations == it, format!("FDWRA {} iterations ({:?}), hvsrpy {it}", r.iterations, r.outcome));
        }
        let s = hv.sesame.as_ref().ok_or("no SESAME")?;
        let r: Vec<bool> = s.reliability.iter().map(|c| c.passed).collect();
        let c: Vec<bool> = s.clarity.iter().map(|c| c.passed).collect();
        checks.check(r == fact.reliability, format!("SESAME reliability {r:?}"));
        checks.check(c == fact.clarity, format!("SESAME clarity {c:?}"));
    }

    for (file, hvfile) in
        [("UT.STN11.A2_C50.miniseed", "UT_STN11_c050.hv"), ("UT.STN11.A2_C150.miniseed", "UT_STN11_c150.hv")]
    {
        let stream = read_mseed(&mt.join(file))?;
        let (gf0, freqs, avg) = read_geopsy(&mt.join(hvfile))?;
        let hv = HvsrParams::new()
            .window_length(59.99)
            .windowing(Windowing::Overlap { fraction: 0.0 })
            .fft_length(FftLength::WindowLength)
            .detrend(Detrend::Linear)
            .horizontal(Horizontal::SquaredAverage)
            .smoothing(Smoothing::KonnoOhmachi { bandwidth: 40.0 })
            .frequencies(freqs.clone())
            // Geopsy smooths at the FFT bins and interpolates to its output frequencies
            .smooth_at_fft_bins(true)
            .component_spectra(false)
            .plan(100.0)?
            .process_stream(&stream)?;
        println!("{file} vs Geopsy {hvfile} ({} windows):", hv.status.len());
        checks.curve("mean curve", &freqs, hv.curve.mean.as_slice().ok_or("curve layout")?, &avg, 0.02);
        checks.close("f0 (Hz) vs Geopsy", hv.f0.ok_or("no mean-curve peak")?.frequency, gf0, 0.01);
    }
    Ok(checks.0)
}

fn main() -> ExitCode {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "../shared/data".into());
    match run(Path::new(&dir)) {
        Ok(f) if f.is_empty() => {
            println!("hvsr realdata: all checks passed");
            ExitCode::SUCCESS
        }
        Ok(f) => {
            eprintln!("hvsr realdata: {} check(s) failed", f.len());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("hvsr realdata: error: {e}");
            ExitCode::FAILURE
        }
    }
}
