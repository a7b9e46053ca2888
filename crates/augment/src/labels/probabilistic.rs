//! Probabilistic pick labels (gaussian, triangle, box) and the point variant.

use super::{LabelColumns, resolve};
use crate::augmentation::Augmentation;
use crate::error::{AugmentError, Result};
use crate::sample::{Labels, Sample};
use ndarray::{Array1, Array2, ArrayViewMut1, Axis};
use rand::Rng;

/// Shape of a pick label around its onset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LabelShape {
    /// `exp(−(x − onset)² / (2σ²))`.
    #[default]
    Gaussian,
    /// `1 − |x − onset| / σ` within ±σ.
    Triangle,
    /// 1 for `onset − σ − 1 < x ≤ onset + σ`.
    Box,
}

/// SeisBench `ProbabilisticLabeller` for one (channels × samples) window: one row per label
/// (sorted, "Noise" last unless `model_labels` orders them), picks of one label combined by
/// maximum; with the noise row, rows are divided by max(1, Σ rows) and Noise = 1 − Σ.
/// Defaults: gaussian, σ = 10, automatic columns, noise row, key "y".
#[derive(Debug, Clone)]
pub struct ProbabilisticLabeller {
    /// Label shape.
    pub shape: LabelShape,
    /// Width parameter in samples (> 0).
    pub sigma: f64,
    /// Columns to label.
    pub label_columns: LabelColumns,
    /// Add the noise row.
    pub noise_column: bool,
    /// Output row order (e.g. `["P", "S", "N"]` for PhaseNet); `None`: sorted, Noise last.
    pub model_labels: Option<Vec<String>>,
    /// Key of the labels in the sample.
    pub key: String,
}

impl Default for ProbabilisticLabeller {
    fn default() -> Self {
        Self {
            shape: LabelShape::Gaussian,
            sigma: 10.0,
            label_columns: LabelColumns::Auto,
            noise_column: true,
            model_labels: None,
            key: "y".into(),
        }
    }
}

/// Half the smallest positive float32: label values below it are 0 in a float32 batch.
const F32_ZERO: f64 = 7.006_492_321_624_085e-46;

/// Fill `row` with the maximum of itself and the pick shape at `onset` (NaN onsets add nothing);
/// returns the range of samples it may have changed.
fn add_pick(mut row: ArrayViewMut1<f64>, shape: LabelShape, onset: f64, sigma: f64) -> (usize, usize) {
    let n = row.len();
    if onset.is_nan() || n == 0 {
        return (0, 0);
    }
    match shape {
        LabelShape::Gaussian => {
            // Beyond √(−2 ln F32_ZERO)·σ ≈ 14.4 σ the gaussian rounds to 0 in the float32 batch:
            // it is not evaluated there (the f64 labels differ from seisbench's by < 1e-45).
            let reach = sigma * (-2.0 * F32_ZERO.ln()).sqrt() + 1.0;
            let a = (onset - reach).ceil().max(0.0).min(n as f64) as usize;
            let b = (onset + reach).floor().max(-1.0).min(n as f64 - 1.0) as i64;
            if (b as f64) < a as f64 {
                return (0, 0);
            }
            let inv = 1.0 / (2.0 * sigma * sigma);
            let b = b as usize;
            let Some(out) = row.as_slice_mut() else {
                for (i, r) in row.iter_mut().enumerate().skip(a).take(b + 1 - a) {
                    let d = i as f64 - onset;
                    *r = r.max((-(d * d) * inv).exp());
                }
                return (a, b + 1);
            };
            gaussian_block(&mut out[a..=b], a as f64 - onset, inv, sigma >= 1.0);
            (a, b + 1)
        }
        LabelShape::Triangle => {
            for (i, r) in row.iter_mut().enumerate() {
                let d = i as f64 - onset;
                let y1 = -d / sigma + 1.0;
                let y2 = d / sigma + 1.0;
                let v =
                    if (0.0..=1.0).contains(&y1) { y1 } else { 0.0 } + if (0.0..1.0).contains(&y2) { y2 } else { 0.0 };
                *r = r.max(v);
            }
            (0, n)
        }
        LabelShape::Box => {
            for (i, r) in row.iter_mut().enumerate() {
                let d = i as f64 - onset;
                if d <= sigma && -(d + 1.0) < sigma {
                    *r = r.max(1.0);
                }
            }
            (0, n)
        }
    }
}

/// `out[j] = max(out[j], exp(−(d0 + j)² · inv))`. With `fast`, the exponential is exact at every
/// 32nd sample and advanced in between by the ratio recurrence
/// `g(d + 1) = g(d) · r(d)`, `r(d + 1) = r(d) · exp(−2 inv)` (relative error < 1e-13; the
/// ratios cannot overflow for σ ≥ 1 within the non-underflowing range).
fn gaussian_block(out: &mut [f64], d0: f64, inv: f64, fast: bool) {
    if !fast {
        for (j, r) in out.iter_mut().enumerate() {
            let d = d0 + j as f64;
            *r = r.max((-(d * d) * inv).exp());
        }
        return;
    }
    let c = (-2.0 * inv).exp();
    for (k, chunk) in out.chunks_mut(32).enumerate() {
        let d = d0 + (32 * k) as f64;
        let mut g = (-(d * d) * inv).exp();
        let mut r = (-(2.0 * d + 1.0) * inv).exp();
        for v in chunk.iter_mut() {
            // Compare-and-select (maxsd): values are finite, so this equals `v.max(g)`.
            *v = if g > *v { g } else { *v };
            g *= r;
            r *= c;
        }
    }
}

impl ProbabilisticLabeller {
    /// Validated labeller. Errors on σ ≤ 0 or non-finite.
    pub fn new(shape: LabelShape, sigma: f64) -> Result<Self> {
        if !(sigma.is_finite() && sigma > 0.0) {
            return Err(AugmentError::invalid("sigma", sigma, "must be finite and > 0"));
        }
        Ok(Self { shape, sigma, ..Self::default() })
    }

    /// The label array (rows × samples), its names and noise row, for a sample.
    pub fn label(&self, sample: &Sample) -> Result<Labels> {
        if !(self.sigma.is_finite() && self.sigma > 0.0) {
            return Err(AugmentError::invalid("sigma", self.sigma, "must be finite and > 0"));
        }
        let r = resolve(&self.label_columns, &sample.metadata, self.noise_column, self.model_labels.as_deref())?;
        let w = sample.len();
        let mut y = Array2::zeros((r.names.len(), w));
        // Samples [lo, hi) may hold pick values; elsewhere every pick row is 0.
        let (mut lo, mut hi) = (w, 0);
        for (col, row) in &r.columns {
            if let Some(onset) = sample.metadata.number(col) {
                let (a, b) = add_pick(y.row_mut(*row), self.shape, onset, self.sigma);
                if a < b {
                    (lo, hi) = (lo.min(a), hi.max(b));
                }
            }
        }
        if let Some(noise) = r.noise {
            // Outside [lo, hi) no pick: Noise = 1. Inside, column sums over the pick rows (the
            // noise row is still 0), then y /= max(1, Σ) and Noise = 1 − Σ y — row-wise so the
            // loops vectorise.
            if lo < hi {
                let mut sum = vec![0.0; hi - lo];
                for row in y.rows() {
                    sum.iter_mut().zip(&row.as_slice().unwrap_or(&[])[lo..hi]).for_each(|(s, v)| *s += v);
                }
                sum.iter_mut().for_each(|s| *s = if *s > 1.0 { *s } else { 1.0 });
                let mut total = vec![0.0; hi - lo];
                for (i, mut row) in y.rows_mut().into_iter().enumerate() {
                    if i == noise {
                        continue;
                    }
                    let v = &mut row.as_slice_mut().unwrap_or(&mut [])[lo..hi];
                    v.iter_mut().zip(&sum).zip(total.iter_mut()).for_each(|((v, d), t)| {
                        *v /= d;
                        *t += *v;
                    });
                }
                let v = &mut y.row_mut(noise).into_slice().unwrap_or(&mut [])[lo..hi];
                v.iter_mut().zip(&total).for_each(|(v, t)| *v = 1.0 - t);
            } else {
                (lo, hi) = (0, 0);
            }
            let mut v = y.row_mut(noise);
            v.slice_mut(ndarray::s![..lo]).fill(1.0);
            v.slice_mut(ndarray::s![hi..]).fill(1.0);
        }
        Ok(Labels { names: r.names, data: y, noise: r.noise })
    }
}

impl Augmentation for ProbabilisticLabeller {
    fn apply(&self, sample: &mut Sample, _rng: &mut dyn Rng) -> Result<()> {
        let l = self.label(sample)?;
        sample.labels.insert(self.key.clone(), l);
        Ok(())
    }
}

/// SeisBench `ProbabilisticPointLabeller`: the probabilistic label values at sample
/// `int(position · (W − 1))`, stored in `point_labels[key]`.
#[derive(Debug, Clone)]
pub struct ProbabilisticPointLabeller {
    /// The underlying probabilistic labeller.
    pub labeller: ProbabilisticLabeller,
    /// Relative position in [0, 1] (default 0.5).
    pub position: f64,
}

impl ProbabilisticPointLabeller {
    /// Errors unless `0 <= position <= 1`.
    pub fn new(labeller: ProbabilisticLabeller, position: f64) -> Result<Self> {
        crate::error::check_probability("position", position)?;
        Ok(Self { labeller, position })
    }
}

impl Augmentation for ProbabilisticPointLabeller {
    fn apply(&self, sample: &mut Sample, _rng: &mut dyn Rng) -> Result<()> {
        let l = self.labeller.label(sample)?;
        let w = l.data.ncols();
        if w == 0 {
            return Err(AugmentError::Empty { what: "window for point labels" });
        }
        let p = (self.position * (w - 1) as f64) as usize;
        let v: Array1<f64> = l.data.index_axis(Axis(1), p).to_owned();
        sample.point_labels.insert(self.labeller.key.clone(), v);
        Ok(())
    }
}
