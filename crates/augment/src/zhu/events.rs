//! Where an event ends (for superimposing events without masking).

use crate::error::{AugmentError, Result};
use crate::sample::Sample;
use ndarray::Axis;

/// How the end of an event is estimated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EventEnd {
    /// `S + factor · (S − P)` (the detection labeller's coda rule); without S,
    /// `P + fallback` samples.
    PickBased {
        /// Coda factor (1.4 in SeisBench's DetectionLabeller).
        factor: f64,
        /// Event length after P when S is missing, in samples.
        fallback: f64,
    },
    /// The last sample where the Hilbert envelope (summed over channels) exceeds `fraction` of its
    /// peak after P — a coda-duration estimate.
    Envelope {
        /// Fraction of the envelope peak, in (0, 1).
        fraction: f64,
    },
}

impl Default for EventEnd {
    fn default() -> Self {
        EventEnd::PickBased { factor: 1.4, fallback: 1000.0 }
    }
}

impl EventEnd {
    /// End sample (exclusive, may exceed the window) of the event with P at `p` and S at `s`.
    pub fn end(&self, sample: &Sample, p: f64, s: Option<f64>) -> Result<f64> {
        match *self {
            EventEnd::PickBased { factor, fallback } => Ok(match s {
                Some(s) if s >= p => s + factor * (s - p),
                _ => p + fallback,
            }),
            EventEnd::Envelope { fraction } => {
                if !(fraction > 0.0 && fraction < 1.0) {
                    return Err(AugmentError::invalid("fraction", fraction, "must lie in (0, 1)"));
                }
                let n = sample.len();
                let start = (p.max(0.0) as usize).min(n);
                if start >= n {
                    return Ok(p);
                }
                let mut total = ndarray::Array1::<f64>::zeros(n);
                for row in sample.waveform.axis_iter(Axis(0)) {
                    total += &seis_core::envelope::envelope(row)?;
                }
                let peak = total.iter().skip(start).fold(0.0f64, |m, v| m.max(*v));
                let thr = fraction * peak;
                let last = (start..n).rev().find(|&i| total[i] > thr).unwrap_or(start);
                Ok((last + 1) as f64)
            }
        }
    }
}
