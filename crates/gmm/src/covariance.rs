//! Covariance structures of a mixture and the precision Cholesky factors computed from them.

use crate::{GmmError, Result};
use ndarray::{Array1, Array2, Array3, ArrayView2, Axis, s};
use seis_core::linalg;
use serde::{Deserialize, Serialize};

/// Shape of the component covariances (scikit-learn's `covariance_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum CovarianceType {
    /// Each component has its own general covariance matrix.
    #[default]
    Full,
    /// All components share one general covariance matrix.
    Tied,
    /// Each component has its own diagonal covariance matrix.
    Diag,
    /// Each component has its own single variance.
    Spherical,
}

impl CovarianceType {
    /// Number of free covariance parameters for `k` components in `d` dimensions.
    pub fn n_parameters(self, k: usize, d: usize) -> usize {
        match self {
            CovarianceType::Full => k * d * (d + 1) / 2,
            CovarianceType::Tied => d * (d + 1) / 2,
            CovarianceType::Diag => k * d,
            CovarianceType::Spherical => k,
        }
    }
}

/// Covariances, precisions or precision Cholesky factors, in the layout of their type:
/// full `(k, d, d)`, tied `(d, d)`, diag `(k, d)`, spherical `(k,)` — as in scikit-learn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CovMatrices {
    /// `(k, d, d)`.
    Full(Array3<f64>),
    /// `(d, d)`.
    Tied(Array2<f64>),
    /// `(k, d)`.
    Diag(Array2<f64>),
    /// `(k,)`.
    Spherical(Array1<f64>),
}

impl CovMatrices {
    /// The covariance type this value belongs to.
    pub fn covariance_type(&self) -> CovarianceType {
        match self {
            CovMatrices::Full(_) => CovarianceType::Full,
            CovMatrices::Tied(_) => CovarianceType::Tied,
            CovMatrices::Diag(_) => CovarianceType::Diag,
            CovMatrices::Spherical(_) => CovarianceType::Spherical,
        }
    }

    /// Expected shape for `k` components in `d` dimensions.
    pub(crate) fn expected_shape(ct: CovarianceType, k: usize, d: usize) -> Vec<usize> {
        match ct {
            CovarianceType::Full => vec![k, d, d],
            CovarianceType::Tied => vec![d, d],
            CovarianceType::Diag => vec![k, d],
            CovarianceType::Spherical => vec![k],
        }
    }

    /// Shape of the stored array.
    pub fn shape(&self) -> Vec<usize> {
        match self {
            CovMatrices::Full(a) => a.shape().to_vec(),
            CovMatrices::Tied(a) | CovMatrices::Diag(a) => a.shape().to_vec(),
            CovMatrices::Spherical(a) => a.shape().to_vec(),
        }
    }

    /// All values, flat.
    pub(crate) fn values(&self) -> Box<dyn Iterator<Item = &f64> + '_> {
        match self {
            CovMatrices::Full(a) => Box::new(a.iter()),
            CovMatrices::Tied(a) | CovMatrices::Diag(a) => Box::new(a.iter()),
            CovMatrices::Spherical(a) => Box::new(a.iter()),
        }
    }

    /// Full `d × d` covariance of component `comp` (expanding tied/diag/spherical).
    pub fn component_matrix(&self, comp: usize, d: usize) -> Array2<f64> {
        match self {
            CovMatrices::Full(a) => a.index_axis(Axis(0), comp).to_owned(),
            CovMatrices::Tied(a) => a.clone(),
            CovMatrices::Diag(a) => Array2::from_diag(&a.row(comp)),
            CovMatrices::Spherical(a) => Array2::from_diag(&Array1::from_elem(d, a[comp])),
        }
    }

    /// Reorder components (tied is unchanged).
    pub(crate) fn permuted(&self, perm: &[usize]) -> Self {
        match self {
            CovMatrices::Full(a) => CovMatrices::Full(a.select(Axis(0), perm)),
            CovMatrices::Tied(a) => CovMatrices::Tied(a.clone()),
            CovMatrices::Diag(a) => CovMatrices::Diag(a.select(Axis(0), perm)),
            CovMatrices::Spherical(a) => CovMatrices::Spherical(a.select(Axis(0), perm)),
        }
    }
}

/// Upper-triangular `U = (L⁻¹)ᵀ` with `Σ = L Lᵀ`, so that `Σ⁻¹ = U Uᵀ`.
fn chol_of_inverse(cov: ArrayView2<f64>, component: usize, reg_covar: f64) -> Result<Array2<f64>> {
    let ill = || GmmError::IllDefinedCovariance { component, reg_covar };
    let l = linalg::cholesky(cov).map_err(|_| ill())?;
    let d = cov.nrows();
    let linv = linalg::solve_lower_triangular(l.view(), Array2::eye(d).view()).map_err(|_| ill())?;
    let u = linv.reversed_axes();
    if u.iter().any(|v| !v.is_finite()) {
        return Err(ill());
    }
    Ok(u)
}

/// Precision Cholesky factors from covariances; `reg_covar` is only quoted in the error.
pub(crate) fn precision_cholesky(cov: &CovMatrices, reg_covar: f64) -> Result<CovMatrices> {
    Ok(match cov {
        CovMatrices::Full(c) => {
            let mut out = Array3::zeros(c.raw_dim());
            for (comp, m) in c.outer_iter().enumerate() {
                out.index_axis_mut(Axis(0), comp).assign(&chol_of_inverse(m, comp, reg_covar)?);
            }
            CovMatrices::Full(out)
        }
        CovMatrices::Tied(c) => CovMatrices::Tied(chol_of_inverse(c.view(), 0, reg_covar)?),
        CovMatrices::Diag(c) => {
            if let Some(i) = c.iter().position(|&v| v <= 0.0) {
                return Err(GmmError::IllDefinedCovariance { component: i / c.ncols(), reg_covar });
            }
            CovMatrices::Diag(c.mapv(|v| 1.0 / v.sqrt()))
        }
        CovMatrices::Spherical(c) => {
            if let Some(i) = c.iter().position(|&v| v <= 0.0) {
                return Err(GmmError::IllDefinedCovariance { component: i, reg_covar });
            }
            CovMatrices::Spherical(c.mapv(|v| 1.0 / v.sqrt()))
        }
    })
}

/// Reverse rows and columns.
fn flip(a: ArrayView2<f64>) -> Array2<f64> {
    a.slice(s![..;-1, ..;-1]).to_owned()
}

/// Precision Cholesky factors from user precisions: `U = J·chol(J P J)·J` (upper-triangular,
/// `P = U Uᵀ`), as scikit-learn does for `precisions_init`.
pub(crate) fn precision_cholesky_from_precisions(prec: &CovMatrices) -> Result<CovMatrices> {
    let not_pd = |what: &str| GmmError::invalid("precisions_init", what, "must be symmetric positive definite");
    Ok(match prec {
        CovMatrices::Full(p) => {
            let mut out = Array3::zeros(p.raw_dim());
            for (comp, m) in p.outer_iter().enumerate() {
                let l = linalg::cholesky(flip(m).view()).map_err(|_| not_pd(&format!("component {comp}")))?;
                out.index_axis_mut(Axis(0), comp).assign(&flip(l.view()));
            }
            CovMatrices::Full(out)
        }
        CovMatrices::Tied(p) => {
            let l = linalg::cholesky(flip(p.view()).view()).map_err(|_| not_pd("tied precision"))?;
            CovMatrices::Tied(flip(l.view()))
        }
        CovMatrices::Diag(p) => CovMatrices::Diag(p.mapv(f64::sqrt)),
        CovMatrices::Spherical(p) => CovMatrices::Spherical(p.mapv(f64::sqrt)),
    })
}

/// Precisions `U Uᵀ` (or squares) from the Cholesky factors.
pub(crate) fn precisions_from_cholesky(pc: &CovMatrices) -> CovMatrices {
    match pc {
        CovMatrices::Full(u) => {
            let mut out = Array3::zeros(u.raw_dim());
            for (comp, m) in u.outer_iter().enumerate() {
                out.index_axis_mut(Axis(0), comp).assign(&m.dot(&m.t()));
            }
            CovMatrices::Full(out)
        }
        CovMatrices::Tied(u) => CovMatrices::Tied(u.dot(&u.t())),
        CovMatrices::Diag(u) => CovMatrices::Diag(u.mapv(|v| v * v)),
        CovMatrices::Spherical(u) => CovMatrices::Spherical(u.mapv(|v| v * v)),
    }
}

/// Covariances from the precision Cholesky factors (`(U Uᵀ)⁻¹`), for models initialised from
/// precisions before their first M-step.
pub(crate) fn covariances_from_cholesky(pc: &CovMatrices) -> Result<CovMatrices> {
    let inv = |u: ArrayView2<f64>| -> Result<Array2<f64>> {
        let p = u.dot(&u.t());
        Ok(linalg::solve_spd(p.view(), Array2::eye(p.nrows()).view())?)
    };
    Ok(match pc {
        CovMatrices::Full(u) => {
            let mut out = Array3::zeros(u.raw_dim());
            for (comp, m) in u.outer_iter().enumerate() {
                out.index_axis_mut(Axis(0), comp).assign(&inv(m)?);
            }
            CovMatrices::Full(out)
        }
        CovMatrices::Tied(u) => CovMatrices::Tied(inv(u.view())?),
        CovMatrices::Diag(u) => CovMatrices::Diag(u.mapv(|v| 1.0 / (v * v))),
        CovMatrices::Spherical(u) => CovMatrices::Spherical(u.mapv(|v| 1.0 / (v * v))),
    })
}

/// `log det U_k` for each component (the log-determinant of the precision Cholesky factor).
pub(crate) fn log_det_cholesky(pc: &CovMatrices, k: usize, d: usize) -> Vec<f64> {
    match pc {
        CovMatrices::Full(u) => u.outer_iter().map(|m| m.diag().iter().map(|v| v.ln()).sum::<f64>()).collect(),
        CovMatrices::Tied(u) => vec![u.diag().iter().map(|v| v.ln()).sum::<f64>(); k],
        CovMatrices::Diag(u) => u.rows().into_iter().map(|r| r.iter().map(|v| v.ln()).sum::<f64>()).collect(),
        CovMatrices::Spherical(u) => u.iter().map(|v| d as f64 * v.ln()).collect(),
    }
}
