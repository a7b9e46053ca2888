//! Real FFT helpers over cached realfft plans: plan once per length, transform many times.

use num_complex::Complex;
use realfft::{ComplexToReal, FftNum, RealFftPlanner, RealToComplex};
use std::sync::Arc;

use crate::{CoreError, Result};

/// Forward and inverse real FFT plans for one length `n` (any length; fastest for 2^k).
///
/// Plans are immutable and `Send + Sync`; each thread keeps its own scratch (see
/// [`RealFft::make_scratch`]) so transforms allocate nothing.
#[derive(Clone)]
pub struct RealFft<T: FftNum> {
    n: usize,
    fwd: Arc<dyn RealToComplex<T>>,
    inv: Arc<dyn ComplexToReal<T>>,
}

impl<T: FftNum> std::fmt::Debug for RealFft<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RealFft").field("n", &self.n).finish()
    }
}

impl<T: FftNum> RealFft<T> {
    /// Plan transforms of length `n` (> 0).
    pub fn new(n: usize) -> Result<Self> {
        if n == 0 {
            return Err(CoreError::invalid("n", n, "FFT length must be > 0"));
        }
        let mut planner = RealFftPlanner::<T>::new();
        Ok(Self { n, fwd: planner.plan_fft_forward(n), inv: planner.plan_fft_inverse(n) })
    }

    /// Transform length.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Never true (length is > 0).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Number of complex bins, `n / 2 + 1`.
    pub fn n_bins(&self) -> usize {
        self.n / 2 + 1
    }

    /// Scratch big enough for both directions.
    pub fn make_scratch(&self) -> Vec<Complex<T>> {
        let len = self.fwd.get_scratch_len().max(self.inv.get_scratch_len());
        vec![Complex::new(T::zero(), T::zero()); len]
    }

    /// Forward transform without allocation. `input` (length n) is used as scratch and left
    /// with unspecified contents; `output` has `n/2+1` bins. Unnormalised, like numpy.
    pub fn forward_into(&self, input: &mut [T], output: &mut [Complex<T>], scratch: &mut [Complex<T>]) -> Result<()> {
        self.fwd.process_with_scratch(input, output, scratch).map_err(|e| CoreError::ShapeMismatch {
            what: "rfft buffers",
            expected: format!("n = {}", self.n),
            got: e.to_string(),
        })
    }

    /// Inverse transform without allocation, scaled by 1/n like `numpy.fft.irfft`. The
    /// imaginary parts of the DC (and, for even n, Nyquist) bins are ignored. `input` is used
    /// as scratch.
    pub fn inverse_into(&self, input: &mut [Complex<T>], output: &mut [T], scratch: &mut [Complex<T>]) -> Result<()> {
        if let Some(first) = input.first_mut() {
            first.im = T::zero();
        }
        if self.n.is_multiple_of(2)
            && let Some(last) = input.last_mut()
        {
            last.im = T::zero();
        }
        self.inv.process_with_scratch(input, output, scratch).map_err(|e| CoreError::ShapeMismatch {
            what: "irfft buffers",
            expected: format!("n = {}", self.n),
            got: e.to_string(),
        })?;
        let scale = T::one() / T::from_usize(self.n).unwrap_or_else(T::one);
        output.iter_mut().for_each(|v| *v = *v * scale);
        Ok(())
    }

    /// Forward transform of a copy of `x` (allocates; for one-off use).
    pub fn forward(&self, x: &[T]) -> Result<Vec<Complex<T>>> {
        if x.len() != self.n {
            return Err(CoreError::ShapeMismatch {
                what: "rfft input",
                expected: self.n.to_string(),
                got: x.len().to_string(),
            });
        }
        let mut buf = x.to_vec();
        let mut out = vec![Complex::new(T::zero(), T::zero()); self.n_bins()];
        let mut scratch = self.make_scratch();
        self.forward_into(&mut buf, &mut out, &mut scratch)?;
        Ok(out)
    }

    /// Inverse transform of a copy of `spectrum` (allocates; for one-off use).
    pub fn inverse(&self, spectrum: &[Complex<T>]) -> Result<Vec<T>> {
        if spectrum.len() != self.n_bins() {
            return Err(CoreError::ShapeMismatch {
                what: "irfft input",
                expected: self.n_bins().to_string(),
                got: spectrum.len().to_string(),
            });
        }
        let mut buf = spectrum.to_vec();
        let mut out = vec![T::zero(); self.n];
        let mut scratch = self.make_scratch();
        self.inverse_into(&mut buf, &mut out, &mut scratch)?;
        Ok(out)
    }
}

/// Frequencies of the rfft bins (`numpy.fft.rfftfreq(n, 1/sampling_rate)`).
pub fn rfftfreq(n: usize, sampling_rate: f64) -> Vec<f64> {
    (0..n / 2 + 1).map(|k| k as f64 * sampling_rate / n as f64).collect()
}

/// Smallest power of two ≥ `n`.
pub fn next_pow2(n: usize) -> usize {
    n.max(1).next_power_of_two()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_odd_and_even() {
        for n in [1usize, 7, 8, 1000] {
            let plan = RealFft::<f64>::new(n).unwrap();
            let x: Vec<f64> = (0..n).map(|i| ((i * 7919) % 13) as f64 - 6.0).collect();
            let s = plan.forward(&x).unwrap();
            assert!((s[0].re - x.iter().sum::<f64>()).abs() < 1e-9);
            let y = plan.inverse(&s).unwrap();
            for (a, b) in x.iter().zip(&y) {
                assert!((a - b).abs() < 1e-10);
            }
        }
        assert!(RealFft::<f64>::new(0).is_err());
    }
}
