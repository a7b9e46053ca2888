//! Golden parity of FFT resampling and decimation against scipy.signal.resample,
//! scipy.signal.decimate(ftype="iir") and ObsPy's Trace.decimate.
//!
//! Tolerances: resampling is two FFTs with different libraries (pocketfft vs rustfft), so the
//! outputs differ by FFT rounding, ~1e-15 of the signal's peak per transform; 1e-12 of the peak.
//! Decimation adds the IIR recursion of a Chebyshev filter designed to ~1e-13 (its zeros lie on
//! the unit circle); 1e-10 of the peak.

use seis_core::resample::{
    Resampler, decimate, decimate_iir, decimate_trace, resample, resample_obspy, resample_trace, resample_trace_obspy,
};
use seis_core::{Trace, UtcTime};
use seisml_testkit::{Golden, Tolerance, json};

#[test]
fn fft_resample_matches_scipy_for_every_parity() {
    let cases = json("seis-core", "resample.json");
    let mut g = Golden::open("seis-core", "resample.npz");
    for case in cases.as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let x = g.array1(case["input"].as_str().unwrap());
        let num = case["num"].as_u64().unwrap() as usize;
        let e = g.array1(name);
        let y = resample(x.view(), num).unwrap();
        Tolerance::scaled(1e-12, 1e-12, e.view()).assert_close(name, y.view(), e.view());
        let plan = Resampler::new(x.len(), num).unwrap();
        assert_eq!(plan.apply(x.view()).unwrap(), y, "{name}: plan and one-off agree exactly");
    }
}

#[test]
fn trace_resample_counts_samples_like_obspy() {
    let mut g = Golden::open("seis-core", "resample.npz");
    let x = g.array1("x_even");
    let t0 = UtcTime::parse("2020-01-01T00:00:00Z").unwrap();
    let tr = Trace::from_id("XX.STA..HHZ", x, 100.0, t0).unwrap();
    let out = resample_trace(&tr, 50.0).unwrap();
    assert_eq!(out.len(), 500);
    assert_eq!(out.sampling_rate(), 50.0);
    assert_eq!(out.starttime(), t0);
    assert_eq!(out.stats().channel, "HHZ");
    let e = g.array1("even_500");
    Tolerance::scaled(1e-12, 1e-12, e.view()).assert_close("trace 100 -> 50 Hz", out.data(), e.view());
    // 1000 samples at 100 Hz to 150.15 Hz: int(1000 / (100 / 150.15)) = 1501 samples.
    assert_eq!(resample_trace(&tr, 150.15).unwrap().len(), 1501);
    assert!(resample_trace(&tr, 0.0).is_err());
    assert!(resample_trace(&tr, 0.01).is_err());
}

#[test]
fn decimation_matches_obspy_and_scipy() {
    let meta = json("seis-core", "decimate.json");
    let fs = meta["sampling_rate"].as_f64().unwrap();
    let mut g = Golden::open("seis-core", "decimate.npz");
    let x = g.array1("x");
    let t0 = UtcTime::parse("2020-01-01T00:00:00Z").unwrap();
    let tr = Trace::from_id("XX.STA..HHZ", x.clone(), fs, t0).unwrap();
    for case in meta["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let e = g.array1(name);
        let tol = Tolerance::scaled(1e-10, 1e-10, e.view());
        if case["kind"] == "obspy" {
            let factor = case["factor"].as_u64().unwrap() as usize;
            tol.assert_close(name, decimate(x.view(), factor).unwrap().view(), e.view());
            let d = decimate_trace(&tr, factor).unwrap();
            assert_eq!(d.sampling_rate(), case["sampling_rate"].as_f64().unwrap(), "{name}");
            tol.assert_close(name, d.data(), e.view());
        } else {
            let q = case["q"].as_u64().unwrap() as usize;
            let zp = case["zero_phase"].as_bool().unwrap();
            tol.assert_close(name, decimate_iir(x.view(), q, zp).unwrap().view(), e.view());
        }
    }
    assert!(decimate(x.view(), 17).is_err());
    assert!(decimate(x.view(), 0).is_err());
    assert_eq!(decimate(x.view(), 1).unwrap(), x);
}

#[test]
fn obspy_trace_resample_matches_obspy() {
    let cases = json("seis-core", "obspy_resample.json");
    let mut g = Golden::open("seis-core", "obspy_resample.npz");
    let t0 = UtcTime::parse("2020-01-01T00:00:00Z").unwrap();
    for case in cases.as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let x = g.array1(case["input"].as_str().unwrap());
        let fs = case["sampling_rate"].as_f64().unwrap();
        let new_rate = case["new_rate"].as_f64().unwrap();
        let hann = case["window"].as_str() == Some("hann");
        let e = g.array1(name);
        let y = resample_obspy(x.view(), fs, new_rate, hann).unwrap();
        assert_eq!(y.len() as u64, case["npts_out"].as_u64().unwrap(), "{name}");
        Tolerance::scaled(1e-12, 1e-12, e.view()).assert_close(name, y.view(), e.view());
        let tr = Trace::from_id("XX.STA..HHZ", x, fs, t0).unwrap();
        let out = resample_trace_obspy(&tr, new_rate, hann).unwrap();
        assert_eq!(out.sampling_rate(), new_rate);
        assert_eq!(out.data(), y.view());
    }
}
