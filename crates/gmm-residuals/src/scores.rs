//! Goodness-of-fit scores of ground-motion models and model weights: RMSE, R², the Gaussian
//! negative log-likelihood and standardised residuals of seed 004, LH (Scherbaum et al. 2004),
//! LLH (Scherbaum et al. 2009) in density and toolkit forms, EDR (Kale & Akkar 2013) and the
//! stochastic area (Sunny et al. 2021), plus weights and ranking across models.

use crate::error::{check_finite, check_len};
use crate::special::{erfc, normal_cdf, normal_ln_pdf};
use crate::{ResidualsError, Result};

fn pair(what: &str, a: &[f64], b: &[f64]) -> Result<()> {
    check_finite(what, a)?;
    check_len(what, a.len(), b.len())?;
    check_finite(what, b)
}

fn positive(what: &str, s: &[f64]) -> Result<()> {
    match s.iter().enumerate().find(|(_, v)| **v <= 0.0 || !v.is_finite()) {
        Some((index, &value)) => Err(ResidualsError::InvalidInput {
            record: index,
            column: what.to_string(),
            value,
            reason: "must be finite and > 0".into(),
        }),
        None => Ok(()),
    }
}

/// Root-mean-square error √(Σ (y − ŷ)²/N).
pub fn rmse(observed: &[f64], predicted: &[f64]) -> Result<f64> {
    pair("rmse", observed, predicted)?;
    let n = observed.len() as f64;
    Ok((observed.iter().zip(predicted).map(|(y, p)| (y - p).powi(2)).sum::<f64>() / n).sqrt())
}

/// Coefficient of determination R² = 1 − Σ (ŷ − y)² / Σ (ȳ − y)².
pub fn r2(observed: &[f64], predicted: &[f64]) -> Result<f64> {
    pair("r2", observed, predicted)?;
    let n = observed.len() as f64;
    let mean = observed.iter().sum::<f64>() / n;
    let ss_res: f64 = observed.iter().zip(predicted).map(|(y, p)| (p - y).powi(2)).sum();
    let ss_tot: f64 = observed.iter().map(|y| (mean - y).powi(2)).sum();
    if ss_tot == 0.0 {
        return Err(ResidualsError::invalid("observed", "constant", "R² undefined for constant observations"));
    }
    Ok(1.0 - ss_res / ss_tot)
}

/// Gaussian negative log-likelihood of seed 004 (eq. 10): Σ_n [ln σ̂²_n + (y_n − ŷ_n)²/σ̂²_n]
/// (no ½ factor, no 2π constant), over the records whose `mask` entry is true (all if `None`),
/// e.g. the map pixels that hold stations.
pub fn gaussian_nll(observed: &[f64], predicted: &[f64], variance: &[f64], mask: Option<&[bool]>) -> Result<f64> {
    let n = observed.len();
    check_len("predicted", n, predicted.len())?;
    check_len("variance", n, variance.len())?;
    if let Some(m) = mask {
        check_len("mask", n, m.len())?;
    }
    let mut total = 0.0;
    let mut used = 0usize;
    for i in 0..n {
        if mask.is_some_and(|m| !m[i]) {
            continue;
        }
        let (y, p, v) = (observed[i], predicted[i], variance[i]);
        for (what, x) in [("observed", y), ("predicted", p), ("variance", v)] {
            if !x.is_finite() {
                return Err(ResidualsError::NonFinite { what: what.into(), index: i, value: x });
            }
        }
        if v <= 0.0 {
            return Err(ResidualsError::InvalidInput {
                record: i,
                column: "variance".into(),
                value: v,
                reason: "must be > 0".into(),
            });
        }
        total += v.ln() + (y - p).powi(2) / v;
        used += 1;
    }
    if used == 0 {
        return Err(ResidualsError::Empty { what: "records selected by the mask".into() });
    }
    Ok(total)
}

/// Standardised residuals (y − ŷ)/σ̂ (seed 004, eq. 14).
pub fn standardized_residuals(observed: &[f64], predicted: &[f64], sigma: &[f64]) -> Result<Vec<f64>> {
    pair("standardized_residuals", observed, predicted)?;
    check_len("sigma", observed.len(), sigma.len())?;
    positive("sigma", sigma)?;
    Ok(observed.iter().zip(predicted).zip(sigma).map(|((y, p), s)| (y - p) / s).collect())
}

/// Likelihood LH(z) = 1 − erf(|z|/√2) of normalised residuals (Scherbaum et al. 2004).
pub fn lh_values(z: &[f64]) -> Result<Vec<f64>> {
    check_finite("normalised residuals", z)?;
    Ok(z.iter().map(|v| erfc(v.abs() / std::f64::consts::SQRT_2)).collect())
}

/// Median and inter-quartile range (numpy "linear" percentiles) of LH.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LhSummary {
    /// Median LH (0.5 for a perfect model).
    pub median: f64,
    /// 75th − 25th percentile.
    pub iqr: f64,
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Median and IQR of LH for normalised residuals `z`.
pub fn lh(z: &[f64]) -> Result<LhSummary> {
    let mut v = lh_values(z)?;
    v.sort_by(f64::total_cmp);
    Ok(LhSummary { median: percentile(&v, 0.5), iqr: percentile(&v, 0.75) - percentile(&v, 0.25) })
}

/// Which form of the sample log-likelihood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LlhForm {
    /// Proper predictive density: −(1/N) Σ log2 N(ln y; μ, σ²) (Scherbaum et al. 2009).
    Density,
    /// GEM toolkit: −(1/N) Σ log2 φ(z) of the standard-normal pdf of z = (ln y − μ)/σ, i.e.
    /// without the −log2 σ term (for parity).
    Toolkit,
}

/// Sample log-likelihood LLH of observations `observed` (ln units) under N(mean, sigma²).
pub fn llh(observed: &[f64], mean: &[f64], sigma: &[f64], form: LlhForm) -> Result<f64> {
    pair("llh", observed, mean)?;
    check_len("sigma", observed.len(), sigma.len())?;
    positive("sigma", sigma)?;
    let n = observed.len() as f64;
    let ln2 = std::f64::consts::LN_2;
    let s: f64 = observed
        .iter()
        .zip(mean)
        .zip(sigma)
        .map(|((&y, &m), &s)| match form {
            LlhForm::Density => normal_ln_pdf(y, m, s),
            LlhForm::Toolkit => normal_ln_pdf((y - m) / s, 0.0, 1.0),
        })
        .sum();
    Ok(-s / (n * ln2))
}

/// Result of [`edr`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edr {
    /// Normalised modified Euclidean distance √(mean MDE²).
    pub mde_norm: f64,
    /// √κ, the bias-correction factor.
    pub sqrt_kappa: f64,
    /// EDR = √κ · MDE_norm.
    pub edr: f64,
}

/// Euclidean distance-based ranking (Kale & Akkar 2013) as implemented in the GEM toolkit:
/// bandwidth Δ (0.01), multiplier x (3). Non-finite (obs, mean, σ) triples are removed.
pub fn edr(observed: &[f64], mean: &[f64], sigma: &[f64], bandwidth: f64, multiplier: f64) -> Result<Edr> {
    check_len("mean", observed.len(), mean.len())?;
    check_len("sigma", observed.len(), sigma.len())?;
    if !(bandwidth.is_finite() && bandwidth > 0.0) {
        return Err(ResidualsError::invalid("bandwidth", bandwidth, "must be > 0"));
    }
    if !(multiplier.is_finite() && multiplier > 0.0) {
        return Err(ResidualsError::invalid("multiplier", multiplier, "must be > 0"));
    }
    let keep: Vec<usize> = (0..observed.len())
        .filter(|&i| observed[i].is_finite() && mean[i].is_finite() && sigma[i].is_finite())
        .collect();
    if keep.len() < 2 {
        return Err(ResidualsError::Empty { what: "finite (observed, mean, sigma) triples for EDR".into() });
    }
    let o: Vec<f64> = keep.iter().map(|&i| observed[i]).collect();
    let m: Vec<f64> = keep.iter().map(|&i| mean[i]).collect();
    let s: Vec<f64> = keep.iter().map(|&i| sigma[i]).collect();
    positive("sigma", &s)?;
    let n = o.len() as f64;
    let mut dmax = f64::NEG_INFINITY;
    for i in 0..o.len() {
        dmax = dmax.max((o[i] - (m[i] - multiplier * s[i])).abs()).max((o[i] - (m[i] + multiplier * s[i])).abs());
    }
    let dmax = dmax.ceil();
    let half = bandwidth / 2.0;
    // number of points of numpy.arange(Δ/2, d_max, Δ)
    let k = ((dmax - half) / bandwidth).ceil().max(0.0) as usize;
    let mut sum_sq = 0.0;
    for i in 0..o.len() {
        let mu_d = o[i] - m[i];
        let p = |d: f64| normal_cdf((d - mu_d) / s[i]) - normal_cdf((-d - mu_d) / s[i]);
        let mut mde = 0.0;
        let mut p_lo = p(0.0);
        for j in 0..k {
            let d = half + j as f64 * bandwidth;
            let p_hi = p(d + half);
            mde += (p_hi - p_lo) * d;
            p_lo = p_hi;
        }
        sum_sq += mde * mde;
    }
    let mde_norm = (sum_sq / n).sqrt();
    let (mo, mm) = (o.iter().sum::<f64>() / n, m.iter().sum::<f64>() / n);
    let sxy: f64 = o.iter().zip(&m).map(|(a, b)| (a - mo) * (b - mm)).sum();
    let sxx: f64 = o.iter().map(|a| (a - mo).powi(2)).sum();
    if sxx == 0.0 {
        return Err(ResidualsError::invalid("observed", "constant", "EDR κ undefined for constant observations"));
    }
    let b1 = sxy / sxx;
    let b0 = mm - b1 * mo;
    let de_orig: f64 = o.iter().zip(&m).map(|(a, b)| (a - b).powi(2)).sum();
    let de_corr: f64 = o.iter().zip(&m).map(|(a, b)| (a - (b - ((b0 + b1 * a) - a))).powi(2)).sum();
    let sqrt_kappa = (de_orig / de_corr).sqrt();
    Ok(Edr { mde_norm, sqrt_kappa, edr: sqrt_kappa * mde_norm })
}

fn trapz(x: &[f64], y: &[f64]) -> f64 {
    x.windows(2).zip(y.windows(2)).map(|(xw, yw)| (xw[1] - xw[0]) * (yw[0] + yw[1]) / 2.0).sum()
}

/// Stochastic area as implemented in the GEM toolkit (Sunny et al. 2021 metric, toolkit form):
/// the ECDF of the finite observations as a step curve and the sorted predicted means with
/// probabilities 1/n…1 (σ unused), both restricted to the overlapping range, integrated by the
/// trapezoid rule; result = max(1e-9, |area_gmm − area_obs|). The conventional area metric would
/// integrate |F_model − F_obs| with the model's full predictive distribution; this is the
/// toolkit's deviation, kept for parity.
pub fn stochastic_area(observed: &[f64], mean: &[f64]) -> Result<f64> {
    check_len("mean", observed.len(), mean.len())?;
    let mut o: Vec<f64> = observed.iter().copied().filter(|v| v.is_finite()).collect();
    let mut m: Vec<f64> = mean.iter().copied().filter(|v| v.is_finite()).collect();
    if o.is_empty() || m.is_empty() {
        return Err(ResidualsError::Empty { what: "finite observations / predictions".into() });
    }
    o.sort_by(f64::total_cmp);
    m.sort_by(f64::total_cmp);
    let no = o.len() as f64;
    let mut xo = Vec::with_capacity(2 * o.len());
    let mut yo = Vec::with_capacity(2 * o.len());
    for (i, &v) in o.iter().enumerate() {
        xo.push(v);
        yo.push(i as f64 / no);
        xo.push(v);
        yo.push((i + 1) as f64 / no);
    }
    let nm = m.len() as f64;
    let ym: Vec<f64> = (1..=m.len()).map(|i| i as f64 / nm).collect();
    let lo = o[0].max(m[0]);
    let hi = o[o.len() - 1].min(m[m.len() - 1]);
    let restrict = |x: &[f64], y: &[f64]| -> (Vec<f64>, Vec<f64>) {
        x.iter().zip(y).filter(|(v, _)| **v >= lo && **v <= hi).map(|(a, b)| (*a, *b)).unzip()
    };
    let (xo, yo) = restrict(&xo, &yo);
    let (xm, ym) = restrict(&m, &ym);
    Ok((trapz(&xm, &ym) - trapz(&xo, &yo)).abs().max(1e-9))
}

/// Which score a weight is derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightScheme {
    /// w ∝ 2^(−LLH).
    Llh,
    /// w ∝ 1/EDR.
    Edr,
    /// w ∝ 1/stochastic area.
    StochasticArea,
}

/// Normalised model weights from one score per model.
pub fn weights(scores: &[f64], scheme: WeightScheme) -> Result<Vec<f64>> {
    check_finite("scores", scores)?;
    let raw: Vec<f64> = match scheme {
        WeightScheme::Llh => {
            // shift by the minimum for numerical safety: the ratio is unchanged
            let min = scores.iter().copied().fold(f64::INFINITY, f64::min);
            scores.iter().map(|s| (-(s - min) * std::f64::consts::LN_2).exp()).collect()
        }
        WeightScheme::Edr | WeightScheme::StochasticArea => {
            positive("scores", scores)?;
            scores.iter().map(|s| 1.0 / s).collect()
        }
    };
    let sum: f64 = raw.iter().sum();
    Ok(raw.iter().map(|w| w / sum).collect())
}

/// Model indices ordered from best to worst (lower LLH/EDR/area is better).
pub fn ranking(scores: &[f64]) -> Result<Vec<usize>> {
    check_finite("scores", scores)?;
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    Ok(idx)
}
