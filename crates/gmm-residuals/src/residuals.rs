//! Residuals of observations against a ground-motion model: total, between-event and
//! within-event terms (Abrahamson & Youngs 1992), normalised residuals and their statistics.
//!
//! All quantities are in natural-log units: observations as ln g (PGA, SA) or ln cm/s (PGV), as
//! the model means of [`crate::gmpe`].

use crate::error::{check_finite, check_len};
use crate::{ResidualsError, Result};

/// Per-record model outputs and observations of one IMT.
#[derive(Debug, Clone, Copy)]
pub struct ResidualInput<'a> {
    /// Observed ln y per record.
    pub observed: &'a [f64],
    /// Model ln mean per record.
    pub mean: &'a [f64],
    /// Total σ per record.
    pub sigma: &'a [f64],
    /// τ per record.
    pub tau: &'a [f64],
    /// φ per record.
    pub phi: &'a [f64],
    /// Event index per record (0 … n_events − 1).
    pub event: &'a [usize],
}

impl ResidualInput<'_> {
    pub(crate) fn validate(&self) -> Result<usize> {
        let n = self.observed.len();
        check_finite("observed", self.observed)?;
        for (what, v) in [("mean", self.mean), ("sigma", self.sigma), ("tau", self.tau), ("phi", self.phi)] {
            check_len(what, n, v.len())?;
            check_finite(what, v)?;
        }
        for (what, v) in [("sigma", self.sigma), ("tau", self.tau), ("phi", self.phi)] {
            if let Some((index, &value)) = v.iter().enumerate().find(|(_, x)| **x <= 0.0) {
                return Err(ResidualsError::InvalidInput {
                    record: index,
                    column: what.into(),
                    value,
                    reason: "standard deviations must be > 0".into(),
                });
            }
        }
        check_len("event", n, self.event.len())?;
        Ok(n)
    }
}

/// Residual decomposition of one IMT.
#[derive(Debug, Clone, PartialEq)]
pub struct Residuals {
    /// Total residual r = ln y − μ per record.
    pub total: Vec<f64>,
    /// Between-event term δB of the record's event, per record.
    pub between: Vec<f64>,
    /// Within-event residual δW = r − δB per record.
    pub within: Vec<f64>,
    /// δB per event index (NaN for an index without records).
    pub event_terms: Vec<f64>,
    /// τ̄ per event (mean τ of its records; NaN without records).
    pub event_tau: Vec<f64>,
    /// Records per event.
    pub event_counts: Vec<usize>,
    /// r / σ per record.
    pub normalized_total: Vec<f64>,
    /// δB_e / τ̄_e per event (NaN without records).
    pub normalized_between: Vec<f64>,
    /// δW / φ per record (per-record φ).
    pub normalized_within: Vec<f64>,
}

/// Decompose the residuals of one IMT (Abrahamson & Youngs 1992, eq. 10):
/// δB_e = τ̄²·Σ_s r_es / (n_e τ̄² + φ̄²) with τ̄, φ̄ the means of the event's τ and φ (as the GEM
/// strong-motion toolkit); δW = r − δB. Normalised: r/σ, δB/τ̄, δW/φ.
pub fn decompose(input: &ResidualInput<'_>) -> Result<Residuals> {
    input.validate()?;
    let n_events = input.event.iter().copied().max().map_or(0, |m| m + 1);
    let total: Vec<f64> = input.observed.iter().zip(input.mean).map(|(o, m)| o - m).collect();
    let mut sum_r = vec![0.0; n_events];
    let mut sum_tau = vec![0.0; n_events];
    let mut sum_phi = vec![0.0; n_events];
    let mut counts = vec![0usize; n_events];
    for (i, (&e, &r)) in input.event.iter().zip(&total).enumerate() {
        sum_r[e] += r;
        sum_tau[e] += input.tau[i];
        sum_phi[e] += input.phi[i];
        counts[e] += 1;
    }
    let mut event_terms = vec![f64::NAN; n_events];
    let mut event_tau = vec![f64::NAN; n_events];
    for e in 0..n_events {
        if counts[e] > 0 {
            let ne = counts[e] as f64;
            let (t, p) = (sum_tau[e] / ne, sum_phi[e] / ne);
            event_tau[e] = t;
            event_terms[e] = t * t * sum_r[e] / (ne * t * t + p * p);
        }
    }
    let between: Vec<f64> = input.event.iter().map(|&e| event_terms[e]).collect();
    let within: Vec<f64> = total.iter().zip(&between).map(|(r, b)| r - b).collect();
    Ok(Residuals {
        normalized_total: total.iter().zip(input.sigma).map(|(r, s)| r / s).collect(),
        normalized_between: event_terms.iter().zip(&event_tau).map(|(b, t)| b / t).collect(),
        normalized_within: within.iter().zip(input.phi).map(|(w, p)| w / p).collect(),
        total,
        between,
        within,
        event_terms,
        event_tau,
        event_counts: counts,
    })
}

/// Mean and population standard deviation of residuals (NaN ignored, as numpy's nanmean/nanstd).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanStd {
    /// Mean.
    pub mean: f64,
    /// Population standard deviation.
    pub std: f64,
    /// Number of finite values used.
    pub count: usize,
}

/// Mean and population std of the finite values of `x` (NaN mean/std when there are none).
pub fn mean_std(x: &[f64]) -> MeanStd {
    let v: Vec<f64> = x.iter().copied().filter(|v| v.is_finite()).collect();
    if v.is_empty() {
        return MeanStd { mean: f64::NAN, std: f64::NAN, count: 0 };
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    MeanStd { mean, std: var.sqrt(), count: v.len() }
}

/// Statistics of the normalised residuals (ideal model: mean 0, std 1); the between-event term is
/// counted once per event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResidualStats {
    /// Normalised total residuals.
    pub total: MeanStd,
    /// Normalised between-event residuals (one per event).
    pub between: MeanStd,
    /// Normalised within-event residuals.
    pub within: MeanStd,
}

impl Residuals {
    /// Mean and population std of the normalised residuals.
    pub fn stats(&self) -> ResidualStats {
        ResidualStats {
            total: mean_std(&self.normalized_total),
            between: mean_std(&self.normalized_between),
            within: mean_std(&self.normalized_within),
        }
    }
}

/// Turn arbitrary labels (event or station ids) into dense indices 0…k−1 in order of first
/// appearance; returns the indices and the distinct labels.
pub fn dense_labels<T: Eq + std::hash::Hash + Clone>(labels: &[T]) -> (Vec<usize>, Vec<T>) {
    let mut map = std::collections::HashMap::new();
    let mut uniq = Vec::new();
    let idx = labels
        .iter()
        .map(|l| {
            *map.entry(l.clone()).or_insert_with(|| {
                uniq.push(l.clone());
                uniq.len() - 1
            })
        })
        .collect();
    (idx, uniq)
}
