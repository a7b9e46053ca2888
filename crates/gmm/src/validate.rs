//! Checks on the data matrices handed to the estimators.

use crate::{GmmError, Result};
use ndarray::{ArrayView2, CowArray, Ix2};

/// Largest magnitude accepted in user data: squares of up to ~10¹⁸ such values (n·d terms)
/// still sum to a finite number.
pub(crate) const MAX_ABS: f64 = 1e140;

/// Error unless `x` is a non-empty matrix of finite values within ±[`MAX_ABS`]; returns it in
/// standard (row-major, contiguous) layout so the kernels can work on plain slices.
pub(crate) fn check_matrix<'a>(what: &'static str, x: ArrayView2<'a, f64>) -> Result<CowArray<'a, f64, Ix2>> {
    if x.nrows() == 0 || x.ncols() == 0 {
        return Err(GmmError::Empty { what });
    }
    let x: CowArray<'a, f64, Ix2> =
        if x.is_standard_layout() { x.into() } else { x.as_standard_layout().into_owned().into() };
    let ncols = x.ncols();
    // Fast branch-free scan of the contiguous data; the slow search only runs on bad input.
    let ok = x.as_slice().expect("standard layout").iter().fold(true, |ok, v| ok & (v.abs() <= MAX_ABS));
    if ok {
        return Ok(x);
    }
    if let Some((index, &value)) = x.iter().enumerate().find(|(_, v)| !v.is_finite() || v.abs() > MAX_ABS) {
        let what = format!("{what} (row {}, column {})", index / ncols, index % ncols);
        return Err(if value.is_finite() {
            GmmError::OutOfScale { what, index, value, limit: MAX_ABS }
        } else {
            GmmError::NonFinite { what, index, value }
        });
    }
    Ok(x)
}

/// [`check_matrix`] plus the number of features a fitted model expects.
pub(crate) fn check_features<'a>(
    what: &'static str,
    x: ArrayView2<'a, f64>,
    n_features: usize,
) -> Result<CowArray<'a, f64, Ix2>> {
    if x.ncols() != n_features && x.nrows() > 0 {
        return Err(GmmError::FeatureMismatch { expected: n_features, got: x.ncols() });
    }
    check_matrix(what, x)
}

/// Error unless `value` is finite and `> 0` (`allow_zero`: `>= 0`).
pub(crate) fn check_nonneg(name: &'static str, value: f64, allow_zero: bool) -> Result<()> {
    let ok = value.is_finite() && (value > 0.0 || (allow_zero && value == 0.0));
    if ok {
        Ok(())
    } else {
        Err(GmmError::invalid(
            name,
            value,
            if allow_zero { "must be finite and >= 0" } else { "must be finite and > 0" },
        ))
    }
}
