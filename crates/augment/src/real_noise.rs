//! Recorded noise added at a random relative amplitude (SeisBench `RealNoise`).

use crate::augmentation::Augmentation;
use crate::error::{AugmentError, Result, check_range};
use crate::normalize::AmpNorm;
use crate::rng::uniform;
use crate::sample::{MetaValue, Sample, peak_abs_slice};
use crate::source::SampleSource;
use ndarray::{Array2, Axis, s};
use rand::{Rng, RngExt};
use seis_core::detrend::{demean_pairwise_inplace, pairwise_sum};
use std::sync::Arc;

/// SeisBench `RealNoise`: adds a random noise record of another source, demeaned and normalised,
/// scaled to `U(scale) ×` the sample's amplitude.
///
/// Amplitude (`scaling`): `Peak` — the sample's `max |x − mean(x)|` (means per channel, maximum
/// over all channels) and the noise divided by its `max |n|`; `Std` — the population std of all
/// the sample's values and the noise divided by its std. The record is cut at a random start to
/// the sample's length. Draw order as in seisbench: scale, record, start.
///
/// Samples whose metadata value is below a threshold of `metadata_thresholds` (e.g.
/// `("trace_Z_snr_db", 10.0)`) are left unchanged; NaN values pass, as in seisbench.
/// Errors: a threshold key missing or not a number, a noise record shorter than the sample or
/// with another channel count, a constant noise record (cannot be normalised).
pub struct RealNoise {
    noise: Arc<dyn SampleSource>,
    scale: (f64, f64),
    /// Peak or std scaling.
    pub scaling: AmpNorm,
    /// `(metadata key, minimum value)` required for noise to be added.
    pub metadata_thresholds: Vec<(String, f64)>,
}

impl std::fmt::Debug for RealNoise {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RealNoise")
            .field("records", &self.noise.len())
            .field("scale", &self.scale)
            .field("scaling", &self.scaling)
            .field("metadata_thresholds", &self.metadata_thresholds)
            .finish()
    }
}

impl RealNoise {
    /// Noise records from `noise` with seisbench's defaults (`scale = (0, 1)`, peak scaling, no
    /// thresholds). Errors on an empty noise source.
    pub fn new(noise: Arc<dyn SampleSource>) -> Result<Self> {
        if noise.is_empty() {
            return Err(AugmentError::Empty { what: "noise source" });
        }
        Ok(Self { noise, scale: (0.0, 1.0), scaling: AmpNorm::Peak, metadata_thresholds: Vec::new() })
    }

    /// Relative amplitude range (finite, low ≤ high).
    pub fn with_scale(mut self, scale: (f64, f64)) -> Result<Self> {
        check_range("scale", scale)?;
        self.scale = scale;
        Ok(self)
    }

    /// Whether the sample passes every metadata threshold.
    fn passes(&self, sample: &Sample) -> Result<bool> {
        for (key, min) in &self.metadata_thresholds {
            match sample.metadata.get(key) {
                Some(MetaValue::Number(v)) => {
                    if *v < *min {
                        return Ok(false);
                    }
                }
                _ => {
                    return Err(AugmentError::Metadata {
                        key: key.clone(),
                        reason: "RealNoise threshold needs a numeric metadata value".into(),
                    });
                }
            }
        }
        Ok(true)
    }

    /// The sample's amplitude for the noise scale.
    fn amplitude(&self, x: &Array2<f64>) -> f64 {
        match self.scaling {
            AmpNorm::Peak => x.rows().into_iter().fold(0.0, |m, row| {
                let r = row.to_vec();
                let mean = pairwise_sum(&r) / r.len().max(1) as f64;
                r.iter().fold(m, |m, v| m.max((v - mean).abs()))
            }),
            AmpNorm::Std => std_of(x.iter().copied().collect()),
        }
    }
}

/// Population std of the values, summed pairwise as numpy does.
fn std_of(values: Vec<f64>) -> f64 {
    let n = values.len().max(1) as f64;
    let mean = pairwise_sum(&values) / n;
    let sq: Vec<f64> = values.iter().map(|v| (v - mean) * (v - mean)).collect();
    (pairwise_sum(&sq) / n).sqrt()
}

impl Augmentation for RealNoise {
    fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()> {
        if !self.passes(sample)? {
            return Ok(());
        }
        let scale = uniform(rng, self.scale) * self.amplitude(&sample.waveform);
        let index = rng.random_range(0..self.noise.len());
        let mut n = self.noise.sample(index)?.waveform;
        let (c, w) = sample.waveform.dim();
        if n.nrows() != c {
            return Err(AugmentError::ShapeMismatch {
                what: format!("channels of noise record {index} vs sample"),
                expected: c.to_string(),
                got: n.nrows().to_string(),
            });
        }
        if n.ncols() < w {
            return Err(AugmentError::WindowTooLong { what: "real noise record", window: w, len: n.ncols() });
        }
        for mut row in n.axis_iter_mut(Axis(0)) {
            if let Some(r) = row.as_slice_mut() {
                demean_pairwise_inplace(r);
            }
        }
        let norm = match self.scaling {
            AmpNorm::Peak => n.as_slice().map_or(0.0, peak_abs_slice),
            AmpNorm::Std => std_of(n.iter().copied().collect()),
        };
        if !(norm > 0.0 && norm.is_finite()) {
            return Err(AugmentError::invalid("noise record", index, "is constant and cannot be normalised"));
        }
        let start = if n.ncols() > w { rng.random_range(0..n.ncols() - w) } else { 0 };
        let crop = n.slice(s![.., start..start + w]);
        sample.waveform.zip_mut_with(&crop, |x, v| *x += v / norm * scale);
        Ok(())
    }
}
