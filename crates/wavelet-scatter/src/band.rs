//! Pruned inverse DFT of a band-limited filter: the moduli of `ifft(S·Ψ)` (length N) when Ψ is
//! negligible outside K circularly contiguous bins, at the cost of N/M inverse DFTs of size M.
//!
//! Why it is exact: with the band starting at bin `a` and `Z[j] = S[a+j]·Ψ[a+j]` (j < K ≤ M,
//! N = m·M), the time index `n = m·q + r` gives
//! `y[n] = ω_N^{a n} · Σ_j (Z[j]·ω_N^{j r}) · ω_M^{j q}`, with `ω_L = e^{2iπ/L}`:
//! an M-point inverse DFT per residue r of the twiddled band. The leading phase `ω_N^{a n}` has
//! modulus 1, so `|y[n]|` needs no further work. The twiddles are folded into the filter table
//! once (`m × K` values, rounded from f64), so the per-window cost is `m·K` complex products and
//! m small FFTs instead of one N-point FFT over mostly zero bins.

use crate::float::Sample;
use crate::simd::wide;
use num_complex::{Complex, Complex64};
use rustfft::{Fft, FftPlanner};
use std::f64::consts::PI;
use std::sync::Arc;

/// Which transforms a band's DFT size is chosen for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SizeModel {
    /// rustfft's AVX plans, one item at a time ([`best_divisor`]).
    Rustfft,
    /// The eight-lane Stockham transforms of [`crate::lanes`] ([`best_divisor_lanes`]).
    Lanes,
}

/// One filter of a layer, planned for its band.
pub(crate) struct Band<T> {
    /// First bin of the band (circular).
    start: usize,
    /// Band width K in bins.
    len: usize,
    /// Size M of each small inverse DFT (a divisor of N, ≥ K).
    sub: usize,
    /// Number m = N / M of small inverse DFTs.
    count: usize,
    fft: Arc<dyn Fft<T>>,
    /// `count × len` products `Ψ[a+j]·scale·ω_N^{j r}`.
    table: Vec<Complex<T>>,
}

impl<T: Sample> Band<T> {
    /// Plan the filter `psi` (length N, multiplied by `scale`) over the bins where `keep` is
    /// true, with the DFT size M chosen by the cost model of the transforms that will run it.
    pub(crate) fn new(
        psi: &[Complex64],
        scale: f64,
        keep: impl Iterator<Item = bool>,
        model: SizeModel,
        planner: &mut FftPlanner<T>,
    ) -> Self {
        let (start, len) = circular_support(keep);
        let sub = match model {
            SizeModel::Rustfft => best_divisor(psi.len(), len),
            SizeModel::Lanes => best_divisor_lanes(psi.len(), len),
        };
        Self::with_sub(psi, scale, start, len, sub, planner)
    }

    fn with_sub(
        psi: &[Complex64],
        scale: f64,
        start: usize,
        len: usize,
        sub: usize,
        planner: &mut FftPlanner<T>,
    ) -> Self {
        let n = psi.len();
        let count = n / sub;
        let mut table = Vec::with_capacity(count * len);
        for r in 0..count {
            for j in 0..len {
                let p = psi[(start + j) % n] * scale;
                // Exact argument reduction: (j·r) mod N before the angle.
                let phase = 2.0 * PI * ((j * r) % n) as f64 / n as f64;
                let z = p * Complex64::new(phase.cos(), phase.sin());
                table.push(Complex::new(T::of(z.re), T::of(z.im)));
            }
        }
        Self { start, len, sub, count, fft: planner.plan_fft_inverse(sub), table }
    }

    /// `(start, K, M, N/M)`: first bin, band width, size and number of the small inverse DFTs.
    pub(crate) fn geometry(&self) -> (usize, usize, usize, usize) {
        (self.start, self.len, self.sub, self.count)
    }

    /// The `(N/M) × K` twiddled filter table (row r for residue r).
    pub(crate) fn table(&self) -> &[Complex<T>] {
        &self.table
    }

    /// Band width K in bins (the spectrum handed to [`Band::apply`] must extend K bins past N).
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// One past the last bin of the (periodically extended) spectrum the band reads.
    pub(crate) fn end(&self) -> usize {
        self.start + self.len
    }

    /// Scratch length the small inverse DFT needs.
    pub(crate) fn scratch_len(&self) -> usize {
        self.fft.get_inplace_scratch_len()
    }

    /// Filter the spectrum `spec` (length ≥ N + K, periodically extended: `spec[N + i] = spec[i]`)
    /// and write into `out` (length N) values whose moduli are `|y[n]|` in the order of
    /// [`Band::natural`].
    pub(crate) fn apply(&self, spec: &[Complex<T>], out: &mut [Complex<T>], scratch: &mut [Complex<T>]) {
        let band = &spec[self.start..self.start + self.len];
        wide(
            #[inline(always)]
            || self.twiddled_products(band, out),
        );
        self.fft.process_with_scratch(out, scratch);
    }

    /// Chunk r of `out`: the band times row r of the table, then zeros up to M.
    #[inline(always)]
    fn twiddled_products(&self, band: &[Complex<T>], out: &mut [Complex<T>]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2")
            && let (Some(b), Some(t), Some(o)) =
                (T::as_complex64(band), T::as_complex64(&self.table), T::as_complex64_mut(out))
        {
            #[allow(unsafe_code)]
            // SAFETY: AVX2 is available (checked just above).
            unsafe {
                avx2::twiddled_products(b, t, o, self.len, self.sub)
            };
            return;
        }
        let zero = Complex::new(T::zero(), T::zero());
        for (chunk, tw) in out.chunks_exact_mut(self.sub).zip(self.table.chunks_exact(self.len)) {
            let (head, tail) = chunk.split_at_mut(self.len);
            for ((o, s), t) in head.iter_mut().zip(band).zip(tw) {
                *o = *s * *t;
            }
            tail.fill(zero);
        }
    }

    /// Write `|out[p]|` (`√(re² + im²)`) to `dst[(n + shift) mod N]` for every buffer position
    /// `p`, where `n` is the time index of position `p` (numpy's `fftshift` rolls by
    /// `shift = N/2`). The moduli are first computed in buffer order into `tmp` (length N;
    /// vector square roots), then scattered.
    pub(crate) fn natural_moduli(&self, out: &[Complex<T>], shift: usize, dst: &mut [T], tmp: &mut [T]) {
        wide(
            #[inline(always)]
            || {
                for (m, z) in tmp.iter_mut().zip(out) {
                    *m = (z.re * z.re + z.im * z.im).sqrt();
                }
            },
        );
        let n = dst.len();
        let step = self.count;
        for (r, chunk) in tmp.chunks_exact(self.sub).enumerate() {
            // Chunk r fills times o, o + m, … up to N, then wraps once to o + q·m − N.
            let o = (r + shift) % n;
            let split = (n - o).div_ceil(step).min(chunk.len());
            for (d, &v) in dst[o..].iter_mut().step_by(step).zip(&chunk[..split]) {
                *d = v;
            }
            if split < chunk.len() {
                let o2 = o + split * step - n;
                for (d, &v) in dst[o2..].iter_mut().step_by(step).zip(&chunk[split..]) {
                    *d = v;
                }
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx2 {
    use num_complex::Complex64;
    use std::arch::x86_64::*;

    /// [`super::Band::twiddled_products`] for `f64`, two complex products per vector:
    /// `[a.re·b.re − a.im·b.im, a.re·b.im + a.im·b.re]` from two rounded products and one
    /// rounded add/sub each, exactly the IEEE operations of the scalar product.
    #[target_feature(enable = "avx2")]
    pub(super) fn twiddled_products(
        band: &[Complex64],
        table: &[Complex64],
        out: &mut [Complex64],
        len: usize,
        sub: usize,
    ) {
        for (chunk, tw) in out.chunks_exact_mut(sub).zip(table.chunks_exact(len)) {
            let (head, tail) = chunk.split_at_mut(len);
            let mut h = head.chunks_exact_mut(2);
            let mut b = band.chunks_exact(2);
            let mut t = tw.chunks_exact(2);
            for ((o, a), w) in (&mut h).zip(&mut b).zip(&mut t) {
                // SAFETY: each chunk is two `Complex64` = four contiguous f64 (repr(C)).
                let (a, w) =
                    unsafe { (_mm256_loadu_pd(a.as_ptr() as *const f64), _mm256_loadu_pd(w.as_ptr() as *const f64)) };
                let re_re = _mm256_mul_pd(_mm256_movedup_pd(a), w);
                let im_im = _mm256_mul_pd(_mm256_permute_pd::<0b1111>(a), _mm256_permute_pd::<0b0101>(w));
                let p = _mm256_addsub_pd(re_re, im_im);
                // SAFETY: as above, for the output chunk.
                unsafe { _mm256_storeu_pd(o.as_mut_ptr() as *mut f64, p) };
            }
            for ((o, a), w) in h.into_remainder().iter_mut().zip(b.remainder()).zip(t.remainder()) {
                *o = *a * *w;
            }
            tail.fill(Complex64::new(0.0, 0.0));
        }
    }
}

/// Smallest circular interval `(start, len)` holding every `true` of the mask (the complement
/// of the longest circular run of `false`). An all-false mask gives `(0, 1)`.
fn circular_support(mask: impl Iterator<Item = bool>) -> (usize, usize) {
    let mask: Vec<bool> = mask.collect();
    let n = mask.len();
    let Some(first) = mask.iter().position(|&m| m) else { return (0, 1.min(n)) };
    // Longest run of false, scanning 2N positions from a true bin so wrapping runs are whole.
    let (mut best_len, mut best_end) = (0, first);
    let mut run = 0;
    for i in first..first + n {
        if mask[i % n] {
            run = 0;
        } else {
            run += 1;
            if run > best_len {
                best_len = run;
                best_end = i + 1;
            }
        }
    }
    if best_len == 0 {
        return (0, n);
    }
    (best_end % n, n - best_len)
}

/// Divisor M ≥ K of N minimising the estimated time of one band: N/M inverse DFTs of size M
/// plus the (N/M)·K twiddled products that feed them. The model was fitted (least squares,
/// 31 band timings, rms error 0.46 µs) to rustfft's AVX plans for the divisors of 3000, the
/// band sizes of the tutorial network: per point ≈ −0.83 + 0.27·log2 M ns, plus 0.21 ns per
/// factor 5, plus 0.71 ns when a size with factors 5 has a 2^a·3^b part below 6 (sizes such as
/// 50, 100, 125, 250, 375, 500 run without a fast AVX base butterfly); per inverse DFT
/// 0.44 ns per band bin plus 31 ns. E.g. K = 738 → M = 1000, K = 185 → M = 300.
/// The choice is a fixed function of (N, K), so results never depend on the machine.
fn best_divisor(n: usize, k: usize) -> usize {
    let per_point = |m: usize| {
        let (mut fives, mut smooth, mut other) = (0.0, 1, 0.0);
        let mut rest = m;
        let mut p = 2;
        while p * p <= rest {
            while rest.is_multiple_of(p) {
                match p {
                    2 | 3 => smooth *= p,
                    5 => fives += 1.0,
                    _ => other += prime_cost(p),
                }
                rest /= p;
            }
            p += 1;
        }
        match rest {
            1 => {}
            2 | 3 => smooth *= rest,
            5 => fives += 1.0,
            _ => other += prime_cost(rest),
        }
        let slow_base = if fives > 0.0 && smooth < 6 { 0.71 } else { 0.0 };
        (-0.83 + 0.27 * (m as f64).log2() + 0.21 * fives + slow_base).max(0.3) + other
    };
    let cost = |m: usize| n as f64 * per_point(m) + (n / m) as f64 * (0.44 * k as f64 + 31.0);
    (k.max(1)..=n).filter(|m| n.is_multiple_of(*m)).min_by(|a, b| cost(*a).total_cmp(&cost(*b))).unwrap_or(n)
}

/// [`best_divisor`] for the lanes DFTs ([`crate::lanes`]), whose cost per point and item
/// grows mainly with the working set (two buffers of 128 bytes per point): measured on
/// AVX-512, ≈ 0.45 + 0.0021·M ns while both buffers fit a 48 KB L1 cache (M ≤ 200), then
/// ≈ 1.26 + 0.31·log2(M/250) ns; products are fused into the first pass (≈ 0.05 ns per band
/// bin and residue, 20 ns per DFT). E.g. K = 185 → M = 200 (not 300), K = 47 → M = 100.
fn best_divisor_lanes(n: usize, k: usize) -> usize {
    let per_point = |m: usize| {
        let m = m as f64;
        if m <= 200.0 { 0.45 + 0.0021 * m } else { 1.26 + 0.31 * (m / 250.0).log2().max(0.0) }
    };
    let cost = |m: usize| n as f64 * per_point(m) + (n / m) as f64 * (0.05 * k as f64 + 20.0);
    (k.max(1)..=n).filter(|m| n.is_multiple_of(*m)).min_by(|a, b| cost(*a).total_cmp(&cost(*b))).unwrap_or(n)
}

/// Estimated ns per point that one prime factor above 5 adds to a rustfft transform (generic
/// butterflies, or Rader/Bluestein for large primes).
fn prime_cost(p: usize) -> f64 {
    match p {
        7..=31 => 0.75 * (p as f64).log2() / 5f64.log2(),
        _ => 1.2 * (p as f64).log2(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_and_divisor() {
        let m = |s: &str| s.chars().map(|c| c == '1').collect::<Vec<_>>().into_iter();
        assert_eq!(circular_support(m("0011100")), (2, 3));
        assert_eq!(circular_support(m("1000011")), (5, 3));
        assert_eq!(circular_support(m("1111")), (0, 4));
        assert_eq!(circular_support(m("0000")), (0, 1));
        assert_eq!(best_divisor(3000, 3000), 3000);
        // Sizes rich in 2 and 3 beat the nearest divisor when it holds two factors 5.
        assert_eq!(best_divisor(3000, 47), 120);
        assert_eq!(best_divisor(3000, 93), 120);
        assert_eq!(best_divisor(3000, 369), 600);
        assert_eq!(best_divisor(3000, 738), 1000);
        assert_eq!(best_divisor(3000, 185), 300);
        assert_eq!(best_divisor(3000, 1476), 1500);
        assert_eq!(best_divisor(7, 3), 7);
        assert_eq!(best_divisor_lanes(3000, 185), 200);
        assert_eq!(best_divisor_lanes(3000, 47), 100);
        assert_eq!(best_divisor_lanes(3000, 1476), 1500);
        assert_eq!(best_divisor_lanes(7, 3), 7);
    }

    /// The pruned transform equals a full inverse FFT of the masked product in modulus.
    #[test]
    fn pruned_equals_full() {
        for (n, lo, hi) in [(3000usize, 100usize, 160usize), (2001, 1990, 2030), (512, 0, 512), (60, 50, 65)] {
            let psi: Vec<Complex64> = (0..n)
                .map(|i| {
                    let d = (i + n - lo) % n;
                    if d < hi - lo {
                        Complex64::new(1.0 + (d as f64 * 0.3).sin(), (d as f64 * 0.7).cos())
                    } else {
                        Complex64::new(0.0, 0.0)
                    }
                })
                .collect();
            let spec: Vec<Complex64> =
                (0..n).map(|i| Complex64::new((i as f64 * 1.7).sin(), (i as f64 * 0.37).cos())).collect();
            let mut planner = FftPlanner::<f64>::new();
            let keep = psi.iter().map(|z| z.norm() > 0.0);
            let band = Band::<f64>::new(&psi, 1.0 / n as f64, keep, SizeModel::Rustfft, &mut planner);
            let mut ext = spec.clone();
            ext.extend_from_slice(&spec[..band.len()]);
            let mut out = vec![Complex64::new(0.0, 0.0); n];
            let mut scratch = vec![Complex64::new(0.0, 0.0); band.scratch_len()];
            band.apply(&ext, &mut out, &mut scratch);
            let mut got = vec![0.0; n];
            band.natural_moduli(&out, 0, &mut got, &mut vec![0.0; n]);
            let mut full: Vec<Complex64> = spec.iter().zip(&psi).map(|(a, b)| a * b / n as f64).collect();
            planner.plan_fft_inverse(n).process(&mut full);
            let max = full.iter().map(|z| z.norm()).fold(0.0, f64::max);
            for (g, e) in got.iter().zip(&full) {
                assert!((g - e.norm()).abs() <= 1e-14 * max, "n = {n}: {g} vs {}", e.norm());
            }
        }
    }
}
