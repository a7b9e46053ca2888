//! Real-data check of seis-core: zero-phase band-pass, STA/LTA and trigger onset on ObsPy's
//! RJOB local-earthquake record (200 Hz vertical, 60 s), whose AR-picker P pick is 30.635 s.
//! ObsPy (bandpass 1–20 Hz, 4 corners, zerophase; recursive and classic STA/LTA 0.5 s / 5 s;
//! trigger_onset 3.0 / 1.0) turns on at exactly 30.635 s with both characteristic functions.
//!
//! Usage: `cargo run --release -p seis-core --example seis_core_realdata -- <data folder>`
//! (the folder described in /work/shared/data/README.md). Exits non-zero when a check fails.

use ndarray::Array1;
use seis_core::stalta::{classic_sta_lta, recursive_sta_lta, trigger_onset};
use seis_core::{Trace, UtcTime, envelope, filter, resample_trace};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => {
            println!("seis-core realdata: all checks passed");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("seis-core realdata: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let dir = PathBuf::from(std::env::args().nth(1).ok_or("usage: realdata <data folder>")?);
    let path = dir.join("waveforms/obspy/loc_RJOB20050801145719850.z");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let z: Array1<f64> = text
        .split_whitespace()
        .map(|t| t.parse::<f64>().map_err(|e| format!("{}: {t:?}: {e}", path.display())))
        .collect::<Result<_, _>>()?;
    let fs = 200.0;
    let t0 = UtcTime::parse("2005-08-01T14:57:19.85Z").map_err(|e| e.to_string())?;
    let tr = Trace::from_id("BW.RJOB..EHZ", z, fs, t0).map_err(|e| e.to_string())?;
    println!("read {} samples at {fs} Hz from {}", tr.len(), path.display());

    let y = filter::bandpass(tr.data(), 1.0, 20.0, fs, 4, true).map_err(|e| e.to_string())?;
    let (nsta, nlta) = ((0.5 * fs) as usize, (5.0 * fs) as usize);
    let expected_p = 30.635;
    for (name, cft) in
        [("recursive", recursive_sta_lta(y.view(), nsta, nlta)), ("classic", classic_sta_lta(y.view(), nsta, nlta))]
    {
        let cft = cft.map_err(|e| e.to_string())?;
        let on_off = trigger_onset(cft.view(), 3.0, 1.0, None, false).map_err(|e| e.to_string())?;
        println!(
            "{name} STA/LTA triggers (s): {:?}",
            on_off.iter().map(|&(a, b)| (a as f64 / fs, b as f64 / fs)).collect::<Vec<_>>()
        );
        let Some(&(on, _)) = on_off.first() else { return Err(format!("{name}: no trigger")) };
        if on_off.len() != 1 || (on as f64 / fs - expected_p).abs() > 0.05 {
            return Err(format!("{name}: expected one trigger at {expected_p} s (ObsPy), got {on_off:?}"));
        }
    }

    // The envelope peaks after the P onset, and resampling keeps the peak time within a sample.
    let env = envelope(y.view()).map_err(|e| e.to_string())?;
    let peak = env.iter().enumerate().fold((0, 0.0), |m, (i, &v)| if v > m.1 { (i, v) } else { m }).0;
    println!("envelope peak at {:.3} s", peak as f64 / fs);
    if (peak as f64 / fs) < expected_p {
        return Err(format!("envelope peak at {} s precedes the P onset", peak as f64 / fs));
    }
    let filtered = tr.with_data(y).map_err(|e| e.to_string())?;
    // FFT resampling of the band-limited (< 20 Hz) trace to 50 Hz keeps every 4th sample, up to
    // the wrap-around ringing of the non-periodic ends.
    let tr50 = resample_trace(&filtered, 50.0).map_err(|e| e.to_string())?;
    let top = filtered.data().iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let worst =
        (100..tr50.len() - 100).map(|i| (tr50.data()[i] - filtered.data()[4 * i]).abs() / top).fold(0.0f64, f64::max);
    println!("200 -> 50 Hz: worst difference to every 4th sample (2 s from the ends) = {worst:.2e} of the peak");
    if worst > 0.02 {
        return Err(format!("resampled trace departs from the original by {worst:.3} of its peak"));
    }
    Ok(())
}
