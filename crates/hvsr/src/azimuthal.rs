//! Azimuthal H/V (hvsrpy `HvsrAzimuthal`): one single-azimuth H/V analysis per azimuth, and
//! statistics over all azimuths with the weights of Cheng et al. (2020): every valid window of
//! azimuth a weighs 1/(n_azimuths · n_valid(a)), and the weighted variance uses the
//! denominator 1 − Σw².

use crate::peaks::{Peak, highest_peak, ranked_peaks, search_indices};
use crate::{Distribution, Hvsr, HvsrError, Result};
use ndarray::Array1;
use serde::{Deserialize, Serialize};

/// H/V over a set of azimuths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AzimuthalHvsr {
    /// Azimuths in degrees from north.
    pub azimuths: Vec<f64>,
    /// The analysis of each azimuth (rejection is applied per azimuth, as in hvsrpy).
    pub per_azimuth: Vec<Hvsr>,
    /// Distribution of the statistics.
    pub distribution: Distribution,
    /// Weighted mean curve over all azimuths.
    pub mean: Array1<f64>,
    /// Weighted standard-deviation curve (ln units for lognormal).
    pub std: Array1<f64>,
    /// Weighted mean of the window peak frequencies.
    pub fn_mean: f64,
    /// Weighted standard deviation of the window peak frequencies (ln units for lognormal).
    pub fn_std: f64,
    /// Highest peak of the weighted mean curve in the search range.
    pub f0: Option<Peak>,
}

impl AzimuthalHvsr {
    /// Combine per-azimuth analyses (same frequencies) into azimuthal statistics.
    pub fn new(
        azimuths: Vec<f64>,
        per_azimuth: Vec<Hvsr>,
        distribution: Distribution,
        search_range: (Option<f64>, Option<f64>),
    ) -> Result<Self> {
        if per_azimuth.is_empty() || per_azimuth.len() != azimuths.len() {
            return Err(HvsrError::ShapeMismatch {
                what: "azimuths vs per-azimuth analyses".into(),
                expected: azimuths.len().to_string(),
                got: per_azimuth.len().to_string(),
            });
        }
        let nf = per_azimuth[0].frequencies.len();
        let naz = per_azimuth.len() as f64;
        let t = |v: f64| if distribution == Distribution::LogNormal { v.ln() } else { v };
        // (value transform, weight) pairs per azimuth's valid windows with a peak
        let mut weights: Vec<Vec<(usize, f64)>> = Vec::new();
        for h in &per_azimuth {
            if h.frequencies.len() != nf {
                return Err(HvsrError::ShapeMismatch {
                    what: "frequencies of the azimuths".into(),
                    expected: nf.to_string(),
                    got: h.frequencies.len().to_string(),
                });
            }
            let rows: Vec<usize> = h.valid_windows().into_iter().filter(|&i| h.window_peaks[i].is_some()).collect();
            let w = 1.0 / (naz * rows.len() as f64);
            weights.push(rows.into_iter().map(|r| (r, w)).collect());
        }
        let weighted = |value: &dyn Fn(usize, usize) -> f64| -> (f64, f64) {
            let (mut sw, mut swx, mut sw2) = (0.0, 0.0, 0.0);
            for (a, ws) in weights.iter().enumerate() {
                for &(r, w) in ws {
                    sw += w;
                    swx += w * t(value(a, r));
                    sw2 += w * w;
                }
            }
            let m = swx / sw;
            let m = if distribution == Distribution::LogNormal { m.exp().ln() } else { m };
            let mut num = 0.0;
            for (a, ws) in weights.iter().enumerate() {
                for &(r, w) in ws {
                    let d = t(value(a, r)) - m;
                    num += w * d * d;
                }
            }
            let mean = if distribution == Distribution::LogNormal { m.exp() } else { m };
            (mean, (num / (1.0 - sw2)).sqrt())
        };
        let mut mean = Array1::zeros(nf);
        let mut std = Array1::zeros(nf);
        for j in 0..nf {
            let (m, s) = weighted(&|a, r| per_azimuth[a].amplitude[[r, j]]);
            mean[j] = m;
            std[j] = s;
        }
        let (fn_mean, fn_std) = weighted(&|a, r| per_azimuth[a].window_peaks[r].map_or(f64::NAN, |p| p.0));
        let freqs = per_azimuth[0].frequencies.to_vec();
        let (lo, hi) = search_indices(&freqs, search_range)?;
        let mc = mean.to_vec();
        let peaks = ranked_peaks(&freqs, &mc, lo, hi);
        let f0 = highest_peak(&mc, lo, hi).and_then(|i| peaks.iter().find(|p| p.index == i).copied());
        Ok(Self { azimuths, per_azimuth, distribution, mean, std, fn_mean, fn_std, f0 })
    }
}
