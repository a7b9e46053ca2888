//! Circular shifts (SeisBench `RandomArrayRotation`) and horizontal-component rotation
//! (SeisBench `RotateHorizontalComponents`).

use crate::augmentation::Augmentation;
use crate::error::{AugmentError, Result};
use crate::sample::{MetaValue, Sample};
use ndarray::{Array2, Axis, s};
use rand::{Rng, RngExt};

/// Rolls the waveform and every time-aligned label by the same `randint(n)` samples (`np.roll`).
///
/// seisbench leaves the metadata untouched (label first, then rotate). With `shift_metadata` the
/// `_sample` entries inside the window move with the data (wrapping around), so labelling after
/// the rotation gives the same result as rotating the labels.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomArrayRotation {
    /// Move `_sample` metadata with the data.
    pub shift_metadata: bool,
}

fn roll(x: &mut Array2<f64>, shift: usize) {
    let n = x.ncols();
    if n == 0 || shift.is_multiple_of(n) {
        return;
    }
    let k = shift % n;
    for mut row in x.axis_iter_mut(Axis(0)) {
        match row.as_slice_mut() {
            Some(sl) => sl.rotate_right(k),
            None => {
                let mut v = row.to_vec();
                v.rotate_right(k);
                row.iter_mut().zip(v).for_each(|(a, b)| *a = b);
            }
        }
    }
}

impl RandomArrayRotation {
    /// Roll by `shift` samples (the deterministic core).
    pub fn rotate(&self, sample: &mut Sample, shift: usize) {
        let n = sample.len();
        roll(&mut sample.waveform, shift);
        for l in sample.labels.values_mut() {
            roll(&mut l.data, shift);
        }
        if self.shift_metadata && n > 0 {
            let nf = n as f64;
            let keys: Vec<String> = sample.metadata.iter().map(|(k, _)| k.to_string()).collect();
            for k in keys.iter().filter(|k| k.ends_with("_sample")) {
                if let Some(MetaValue::Number(v)) = sample.metadata.get(k).cloned()
                    && v >= 0.0
                    && v < nf
                {
                    sample.metadata.set_number(k.clone(), (v + shift as f64) % nf);
                }
            }
        }
    }
}

impl Augmentation for RandomArrayRotation {
    fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()> {
        let n = sample.len();
        if n == 0 {
            return Ok(());
        }
        let shift = rng.random_range(0..n);
        self.rotate(sample, shift);
        Ok(())
    }
}

/// Rotates two horizontal components by α (random U(−π, π) when `alpha` is `None`):
/// `c1' = c1 cos α − c2 sin α`, `c2' = c1 sin α + c2 cos α`. Preserves energy.
#[derive(Debug, Clone, Copy)]
pub struct RotateHorizontalComponents {
    /// Fixed angle in radians, or random.
    pub alpha: Option<f64>,
    /// The two component codes, e.g. `['N', 'E']`.
    pub components: [char; 2],
}

impl Default for RotateHorizontalComponents {
    fn default() -> Self {
        Self { alpha: None, components: ['N', 'E'] }
    }
}

impl RotateHorizontalComponents {
    /// Rotate by `alpha` radians (deterministic core).
    pub fn rotate(&self, sample: &mut Sample, alpha: f64) -> Result<()> {
        let idx = |c: char| {
            sample.component_order.chars().position(|x| x == c).ok_or_else(|| {
                AugmentError::Core(seis_core::CoreError::MissingComponent {
                    component: c,
                    available: sample.component_order.clone(),
                })
            })
        };
        let (i, j) = (idx(self.components[0])?, idx(self.components[1])?);
        if i == j {
            return Err(AugmentError::invalid("components", format!("{:?}", self.components), "must differ"));
        }
        let (sa, ca) = alpha.sin_cos();
        let (a, b) = (i.min(j), i.max(j));
        let (mut lo, mut hi) = sample.waveform.multi_slice_mut((s![a, ..], s![b, ..]));
        let (x1, x2) = if i < j { (&mut lo, &mut hi) } else { (&mut hi, &mut lo) };
        ndarray::Zip::from(x1).and(x2).for_each(|p, q| {
            let (u, v) = (*p, *q);
            *p = u * ca - v * sa;
            *q = u * sa + v * ca;
        });
        Ok(())
    }
}

impl Augmentation for RotateHorizontalComponents {
    fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()> {
        let alpha = match self.alpha {
            Some(a) => a,
            None => rng.random_range(-std::f64::consts::PI..std::f64::consts::PI),
        };
        self.rotate(sample, alpha)
    }
}
