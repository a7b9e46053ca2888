//! scatseisnet-compatible complex Gabor ("Morlet") filter bank of one layer, built in the time
//! domain on scatseisnet's grid and Fourier-transformed once.
//!
//! Conventions reproduced exactly from scatseisnet 0.4.1 (`ComplexMorletBank`):
//! - time grid `t_n = (−0.5 + n/(N−1))·N/fs`, endpoints included (step `N/(fs(N−1))`, not `1/fs`);
//! - centre frequencies `f_k = (fs/2)·2^(−k/Q)`, k = 1…J·Q: index 0 is the highest and lies
//!   below Nyquist;
//! - widths `w_k = quality / f_k` seconds; wavelets `exp(−(t/w)²)·exp(2iπ f t)` (no zero-mean
//!   correction: the DC leakage is `exp(−(π q)²)` of the peak gain);
//! - optional L1 / L2 normalisation of each time-domain row;
//! - spectra = length-N DFT of each row, no padding (circular convolution of the whole window).

use crate::{Result, ScatterError};
use ndarray::Array2;
use num_complex::Complex64;
use rustfft::FftPlanner;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// Normalisation of every wavelet of a bank (scatseisnet's `normalize_wavelet`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Normalization {
    /// Raw Gabor atoms: the gain at `f_k` is ≈ √π·w_k·fs, so it grows like 1/f_k.
    #[default]
    None,
    /// Each row divided by Σ|ψ|.
    L1,
    /// Each row divided by √Σ|ψ|².
    L2,
}

/// Hyperparameters of one scattering layer: `octaves` (J), `resolution` (Q, filters per
/// octave), `quality` (q, width in periods of the centre frequency) and the normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LayerSpec {
    /// Number of octaves J ≥ 1 below Nyquist.
    pub octaves: usize,
    /// Filters per octave Q ≥ 1.
    pub resolution: usize,
    /// Quality factor q > 0 (`w_k = q / f_k`).
    pub quality: f64,
    /// Wavelet normalisation.
    pub normalization: Normalization,
}

impl LayerSpec {
    /// Layer with J octaves, Q filters per octave and quality q, not normalised.
    pub fn new(octaves: usize, resolution: usize, quality: f64) -> Self {
        Self { octaves, resolution, quality, normalization: Normalization::None }
    }

    /// Same layer with another normalisation.
    pub fn normalized(mut self, normalization: Normalization) -> Self {
        self.normalization = normalization;
        self
    }

    /// Number of filters J·Q.
    pub fn n_filters(&self) -> usize {
        self.octaves * self.resolution
    }

    /// Error naming the first parameter out of range.
    pub fn check(&self) -> Result<()> {
        if !(1..=MAX_OCTAVES).contains(&self.octaves) {
            return Err(ScatterError::invalid("octaves", self.octaves, format!("must lie in 1..={MAX_OCTAVES}")));
        }
        if !(1..=MAX_RESOLUTION).contains(&self.resolution) {
            return Err(ScatterError::invalid(
                "resolution",
                self.resolution,
                format!("must lie in 1..={MAX_RESOLUTION} filters per octave"),
            ));
        }
        if !(self.quality.is_finite() && self.quality > 0.0) {
            return Err(ScatterError::invalid("quality", self.quality, "must be finite and > 0"));
        }
        Ok(())
    }
}

const MAX_OCTAVES: usize = 40;
const MAX_RESOLUTION: usize = 256;

/// Envelope level that defines a wavelet's support for the window-length check: the span where
/// `exp(−(t/w)²) ≥ 1e-3`, i.e. `|t| ≤ w·√ln(1000)`.
pub const SUPPORT_LEVEL: f64 = 1e-3;

/// The filter bank of one layer for windows of `bins` samples at `sampling_rate` Hz.
#[derive(Debug, Clone)]
pub struct GaborBank {
    spec: LayerSpec,
    bins: usize,
    sampling_rate: f64,
    ratios: Vec<f64>,
    centers: Vec<f64>,
    widths: Vec<f64>,
    times: Vec<f64>,
    wavelets: Array2<Complex64>,
    spectra: Array2<Complex64>,
}

impl GaborBank {
    /// Build the bank (checked parameters; `bins` ≥ 2).
    pub fn new(spec: LayerSpec, bins: usize, sampling_rate: f64) -> Result<Self> {
        spec.check()?;
        if bins < 2 {
            return Err(ScatterError::invalid("bins", bins, "a window needs at least 2 samples"));
        }
        if !(sampling_rate.is_finite() && sampling_rate > 0.0) {
            return Err(ScatterError::invalid("sampling_rate", sampling_rate, "must be finite and > 0"));
        }
        let n = spec.n_filters();
        // numpy: -linspace(J, 0, n, endpoint=False)[::-1], evaluated as i*step + start.
        let step = (0.0 - spec.octaves as f64) / n as f64;
        let ratios: Vec<f64> = (0..n).map(|k| -(((n - 1 - k) as f64) * step + spec.octaves as f64)).collect();
        let nyquist = sampling_rate / 2.0;
        let centers: Vec<f64> = ratios.iter().map(|r| 2f64.powf(*r) * nyquist).collect();
        let widths: Vec<f64> = centers.iter().map(|f| spec.quality / f).collect();
        let times = time_grid(bins, sampling_rate);

        let mut wavelets = Array2::<Complex64>::zeros((n, bins));
        for (k, mut row) in wavelets.rows_mut().into_iter().enumerate() {
            let (f, w) = (centers[k], widths[k]);
            let omega = 2.0 * PI * f;
            for (v, &t) in row.iter_mut().zip(&times) {
                let r = t / w;
                let g = (-(r * r)).exp();
                let theta = omega * t;
                *v = Complex64::new(g * theta.cos(), g * theta.sin());
            }
            let norm = match spec.normalization {
                Normalization::None => 1.0,
                Normalization::L1 => row.iter().map(|z| z.norm()).sum::<f64>(),
                Normalization::L2 => row.iter().map(|z| z.norm() * z.norm()).sum::<f64>().sqrt(),
            };
            if norm != 1.0 {
                row.mapv_inplace(|z| z / norm);
            }
        }

        let mut spectra = wavelets.clone();
        let fft = FftPlanner::<f64>::new().plan_fft_forward(bins);
        let mut scratch = vec![Complex64::default(); fft.get_inplace_scratch_len()];
        for mut row in spectra.rows_mut() {
            if let Some(s) = row.as_slice_mut() {
                fft.process_with_scratch(s, &mut scratch);
            }
        }
        Ok(Self { spec, bins, sampling_rate, ratios, centers, widths, times, wavelets, spectra })
    }

    /// The layer's hyperparameters.
    pub fn spec(&self) -> &LayerSpec {
        &self.spec
    }

    /// Number of filters J·Q.
    pub fn len(&self) -> usize {
        self.centers.len()
    }

    /// Never true (J, Q ≥ 1).
    pub fn is_empty(&self) -> bool {
        self.centers.is_empty()
    }

    /// Window length N in samples.
    pub fn bins(&self) -> usize {
        self.bins
    }

    /// Sampling rate in Hz.
    pub fn sampling_rate(&self) -> f64 {
        self.sampling_rate
    }

    /// Octave ratios `−k/Q`, k = 1…J·Q (scatseisnet `ratios`).
    pub fn ratios(&self) -> &[f64] {
        &self.ratios
    }

    /// Scaling factors `2^ratio` (scatseisnet `scales`).
    pub fn scales(&self) -> Vec<f64> {
        self.ratios.iter().map(|r| 2f64.powf(*r)).collect()
    }

    /// Centre frequencies in Hz, decreasing (index 0 is the highest, below Nyquist).
    pub fn centers(&self) -> &[f64] {
        &self.centers
    }

    /// Gaussian widths `w_k = q / f_k` in seconds.
    pub fn widths(&self) -> &[f64] {
        &self.widths
    }

    /// The time grid in seconds (`linspace(−0.5, 0.5, N)·N/fs`).
    pub fn times(&self) -> &[f64] {
        &self.times
    }

    /// scatseisnet's cosmetic `frequencies` property, `linspace(0, fs, N)` (not an FFT axis).
    pub fn frequencies(&self) -> Vec<f64> {
        linspace(0.0, self.sampling_rate, self.bins)
    }

    /// Wavelets in time, filters × N.
    pub fn wavelets(&self) -> &Array2<Complex64> {
        &self.wavelets
    }

    /// Spectra (unnormalised length-N DFT of each wavelet), filters × N.
    pub fn spectra(&self) -> &Array2<Complex64> {
        &self.spectra
    }

    /// Bins of filter `k`'s length-N spectrum where its gain may reach `level` times the peak,
    /// plus the DC bin (where the window mean of a modulus sits): the periodised analytic
    /// Gaussian `exp(−(π w (ν − f))²)`, widened where the window cuts the envelope: the jump
    /// `h = exp(−(T/w)²)` at the edges `±T` leaks about `h·N·dt / (2π d · √π w / dt)` of the
    /// peak at `d` bins from the centre. Outside, the computed spectrum is round-off.
    pub fn band_mask(&self, k: usize, level: f64) -> impl Iterator<Item = bool> + '_ {
        let n = self.bins;
        let (f, w) = (self.centers[k], self.widths[k]);
        // Grid step dt = N/(fs(N−1)): bin b is the frequency b/(N·dt), periodic in 1/dt.
        let dt = self.times[1] - self.times[0];
        let period = 1.0 / dt;
        let bin = period / n as f64;
        let edge = self.times[n - 1] / w;
        let jump = (-(edge * edge)).exp();
        let peak = PI.sqrt() * w / dt;
        let leak_bins = jump * n as f64 / (2.0 * PI * level * peak);
        let reach = ((1.0 / level).ln().sqrt() / (PI * w)).max(leak_bins * bin);
        (0..n).map(move |b| {
            let d = (b as f64 * bin - f).rem_euclid(period);
            b == 0 || d.min(period - d) <= reach
        })
    }

    /// Duration (s) over which the longest wavelet's envelope exceeds [`SUPPORT_LEVEL`].
    pub fn longest_support(&self) -> f64 {
        let w = self.widths.iter().copied().fold(0.0, f64::max);
        2.0 * w * (1.0 / SUPPORT_LEVEL).ln().sqrt()
    }
}

/// numpy `linspace(start, stop, num)` with the endpoint, evaluated as numpy does.
pub(crate) fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    if num == 1 {
        return vec![start];
    }
    let step = (stop - start) / (num - 1) as f64;
    let mut v: Vec<f64> = (0..num).map(|i| i as f64 * step + start).collect();
    if let Some(last) = v.last_mut() {
        *last = stop;
    }
    v
}

fn time_grid(bins: usize, sampling_rate: f64) -> Vec<f64> {
    let duration = bins as f64 / sampling_rate;
    linspace(-0.5, 0.5, bins).into_iter().map(|t| t * duration).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tutorial_layer_sanity() {
        let b = GaborBank::new(LayerSpec::new(6, 4, 2.0), 3000, 50.0).unwrap();
        assert_eq!(b.len(), 24);
        assert!((b.centers()[0] - 25.0 * 2f64.powf(-0.25)).abs() < 1e-12);
        assert!((b.centers()[23] - 25.0 / 64.0).abs() < 1e-12);
        assert!((b.widths()[0] - 2.0 / b.centers()[0]).abs() < 1e-15);
        assert_eq!(b.times()[0], -30.0);
        assert_eq!(b.times()[2999], 30.0);
        assert!(LayerSpec::new(0, 1, 1.0).check().is_err());
        assert!(LayerSpec::new(1, 0, 1.0).check().is_err());
        assert!(LayerSpec::new(1, 1, f64::NAN).check().is_err());
        assert!(GaborBank::new(LayerSpec::new(1, 1, 1.0), 1, 1.0).is_err());
    }
}
