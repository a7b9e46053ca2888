//! Scoring shared by the fitted mixtures: every prediction derives from the weighted
//! log-probabilities `log π_k + log p(x | θ_k)` of a [`LogProbPlan`].

use crate::estep::{LogProbPlan, logsumexp, weighted_log_prob as wlp_rows};
use crate::validate::check_features;
use crate::{GmmError, Result};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

/// Weighted log-probabilities (`n × k`) after checking `x` against the fitted feature count.
/// Error for a row whose likelihood is not representable (every entry `-inf` or NaN from an
/// overflowing quadratic form): its probabilities would be NaN.
pub(crate) fn weighted_log_prob(plan: &LogProbPlan, x: ArrayView2<f64>, n_features: usize) -> Result<Array2<f64>> {
    let x = check_features("mixture data", x, n_features)?;
    let out = wlp_rows(plan, x.as_slice().expect("standard layout"));
    if let Some(row) = out.chunks_exact(plan.k).position(|r| r.iter().any(|v| v.is_nan()) || logsumexp(r).is_infinite())
    {
        return Err(GmmError::NonFiniteLikelihood { row });
    }
    Ok(Array2::from_shape_vec((x.nrows(), plan.k), out).expect("n × k"))
}

/// `log Σ_k exp(w_ik)` of every row.
pub(crate) fn score_samples(w: &Array2<f64>) -> Array1<f64> {
    w.rows().into_iter().map(|r| logsumexp(r.as_slice().expect("row-major"))).collect()
}

/// Mean of [`score_samples`].
pub(crate) fn score(w: &Array2<f64>) -> f64 {
    score_samples(w).mean().unwrap_or(f64::NAN)
}

/// Rows normalised in log space into posterior probabilities.
pub(crate) fn predict_proba(mut w: Array2<f64>) -> Array2<f64> {
    for mut row in w.rows_mut() {
        let lse = logsumexp(row.as_slice().expect("row-major"));
        row.mapv_inplace(|v| (v - lse).exp());
    }
    w
}

/// Index of the largest entry of every row.
pub(crate) fn predict(w: &Array2<f64>) -> Array1<usize> {
    w.rows().into_iter().map(argmax).collect()
}

pub(crate) fn argmax(r: ArrayView1<f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, &v) in r.iter().enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best.0
}
