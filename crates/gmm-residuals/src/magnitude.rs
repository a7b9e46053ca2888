//! Magnitude conversions as plain functions.

use crate::{ResidualsError, Result};

fn check(name: &'static str, v: f64, lo: f64, hi: f64) -> Result<f64> {
    if !v.is_finite() || v < lo || v > hi {
        return Err(ResidualsError::invalid(name, v, format!("outside the calibration range [{lo}, {hi}]")));
    }
    Ok(v)
}

/// Mw from local magnitude ML for Italy (Castellaro et al. 2006, as used in seed 004):
/// Mw = 0.890·ML + 0.283.
pub fn mw_from_ml(ml: f64) -> f64 {
    0.890 * ml + 0.283
}

/// Mw from surface-wave magnitude (Scordilis 2006): 0.67·Ms + 2.07 for 3.0 ≤ Ms ≤ 6.1 and
/// 0.99·Ms + 0.08 for 6.2 ≤ Ms ≤ 8.2 (the gap 6.1–6.2 uses the upper relation). Error outside
/// 3.0–8.2.
pub fn mw_from_ms(ms: f64) -> Result<f64> {
    let ms = check("Ms", ms, 3.0, 8.2)?;
    Ok(if ms <= 6.1 { 0.67 * ms + 2.07 } else { 0.99 * ms + 0.08 })
}

/// Mw from body-wave magnitude (Scordilis 2006): 0.85·mb + 1.03 for 3.5 ≤ mb ≤ 6.2 (error outside).
pub fn mw_from_mb(mb: f64) -> Result<f64> {
    let mb = check("mb", mb, 3.5, 6.2)?;
    Ok(0.85 * mb + 1.03)
}

/// Mw from seismic moment M0 in N·m (IASPEI standard): Mw = (2/3)(log10 M0 − 9.1).
pub fn mw_from_moment(m0: f64) -> Result<f64> {
    if !(m0.is_finite() && m0 > 0.0) {
        return Err(ResidualsError::invalid("M0", m0, "seismic moment must be > 0 N·m"));
    }
    Ok((2.0 / 3.0) * (m0.log10() - 9.1))
}

/// Seismic moment in N·m from Mw (inverse of [`mw_from_moment`]).
pub fn moment_from_mw(mw: f64) -> f64 {
    10f64.powf(1.5 * mw + 9.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn conversions() {
        assert!((mw_from_ml(4.0) - 3.843).abs() < 1e-12);
        assert!((mw_from_moment(moment_from_mw(6.3)).unwrap() - 6.3).abs() < 1e-12);
        assert!(mw_from_ms(2.0).is_err());
        assert!((mw_from_ms(7.0).unwrap() - 7.01).abs() < 1e-12);
        assert!((mw_from_mb(5.0).unwrap() - 5.28).abs() < 1e-12);
    }
}
