//! Time–frequency images: continuous Morlet wavelet transform and superlets.
//!
//! Superlets (Moca et al. 2021) combine Morlet transforms with increasing numbers of cycles by a
//! geometric mean, giving both time and frequency super-resolution. [`Superlet`] reproduces
//! esi-syncopy 2023.9's multiplicative and fractional adaptive superlets (golden tests: ≤ 1e-5
//! relative) and adds the additive cycle sets of the paper; [`MorletCwt`] is the single-wavelet
//! transform. Both are planned once per (signal length, frequencies) and return magnitude images
//! `(n_frequencies, n_samples)` ready to save as arrays.
//!
//! ```
//! use ndarray::Array1;
//! use wavelet_scatter::tf::{CycleSet, SuperletParams};
//!
//! let fs = 100.0;
//! let x = Array1::from_iter((0..2000).map(|i| (2.0 * std::f64::consts::PI * 12.0 * i as f64 / fs).sin()));
//! let freqs: Vec<f64> = (0..30).map(|k| 2.0 + k as f64).collect();
//! let plan = SuperletParams::new(fs, &freqs, 5).adaptive().cycle_set(CycleSet::Multiplicative).plan(x.len())?;
//! let image = plan.transform(x.view())?;
//! assert_eq!(image.shape(), &[30, 2000]);
//! // The 12 Hz row dominates in the middle of the record.
//! let best = (0..30).max_by(|&a, &b| image[[a, 1000]].total_cmp(&image[[b, 1000]])).unwrap();
//! assert_eq!(freqs[best], 12.0);
//! # Ok::<(), wavelet_scatter::ScatterError>(())
//! ```
//!
//! Conventions: edges are zero-padded (as `fftconvolve(..., mode="same")`); by default the
//! amplitude follows syncopy (a unit cosine gives `√fs/(8π)`), [`Normalization::Amplitude`] makes
//! `|W|` equal the amplitude of a sinusoid at the analysed frequency.

mod cwt;
mod engine;
mod morlet;
mod superlet;

pub use cwt::{CwtParams, MorletCwt};
pub use morlet::Normalization;
pub use superlet::{CycleSet, OrderMode, Superlet, SuperletParams};

use ndarray::ArrayView1;
use std::borrow::Cow;

use crate::{Result, ScatterError};

/// Frequencies must be finite, in (0, Nyquist], and the sampling rate finite and > 0.
fn check_frequencies(sampling_rate: f64, frequencies: &[f64]) -> Result<()> {
    if !(sampling_rate.is_finite() && sampling_rate > 0.0) {
        return Err(ScatterError::invalid("sampling_rate", sampling_rate, "must be finite and > 0"));
    }
    if frequencies.is_empty() {
        return Err(ScatterError::Empty { what: "frequencies" });
    }
    let nyquist = sampling_rate / 2.0;
    if let Some(f) = frequencies.iter().find(|f| !(f.is_finite() && **f > 0.0 && **f <= nyquist)) {
        return Err(ScatterError::invalid("frequencies", f, format!("must lie in (0, {nyquist}] Hz (Nyquist)")));
    }
    Ok(())
}

/// The signal as a contiguous slice, checked for length and finite values.
fn check_signal<'a>(x: ArrayView1<'a, f64>, n: usize) -> Result<Cow<'a, [f64]>> {
    if x.is_empty() {
        return Err(ScatterError::Empty { what: "signal" });
    }
    if x.len() != n {
        return Err(ScatterError::ShapeMismatch {
            what: "signal length (the plan's length)".into(),
            expected: n.to_string(),
            got: x.len().to_string(),
        });
    }
    if let Some((index, &value)) = x.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(ScatterError::NonFinite { what: "signal".into(), index, value });
    }
    Ok(match x.to_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(x.to_vec()),
    })
}
