//! Synthetic clipping with the unclipped waveform as the training target.

use crate::augmentation::Augmentation;
use crate::error::{AugmentError, Result, check_range};
use crate::rng::uniform;
use crate::sample::peak_abs;
use crate::sample::{Labels, Sample};
use rand::Rng;

/// Clips the waveform at ± `level · max|x|` (level drawn uniformly from `level`, relative to the
/// peak of the whole window) and stores the unclipped waveform under `labels[target_key]` (rows =
/// components) as the regression target. The level is recorded as `augment_clip_level`.
#[derive(Debug, Clone)]
pub struct SyntheticClipping {
    level: (f64, f64),
    /// Key of the unclipped target.
    pub target_key: String,
}

impl SyntheticClipping {
    /// Errors unless `0 < level.0 <= level.1 <= 1`.
    pub fn new(level: (f64, f64)) -> Result<Self> {
        check_range("level", level)?;
        if !(level.0 > 0.0 && level.1 <= 1.0) {
            return Err(AugmentError::invalid("level", format!("{level:?}"), "must lie in (0, 1]"));
        }
        Ok(Self { level, target_key: "target".into() })
    }

    /// Clip at `level` (deterministic core).
    pub fn clip(&self, sample: &mut Sample, level: f64) {
        let target = Labels {
            names: sample.component_order.chars().map(String::from).collect(),
            data: sample.waveform.to_owned(),
            noise: None,
        };
        sample.labels.insert(self.target_key.clone(), target);
        let peak = peak_abs(&sample.waveform);
        let c = level * peak;
        sample.waveform.mapv_inplace(|v| v.clamp(-c, c));
        sample.metadata.set_number("augment_clip_level", level);
    }
}

impl Augmentation for SyntheticClipping {
    fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()> {
        let level = uniform(rng, self.level);
        self.clip(sample, level);
        Ok(())
    }
}
