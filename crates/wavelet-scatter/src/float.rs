//! The sample types the transforms run in: `f64` (default, golden-exact) and `f32` (half the
//! memory, about twice the FFT speed on rustfft's plans, ≈ 1e-6 relative agreement). On CPUs
//! with AVX-512, an `f64` [`crate::ScatteringNetwork`] with whole-window pooling and no taper
//! (window length with prime factors 2, 3, 5) runs eight items per vector (see `lanes_net`)
//! and is faster than its `f32` twin.

use num_complex::Complex;
use rustfft::FftNum;
use rustfft::num_traits::Float;

/// A floating-point sample type usable by the scattering transforms (`f32` or `f64`).
pub trait Sample: FftNum + Float + Default + std::iter::Sum + 'static {
    /// Conversion from `f64` (rounding for `f32`).
    fn of(v: f64) -> Self;
    /// Widening to `f64`.
    fn to64(self) -> f64;
    /// The same slice typed as `f64` complex samples when `Self` is `f64` (selects the
    /// vectorised median kernels).
    #[doc(hidden)]
    fn as_complex64(_y: &[Complex<Self>]) -> Option<&[Complex<f64>]> {
        None
    }
    /// Mutable counterpart of [`Sample::as_complex64`].
    #[doc(hidden)]
    fn as_complex64_mut(_y: &mut [Complex<Self>]) -> Option<&mut [Complex<f64>]> {
        None
    }
}

impl Sample for f64 {
    #[inline]
    fn of(v: f64) -> Self {
        v
    }
    #[inline]
    fn to64(self) -> f64 {
        self
    }
    #[inline]
    fn as_complex64(y: &[Complex<Self>]) -> Option<&[Complex<f64>]> {
        Some(y)
    }
    #[inline]
    fn as_complex64_mut(y: &mut [Complex<Self>]) -> Option<&mut [Complex<f64>]> {
        Some(y)
    }
}

impl Sample for f32 {
    #[inline]
    fn of(v: f64) -> Self {
        v as f32
    }
    #[inline]
    fn to64(self) -> f64 {
        self as f64
    }
}
