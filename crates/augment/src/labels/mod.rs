//! Labellers (SeisBench `ProbabilisticLabeller`, `DetectionLabeller`, `StepLabeller`,
//! `StandardLabeller`, `ProbabilisticPointLabeller`). Labels are written into the sample under a
//! key (default "y") and move with the waveform in every later transform.

mod detection;
mod probabilistic;
mod standard;
mod step;

pub use detection::DetectionLabeller;
pub use probabilistic::{LabelShape, ProbabilisticLabeller, ProbabilisticPointLabeller};
pub use standard::{OnOverlap, StandardLabeller};
pub use step::StepLabeller;

use crate::error::{AugmentError, Result};
use crate::sample::Metadata;

/// Which metadata columns become which labels (SeisBench `label_columns`).
#[derive(Debug, Clone, Default)]
pub enum LabelColumns {
    /// Every key matching `trace_.*_arrival_sample`, sorted; label = second `_` field
    /// (`trace_P_arrival_sample` → "P").
    #[default]
    Auto,
    /// The listed columns, label = second `_` field.
    Columns(Vec<String>),
    /// Explicit `(column, label)` pairs (several columns may share a label).
    Mapping(Vec<(String, String)>),
}

/// Resolved columns: `(column, label index)`, the label names and the noise row.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub columns: Vec<(String, usize)>,
    pub names: Vec<String>,
    pub noise: Option<usize>,
}

fn label_of(column: &str) -> Result<String> {
    column.split('_').nth(1).map(str::to_string).ok_or_else(|| AugmentError::Metadata {
        key: column.to_string(),
        reason: "label column name needs the form trace_<LABEL>_...".into(),
    })
}

/// SeisBench `_columns_to_dict_and_labels`: labels sorted, "Noise" appended, ids from their order
/// or from `model_labels` (noise id = position of "n"/"N" there, else max id + 1).
pub(crate) fn resolve(
    spec: &LabelColumns,
    metadata: &Metadata,
    noise_column: bool,
    model_labels: Option<&[String]>,
) -> Result<Resolved> {
    let pairs: Vec<(String, String)> = match spec {
        LabelColumns::Auto => {
            metadata.arrival_keys().into_iter().map(|c| label_of(&c).map(|l| (c, l))).collect::<Result<_>>()?
        }
        LabelColumns::Columns(cols) => {
            cols.iter().map(|c| label_of(c).map(|l| (c.clone(), l))).collect::<Result<_>>()?
        }
        LabelColumns::Mapping(m) => m.clone(),
    };
    let mut labels: Vec<String> = pairs.iter().map(|(_, l)| l.clone()).collect();
    labels.sort();
    labels.dedup();
    let mut ids: Vec<usize> = Vec::with_capacity(labels.len() + 1);
    let mut noise = None;
    match model_labels {
        Some(model) => {
            for l in &labels {
                let i = model.iter().position(|m| m == l).ok_or_else(|| {
                    AugmentError::invalid("model_labels", format!("{model:?}"), format!("does not contain label {l:?}"))
                })?;
                ids.push(i);
            }
            if noise_column {
                let n = model
                    .iter()
                    .position(|m| m.eq_ignore_ascii_case("n"))
                    .unwrap_or_else(|| ids.iter().copied().max().map_or(0, |m| m + 1));
                labels.push("Noise".into());
                ids.push(n);
                noise = Some(n);
            }
        }
        None => {
            if noise_column {
                labels.push("Noise".into());
                noise = Some(labels.len() - 1);
            }
            ids.extend(0..labels.len());
        }
    }
    let rows = labels.len();
    if let Some(&bad) = ids.iter().find(|&&i| i >= rows) {
        return Err(AugmentError::invalid("model_labels", bad, format!("label id beyond the {rows} label rows")));
    }
    let mut names = vec![String::new(); rows];
    for (l, &i) in labels.iter().zip(&ids) {
        names[i] = l.clone();
    }
    let columns = pairs
        .into_iter()
        .map(|(c, l)| {
            let k = labels.iter().position(|x| *x == l).unwrap_or(0);
            (c, ids[k])
        })
        .collect();
    Ok(Resolved { columns, names, noise })
}
