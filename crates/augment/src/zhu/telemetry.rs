//! False-positive noise from telemetry failures: gaps, spikes and steps.

use crate::augmentation::Augmentation;
use crate::error::{AugmentError, Result, check_probability, check_range};
use crate::gap::AddGap;
use crate::rng::uniform;
use crate::sample::{Sample, peak_abs};
use ndarray::s;
use rand::{Rng, RngExt};

/// Telemetry glitches that must not be picked (Zhu et al. 2020, false-positive noise). Each kind
/// occurs independently with its probability:
/// - gap: all channels zeroed over `[start, start + len)`, `len` uniform in `gap_len` samples;
///   labels under `label_keys` become noise there (as [`crate::AddGap`]);
/// - spikes: `1..=max_spikes` single-sample impulses of ± U(`spike_amplitude`) × peak on random
///   channels;
/// - step: a DC offset of ± U(`step_amplitude`) × peak from a random sample to the end, on one
///   random channel.
///
/// Picks are kept: the glitches are not events.
#[derive(Debug, Clone)]
pub struct TelemetryGlitches {
    /// Probability of a gap.
    pub p_gap: f64,
    /// Gap length range in samples.
    pub gap_len: (usize, usize),
    /// Probability of spikes.
    pub p_spike: f64,
    /// Maximum number of spikes.
    pub max_spikes: usize,
    /// Spike amplitude range relative to the peak.
    pub spike_amplitude: (f64, f64),
    /// Probability of a step.
    pub p_step: f64,
    /// Step amplitude range relative to the peak.
    pub step_amplitude: (f64, f64),
    /// Labels to mark as noise inside gaps.
    pub label_keys: Vec<String>,
}

impl Default for TelemetryGlitches {
    fn default() -> Self {
        Self {
            p_gap: 0.2,
            gap_len: (10, 500),
            p_spike: 0.2,
            max_spikes: 3,
            spike_amplitude: (0.5, 3.0),
            p_step: 0.1,
            step_amplitude: (0.1, 1.0),
            label_keys: vec!["y".into()],
        }
    }
}

impl TelemetryGlitches {
    /// Error unless probabilities lie in [0, 1] and ranges are ordered.
    pub fn validate(&self) -> Result<()> {
        check_probability("p_gap", self.p_gap)?;
        check_probability("p_spike", self.p_spike)?;
        check_probability("p_step", self.p_step)?;
        check_range("spike_amplitude", self.spike_amplitude)?;
        check_range("step_amplitude", self.step_amplitude)?;
        if self.gap_len.0 > self.gap_len.1 || self.gap_len.1 == 0 {
            return Err(AugmentError::invalid("gap_len", format!("{:?}", self.gap_len), "needs 0 < low <= high"));
        }
        if self.max_spikes == 0 {
            return Err(AugmentError::invalid("max_spikes", 0, "must be >= 1"));
        }
        Ok(())
    }
}

impl Augmentation for TelemetryGlitches {
    fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()> {
        self.validate()?;
        let (c, n) = sample.waveform.dim();
        if n == 0 || c == 0 {
            return Ok(());
        }
        let peak = peak_abs(&sample.waveform);
        let peak = if peak > 0.0 { peak } else { 1.0 };
        if rng.random::<f64>() < self.p_gap {
            let len = rng.random_range(self.gap_len.0..=self.gap_len.1).min(n);
            let start = rng.random_range(0..=n - len);
            AddGap { picks_in_gap_threshold: None, label_keys: self.label_keys.clone() }.insert_gap(
                sample,
                start,
                start + len,
            );
        }
        if rng.random::<f64>() < self.p_spike {
            let k = rng.random_range(1..=self.max_spikes);
            for _ in 0..k {
                let ch = rng.random_range(0..c);
                let i = rng.random_range(0..n);
                let sign = if rng.random::<bool>() { 1.0 } else { -1.0 };
                sample.waveform[[ch, i]] += sign * uniform(rng, self.spike_amplitude) * peak;
            }
        }
        if rng.random::<f64>() < self.p_step {
            let ch = rng.random_range(0..c);
            let i = rng.random_range(0..n);
            let sign = if rng.random::<bool>() { 1.0 } else { -1.0 };
            let off = sign * uniform(rng, self.step_amplitude) * peak;
            sample.waveform.slice_mut(s![ch, i..]).mapv_inplace(|v| v + off);
        }
        Ok(())
    }
}
