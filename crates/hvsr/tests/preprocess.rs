//! Pre-processing options against pinned hvsrpy 2.1.0 (`xtask/golden/hvsr/gen_preprocess.py`):
//! the sensor-orientation correction (hvsrpy `degrees_from_north`, oriented to north) and the
//! zero-phase order-5 Butterworth pre-filter (hvsrpy `filter_corner_frequencies_in_hz`,
//! `scipy.signal.sosfiltfilt`), both on the whole record before windowing.
//!
//! Tolerance: per-window H/V within 1e-8 relative (FFT and IIR round-off; the bar for
//! the mean curve is 0.5 %).

use hvsr::{HvsrError, HvsrParams};
use ndarray::{Array1, Array2};
use seis_core::filter::Band;
use seisml_testkit::{Golden, Tolerance, json};

const CRATE: &str = "hvsr";

fn record() -> (Array1<f64>, Array1<f64>, Array1<f64>, f64) {
    let mut g = Golden::open(CRATE, "record.npz");
    (g.array1("ns"), g.array1("ew"), g.array1("vt"), g.scalar("sampling_rate"))
}

fn band(low: Option<f64>, high: Option<f64>) -> Option<Band> {
    match (low, high) {
        (Some(l), Some(h)) => Some(Band::Bandpass(l, h)),
        (Some(l), None) => Some(Band::Highpass(l)),
        (None, Some(h)) => Some(Band::Lowpass(h)),
        (None, None) => None,
    }
}

#[test]
fn orientation_and_prefilter_match_hvsrpy() {
    let (ns, ew, vt, fs) = record();
    let mut g = Golden::open(CRATE, "preprocess.npz");
    let fcs = g.array1("fcs").to_vec();
    let meta = json(CRATE, "preprocess.json");
    let cases = meta["cases"].as_object().unwrap();
    assert_eq!(cases.len(), 6);
    for (name, c) in cases {
        let mut p = HvsrParams::new().window_length(60.0).frequencies(fcs.clone()).component_spectra(false);
        p = p.sensor_azimuth(c["sensor_azimuth"].as_f64().unwrap());
        if let Some(b) = band(c["low"].as_f64(), c["high"].as_f64()) {
            p = p.prefilter(b);
        }
        let hv = p.plan(fs).unwrap().process_arrays(ns.view(), ew.view(), vt.view()).unwrap();
        let expected: Array2<f64> = g.array2(&format!("{name}__hv"));
        Tolerance::new(0.0, 1e-8).assert_close(&format!("{name}: window H/V"), hv.amplitude.view(), expected.view());
    }
}

#[test]
fn orientation_changes_single_azimuth_but_not_rotation_invariant_combinations() {
    let (ns, ew, vt, fs) = record();
    let fcs = hvsr::log_frequencies(0.5, 10.0, 32);
    let run = |deg: f64, h: hvsr::Horizontal| {
        HvsrParams::new()
            .window_length(60.0)
            .frequencies(fcs.clone())
            .horizontal(h)
            .sensor_azimuth(deg)
            .component_spectra(false)
            .plan(fs)
            .unwrap()
            .process_arrays(ns.view(), ew.view(), vt.view())
            .unwrap()
            .amplitude
    };
    // √(N² + E²) is invariant under a rotation of the horizontals: only round-off changes.
    let a = run(0.0, hvsr::Horizontal::TotalHorizontalEnergy);
    let b = run(37.0, hvsr::Horizontal::TotalHorizontalEnergy);
    Tolerance::new(0.0, 1e-9).assert_close("total energy after rotation", b.view(), a.view());
    // a sensor turned by 360° is the same sensor
    let c = run(360.0, hvsr::Horizontal::GeometricMean);
    let d = run(0.0, hvsr::Horizontal::GeometricMean);
    Tolerance::new(0.0, 1e-9).assert_close("360 degrees", c.view(), d.view());
    // the sensor's NS axis at 90° is geographic east: its NS record is the east motion
    let single = |deg| run(deg, hvsr::Horizontal::SingleAzimuth { degrees: 90.0 });
    let e = single(90.0);
    let f = HvsrParams::new()
        .window_length(60.0)
        .frequencies(fcs.clone())
        .horizontal(hvsr::Horizontal::SingleAzimuth { degrees: 0.0 })
        .component_spectra(false)
        .plan(fs)
        .unwrap()
        .process_arrays(ns.view(), ew.view(), vt.view())
        .unwrap()
        .amplitude;
    Tolerance::new(0.0, 1e-9).assert_close("east = sensor NS at 90°", e.view(), f.view());
}

#[test]
fn bad_preprocessing_parameters_are_named() {
    let err = |p: HvsrParams| p.plan(50.0).unwrap_err();
    assert!(matches!(
        err(HvsrParams::new().sensor_azimuth(f64::NAN)),
        HvsrError::InvalidParameter { name: "sensor_azimuth", .. }
    ));
    assert!(matches!(
        err(HvsrParams::new().prefilter(Band::Bandpass(0.5, 10.0)).prefilter_order(0)),
        HvsrError::InvalidParameter { name: "prefilter_order", .. }
    ));
    assert!(matches!(
        err(HvsrParams::new().prefilter(Band::Bandstop(1.0, 2.0))),
        HvsrError::InvalidParameter { name: "prefilter", .. }
    ));
    // a corner above Nyquist (25 Hz): seis-core's filter design names it
    let e = err(HvsrParams::new().prefilter(Band::Lowpass(30.0)));
    assert!(e.to_string().contains("freq"), "{e}");
}
