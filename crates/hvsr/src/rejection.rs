//! Window rejection: time-domain pre-rejection (hvsrpy's STA/LTA and maximum-amplitude tests),
//! the frequency-domain window rejection algorithm of Cox et al. (2020) (FDWRA), and the seed
//! document's removal of windows whose spectra lie beyond two standard deviations of the mean.
//! Every rejected window keeps the reason it was rejected for.

use crate::peaks::highest_peak;
use crate::stats::{mean, mean_std, nth_std, std};
use crate::{Distribution, HvsrError, Result};
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

/// Why a window was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum RejectionReason {
    /// An STA/LTA ratio of component `component` left [min, max].
    StaLta {
        /// Component code ('N', 'E' or 'Z').
        component: char,
        /// Smallest STA/LTA ratio of the window on that component.
        min_ratio: f64,
        /// Largest STA/LTA ratio.
        max_ratio: f64,
    },
    /// The window's maximum |amplitude| reached the threshold.
    MaxAmplitude {
        /// The window's maximum (relative to the largest window maximum when normalised).
        value: f64,
    },
    /// The H/V curve of the window has no peak in the search range.
    NoPeak,
    /// Rejected by FDWRA at this iteration because its peak frequency fell outside μ ± nσ.
    Fdwra {
        /// Iteration (1-based).
        iteration: usize,
        /// The window's peak frequency.
        f0: f64,
    },
    /// The seed document's 2σ rule: this fraction of the tested frequencies lay outside μ ± nσ.
    TwoSigma {
        /// Fraction of frequencies outside the band.
        fraction_outside: f64,
    },
}

/// State of one window after rejection.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum WindowStatus {
    /// Used in the statistics.
    Valid,
    /// Not used, with the reason.
    Rejected(RejectionReason),
}

impl WindowStatus {
    /// True for [`WindowStatus::Valid`].
    pub fn is_valid(&self) -> bool {
        matches!(self, WindowStatus::Valid)
    }
}

/// hvsrpy's STA/LTA test: STA = mean |x| over consecutive non-overlapping blocks of `sta`
/// seconds, LTA = mean |x| over the first `lta` seconds of the window; the window is rejected
/// if any STA/LTA ratio leaves [`min_ratio`, `max_ratio`] on any tested component. Block sizes
/// follow hvsrpy's `int(sta // dt)` (Python float floor division: 1 s at 100 Hz is 99 samples).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaLtaParams {
    /// STA block length (s), default 1.
    pub sta: f64,
    /// LTA length (s), default 30.
    pub lta: f64,
    /// Lower ratio limit, default 0.2.
    pub min_ratio: f64,
    /// Upper ratio limit, default 2.5.
    pub max_ratio: f64,
    /// Components tested, any of 'N', 'E', 'Z' (default all three).
    pub components: Vec<char>,
}

impl Default for StaLtaParams {
    fn default() -> Self {
        Self { sta: 1.0, lta: 30.0, min_ratio: 0.2, max_ratio: 2.5, components: vec!['N', 'E', 'Z'] }
    }
}

/// A time-domain test applied to each (detrended) window before any spectrum is used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PreRejection {
    /// hvsrpy's STA/LTA test.
    StaLta(StaLtaParams),
    /// Reject windows whose maximum |amplitude| over the three components reaches `threshold`,
    /// relative to the largest window maximum when `normalized` (hvsrpy default 0.9, true).
    MaxAmplitude {
        /// Threshold (relative or absolute).
        threshold: f64,
        /// Whether the threshold is relative to the largest window maximum.
        normalized: bool,
    },
}

impl PreRejection {
    pub(crate) fn check(&self) -> Result<()> {
        match self {
            PreRejection::StaLta(p) => {
                for (name, v) in [("sta", p.sta), ("lta", p.lta)] {
                    if !(v.is_finite() && v > 0.0) {
                        return Err(HvsrError::invalid(name, v, "must be finite and > 0 s"));
                    }
                }
                if !(p.min_ratio.is_finite() && p.max_ratio.is_finite() && p.min_ratio < p.max_ratio) {
                    return Err(HvsrError::invalid(
                        "sta/lta ratio limits",
                        format!("[{}, {}]", p.min_ratio, p.max_ratio),
                        "need finite min < max",
                    ));
                }
                if p.components.is_empty() {
                    return Err(HvsrError::Empty { what: "STA/LTA components" });
                }
                if let Some(c) = p.components.iter().find(|c| !matches!(c, 'N' | 'E' | 'Z')) {
                    return Err(HvsrError::invalid("sta/lta component", c, "must be 'N', 'E' or 'Z'"));
                }
                Ok(())
            }
            PreRejection::MaxAmplitude { threshold, .. } => {
                if threshold.is_finite() && *threshold > 0.0 {
                    Ok(())
                } else {
                    Err(HvsrError::invalid("max amplitude threshold", threshold, "must be finite and > 0"))
                }
            }
        }
    }
}

/// Python's float floor division `a // b` (hvsrpy sizes its STA/LTA blocks with it).
pub(crate) fn py_floordiv(a: f64, b: f64) -> f64 {
    let m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 && ((b < 0.0) != (m < 0.0)) {
        div -= 1.0;
    }
    let f = div.floor();
    if div - f > 0.5 { f + 1.0 } else { f }
}

/// Smallest and largest STA/LTA ratio of one window (hvsrpy's block definition).
pub fn sta_lta_extremes(x: &[f64], sampling_rate: f64, sta: f64, lta: f64) -> Result<(f64, f64)> {
    let dt = 1.0 / sampling_rate;
    let n_sta = py_floordiv(sta, dt) as usize;
    let n_lta = py_floordiv(lta, dt) as usize;
    if n_sta == 0 || n_sta > x.len() {
        return Err(HvsrError::invalid("sta", sta, format!("must span 1..={} samples of the window", x.len())));
    }
    if n_lta == 0 || n_lta > x.len() {
        return Err(HvsrError::invalid("lta", lta, format!("must span 1..={} samples of the window", x.len())));
    }
    let n_blocks = x.len() / n_sta;
    let short = &x[..n_sta * n_blocks];
    let lta_v = short[..n_lta.min(short.len())].iter().map(|v| v.abs()).sum::<f64>() / n_lta.min(short.len()) as f64;
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for b in short.chunks_exact(n_sta) {
        let r = (b.iter().map(|v| v.abs()).sum::<f64>() / n_sta as f64) / lta_v;
        lo = lo.min(r);
        hi = hi.max(r);
    }
    Ok((lo, hi))
}

/// Parameters of FDWRA (Cox et al. 2020), hvsrpy defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FdwraParams {
    /// Number of standard deviations kept around the mean peak frequency (2).
    pub n: f64,
    /// Maximum number of iterations (50).
    pub max_iterations: usize,
    /// Distribution of the window peak frequencies (lognormal).
    pub distribution_fn: Distribution,
    /// Distribution of the mean curve (lognormal).
    pub distribution_mc: Distribution,
    /// Re-test windows rejected in earlier iterations (hvsrpy never re-admits: false).
    pub readmit: bool,
}

impl Default for FdwraParams {
    fn default() -> Self {
        Self {
            n: 2.0,
            max_iterations: 50,
            distribution_fn: Distribution::LogNormal,
            distribution_mc: Distribution::LogNormal,
            readmit: false,
        }
    }
}

/// Parameters of the seed document's 2σ rejection (Castellaro & Mulargia 2009 as described in
/// Di Donato & Castellaro 2024; the statistic, band and fraction are this crate's choices):
/// per frequency of the search range, the lognormal mean μ and std σ of the valid windows'
/// curves; a window is rejected when more than `max_fraction` of those frequencies lie
/// outside exp(ln μ ± n_std·σ). One pass.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TwoSigmaParams {
    /// Width of the band in standard deviations (2).
    pub n_std: f64,
    /// Largest tolerated fraction of frequencies outside the band (0.25).
    pub max_fraction: f64,
    /// Test the smoothed component spectra (NS, EW, Z; default) or the H/V curve.
    pub on_components: bool,
}

impl Default for TwoSigmaParams {
    fn default() -> Self {
        Self { n_std: 2.0, max_fraction: 0.25, on_components: true }
    }
}

/// A spectral rejection step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum SpectralRejection {
    /// FDWRA on the window peak frequencies.
    Fdwra(FdwraParams),
    /// The seed document's 2σ rule.
    TwoSigma(TwoSigmaParams),
}

impl SpectralRejection {
    pub(crate) fn check(&self) -> Result<()> {
        match self {
            SpectralRejection::Fdwra(p) => {
                if !(p.n.is_finite() && p.n > 0.0) {
                    return Err(HvsrError::invalid("fdwra n", p.n, "must be finite and > 0"));
                }
                if p.max_iterations == 0 {
                    return Err(HvsrError::invalid("fdwra max_iterations", 0, "must be ≥ 1"));
                }
                Ok(())
            }
            SpectralRejection::TwoSigma(p) => {
                if !(p.n_std.is_finite() && p.n_std > 0.0) {
                    return Err(HvsrError::invalid("two-sigma n_std", p.n_std, "must be finite and > 0"));
                }
                if !(0.0..1.0).contains(&p.max_fraction) {
                    return Err(HvsrError::invalid("two-sigma max_fraction", p.max_fraction, "must lie in [0, 1)"));
                }
                Ok(())
            }
        }
    }
}

/// Statistics of one FDWRA iteration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FdwraIteration {
    /// Mean window peak frequency before the rejection of this iteration.
    pub mean_fn_before: f64,
    /// Its standard deviation (ln units for lognormal).
    pub std_fn_before: f64,
    /// Mean-curve peak frequency before.
    pub mc_peak_before: f64,
    /// |mean_fn − mc_peak| before.
    pub d_before: f64,
    /// Same after the rejection.
    pub mean_fn_after: f64,
    /// Same after.
    pub std_fn_after: f64,
    /// Same after.
    pub mc_peak_after: f64,
    /// Same after.
    pub d_after: f64,
    /// Valid windows after the iteration.
    pub n_valid: usize,
}

/// How FDWRA ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FdwraOutcome {
    /// |Δd|/d < 0.01 and |Δσ| < 0.01.
    Converged,
    /// Stopped because d or σ became 0 (hvsrpy's early return).
    ZeroStatistic,
    /// `max_iterations` were reached without convergence (hvsrpy crashes here); the state
    /// reached is kept.
    NotConverged,
    /// The mean curve had no peak in the search range.
    NoMeanCurvePeak,
    /// Fewer than two windows had a valid peak, so no standard deviation exists.
    TooFewWindows,
}

/// Report of an FDWRA run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FdwraReport {
    /// Iterations performed.
    pub iterations: usize,
    /// How it ended.
    pub outcome: FdwraOutcome,
    /// Per-iteration statistics.
    pub history: Vec<FdwraIteration>,
}

fn valid_rows(status: &[WindowStatus]) -> Vec<usize> {
    status.iter().enumerate().filter(|(_, s)| s.is_valid()).map(|(i, _)| i).collect()
}

/// Mean curve of the selected rows (a single row is returned as it is, like hvsrpy).
pub(crate) fn mean_curve(dist: Distribution, curves: ArrayView2<f64>, rows: &[usize]) -> Vec<f64> {
    let mut col = Vec::with_capacity(rows.len());
    (0..curves.ncols())
        .map(|j| {
            col.clear();
            col.extend(rows.iter().map(|&r| curves[[r, j]]));
            if col.len() == 1 { col[0] } else { mean(dist, &col) }
        })
        .collect()
}

/// Run FDWRA in place on `status` (only windows with a peak and status `Valid` take part;
/// with `readmit`, windows FDWRA rejected earlier are re-tested too).
pub(crate) fn fdwra(
    p: &FdwraParams,
    freqs: &[f64],
    curves: ArrayView2<f64>,
    peaks: &[Option<(f64, f64)>],
    status: &mut [WindowStatus],
    search: (usize, usize),
) -> FdwraReport {
    let stats = |status: &[WindowStatus]| -> Option<(f64, f64, Option<f64>)> {
        let fns: Vec<f64> =
            status.iter().zip(peaks).filter(|(s, _)| s.is_valid()).filter_map(|(_, p)| p.map(|p| p.0)).collect();
        if fns.len() < 2 {
            return None;
        }
        let rows = valid_rows(status);
        let mc = mean_curve(p.distribution_mc, curves, &rows);
        let mcp = highest_peak(&mc, search.0, search.1).map(|i| freqs[i]);
        Some((mean(p.distribution_fn, &fns), std(p.distribution_fn, &fns), mcp))
    };
    let mut history = Vec::new();
    for it in 1..=p.max_iterations {
        let Some((m0, s0, mc0)) = stats(status) else {
            return FdwraReport { iterations: it - 1, outcome: FdwraOutcome::TooFewWindows, history };
        };
        let Some(mc0) = mc0 else {
            return FdwraReport { iterations: it - 1, outcome: FdwraOutcome::NoMeanCurvePeak, history };
        };
        let d0 = (m0 - mc0).abs();
        let lower = nth_std(p.distribution_fn, m0, s0, -p.n);
        let upper = nth_std(p.distribution_fn, m0, s0, p.n);
        for (s, pk) in status.iter_mut().zip(peaks) {
            let eligible =
                s.is_valid() || (p.readmit && matches!(s, WindowStatus::Rejected(RejectionReason::Fdwra { .. })));
            if let (true, Some((f0, _))) = (eligible, pk) {
                *s = if *f0 > lower && *f0 < upper {
                    WindowStatus::Valid
                } else if s.is_valid() {
                    WindowStatus::Rejected(RejectionReason::Fdwra { iteration: it, f0: *f0 })
                } else {
                    *s
                };
            }
        }
        let n_valid = status.iter().filter(|s| s.is_valid()).count();
        let Some((m1, s1, mc1)) = stats(status) else {
            return FdwraReport { iterations: it, outcome: FdwraOutcome::TooFewWindows, history };
        };
        let Some(mc1) = mc1 else {
            return FdwraReport { iterations: it, outcome: FdwraOutcome::NoMeanCurvePeak, history };
        };
        let d1 = (m1 - mc1).abs();
        history.push(FdwraIteration {
            mean_fn_before: m0,
            std_fn_before: s0,
            mc_peak_before: mc0,
            d_before: d0,
            mean_fn_after: m1,
            std_fn_after: s1,
            mc_peak_after: mc1,
            d_after: d1,
            n_valid,
        });
        if d0 == 0.0 || s0 == 0.0 || s1 == 0.0 {
            return FdwraReport { iterations: it, outcome: FdwraOutcome::ZeroStatistic, history };
        }
        if (d1 - d0).abs() / d0 < 0.01 && (s1 - s0).abs() < 0.01 {
            return FdwraReport { iterations: it, outcome: FdwraOutcome::Converged, history };
        }
    }
    FdwraReport { iterations: p.max_iterations, outcome: FdwraOutcome::NotConverged, history }
}

/// The 2σ rule in place on `status`, testing each curve set in `sets` over columns `lo..hi`.
pub(crate) fn two_sigma(
    p: &TwoSigmaParams,
    sets: &[ArrayView2<f64>],
    status: &mut [WindowStatus],
    search: (usize, usize),
) {
    let rows = valid_rows(status);
    if rows.len() < 3 {
        return;
    }
    let (lo, hi) = search;
    let mut worst = vec![0.0f64; status.len()];
    let mut col = Vec::with_capacity(rows.len());
    let mut logs = Vec::with_capacity(rows.len());
    for set in sets {
        let mut outside = vec![0usize; status.len()];
        for j in lo..hi {
            col.clear();
            col.extend(rows.iter().map(|&r| set[[r, j]]));
            let (m, s) = mean_std(Distribution::LogNormal, &col, &mut logs);
            let (a, b) =
                (nth_std(Distribution::LogNormal, m, s, -p.n_std), nth_std(Distribution::LogNormal, m, s, p.n_std));
            for &r in &rows {
                let v = set[[r, j]];
                if v < a || v > b {
                    outside[r] += 1;
                }
            }
        }
        for &r in &rows {
            worst[r] = worst[r].max(outside[r] as f64 / (hi - lo) as f64);
        }
    }
    for &r in &rows {
        if worst[r] > p.max_fraction {
            status[r] = WindowStatus::Rejected(RejectionReason::TwoSigma { fraction_outside: worst[r] });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_floor_division() {
        assert_eq!(py_floordiv(1.0, 0.01), 99.0);
        assert_eq!(py_floordiv(30.0, 0.01), 2999.0);
        assert_eq!(py_floordiv(1.0, 0.02), 49.0);
        assert_eq!(py_floordiv(7.0, 2.0), 3.0);
    }

    #[test]
    fn sta_lta_flags_a_burst() {
        let mut x: Vec<f64> = (0..6001).map(|i| ((i * 7919 % 101) as f64 - 50.0) / 50.0).collect();
        let (lo, hi) = sta_lta_extremes(&x, 100.0, 1.0, 30.0).unwrap();
        assert!(lo > 0.5 && hi < 2.0, "{lo} {hi}");
        for v in &mut x[4000..4100] {
            *v *= 10.0;
        }
        let (_, hi) = sta_lta_extremes(&x, 100.0, 1.0, 30.0).unwrap();
        assert!(hi > 2.5);
        assert!(sta_lta_extremes(&x, 100.0, 100.0, 30.0).is_err());
    }
}
