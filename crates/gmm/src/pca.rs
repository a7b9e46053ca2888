//! Principal component analysis by exact thin SVD (scikit-learn's `PCA(svd_solver="full")`).

use crate::validate::{check_features, check_matrix};
use crate::{GmmError, Result};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use seis_core::linalg;
use serde::{Deserialize, Serialize};

/// Hyperparameters of [`Pca`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PcaParams {
    n_components: usize,
    whiten: bool,
}

impl PcaParams {
    /// Keep `n_components` components, no whitening.
    pub fn new(n_components: usize) -> Self {
        Self { n_components, whiten: false }
    }
    /// Scale the projections to unit variance.
    pub fn whiten(mut self, whiten: bool) -> Self {
        self.whiten = whiten;
        self
    }
    /// Fit on the rows of `x` (`n × d`, `1 <= n_components <= min(n, d)`, `n >= 2`).
    pub fn fit(&self, x: ArrayView2<f64>) -> Result<Pca> {
        let x = check_matrix("PCA data", x)?;
        let (n, d) = x.dim();
        if n < 2 {
            return Err(GmmError::TooFewSamples { what: "PCA", needed: 2, got: n });
        }
        let nc = self.n_components;
        if nc == 0 || nc > n.min(d) {
            return Err(GmmError::invalid("n_components", nc, format!("must lie in 1..={}", n.min(d))));
        }
        let mean = x.mean_axis(Axis(0)).expect("n >= 2");
        let xc = &x - &mean;
        let (_u, s, mut vt) = linalg::svd_thin(xc.view())?;
        flip_signs_by_rows(&mut vt);
        let ev: Array1<f64> = s.mapv(|v| v * v / (n - 1) as f64);
        let total = ev.sum();
        if total <= 0.0 {
            return Err(GmmError::ZeroVariance { what: "PCA data" });
        }
        // Whitening divides by the standard deviation of every kept component.
        if self.whiten
            && let Some(i) = ev.iter().take(nc).position(|&v| v <= 0.0)
        {
            return Err(GmmError::invalid(
                "n_components",
                nc,
                format!("component {i} has zero variance and cannot be whitened: keep at most {i} components"),
            ));
        }
        let noise_variance = if nc < n.min(d) { ev.slice(ndarray::s![nc..]).mean().unwrap_or(0.0) } else { 0.0 };
        Ok(Pca {
            mean,
            components: vt.slice(ndarray::s![..nc, ..]).to_owned(),
            explained_variance: ev.slice(ndarray::s![..nc]).to_owned(),
            explained_variance_ratio: ev.slice(ndarray::s![..nc]).mapv(|v| v / total),
            singular_values: s.slice(ndarray::s![..nc]).to_owned(),
            noise_variance,
            whiten: self.whiten,
        })
    }
}

/// Make the largest-magnitude entry of every row positive (scikit-learn's `svd_flip` with
/// `u_based_decision=False`), so components have a deterministic sign.
pub(crate) fn flip_signs_by_rows(vt: &mut Array2<f64>) {
    for mut row in vt.rows_mut() {
        let mut best = (0.0f64, 0.0f64);
        for &v in row.iter() {
            if v.abs() > best.0 {
                best = (v.abs(), v);
            }
        }
        if best.1 < 0.0 {
            row.mapv_inplace(|v| -v);
        }
    }
}

/// A fitted PCA.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pca {
    mean: Array1<f64>,
    components: Array2<f64>,
    explained_variance: Array1<f64>,
    explained_variance_ratio: Array1<f64>,
    singular_values: Array1<f64>,
    noise_variance: f64,
    whiten: bool,
}

impl Pca {
    /// Start building the hyperparameters.
    pub fn params(n_components: usize) -> PcaParams {
        PcaParams::new(n_components)
    }
    /// Principal axes (`n_components × d`, orthonormal rows, by decreasing variance).
    pub fn components(&self) -> &Array2<f64> {
        &self.components
    }
    /// Variance along each component (ddof 1).
    pub fn explained_variance(&self) -> &Array1<f64> {
        &self.explained_variance
    }
    /// Fraction of the total variance along each component.
    pub fn explained_variance_ratio(&self) -> &Array1<f64> {
        &self.explained_variance_ratio
    }
    /// Singular values of the centred data for the kept components.
    pub fn singular_values(&self) -> &Array1<f64> {
        &self.singular_values
    }
    /// Per-feature mean removed before projecting.
    pub fn mean(&self) -> &Array1<f64> {
        &self.mean
    }
    /// Mean variance of the discarded components (probabilistic PCA noise).
    pub fn noise_variance(&self) -> f64 {
        self.noise_variance
    }
    /// Project rows onto the components (whitened if requested).
    pub fn transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        let x = check_features("PCA data", x, self.mean.len())?;
        let mut y = x.dot(&self.components.t()) - self.mean.dot(&self.components.t());
        if self.whiten {
            y /= &self.explained_variance.mapv(f64::sqrt);
        }
        Ok(y)
    }
    /// Map projections back to the feature space.
    pub fn inverse_transform(&self, y: ArrayView2<f64>) -> Result<Array2<f64>> {
        let y = check_features("PCA projections", y, self.components.nrows())?;
        let comps = if self.whiten {
            &self.components * &self.explained_variance.mapv(f64::sqrt).insert_axis(Axis(1))
        } else {
            self.components.clone()
        };
        Ok(y.dot(&comps) + &self.mean)
    }
}
