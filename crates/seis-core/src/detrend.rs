//! Demean and linear least-squares detrend (scipy.signal.detrend / ObsPy semantics).
//!
//! The functions taking views return new data and never touch the caller's buffer; the
//! `_inplace` variants work on buffers the caller owns (hot loops over windows).

use crate::Result;
use crate::validate::check_finite;
use ndarray::{Array1, ArrayView1};
use serde::{Deserialize, Serialize};

/// Which trend to remove.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Detrend {
    /// Leave the data as it is.
    None,
    /// Remove the mean (scipy `type="constant"`).
    Constant,
    /// Remove the least-squares straight line (scipy `type="linear"`).
    #[default]
    Linear,
}

impl Detrend {
    /// Apply to a copy of `x`.
    pub fn apply(self, x: ArrayView1<f64>) -> Result<Array1<f64>> {
        check_finite("detrend input", x.iter())?;
        let mut y = x.to_owned();
        if let Some(s) = y.as_slice_mut() {
            self.apply_inplace(s);
        }
        Ok(y)
    }

    /// Apply in place to a buffer the caller owns (no checks, no allocation).
    pub fn apply_inplace(self, x: &mut [f64]) {
        match self {
            Detrend::None => {}
            Detrend::Constant => demean_inplace(x),
            Detrend::Linear => detrend_linear_inplace(x),
        }
    }
}

/// `x - mean(x)` as new data.
pub fn demean(x: ArrayView1<f64>) -> Result<Array1<f64>> {
    Detrend::Constant.apply(x)
}

/// `x` minus its least-squares line against the sample index, as new data.
pub fn detrend_linear(x: ArrayView1<f64>) -> Result<Array1<f64>> {
    Detrend::Linear.apply(x)
}

/// Remove the mean in place.
pub fn demean_inplace(x: &mut [f64]) {
    if x.is_empty() {
        return;
    }
    let m = x.iter().sum::<f64>() / x.len() as f64;
    x.iter_mut().for_each(|v| *v -= m);
}

/// Remove the mean in place, the mean summed as numpy does ([`pairwise_sum`]): faster than
/// [`demean_inplace`] (independent partial sums) and rounding like `x - x.mean()` in numpy.
pub fn demean_pairwise_inplace(x: &mut [f64]) {
    if x.is_empty() {
        return;
    }
    let m = pairwise_sum(x) / x.len() as f64;
    x.iter_mut().for_each(|v| *v -= m);
}

/// numpy's pairwise summation (`np.add.reduce` over a contiguous run): 8 running partial sums in
/// blocks of up to 128 values, halving longer runs at multiples of 8. Error O(log n · ε) and,
/// unlike a running sum, not bound by the latency of one add per value.
pub fn pairwise_sum(x: &[f64]) -> f64 {
    let n = x.len();
    if n < 8 {
        return x.iter().fold(0.0, |s, v| s + v);
    }
    if n <= 128 {
        let mut r = [0.0; 8];
        r.copy_from_slice(&x[..8]);
        let body = n - n % 8;
        for c in x[8..body].chunks_exact(8) {
            for (a, v) in r.iter_mut().zip(c) {
                *a += v;
            }
        }
        let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        return x[body..].iter().fold(res, |s, v| s + v);
    }
    let half = n / 2;
    let half = half - half % 8;
    pairwise_sum(&x[..half]) + pairwise_sum(&x[half..])
}

/// Remove the least-squares line in place. The regressor is centred on the middle sample so
/// the normal equations are well conditioned for long records.
pub fn detrend_linear_inplace(x: &mut [f64]) {
    let n = x.len();
    if n < 2 {
        demean_inplace(x);
        return;
    }
    let c = (n as f64 - 1.0) / 2.0;
    let (mut sy, mut sty) = (0.0, 0.0);
    for (i, &v) in x.iter().enumerate() {
        let t = i as f64 - c;
        sy += v;
        sty += t * v;
    }
    // Σ (i - c)² = n (n² - 1) / 12
    let stt = n as f64 * ((n as f64) * (n as f64) - 1.0) / 12.0;
    let slope = sty / stt;
    let mean = sy / n as f64;
    for (i, v) in x.iter_mut().enumerate() {
        *v -= mean + slope * (i as f64 - c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_sum_is_exact_on_integers_and_close_to_the_running_sum() {
        for n in [0usize, 1, 7, 8, 9, 127, 128, 129, 1000, 3001] {
            let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
            assert_eq!(pairwise_sum(&x), (n * n.saturating_sub(1) / 2) as f64);
            let y: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
            let naive: f64 = y.iter().sum();
            assert!((pairwise_sum(&y) - naive).abs() < 1e-12);
        }
    }
}
