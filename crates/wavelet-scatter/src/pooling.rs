//! Pooling of a modulus time series over the analysis window.

use crate::float::Sample;
use crate::{Result, ScatterError};
use num_complex::Complex;
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

    /// Whole-window mean, max or median of the moduli of `y` in any order (not for
    /// [`Pooling::Average`], which needs time order). The median and max are selected on
    /// squared moduli (same order, no square root per sample); `scratch` holds ≥ `y.len()` values.
    pub(crate) fn apply_complex<T: Sample>(&self, y: &[Complex<T>], scratch: &mut [T], out: &mut [T]) {
        let norm_sqr = |z: &Complex<T>| z.re * z.re + z.im * z.im;
        match *self {
            Pooling::Mean => {
                out[0] = y.iter().map(|z| norm_sqr(z).sqrt()).sum::<T>() / T::of(y.len() as f64);
            }
            Pooling::Max | Pooling::Median | Pooling::Average { .. } => {
                let sq = &mut scratch[..y.len()];
                for (d, z) in sq.iter_mut().zip(y) {
                    *d = norm_sqr(z);
                }
                let max = max_of(sq);
                if *self == Pooling::Max {
                    out[0] = max.sqrt();
                    return;
                }
                let n = sq.len();
                let (upper, lower) = select_pair(sq, n / 2, max);
                out[0] = if n % 2 == 1 { upper.sqrt() } else { (lower.sqrt() + upper.sqrt()) / T::of(2.0) };
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
    let max = max_of(v);
    let (upper, lower) = select_pair(v, n / 2, max);
    if n % 2 == 1 { upper } else { (lower + upper) / T::of(2.0) }
}

/// Maximum of non-NaN values, in four independent lanes (vectorisable).
fn max_of<T: Sample>(v: &[T]) -> T {
    let mut lanes = [T::neg_infinity(); 4];
    let mut quads = v.chunks_exact(4);
    for q in &mut quads {
        for (l, &x) in lanes.iter_mut().zip(q) {
            *l = if x > *l { x } else { *l };
        }
    }
    for &x in quads.remainder() {
        lanes[0] = if x > lanes[0] { x } else { lanes[0] };
    }
    lanes.into_iter().fold(T::neg_infinity(), |a, b| if b > a { b } else { a })
}

/// (k-th smallest, (k−1)-th smallest) of `v` (k ≥ 1), whose maximum is `max`.
fn select_pair<T: Sample>(v: &mut [T], k: usize, max: T) -> (T, T) {
    if v.len() < 128 || !(max.is_finite() && max > T::zero()) {
        return select_by_sorting(v, k);
    }
    select_by_histogram(v, k, max)
}

fn cmp<T: Sample>(a: &T, b: &T) -> std::cmp::Ordering {
    a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal)
}

/// (k-th smallest, (k−1)-th smallest) by quickselect.
fn select_by_sorting<T: Sample>(v: &mut [T], k: usize) -> (T, T) {
    let (left, mid, _) = v.select_nth_unstable_by(k, cmp);
    (*mid, left.iter().copied().fold(T::neg_infinity(), T::max))
}

/// Histogram buckets below the maximum: 16 per octave, so 32 octaves (the last bucket also
/// holds everything smaller, which keeps the selection exact, only slower).
const BUCKETS: usize = 512;
const BUCKET_SHIFT: u32 = 48;

/// Exact (k-th, (k−1)-th) smallest of non-negative finite values (k ≥ 1) with a histogram of the
/// IEEE bits below the maximum (monotone for non-negative floats, spread logarithmically, which
/// suits heavy-tailed moduli): only the bucket holding rank k needs a quickselect, a few dozen
/// values instead of thousands. Four interleaved histograms break the store-to-load chain
/// when neighbouring samples (smooth moduli) fall in the same bucket.
fn select_by_histogram<T: Sample>(v: &mut [T], k: usize, max: T) -> (T, T) {
    let top = max.to64().to_bits();
    // Larger key = smaller value; negative zero (sign bit) is read as zero.
    let key = |x: T| (((top - (x.to64().to_bits() & !(1 << 63)).min(top)) >> BUCKET_SHIFT) as usize).min(BUCKETS - 1);
    let mut hist = [[0u32; BUCKETS]; 4];
    let mut quads = v.chunks_exact(4);
    for q in &mut quads {
        hist[0][key(q[0])] += 1;
        hist[1][key(q[1])] += 1;
        hist[2][key(q[2])] += 1;
        hist[3][key(q[3])] += 1;
    }
    for &x in quads.remainder() {
        hist[0][key(x)] += 1;
    }
    // Walk from the smallest values up to the bucket holding rank k.
    let mut before = 0usize;
    let mut target = 0usize;
    for b in (0..BUCKETS).rev() {
        let c = (hist[0][b] + hist[1][b] + hist[2][b] + hist[3][b]) as usize;
        if before + c > k {
            target = b;
            break;
        }
        before += c;
    }
    // Move the target bucket to the front by swaps (the multiset is preserved).
    let mut m = 0;
    for i in 0..v.len() {
        let x = v[i];
        if key(x) == target {
            v[i] = v[m];
            v[m] = x;
            m += 1;
        }
    }
    let kk = k - before;
    let (head, rest) = v.split_at_mut(m);
    let (left, mid, _) = head.select_nth_unstable_by(kk, cmp);
    let lower = if kk > 0 {
        left.iter().copied().fold(T::neg_infinity(), T::max)
    } else {
        // Rank k is the bucket's smallest: its predecessor is the largest value of the lower
        // buckets, all in `v[m..]` (rare: one more pass).
        rest.iter().copied().filter(|&x| key(x) > target).fold(T::neg_infinity(), T::max)
    };
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
