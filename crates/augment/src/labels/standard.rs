//! One class per window (SeisBench `StandardLabeller`).

use super::{LabelColumns, resolve};
use crate::augmentation::Augmentation;
use crate::error::Result;
use crate::sample::Sample;
use rand::{Rng, RngExt};

/// How to choose among several picks inside the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnOverlap {
    /// The earliest pick.
    #[default]
    LabelFirst,
    /// The pick closest to the window centre `W // 2`.
    FixedRelevance,
    /// A random one.
    Random,
}

/// Class id of the window: "Noise" without picks in `[low, high)`, otherwise the label of the
/// chosen pick. Ids follow the probabilistic labeller's order (sorted labels, Noise last).
///
/// `low`/`high` follow seisbench literally: a positive value is a sample index, zero or negative
/// counts from the end (so `low = Some(0)` means `W`, which masks every pick; use `None` for 0).
#[derive(Debug, Clone, Default)]
pub struct StandardLabeller {
    /// Overlap policy.
    pub on_overlap: OnOverlap,
    /// Lower bound (see above).
    pub low: Option<i64>,
    /// Upper bound, exclusive (see above).
    pub high: Option<i64>,
    /// Columns to consider.
    pub label_columns: LabelColumns,
    /// Output id order.
    pub model_labels: Option<Vec<String>>,
    /// Key in `class_labels` (default "y" when empty).
    pub key: String,
}

impl StandardLabeller {
    /// The class id for a sample.
    pub fn class(&self, sample: &Sample, rng: &mut dyn Rng) -> Result<usize> {
        let r = resolve(&self.label_columns, &sample.metadata, true, self.model_labels.as_deref())?;
        let w = sample.len() as f64;
        let bound = |v: i64| if v > 0 { v as f64 } else { w + v as f64 };
        let low = self.low.map_or(0.0, bound);
        let high = self.high.map_or(w, bound);
        let arrivals: Vec<(f64, usize)> = r
            .columns
            .iter()
            .filter_map(|(c, id)| sample.metadata.number(c).map(|a| (a, *id)))
            .filter(|(a, _)| *a >= low && *a < high)
            .collect();
        let noise = r.noise.unwrap_or(0);
        let chosen = match arrivals.len() {
            0 => return Ok(noise),
            1 => arrivals[0],
            m => match self.on_overlap {
                OnOverlap::LabelFirst => first_min(&arrivals, |a| a),
                OnOverlap::FixedRelevance => {
                    let mid = (sample.len() / 2) as f64;
                    first_min(&arrivals, |a| (a - mid).abs())
                }
                OnOverlap::Random => arrivals[rng.random_range(0..m)],
            },
        };
        Ok(chosen.1)
    }
}

/// The first element minimising `key` (numpy argmin semantics).
fn first_min(v: &[(f64, usize)], key: impl Fn(f64) -> f64) -> (f64, usize) {
    let mut best = v[0];
    for &x in &v[1..] {
        if key(x.0) < key(best.0) {
            best = x;
        }
    }
    best
}

impl Augmentation for StandardLabeller {
    fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()> {
        let c = self.class(sample, rng)?;
        let key = if self.key.is_empty() { "y".to_string() } else { self.key.clone() };
        sample.class_labels.insert(key, c);
        Ok(())
    }
}
