//! The clustering loss of Seydoux et al. (2020): the negative mean log-likelihood of the
//! PCA-projected features under a fixed Gaussian mixture, and its gradient with respect to the
//! features. The projection and the mixture are fitted elsewhere (e.g. `gmm::Pca` and
//! `gmm::GaussianMixture`) and passed in as plain arrays, held constant during a step.

use ndarray::{Array1, Array2, Array3, ArrayView1, ArrayView2, ArrayView3, Axis};

use crate::error::{Result, ScatterError};

/// A linear projection `z = (x − mean) · componentsᵀ` (scikit-learn's `PCA.transform` without
/// whitening: `components` is `n_components × n_features`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Projection {
    mean: Array1<f64>,
    components: Array2<f64>,
}

impl Projection {
    /// A projection from a mean (`n_features`) and components (`n_components × n_features`).
    pub fn new(mean: ArrayView1<f64>, components: ArrayView2<f64>) -> Result<Self> {
        if components.ncols() != mean.len() || components.nrows() == 0 {
            return Err(ScatterError::ShapeMismatch {
                what: "projection components (n_components × n_features) vs mean".into(),
                expected: format!("(≥ 1, {})", mean.len()),
                got: format!("{:?}", components.shape()),
            });
        }
        check_finite("projection mean", mean.iter())?;
        check_finite("projection components", components.iter())?;
        Ok(Projection { mean: mean.to_owned(), components: components.to_owned() })
    }

    /// The mean subtracted before projecting (`n_features`).
    pub fn mean(&self) -> ArrayView1<'_, f64> {
        self.mean.view()
    }

    /// The components (`n_components × n_features`).
    pub fn components(&self) -> ArrayView2<'_, f64> {
        self.components.view()
    }

    /// Number of input features.
    pub fn n_features(&self) -> usize {
        self.mean.len()
    }

    /// Number of projected dimensions.
    pub fn n_components(&self) -> usize {
        self.components.nrows()
    }

    /// Project `x` (`n_samples × n_features`).
    pub fn transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        if x.ncols() != self.n_features() {
            return Err(ScatterError::ShapeMismatch {
                what: "features to project".into(),
                expected: format!("{} columns", self.n_features()),
                got: format!("{} columns", x.ncols()),
            });
        }
        Ok((&x - &self.mean.view().insert_axis(Axis(0))).dot(&self.components.t()))
    }
}

/// A Gaussian mixture with full covariances, prepared for repeated density evaluation.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MixtureDensity {
    log_weights: Array1<f64>,
    means: Array2<f64>,
    precisions: Array3<f64>,
    /// `−½·d·ln 2π + ½·ln|P|` per component.
    log_norm: Array1<f64>,
}

impl MixtureDensity {
    /// From weights (`k`, positive, summing to 1), means (`k × d`) and full precision matrices
    /// (`k × d × d`, symmetric positive definite).
    pub fn from_precisions(
        weights: ArrayView1<f64>,
        means: ArrayView2<f64>,
        precisions: ArrayView3<f64>,
    ) -> Result<Self> {
        let (k, d) = means.dim();
        if weights.len() != k || precisions.dim() != (k, d, d) || k == 0 || d == 0 {
            return Err(ScatterError::ShapeMismatch {
                what: "mixture weights (k), means (k × d), precisions (k × d × d)".into(),
                expected: format!("({k}), ({k}, {d}), ({k}, {d}, {d}) with k, d ≥ 1"),
                got: format!("({}), {:?}, {:?}", weights.len(), means.shape(), precisions.shape()),
            });
        }
        check_finite("mixture weights", weights.iter())?;
        check_finite("mixture means", means.iter())?;
        check_finite("mixture precisions", precisions.iter())?;
        if let Some((i, &w)) = weights.iter().enumerate().find(|(_, w)| **w <= 0.0) {
            return Err(ScatterError::invalid("weights", format!("{w} (component {i})"), "weights must be positive"));
        }
        let total: f64 = weights.sum();
        if (total - 1.0).abs() > 1e-6 {
            return Err(ScatterError::invalid("weights", total, "weights must sum to 1"));
        }
        let mut log_norm = Array1::zeros(k);
        for c in 0..k {
            let ld = seis_core::linalg::logdet_spd(precisions.index_axis(Axis(0), c))?;
            log_norm[c] = -0.5 * d as f64 * (2.0 * std::f64::consts::PI).ln() + 0.5 * ld;
        }
        Ok(MixtureDensity {
            log_weights: weights.mapv(f64::ln),
            means: means.to_owned(),
            precisions: precisions.to_owned(),
            log_norm,
        })
    }

    /// Dimension of the space the mixture lives in.
    pub fn dim(&self) -> usize {
        self.means.ncols()
    }

    /// Negative mean log-likelihood of `z` (`n × d`) and its gradient with respect to `z`.
    pub fn nll_and_gradient(&self, z: ArrayView2<f64>) -> Result<(f64, Array2<f64>)> {
        let (n, d) = z.dim();
        if d != self.dim() || n == 0 {
            return Err(ScatterError::ShapeMismatch {
                what: "projected features".into(),
                expected: format!("(≥ 1, {})", self.dim()),
                got: format!("{:?}", z.shape()),
            });
        }
        let k = self.means.nrows();
        let mut grad = Array2::zeros((n, d));
        let mut total = 0.0;
        let mut logp = vec![0.0; k];
        let mut pdiff = vec![vec![0.0; d]; k];
        for (i, zi) in z.outer_iter().enumerate() {
            for c in 0..k {
                let mu = self.means.row(c);
                let p = self.precisions.index_axis(Axis(0), c);
                let diff: Vec<f64> = zi.iter().zip(mu).map(|(a, b)| a - b).collect();
                let mut quad = 0.0;
                for r in 0..d {
                    let pr: f64 = (0..d).map(|s| p[[r, s]] * diff[s]).sum();
                    pdiff[c][r] = pr;
                    quad += diff[r] * pr;
                }
                logp[c] = self.log_weights[c] + self.log_norm[c] - 0.5 * quad;
            }
            let mx = logp.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let lse = mx + logp.iter().map(|l| (l - mx).exp()).sum::<f64>().ln();
            total -= lse;
            // ∂(−log p)/∂z = Σ_c r_c · P_c (z − μ_c)
            let mut gi = grad.row_mut(i);
            for c in 0..k {
                let r = (logp[c] - lse).exp();
                for (g, v) in gi.iter_mut().zip(&pdiff[c]) {
                    *g += r * v / n as f64;
                }
            }
        }
        Ok((total / n as f64, grad))
    }
}

fn check_finite<'a>(what: &str, it: impl Iterator<Item = &'a f64>) -> Result<()> {
    for (i, &v) in it.enumerate() {
        if !v.is_finite() {
            return Err(ScatterError::NonFinite { what: what.into(), index: i, value: v });
        }
    }
    Ok(())
}
