//! Adam (Kingma & Ba 2015) over the spline parameters of a [`LearnableScattering`] network, with
//! the original training schedule's step-wise learning-rate decay available.

use super::network::LearnableScattering;
use super::spline::SplineParams;
use crate::error::{Result, ScatterError};

/// Adam optimiser state (`β₁ = 0.9`, `β₂ = 0.999`, `ε = 1e-8` by default, as in TensorFlow 1).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Adam {
    /// Learning rate.
    pub learning_rate: f64,
    /// Decay of the first-moment estimate.
    pub beta1: f64,
    /// Decay of the second-moment estimate.
    pub beta2: f64,
    /// Denominator offset.
    pub epsilon: f64,
    step: u64,
    m: Vec<f64>,
    v: Vec<f64>,
}

impl Adam {
    /// Adam with the given learning rate and default moments.
    pub fn new(learning_rate: f64) -> Result<Self> {
        if !(learning_rate.is_finite() && learning_rate > 0.0) {
            return Err(ScatterError::invalid("learning_rate", learning_rate, "must be finite and > 0"));
        }
        Ok(Adam { learning_rate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 0, m: Vec::new(), v: Vec::new() })
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        self.step
    }

    /// The original schedule: the base rate, divided by 5 from epoch ⌊E/2⌋ and by 25 from epoch
    /// ⌊3E/4⌋ (0-based epochs, `E` epochs in total).
    pub fn scheduled_rate(base: f64, epoch: usize, epochs: usize) -> f64 {
        let mut r = base;
        if epoch >= epochs / 2 {
            r /= 5.0;
        }
        if epoch >= 3 * epochs / 4 {
            r /= 5.0;
        }
        r
    }

    /// One Adam step of `net`'s parameters along `grads` (as returned by
    /// [`LearnableScattering::loss_and_gradient`]).
    pub fn step(&mut self, net: &mut LearnableScattering, grads: &[SplineParams]) -> Result<()> {
        let flat_g: Vec<f64> = grads.iter().flat_map(|g| g.values.iter().chain(&g.derivatives).copied()).collect();
        let n: usize = net.parameters().iter().map(SplineParams::len).sum();
        if flat_g.len() != n {
            return Err(ScatterError::ShapeMismatch {
                what: "gradient length".into(),
                expected: n.to_string(),
                got: flat_g.len().to_string(),
            });
        }
        if let Some((i, &v)) = flat_g.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(ScatterError::NonFinite { what: "gradient".into(), index: i, value: v });
        }
        if self.m.len() != n {
            self.m = vec![0.0; n];
            self.v = vec![0.0; n];
            self.step = 0;
        }
        self.step += 1;
        let t = self.step as i32;
        let lr_t = self.learning_rate * (1.0 - self.beta2.powi(t)).sqrt() / (1.0 - self.beta1.powi(t));
        let mut new = net.parameters().to_vec();
        let mut i = 0;
        for p in new.iter_mut() {
            for w in p.values.iter_mut().chain(p.derivatives.iter_mut()) {
                let g = flat_g[i];
                self.m[i] = self.beta1 * self.m[i] + (1.0 - self.beta1) * g;
                self.v[i] = self.beta2 * self.v[i] + (1.0 - self.beta2) * g * g;
                *w -= lr_t * self.m[i] / (self.v[i].sqrt() + self.epsilon);
                i += 1;
            }
        }
        net.set_parameters(new)
    }
}
