//! Pooling of a modulus time series over the analysis window.

use crate::float::Sample;
use crate::select::Selector;
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

    /// Reduce `values` (moduli in time order) into `out` (`frames` values).
    pub(crate) fn apply<T: Sample>(&self, values: &[T], select: &mut Selector<T>, out: &mut [T]) {
        match *self {
            Pooling::Mean => out[0] = mean(values),
            Pooling::Max => out[0] = max_of(values),
            Pooling::Median => {
                let (lower, upper) = select.middle_pair(values, |x| x);
                out[0] = if values.len() % 2 == 1 { upper } else { (lower + upper) / T::of(2.0) };
            }
            Pooling::Average { width, hop } => {
                for (f, o) in out.iter_mut().enumerate() {
                    *o = mean(&values[f * hop..f * hop + width]);
                }
            }
        }
    }

    /// Whole-window mean, max or median of the moduli of `y` in any order (not for
    /// [`Pooling::Average`], which needs time order). The median and max are selected on
    /// squared moduli (same order, no square root per sample), read in place.
    pub(crate) fn apply_complex<T: Sample>(&self, y: &[Complex<T>], select: &mut Selector<T>, out: &mut [T]) {
        let norm_sqr = |z: Complex<T>| z.re * z.re + z.im * z.im;
        match *self {
            Pooling::Mean => {
                out[0] = y.iter().map(|z| norm_sqr(*z).sqrt()).sum::<T>() / T::of(y.len() as f64);
            }
            Pooling::Max => {
                out[0] = y.iter().fold(T::zero(), |m, z| {
                    let v = norm_sqr(*z);
                    if v > m { v } else { m }
                });
                out[0] = out[0].sqrt();
            }
            Pooling::Median | Pooling::Average { .. } => {
                let (lower, upper) = match T::as_complex64(y) {
                    Some(y64) => {
                        let (l, u) = select.middle_pair_sq(y64);
                        (T::of(l), T::of(u))
                    }
                    None => select.middle_pair(y, norm_sqr),
                };
                out[0] = if y.len() % 2 == 1 { upper.sqrt() } else { (lower.sqrt() + upper.sqrt()) / T::of(2.0) };
            }
        }
    }

    /// True for the whole-window reductions, which do not depend on the sample order.
    pub(crate) fn is_order_free(&self) -> bool {
        !matches!(self, Pooling::Average { .. })
    }
}

fn mean<T: Sample>(v: &[T]) -> T {
    v.iter().copied().sum::<T>() / T::of(v.len() as f64)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reductions() {
        let mut sel = Selector::new();
        let mut out = [0.0f64; 3];
        Pooling::Median.apply(&[3.0, 1.0, 2.0, 10.0], &mut sel, &mut out);
        assert_eq!(out[0], 2.5);
        Pooling::Median.apply(&[3.0, 1.0, 2.0], &mut sel, &mut out);
        assert_eq!(out[0], 2.0);
        Pooling::Max.apply(&[3.0, 1.0, 2.0], &mut sel, &mut out);
        assert_eq!(out[0], 3.0);
        Pooling::Mean.apply(&[3.0, 1.0, 2.0], &mut sel, &mut out);
        assert_eq!(out[0], 2.0);
        let p = Pooling::Average { width: 2, hop: 2 };
        assert_eq!(p.frames(7).unwrap(), 3);
        p.apply(&[1.0, 3.0, 5.0, 7.0, 9.0, 11.0, 0.0], &mut sel, &mut out);
        assert_eq!(out, [2.0, 6.0, 10.0]);
        assert!(Pooling::Average { width: 0, hop: 1 }.frames(5).is_err());
        assert!(Pooling::Average { width: 6, hop: 1 }.frames(5).is_err());
    }

    /// The complex path (squared moduli, square root of the middle pair) equals the real path
    /// on the moduli computed the same way, for odd and even lengths.
    #[test]
    fn complex_pooling_equals_pooling_of_moduli() {
        let mut sel = Selector::new();
        for n in [5usize, 64, 1000, 3001] {
            let y: Vec<Complex<f64>> = (0..n)
                .map(|i| Complex::new((i as f64 * 0.37).sin() * (1 + i % 7) as f64, (i as f64 * 0.11).cos()))
                .collect();
            let u: Vec<f64> = y.iter().map(|z| (z.re * z.re + z.im * z.im).sqrt()).collect();
            for p in [Pooling::Mean, Pooling::Max, Pooling::Median] {
                let (mut a, mut b) = ([0.0], [0.0]);
                p.apply_complex(&y, &mut sel, &mut a);
                p.apply(&u, &mut sel, &mut b);
                assert_eq!(a, b, "{p:?}, n = {n}");
            }
        }
    }
}
