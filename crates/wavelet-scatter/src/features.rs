//! Feature post-processing used before clustering: log10, min–max scaling, second-order
//! renormalisation `ln(S_l / (S_{l−1} + ε1) + ε2)` and flattening into a (windows × features)
//! matrix.
//!
//! Documented constants: [`EPS_NORM`] = 1e-3 and [`EPS_LOG`] = 1e-4 are the values of Seydoux et
//! al. (2020) (`eps_norm`, `eps_log` of the original scatnet). They assume coefficients of order
//! 1 (e.g. L1-normalised wavelets on data scaled to unit maximum); rescale them with your data.

use crate::{Result, ScatterError};
use ndarray::{Array2, ArrayD, ArrayViewD, Axis};

/// ε1 of the parent renormalisation (Seydoux et al. 2020, `eps_norm`).
pub const EPS_NORM: f64 = 1e-3;
/// ε2 added inside the logarithm (Seydoux et al. 2020, `eps_log`).
pub const EPS_LOG: f64 = 1e-4;

fn check_finite(what: &'static str, x: &ArrayViewD<f64>) -> Result<()> {
    if x.is_empty() {
        return Err(ScatterError::Empty { what });
    }
    match x.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(ScatterError::NonFinite {
            what: what.into(),
            index,
            value: x.iter().nth(index).copied().unwrap_or(f64::NAN),
        }),
        None => Ok(()),
    }
}

/// `log10(x + eps)` element-wise (the scatseisnet tutorials use `eps = 0`). Errors on a
/// non-finite value, a negative `eps`, or a value with `x + eps ≤ 0` (flat index named).
pub fn log10(x: ArrayViewD<f64>, eps: f64) -> Result<ArrayD<f64>> {
    check_finite("features", &x)?;
    if !(eps.is_finite() && eps >= 0.0) {
        return Err(ScatterError::invalid("eps", eps, "must be finite and ≥ 0"));
    }
    if let Some(index) = x.iter().position(|v| v + eps <= 0.0) {
        return Err(ScatterError::invalid(
            "features",
            format!("{} at flat index {index}", x.iter().nth(index).copied().unwrap_or(f64::NAN)),
            format!("log10 needs x + eps > 0 (eps = {eps}); raise eps"),
        ));
    }
    Ok(x.mapv(|v| (v + eps).log10()))
}

/// Global min–max scaling to [0, 1] (one minimum and one maximum over all features, as in the
/// scatseisnet tutorials); fit once, apply to any data with the same scale.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MinMaxScaler {
    /// Minimum of the fitted data.
    pub min: f64,
    /// Maximum of the fitted data.
    pub max: f64,
}

impl MinMaxScaler {
    /// Fit on `x` (finite, not constant).
    pub fn fit(x: ArrayViewD<f64>) -> Result<Self> {
        check_finite("features", &x)?;
        let min = x.iter().copied().fold(f64::INFINITY, f64::min);
        let max = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if max <= min {
            return Err(ScatterError::invalid("features", min, "are constant: min–max scaling is undefined"));
        }
        Ok(Self { min, max })
    }

    /// `(x − min) / (max − min)`.
    pub fn transform(&self, x: ArrayViewD<f64>) -> Result<ArrayD<f64>> {
        check_finite("features", &x)?;
        let span = self.max - self.min;
        Ok(x.mapv(|v| (v - self.min) / span))
    }
}

/// Parent renormalisation of one order: `ln(child / (parent + eps_norm) + eps_log)`, where the
/// pooled `child` is shaped like its `parent` plus one trailing filter axis (e.g. S2 (windows,
/// channels, n1, n2) over S1 (windows, channels, n1)); each child path is divided by its own
/// parent path. Errors on shape mismatch, non-finite or negative values, or bad ε.
pub fn renormalize(
    parent: ArrayViewD<f64>,
    child: ArrayViewD<f64>,
    eps_norm: f64,
    eps_log: f64,
) -> Result<ArrayD<f64>> {
    check_finite("parent coefficients", &parent)?;
    check_finite("child coefficients", &child)?;
    for (name, e) in [("eps_norm", eps_norm), ("eps_log", eps_log)] {
        if !(e.is_finite() && e > 0.0) {
            return Err(ScatterError::invalid(name, e, "must be finite and > 0"));
        }
    }
    if child.ndim() != parent.ndim() + 1 || child.shape()[..parent.ndim()] != *parent.shape() {
        return Err(ScatterError::ShapeMismatch {
            what: "child order vs parent order (child = parent shape + one filter axis)".into(),
            expected: format!("{:?} + [n]", parent.shape()),
            got: format!("{:?}", child.shape()),
        });
    }
    if let Some(index) = parent.iter().chain(child.iter()).position(|v| *v < 0.0) {
        return Err(ScatterError::invalid("coefficients", index, "scattering moduli must be ≥ 0"));
    }
    let mut out = child.to_owned();
    let last = Axis(child.ndim() - 1);
    for (mut lane, p) in out.lanes_mut(last).into_iter().zip(parent.iter()) {
        lane.mapv_inplace(|c| (c / (p + eps_norm) + eps_log).ln());
    }
    Ok(out)
}

/// Flatten orders shaped (windows, …) into one (windows × features) matrix, order after order,
/// each in row-major order (channels, then paths).
pub fn feature_matrix(orders: &[ArrayViewD<f64>]) -> Result<Array2<f64>> {
    let first = orders.first().ok_or(ScatterError::Empty { what: "list of orders" })?;
    let nw = first.shape().first().copied().unwrap_or(0);
    if nw == 0 {
        return Err(ScatterError::Empty { what: "window axis of the features" });
    }
    let widths: Vec<usize> = orders.iter().map(|o| o.len() / nw.max(1)).collect();
    for o in orders {
        if o.shape().first() != Some(&nw) {
            return Err(ScatterError::ShapeMismatch {
                what: "windows of each order".into(),
                expected: nw.to_string(),
                got: format!("{:?}", o.shape()),
            });
        }
    }
    let mut m = Array2::zeros((nw, widths.iter().sum()));
    let mut col = 0;
    for (o, &w) in orders.iter().zip(&widths) {
        for (mut row, win) in m.rows_mut().into_iter().zip(o.axis_iter(Axis(0))) {
            for (d, s) in row.slice_mut(ndarray::s![col..col + w]).iter_mut().zip(win.iter()) {
                *d = *s;
            }
        }
        col += w;
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{IxDyn, array};

    #[test]
    fn renormalisation_and_scaling() {
        let s1 = array![[1.0, 2.0]].into_dyn();
        let s2 = ArrayD::from_shape_vec(IxDyn(&[1, 2, 3]), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
        let r = renormalize(s1.view(), s2.view(), EPS_NORM, EPS_LOG).unwrap();
        assert!((r[[0, 1, 2]] - (6.0 / (2.0 + EPS_NORM) + EPS_LOG).ln()).abs() < 1e-15);
        assert!(renormalize(s2.view(), s1.view(), EPS_NORM, EPS_LOG).is_err());
        let m = feature_matrix(&[s1.view(), s2.view()]).unwrap();
        assert_eq!(m.shape(), &[1, 8]);
        assert_eq!(m[[0, 7]], 6.0);
        let sc = MinMaxScaler::fit(m.view().into_dyn()).unwrap();
        let t = sc.transform(m.view().into_dyn()).unwrap();
        assert_eq!(t[[0, 7]], 1.0);
        assert_eq!(t[[0, 0]], 0.0);
        assert!(log10(array![0.0].into_dyn().view(), 0.0).is_err());
        assert_eq!(log10(array![100.0].into_dyn().view(), 0.0).unwrap()[0], 2.0);
    }
}
