//! The sample model: a waveform (channels × samples) with metadata and labels kept consistent.

use crate::error::{AugmentError, Result, check_finite};
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One metadata value (a SeisBench metadata column entry). Missing numbers are NaN, as in SeisBench.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MetaValue {
    /// A number (sample positions, magnitudes, SNR, ...).
    Number(f64),
    /// Text (trace name, split, component order, ...).
    Text(String),
}

/// Metadata of one sample, keyed by SeisBench column names (`trace_P_arrival_sample`, ...).
///
/// Every numeric entry whose key ends in `_sample` is a position in samples and moves with the
/// data: windows shift it by the window start, exactly as seisbench does. Positions may end up
/// outside the current window (negative or ≥ the length); [`Metadata::arrival_in_window`] tells.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    entries: BTreeMap<String, MetaValue>,
}

impl Metadata {
    /// Empty metadata.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set a numeric entry (NaN marks a missing value).
    pub fn set_number(&mut self, key: impl Into<String>, value: f64) -> &mut Self {
        self.entries.insert(key.into(), MetaValue::Number(value));
        self
    }

    /// Set a text entry.
    pub fn set_text(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.entries.insert(key.into(), MetaValue::Text(value.into()));
        self
    }

    /// Builder form of [`Metadata::set_number`].
    pub fn with_number(mut self, key: impl Into<String>, value: f64) -> Self {
        self.set_number(key, value);
        self
    }

    /// Builder form of [`Metadata::set_text`].
    pub fn with_text(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.set_text(key, value);
        self
    }

    /// The entry under `key`.
    pub fn get(&self, key: &str) -> Option<&MetaValue> {
        self.entries.get(key)
    }

    /// The number under `key` (None when absent, text, or NaN).
    pub fn number(&self, key: &str) -> Option<f64> {
        match self.entries.get(key) {
            Some(MetaValue::Number(v)) if !v.is_nan() => Some(*v),
            _ => None,
        }
    }

    /// The text under `key`.
    pub fn text(&self, key: &str) -> Option<&str> {
        match self.entries.get(key) {
            Some(MetaValue::Text(s)) => Some(s),
            _ => None,
        }
    }

    /// Whether `key` is present (even as NaN).
    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// Remove an entry.
    pub fn remove(&mut self, key: &str) -> Option<MetaValue> {
        self.entries.remove(key)
    }

    /// All entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &MetaValue)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Keys of the pick columns SeisBench labellers find automatically: sorted keys matching the
    /// regular expression `trace_.*_arrival_sample` from the start of the key.
    pub fn arrival_keys(&self) -> Vec<String> {
        self.entries
            .keys()
            .filter(|k| k.strip_prefix("trace_").is_some_and(|rest| rest.contains("_arrival_sample")))
            .cloned()
            .collect()
    }

    /// Non-NaN arrivals (`(key, sample)`) in key order.
    pub fn arrivals(&self) -> impl Iterator<Item = (&str, f64)> {
        self.entries.iter().filter_map(|(k, v)| match v {
            MetaValue::Number(x) if k.ends_with("_arrival_sample") && !x.is_nan() => Some((k.as_str(), *x)),
            _ => None,
        })
    }

    /// Whether the arrival under `key` exists and lies in `[0, len)`.
    pub fn arrival_in_window(&self, key: &str, len: usize) -> bool {
        self.number(key).is_some_and(|v| v >= 0.0 && v < len as f64)
    }

    /// Add `delta` to every numeric `_sample` entry (what a window starting at `-delta` does).
    pub fn shift_samples(&mut self, delta: f64) {
        for (k, v) in self.entries.iter_mut() {
            if let MetaValue::Number(x) = v
                && k.ends_with("_sample")
            {
                *x += delta;
            }
        }
    }

    /// Set every `_arrival_sample` entry for which `pred(value)` holds to NaN (pick removed).
    pub fn clear_arrivals_where(&mut self, mut pred: impl FnMut(f64) -> bool) {
        for (k, v) in self.entries.iter_mut() {
            if let MetaValue::Number(x) = v
                && k.ends_with("_arrival_sample")
                && !x.is_nan()
                && pred(*x)
            {
                *x = f64::NAN;
            }
        }
    }
}

/// Time-aligned labels: one row per class (e.g. "P", "S", "Noise") over the samples of the window.
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    /// Class name of each row.
    pub names: Vec<String>,
    /// Values, classes × samples.
    pub data: Array2<f64>,
    /// Row of the noise class, if any (set to 1 where augmentations blank the data).
    pub noise: Option<usize>,
}

/// One training example: waveform, sampling rate, component order, metadata and labels.
///
/// Transforms keep all of them consistent: windows and shifts move the `_sample` metadata and the
/// time-aligned labels together with the waveform.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Waveform, channels × samples.
    pub waveform: Array2<f64>,
    /// Sampling rate in Hz.
    pub sampling_rate: f64,
    /// Component code of each channel, e.g. "ZNE".
    pub component_order: String,
    /// SeisBench-style metadata.
    pub metadata: Metadata,
    /// Time-aligned labels by key (SeisBench's state-dict keys, e.g. "y", "detections").
    pub labels: BTreeMap<String, Labels>,
    /// Labels with one value per class for the whole window (probabilistic point labeller).
    pub point_labels: BTreeMap<String, Array1<f64>>,
    /// One class id per window (standard labeller).
    pub class_labels: BTreeMap<String, usize>,
}

impl Sample {
    /// A sample from a waveform (channels × samples). Errors on NaN/Inf (with the flat index), on a
    /// non-positive sampling rate, and when the component order does not match the channel count.
    pub fn new(waveform: Array2<f64>, sampling_rate: f64, component_order: &str, metadata: Metadata) -> Result<Self> {
        check_finite("waveform", waveform.iter())?;
        if !(sampling_rate.is_finite() && sampling_rate > 0.0) {
            return Err(AugmentError::invalid("sampling_rate", sampling_rate, "must be finite and > 0"));
        }
        if component_order.chars().count() != waveform.nrows() {
            return Err(AugmentError::ShapeMismatch {
                what: "component order vs waveform channels".into(),
                expected: waveform.nrows().to_string(),
                got: format!("{component_order:?}"),
            });
        }
        Ok(Self {
            waveform,
            sampling_rate,
            component_order: component_order.to_string(),
            metadata,
            labels: BTreeMap::new(),
            point_labels: BTreeMap::new(),
            class_labels: BTreeMap::new(),
        })
    }

    /// Number of channels.
    pub fn n_channels(&self) -> usize {
        self.waveform.nrows()
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.waveform.ncols()
    }

    /// Whether the window holds no samples.
    pub fn is_empty(&self) -> bool {
        self.waveform.ncols() == 0
    }

    /// Waveform view.
    pub fn view(&self) -> ArrayView2<'_, f64> {
        self.waveform.view()
    }

    /// Error if any `_arrival_sample` lies outside the trace (used by sources to reject bad input).
    pub fn check_arrivals_inside(&self) -> Result<()> {
        let len = self.len();
        for (key, v) in self.metadata.arrivals() {
            if v < 0.0 || v >= len as f64 {
                return Err(AugmentError::ArrivalOutside { key: key.to_string(), value: v, len });
            }
        }
        Ok(())
    }
}

/// `max |x|` of a slice with four independent running maxima (vectorises; 0 for none).
pub(crate) fn peak_abs_slice(x: &[f64]) -> f64 {
    max_lanes(x, 0.0, f64::abs)
}

/// `max x` over a slice (−∞ for none), NaN ignored like [`f64::max`].
pub(crate) fn max_slice(x: &[f64]) -> f64 {
    max_lanes(x, f64::NEG_INFINITY, |v| v)
}

/// `max(init, f(x₀), f(x₁), …)` with eight independent running maxima (a running maximum is
/// bound by the latency of one compare per value) written as compare-and-select, which maps to
/// packed max instructions (`f64::max` does not: it must also handle NaN operands). A NaN value
/// never compares greater, so it is skipped as by `f64::max`; the result is the same.
#[inline]
fn max_lanes(x: &[f64], init: f64, f: impl Fn(f64) -> f64) -> f64 {
    let mut m = [init; 8];
    let mut chunks = x.chunks_exact(8);
    for c in &mut chunks {
        for (a, &v) in m.iter_mut().zip(c) {
            let v = f(v);
            *a = if v > *a { v } else { *a };
        }
    }
    chunks.remainder().iter().map(|&v| f(v)).chain(m).fold(init, |a, v| if v > a { v } else { a })
}

/// `max |x|` over values (0 for none).
pub(crate) fn peak_abs<'a>(x: impl IntoIterator<Item = &'a f64>) -> f64 {
    x.into_iter().fold(0.0f64, |m, v| m.max(v.abs()))
}
