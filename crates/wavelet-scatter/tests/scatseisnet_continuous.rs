//! Continuous-data driver: windows with start times over gappy streams; windows touching a gap
//! are reported and skipped; streamed results equal the batch transform of the same windows.

use ndarray::{Array1, Axis};
use seis_core::{Stream, Trace, UtcTime};
use wavelet_scatter::{ContinuousWindows, LayerSpec, NetworkBuilder, Pooling, ScatterError};

fn signal(n: usize, phase: f64) -> Array1<f64> {
    Array1::from_iter((0..n).map(|i| (i as f64 * 0.21 + phase).sin() + 0.3 * (i as f64 * 0.037).cos()))
}

#[test]
fn gappy_stream_windows_and_scattering() {
    let fs = 10.0;
    let t0 = UtcTime::parse("2017-06-17T00:00:00Z").unwrap();
    // Z: 0..1000 then a gap of 50 samples, then 1050..2000. N, E: continuous in two contiguous pieces.
    let z1 = Trace::from_id("GL.NUUG..HHZ", signal(1000, 0.0), fs, t0).unwrap();
    let z2 = Trace::from_id("GL.NUUG..HHZ", signal(950, 1.0), fs, t0.add_samples(1050, fs)).unwrap();
    let n1 = Trace::from_id("GL.NUUG..HHN", signal(700, 2.0), fs, t0).unwrap();
    let n2 = Trace::from_id("GL.NUUG..HHN", signal(1300, 3.0), fs, t0.add_samples(700, fs)).unwrap();
    let e = Trace::from_id("GL.NUUG..HHE", signal(2000, 4.0), fs, t0).unwrap();
    let stream = Stream::new(vec![z2, e, n1, z1, n2]);
    let w = ContinuousWindows::new(&stream, "ZNE", 200, 100).unwrap();
    // Grid starts 0, 100, …, 1800 (19 windows); windows overlapping samples 1000..1050 of Z are
    // skipped: starts 900 (900..1100) and 1000 (1000..1200) … and 850? not on the grid.
    let skipped: Vec<usize> = w.skipped().iter().map(|s| s.grid_index).collect();
    assert_eq!(skipped, vec![9, 10]);
    assert!(w.skipped().iter().all(|s| s.component == 'Z' && s.reason.contains("gap")));
    assert_eq!(w.skipped()[0].starttime, t0.add_samples(900, fs));
    assert_eq!(w.len(), 17);
    let times = w.starttimes();
    assert_eq!(times[9], t0.add_samples(1100, fs));

    let net = NetworkBuilder::new(200, fs)
        .layer(LayerSpec::new(3, 2, 1.0))
        .layer(LayerSpec::new(2, 1, 1.0))
        .build::<f64>()
        .unwrap();
    let streamed = net.transform_continuous(&w, Pooling::Median).unwrap();
    assert_eq!(streamed.starttimes, times);
    assert_eq!(streamed.skipped.len(), 2);
    let batch = w.to_array();
    // The window starting at 600 spans the two contiguous N pieces (700 is the joint).
    assert_eq!(batch[[6, 1, 150]], n_value(&stream, 750));
    let direct = net.transform(batch.view(), Pooling::Median).unwrap();
    for (a, b) in streamed.coefficients.iter().zip(&direct) {
        assert_eq!(a, b);
    }
    assert_eq!(streamed.coefficients[1].len_of(Axis(0)), 17);

    // f32 through the same driver.
    let net32 = NetworkBuilder::new(200, fs).layer(LayerSpec::new(3, 2, 1.0)).build::<f32>().unwrap();
    let s32 = net32.transform_continuous(&w, Pooling::Mean).unwrap();
    assert_eq!(s32.coefficients[0].shape(), &[17, 3, 6]);
}

fn n_value(stream: &Stream, i: usize) -> f64 {
    let n2 = stream.traces.iter().find(|t| t.stats().channel == "HHN" && t.len() == 1300).unwrap();
    n2.data()[i - 700]
}

#[test]
fn driver_errors() {
    let fs = 10.0;
    let t0 = UtcTime::EPOCH;
    let z = Trace::from_id("GL.NUUG..HHZ", signal(500, 0.0), fs, t0).unwrap();
    let n = Trace::from_id("GL.NUUG..HHN", signal(500, 0.0), 20.0, t0).unwrap();
    let other = Trace::from_id("GL.OTHER..HHE", signal(500, 0.0), fs, t0).unwrap();
    let s = Stream::new(vec![z.clone(), n]);
    assert!(matches!(ContinuousWindows::new(&s, "ZN", 100, 50), Err(ScatterError::SamplingRateMismatch { .. })));
    assert!(ContinuousWindows::new(&s, "ZE", 100, 50).is_err());
    let s2 = Stream::new(vec![z.clone(), other]);
    assert!(ContinuousWindows::new(&s2, "ZE", 100, 50).is_err());
    let s3 = Stream::new(vec![z]);
    assert!(ContinuousWindows::new(&s3, "Z", 0, 50).is_err());
    let w = ContinuousWindows::new(&s3, "Z", 100, 50).unwrap();
    assert_eq!(w.len(), 9);
    let net = NetworkBuilder::new(120, fs).layer(LayerSpec::new(2, 1, 1.0)).build::<f64>().unwrap();
    assert!(matches!(net.transform_continuous(&w, Pooling::Mean), Err(ScatterError::ShapeMismatch { .. })));
    let long = ContinuousWindows::new(&s3, "Z", 600, 50).unwrap();
    assert!(long.is_empty());
}
