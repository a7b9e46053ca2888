//! A real FFT for zero-padded windows whose spectrum is only needed on a band of bins.
//!
//! hvsrpy pads a 6001-sample window to n = 32768, and the smoothing reads only the bins below
//! ≈ 24 Hz. The transform is computed exactly (the same DFT, only the rounding order differs),
//! with the zeros pruned:
//!
//! - the real input is packed as z[j] = x[2j] + i·x[2j+1] (length M = n/2), which is zero for
//!   j ≥ h = ⌈len/2⌉;
//! - decimation in frequency by P: Z[P·m + r] = DFT_{M/P}(z[j]·W_M^{j·r})[m] needs only the
//!   first M/P samples of z, so when h ≤ M/P the P sub-transforms of length M/P read just the
//!   h twiddled samples (no full-length zero padding to write or transform);
//! - the real spectrum X[k] = E[k] + W_n^k·O[k], with E = (Z[k] + Z*[M−k])/2 and
//!   O = (Z[k] − Z*[M−k])/(2i), is formed only for the requested bins.

use num_complex::Complex;
use rustfft::{Fft, FftPlanner};
use std::ops::Range;
use std::sync::Arc;

type C64 = Complex<f64>;

/// A planned pruned real FFT (see the module documentation).
#[derive(Clone)]
pub(crate) struct PrunedRfft {
    /// Half the real length.
    m: usize,
    /// Decimation factor (power of two dividing `m`).
    p: usize,
    /// Length of each sub-transform, `m / p`.
    q: usize,
    /// Longest input.
    max_len: usize,
    fft: Arc<dyn Fft<f64>>,
    /// W_M^(j·r) for r = 1..p, j < q, one contiguous row per r.
    tw_m: Vec<C64>,
    /// Per requested bin k: (A, B) = ((1 − i·W_n^k)/2, (1 + i·W_n^k)/2), so that
    /// X[k] = A·Z[k] + B·Z*[M−k].
    post: Vec<(C64, C64)>,
    bins: Range<usize>,
}

impl std::fmt::Debug for PrunedRfft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrunedRfft").field("n", &(2 * self.m)).field("p", &self.p).field("bins", &self.bins).finish()
    }
}

/// W_len^t = exp(−2πi·t/len).
fn twiddle(t: usize, len: usize) -> C64 {
    let (s, c) = (-2.0 * std::f64::consts::PI * t as f64 / len as f64).sin_cos();
    C64::new(c, s)
}

impl PrunedRfft {
    /// Plan for real length `n`, inputs of at most `max_len` samples and output `bins`
    /// (⊆ 0..=n/2). `None` when pruning gains nothing (odd n, or no zero padding to prune).
    pub(crate) fn new(n: usize, max_len: usize, bins: Range<usize>) -> Option<Self> {
        if !n.is_multiple_of(2) || n < 8 || max_len == 0 || max_len > n || bins.end > n / 2 + 1 {
            return None;
        }
        let m = n / 2;
        let h = max_len.div_ceil(2);
        let mut p = 1;
        while p < 64 && m.is_multiple_of(2 * p) && h <= m / (2 * p) {
            p *= 2;
        }
        if p == 1 {
            return None;
        }
        let q = m / p;
        let fft = FftPlanner::new().plan_fft_forward(q);
        let tw_m = (1..p).flat_map(|r| (0..q).map(move |j| twiddle(j * r, m))).collect();
        let i = C64::new(0.0, 1.0);
        let post = bins
            .clone()
            .map(|k| {
                let w = twiddle(k, n);
                ((C64::new(1.0, 0.0) - i * w) * 0.5, (C64::new(1.0, 0.0) + i * w) * 0.5)
            })
            .collect();
        Some(Self { m, p, q, max_len, fft, tw_m, post, bins })
    }

    /// Buffers for [`Self::forward`]: (sub-transform data, FFT scratch).
    pub(crate) fn make_buffers(&self) -> (Vec<C64>, Vec<C64>) {
        (vec![C64::new(0.0, 0.0); self.m], vec![C64::new(0.0, 0.0); self.fft.get_inplace_scratch_len()])
    }

    /// Spectrum of `x` (at most `max_len` samples, implicitly zero-padded to n) on the planned
    /// bins: `out[k − bins.start] = X[k]`. `buf` and `scratch` come from [`Self::make_buffers`].
    pub(crate) fn forward(&self, x: &[f64], out: &mut [C64], buf: &mut [C64], scratch: &mut [C64]) {
        debug_assert!(x.len() <= self.max_len && out.len() >= self.bins.len() && buf.len() == self.m);
        let (q, p) = (self.q, self.p);
        let h = x.len().div_ceil(2);
        let (pairs, rest) = x.as_chunks::<2>();
        let (sub0, subs) = buf.split_at_mut(q);
        for (b, v) in sub0.iter_mut().zip(pairs) {
            *b = C64::new(v[0], v[1]);
        }
        if let Some(&last) = rest.first() {
            sub0[h - 1] = C64::new(last, 0.0);
        }
        sub0[h..].fill(C64::new(0.0, 0.0));
        for (sub, tw) in subs.chunks_exact_mut(q).zip(self.tw_m.chunks_exact(q)) {
            for ((b, z), w) in sub[..h].iter_mut().zip(&sub0[..h]).zip(&tw[..h]) {
                *b = z * w;
            }
            sub[h..].fill(C64::new(0.0, 0.0));
        }
        self.fft.process_with_scratch(buf, scratch);
        // Z[t] sits at buf[(t mod p)·q + t / p].
        let (m, mask, shift) = (self.m, p - 1, p.trailing_zeros());
        let z = |t: usize| buf[(t & mask) * q + (t >> shift)];
        for ((o, &(ca, cb)), k) in out.iter_mut().zip(&self.post).zip(self.bins.clone()) {
            let t = if k == m { 0 } else { k };
            *o = ca * z(t) + cb * z(if t == 0 { 0 } else { m - t }).conj();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use seis_core::fft::RealFft;

    #[test]
    fn matches_the_full_real_fft() {
        for (n, len, bins) in [(32768, 6001, 50..7900), (32768, 6000, 0..16385), (4096, 1000, 0..2049), (64, 9, 3..30)]
        {
            let plan = PrunedRfft::new(n, len, bins.clone()).expect("prunable");
            let x: Vec<f64> = (0..len).map(|i| ((i * 7919) % 101) as f64 - 50.0 + (i as f64 * 0.01).sin()).collect();
            let full = RealFft::<f64>::new(n).unwrap();
            let mut input = x.clone();
            input.resize(n, 0.0);
            let mut spec = vec![C64::new(0.0, 0.0); n / 2 + 1];
            full.forward_into(&mut input, &mut spec, &mut full.make_scratch()).unwrap();
            let (mut buf, mut scratch) = plan.make_buffers();
            let mut out = vec![C64::new(0.0, 0.0); bins.len()];
            // twice: buffers reused
            for _ in 0..2 {
                plan.forward(&x, &mut out, &mut buf, &mut scratch);
                let scale = spec.iter().map(|c| c.norm()).fold(0.0, f64::max);
                for (k, o) in bins.clone().zip(&out) {
                    assert!((o - spec[k]).norm() <= 1e-12 * scale, "n {n} bin {k}: {o} vs {}", spec[k]);
                }
            }
        }
    }

    #[test]
    fn declines_when_nothing_to_prune() {
        assert!(PrunedRfft::new(5999, 5999, 0..100).is_none());
        assert!(PrunedRfft::new(8192, 6001, 0..100).is_none());
    }
}
