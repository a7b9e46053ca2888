//! The [`Augmentation`] trait and the combinators `OneOf` and `NullAugmentation`.

use crate::error::{AugmentError, Result};
use crate::pending::PendingWindow;
use crate::sample::Sample;
use rand::{Rng, RngExt};

/// A transform of one sample. Random transforms draw only from the RNG they are given, so a
/// generator seeding it per (epoch, index) makes every sample reproducible.
pub trait Augmentation: Send + Sync + std::fmt::Debug {
    /// Transform `sample` in place.
    fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()>;

    /// Pure window selections also act on a window not read yet, drawing exactly what
    /// [`Augmentation::apply`] would draw, so the generator reads only the samples the leading
    /// windows of a pipeline keep. `None` (the default): not a pure window selection.
    fn apply_pending(&self, window: &mut PendingWindow, rng: &mut dyn Rng) -> Option<Result<()>> {
        let _ = (window, rng);
        None
    }
}

impl<A: Augmentation + ?Sized> Augmentation for Box<A> {
    fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()> {
        (**self).apply(sample, rng)
    }
    fn apply_pending(&self, window: &mut PendingWindow, rng: &mut dyn Rng) -> Option<Result<()>> {
        (**self).apply_pending(window, rng)
    }
}

impl<A: Augmentation + ?Sized> Augmentation for std::sync::Arc<A> {
    fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()> {
        (**self).apply(sample, rng)
    }
    fn apply_pending(&self, window: &mut PendingWindow, rng: &mut dyn Rng) -> Option<Result<()>> {
        (**self).apply_pending(window, rng)
    }
}

/// Does nothing (SeisBench `NullAugmentation`); useful inside [`OneOf`].
#[derive(Debug, Clone, Copy, Default)]
pub struct NullAugmentation;

impl Augmentation for NullAugmentation {
    fn apply(&self, _sample: &mut Sample, _rng: &mut dyn Rng) -> Result<()> {
        Ok(())
    }
}

/// Applies one augmentation chosen at random with the given probabilities (SeisBench `OneOf`;
/// uniform when none are given; probabilities are normalised to sum 1).
#[derive(Debug)]
pub struct OneOf {
    augmentations: Vec<Box<dyn Augmentation>>,
    cumulative: Vec<f64>,
}

impl OneOf {
    /// Uniform choice. Errors on an empty list.
    pub fn new(augmentations: Vec<Box<dyn Augmentation>>) -> Result<Self> {
        let p = vec![1.0; augmentations.len()];
        Self::with_probabilities(augmentations, &p)
    }

    /// Choice with weights (normalised). Errors on an empty list, a length mismatch, a negative or
    /// non-finite weight, or weights summing to 0.
    pub fn with_probabilities(augmentations: Vec<Box<dyn Augmentation>>, probabilities: &[f64]) -> Result<Self> {
        if augmentations.is_empty() {
            return Err(AugmentError::Empty { what: "OneOf augmentations" });
        }
        if probabilities.len() != augmentations.len() {
            return Err(AugmentError::ShapeMismatch {
                what: "OneOf probabilities vs augmentations".into(),
                expected: augmentations.len().to_string(),
                got: probabilities.len().to_string(),
            });
        }
        let cumulative = cumulative_probabilities("probabilities", probabilities)?;
        Ok(Self { augmentations, cumulative })
    }
}

/// Normalised cumulative sums of non-negative weights; errors name the bad weight.
pub(crate) fn cumulative_probabilities(name: &'static str, weights: &[f64]) -> Result<Vec<f64>> {
    if let Some(w) = weights.iter().find(|w| !(w.is_finite() && **w >= 0.0)) {
        return Err(AugmentError::invalid(name, w, "weights must be finite and >= 0"));
    }
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return Err(AugmentError::invalid(name, format!("{weights:?}"), "weights must not all be 0"));
    }
    let mut acc = 0.0;
    Ok(weights
        .iter()
        .map(|w| {
            acc += w / total;
            acc
        })
        .collect())
}

/// Index drawn from normalised cumulative probabilities.
pub(crate) fn choose(cumulative: &[f64], rng: &mut dyn Rng) -> usize {
    let u: f64 = rng.random();
    cumulative.iter().position(|&c| u < c).unwrap_or(cumulative.len() - 1)
}

impl Augmentation for OneOf {
    fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()> {
        let i = choose(&self.cumulative, rng);
        self.augmentations[i].apply(sample, rng)
    }
}

/// Applies an augmentation with probability `p`, otherwise leaves the sample unchanged.
#[derive(Debug)]
pub struct Maybe<A> {
    inner: A,
    p: f64,
}

impl<A: Augmentation> Maybe<A> {
    /// Errors unless `0 <= p <= 1`.
    pub fn new(inner: A, p: f64) -> Result<Self> {
        crate::error::check_probability("p", p)?;
        Ok(Self { inner, p })
    }
}

impl<A: Augmentation> Augmentation for Maybe<A> {
    fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()> {
        if rng.random::<f64>() < self.p { self.inner.apply(sample, rng) } else { Ok(()) }
    }
}
