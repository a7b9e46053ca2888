//! Gap insertion (SeisBench `AddGap`).

use crate::augmentation::Augmentation;
use crate::error::Result;
use crate::sample::Sample;
use ndarray::s;
use rand::{Rng, RngExt};

/// Zeroes `[start, end)` with `start = randint(n − 1)` and `end = randint(start, n)`.
///
/// Labels under `label_keys` are zeroed in the gap with their noise row set to 1. With
/// `picks_in_gap_threshold = Some(t)`, arrivals inside the gap at least `t` samples from both of
/// its borders are set to NaN (seisbench `metadata_picks_in_gap_threshold`).
#[derive(Debug, Clone, Default)]
pub struct AddGap {
    /// Remove arrivals deep inside the gap.
    pub picks_in_gap_threshold: Option<f64>,
    /// Label keys to blank in the gap.
    pub label_keys: Vec<String>,
}

impl AddGap {
    /// Zero `[start, end)` (clamped to the window) and update metadata and labels.
    pub fn insert_gap(&self, sample: &mut Sample, start: usize, end: usize) {
        let n = sample.len();
        let (a, b) = (start.min(n), end.min(n).max(start.min(n)));
        sample.waveform.slice_mut(s![.., a..b]).fill(0.0);
        if let Some(t) = self.picks_in_gap_threshold {
            let (ga, gb) = (a as f64, b as f64);
            sample.metadata.clear_arrivals_where(|p| (p - ga).min(gb - 1.0 - p) >= t);
        }
        for key in &self.label_keys {
            if let Some(l) = sample.labels.get_mut(key) {
                l.data.slice_mut(s![.., a..b]).fill(0.0);
                if let Some(i) = l.noise {
                    l.data.slice_mut(s![i, a..b]).fill(1.0);
                }
            }
        }
    }
}

impl Augmentation for AddGap {
    fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()> {
        let n = sample.len();
        if n < 2 {
            return Ok(());
        }
        let start = rng.random_range(0..n - 1);
        let end = rng.random_range(start..n);
        self.insert_gap(sample, start, end);
        Ok(())
    }
}
