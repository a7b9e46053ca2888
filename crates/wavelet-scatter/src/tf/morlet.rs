//! The Morlet wavelet of the superlet formulation (Moca et al. 2021, esi-syncopy's `MorletSL`).

use num_complex::Complex;
use std::f64::consts::PI;

/// Standard deviations of the Gaussian envelope spanned by `cycles` periods (syncopy's `k_sd`).
pub(crate) const K_SD: f64 = 5.0;

/// Amplitude convention of a time–frequency image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Normalization {
    /// esi-syncopy's convention (bit-for-bit parity target): the wavelet is multiplied by
    /// `√dt/(4π)` after its envelope normalisation, so a unit-amplitude cosine at the analysed
    /// frequency gives `|W| ≈ √fs/(8π)` (0.2813 at 50 Hz), independent of the cycles.
    #[default]
    Syncopy,
    /// Every wavelet is scaled so that a sinusoid of amplitude A at the wavelet's centre frequency
    /// gives `|W| = A` (the gain of the sampled, truncated wavelet is measured exactly). Superlets
    /// are geometric means, so they keep the same convention.
    Amplitude,
}

/// Sampled superlet Morlet for scale `s = 1/(2πf)` (seconds) with `cycles` cycles at sampling
/// interval `dt`: support of `M = 10·s·c/dt` samples (not rounded), times
/// `t_k = ((1 − M)/2 + k)·dt`, `ψ(t) = B_c e^{i t/s} exp(−½ (k_sd t/(2π c s))²)` with
/// `B_c = k_sd/(s c (2π)^1.5)`, and the syncopy factor `√dt/(4π)`.
pub(crate) fn superlet_wavelet(scale: f64, cycles: f64, dt: f64, norm: Normalization) -> Vec<Complex<f64>> {
    let m = 10.0 * scale * cycles / dt;
    let start = (-m + 1.0) / 2.0;
    let stop = (m + 1.0) / 2.0;
    let len = ((stop - start).ceil()).max(1.0) as usize;
    let b_c = K_SD / (scale * cycles * (2.0 * PI).powf(1.5));
    let factor = dt.sqrt() / (4.0 * PI);
    let mut w: Vec<Complex<f64>> = (0..len)
        .map(|k| {
            let t = (start + k as f64) * dt;
            let ts = t / scale;
            let env = (-0.5 * (K_SD * ts / (2.0 * PI * cycles)).powi(2)).exp();
            Complex::from_polar(b_c, ts) * env * factor
        })
        .collect();
    if norm == Normalization::Amplitude {
        // Convolution with cos(t/s) of amplitude A gives ≈ A·|Σ ψ_k e^{−i t_k/s}| / 2 at the centre
        // frequency (the negative-frequency response of a ≥ 3-cycle Morlet is negligible).
        let gain: Complex<f64> =
            w.iter().enumerate().map(|(k, v)| v * Complex::from_polar(1.0, -((start + k as f64) * dt) / scale)).sum();
        let g = gain.norm() / 2.0;
        if g > 0.0 {
            w.iter_mut().for_each(|v| *v /= g);
        }
    }
    w
}
