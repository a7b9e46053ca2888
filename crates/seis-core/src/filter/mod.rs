//! Butterworth (and Chebyshev) IIR filters in second-order sections with scipy/ObsPy semantics.
//!
//! * Design: [`butter_sos`] gives the same coefficients as
//!   `scipy.signal.butter(N, Wn, btype, output="sos", fs=...)` (zpk → bilinear → zpk2sos with
//!   scipy's "nearest" pairing).
//! * Plan: [`SosFilter`] is designed once and applied to many traces — causal
//!   ([`SosFilter::sosfilt`], with optional initial state), zero-phase like
//!   `scipy.signal.sosfiltfilt` ([`SosFilter::filtfilt`]) or ObsPy's `zerophase=True`
//!   ([`SosFilter::forward_backward`]).
//! * Many channels at once: [`SosFilter::filtfilt_rows_inplace`] filters up to four rows
//!   interleaved in one pass, with an AVX2 build of the cascade chosen at run time when the CPU
//!   has it (bit-identical to the portable build: same operations, no fused multiply–add).
//! * ObsPy conveniences: [`bandpass`], [`lowpass`], [`highpass`], [`bandstop`] with the
//!   arguments of `obspy.signal.filter` (`df` = sampling rate, `corners` = order).
//!
//! Unlike ObsPy, a corner at or above Nyquist is an error instead of a warning followed by a
//! different filter (ObsPy turns such a bandpass into a highpass, or moves the corner to Nyquist).
//!
//! ```
//! use ndarray::Array1;
//! use seis_core::filter::bandpass;
//!
//! let x = Array1::from_iter((0..2000).map(|i| (i as f64 * 0.05).sin() + (i as f64 * 2.0).sin()));
//! let y = bandpass(x.view(), 0.5, 5.0, 100.0, 4, true)?;
//! assert_eq!(y.len(), 2000);
//! # Ok::<(), seis_core::CoreError>(())
//! ```

mod design;
mod lanes;
mod sos;

pub use design::{
    Band, Zpk, butter_sos, butter_zpk, cheb2ord_lowpass, cheby1_lowpass_sos, cheby2_lowpass_sos, zpk2sos,
};
pub use sos::{FiltfiltWork, PadType, Phase, SosFilter};

use crate::Result;
use ndarray::{Array1, ArrayView1};

fn obspy_filter(data: ArrayView1<f64>, band: Band, df: f64, corners: usize, zerophase: bool) -> Result<Array1<f64>> {
    let f = SosFilter::butter(corners, band, df)?;
    f.apply(data, if zerophase { Phase::ForwardBackward } else { Phase::Causal })
}

/// Butterworth bandpass like `obspy.signal.filter.bandpass(data, freqmin, freqmax, df, corners,
/// zerophase)`: `corners` is the order; `zerophase = true` runs forward and backward (the
/// effective order doubles) without padding.
pub fn bandpass(
    data: ArrayView1<f64>,
    freqmin: f64,
    freqmax: f64,
    df: f64,
    corners: usize,
    zerophase: bool,
) -> Result<Array1<f64>> {
    obspy_filter(data, Band::Bandpass(freqmin, freqmax), df, corners, zerophase)
}

/// Butterworth bandstop like `obspy.signal.filter.bandstop`.
pub fn bandstop(
    data: ArrayView1<f64>,
    freqmin: f64,
    freqmax: f64,
    df: f64,
    corners: usize,
    zerophase: bool,
) -> Result<Array1<f64>> {
    obspy_filter(data, Band::Bandstop(freqmin, freqmax), df, corners, zerophase)
}

/// Butterworth lowpass like `obspy.signal.filter.lowpass(data, freq, df, corners, zerophase)`.
pub fn lowpass(data: ArrayView1<f64>, freq: f64, df: f64, corners: usize, zerophase: bool) -> Result<Array1<f64>> {
    obspy_filter(data, Band::Lowpass(freq), df, corners, zerophase)
}

/// Butterworth highpass like `obspy.signal.filter.highpass(data, freq, df, corners, zerophase)`.
pub fn highpass(data: ArrayView1<f64>, freq: f64, df: f64, corners: usize, zerophase: bool) -> Result<Array1<f64>> {
    obspy_filter(data, Band::Highpass(freq), df, corners, zerophase)
}
