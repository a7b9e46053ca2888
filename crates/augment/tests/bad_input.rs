//! Bad input gives typed errors, never a panic.

use augment::{
    AddNoiseAtSnr, AugmentError, Augmentation, FixedWindow, GaussianNoise, Generator, InMemorySource, Metadata,
    NullAugmentation, OneOf, ProbabilisticLabeller, ProbabilisticPointLabeller, RandomShiftCut, RandomWindow, Sample,
    SampleSource, SyntheticClipping, WindowStrategy, rebalance_by_bins, smote,
};
use ndarray::Array2;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

fn rng() -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(1)
}

fn sample(n: usize) -> Sample {
    let w = Array2::from_shape_fn((3, n), |(c, i)| ((i + c) as f64 * 0.1).sin());
    Sample::new(w, 100.0, "ZNE", Metadata::new().with_number("trace_P_arrival_sample", 10.0)).unwrap()
}

#[test]
fn arrival_outside_the_trace() {
    let mut src = InMemorySource::new();
    let w = Array2::<f32>::zeros((3, 100));
    let m = Metadata::new().with_number("trace_P_arrival_sample", 150.0);
    let e = src.push(w.view(), 100.0, "ZNE", m).unwrap_err();
    assert!(
        matches!(e, AugmentError::ArrivalOutside { ref key, value, len: 100 } if key == "trace_P_arrival_sample" && value == 150.0),
        "{e}"
    );
    let mut s = sample(100);
    s.metadata.set_number("trace_S_arrival_sample", -3.0);
    assert!(matches!(s.check_arrivals_inside(), Err(AugmentError::ArrivalOutside { .. })));
}

#[test]
fn window_longer_than_trace() {
    // Policy: `fail` and `move` error, `pad` zero-pads, `variable` shortens.
    let mut s = sample(100);
    let e =
        FixedWindow { p0: 0, windowlen: 200, strategy: WindowStrategy::Fail }.apply(&mut s, &mut rng()).unwrap_err();
    assert!(matches!(e, AugmentError::WindowTooLong { window: 200, len: 100, .. }), "{e}");
    let e =
        FixedWindow { p0: 0, windowlen: 200, strategy: WindowStrategy::Move }.apply(&mut s, &mut rng()).unwrap_err();
    assert!(matches!(e, AugmentError::WindowTooLong { .. }), "{e}");
    let e = RandomWindow::new(200, WindowStrategy::Fail).apply(&mut s, &mut rng()).unwrap_err();
    assert!(matches!(e, AugmentError::WindowTooLong { .. }), "{e}");
    let e = RandomShiftCut::new(200).apply(&mut s, &mut rng()).unwrap_err();
    assert!(matches!(e, AugmentError::WindowTooLong { .. }), "{e}");
    let e =
        FixedWindow { p0: -1, windowlen: 10, strategy: WindowStrategy::Fail }.apply(&mut s, &mut rng()).unwrap_err();
    assert!(matches!(e, AugmentError::InvalidParameter { name: "p0", .. }), "{e}");
    let mut p = sample(100);
    FixedWindow { p0: 0, windowlen: 200, strategy: WindowStrategy::Pad }.apply(&mut p, &mut rng()).unwrap();
    assert_eq!(p.len(), 200);
}

#[test]
fn nan_in_waveform() {
    let mut w = Array2::<f32>::zeros((3, 50));
    w[[1, 7]] = f32::NAN;
    let e = InMemorySource::new().push(w.view(), 100.0, "ZNE", Metadata::new()).unwrap_err();
    assert!(matches!(e, AugmentError::NonFinite { index: 57, .. }), "{e}");
    let mut w = Array2::<f64>::zeros((3, 50));
    w[[0, 3]] = f64::INFINITY;
    let e = Sample::new(w, 100.0, "ZNE", Metadata::new()).unwrap_err();
    assert!(matches!(e, AugmentError::NonFinite { index: 3, .. }), "{e}");
    let e = Sample::new(Array2::zeros((2, 5)), 100.0, "ZNE", Metadata::new()).unwrap_err();
    assert!(matches!(e, AugmentError::ShapeMismatch { .. }), "{e}");
    let e = Sample::new(Array2::zeros((3, 5)), 0.0, "ZNE", Metadata::new()).unwrap_err();
    assert!(matches!(e, AugmentError::InvalidParameter { name: "sampling_rate", .. }), "{e}");
}

#[test]
fn empty_source() {
    let e = Generator::new(InMemorySource::new(), 0).err().unwrap();
    assert!(matches!(e, AugmentError::Empty { what: "sample source" }), "{e}");
    let e = AddNoiseAtSnr::new(Arc::new(InMemorySource::new()), (0.0, 10.0)).unwrap_err();
    assert!(matches!(e, AugmentError::Empty { .. }), "{e}");
    let e = InMemorySource::new().sample(0).unwrap_err();
    assert!(matches!(e, AugmentError::IndexOutOfRange { index: 0, len: 0 }), "{e}");
}

#[test]
fn invalid_probabilities_and_parameters() {
    let two = || -> Vec<Box<dyn Augmentation>> { vec![Box::new(NullAugmentation), Box::new(NullAugmentation)] };
    assert!(matches!(OneOf::with_probabilities(two(), &[0.5, -0.1]), Err(AugmentError::InvalidParameter { .. })));
    assert!(matches!(OneOf::with_probabilities(two(), &[0.0, 0.0]), Err(AugmentError::InvalidParameter { .. })));
    assert!(matches!(OneOf::with_probabilities(two(), &[f64::NAN, 1.0]), Err(AugmentError::InvalidParameter { .. })));
    assert!(matches!(OneOf::with_probabilities(two(), &[1.0]), Err(AugmentError::ShapeMismatch { .. })));
    assert!(matches!(OneOf::new(vec![]), Err(AugmentError::Empty { .. })));
    assert!(matches!(augment::Maybe::new(NullAugmentation, 1.5), Err(AugmentError::InvalidParameter { .. })));
    let l = ProbabilisticLabeller::default();
    assert!(matches!(
        ProbabilisticPointLabeller::new(l, 1.2),
        Err(AugmentError::InvalidParameter { name: "position", .. })
    ));
    assert!(ProbabilisticLabeller::new(augment::LabelShape::Gaussian, 0.0).is_err());
    assert!(GaussianNoise::new((0.3, 0.1)).is_err());
    assert!(SyntheticClipping::new((0.0, 0.5)).is_err());
    let mut r = rng();
    assert!(rebalance_by_bins(&[1.0], &[2.0, 1.0], 3, &mut r).is_err());
    assert!(smote(Array2::<f64>::zeros((3, 2)).view(), &[0, 0], 3, &mut r).is_err());
    assert!(smote(Array2::<f64>::zeros((3, 2)).view(), &[0, 0, 1], 3, &mut r).is_err());
    assert!(augment::Filter::new(0, augment::Band::Lowpass(10.0), false).is_err());
    // corner above Nyquist of this sample: error at apply time
    let f = augment::Filter::new(4, augment::Band::Lowpass(80.0), false).unwrap();
    assert!(f.apply(&mut sample(100), &mut r).is_err());
}
