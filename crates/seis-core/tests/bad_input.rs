//! Bad input gives typed errors that name the problem, never a panic.

use ndarray::{Array1, Array2, array};
use seis_core::filter::{self, Band, PadType, SosFilter};
use seis_core::stalta::{classic_sta_lta, recursive_sta_lta, trigger_onset};
use seis_core::{CoreError, Segmenter, Taper, Trace, UtcTime, decimate, envelope, resample, resample_trace};

fn t0() -> UtcTime {
    UtcTime::parse("2021-01-01T00:00:00Z").unwrap()
}

#[test]
fn empty_input() {
    let e = Array1::<f64>::zeros(0);
    assert!(matches!(Trace::from_id("A.B..HHZ", e.clone(), 100.0, t0()), Err(CoreError::Empty { .. })));
    let f = SosFilter::butter(4, Band::Lowpass(10.0), 100.0).unwrap();
    assert!(matches!(f.sosfilt(e.view()), Err(CoreError::Empty { .. })));
    assert!(matches!(f.filtfilt(e.view()), Err(CoreError::Empty { .. })));
    assert!(matches!(resample(e.view(), 10), Err(CoreError::Empty { .. })));
    assert!(matches!(envelope(e.view()), Err(CoreError::Empty { .. })));
    assert!(matches!(decimate(e.view(), 2), Err(CoreError::Empty { .. })));
    assert!(matches!(classic_sta_lta(e.view(), 1, 2), Err(CoreError::Empty { .. })));
    assert!(matches!(Taper::Hann.apply(e.view()), Err(CoreError::Empty { .. })));
}

#[test]
fn non_finite_samples_name_the_index() {
    let mut x = Array1::from_iter((0..100).map(|i| i as f64));
    x[42] = f64::NAN;
    let f = SosFilter::butter(2, Band::Highpass(1.0), 100.0).unwrap();
    for r in [f.sosfilt(x.view()), f.filtfilt(x.view()), f.forward_backward(x.view())] {
        assert!(matches!(r, Err(CoreError::NonFinite { index: 42, .. })), "{r:?}");
    }
    x[42] = f64::INFINITY;
    assert!(matches!(resample(x.view(), 50), Err(CoreError::NonFinite { index: 42, .. })));
    assert!(matches!(envelope(x.view()), Err(CoreError::NonFinite { index: 42, .. })));
    assert!(matches!(recursive_sta_lta(x.view(), 2, 10), Err(CoreError::NonFinite { index: 42, .. })));
    assert!(matches!(
        filter::bandpass(x.view(), 1.0, 5.0, 100.0, 4, true),
        Err(CoreError::NonFinite { index: 42, .. })
    ));
    let err = Trace::from_id("A.B..HHZ", x, 100.0, t0()).unwrap_err();
    assert!(err.to_string().contains("index 42"), "{err}");
}

#[test]
fn bad_sampling_rate_and_corners() {
    for fs in [0.0, -100.0, f64::NAN] {
        assert!(matches!(
            SosFilter::butter(4, Band::Lowpass(1.0), fs),
            Err(CoreError::InvalidParameter { name: "sampling_rate", .. })
        ));
    }
    let x = Array1::from_iter((0..100).map(|i| i as f64));
    let tr = Trace::from_id("A.B..HHZ", x.clone(), 100.0, t0()).unwrap();
    assert!(matches!(resample_trace(&tr, -1.0), Err(CoreError::InvalidParameter { name: "sampling_rate", .. })));
    // cut-off at or above Nyquist, or not positive
    for band in [Band::Lowpass(50.0), Band::Highpass(60.0), Band::Lowpass(0.0), Band::Highpass(-1.0)] {
        let err = SosFilter::butter(4, band, 100.0).unwrap_err();
        assert!(matches!(err, CoreError::InvalidParameter { name: "freq", .. }), "{err}");
        assert!(err.to_string().contains("Nyquist"), "{err}");
    }
    assert!(matches!(
        filter::bandpass(x.view(), 1.0, 50.0, 100.0, 4, false),
        Err(CoreError::InvalidParameter { name: "freqmax", .. })
    ));
    assert!(matches!(
        filter::bandstop(x.view(), 10.0, 5.0, 100.0, 4, false),
        Err(CoreError::InvalidParameter { name: "freqmin", .. })
    ));
}

#[test]
fn order_zero_and_bad_sections() {
    let err = SosFilter::butter(0, Band::Lowpass(1.0), 100.0).unwrap_err();
    assert!(matches!(err, CoreError::InvalidParameter { name: "order", .. }), "{err}");
    let x = Array1::from_iter((0..100).map(|i| i as f64));
    assert!(filter::lowpass(x.view(), 1.0, 100.0, 0, false).is_err());
    assert!(matches!(SosFilter::from_sos(Array2::zeros((2, 5)).view()), Err(CoreError::ShapeMismatch { .. })));
    assert!(matches!(
        SosFilter::from_sos(array![[1.0, 0.0, 0.0, 2.0, 0.0, 0.0]].view()),
        Err(CoreError::InvalidParameter { .. })
    ));
    let f = SosFilter::butter(4, Band::Lowpass(10.0), 100.0).unwrap();
    assert!(matches!(
        f.sosfilt_with_state(x.view(), Array2::zeros((3, 2)).view()),
        Err(CoreError::ShapeMismatch { .. })
    ));
}

#[test]
fn windows_longer_than_the_trace() {
    let x = Array1::from_iter((0..20).map(|i| (i as f64).sin()));
    // default pad of a 4th-order bandpass is 27 samples
    let f = SosFilter::butter(4, Band::Bandpass(1.0, 20.0), 100.0).unwrap();
    assert!(matches!(f.filtfilt(x.view()), Err(CoreError::WindowTooLong { window: 27, len: 20, .. })));
    assert!(f.filtfilt_with(x.view(), PadType::None, None).is_ok());
    assert!(f.forward_backward(x.view()).is_ok());
    assert!(matches!(classic_sta_lta(x.view(), 5, 21), Err(CoreError::WindowTooLong { .. })));
    assert!(matches!(recursive_sta_lta(x.view(), 5, 21), Err(CoreError::WindowTooLong { .. })));
    assert!(matches!(classic_sta_lta(x.view(), 0, 10), Err(CoreError::InvalidParameter { name: "nsta", .. })));
    assert!(matches!(classic_sta_lta(x.view(), 10, 10), Err(CoreError::InvalidParameter { name: "nlta", .. })));
    assert!(matches!(Segmenter::new(21, 1).unwrap().segment(x.view()), Err(CoreError::WindowTooLong { .. })));
    assert!(matches!(resample(x.view(), 0), Err(CoreError::InvalidParameter { name: "num", .. })));
    assert!(trigger_onset(x.view(), f64::NAN, 0.5, None, false).is_err());
}
