//! Resampling on read, with seisbench's rules: no change when the rates agree to 1e-4; integer
//! decimation (order-8 Chebyshev I anti-alias filter, causal unless zero-phase is requested,
//! `scipy.signal.decimate`) when the source rate is a multiple of the target; otherwise FFT
//! resampling to `floor(n · target / source)` samples (`scipy.signal.resample`).

use crate::{IoError, Result};
use ndarray::{Array2, ArrayView2};

const EPS: f64 = 1e-4;

/// How a trace at `source` Hz is brought to `target` Hz.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Plan {
    Keep,
    Decimate(usize),
    Fft(usize),
}

pub(crate) fn plan(n: usize, source: f64, target: f64) -> Plan {
    let q = target / source;
    if 1.0 - EPS < q && q < 1.0 + EPS || n == 0 {
        return Plan::Keep;
    }
    if source % target < EPS {
        // python: int(source // target)
        return Plan::Decimate((source / target).floor() as usize);
    }
    Plan::Fft((n as f64 * target / source) as usize)
}

/// Length of an `n`-sample trace at `source` Hz once resampled to `target` Hz.
pub(crate) fn resampled_len(n: usize, source: f64, target: f64) -> usize {
    match plan(n, source, target) {
        Plan::Keep => n,
        Plan::Decimate(q) => n.div_ceil(q),
        Plan::Fft(num) => num,
    }
}

/// Resample every row (channel) of `x` from `source` to `target` Hz.
pub(crate) fn resample_rows(x: ArrayView2<f64>, source: f64, target: f64, zerophase: bool) -> Result<Array2<f64>> {
    if !(source.is_finite() && source > 0.0) {
        return Err(IoError::invalid("source sampling_rate", source, "must be finite and > 0"));
    }
    match plan(x.ncols(), source, target) {
        Plan::Keep => Ok(x.to_owned()),
        Plan::Decimate(q) => kernels::decimate(x, q, zerophase),
        Plan::Fft(num) => kernels::resample_fft(x, num),
    }
}

mod kernels {
    use super::*;
    use seis_core::resample::{Resampler, decimate_iir};

    pub(super) fn decimate(x: ArrayView2<f64>, q: usize, zerophase: bool) -> Result<Array2<f64>> {
        let rows: Vec<_> =
            x.outer_iter().map(|r| decimate_iir(r, q, zerophase)).collect::<std::result::Result<_, _>>()?;
        stack(rows, x.ncols().div_ceil(q))
    }

    pub(super) fn resample_fft(x: ArrayView2<f64>, num: usize) -> Result<Array2<f64>> {
        if num == 0 {
            return Err(IoError::invalid("resampled length", num, format!("{} samples resample to none", x.ncols())));
        }
        // one plan for all channels
        let plan = Resampler::new(x.ncols(), num)?;
        let rows: Vec<_> = x.outer_iter().map(|r| plan.apply(r)).collect::<std::result::Result<_, _>>()?;
        stack(rows, num)
    }

    fn stack(rows: Vec<ndarray::Array1<f64>>, n: usize) -> Result<Array2<f64>> {
        let mut out = Array2::zeros((rows.len(), n));
        for (mut o, r) in out.outer_iter_mut().zip(&rows) {
            if r.len() != n {
                return Err(IoError::ShapeMismatch {
                    what: "resampled channel".into(),
                    expected: n.to_string(),
                    got: r.len().to_string(),
                });
            }
            o.assign(r);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_follow_seisbench() {
        assert_eq!(plan(6000, 100.0, 100.00001), Plan::Keep);
        assert_eq!(plan(6000, 100.0, 50.0), Plan::Decimate(2));
        assert_eq!(plan(6000, 100.0, 33.3), Plan::Fft(1997));
        assert_eq!(plan(6000, 100.0, 120.0), Plan::Fft(7200));
        assert_eq!(plan(0, 100.0, 50.0), Plan::Keep);
    }
}
