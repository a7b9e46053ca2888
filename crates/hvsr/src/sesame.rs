//! SESAME (2004) reliability and clarity criteria of the mean-curve peak, evaluated exactly as
//! hvsrpy 2.1 does (lognormal mean curve A and ln-std curve σ; σ_A = exp(σ)), with the numbers
//! behind every criterion.

use crate::peaks::{highest_peak, nearest_index};
use serde::{Deserialize, Serialize};

/// One criterion: pass/fail and the value compared with its limit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    /// Whether the criterion holds.
    pub passed: bool,
    /// The tested value (NaN when the band it is taken from is empty).
    pub value: f64,
    /// The limit it is compared with.
    pub limit: f64,
}

/// SESAME (2004) criteria for the peak of a mean H/V curve.
///
/// Reliability: (i) f0 > 10/lw; (ii) nc = lw·nw·f0 > 200; (iii) σ_A(f) < 2 (3 if f0 ≤ 0.5 Hz)
/// for 0.5f0 < f < 2f0 (value: max σ_A). Clarity: (i)/(ii) some A(f) < A0/2 in (f0/4, f0) /
/// (f0, 4f0) (value: the minimum there); (iii) A0 > 2; (iv) the peaks of A·σ_A and A/σ_A lie
/// strictly within (0.95f0, 1.05f0) (value: the larger relative offset; see `f_plus`, `f_minus`);
/// (v) σ_f < ε(f0)·f0 with σ_f the normal std of the window peak frequencies; (vi) σ_A(f0) < θ(f0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sesame {
    /// Peak frequency of the (search-range trimmed) mean curve.
    pub f0: f64,
    /// Its amplitude.
    pub a0: f64,
    /// Reliability criteria (i)–(iii).
    pub reliability: [Criterion; 3],
    /// Clarity criteria (i)–(vi).
    pub clarity: [Criterion; 6],
    /// Peak frequency of the mean + 1σ curve.
    pub f_plus: f64,
    /// Peak frequency of the mean − 1σ curve.
    pub f_minus: f64,
    /// ε(f0) of the SESAME table (fraction of f0).
    pub epsilon: f64,
    /// θ(f0) of the SESAME table.
    pub theta: f64,
}

impl Sesame {
    /// Number of reliability criteria passed.
    pub fn n_reliable(&self) -> usize {
        self.reliability.iter().filter(|c| c.passed).count()
    }

    /// Number of clarity criteria passed.
    pub fn n_clear(&self) -> usize {
        self.clarity.iter().filter(|c| c.passed).count()
    }

    /// All three reliability criteria hold.
    pub fn is_reliable(&self) -> bool {
        self.n_reliable() == 3
    }

    /// At least five of the six clarity criteria hold.
    pub fn is_clear(&self) -> bool {
        self.n_clear() >= 5
    }

    /// Evaluate the criteria. `mean` is the lognormal mean curve, `std_ln` the std of ln A,
    /// `window_length` in seconds, `n_windows` the valid windows, `sigma_f` the normal std of
    /// their peak frequencies. `search_range` trims the curves first (nearest frequencies, both
    /// ends included, as hvsrpy's `trim_curve`). `None` when the curve has no peak.
    pub fn evaluate(
        freqs: &[f64],
        mean: &[f64],
        std_ln: &[f64],
        window_length: f64,
        n_windows: usize,
        sigma_f: f64,
        search_range: (Option<f64>, Option<f64>),
    ) -> Option<Sesame> {
        let (lo, hi) = match search_range {
            (None, None) => (0, freqs.len()),
            (l, h) => {
                let l = l.unwrap_or(freqs[0]);
                let h = h.unwrap_or(freqs[freqs.len() - 1]);
                (nearest_index(freqs, l.min(h)), nearest_index(freqs, l.max(h)) + 1)
            }
        };
        let (f, a, s) = (&freqs[lo..hi], &mean[lo..hi], &std_ln[lo..hi]);
        let k = highest_peak(a, 0, a.len())?;
        let (f0, a0) = (f[k], a[k]);
        let upper: Vec<f64> = a.iter().zip(s).map(|(m, s)| (m.ln() + s).exp()).collect();
        let lower: Vec<f64> = a.iter().zip(s).map(|(m, s)| (m.ln() - s).exp()).collect();
        let sigma_a: Vec<f64> = upper.iter().zip(a).map(|(u, m)| u / m).collect();
        let band_max = |lo: f64, hi: f64, v: &[f64]| {
            f.iter().zip(v).filter(|(x, _)| **x > lo && **x < hi).map(|(_, y)| *y).fold(f64::NAN, f64::max)
        };
        let band_min = |lo: f64, hi: f64| {
            f.iter().zip(a).filter(|(x, _)| **x > lo && **x < hi).map(|(_, y)| *y).fold(f64::NAN, f64::min)
        };

        let r1 = Criterion { passed: f0 > 10.0 / window_length, value: f0, limit: 10.0 / window_length };
        let nc = window_length * n_windows as f64 * f0;
        let r2 = Criterion { passed: nc > 200.0, value: nc, limit: 200.0 };
        let sa_max = band_max(0.5 * f0, 2.0 * f0, &sigma_a);
        let lim3 = if f0 > 0.5 { 2.0 } else { 3.0 };
        let r3 = Criterion { passed: sa_max < lim3, value: sa_max, limit: lim3 };

        let half = a0 / 2.0;
        let lo_min = band_min(f0 / 4.0, f0);
        let hi_min = band_min(f0, 4.0 * f0);
        let c1 = Criterion { passed: lo_min < half, value: lo_min, limit: half };
        let c2 = Criterion { passed: hi_min < half, value: hi_min, limit: half };
        let c3 = Criterion { passed: a0 > 2.0, value: a0, limit: 2.0 };
        let f_plus = highest_peak(&upper, 0, upper.len()).map_or(f64::NAN, |i| f[i]);
        let f_minus = highest_peak(&lower, 0, lower.len()).map_or(f64::NAN, |i| f[i]);
        let within = |x: f64| x > f0 * 0.95 && x < f0 * 1.05;
        let off = ((f_plus / f0 - 1.0).abs()).max((f_minus / f0 - 1.0).abs());
        let c4 = Criterion { passed: within(f_plus) && within(f_minus), value: off, limit: 0.05 };
        let (epsilon, theta) = if f0 < 0.2 {
            (0.25, 3.0)
        } else if f0 < 0.5 {
            (0.2, 2.5)
        } else if f0 < 1.0 {
            (0.15, 2.0)
        } else if f0 < 2.0 {
            (0.1, 1.78)
        } else {
            (0.05, 1.58)
        };
        let c5 = Criterion { passed: sigma_f < epsilon * f0, value: sigma_f, limit: epsilon * f0 };
        let c6 = Criterion { passed: sigma_a[k] < theta, value: sigma_a[k], limit: theta };
        Some(Sesame {
            f0,
            a0,
            reliability: [r1, r2, r3],
            clarity: [c1, c2, c3, c4, c5, c6],
            f_plus,
            f_minus,
            epsilon,
            theta,
        })
    }
}
