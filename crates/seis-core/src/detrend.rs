//! Demean and linear least-squares detrend (scipy.signal.detrend / ObsPy semantics).
//!
//! The functions taking views return new data and never touch the caller's buffer; the
//! `_inplace` variants work on buffers the caller owns (hot loops over windows).

use crate::validate::check_finite;
use crate::{CoreError, Result};
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

    /// The trend of `x` without removing it, for callers that fuse the subtraction into
    /// another pass (e.g. detrend + taper + FFT packing): `x[i] − fit.at(i)` is the detrended
    /// sample. The sums run in eight independent lanes (about 4× faster than the one running
    /// sum of [`detrend_linear_inplace`]; the coefficients agree to round-off). Like
    /// [`apply_inplace`](Self::apply_inplace) it does not check `x`: a non-finite sample gives a
    /// non-finite trend (validate user data first, e.g. with [`Detrend::apply`] or a `Trace`).
    pub fn fit(self, x: &[f64]) -> Trend {
        let n = x.len();
        let centre = (n as f64 - 1.0) / 2.0;
        match self {
            Detrend::None => Trend { mean: 0.0, slope: 0.0, centre },
            Detrend::Constant => Trend { mean: if n == 0 { 0.0 } else { lane_sum(x) / n as f64 }, slope: 0.0, centre },
            Detrend::Linear if n < 2 => Detrend::Constant.fit(x),
            Detrend::Linear => {
                let (sy, sty) = centred_moments(x, centre);
                // Σ (i − c)² = n (n² − 1) / 12
                let stt = n as f64 * ((n as f64) * (n as f64) - 1.0) / 12.0;
                Trend { mean: sy / n as f64, slope: sty / stt, centre }
            }
        }
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

/// A fitted trend (see [`Detrend::fit`]): `mean + slope·(i − centre)` at sample `i`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    /// Value at the centre sample (the mean of the data).
    pub mean: f64,
    /// Change per sample.
    pub slope: f64,
    /// Index of the centre, (n − 1)/2.
    pub centre: f64,
}

impl Trend {
    /// The trend at sample `i`.
    #[inline]
    pub fn at(&self, i: usize) -> f64 {
        self.mean + self.slope * (i as f64 - self.centre)
    }

    /// `out[i] = (x[i] − trend(i))·taper[i]`: detrend and taper in one pass over a buffer the
    /// caller owns. Error if the three lengths differ (nothing is written).
    pub fn remove_tapered(&self, x: &[f64], taper: &[f64], out: &mut [f64]) -> Result<()> {
        let n = x.len();
        if taper.len() != n || out.len() != n {
            return Err(CoreError::ShapeMismatch {
                what: "Trend::remove_tapered: data, taper and output lengths",
                expected: format!("{n}, {n}, {n}"),
                got: format!("{n}, {}, {}", taper.len(), out.len()),
            });
        }
        let (xs, xr) = x[..n].as_chunks::<8>();
        let (ws, _) = taper[..n].as_chunks::<8>();
        let (os, _) = out[..n].as_chunks_mut::<8>();
        // regressors advance by exact steps of 8 (no integer-to-float conversion per sample)
        let mut t: [f64; 8] = std::array::from_fn(|l| l as f64 - self.centre);
        for ((o, x), w) in os.iter_mut().zip(xs).zip(ws) {
            for l in 0..8 {
                o[l] = (x[l] - (self.mean + self.slope * t[l])) * w[l];
                t[l] += 8.0;
            }
        }
        for i in n - xr.len()..n {
            out[i] = (x[i] - self.at(i)) * taper[i];
        }
        Ok(())
    }
}

/// Σx in eight independent lanes.
fn lane_sum(x: &[f64]) -> f64 {
    let (chunks, rest) = x.as_chunks::<8>();
    let mut acc = [0.0f64; 8];
    for c in chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a += v;
        }
    }
    acc.iter().sum::<f64>() + rest.iter().sum::<f64>()
}

/// (Σx, Σ(i − c)·x) in eight independent lanes; the regressors advance by exact steps of 8.
fn centred_moments(x: &[f64], c: f64) -> (f64, f64) {
    let (chunks, rest) = x.as_chunks::<8>();
    let mut t: [f64; 8] = std::array::from_fn(|l| l as f64 - c);
    let (mut sy, mut sty) = ([0.0f64; 8], [0.0f64; 8]);
    for ch in chunks {
        for l in 0..8 {
            sy[l] += ch[l];
            sty[l] += t[l] * ch[l];
            t[l] += 8.0;
        }
    }
    let (mut y, mut ty) = (sy.iter().sum::<f64>(), sty.iter().sum::<f64>());
    for (k, v) in rest.iter().enumerate() {
        y += v;
        ty += (8.0 * chunks.len() as f64 + k as f64 - c) * v;
    }
    (y, ty)
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
    fn fit_agrees_with_the_inplace_detrend() {
        for n in [0usize, 1, 2, 7, 8, 9, 17, 6001] {
            let x: Vec<f64> = (0..n).map(|i| 3.0 + 0.01 * i as f64 + (i as f64 * 0.37).sin() * 100.0).collect();
            for d in [Detrend::None, Detrend::Constant, Detrend::Linear] {
                let mut y = x.clone();
                d.apply_inplace(&mut y);
                let fit = d.fit(&x);
                for (i, (a, b)) in x.iter().zip(&y).enumerate() {
                    assert!((a - fit.at(i) - b).abs() <= 1e-10, "{d:?} n {n} i {i}: {} vs {b}", a - fit.at(i));
                }
                let taper: Vec<f64> = (0..n).map(|i| 0.5 + (i % 5) as f64 * 0.1).collect();
                let mut out = vec![0.0; n];
                fit.remove_tapered(&x, &taper, &mut out).unwrap();
                for (i, o) in out.iter().enumerate() {
                    assert_eq!(*o, (x[i] - fit.at(i)) * taper[i], "{d:?} n {n} i {i}");
                }
                let mut short = vec![0.0; n + 1];
                assert!(matches!(fit.remove_tapered(&x, &taper, &mut short), Err(CoreError::ShapeMismatch { .. })));
                if n > 0 {
                    assert!(fit.remove_tapered(&x, &taper[..n - 1], &mut out).is_err());
                }
            }
        }
    }

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
