//! Checks on user data shared by every crate (finite values, non-empty input, parameter ranges).

use crate::{CoreError, Result};

/// Error unless `data` is non-empty and every value is finite. `what` names the data in the error.
pub fn check_finite<'a, I>(what: &'static str, data: I) -> Result<()>
where
    I: IntoIterator<Item = &'a f64>,
{
    let mut n = 0usize;
    for (index, &v) in data.into_iter().enumerate() {
        if !v.is_finite() {
            return Err(CoreError::NonFinite { what, index, value: v });
        }
        n += 1;
    }
    if n == 0 {
        return Err(CoreError::Empty { what });
    }
    Ok(())
}

/// Same as [`check_finite`] for `f32` data.
pub fn check_finite_f32<'a, I>(what: &'static str, data: I) -> Result<()>
where
    I: IntoIterator<Item = &'a f32>,
{
    let mut n = 0usize;
    for (index, &v) in data.into_iter().enumerate() {
        if !v.is_finite() {
            return Err(CoreError::NonFinite { what, index, value: v as f64 });
        }
        n += 1;
    }
    if n == 0 {
        return Err(CoreError::Empty { what });
    }
    Ok(())
}

/// Error unless `value` is finite and strictly positive.
pub fn check_positive(name: &'static str, value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(CoreError::invalid(name, value, "must be finite and > 0"))
    }
}

/// Error unless `lo <= value <= hi` (and finite).
pub fn check_range(name: &'static str, value: f64, lo: f64, hi: f64) -> Result<()> {
    if value.is_finite() && value >= lo && value <= hi {
        Ok(())
    } else {
        Err(CoreError::invalid(name, value, format!("must lie in [{lo}, {hi}]")))
    }
}

/// Error unless the sampling rate is finite and > 0.
pub fn check_sampling_rate(sampling_rate: f64) -> Result<()> {
    check_positive("sampling_rate", sampling_rate)
}
