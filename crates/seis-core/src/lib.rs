//! # seis-core — shared seismic data types and signal-processing primitives
//!
//! Every seisml crate builds on this one: [`Trace`], [`Stream`] and [`Components`]
//! (channels × samples with an explicit component order such as "ZNE"), UTC times with
//! nanosecond precision, checks on user data, and DSP primitives with scipy/ObsPy semantics
//! (detrend, tapers, Butterworth filters in second-order sections, resampling, decimation,
//! segmentation, real FFT plans, STA/LTA, envelope) plus a small [`linalg`] facade backed by faer.
//! Nothing here is re-implemented elsewhere in the workspace.
//!
//! ```
//! use ndarray::Array1;
//! use seis_core::{Detrend, Taper, Trace, UtcTime};
//!
//! let t0 = UtcTime::parse("2017-06-17T23:00:00Z")?;
//! let x = Array1::from_iter((0..500).map(|i| (i as f64 * 0.1).sin() + 0.01 * i as f64));
//! let tr = Trace::from_id("GL.NUUG..HHZ", x, 100.0, t0)?;
//! let y = Detrend::Linear.apply(tr.data())?;
//! let z = Taper::Tukey { alpha: 0.1 }.apply(y.view())?;
//! assert_eq!(z.len(), 500);
//! assert_eq!(z[0], 0.0); // tapered to zero at the edge
//! # Ok::<(), seis_core::CoreError>(())
//! ```
//!
//! Modules: [`trace`](Trace) types; [`detrend`], [`taper`]; [`filter`] (Butterworth and
//! Chebyshev design in second-order sections, causal and zero-phase application, ObsPy-style
//! `bandpass`/`lowpass`/...); [`resample`](mod@resample) (FFT resampling, decimation); [`stalta`] (classic
//! and recursive STA/LTA, trigger onsets); [`envelope`](mod@envelope) (analytic signal); [`fft`] (cached
//! real FFT plans); [`window`] (segmentation); [`linalg`]; [`validate`]. Every primitive is
//! tested against golden data from scipy and ObsPy (`tests/golden/seis-core/`).
//!
//! ```
//! use ndarray::Array1;
//! use seis_core::{Band, Phase, SosFilter, Trace, UtcTime, envelope, resample_trace};
//!
//! let t0 = UtcTime::parse("2017-06-17T23:00:00Z")?;
//! let x = Array1::from_iter((0..6000).map(|i| (i as f64 * 0.2).sin() + (i as f64 * 0.01).cos()));
//! let tr = Trace::from_id("GL.NUUG..HHZ", x, 100.0, t0)?;
//! // Plan once (scipy.signal.butter(4, [1, 10], "bandpass", output="sos", fs=100)) ...
//! let bp = SosFilter::butter(4, Band::Bandpass(1.0, 10.0), 100.0)?;
//! // ... apply to any number of traces (scipy.signal.sosfiltfilt).
//! let filtered = bp.apply_trace(&tr, Phase::ZeroPhase)?;
//! let env = envelope(filtered.data())?;
//! let tr50 = resample_trace(&filtered, 50.0)?;
//! assert_eq!((env.len(), tr50.len()), (6000, 3000));
//! # Ok::<(), seis_core::CoreError>(())
//! ```
//!
//! Conventions (see `docs/architecture.md`): arrays are row-major, channels × samples; frequencies
//! in Hz, times in seconds; f64 everywhere unless a crate documents an f32 path; every public
//! function that takes user data returns [`Result`] with a [`CoreError`] that names the problem.

#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod detrend;
pub mod envelope;
mod error;
pub mod fft;
pub mod filter;
pub mod linalg;
pub mod resample;
pub mod stalta;
pub mod taper;
mod time;
mod trace;
pub mod validate;
pub mod window;

pub use detrend::{Detrend, Trend, demean, detrend_linear};
pub use envelope::{Hilbert, analytic_signal, envelope};
pub use error::{CoreError, Result};
pub use fft::RealFft;
pub use filter::{Band, Phase, SosFilter};
pub use resample::{Resampler, decimate, decimate_trace, resample, resample_trace, resample_trace_obspy};
pub use stalta::{classic_sta_lta, recursive_sta_lta, trigger_onset};
pub use taper::Taper;
pub use time::UtcTime;
pub use trace::{ComponentOrder, ComponentViews, Components, Stats, Stream, Trace};
pub use window::Segmenter;
