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
//!    squared-average horizontals, KO b = 40 at the 2048 frequencies of the file) against the
//!    Geopsy average curve (99 % of the points within 2 %, every point within 2.5 %: the largest
//!    differences, ≈ 2.1 %, sit at the lowest frequencies, as between hvsrpy and Geopsy) and its
//!    f0 (within 1 %).
//!
//! Exits non-zero when a check fails.

use hvsr::{FftLength, Horizontal, HvsrParams, Smoothing, Windowing, log_frequencies};
use miniseed_rs::{MseedReader, Samples};
use ndarray::Array1;
use seis_core::{Detrend, Stream, Trace, UtcTime};
use std::path::Path;
use std::process::ExitCode;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Read a miniSEED file into one trace per channel (records of a channel are contiguous here).
fn read_mseed(path: &Path) -> Res<Stream> {
    let bytes = std::fs::read(path)?;
    let mut traces: Vec<(String, f64, UtcTime, Vec<f64>)> = Vec::new();
    for rec in MseedReader::new(&bytes) {
        let rec = rec?;
        let id = format!("{}.{}.{}.{}", rec.network, rec.station, rec.location, rec.channel);
        let t = rec.start_time;
        let start = UtcTime::from_year_doy(
            t.year as i32,
            t.day as u32,
            t.hour as u32,
            t.minute as u32,
            t.second as u32,
            t.nanosecond,
        )?;
        let samples: Vec<f64> = match &rec.samples {
            Samples::Int(v) => v.iter().map(|&x| x as f64).collect(),
            Samples::Float(v) => v.iter().map(|&x| x as f64).collect(),
            Samples::Double(v) => v.clone(),
        };
        match traces.iter_mut().find(|(i, ..)| *i == id) {
            Some((_, sr, t0, data)) => {
                let expected = t0.add_samples(data.len() as i64, *sr);
                let gap = start.seconds_since(expected).abs();
                if gap > 0.5 / *sr {
                    return Err(format!("{id}: gap of {gap} s at sample {}", data.len()).into());
                }
                data.extend(samples);
            }
            None => traces.push((id, rec.sample_rate, start, samples)),
        }
    }
    let traces = traces
        .into_iter()
        .map(|(id, sr, t0, data)| Trace::from_id(&id, Array1::from(data), sr, t0))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Stream::new(traces))
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

fn check(failures: &mut Vec<String>, ok: bool, what: String) {
    println!("  [{}] {what}", if ok { "ok" } else { "FAIL" });
    if !ok {
        failures.push(what);
    }
}

fn run(dir: &Path) -> Res<Vec<String>> {
    let mt = dir.join("microtremor");
    let mut failures = Vec::new();
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
        check(
            &mut failures,
            rel(f0.frequency, fact.f0) <= 1e-3,
            format!("f0 {:.6} Hz vs {:.6} Hz", f0.frequency, fact.f0),
        );
        check(&mut failures, rel(f0.amplitude, fact.a0) <= 5e-3, format!("A0 {:.5} vs {:.5}", f0.amplitude, fact.a0));
        let worst = [0usize, 64, 128, 192]
            .iter()
            .zip(&fact.mean_samples)
            .map(|(&i, &e)| rel(hv.curve.mean[i], e))
            .fold(0.0, f64::max);
        check(&mut failures, worst <= 5e-3, format!("mean curve samples within {:.2e} (bar 5e-3)", worst));
        let nv = hv.valid_windows().len();
        check(
            &mut failures,
            nv == fact.n_valid,
            format!("{nv} of {} windows valid (hvsrpy {})", hv.status.len(), fact.n_valid),
        );
        if let Some(it) = fact.iterations {
            let r = hv.fdwra.as_ref().ok_or("no FDWRA report")?;
            check(
                &mut failures,
                r.iterations == it,
                format!("FDWRA {} iterations ({:?}), hvsrpy {it}", r.iterations, r.outcome),
            );
        }
        let s = hv.sesame.as_ref().ok_or("no SESAME")?;
        let r: Vec<bool> = s.reliability.iter().map(|c| c.passed).collect();
        let c: Vec<bool> = s.clarity.iter().map(|c| c.passed).collect();
        check(&mut failures, r == fact.reliability, format!("SESAME reliability {r:?}"));
        check(&mut failures, c == fact.clarity, format!("SESAME clarity {c:?}"));
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
            .component_spectra(false)
            .plan(100.0)?
            .process_stream(&stream)?;
        println!("{file} vs Geopsy {hvfile} ({} windows):", hv.status.len());
        let mut diffs: Vec<f64> = hv.curve.mean.iter().zip(&avg).map(|(a, b)| rel(*a, *b)).collect();
        let (wi, worst) =
            diffs.iter().copied().enumerate().fold((0, 0.0), |m, (i, d)| if d > m.1 { (i, d) } else { m });
        diffs.sort_by(f64::total_cmp);
        let (median, p99) = (diffs[diffs.len() / 2], diffs[diffs.len() * 99 / 100]);
        // The two implementations differ most at the lowest frequencies (few FFT bins under the
        // Konno-Ohmachi window): hvsrpy vs Geopsy is 2.1 % there too. The 2 % bar is applied to
        // 99 % of the curve, and the single worst point must stay within 2.5 %.
        check(
            &mut failures,
            p99 <= 0.02,
            format!("mean curve: 99th percentile rel diff {p99:.4} (median {median:.5}; bar 0.02)"),
        );
        check(
            &mut failures,
            worst <= 0.025,
            format!("mean curve: max rel diff {worst:.4} at {:.3} Hz (bar 0.025)", freqs[wi]),
        );
        let f0 = hv.f0.ok_or("no mean-curve peak")?.frequency;
        check(&mut failures, rel(f0, gf0) <= 0.01, format!("f0 {f0:.6} Hz vs Geopsy {gf0:.6} Hz (bar 1 %)"));
    }
    Ok(failures)
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
