//! Step labels (SeisBench `StepLabeller`).

use super::{LabelColumns, resolve};
use crate::augmentation::Augmentation;
use crate::error::Result;
use crate::sample::{Labels, Sample};
use ndarray::{Array2, s};
use rand::Rng;

/// One row per label (sorted, no noise row): 0 before the pick, 1 from `int(max(0, pick))` on.
#[derive(Debug, Clone)]
pub struct StepLabeller {
    /// Columns to label.
    pub label_columns: LabelColumns,
    /// Output row order.
    pub model_labels: Option<Vec<String>>,
    /// Key of the labels (default "y").
    pub key: String,
}

impl Default for StepLabeller {
    fn default() -> Self {
        Self { label_columns: LabelColumns::Auto, model_labels: None, key: "y".into() }
    }
}

impl Augmentation for StepLabeller {
    fn apply(&self, sample: &mut Sample, _rng: &mut dyn Rng) -> Result<()> {
        let r = resolve(&self.label_columns, &sample.metadata, false, self.model_labels.as_deref())?;
        let w = sample.len();
        let mut y = Array2::zeros((r.names.len(), w));
        for (col, row) in &r.columns {
            if let Some(onset) = sample.metadata.number(col) {
                let a = (onset.max(0.0).trunc() as usize).min(w);
                y.slice_mut(s![*row, a..]).fill(1.0);
            }
        }
        sample.labels.insert(self.key.clone(), Labels { names: r.names, data: y, noise: None });
        Ok(())
    }
}
