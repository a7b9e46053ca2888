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

/// Exponent bits of an f64; all ones for NaN and ±∞.
const EXP: u64 = 0x7ff0_0000_0000_0000;

/// [`check_finite`] for a contiguous slice, fast: blocks are scanned branch-free (the exponent
/// bits of every value, a vectorisable OR-reduction) and only a block that holds a NaN or an
/// infinity is searched for the first offending index.
pub fn check_finite_slice(what: &'static str, data: &[f64]) -> Result<()> {
    if data.is_empty() {
        return Err(CoreError::Empty { what });
    }
    for (b, block) in data.chunks(4096).enumerate() {
        if block.iter().fold(false, |bad, v| bad | (v.to_bits() & EXP == EXP)) {
            return check_finite(what, block.iter()).map_err(|e| match e {
                CoreError::NonFinite { what, index, value } => {
                    CoreError::NonFinite { what, index: index + b * 4096, value }
                }
                other => other,
            });
        }
    }
    Ok(())
}

/// An owned copy of `data` after the [`check_finite`] test, in one pass over memory: each block
/// is checked while it is still in cache from the copy (the usual first step of a filter or
/// transform that works on its own buffer).
pub fn finite_copy(what: &'static str, data: ndarray::ArrayView1<f64>) -> Result<Vec<f64>> {
    let Some(src) = data.as_slice() else {
        check_finite(what, data.iter())?;
        return Ok(data.to_vec());
    };
    let mut out = Vec::with_capacity(src.len());
    let mut bad = src.is_empty();
    for block in src.chunks(4096) {
        out.extend_from_slice(block);
        bad = block.iter().fold(false, |bad, v| bad | (v.to_bits() & EXP == EXP));
        if bad {
            break;
        }
    }
    if bad {
        // Rare path: a non-finite value (or no data); let the slice check name it.
        check_finite_slice(what, src)?;
    }
    Ok(out)
}

/// [`check_finite`] for a 1-D view, taking the fast [`check_finite_slice`] path when the view is
/// contiguous.
pub fn check_finite_view(what: &'static str, data: ndarray::ArrayView1<f64>) -> Result<()> {
    match data.as_slice() {
        Some(s) => check_finite_slice(what, s),
        None => check_finite(what, data.iter()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_check_reports_the_first_bad_index() {
        let mut x = vec![1.0; 10_000];
        assert!(check_finite_slice("x", &x).is_ok());
        x[9_000] = f64::NEG_INFINITY;
        x[5_000] = f64::NAN;
        match check_finite_slice("x", &x) {
            Err(CoreError::NonFinite { index, .. }) => assert_eq!(index, 5_000),
            other => panic!("{other:?}"),
        }
        assert!(matches!(check_finite_slice("x", &[]), Err(CoreError::Empty { .. })));
        assert!(matches!(
            finite_copy("x", ndarray::ArrayView1::from(&x[..5_001])),
            Err(CoreError::NonFinite { index: 5_000, .. })
        ));
        let v = ndarray::ArrayView1::from(&x[..5_000]);
        assert_eq!(finite_copy("x", v).unwrap(), x[..5_000].to_vec());
        assert!(matches!(
            finite_copy("x", ndarray::ArrayView1::from(&x)),
            Err(CoreError::NonFinite { index: 5_000, .. })
        ));
        assert!(matches!(finite_copy("x", ndarray::ArrayView1::from(&x[..0])), Err(CoreError::Empty { .. })));
        let a = ndarray::Array1::from(x);
        let strided = a.slice(ndarray::s![..;2]);
        assert!(matches!(check_finite_view("x", strided), Err(CoreError::NonFinite { index: 2_500, .. })));
    }
}
