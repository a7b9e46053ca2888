//! Hyperparameters of [`Scattering1D`](super::Scattering1D) (linfa style: set, then `plan`).

use crate::{Result, ScatterError};

use super::Scattering1D;

/// Hyperparameters of a kymatio-style 1-D scattering transform.
///
/// | parameter | meaning | default |
/// |---|---|---|
/// | `j` | log2 of the largest wavelet scale | required |
/// | `q` | wavelets per octave, one entry per order (missing orders use 1) | `[1, 1]` |
/// | `t` | averaging scale in samples (low-pass width), `1 ≤ T ≤ N` | `2^j` |
/// | `max_order` | highest scattering order (any number; kymatio stops at 2) | 2 |
/// | `oversampling` | reduce every subsampling by this many octaves | 0 |
///
/// Frequencies are in cycles per sample, as in kymatio; multiply by the sampling rate for Hz
/// (see [`MorletFamily::centres_hz`](super::MorletFamily::centres_hz)).
#[derive(Debug, Clone, PartialEq)]
pub struct Scattering1DParams {
    pub(crate) j: u32,
    pub(crate) q: Vec<u32>,
    pub(crate) t: Option<usize>,
    pub(crate) max_order: usize,
    pub(crate) oversampling: u32,
}

impl Scattering1DParams {
    /// Parameters with scale `j` and kymatio's defaults (`Q = (1, 1)`, `T = 2^J`, 2 orders).
    pub fn new(j: u32) -> Self {
        Self { j, q: vec![1, 1], t: None, max_order: 2, oversampling: 0 }
    }

    /// Wavelets per octave for orders 1, 2, … (kymatio's `Q = (Q1, Q2)`); orders beyond the
    /// slice use 1.
    pub fn q(mut self, q: &[u32]) -> Self {
        self.q = q.to_vec();
        self
    }

    /// Averaging scale `T` in samples (kymatio rounds `log2 T` down for the subsampling).
    pub fn t(mut self, t: usize) -> Self {
        self.t = Some(t);
        self
    }

    /// Highest order computed (0 gives the low-passed signal only).
    pub fn max_order(mut self, max_order: usize) -> Self {
        self.max_order = max_order;
        self
    }

    /// Oversampling in octaves (kymatio's `oversampling`).
    pub fn oversampling(mut self, oversampling: u32) -> Self {
        self.oversampling = oversampling;
        self
    }

    /// Log2 of the largest scale.
    pub fn j(&self) -> u32 {
        self.j
    }

    /// Wavelets per octave of `order` (1-based).
    pub fn q_of_order(&self, order: usize) -> u32 {
        self.q.get(order.wrapping_sub(1)).copied().unwrap_or(1)
    }

    /// Averaging scale for a signal (defaults to `2^j`).
    pub fn t_or_default(&self) -> usize {
        self.t.unwrap_or(1usize << self.j.min(62))
    }

    /// Check every parameter against a signal length `n`.
    pub(crate) fn validate(&self, n: usize) -> Result<()> {
        if n == 0 {
            return Err(ScatterError::Empty { what: "signal (length 0)" });
        }
        if self.j == 0 || self.j > 40 {
            return Err(ScatterError::invalid("j", self.j, "must lie in 1..=40"));
        }
        if let Some(q) = self.q.iter().find(|&&q| q == 0 || q > 256) {
            return Err(ScatterError::invalid("q", q, "wavelets per octave must lie in 1..=256"));
        }
        if self.max_order > 8 {
            return Err(ScatterError::invalid("max_order", self.max_order, "at most 8 orders"));
        }
        let t = self.t_or_default();
        if t == 0 || t > n {
            return Err(ScatterError::invalid(
                "t",
                t,
                format!("the averaging scale must lie in 1..={n} (the signal length)"),
            ));
        }
        if self.oversampling > 30 {
            return Err(ScatterError::invalid("oversampling", self.oversampling, "must be <= 30"));
        }
        Ok(())
    }

    /// Build the transform plan for signals of `n` samples (filters, padding, FFT plans).
    pub fn plan(&self, n: usize) -> Result<Scattering1D> {
        Scattering1D::new(self.clone(), n)
    }
}
