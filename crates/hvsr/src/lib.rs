//! # hvsr — horizontal-to-vertical spectral ratio of microtremor records
//!
//! Scope: windowing, detrend, taper, FFT, smoothing operators (Konno–Ohmachi, triangular,
//! log-triangular, …) planned once per FFT length, horizontal combinations, window rejection
//! (2σ, FDWRA, STA/LTA), lognormal statistics, peak prominence, SESAME (2004) criteria and peak
//! features for stratigraphic / artefactual peak classification, with hvsrpy parity.

#![deny(unsafe_code)]
#![warn(missing_docs)]

mod error;

pub use error::{HvsrError, Result};
