//! Detection labels (SeisBench `DetectionLabeller`).

use crate::augmentation::Augmentation;
use crate::error::Result;
use crate::sample::{Labels, Sample};
use ndarray::{Array2, s};
use rand::Rng;

/// One row "Detection": 1 from the first P to `S + factor · (S − P)` (first S), or to
/// `P + fixed_window` when set. Nothing when either pick is missing or S < P.
/// Default `factor = 1.4`, key "detections".
#[derive(Debug, Clone)]
pub struct DetectionLabeller {
    /// P-phase columns.
    pub p_phases: Vec<String>,
    /// S-phase columns.
    pub s_phases: Vec<String>,
    /// Coda factor.
    pub factor: f64,
    /// Fixed window after P in samples (overrides S).
    pub fixed_window: Option<f64>,
    /// Key of the labels.
    pub key: String,
}

impl DetectionLabeller {
    /// Labeller for the given P and S columns with seisbench defaults.
    pub fn new(p_phases: Vec<String>, s_phases: Vec<String>) -> Self {
        Self { p_phases, s_phases, factor: 1.4, fixed_window: None, key: "detections".into() }
    }

    /// The detection span `[start, end)` (unclipped to the window), if any.
    pub fn span(&self, sample: &Sample) -> Option<(i64, i64)> {
        let m = &sample.metadata;
        let p: Vec<f64> = self.p_phases.iter().filter_map(|k| m.number(k)).collect();
        let s: Vec<f64> = match self.fixed_window {
            Some(w) => p.iter().map(|x| x + w).collect(),
            None => self.s_phases.iter().filter_map(|k| m.number(k)).collect(),
        };
        if p.is_empty() || s.is_empty() {
            return None;
        }
        let p = p.iter().copied().fold(f64::INFINITY, f64::min);
        let s = s.iter().copied().fold(f64::INFINITY, f64::min);
        // seisbench uses factor 0 whenever a (non-zero) fixed window is given.
        let factor = if self.fixed_window.is_some_and(|w| w != 0.0) { 0.0 } else { self.factor };
        if s < p {
            return None;
        }
        let p0 = (p.trunc() as i64).max(0);
        let p1 = ((s + factor * (s - p)).trunc() as i64).max(0);
        Some((p0, p1))
    }
}

impl Augmentation for DetectionLabeller {
    fn apply(&self, sample: &mut Sample, _rng: &mut dyn Rng) -> Result<()> {
        let w = sample.len();
        let mut y = Array2::zeros((1, w));
        if let Some((a, b)) = self.span(sample) {
            let (a, b) = ((a as usize).min(w), (b as usize).min(w));
            if b > a {
                y.slice_mut(s![0, a..b]).fill(1.0);
            }
        }
        sample.labels.insert(self.key.clone(), Labels { names: vec!["Detection".into()], data: y, noise: None });
        Ok(())
    }
}
