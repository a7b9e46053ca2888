//! Spectral smoothing operators, planned once per (FFT frequencies, output frequencies) as a
//! sparse matrix with one contiguous band of weights per output frequency.
//!
//! Every operator is a weighted mean `S(fc) = Σ_f W(f, fc)·X(f) / Σ_f W(f, fc)` over the FFT bins
//! (hvsrpy 2.1 definitions; bins below 1e-6 Hz are skipped). The weights are normalised at plan
//! time, so applying the operator is one dot product per output frequency.

use crate::{HvsrError, Result};
use serde::{Deserialize, Serialize};

/// A smoothing operator and its bandwidth.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Smoothing {
    /// Konno & Ohmachi (1998) with hvsrpy's cut-off: only bins with |b·log10(f/fc)| ≤ 3 count.
    KonnoOhmachi {
        /// Bandwidth coefficient b (40 in hvsrpy and Geopsy).
        bandwidth: f64,
    },
    /// Konno & Ohmachi over every bin (ObsPy's `konno_ohmachi_smoothing` with `normalize=True`).
    KonnoOhmachiUntruncated {
        /// Bandwidth coefficient b.
        bandwidth: f64,
    },
    /// Parzen window of width `bandwidth` Hz (hvsrpy's support √6·a/bw, a = 280π/302).
    Parzen {
        /// Width in Hz.
        bandwidth: f64,
    },
    /// Quadratic Savitzky–Golay of `points` (odd) FFT bins centred on the bin nearest fc; zero
    /// where the operator would leave the spectrum.
    SavitzkyGolay {
        /// Number of points (odd, ≥ 3).
        points: usize,
    },
    /// Boxcar of total width `bandwidth` Hz.
    LinearRectangular {
        /// Width in Hz.
        bandwidth: f64,
    },
    /// Triangle of base `bandwidth` Hz.
    LinearTriangular {
        /// Base in Hz.
        bandwidth: f64,
    },
    /// Boxcar of total width `bandwidth` in log10 units.
    LogRectangular {
        /// Width in log10(f) units.
        bandwidth: f64,
    },
    /// Triangle of base `bandwidth` in log10 units (hvsrpy `log_triangular`).
    LogTriangular {
        /// Base in log10(f) units.
        bandwidth: f64,
    },
    /// Triangle linear in f whose base is `fraction`·fc (fc ± fraction/2·fc); the seed
    /// document's operator uses 0.10.
    ProportionalTriangular {
        /// Base as a fraction of the centre frequency, in (0, 2).
        fraction: f64,
    },
}

impl Default for Smoothing {
    fn default() -> Self {
        Smoothing::KonnoOhmachi { bandwidth: 40.0 }
    }
}

impl Smoothing {
    pub(crate) fn check(&self) -> Result<()> {
        let pos = |name: &'static str, v: f64| {
            if v.is_finite() && v > 0.0 { Ok(()) } else { Err(HvsrError::invalid(name, v, "must be finite and > 0")) }
        };
        match *self {
            Smoothing::KonnoOhmachi { bandwidth } | Smoothing::KonnoOhmachiUntruncated { bandwidth } => {
                pos("konno_ohmachi bandwidth", bandwidth)
            }
            Smoothing::Parzen { bandwidth }
            | Smoothing::LinearRectangular { bandwidth }
            | Smoothing::LinearTriangular { bandwidth }
            | Smoothing::LogRectangular { bandwidth }
            | Smoothing::LogTriangular { bandwidth } => pos("smoothing bandwidth", bandwidth),
            Smoothing::SavitzkyGolay { points } => {
                if points >= 3 && points % 2 == 1 {
                    Ok(())
                } else {
                    Err(HvsrError::invalid("savitzky_golay points", points, "must be an odd integer ≥ 3"))
                }
            }
            Smoothing::ProportionalTriangular { fraction } => {
                if fraction.is_finite() && fraction > 0.0 && fraction < 2.0 {
                    Ok(())
                } else {
                    Err(HvsrError::invalid("proportional_triangular fraction", fraction, "must lie in (0, 2)"))
                }
            }
        }
    }

    /// Plan the operator from FFT bin frequencies (ascending, uniformly spaced from 0 for
    /// [`Smoothing::SavitzkyGolay`]) to output frequencies `fcs`.
    pub fn plan(&self, fft_frequencies: &[f64], fcs: &[f64]) -> Result<SmoothingOperator> {
        self.check()?;
        if fft_frequencies.is_empty() {
            return Err(HvsrError::Empty { what: "FFT frequencies" });
        }
        if fcs.is_empty() {
            return Err(HvsrError::Empty { what: "output frequencies" });
        }
        for (index, &v) in fcs.iter().enumerate() {
            if !v.is_finite() {
                return Err(HvsrError::NonFinite { what: "output frequencies".into(), index, value: v });
            }
        }
        let mut op = SmoothingOperator {
            n_bins: fft_frequencies.len(),
            rows: Vec::with_capacity(fcs.len()),
            weights: Vec::new(),
        };
        let mut buf: Vec<f64> = Vec::new();
        for &fc in fcs {
            buf.clear();
            let (start, normalise) = match *self {
                Smoothing::SavitzkyGolay { points } => {
                    (savitzky_golay_row(fft_frequencies, fc, points, &mut buf)?, false)
                }
                _ => (self.weighted_row(fft_frequencies, fc, &mut buf), true),
            };
            let sum: f64 = buf.iter().sum();
            let offset = op.weights.len();
            if normalise {
                if sum > 0.0 {
                    op.weights.extend(buf.iter().map(|w| w / sum));
                } else {
                    buf.clear();
                }
            } else {
                op.weights.extend_from_slice(&buf);
            }
            op.rows.push(Row { start, offset, len: op.weights.len() - offset });
        }
        Ok(op)
    }

    /// Weight of bin frequency `f` for centre `fc`, `None` outside the support (hvsrpy's
    /// predicates, evaluated exactly as hvsrpy does so the supports match bin for bin).
    fn weight(&self, f: f64, fc: f64) -> Option<f64> {
        if f < 1e-6 {
            return None;
        }
        match *self {
            Smoothing::KonnoOhmachi { bandwidth: b } => {
                let r = f / fc;
                if r > 10f64.powf(3.0 / b) || r < 10f64.powf(-3.0 / b) {
                    return None;
                }
                Some(ko(f, fc, b))
            }
            Smoothing::KonnoOhmachiUntruncated { bandwidth: b } => Some(ko(f, fc, b)),
            Smoothing::Parzen { bandwidth } => {
                let a = (std::f64::consts::PI * 280.0) / (2.0 * 151.0);
                let d = f - fc;
                let upper = 6f64.sqrt() * a / bandwidth;
                if d > upper || d < -upper {
                    return None;
                }
                if d.abs() < 1e-6 {
                    return Some(1.0);
                }
                let u = a * d / bandwidth;
                let w = u.sin() / u;
                Some(w * w * w * w)
            }
            Smoothing::LinearRectangular { bandwidth } => ((f - fc).abs() <= bandwidth / 2.0).then_some(1.0),
            Smoothing::LinearTriangular { bandwidth } => {
                let d = (f - fc).abs();
                (d <= bandwidth / 2.0).then(|| 1.0 - d * (2.0 / bandwidth))
            }
            Smoothing::LogRectangular { bandwidth } => {
                let r = f / fc;
                (r >= 10f64.powf(-bandwidth / 2.0) && r <= 10f64.powf(bandwidth / 2.0)).then_some(1.0)
            }
            Smoothing::LogTriangular { bandwidth } => {
                let r = f / fc;
                (r >= 10f64.powf(-bandwidth / 2.0) && r <= 10f64.powf(bandwidth / 2.0))
                    .then(|| 1.0 - r.log10().abs() * (2.0 / bandwidth))
            }
            Smoothing::ProportionalTriangular { fraction } => {
                let half = fraction * fc / 2.0;
                let d = (f - fc).abs();
                (d <= half).then(|| 1.0 - d / half)
            }
            Smoothing::SavitzkyGolay { .. } => None,
        }
    }

    /// Fill `buf` with the weights of one band and return the first bin of the band.
    fn weighted_row(&self, freqs: &[f64], fc: f64, buf: &mut Vec<f64>) -> usize {
        if fc < 1e-6 {
            return 0;
        }
        let (lo, hi) = self.band(freqs, fc);
        let mut first = None;
        let mut last = 0;
        for (k, &f) in freqs.iter().enumerate().take(hi).skip(lo) {
            if self.weight(f, fc).is_some() {
                first.get_or_insert(k);
                last = k;
            }
        }
        let Some(first) = first else { return 0 };
        // Bins inside the band but outside the support get weight 0 (supports are intervals,
        // so this only happens at the f < 1e-6 edge).
        buf.extend((first..=last).map(|k| self.weight(freqs[k], fc).unwrap_or(0.0)));
        first
    }

    /// A bin range certainly containing the support (a little wider; the exact predicate decides).
    fn band(&self, freqs: &[f64], fc: f64) -> (usize, usize) {
        let (flo, fhi) = match *self {
            Smoothing::KonnoOhmachi { bandwidth: b } => (fc * 10f64.powf(-3.0 / b), fc * 10f64.powf(3.0 / b)),
            Smoothing::Parzen { bandwidth } => {
                let a = (std::f64::consts::PI * 280.0) / (2.0 * 151.0);
                let u = 6f64.sqrt() * a / bandwidth;
                (fc - u, fc + u)
            }
            Smoothing::LinearRectangular { bandwidth } | Smoothing::LinearTriangular { bandwidth } => {
                (fc - bandwidth / 2.0, fc + bandwidth / 2.0)
            }
            Smoothing::LogRectangular { bandwidth } | Smoothing::LogTriangular { bandwidth } => {
                (fc * 10f64.powf(-bandwidth / 2.0), fc * 10f64.powf(bandwidth / 2.0))
            }
            Smoothing::ProportionalTriangular { fraction } => {
                (fc * (1.0 - fraction / 2.0), fc * (1.0 + fraction / 2.0))
            }
            Smoothing::KonnoOhmachiUntruncated { .. } | Smoothing::SavitzkyGolay { .. } => {
                return (0, freqs.len());
            }
        };
        let lo = freqs.partition_point(|&f| f < flo).saturating_sub(2);
        let hi = (freqs.partition_point(|&f| f <= fhi) + 2).min(freqs.len());
        (lo, hi.max(lo))
    }
}

fn ko(f: f64, fc: f64, b: f64) -> f64 {
    if (f - fc).abs() < 1e-6 {
        return 1.0;
    }
    let x = b * (f / fc).log10();
    let w = x.sin() / x;
    let w = w * w;
    w * w
}

/// Quadratic Savitzky–Golay coefficients centred on the bin nearest `fc` (hvsrpy layout).
fn savitzky_golay_row(freqs: &[f64], fc: f64, m: usize, buf: &mut Vec<f64>) -> Result<usize> {
    if freqs.len() > 1 {
        let df = freqs[1] - freqs[0];
        let uniform = freqs.windows(2).all(|w| ((w[1] - w[0]) - df).abs() <= 1e-6);
        if !uniform {
            return Err(HvsrError::invalid("smoothing", "savitzky_golay", "needs linearly spaced FFT frequencies"));
        }
        let nterms = (m - 1) / 2 + 1;
        let idx = ((fc - freqs[0]) / df).round_ties_even(); // numpy rounds half to even
        if idx < nterms as f64 || idx + nterms as f64 > freqs.len() as f64 {
            return Ok(0);
        }
        let idx = idx as usize;
        let mf = m as f64;
        let norm = mf * (mf * mf - 4.0) / 3.0;
        let half = nterms - 1;
        buf.extend((0..m).map(|j| {
            let i = j as f64 - half as f64;
            (3.0 * mf * mf - 7.0 - 20.0 * i * i) / 4.0 / norm
        }));
        return Ok(idx - half);
    }
    Ok(0)
}

#[derive(Debug, Clone, Copy)]
struct Row {
    start: usize,
    offset: usize,
    len: usize,
}

/// A planned smoothing operator: FFT bins → output frequencies, one contiguous band of
/// normalised weights per output frequency. Immutable; apply it to any number of spectra.
#[derive(Debug, Clone)]
pub struct SmoothingOperator {
    n_bins: usize,
    rows: Vec<Row>,
    weights: Vec<f64>,
}

impl SmoothingOperator {
    /// Number of FFT bins the operator expects.
    pub fn n_bins(&self) -> usize {
        self.n_bins
    }

    /// Number of output frequencies.
    pub fn n_out(&self) -> usize {
        self.rows.len()
    }

    /// Number of stored weights (the sparse matrix's non-zeros).
    pub fn nnz(&self) -> usize {
        self.weights.len()
    }

    /// The FFT bins any output frequency reads (`start..end`); bins outside never matter.
    pub fn support(&self) -> std::ops::Range<usize> {
        let start = self.rows.iter().filter(|r| r.len > 0).map(|r| r.start).min().unwrap_or(0);
        let end = self.rows.iter().map(|r| r.start + r.len).max().unwrap_or(0);
        start..end.max(start)
    }

    /// Output frequencies whose band holds no FFT bin (their smoothed value is 0).
    pub fn empty_rows(&self) -> impl Iterator<Item = usize> + '_ {
        self.rows.iter().enumerate().filter(|(_, r)| r.len == 0).map(|(i, _)| i)
    }

    /// Smooth one spectrum (length [`Self::n_bins`]) into `out` (length [`Self::n_out`]).
    pub fn apply(&self, spectrum: &[f64], out: &mut [f64]) -> Result<()> {
        if spectrum.len() != self.n_bins || out.len() != self.rows.len() {
            return Err(HvsrError::ShapeMismatch {
                what: "smoothing operator (spectrum, output)".into(),
                expected: format!("({}, {})", self.n_bins, self.rows.len()),
                got: format!("({}, {})", spectrum.len(), out.len()),
            });
        }
        self.apply_unchecked(spectrum, out);
        Ok(())
    }

    pub(crate) fn apply_unchecked(&self, spectrum: &[f64], out: &mut [f64]) {
        for (o, r) in out.iter_mut().zip(&self.rows) {
            *o = dot(&self.weights[r.offset..r.offset + r.len], &spectrum[r.start..r.start + r.len]);
        }
    }

    /// Smooth several spectra of equal length at once (better cache use than one at a time).
    pub(crate) fn apply_many(&self, spectra: &[&[f64]], outs: &mut [&mut [f64]]) {
        for (j, r) in self.rows.iter().enumerate() {
            let w = &self.weights[r.offset..r.offset + r.len];
            for (s, o) in spectra.iter().zip(outs.iter_mut()) {
                o[j] = dot(w, &s[r.start..r.start + r.len]);
            }
        }
    }
}

impl SmoothingOperator {
    /// Smooth `S` spectra stored bin-major (`x[(k − b0)·S + s]` is bin k of spectrum s; bins
    /// below `b0` absent) into `out[j·S + s]`. One pass over the weights serves all `S` spectra,
    /// and each weight multiplies `S` contiguous values (SIMD-friendly). Every output is summed
    /// exactly as [`dot`] sums it, so results do not depend on `S` or on the slot.
    pub(crate) fn apply_interleaved(&self, x: &[f64], b0: usize, n_spectra: usize, out: &mut [f64]) {
        match n_spectra {
            2 => crate::simd::dispatch(
                #[inline(always)]
                || self.interleaved::<2>(x, b0, out),
            ),
            4 => crate::simd::dispatch(
                #[inline(always)]
                || self.interleaved::<4>(x, b0, out),
            ),
            8 => crate::simd::dispatch(
                #[inline(always)]
                || self.interleaved::<8>(x, b0, out),
            ),
            _ => {
                let mut col = Vec::new();
                for (j, r) in self.rows.iter().enumerate() {
                    let w = &self.weights[r.offset..r.offset + r.len];
                    for s in 0..n_spectra {
                        col.clear();
                        col.extend((0..r.len).map(|k| x[(r.start + k - b0) * n_spectra + s]));
                        out[j * n_spectra + s] = if r.len == 0 { 0.0 } else { dot(w, &col) };
                    }
                }
            }
        }
    }

    #[inline(always)]
    fn interleaved<const S: usize>(&self, x: &[f64], b0: usize, out: &mut [f64]) {
        for (r, o) in self.rows.iter().zip(out.chunks_exact_mut(S)) {
            if r.len == 0 {
                o.fill(0.0);
                continue;
            }
            let w = &self.weights[r.offset..r.offset + r.len];
            let base = (r.start - b0) * S;
            let xs = &x[base..base + r.len * S];
            let (wq, wt) = w.as_chunks::<4>();
            let mut acc = [[0.0f64; S]; 4];
            for (wq, xq) in wq.iter().zip(xs.chunks_exact(4 * S)) {
                for u in 0..4 {
                    for s in 0..S {
                        acc[u][s] += wq[u] * xq[u * S + s];
                    }
                }
            }
            let mut sum = [0.0f64; S];
            for s in 0..S {
                sum[s] = (acc[0][s] + acc[1][s]) + (acc[2][s] + acc[3][s]);
            }
            for (wk, xk) in wt.iter().zip(xs[4 * wq.len() * S..].chunks_exact(S)) {
                for s in 0..S {
                    sum[s] += wk * xk[s];
                }
            }
            o.copy_from_slice(&sum);
        }
    }
}

/// Dot product with four accumulators (vectorises; order fixed, so results are reproducible).
#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f64; 4];
    let chunks = n / 4;
    for i in 0..chunks {
        let k = 4 * i;
        acc[0] += a[k] * b[k];
        acc[1] += a[k + 1] * b[k + 1];
        acc[2] += a[k + 2] * b[k + 2];
        acc[3] += a[k + 3] * b[k + 3];
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for k in 4 * chunks..n {
        s += a[k] * b[k];
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_spectrum_is_preserved() {
        let freqs: Vec<f64> = (0..2049).map(|k| k as f64 * 0.05).collect();
        let fcs = [0.5, 1.0, 7.3, 30.0];
        let ones = vec![1.0; freqs.len()];
        for s in [
            Smoothing::KonnoOhmachi { bandwidth: 40.0 },
            Smoothing::KonnoOhmachiUntruncated { bandwidth: 40.0 },
            Smoothing::Parzen { bandwidth: 0.5 },
            Smoothing::SavitzkyGolay { points: 9 },
            Smoothing::LinearRectangular { bandwidth: 0.5 },
            Smoothing::LinearTriangular { bandwidth: 0.5 },
            Smoothing::LogRectangular { bandwidth: 0.05 },
            Smoothing::LogTriangular { bandwidth: 0.05 },
            Smoothing::ProportionalTriangular { fraction: 0.1 },
        ] {
            let op = s.plan(&freqs, &fcs).unwrap();
            let mut out = vec![0.0; fcs.len()];
            op.apply(&ones, &mut out).unwrap();
            for v in out {
                assert!((v - 1.0).abs() < 1e-12, "{s:?}: {v}");
            }
        }
    }

    #[test]
    fn interleaved_equals_one_at_a_time_bit_for_bit() {
        // the bin-major kernel (AVX2 where available) sums exactly like `dot`
        let freqs: Vec<f64> = (0..4097).map(|k| k as f64 * 0.01).collect();
        let fcs: Vec<f64> = (0..64).map(|i| 0.2 * 1.07f64.powi(i)).collect();
        let op = Smoothing::KonnoOhmachi { bandwidth: 40.0 }.plan(&freqs, &fcs).unwrap();
        let b = op.support();
        for ns in [1, 2, 3, 4, 8] {
            let spectra: Vec<Vec<f64>> =
                (0..ns).map(|s| (0..freqs.len()).map(|k| ((k * 7 + s * 13) % 17) as f64 + 0.1).collect()).collect();
            let inter: Vec<f64> = b.clone().flat_map(|k| spectra.iter().map(move |v| v[k])).collect();
            let mut out = vec![0.0; fcs.len() * ns];
            op.apply_interleaved(&inter, b.start, ns, &mut out);
            for (s, v) in spectra.iter().enumerate() {
                let mut one = vec![0.0; fcs.len()];
                op.apply(v, &mut one).unwrap();
                for (j, o) in one.iter().enumerate() {
                    assert_eq!(o.to_bits(), out[j * ns + s].to_bits(), "{ns} spectra, slot {s}, row {j}");
                }
            }
        }
    }

    #[test]
    fn bad_parameters() {
        assert!(Smoothing::SavitzkyGolay { points: 8 }.plan(&[0.0, 1.0], &[0.5]).is_err());
        assert!(Smoothing::KonnoOhmachi { bandwidth: -1.0 }.plan(&[0.0, 1.0], &[0.5]).is_err());
        assert!(Smoothing::KonnoOhmachi { bandwidth: 40.0 }.plan(&[0.0, 1.0], &[f64::NAN]).is_err());
        assert!(Smoothing::KonnoOhmachi { bandwidth: 40.0 }.plan(&[], &[1.0]).is_err());
    }
}
