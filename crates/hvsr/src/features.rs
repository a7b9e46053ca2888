//! Peak features of the seed document (Di Donato & Castellaro 2024) for classifying H/V peaks
//! as stratigraphic, artefactual or other: each component spectrum resampled at `n` points
//! over [f0/2, 2·f0] on the normalised axis x = f/(f0/2) ∈ [1, 4] (so 2 ↔ f0), divided by the
//! minimum of the resampled vertical spectrum.
//!
//! Choices the paper leaves open (documented here): the points are log-spaced
//! (x_i = 4^(i/(n−1))); interpolation is linear in ln f between output frequencies; a point
//! outside the curve's frequency range takes the nearest end value; the scaling minimum is
//! taken after resampling.

use crate::{HvsrError, Result};
use serde::{Deserialize, Serialize};

/// Features of one peak: `3·n` values (NS, EW, Z).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeakFeatures {
    /// Peak frequency (Hz).
    pub f0: f64,
    /// Normalised frequency axis x ∈ [1, 4].
    pub normalized_frequency: Vec<f64>,
    /// Scaled NS spectrum.
    pub ns: Vec<f64>,
    /// Scaled EW spectrum.
    pub ew: Vec<f64>,
    /// Scaled vertical spectrum (its minimum is 1).
    pub vertical: Vec<f64>,
    /// The divisor (minimum of the resampled vertical spectrum).
    pub scale: f64,
    /// True when [f0/2, 2·f0] reaches beyond the curve's frequencies (end values were used).
    pub extrapolated: bool,
}

impl PeakFeatures {
    /// The classifier input: NS, then EW, then Z (3·n values; 90 for n = 30).
    pub fn values(&self) -> Vec<f64> {
        self.ns.iter().chain(&self.ew).chain(&self.vertical).copied().collect()
    }

    /// Compute the features of the peak at `f0` from the three component curves sampled at `freqs`.
    pub fn new(freqs: &[f64], ns: &[f64], ew: &[f64], vertical: &[f64], f0: f64, n: usize) -> Result<Self> {
        if freqs.len() < 2 {
            return Err(HvsrError::Empty { what: "feature frequencies (need ≥ 2)" });
        }
        for (what, c) in [("NS", ns), ("EW", ew), ("vertical", vertical)] {
            if c.len() != freqs.len() {
                return Err(HvsrError::ShapeMismatch {
                    what: format!("{what} spectrum vs frequencies"),
                    expected: freqs.len().to_string(),
                    got: c.len().to_string(),
                });
            }
        }
        if !(f0.is_finite() && f0 > 0.0) {
            return Err(HvsrError::invalid("f0", f0, "must be finite and > 0 Hz"));
        }
        if n < 2 {
            return Err(HvsrError::invalid("feature_points", n, "must be ≥ 2"));
        }
        let x: Vec<f64> = (0..n).map(|i| 4f64.powf(i as f64 / (n - 1) as f64)).collect();
        let fs: Vec<f64> = x.iter().map(|v| v * f0 / 2.0).collect();
        let extrapolated = fs[0] < freqs[0] || fs[n - 1] > freqs[freqs.len() - 1];
        let lnf: Vec<f64> = freqs.iter().map(|f| f.ln()).collect();
        let resample = |c: &[f64]| -> Vec<f64> { fs.iter().map(|&f| interp(&lnf, c, f.ln())).collect() };
        let (rn, re, rz) = (resample(ns), resample(ew), resample(vertical));
        let scale = rz.iter().copied().fold(f64::INFINITY, f64::min);
        if !(scale.is_finite() && scale > 0.0) {
            return Err(HvsrError::invalid("vertical spectrum", scale, "its minimum over [f0/2, 2 f0] must be > 0"));
        }
        let div = |v: Vec<f64>| v.into_iter().map(|y| y / scale).collect::<Vec<_>>();
        Ok(Self { f0, normalized_frequency: x, ns: div(rn), ew: div(re), vertical: div(rz), scale, extrapolated })
    }
}

/// Linear interpolation of (x, y) at `t`, clamped to the end values (numpy `interp`).
fn interp(x: &[f64], y: &[f64], t: f64) -> f64 {
    let n = x.len();
    if t <= x[0] {
        return y[0];
    }
    if t >= x[n - 1] {
        return y[n - 1];
    }
    let j = x.partition_point(|&v| v <= t).clamp(1, n - 1);
    let (x0, x1, y0, y1) = (x[j - 1], x[j], y[j - 1], y[j]);
    y0 + (y1 - y0) * (t - x0) / (x1 - x0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_and_scaling() {
        let f: Vec<f64> = (0..200).map(|i| 0.1 * 1.03f64.powi(i)).collect();
        let ns: Vec<f64> = f.iter().map(|x| 1.0 + x).collect();
        let z: Vec<f64> = f.iter().map(|x| 2.0 + (x - 1.0).powi(2)).collect();
        let p = PeakFeatures::new(&f, &ns, &ns, &z, 1.0, 30).unwrap();
        assert_eq!(p.values().len(), 90);
        assert!((p.normalized_frequency[0] - 1.0).abs() < 1e-15 && (p.normalized_frequency[29] - 4.0).abs() < 1e-12);
        assert!((p.vertical.iter().copied().fold(f64::INFINITY, f64::min) - 1.0).abs() < 1e-15);
        assert!(!p.extrapolated);
        assert!(PeakFeatures::new(&f, &ns, &ns[1..], &z, 1.0, 30).is_err());
    }
}
