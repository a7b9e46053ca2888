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
    /// Per requested bin k, in the order of [`Self::post`] (row r = k mod p, then column):
    /// C = −i·W_n^k/2, so that X[k] = (Z[k] + Z*[M−k])/2 + C·(Z[k] − Z*[M−k]).
    post: Vec<C64>,
    /// For every row r: the first column, the number of bins and the offset of its first bin
    /// in `post`.
    rows: Vec<(usize, usize, usize)>,
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
        let mut post = Vec::with_capacity(bins.len());
        let mut rows = Vec::with_capacity(p);
        for r in 0..p {
            // bins k = p·col + r inside `bins` (k = M is bin 0 of row 0 shifted by q columns)
            let first = bins.start.saturating_sub(r).div_ceil(p);
            let end = if bins.end > r { (bins.end - r).div_ceil(p) } else { 0 };
            let count = end.saturating_sub(first);
            rows.push((first, count, post.len()));
            post.extend((first..first + count).map(|c| {
                let w = twiddle(p * c + r, n);
                C64::new(w.im * 0.5, -w.re * 0.5)
            }));
        }
        Some(Self { m, p, q, max_len, fft, tw_m, post, rows, bins })
    }

    /// Buffers for [`Self::forward`]: (sub-transform data, FFT scratch).
    pub(crate) fn make_buffers(&self) -> (Vec<C64>, Vec<C64>) {
        (vec![C64::new(0.0, 0.0); self.m], vec![C64::new(0.0, 0.0); self.fft.get_inplace_scratch_len()])
    }

    /// Spectrum of `x` (at most `max_len` samples, implicitly zero-padded to n) on the planned
    /// bins: `out[k − bins.start] = X[k]`. `buf` and `scratch` come from [`Self::make_buffers`].
    pub(crate) fn forward(&self, x: &[f64], out: &mut [C64], buf: &mut [C64], scratch: &mut [C64]) {
        let b0 = self.bins.start;
        self.transform(x, buf, scratch);
        self.post(buf, |k, v| out[k - b0] = v);
    }

    /// |X[k]|² on the planned bins: `out[k − bins.start] = |X[k]|²` (see [`Self::forward`]).
    pub(crate) fn forward_power(&self, x: &[f64], out: &mut [f64], buf: &mut [C64], scratch: &mut [C64]) {
        let b0 = self.bins.start;
        crate::simd::dispatch(
            #[inline(always)]
            || {
                self.transform(x, buf, scratch);
                self.post(buf, |k, v| out[k - b0] = v.re * v.re + v.im * v.im);
            },
        )
    }

    /// Pack, twiddle and transform: afterwards Z[p·c + r] sits at `buf[r·q + c]`.
    #[inline(always)]
    fn transform(&self, x: &[f64], buf: &mut [C64], scratch: &mut [C64]) {
        debug_assert!(x.len() <= self.max_len && buf.len() == self.m);
        let q = self.q;
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
                *b = C64::new(z.re * w.re - z.im * w.im, z.re * w.im + z.im * w.re);
            }
            sub[h..].fill(C64::new(0.0, 0.0));
        }
        self.fft.process_with_scratch(buf, scratch);
    }

    /// Hand X[k] for every planned bin to `sink(k, X[k])`, row by row: the bins k ≡ r (mod p)
    /// read row r forwards and their partners M − k (row p − r, or row 0 for r = 0) backwards.
    #[inline(always)]
    fn post(&self, buf: &[C64], mut sink: impl FnMut(usize, C64)) {
        let (p, q) = (self.p, self.q);
        // X = (a + b*)/2 + c·(a − b*) for a = Z[k], b = Z[M − k].
        let x = |a: C64, b: C64, c: C64| {
            let (sr, si) = (a.re + b.re, a.im - b.im);
            let (dr, di) = (a.re - b.re, a.im + b.im);
            C64::new(0.5 * sr + (c.re * dr - c.im * di), 0.5 * si + (c.re * di + c.im * dr))
        };
        for (r, &(first, count, offset)) in self.rows.iter().enumerate() {
            let cs = &self.post[offset..offset + count];
            let row = &buf[r * q..(r + 1) * q];
            if r == 0 {
                // Z periodic in M: column q of row 0 is Z[M] = Z[0], and Z[M − 0] = Z[0].
                for (i, &c) in cs.iter().enumerate() {
                    let col = first + i;
                    let (a, b) = if col == 0 || col == q { (row[0], row[0]) } else { (row[col], row[q - col]) };
                    sink(p * col, x(a, b, c));
                }
            } else {
                // k = p·col + r < M, so col < q, and M − k = p·(q − col − 1) + (p − r).
                let partner = &buf[(p - r) * q..(p - r + 1) * q];
                let rows = row[first..first + count].iter();
                let partners = partner[q - first - count..q - first].iter().rev();
                for (i, ((&c, &a), &b)) in cs.iter().zip(rows).zip(partners).enumerate() {
                    sink(p * (first + i) + r, x(a, b, c));
                }
            }
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
