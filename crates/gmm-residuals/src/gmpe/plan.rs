//! A planned model: validated IMTs with their coefficients, evaluated over many contexts.

use super::{Contexts, Kernel, ModelInfo, StdDev};
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

/// Outputs of a plan, each of shape (n_imts, n_contexts), as hazardlib's `get_mean_stds`; σ, τ
/// and φ of homoskedastic models are stored once per IMT ([`StdDev`]).
#[derive(Debug, Clone)]
pub struct Predictions {
    /// The IMTs, in row order.
    pub imts: Vec<Imt>,
    /// ln median: ln g (PGA, SA) or ln cm/s (PGV).
    pub mean: Array2<f64>,
    /// Total standard deviation (ln units).
    pub sigma: StdDev,
    /// Between-event standard deviation τ (ln units).
    pub tau: StdDev,
    /// Within-event standard deviation φ (ln units).
    pub phi: StdDev,
    /// Per context: outside the nominal range (only with [`RangePolicy::Flag`]; else empty).
    pub out_of_range: Vec<bool>,
}

/// Caller-owned output buffers (row-major (n_imts, n_contexts) each) for
/// [`GmpePlan::predict_into`]: the mean is always written, σ, τ and φ only when a buffer is given,
/// so a caller who needs the median (or median and σ) pays for nothing else.
#[derive(Debug)]
pub struct PredictionsMut<'a> {
    /// ln median.
    pub mean: &'a mut [f64],
    /// Total σ (skipped when `None`).
    pub sigma: Option<&'a mut [f64]>,
    /// τ (skipped when `None`).
    pub tau: Option<&'a mut [f64]>,
    /// φ (skipped when `None`).
    pub phi: Option<&'a mut [f64]>,
}

impl<'a> PredictionsMut<'a> {
    /// Only the ln median.
    pub fn mean(mean: &'a mut [f64]) -> Self {
        PredictionsMut { mean, sigma: None, tau: None, phi: None }
    }

    /// ln median and total σ (what hazard and scenario calculations need).
    pub fn mean_sigma(mean: &'a mut [f64], sigma: &'a mut [f64]) -> Self {
        PredictionsMut { mean, sigma: Some(sigma), tau: None, phi: None }
    }

    /// Every output (what the residual split needs).
    pub fn all(mean: &'a mut [f64], sigma: &'a mut [f64], tau: &'a mut [f64], phi: &'a mut [f64]) -> Self {
        PredictionsMut { mean, sigma: Some(sigma), tau: Some(tau), phi: Some(phi) }
    }
}

/// The outputs of one chunk of contexts in [`GmpePlan::map_chunks`]: rows of `len` values per IMT,
/// valid for the duration of the callback (the buffers are reused for the next chunk).
#[derive(Debug)]
pub struct ChunkPredictions<'a> {
    /// Index of the chunk's first context in the full [`Contexts`].
    pub start: usize,
    len: usize,
    mean: &'a [f64],
    sigma: &'a [f64],
    tau: &'a [f64],
    phi: &'a [f64],
    /// Per context of the chunk: outside the nominal range (only with [`RangePolicy::Flag`];
    /// else empty).
    pub out_of_range: &'a [bool],
}

impl<'a> ChunkPredictions<'a> {
    /// Number of contexts in the chunk.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True for an empty chunk (never passed to a callback).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn row(&self, v: &'a [f64], m: usize) -> &'a [f64] {
        &v[m * self.len..(m + 1) * self.len]
    }

    /// ln median of IMT number `m` (plan order) for the chunk's contexts.
    pub fn mean(&self, m: usize) -> &'a [f64] {
        self.row(self.mean, m)
    }

    /// Total σ of IMT number `m`.
    pub fn sigma(&self, m: usize) -> &'a [f64] {
        self.row(self.sigma, m)
    }

    /// τ of IMT number `m`.
    pub fn tau(&self, m: usize) -> &'a [f64] {
        self.row(self.tau, m)
    }

    /// φ of IMT number `m`.
    pub fn phi(&self, m: usize) -> &'a [f64] {
        self.row(self.phi, m)
    }
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
    /// Per IMT: (σ, τ, φ) when homoskedastic.
    constant: Vec<Option<[f64; 3]>>,
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
        let constant = (0..imts.len()).map(|m| kernel.constant_stds(m)).collect();
        Ok(GmpePlan { info, imts: imts.to_vec(), kernel, policy: RangePolicy::default(), constant })
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

    /// Values of one chunk (records numbered from `offset`) and [`RangePolicy::Error`]. Run inside
    /// the parallel evaluation, just after the kernel has read the same (then cached) columns.
    fn check_chunk(&self, sub: &Contexts<'_>, offset: usize) -> Result<()> {
        sub.check_values(&self.info.inputs, offset)?;
        if self.policy != RangePolicy::Error {
            return Ok(());
        }
        let (mlo, mhi) = self.info.mag_range;
        let (dlo, dhi) = self.info.distance_range;
        let dist = sub.column(self.info.distance).unwrap_or(&[]);
        for (i, &m) in sub.mag.iter().enumerate() {
            let d = dist.get(i).copied().unwrap_or(dlo);
            let (column, value, lo, hi) = if m < mlo || m > mhi {
                ("mag", m, mlo, mhi)
            } else if d < dlo || d > dhi {
                (self.info.distance.name(), d, dlo, dhi)
            } else {
                continue;
            };
            let record = offset + i;
            return Err(ResidualsError::OutOfRange { model: self.info.name, record, column, value, lo, hi });
        }
        Ok(())
    }

    /// Out-of-range flags of `ctx` into `flags` (same length; nothing when empty).
    fn flag_into(&self, ctx: &Contexts<'_>, flags: &mut [bool]) {
        let (mlo, mhi) = self.info.mag_range;
        let (dlo, dhi) = self.info.distance_range;
        let dist = ctx.column(self.info.distance).unwrap_or(&[]);
        for (i, (f, &m)) in flags.iter_mut().zip(ctx.mag).enumerate() {
            let d = dist.get(i).copied().unwrap_or(dlo);
            *f = m < mlo || m > mhi || d < dlo || d > dhi;
        }
    }

    /// Buffer for [`Predictions::out_of_range`] (empty unless [`RangePolicy::Flag`]).
    fn flag_buffer(&self, n: usize) -> Vec<bool> {
        if self.policy == RangePolicy::Flag { vec![false; n] } else { Vec::new() }
    }

    /// Evaluate every planned IMT for every context and materialise all four outputs (as
    /// hazardlib's `get_mean_stds`): 4 × n_imts × n_contexts values. Rayon over chunks of
    /// contexts; the result does not depend on the number of threads. For large workloads prefer
    /// [`GmpePlan::predict_mean`], [`GmpePlan::predict_mean_sigma`] or the streaming
    /// [`GmpePlan::map_chunks`].
    ///
    /// Inputs are validated chunk by chunk as they are evaluated; on invalid input the error
    /// names the first invalid record of the first chunk holding one.
    pub fn predict(&self, ctx: &Contexts<'_>) -> Result<Predictions> {
        ctx.check_columns(self.info.name, &self.info.inputs)?;
        let shape = (self.imts.len(), ctx.len());
        let mut mean = Array2::zeros(shape);
        let mut out_of_range = self.flag_buffer(ctx.len());
        let mean_slice = mean.as_slice_mut().unwrap_or(&mut []);
        let (sigma, tau, phi) = if let Some(c) = self.homoskedastic() {
            // homoskedastic: σ, τ, φ once per IMT, nothing of size n_contexts
            self.fill(ctx, PredictionsMut::mean(mean_slice), &mut out_of_range)?;
            let col = |j: usize| StdDev::constant(c.iter().map(|s| s[j]).collect(), ctx.len());
            (col(0), col(1), col(2))
        } else {
            let (mut sigma, mut tau, mut phi) = (Array2::zeros(shape), Array2::zeros(shape), Array2::zeros(shape));
            self.fill(
                ctx,
                PredictionsMut::all(
                    mean_slice,
                    sigma.as_slice_mut().unwrap_or(&mut []),
                    tau.as_slice_mut().unwrap_or(&mut []),
                    phi.as_slice_mut().unwrap_or(&mut []),
                ),
                &mut out_of_range,
            )?;
            (StdDev::full(sigma), StdDev::full(tau), StdDev::full(phi))
        };
        Ok(Predictions { imts: self.imts.clone(), mean, sigma, tau, phi, out_of_range })
    }

    /// Only the ln medians, shape (n_imts, n_contexts): a quarter of [`GmpePlan::predict`]'s
    /// memory. Out-of-range records follow the plan's [`RangePolicy`] (flags are not returned;
    /// use [`GmpePlan::predict_into`] for them).
    pub fn predict_mean(&self, ctx: &Contexts<'_>) -> Result<Array2<f64>> {
        ctx.check_columns(self.info.name, &self.info.inputs)?;
        let mut mean = Array2::zeros((self.imts.len(), ctx.len()));
        self.fill(ctx, PredictionsMut::mean(mean.as_slice_mut().unwrap_or(&mut [])), &mut [])?;
        Ok(mean)
    }

    /// ln medians and total σ, each of shape (n_imts, n_contexts); σ of a homoskedastic model is
    /// stored once per IMT ([`StdDev`]).
    pub fn predict_mean_sigma(&self, ctx: &Contexts<'_>) -> Result<(Array2<f64>, StdDev)> {
        ctx.check_columns(self.info.name, &self.info.inputs)?;
        let shape = (self.imts.len(), ctx.len());
        let mut mean = Array2::zeros(shape);
        let mean_slice = mean.as_slice_mut().unwrap_or(&mut []);
        if let Some(c) = self.homoskedastic() {
            self.fill(ctx, PredictionsMut::mean(mean_slice), &mut [])?;
            return Ok((mean, StdDev::constant(c.iter().map(|s| s[0]).collect(), ctx.len())));
        }
        let mut sigma = Array2::zeros(shape);
        self.fill(ctx, PredictionsMut::mean_sigma(mean_slice, sigma.as_slice_mut().unwrap_or(&mut [])), &mut [])?;
        Ok((mean, StdDev::full(sigma)))
    }

    /// (σ, τ, φ) per IMT when every planned IMT is homoskedastic.
    fn homoskedastic(&self) -> Option<Vec<[f64; 3]>> {
        self.constant.iter().copied().collect()
    }

    /// Evaluate into caller-owned buffers of length n_imts × n_contexts each (row-major:
    /// IMT-major); σ, τ, φ only where a buffer is given. Allocates nothing but the out-of-range
    /// flags, returned as [`Predictions::out_of_range`] would be. On an error the buffers'
    /// contents are unspecified.
    pub fn predict_into(&self, ctx: &Contexts<'_>, out: PredictionsMut<'_>) -> Result<Vec<bool>> {
        let want = ctx.len() * self.imts.len();
        let lens = [
            ("mean", Some(out.mean.len())),
            ("sigma", out.sigma.as_ref().map(|v| v.len())),
            ("tau", out.tau.as_ref().map(|v| v.len())),
            ("phi", out.phi.as_ref().map(|v| v.len())),
        ];
        for (what, len) in lens {
            if let Some(len) = len
                && len != want
            {
                return Err(ResidualsError::shape(format!("output buffer {what} (n_imts × n_contexts)"), want, len));
            }
        }
        ctx.check_columns(self.info.name, &self.info.inputs)?;
        let mut flags = self.flag_buffer(ctx.len());
        self.fill(ctx, out, &mut flags)?;
        Ok(flags)
    }

    /// Streaming evaluation in bounded memory: the contexts are evaluated chunk by chunk (rayon
    /// over chunks, each worker reusing one buffer of 4 × n_imts × 4096 values) and `f` receives
    /// each chunk's contexts and predictions; its results are returned in chunk order, so any
    /// reduction done over them is independent of the number of threads. Nothing of size
    /// n_contexts is allocated. On invalid input `f` may already have run for other chunks.
    ///
    /// ```
    /// use gmm_residuals::gmpe::{Contexts, Gmpe, KothaEtAl2020, KothaVariant};
    /// use gmm_residuals::Imt;
    /// let plan = KothaEtAl2020::new(KothaVariant::Base).plan(&[Imt::Sa(1.0)])?;
    /// let mag = vec![6.0; 10_000];
    /// let (depth, rjb) = (vec![8.0; 10_000], vec![10.0; 10_000]);
    /// let ctx = Contexts::new(&mag).with_hypo_depth(&depth).with_rjb(&rjb);
    /// // number of pairs whose median SA(1 s) exceeds 0.1 g
    /// let counts = plan.map_chunks(&ctx, |_, p| p.mean(0).iter().filter(|&&m| m > 0.1f64.ln()).count())?;
    /// assert_eq!(counts.iter().sum::<usize>(), 10_000);
    /// # Ok::<(), gmm_residuals::ResidualsError>(())
    /// ```
    pub fn map_chunks<T, F>(&self, ctx: &Contexts<'_>, f: F) -> Result<Vec<T>>
    where
        T: Send,
        F: Fn(&Contexts<'_>, &ChunkPredictions<'_>) -> T + Sync,
    {
        ctx.check_columns(self.info.name, &self.info.inputs)?;
        let (n, k) = (ctx.len(), self.imts.len());
        let flag = self.policy == RangePolicy::Flag;
        let out: Vec<Result<T>> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map_init(
                || (vec![0.0; 4 * k * CHUNK], vec![false; if flag { CHUNK } else { 0 }]),
                |(buf, flags), c| {
                    let start = c * CHUNK;
                    let sub = ctx.slice(start..(start + CHUNK).min(n));
                    let len = sub.len();
                    let (mean, rest) = buf.split_at_mut(k * len);
                    let (sigma, rest) = rest.split_at_mut(k * len);
                    let (tau, rest) = rest.split_at_mut(k * len);
                    let phi = &mut rest[..k * len];
                    let mut blocks: Vec<Block<'_>> = mean
                        .chunks_mut(len)
                        .zip(sigma.chunks_mut(len))
                        .zip(tau.chunks_mut(len))
                        .zip(phi.chunks_mut(len))
                        .map(|(((mean, sigma), tau), phi)| Block { mean, sigma, tau, phi })
                        .collect();
                    for (b, c) in blocks.iter_mut().zip(&self.constant) {
                        if let Some([s, t, p]) = *c {
                            b.sigma.fill(s);
                            b.tau.fill(t);
                            b.phi.fill(p);
                        }
                    }
                    self.kernel.eval_all(&sub, &mut blocks);
                    drop(blocks);
                    // validated after the kernel has pulled the chunk into cache (see `fill`)
                    self.check_chunk(&sub, start)?;
                    let flags = &mut flags[..if flag { len } else { 0 }];
                    self.flag_into(&sub, flags);
                    let p = ChunkPredictions {
                        start,
                        len,
                        mean: &buf[..k * len],
                        sigma: &buf[k * len..2 * k * len],
                        tau: &buf[2 * k * len..3 * k * len],
                        phi: &buf[3 * k * len..4 * k * len],
                        out_of_range: flags,
                    };
                    Ok(f(&sub, &p))
                },
            )
            .collect();
        out.into_iter().collect()
    }

    /// Validate and evaluate chunk by chunk into `out` (and the out-of-range `flags` when not
    /// empty); the error of the first failing chunk wins.
    fn fill(&self, ctx: &Contexts<'_>, out: PredictionsMut<'_>, flags: &mut [bool]) -> Result<()> {
        let n = ctx.len();
        if n == 0 {
            return Ok(());
        }
        let (k, nc) = (self.imts.len(), n.div_ceil(CHUNK));
        fn pieces(buf: Option<&mut [f64]>, n: usize, count: usize) -> Vec<Option<&mut [f64]>> {
            match buf {
                Some(b) => b.chunks_mut(n).flat_map(|row| row.chunks_mut(CHUNK)).map(Some).collect(),
                None => (0..count).map(|_| None).collect(),
            }
        }
        let need_scratch = (out.sigma.is_none() || out.tau.is_none() || out.phi.is_none())
            && self.constant.iter().any(Option::is_none);
        // regroup the (IMT, chunk) pieces by chunk so one task evaluates every IMT of its
        // contexts (models share per-context work between IMTs)
        let mut chunks: Vec<(Vec<Dest<'_>>, &mut [bool])> = Vec::with_capacity(nc);
        let mut flag_parts = flags.chunks_mut(CHUNK);
        for _ in 0..nc {
            chunks.push((Vec::with_capacity(k), flag_parts.next().unwrap_or_default()));
        }
        let rows = out.mean.chunks_mut(n).flat_map(|row| row.chunks_mut(CHUNK));
        let parts =
            rows.zip(pieces(out.sigma, n, k * nc)).zip(pieces(out.tau, n, k * nc)).zip(pieces(out.phi, n, k * nc));
        for (j, (((mean, sigma), tau), phi)) in parts.enumerate() {
            chunks[j % nc].0.push(Dest { mean, sigma, tau, phi });
        }
        let errors: Vec<Option<ResidualsError>> = chunks
            .into_par_iter()
            .enumerate()
            .map_init(Vec::new, |scratch: &mut Vec<f64>, (c, (dests, flags))| {
                let start = c * CHUNK;
                let sub = ctx.slice(start..(start + CHUNK).min(n));
                let len = sub.len();
                // outputs not requested go to a per-worker scratch buffer
                if need_scratch && scratch.len() < 3 * k * CHUNK {
                    scratch.resize(3 * k * CHUNK, 0.0);
                }
                let mut spare = scratch.chunks_mut(len);
                let mut blocks: Vec<Block<'_>> = Vec::with_capacity(k);
                for (d, c) in dests.into_iter().zip(&self.constant) {
                    if let Some(c) = *c {
                        // homoskedastic IMT: the kernel writes only the mean
                        for (dst, v) in [d.sigma, d.tau, d.phi].into_iter().zip(c) {
                            if let Some(dst) = dst {
                                dst.fill(v);
                            }
                        }
                        blocks.push(Block { mean: d.mean, sigma: &mut [], tau: &mut [], phi: &mut [] });
                        continue;
                    }
                    let sigma = d.sigma.or_else(|| spare.next()).unwrap_or_default();
                    let tau = d.tau.or_else(|| spare.next()).unwrap_or_default();
                    let phi = d.phi.or_else(|| spare.next()).unwrap_or_default();
                    blocks.push(Block { mean: d.mean, sigma, tau, phi });
                }
                // Validation runs after the kernel: the kernel's first read of the columns from
                // memory overlaps with its arithmetic, and the check then reads them from cache
                // (kernels never index or panic on invalid values; their outputs for an invalid
                // chunk are discarded with the error).
                self.kernel.eval_all(&sub, &mut blocks);
                if let Err(e) = self.check_chunk(&sub, start) {
                    return Some(e);
                }
                self.flag_into(&sub, flags);
                None
            })
            .collect();
        errors.into_iter().flatten().next().map_or(Ok(()), Err)
    }
}

/// Destination slices of one (IMT, chunk) piece.
struct Dest<'a> {
    mean: &'a mut [f64],
    sigma: Option<&'a mut [f64]>,
    tau: Option<&'a mut [f64]>,
    phi: Option<&'a mut [f64]>,
}
