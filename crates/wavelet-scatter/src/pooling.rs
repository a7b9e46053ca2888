//! Pooling of a modulus time series over the analysis window.

use crate::float::Sample;
use crate::{Result, ScatterError};
use serde::{Deserialize, Serialize};

/// How the scalogram of every path is reduced over the window (over the samples where the input
/// taper equals 1, as in scatseisnet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pooling {
    /// Arithmetic mean (`numpy.mean`).
    Mean,
    /// Maximum (`numpy.max`).
    Max,
    /// Median (`numpy.median`: mean of the two middle values for an even count).
    Median,
    /// Time-resolved average pooling: means over `width` samples every `hop` samples, giving
    /// `(len − width) / hop + 1` frames per path. `width = hop = 1` returns the unpooled scalogram.
    Average {
        /// Samples per frame (≥ 1).
        width: usize,
        /// Samples between frame starts (≥ 1).
        hop: usize,
    },
}

impl Pooling {
    /// Number of values per path for a pooled region of `len` samples.
    pub fn frames(&self, len: usize) -> Result<usize> {
        match *self {
            Pooling::Average { width, hop } => {
                if width == 0 {
                    return Err(ScatterError::invalid("pooling width", width, "must be ≥ 1 sample"));
                }
                if hop == 0 {
                    return Err(ScatterError::invalid("pooling hop", hop, "must be ≥ 1 sample"));
                }
                if width > len {
                    return Err(ScatterError::invalid(
                        "pooling width",
                        width,
                        format!("longer than the {len} pooled samples of a window"),
                    ));
                }
                Ok((len - width) / hop + 1)
            }
            _ => Ok(1),
        }
    }

    /// Reduce `values` (moduli, reordered freely) into `out` (`frames` values).
    pub(crate) fn apply<T: Sample>(&self, values: &mut [T], out: &mut [T]) {
        match *self {
            Pooling::Mean => out[0] = mean(values),
            Pooling::Max => out[0] = values.iter().copied().fold(T::neg_infinity(), T::max),
            Pooling::Median => out[0] = median(values),
            Pooling::Average { width, hop } => {
                for (f, o) in out.iter_mut().enumerate() {
                    *o = mean(&values[f * hop..f * hop + width]);
                }
            }
        }
    }

    /// True when [`Pooling::apply`] reorders its input (callers must pass a copy).
    pub(crate) fn reorders(&self) -> bool {
        matches!(self, Pooling::Median)
    }
}

fn mean<T: Sample>(v: &[T]) -> T {
    v.iter().copied().sum::<T>() / T::of(v.len() as f64)
}

fn median<T: Sample>(v: &mut [T]) -> T {
    let n = v.len();
    let k = n / 2;
    let (upper, lower) = if n < 128 { select_by_sorting(v, k) } else { select_by_buckets(v, k) };
    if n % 2 == 1 { upper } else { (lower + upper) / T::of(2.0) }
}

fn cmp<T: Sample>(a: &T, b: &T) -> std::cmp::Ordering {
    a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal)
}

/// (k-th smallest, (k−1)-th smallest) by quickselect.
fn select_by_sorting<T: Sample>(v: &mut [T], k: usize) -> (T, T) {
    let (left, mid, _) = v.select_nth_unstable_by(k, cmp);
    (*mid, left.iter().copied().fold(T::neg_infinity(), T::max))
}

const BUCKETS: usize = 256;

/// Exact (k-th, (k−1)-th) smallest of non-negative finite values with one histogram pass: the
/// bucket index is non-decreasing in x, so only the bucket holding rank k needs a quickselect
/// (a few dozen values instead of thousands).
fn select_by_buckets<T: Sample>(v: &mut [T], k: usize) -> (T, T) {
    let (min, max) = v.iter().fold((T::infinity(), T::neg_infinity()), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    let usable = min >= T::zero() && max > min && max.is_finite();
    if !usable {
        return select_by_sorting(v, k);
    }
    // For non-negative floats the IEEE bit pattern is monotone: buckets of the bit offset are
    // ordered and spread roughly logarithmically, which suits the heavy-tailed moduli.
    let lo = min.to64().to_bits();
    let span = max.to64().to_bits() - lo;
    let shift = (64 - span.leading_zeros()).saturating_sub(BUCKETS.trailing_zeros());
    let bucket = |x: T| ((x.to64().to_bits() - lo) >> shift) as usize;
    let mut counts = [0u32; BUCKETS];
    for &x in v.iter() {
        counts[bucket(x)] += 1;
    }
    let mut before = 0usize;
    let mut target = 0usize;
    for (b, &c) in counts.iter().enumerate() {
        if before + c as usize > k {
            target = b;
            break;
        }
        before += c as usize;
    }
    let mut m = 0;
    let mut below = T::neg_infinity();
    for i in 0..v.len() {
        let x = v[i];
        let b = bucket(x);
        if b == target {
            v[i] = v[m];
            v[m] = x;
            m += 1;
        } else if b < target {
            below = below.max(x);
        }
    }
    let kk = k - before;
    let (left, mid, _) = v[..m].select_nth_unstable_by(kk, cmp);
    let lower = if kk > 0 { left.iter().copied().fold(T::neg_infinity(), T::max) } else { below };
    (*mid, lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reductions() {
        let mut out = [0.0f64; 3];
        Pooling::Median.apply(&mut [3.0, 1.0, 2.0, 10.0], &mut out);
        assert_eq!(out[0], 2.5);
        Pooling::Median.apply(&mut [3.0, 1.0, 2.0], &mut out);
        assert_eq!(out[0], 2.0);
        Pooling::Max.apply(&mut [3.0, 1.0, 2.0], &mut out);
        assert_eq!(out[0], 3.0);
        Pooling::Mean.apply(&mut [3.0, 1.0, 2.0], &mut out);
        assert_eq!(out[0], 2.0);
        let p = Pooling::Average { width: 2, hop: 2 };
        assert_eq!(p.frames(7).unwrap(), 3);
        p.apply(&mut [1.0, 3.0, 5.0, 7.0, 9.0, 11.0, 0.0], &mut out);
        assert_eq!(out, [2.0, 6.0, 10.0]);
        assert!(Pooling::Average { width: 0, hop: 1 }.frames(5).is_err());
        assert!(Pooling::Average { width: 6, hop: 1 }.frames(5).is_err());
    }

    #[test]
    fn bucket_median_is_exact() {
        for n in [128usize, 129, 1000, 2842, 3001] {
            let v: Vec<f64> =
                (0..n).map(|i| (((i * 7919) % 1013) as f64 * 0.37).sin().abs() * (1 + i % 5) as f64).collect();
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let expect = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
            let mut w = v.clone();
            assert_eq!(median(&mut w), expect, "n = {n}");
            // Ties and a constant run.
            let mut c = vec![2.0; n];
            c[0] = 1.0;
            assert_eq!(median(&mut c), 2.0);
        }
    }
}
