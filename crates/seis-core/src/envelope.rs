//! Analytic signal (`scipy.signal.hilbert`) and envelope (`obspy.signal.filter.envelope`).

use crate::validate::check_finite_view;
use crate::{CoreError, Result};
use ndarray::{Array1, ArrayView1};
use num_complex::Complex64;
use rustfft::{Fft, FftPlanner};
use std::sync::Arc;

/// Plan for analytic signals of length `n`: the forward and inverse complex FFTs are built once.
#[derive(Clone)]
pub struct Hilbert {
    fwd: Arc<dyn Fft<f64>>,
    inv: Arc<dyn Fft<f64>>,
}

impl std::fmt::Debug for Hilbert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hilbert").field("n", &self.len()).finish()
    }
}

impl Hilbert {
    /// Plan for records of `n` samples (> 0).
    pub fn new(n: usize) -> Result<Self> {
        if n == 0 {
            return Err(CoreError::Empty { what: "analytic signal input" });
        }
        let mut planner = FftPlanner::new();
        Ok(Self { fwd: planner.plan_fft_forward(n), inv: planner.plan_fft_inverse(n) })
    }

    /// Record length.
    pub fn len(&self) -> usize {
        self.fwd.len()
    }

    /// Never true.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Analytic signal `x + i·H{x}` exactly as `scipy.signal.hilbert(x)`: the spectrum is kept
    /// at DC (and at Nyquist for even lengths), doubled at positive and zeroed at negative
    /// frequencies.
    pub fn analytic(&self, x: ArrayView1<f64>) -> Result<Array1<Complex64>> {
        check_finite_view("analytic signal input", x.view())?;
        let n = self.len();
        if x.len() != n {
            return Err(CoreError::ShapeMismatch {
                what: "analytic signal input",
                expected: n.to_string(),
                got: x.len().to_string(),
            });
        }
        let mut buf: Vec<Complex64> = x.iter().map(|&v| Complex64::new(v, 0.0)).collect();
        self.fwd.process(&mut buf);
        let half = n.div_ceil(2); // bins 1..half are doubled
        for v in buf.iter_mut().take(half).skip(1) {
            *v *= 2.0;
        }
        let first_negative = n / 2 + 1;
        for v in buf.iter_mut().skip(first_negative) {
            *v = Complex64::new(0.0, 0.0);
        }
        self.inv.process(&mut buf);
        let scale = 1.0 / n as f64;
        Ok(buf.into_iter().map(|v| v * scale).collect())
    }

    /// Envelope `sqrt(x² + H{x}²)` like `obspy.signal.filter.envelope(x)`.
    pub fn envelope(&self, x: ArrayView1<f64>) -> Result<Array1<f64>> {
        let a = self.analytic(x)?;
        Ok(x.iter().zip(a.iter()).map(|(&re, h)| (re * re + h.im * h.im).sqrt()).collect())
    }
}

/// Analytic signal of `x` (`scipy.signal.hilbert(x)`); plans a transform for this length.
pub fn analytic_signal(x: ArrayView1<f64>) -> Result<Array1<Complex64>> {
    check_finite_view("analytic signal input", x.view())?;
    Hilbert::new(x.len())?.analytic(x)
}

/// Envelope of `x` (`obspy.signal.filter.envelope(x)`): the modulus of the analytic signal,
/// with the original samples as real part.
pub fn envelope(x: ArrayView1<f64>) -> Result<Array1<f64>> {
    check_finite_view("envelope input", x.view())?;
    Hilbert::new(x.len())?.envelope(x)
}
