//! A planned model: validated IMTs with their coefficients, evaluated over many contexts.

use super::{Contexts, Kernel, ModelInfo};
use crate::{Imt, ResidualsError, Result};
use ndarray::Array2;
use rayon::prelude::*;

/// Contexts per parallel task: large enough to amortise scheduling, small enough for cache.
const CHUNK: usize = 4096;

/// What to do with records outside a model's nominal magnitude or distance range
/// ([`ModelInfo::mag_range`], [`ModelInfo::distance_range`]). Predictions are always computed
/// with the equations as published (hazardlib never checks ranges).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RangePolicy {
    /// Evaluate and mark out-of-range records in [`Predictions::out_of_range`] (default).
    #[default]
    Flag,
    /// Return [`ResidualsError::OutOfRange`] for the first out-of-range record.
    Error,
    /// Evaluate silently (no check).
    Ignore,
}

/// Outputs of a plan: arrays of shape (n_imts, n_contexts), as hazardlib's `get_mean_stds`.
#[derive(Debug, Clone)]
pub struct Predictions {
    /// The IMTs, in row order.
    pub imts: Vec<Imt>,
    /// ln median: ln g (PGA, SA) or ln cm/s (PGV).
    pub mean: Array2<f64>,
    /// Total standard deviation (ln units).
    pub sigma: Array2<f64>,
    /// Between-event standard deviation τ (ln units).
    pub tau: Array2<f64>,
    /// Within-event standard deviation φ (ln units).
    pub phi: Array2<f64>,
    /// Per context: outside the nominal range (only with [`RangePolicy::Flag`]; else empty).
    pub out_of_range: Vec<bool>,
}

/// Caller-owned output buffers (row-major (n_imts, n_contexts) each), for evaluating in bounded
/// memory chunk by chunk with [`GmpePlan::predict_into`].
#[derive(Debug)]
pub struct PredictionsMut<'a> {
    /// ln median.
    pub mean: &'a mut [f64],
    /// Total σ.
    pub sigma: &'a mut [f64],
    /// τ.
    pub tau: &'a mut [f64],
    /// φ.
    pub phi: &'a mut [f64],
}

/// Output slices of one chunk for one IMT.
pub(crate) struct Block<'a> {
    pub mean: &'a mut [f64],
    pub sigma: &'a mut [f64],
    pub tau: &'a mut [f64],
    pub phi: &'a mut [f64],
}

impl Block<'_> {
    pub(crate) fn reborrow(&mut self) -> Block<'_> {
        Block { mean: self.mean, sigma: self.sigma, tau: self.tau, phi: self.phi }
    }
}

/// A model planned for a fixed list of IMTs; immutable and cheap to apply many times.
pub struct GmpePlan {
    info: ModelInfo,
    imts: Vec<Imt>,
    kernel: Box<dyn Kernel>,
    policy: RangePolicy,
}

impl std::fmt::Debug for GmpePlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GmpePlan").field("model", &self.info.name).field("imts", &self.imts).finish()
    }
}

impl GmpePlan {
    pub(crate) fn new(info: ModelInfo, imts: &[Imt], kernel: Box<dyn Kernel>) -> Result<Self> {
        if imts.is_empty() {
            return Err(ResidualsError::Empty { what: "IMT list".into() });
        }
        Ok(GmpePlan { info, imts: imts.to_vec(), kernel, policy: RangePolicy::default() })
    }

    /// Set the out-of-range policy.
    pub fn with_range_policy(mut self, policy: RangePolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The planned IMTs.
    pub fn imts(&self) -> &[Imt] {
        &self.imts
    }

    /// The model description.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn check(&self, ctx: &Contexts<'_>) -> Result<Vec<bool>> {
        ctx.validate(self.info.name, &self.info.inputs)?;
        if self.policy == RangePolicy::Ignore {
            return Ok(Vec::new());
        }
        let dist = ctx.column(self.info.distance).unwrap_or(&[]);
        let (mlo, mhi) = self.info.mag_range;
        let (dlo, dhi) = self.info.distance_range;
        let mut flags = vec![false; ctx.len()];
        for (i, (f, &m)) in flags.iter_mut().zip(ctx.mag).enumerate() {
            let d = dist.get(i).copied().unwrap_or(dlo);
            let mag_out = m < mlo || m > mhi;
            let dist_out = d < dlo || d > dhi;
            if self.policy == RangePolicy::Error && (mag_out || dist_out) {
                let (column, value, lo, hi) =
                    if mag_out { ("mag", m, mlo, mhi) } else { (self.info.distance.name(), d, dlo, dhi) };
                return Err(ResidualsError::OutOfRange { model: self.info.name, record: i, column, value, lo, hi });
            }
            *f = mag_out || dist_out;
        }
        Ok(if self.policy == RangePolicy::Flag { flags } else { Vec::new() })
    }

    /// Evaluate every planned IMT for every context (rayon over chunks of contexts; the result
    /// does not depend on the number of threads).
    pub fn predict(&self, ctx: &Contexts<'_>) -> Result<Predictions> {
        let n = ctx.len();
        let k = self.imts.len();
        let mut mean = Array2::zeros((k, n));
        let mut sigma = Array2::zeros((k, n));
        let mut tau = Array2::zeros((k, n));
        let mut phi = Array2::zeros((k, n));
        let out_of_range = self.check(ctx)?;
        {
            let out = PredictionsMut {
                mean: mean.as_slice_mut().unwrap_or(&mut []),
                sigma: sigma.as_slice_mut().unwrap_or(&mut []),
                tau: tau.as_slice_mut().unwrap_or(&mut []),
                phi: phi.as_slice_mut().unwrap_or(&mut []),
            };
            self.fill(ctx, out);
        }
        Ok(Predictions { imts: self.imts.clone(), mean, sigma, tau, phi, out_of_range })
    }

    /// Evaluate into caller-owned buffers of length n_imts × n_contexts each (row-major:
    /// IMT-major). Allocates nothing but the out-of-range flags; returns them as
    /// [`Predictions::out_of_range`] would.
    pub fn predict_into(&self, ctx: &Contexts<'_>, out: PredictionsMut<'_>) -> Result<Vec<bool>> {
        let want = ctx.len() * self.imts.len();
        for (what, len) in
            [("mean", out.mean.len()), ("sigma", out.sigma.len()), ("tau", out.tau.len()), ("phi", out.phi.len())]
        {
            if len != want {
                return Err(ResidualsError::shape(format!("output buffer {what} (n_imts × n_contexts)"), want, len));
            }
        }
        let flags = self.check(ctx)?;
        self.fill(ctx, out);
        Ok(flags)
    }

    fn fill(&self, ctx: &Contexts<'_>, out: PredictionsMut<'_>) {
        let n = ctx.len();
        if n == 0 {
            return;
        }
        // regroup the (IMT, chunk) output slices by chunk so one task evaluates every IMT of
        // its contexts (models share per-context work between IMTs)
        let mut chunks: Vec<Vec<Block<'_>>> =
            (0..n.div_ceil(CHUNK)).map(|_| Vec::with_capacity(self.imts.len())).collect();
        let rows =
            out.mean.chunks_mut(n).zip(out.sigma.chunks_mut(n)).zip(out.tau.chunks_mut(n)).zip(out.phi.chunks_mut(n));
        for (((mean, sigma), tau), phi) in rows {
            let parts = mean
                .chunks_mut(CHUNK)
                .zip(sigma.chunks_mut(CHUNK))
                .zip(tau.chunks_mut(CHUNK))
                .zip(phi.chunks_mut(CHUNK));
            for (c, (((mean, sigma), tau), phi)) in parts.enumerate() {
                chunks[c].push(Block { mean, sigma, tau, phi });
            }
        }
        chunks.into_par_iter().enumerate().for_each(|(c, mut blocks)| {
            let start = c * CHUNK;
            let sub = ctx.slice(start..(start + CHUNK).min(n));
            self.kernel.eval_all(&sub, &mut blocks);
        });
    }
}
