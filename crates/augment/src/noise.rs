//! Additive Gaussian noise (SeisBench `GaussianNoise`).

use crate::augmentation::Augmentation;
use crate::error::{Result, check_range};
use crate::normal::Normal;
use crate::rng::{local_rng, uniform};
use crate::sample::{Sample, max_slice};
use rand::Rng;

/// Adds white Gaussian noise with σ = U(scale.0, scale.1) · max(x), where max is the **signed**
/// maximum of the whole window (seisbench behaviour; a window with only negative values gets a
/// negative σ, which has the same distribution).
#[derive(Debug, Clone, Copy)]
pub struct GaussianNoise {
    scale: (f64, f64),
}

impl Default for GaussianNoise {
    fn default() -> Self {
        Self { scale: (0.0, 0.15) }
    }
}

impl GaussianNoise {
    /// Noise level range relative to the signed peak (seisbench default `(0, 0.15)`).
    pub fn new(scale: (f64, f64)) -> Result<Self> {
        check_range("scale", scale)?;
        Ok(Self { scale })
    }
}

impl Augmentation for GaussianNoise {
    fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()> {
        if sample.waveform.is_empty() {
            return Ok(());
        }
        let u = uniform(rng, self.scale);
        // The signed maximum, as seisbench.
        let peak = match sample.waveform.as_slice() {
            Some(x) => max_slice(x),
            None => sample.waveform.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v)),
        };
        let sigma = u * peak;
        let mut local = local_rng(rng);
        let normal = Normal::new();
        let add = |v: &mut f64| {
            *v += sigma * normal.sample(&mut local);
        };
        match sample.waveform.as_slice_mut() {
            Some(x) => x.iter_mut().for_each(add),
            None => sample.waveform.iter_mut().for_each(add),
        }
        Ok(())
    }
}
