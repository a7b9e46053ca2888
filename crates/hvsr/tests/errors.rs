//! Bad input gives typed errors that say what is wrong; FDWRA non-convergence is reported.

use hvsr::{
    FdwraOutcome, FdwraParams, HvsrError, HvsrParams, PreRejection, SpectralRejection, WindowStatus, log_frequencies,
};
use ndarray::Array1;
use seis_core::{CoreError, Stream, Trace, UtcTime};

fn noise(seed: u64, n: usize) -> Array1<f64> {
    let mut s = seed;
    Array1::from_iter((0..n).map(|_| {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    }))
}

fn params() -> HvsrParams {
    HvsrParams::new().window_length(20.0).frequencies(log_frequencies(0.5, 10.0, 64))
}

fn trace(ch: &str, n: usize, fs: f64, seed: u64) -> Trace {
    Trace::from_id(&format!("XX.STA..HH{ch}"), noise(seed, n), fs, UtcTime::EPOCH).unwrap()
}

#[test]
fn missing_component() {
    let s = Stream::new(vec![trace("N", 5000, 50.0, 1), trace("Z", 5000, 50.0, 2)]);
    let e = params().plan(50.0).unwrap().process_stream(&s).unwrap_err();
    assert!(matches!(e, HvsrError::Core(CoreError::MissingComponent { component: 'E', .. })), "{e}");
}

#[test]
fn different_sampling_rates() {
    let s = Stream::new(vec![trace("N", 5000, 50.0, 1), trace("E", 5000, 100.0, 2), trace("Z", 5000, 50.0, 3)]);
    let e = params().plan(50.0).unwrap().process_stream(&s).unwrap_err();
    assert!(matches!(e, HvsrError::Core(CoreError::SamplingRateMismatch { .. })), "{e}");
    // a record at another rate than the plan
    let s = Stream::new(vec![trace("N", 5000, 100.0, 1), trace("E", 5000, 100.0, 2), trace("Z", 5000, 100.0, 3)]);
    let e = params().plan(50.0).unwrap().process_stream(&s).unwrap_err();
    assert!(matches!(e, HvsrError::SamplingRateMismatch { plan: 50.0, record: 100.0 }), "{e}");
}

#[test]
fn channels_with_different_spans_are_trimmed() {
    let t0 = UtcTime::EPOCH;
    let n = Trace::from_id("XX.STA..HHN", noise(1, 6000), 50.0, t0).unwrap();
    let e = Trace::from_id("XX.STA..HHE", noise(2, 5900), 50.0, t0.add_seconds(1.0)).unwrap();
    let z = Trace::from_id("XX.STA..HHZ", noise(3, 6100), 50.0, t0).unwrap();
    let hv = params().plan(50.0).unwrap().process_stream(&Stream::new(vec![z, e, n])).unwrap();
    // common span: 1 s .. 119 s -> 5900 - 50 + ... samples; 20 s windows sharing boundaries
    assert_eq!(hv.status.len(), 5);
}

#[test]
fn window_longer_than_record() {
    let s = Stream::new(vec![trace("N", 500, 50.0, 1), trace("E", 500, 50.0, 2), trace("Z", 500, 50.0, 3)]);
    let e = params().plan(50.0).unwrap().process_stream(&s).unwrap_err();
    assert!(matches!(e, HvsrError::WindowTooLong { window: 1001, record: 500 }), "{e}");
}

#[test]
fn zero_vertical() {
    let n = 5001;
    let z = Array1::zeros(n);
    let e = params().plan(50.0).unwrap().process_arrays(noise(1, n).view(), noise(2, n).view(), z.view()).unwrap_err();
    assert!(matches!(e, HvsrError::ZeroVertical { window: 0, .. }), "{e}");
}

#[test]
fn empty_search_range() {
    let e = params().search_range(Some(3.0), Some(2.0)).check().unwrap_err();
    assert!(matches!(e, HvsrError::EmptySearchRange { .. }), "{e}");
    // a range between two output frequencies
    let f = log_frequencies(0.5, 10.0, 8);
    let n = 5001;
    let e = params()
        .frequencies(f.clone())
        .search_range(Some(f[3] * 1.001), Some(f[3] * 1.002))
        .plan(50.0)
        .unwrap()
        .process_arrays(noise(1, n).view(), noise(2, n).view(), noise(3, n).view())
        .unwrap_err();
    assert!(matches!(e, HvsrError::EmptySearchRange { .. }), "{e}");
}

#[test]
fn all_windows_rejected() {
    let n = 5001;
    let e = params()
        .pre_rejection(vec![PreRejection::MaxAmplitude { threshold: 1e-9, normalized: false }])
        .plan(50.0)
        .unwrap()
        .process_arrays(noise(1, n).view(), noise(2, n).view(), noise(3, n).view())
        .unwrap_err();
    assert!(matches!(e, HvsrError::AllWindowsRejected { n_windows: 5, .. }), "{e}");
    assert!(e.to_string().contains("5 maximum amplitude"), "{e}");
}

#[test]
fn bad_parameters_and_data() {
    assert!(matches!(params().window_length(-1.0).check(), Err(HvsrError::InvalidParameter { .. })));
    assert!(params().frequencies(vec![2.0, 1.0]).check().is_err());
    assert!(params().frequencies(vec![]).check().is_err());
    assert!(params().taper_width(1.5).check().is_err());
    assert!(params().frequencies(vec![1.0, 40.0]).plan(50.0).is_err()); // beyond Nyquist
    let n = 5001;
    let mut x = noise(1, n);
    x[17] = f64::NAN;
    let e = params().plan(50.0).unwrap().process_arrays(x.view(), noise(2, n).view(), noise(3, n).view()).unwrap_err();
    assert!(matches!(e, HvsrError::NonFinite { index: 17, .. }), "{e}");
    let e = params().plan(50.0).unwrap().process_arrays(noise(1, n).view(), noise(2, n - 1).view(), noise(3, n).view());
    assert!(matches!(e, Err(HvsrError::ShapeMismatch { .. })));
}

#[test]
fn fdwra_non_convergence_is_reported() {
    // The golden record needs 2 FDWRA iterations; with 1 allowed hvsrpy crashes, we report.
    let mut g = seisml_testkit::Golden::open("hvsr", "record.npz");
    let (ns, ew, vt) = (g.array1("ns"), g.array1("ew"), g.array1("vt"));
    let p = HvsrParams::new()
        .frequencies(log_frequencies(0.3, 20.0, 128))
        .rejection(vec![SpectralRejection::Fdwra(FdwraParams { max_iterations: 1, ..FdwraParams::default() })]);
    let hv = p.plan(50.0).unwrap().process_arrays(ns.view(), ew.view(), vt.view()).unwrap();
    let r = hv.fdwra.as_ref().unwrap();
    assert_eq!(r.outcome, FdwraOutcome::NotConverged);
    assert_eq!(r.iterations, 1);
    assert_eq!(r.history.len(), 1);
    let rejected = hv.status.iter().filter(|s| matches!(s, WindowStatus::Rejected(_))).count();
    assert!(rejected > 0, "the state reached is kept");
}
