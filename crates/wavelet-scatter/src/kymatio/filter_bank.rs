//! kymatio's zero-mean Morlet filters, built in the Fourier domain (cycles/sample, no sampling rate).
//!
//! Every formula follows kymatio 0.3 `scattering1d/filter_bank.py` operation for operation so that
//! the filters agree to round-off: the Gabor and low-pass terms are evaluated on `2P − 1` periods of
//! the frequency axis and periodised by the mean, the Morlet gets its zero mean from the low-pass
//! correction κ, and every filter has unit L1 norm in time.

use num_complex::Complex;
use rustfft::FftPlanner;

/// Fixed constants of kymatio's 1-D filter banks.
pub(crate) const R_PSI: f64 = std::f64::consts::FRAC_1_SQRT_2;
pub(crate) const SIGMA0: f64 = 0.1;
pub(crate) const ALPHA: f64 = 5.0;

/// Largest centre frequency of a family with `q` wavelets per octave: `max(1/(1 + 2^(3/q)), 0.35)`.
pub fn xi_max(q: u32) -> f64 {
    (1.0 / (1.0 + 2f64.powf(3.0 / q as f64))).max(0.35)
}

/// Frequency width of a Morlet at `xi` so that neighbours with `q` per octave cross at `r`.
pub fn sigma_psi(xi: f64, q: u32, r: f64) -> f64 {
    let factor = 1.0 / 2f64.powf(1.0 / q as f64);
    let term1 = (1.0 - factor) / (1.0 + factor);
    let term2 = 1.0 / (2.0 * (1.0 / r).ln()).sqrt();
    xi * term1 * term2
}

/// Largest dyadic subsampling `j` that a filter at (`xi`, `sigma`) tolerates without aliasing.
pub fn max_dyadic_subsampling(xi: f64, sigma: f64, alpha: f64) -> u32 {
    let upper = (xi + alpha * sigma).min(0.5);
    // upper <= 0.5, so -log2(upper) >= 1 and j >= 0.
    ((-upper.log2()).floor() - 1.0).max(0.0) as u32
}

/// Centre frequencies, widths and maximal subsamplings of one Morlet family (kymatio's
/// `compute_params_filterbank`): a constant-Q geometric part down to `sigma_min`, then `q − 1`
/// constant-bandwidth filters down towards zero frequency.
pub fn filterbank_params(sigma_min: f64, q: u32) -> (Vec<f64>, Vec<f64>, Vec<u32>) {
    let xi_max = xi_max(q);
    let sigma_max = sigma_psi(xi_max, q, R_PSI);
    let step = 2f64.powf(1.0 / q as f64);
    let (mut xis, mut sigmas, elbow_xi) = if sigma_max <= sigma_min {
        (Vec::new(), Vec::new(), sigma_max)
    } else {
        let mut xis = vec![xi_max];
        let mut sigmas = vec![sigma_max];
        while sigmas[sigmas.len() - 1] > sigma_min * step {
            xis.push(xis[xis.len() - 1] / step);
            sigmas.push(sigmas[sigmas.len() - 1] / step);
        }
        let elbow = xis[xis.len() - 1];
        (xis, sigmas, elbow)
    };
    for k in 1..q {
        xis.push(elbow_xi - k as f64 / q as f64 * elbow_xi);
        sigmas.push(sigma_min);
    }
    let js = xis.iter().zip(&sigmas).map(|(&xi, &s)| max_dyadic_subsampling(xi, s, ALPHA)).collect();
    (xis, sigmas, js)
}

/// Number of periods used to evaluate a filter of width `sigma` before periodisation.
fn adaptive_p(sigma: f64) -> usize {
    let val = (-2.0 * sigma * sigma * 1e-7f64.ln()).sqrt();
    ((val + 1.0).ceil() as usize).min(5)
}

/// Mean over `nperiods` consecutive blocks (kymatio's `periodize_filter_fourier`).
pub(crate) fn periodize(h: &[f64], nperiods: usize) -> Vec<f64> {
    let n = h.len() / nperiods;
    let mut v = vec![0.0; n];
    for block in h.chunks_exact(n) {
        v.iter_mut().zip(block).for_each(|(a, b)| *a += b);
    }
    v.iter_mut().for_each(|a| *a /= nperiods as f64);
    v
}

/// Σ|ifft(h)| for a real spectrum `h` (the time-domain L1 norm used to normalise every filter).
fn l1_norm_time(h: &[f64], planner: &mut FftPlanner<f64>) -> f64 {
    let n = h.len();
    let mut buf: Vec<Complex<f64>> = h.iter().map(|&v| Complex::new(v, 0.0)).collect();
    planner.plan_fft_inverse(n).process(&mut buf);
    buf.iter().map(|c| c.norm()).sum::<f64>() / n as f64
}

/// Fourier transform of a Morlet (`xi = Some`) or Gaussian low-pass (`xi = None`) filter of width
/// `sigma` on `n` bins (numpy FFT order), normalised to unit L1 norm in time (kymatio's
/// `morlet_1d`).
pub(crate) fn morlet_1d(n: usize, xi: Option<f64>, sigma: f64, planner: &mut FftPlanner<f64>) -> Vec<f64> {
    let p = adaptive_p(sigma);
    let two_s2 = 2.0 * sigma * sigma;
    let lo = (1 - p as i64) * n as i64;
    let freqs: Vec<f64> = (0..(2 * p - 1) * n).map(|i| (lo + i as i64) as f64 / n as f64).collect();
    let low: Vec<f64> = if p == 1 {
        // Continuity around 0 with the plain FFT axis (kymatio; unreachable since P >= 2).
        (0..n)
            .map(|k| {
                let f = if k < n.div_ceil(2) { k as f64 } else { k as f64 - n as f64 } / n as f64;
                (-(f * f) / two_s2).exp()
            })
            .collect()
    } else {
        freqs.iter().map(|f| (-(f * f) / two_s2).exp()).collect()
    };
    let low = periodize(&low, 2 * p - 1);
    let mut filt = match xi {
        Some(xi) => {
            let gabor: Vec<f64> = freqs.iter().map(|f| (-((f - xi) * (f - xi)) / two_s2).exp()).collect();
            let gabor = periodize(&gabor, 2 * p - 1);
            let kappa = gabor[0] / low[0];
            gabor.iter().zip(&low).map(|(g, l)| g - kappa * l).collect()
        }
        None => low,
    };
    let norm = l1_norm_time(&filt, planner);
    filt.iter_mut().for_each(|v| *v /= norm);
    filt
}

/// Half temporal support of a centred filter given in Fourier: the smallest `m` such that the L1
/// mass of the filter beyond lag `m` is ≤ `criterion` (kymatio's `compute_temporal_support`).
/// Falls back to half the length when no such `m` exists.
pub(crate) fn temporal_support(h: &[f64], criterion: f64, planner: &mut FftPlanner<f64>) -> usize {
    let n = h.len();
    let mut buf: Vec<Complex<f64>> = h.iter().map(|&v| Complex::new(v, 0.0)).collect();
    planner.plan_fft_inverse(n).process(&mut buf);
    let half = n / 2;
    let abs: Vec<f64> = buf[..half].iter().map(|c| c.norm() / n as f64).collect();
    // residual[i] = Σ_{k >= i} |h[k]|, accumulated from the tail like numpy's flipped cumsum.
    let mut residual = vec![0.0; half];
    let mut acc = 0.0;
    for i in (0..half).rev() {
        acc += abs[i];
        residual[i] = acc;
    }
    residual.iter().position(|&r| r <= criterion).map(|i| i + 1).unwrap_or(half)
}

/// A real Fourier-domain filter stored only where it is not negligible: one circular run of bins
/// `[start, start + values.len())` modulo `len`. Bins below `1e-15·max` are dropped — their
/// contribution is far under the documented 1e-6 tolerance — which keeps the per-filter products
/// proportional to the filter's bandwidth instead of the padded length.
#[derive(Debug, Clone)]
pub(crate) struct SparseFilter {
    pub start: usize,
    pub values: Vec<f64>,
}

impl SparseFilter {
    pub fn new(h: &[f64]) -> Self {
        let len = h.len();
        let max = h.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let thr = 1e-15 * max;
        let keep: Vec<bool> = h.iter().map(|v| v.abs() > thr).collect();
        // Longest circular run of dropped bins; the filter is its complement.
        let (mut best_len, mut best_end) = (0usize, 0usize);
        let mut run = 0usize;
        for i in 0..2 * len {
            if !keep[i % len] {
                run += 1;
                if run > best_len {
                    best_len = run.min(len);
                    best_end = i % len;
                }
            } else {
                run = 0;
            }
        }
        if best_len == 0 {
            return Self { start: 0, values: h.to_vec() };
        }
        if best_len >= len {
            return Self { start: 0, values: Vec::new() };
        }
        let start = (best_end + 1) % len;
        let count = len - best_len;
        let values = (0..count).map(|k| h[(start + k) % len]).collect();
        Self { start, values }
    }
}
