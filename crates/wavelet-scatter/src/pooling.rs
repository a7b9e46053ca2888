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
    let cmp = |a: &T, b: &T| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal);
    let (left, mid, _) = v.select_nth_unstable_by(n / 2, cmp);
    let upper = *mid;
    if n % 2 == 1 {
        upper
    } else {
        let lower = left.iter().copied().fold(T::neg_infinity(), T::max);
        (lower + upper) / T::of(2.0)
    }
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
}
