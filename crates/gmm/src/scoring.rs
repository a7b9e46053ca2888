//! Scoring shared by the fitted mixtures: every prediction derives from the weighted
//! log-probabilities `log π_k + log p(x | θ_k)` of a [`LogProbPlan`].

use crate::estep::{LogProbPlan, Samples, logsumexp, weighted_log_prob as wlp_rows};
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

/// The error for a fit iteration whose total log-likelihood is not finite, named after its
/// cause: the first component with a NaN or `+inf` log-probability (its covariance collapsed
/// or overflowed), else the first row that lies beyond every component. Only called on the
/// error path, so recomputing the log-probabilities costs nothing in a successful fit.
pub(crate) fn non_finite_fit(plan: &LogProbPlan, s: &Samples, reg_covar: f64) -> GmmError {
    let k = plan.k;
    let mut out = vec![0.0; s.n * k];
    plan.weighted_log_prob(s, 0, s.n, &mut out);
    if let Some(i) = out.iter().position(|v| v.is_nan() || *v == f64::INFINITY) {
        return GmmError::IllDefinedCovariance { component: i % k, reg_covar };
    }
    let lse: Vec<f64> = out.chunks_exact(k).map(logsumexp).collect();
    // Every row finite but their sum overflowed: the row of largest magnitude dominates it.
    let row = lse.iter().position(|v| v.is_infinite()).unwrap_or_else(|| {
        lse.iter().enumerate().fold((0, 0.0f64), |b, (i, v)| if v.abs() > b.1 { (i, v.abs()) } else { b }).0
    });
    GmmError::NonFiniteLikelihood { row }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::covariance::CovMatrices;
    use ndarray::array;

    fn plan(prec_chol: Array2<f64>) -> LogProbPlan {
        let means = array![[0.0, 0.0], [5.0, 5.0]];
        LogProbPlan::new(means.view(), &CovMatrices::Diag(prec_chol), vec![0.5f64.ln(); 2], None, None)
    }

    #[test]
    fn names_the_collapsed_component() {
        let x = [0.1, 0.2, 5.1, 5.0, 4.9, 5.2];
        let s = Samples::new(&x, 2);
        // Component 1's precision overflowed: its log-probabilities are NaN or +inf.
        let e = non_finite_fit(&plan(array![[1.0, 1.0], [1.0, f64::INFINITY]]), &s, 0.0);
        assert!(matches!(e, GmmError::IllDefinedCovariance { component: 1, .. }), "{e}");
    }

    #[test]
    fn names_the_row_beyond_every_component() {
        let x = [0.1, 0.2, 5.1, 5.0, 1e200, 0.0];
        let s = Samples::new(&x, 2);
        let e = non_finite_fit(&plan(array![[1.0, 1.0], [1.0, 1.0]]), &s, 1e-6);
        assert!(matches!(e, GmmError::NonFiniteLikelihood { row: 2 }), "{e}");
    }
}
