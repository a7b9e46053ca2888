//! # hvsr — horizontal-to-vertical spectral ratio of ambient-noise records
//!
//! The complete H/V pipeline with hvsrpy 2.1 parity: windowing (hvsrpy's shared-boundary
//! convention or overlapping windows), detrend, Tukey taper, zero-padded rFFT, horizontal
//! combination (geometric / arithmetic / quadratic mean, total energy, maximum, single azimuth,
//! RotD-pp) and smoothing operators planned once as sparse matrices (Konno–Ohmachi with or
//! without hvsrpy's cut-off, Parzen, Savitzky–Golay, linear / log rectangular and triangular,
//! triangle proportional to fc); window rejection (STA/LTA and maximum-amplitude pre-rejection,
//! FDWRA of Cox et al. 2020 reporting non-convergence, the seed document's 2σ rule); lognormal
//! or normal statistics; peaks ranked by prominence; SESAME (2004) criteria with their values;
//! and the 90-value peak features of Di Donato & Castellaro (2024).
//!
//! ```
//! use hvsr::{HvsrParams, Smoothing, log_frequencies};
//! use ndarray::Array1;
//! use seis_core::{Components, UtcTime};
//!
//! // 10 minutes of synthetic 3-C noise at 50 Hz whose horizontals resonate near 2 Hz.
//! let fs = 50.0;
//! let n = 30_001;
//! let noise = |seed: u64| {
//!     let mut s = seed;
//!     Array1::from_iter((0..n).map(move |_| {
//!         s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
//!         (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
//!     }))
//! };
//! let resonate = |x: Array1<f64>| {
//!     // damped oscillator at 2 Hz driven by x
//!     let (w, z, dt) = (2.0 * std::f64::consts::PI * 2.0, 0.05, 1.0 / fs);
//!     let (mut u, mut v) = (0.0, 0.0);
//!     x.mapv(|f| { v += dt * (f * 400.0 - 2.0 * z * w * v - w * w * u); u += dt * v; u + 0.02 * f })
//! };
//! let z = noise(1) * 0.02;
//! let data = ndarray::stack![ndarray::Axis(0), resonate(noise(2)), resonate(noise(3)), z];
//! let record = Components::new(data, "NEZ", fs, UtcTime::EPOCH)?;
//!
//! let plan = HvsrParams::new()
//!     .window_length(60.0)
//!     .smoothing(Smoothing::KonnoOhmachi { bandwidth: 40.0 })
//!     .frequencies(log_frequencies(0.5, 10.0, 128))
//!     .fdwra()
//!     .plan(fs)?;                    // FFT, taper and smoothing operator built once
//! let hv = plan.process(&record)?;   // reuse the plan for every record at 50 Hz
//! let f0 = hv.f0.expect("a peak").frequency;
//! assert!((f0 - 2.0).abs() < 0.2, "f0 = {f0}");
//! let sesame = hv.sesame.as_ref().expect("SESAME evaluated");
//! println!("f0 = {f0:.3} Hz, reliability {}/3, clarity {}/6", sesame.n_reliable(), sesame.n_clear());
//! assert_eq!(hv.features[0].values().len(), 90);
//! # Ok::<(), hvsr::HvsrError>(())
//! ```
//!
//! Order of operations: by default the horizontals are combined on the raw |FFT| and then H
//! and V are smoothed (hvsrpy and Geopsy; [`Order::CombineThenSmooth`]); the smoothed spectrum
//! of every component is returned as well ([`ComponentSpectra`]).
//! [`Order::SmoothThenCombine`] smooths each component first.
//!
//! Pre-processing of the whole record, in hvsrpy's order: sensor-orientation correction
//! ([`HvsrParams::sensor_azimuth`], the NS axis's azimuth from north), then an optional
//! zero-phase Butterworth pre-filter ([`HvsrParams::prefilter`], order 5 by default, like
//! `scipy.signal.sosfiltfilt`), then windowing. Geopsy's frequency sampling — smoothing at the
//! FFT bins and interpolating each window's curves linearly to the output frequencies — is
//! [`HvsrParams::smooth_at_fft_bins`]; with it and Geopsy's other settings the mean curve of
//! the UT.STN11 records is within 0.82 % of Geopsy's `.hv` output at every frequency.
//!
//! Speed: the zero padding of the FFT (hvsrpy pads 6001 samples to 32768) and the bins the
//! smoothing never reads are pruned exactly, and the smoothing weights are applied to the
//! spectra of several windows per pass; windows are processed in parallel in fixed chunks, so
//! the results do not depend on the number of threads.
//!
//! Other entry points: [`HvsrPlan::process_stream`] (one trace per component, trimmed to the
//! common span), [`HvsrPlan::process_arrays`], [`HvsrPlan::process_azimuthal`] (hvsrpy's
//! azimuthal H/V with Cheng et al. 2020 weights, [`AzimuthalHvsr`]) and [`Hvsr::analyze`]
//! (rejection, statistics, peaks, SESAME and features of curves computed elsewhere).
//!
//! Conventions copied from hvsrpy for parity (see `docs` of each item): windows of
//! `int(T/dt) + 1` samples sharing their boundary sample ([`Windowing::SharedBoundary`]); FFT
//! length the power of two strictly above the window length and at least 2^15
//! ([`FftLength::Hvsrpy`]); Konno–Ohmachi truncated at |b·log10(f/fc)| ≤ 3; highest
//! `find_peaks` peak per curve, search-range limits at the nearest frequencies (upper one
//! exclusive for peaks, inclusive for SESAME); windows without a peak are invalid; SESAME on
//! the lognormal curves with the normal σ of the window peak frequencies. Departures: FDWRA
//! reports non-convergence ([`FdwraOutcome::NotConverged`]) instead of failing, and can
//! re-admit windows; every rejected window keeps its [`RejectionReason`].

#![deny(unsafe_code)]
#![warn(missing_docs)]

mod analysis;
mod azimuthal;
mod error;
mod features;
mod params;
pub mod peaks;
mod plan;
mod pruned_fft;
pub mod rejection;
mod sesame;
mod simd;
pub mod smoothing;
pub mod stats;

pub use analysis::{ComponentSpectra, Hvsr, MeanSpectra};
pub use azimuthal::AzimuthalHvsr;
pub use error::{HvsrError, Result};
pub use features::PeakFeatures;
pub use params::{
    CheckedHvsrParams, Distribution, FftLength, Horizontal, HvsrParams, Order, Windowing, linear_frequencies,
    log_frequencies,
};
pub use peaks::Peak;
pub use plan::{HvsrPlan, hvsrpy_nfft};
pub use rejection::{
    FdwraOutcome, FdwraParams, FdwraReport, PreRejection, RejectionReason, SpectralRejection, StaLtaParams,
    TwoSigmaParams, WindowStatus,
};
pub use sesame::{Criterion, Sesame};
pub use smoothing::{Smoothing, SmoothingOperator};
pub use stats::{CurveStatistics, PeakStatistics};
