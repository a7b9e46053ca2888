//! Pipeline behaviour beyond hvsrpy: order of operations, component spectra, 2σ rejection,
//! prominence ranking and peak features.

use hvsr::{
    Hvsr, HvsrParams, Order, RejectionReason, Smoothing, SpectralRejection, TwoSigmaParams, WindowStatus,
    log_frequencies,
};
use ndarray::{Array1, Array2};
use seisml_testkit::Golden;

fn golden_record() -> (Array1<f64>, Array1<f64>, Array1<f64>) {
    let mut g = Golden::open("hvsr", "record.npz");
    (g.array1("ns"), g.array1("ew"), g.array1("vt"))
}

fn params() -> HvsrParams {
    HvsrParams::new().frequencies(log_frequencies(0.3, 20.0, 128))
}

#[test]
fn order_of_operations_and_component_spectra() {
    let (ns, ew, vt) = golden_record();
    let a = params().plan(50.0).unwrap().process_arrays(ns.view(), ew.view(), vt.view()).unwrap();
    let s = a.spectra.as_ref().unwrap();
    // combine-then-smooth: H/V = smooth(H) / smooth(V)
    let ratio = &s.horizontal / &s.vertical;
    for (x, y) in ratio.iter().zip(a.amplitude.iter()) {
        assert!((x - y).abs() <= 1e-14 * y);
    }
    let b = params()
        .order(Order::SmoothThenCombine)
        .plan(50.0)
        .unwrap()
        .process_arrays(ns.view(), ew.view(), vt.view())
        .unwrap();
    let t = b.spectra.as_ref().unwrap();
    // smooth-then-combine: H/V = sqrt(smooth(N) smooth(E)) / smooth(V)
    let expect = ndarray::Zip::from(&t.ns).and(&t.ew).and(&t.vertical).map_collect(|n, e, v| (n * e).sqrt() / v);
    for (x, y) in expect.iter().zip(b.amplitude.iter()) {
        assert!((x - y).abs() <= 1e-14 * y);
    }
    // the two orders differ per window (the reference note reports up to ~30 %)
    let max_diff = a.amplitude.iter().zip(b.amplitude.iter()).map(|(x, y)| (x / y - 1.0).abs()).fold(0.0, f64::max);
    assert!(max_diff > 1e-3, "orders should differ, max {max_diff}");
    // component spectra are the same in both orders
    for (x, y) in s.vertical.iter().zip(t.vertical.iter()) {
        assert!((x - y).abs() <= 1e-14 * y);
    }
}

#[test]
fn two_sigma_rejects_an_outlier_window() {
    let f = Array1::from(log_frequencies(0.5, 10.0, 40));
    let nw = 12;
    let mut amp = Array2::from_shape_fn((nw, 40), |(w, j)| {
        let x = f[j];
        2.0 + 3.0 * (-(x - 2.0) * (x - 2.0) * 4.0).exp() + 0.05 * (((w * 31 + j * 17) % 11) as f64 / 11.0)
    });
    amp.row_mut(5).mapv_inplace(|v| v * 3.0);
    let p = HvsrParams::new()
        .frequencies(f.to_vec())
        .rejection(vec![SpectralRejection::TwoSigma(TwoSigmaParams { on_components: false, ..Default::default() })])
        .check()
        .unwrap();
    let hv = Hvsr::analyze(&p, f, 60.0, vec![0; nw], amp, None, vec![WindowStatus::Valid; nw]).unwrap();
    for (i, s) in hv.status.iter().enumerate() {
        if i == 5 {
            assert!(
                matches!(s, WindowStatus::Rejected(RejectionReason::TwoSigma { fraction_outside }) if *fraction_outside > 0.9)
            );
        } else {
            assert!(s.is_valid(), "window {i}: {s:?}");
        }
    }
}

#[test]
fn prominent_peaks_and_features() {
    let (ns, ew, vt) = golden_record();
    let hv = params()
        .smoothing(Smoothing::ProportionalTriangular { fraction: 0.1 })
        .fdwra()
        .plan(50.0)
        .unwrap()
        .process_arrays(ns.view(), ew.view(), vt.view())
        .unwrap();
    assert!(!hv.prominent.is_empty() && hv.prominent.len() <= 3);
    let top = hv.peaks[0].prominence;
    for p in &hv.prominent {
        assert!(p.prominence >= 0.7 * top);
    }
    // the synthetic site resonates near 2 Hz: the most prominent peak is there
    assert!((hv.prominent[0].frequency - 2.0).abs() < 0.2, "{:?}", hv.prominent[0]);
    assert_eq!(hv.features.len(), hv.prominent.len());
    let f = &hv.features[0];
    assert_eq!(f.values().len(), 90);
    assert!((f.vertical.iter().copied().fold(f64::INFINITY, f64::min) - 1.0).abs() < 1e-12);
    // horizontals are amplified at f0 (x = 2) relative to the vertical
    let i = f.normalized_frequency.iter().position(|&x| x >= 2.0).unwrap();
    assert!(f.ns[i] > f.vertical[i] && f.ew[i] > f.vertical[i]);
}

/// Geopsy's sampling: smoothing at the FFT bins, window curves interpolated linearly. At output
/// frequencies that are FFT bins it equals smoothing there directly; between two bins it is
/// the linear interpolation of the two.
#[test]
fn smoothing_at_fft_bins_interpolates_between_bins() {
    let mut g = seisml_testkit::Golden::open("hvsr", "record.npz");
    let (ns, ew, vt, fs): (ndarray::Array1<f64>, ndarray::Array1<f64>, ndarray::Array1<f64>, f64) =
        (g.array1("ns"), g.array1("ew"), g.array1("vt"), g.scalar("sampling_rate"));
    let base = || {
        hvsr::HvsrParams::new()
            .window_length(60.0)
            .windowing(hvsr::Windowing::Overlap { fraction: 0.0 })
            .fft_length(hvsr::FftLength::WindowLength)
            .component_spectra(false)
    };
    let df = fs / (60.0 * fs).round();
    let bins: Vec<f64> = (30..40).map(|k| k as f64 * df).collect();
    let run = |p: hvsr::HvsrParams| p.plan(fs).unwrap().process_arrays(ns.view(), ew.view(), vt.view()).unwrap();
    let direct = run(base().frequencies(bins.clone()));
    let at_bins = run(base().frequencies(bins.clone()).smooth_at_fft_bins(true));
    seisml_testkit::Tolerance::new(0.0, 1e-12).assert_close(
        "output at FFT bins",
        at_bins.amplitude.view(),
        direct.amplitude.view(),
    );
    let mids: Vec<f64> = bins.windows(2).map(|w| 0.25 * w[0] + 0.75 * w[1]).collect();
    let between = run(base().frequencies(mids).smooth_at_fft_bins(true));
    for w in 0..direct.amplitude.nrows() {
        for j in 0..bins.len() - 1 {
            let expected = 0.25 * direct.amplitude[[w, j]] + 0.75 * direct.amplitude[[w, j + 1]];
            assert!((between.amplitude[[w, j]] - expected).abs() <= 1e-12 * expected, "window {w}, point {j}");
        }
    }
    // an output frequency below the first FFT bin is named
    let err = base().frequencies(vec![0.5 * df, 1.0]).smooth_at_fft_bins(true).plan(fs).unwrap_err();
    assert!(matches!(err, hvsr::HvsrError::InvalidParameter { name: "frequencies", .. }), "{err}");
}
