//! The scattering plan: filters, padding and FFT plans built once per signal length, then applied
//! to any batch.

use std::sync::Arc;

use ndarray::{Array1, Array3, ArrayD, ArrayView1, ArrayViewD, ArrayViewMut2, Axis, IxDyn};
use num_complex::Complex;
use rayon::prelude::*;
use rustfft::{Fft, FftPlanner};
use seis_core::RealFft;

use super::filter_bank::{self, SIGMA0, SparseFilter};
use super::params::Scattering1DParams;
use crate::{Result, ScatterError};

type C64 = Complex<f64>;

/// One family of Morlet band-pass filters (one scattering order), in kymatio's filter order
/// (decreasing centre frequency).
#[derive(Debug, Clone)]
pub struct MorletFamily {
    q: u32,
    xi: Vec<f64>,
    sigma: Vec<f64>,
    j: Vec<u32>,
    /// Level-0 filters on the padded length, numpy FFT order.
    fourier: Vec<Vec<f64>>,
    /// Sparse filters per (filter, level) actually used by the transform (`None` when unused).
    sparse: Vec<Vec<Option<SparseFilter>>>,
}

impl MorletFamily {
    /// Wavelets per octave.
    pub fn q(&self) -> u32 {
        self.q
    }
    /// Number of filters.
    pub fn len(&self) -> usize {
        self.xi.len()
    }
    /// True when the family has no filter.
    pub fn is_empty(&self) -> bool {
        self.xi.is_empty()
    }
    /// Centre frequencies ξ in cycles per sample (decreasing).
    pub fn centres(&self) -> &[f64] {
        &self.xi
    }
    /// Centre frequencies in Hz for a sampling rate.
    pub fn centres_hz(&self, sampling_rate: f64) -> Vec<f64> {
        self.xi.iter().map(|x| x * sampling_rate).collect()
    }
    /// Frequency widths σ (Gaussian standard deviation of the spectrum) in cycles per sample.
    pub fn widths(&self) -> &[f64] {
        &self.sigma
    }
    /// Widths in Hz for a sampling rate.
    pub fn widths_hz(&self, sampling_rate: f64) -> Vec<f64> {
        self.sigma.iter().map(|x| x * sampling_rate).collect()
    }
    /// Maximal dyadic subsampling of every filter.
    pub fn subsamplings(&self) -> &[u32] {
        &self.j
    }
    /// Fourier-domain filter `n` on the padded length (real values, numpy FFT bin order).
    pub fn filter_fourier(&self, n: usize) -> Option<ArrayView1<'_, f64>> {
        self.fourier.get(n).map(|f| ArrayView1::from(f.as_slice()))
    }
    /// Filter `n` periodised for a signal subsampled by `2^level` (kymatio's `levels[level]`).
    pub fn filter_fourier_level(&self, n: usize, level: u32) -> Option<Array1<f64>> {
        let f = self.fourier.get(n)?;
        let periods = 1usize.checked_shl(level)?;
        if periods > f.len() {
            return None;
        }
        Some(Array1::from(filter_bank::periodize(f, periods)))
    }
}

/// Description of one output path (row of the output): its order and, per order, the filter
/// index `n`, subsampling `j`, centre `xi` and width `sigma`.
#[derive(Debug, Clone, PartialEq)]
pub struct PathInfo {
    /// Scattering order (0 for the low-passed signal).
    pub order: usize,
    /// Filter index per order.
    pub n: Vec<usize>,
    /// Maximal subsampling of each filter.
    pub j: Vec<u32>,
    /// Centre frequency of each filter (cycles per sample).
    pub xi: Vec<f64>,
    /// Frequency width of each filter (cycles per sample).
    pub sigma: Vec<f64>,
}

/// One node of the scattering tree, in depth-first (pre-)order.
#[derive(Debug, Clone)]
struct Node {
    order: usize,
    filter: usize,
    /// Level of the parent's modulus (log2 of its subsampling).
    parent_level: u32,
    /// Extra subsampling applied after this node's band-pass filter.
    sub: u32,
    /// Subsampling after the low-pass.
    low_sub: u32,
    row: usize,
}

/// Symmetrised low-pass at one level: `φs[m] = (φ[m] + φ[−m]) / 2` for `m = 0..=w` (the rest is
/// negligible). Only the symmetric part reaches the real part kymatio keeps.
#[derive(Debug, Clone)]
struct LowPass {
    half: Vec<f64>,
}

/// Workspace of one worker thread (allocated once per rayon job, reused for every signal).
struct Work {
    padded: Vec<f64>,
    /// Half spectra per depth: `spec[0]` is the padded input, `spec[d]` the modulus at depth `d`.
    spec: Vec<Vec<C64>>,
    z: Vec<C64>,
    u: Vec<f64>,
    y: Vec<C64>,
    s: Vec<f64>,
    scratch: Vec<C64>,
}

/// A kymatio-compatible 1-D scattering transform planned for one signal length.
///
/// Reproduces kymatio 0.3 `Scattering1D` (NumPy frontend, `out_type='array'`): reflect padding to a
/// power of two, zero-mean Morlet filters with per-filter subsampling, modulus, Gaussian low-pass
/// averaging at scale `T`, paths pruned to `j_m > j_{m−1}`. Orders beyond 2 continue the same
/// rules (child filters of order m use `Q_m`, level = accumulated subsampling of the parent).
///
/// Output rows: order 0, then order 1 in filter order, then order 2 with `n1` outer and `n2`
/// inner, and so on (lexicographic within an order). Values are raw coefficients (no log).
#[derive(Clone)]
pub struct Scattering1D {
    params: Scattering1DParams,
    n: usize,
    n_padded: usize,
    log2_padded: u32,
    pad_left: usize,
    pad_right: usize,
    log2_t: u32,
    ind_start: Vec<usize>,
    ind_end: Vec<usize>,
    final_level: u32,
    families: Vec<MorletFamily>,
    phi: Vec<f64>,
    low: Vec<LowPass>,
    nodes: Vec<Node>,
    paths: Vec<PathInfo>,
    low_sub0: u32,
    /// Inverse complex FFT per log2 length.
    ifft: Vec<Arc<dyn Fft<f64>>>,
    /// Real FFT plans per log2 length.
    rfft: Vec<RealFft<f64>>,
    scratch_len: usize,
}

impl std::fmt::Debug for Scattering1D {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scattering1D")
            .field("params", &self.params)
            .field("n", &self.n)
            .field("n_padded", &self.n_padded)
            .field("n_paths", &self.paths.len())
            .field("frames", &self.frames())
            .finish()
    }
}

fn floor_log2(x: usize) -> u32 {
    usize::BITS - 1 - x.leading_zeros()
}

fn ceil_log2(x: usize) -> u32 {
    if x <= 1 { 0 } else { floor_log2(x - 1) + 1 }
}

impl Scattering1D {
    /// Plan for signals of `n` samples (see [`Scattering1DParams::plan`]).
    pub fn new(params: Scattering1DParams, n: usize) -> Result<Self> {
        params.validate(n)?;
        let mut planner = FftPlanner::<f64>::new();
        let t = params.t_or_default();
        let log2_t = floor_log2(t);

        // Padding: three times the support of the low-pass at the input length.
        let phi_input = filter_bank::morlet_1d(n, None, SIGMA0 / t as f64, &mut planner);
        let min_to_pad = 3 * filter_bank::temporal_support(&phi_input, 1e-3, &mut planner);
        let j_max_support = floor_log2(3 * n - 2);
        let log2_padded = ceil_log2(n + 2 * min_to_pad).min(j_max_support);
        let n_padded = 1usize << log2_padded;
        let pad_left = (n_padded - n) / 2;
        let pad_right = n_padded - n - pad_left;
        if pad_left.max(pad_right) >= n {
            return Err(ScatterError::invalid(
                "n",
                n,
                format!("padding {pad_left}+{pad_right} to {n_padded} samples would exceed the signal length"),
            ));
        }
        let max_level = log2_t.max(params.j).max(log2_padded) as usize;
        let (mut ind_start, mut ind_end) = (vec![pad_left], vec![pad_left + n]);
        for k in 1..=max_level {
            let (s, e) = (ind_start[k - 1], ind_end[k - 1]);
            ind_start.push(s / 2 + s % 2);
            ind_end.push(e / 2 + e % 2);
        }

        // Filter families per order.
        let sigma_min = SIGMA0 / 2f64.powi(params.j as i32);
        let mut families = Vec::with_capacity(params.max_order);
        for order in 1..=params.max_order {
            let q = params.q_of_order(order);
            let (xi, sigma, j) = filter_bank::filterbank_params(sigma_min, q);
            let fourier = xi
                .iter()
                .zip(&sigma)
                .map(|(&x, &s)| filter_bank::morlet_1d(n_padded, Some(x), s, &mut planner))
                .collect();
            let sparse = vec![Vec::new(); xi.len()];
            families.push(MorletFamily { q, xi, sigma, j, fourier, sparse });
        }
        let phi = filter_bank::morlet_1d(n_padded, None, SIGMA0 / t as f64, &mut planner);

        let os = params.oversampling;
        let mut plan = Self {
            n,
            n_padded,
            log2_padded,
            pad_left,
            pad_right,
            log2_t,
            ind_start,
            ind_end,
            final_level: 0,
            families,
            phi,
            low: Vec::new(),
            nodes: Vec::new(),
            paths: Vec::new(),
            low_sub0: log2_t.saturating_sub(os),
            ifft: Vec::new(),
            rfft: Vec::new(),
            scratch_len: 0,
            params,
        };
        plan.build_tree();
        plan.final_level = plan.low_sub0;
        plan.build_filters();
        plan.build_ffts(&mut planner)?;
        Ok(plan)
    }

    /// Enumerate the paths depth first and assign output rows (lexicographic within each order).
    fn build_tree(&mut self) {
        let os = self.params.oversampling;
        let log2_t = self.log2_t;
        let mut per_order: Vec<Vec<(Vec<usize>, usize)>> = vec![Vec::new(); self.params.max_order + 1];
        let mut nodes = Vec::new();
        struct Ctx<'a> {
            fams: &'a [MorletFamily],
            log2_t: u32,
            os: u32,
        }
        impl Ctx<'_> {
            /// Children of a node at `parent_level` whose last filter has subsampling `parent_j`.
            fn visit(
                &self,
                order: usize,
                parent_level: u32,
                parent_j: Option<u32>,
                path: &mut Vec<usize>,
                nodes: &mut Vec<(Node, Vec<usize>)>,
            ) {
                if order > self.fams.len() {
                    return;
                }
                for (n, &j) in self.fams[order - 1].j.iter().enumerate() {
                    if parent_j.is_some_and(|pj| j <= pj) {
                        continue;
                    }
                    let sub = (j.min(self.log2_t) as i64 - parent_level as i64 - self.os as i64).max(0) as u32;
                    let level = parent_level + sub;
                    let low_sub = (self.log2_t as i64 - level as i64 - self.os as i64).max(0) as u32;
                    path.push(n);
                    nodes.push((Node { order, filter: n, parent_level, sub, low_sub, row: 0 }, path.clone()));
                    self.visit(order + 1, level, Some(j), path, nodes);
                    path.pop();
                }
            }
        }
        let mut tmp = Vec::new();
        Ctx { fams: &self.families, log2_t, os }.visit(1, 0, None, &mut Vec::new(), &mut tmp);
        for (i, (node, path)) in tmp.iter().enumerate() {
            per_order[node.order].push((path.clone(), i));
        }
        // Rows: order 0 first, then each order in depth-first (= lexicographic) order.
        let mut paths = vec![PathInfo { order: 0, n: vec![], j: vec![], xi: vec![], sigma: vec![] }];
        let mut rows = vec![0usize; tmp.len()];
        for (order, list) in per_order.iter().enumerate().skip(1) {
            for (path, i) in list {
                rows[*i] = paths.len();
                let fams = &self.families;
                paths.push(PathInfo {
                    order,
                    n: path.clone(),
                    j: path.iter().enumerate().map(|(o, &n)| fams[o].j[n]).collect(),
                    xi: path.iter().enumerate().map(|(o, &n)| fams[o].xi[n]).collect(),
                    sigma: path.iter().enumerate().map(|(o, &n)| fams[o].sigma[n]).collect(),
                });
            }
        }
        for (i, (mut node, _)) in tmp.into_iter().enumerate() {
            node.row = rows[i];
            nodes.push(node);
        }
        self.nodes = nodes;
        self.paths = paths;
    }

    /// Sparse band-pass filters at every level the tree uses, and the symmetrised low-pass at
    /// every level.
    fn build_filters(&mut self) {
        for node in &self.nodes {
            let fam = &mut self.families[node.order - 1];
            let levels = &mut fam.sparse[node.filter];
            let lvl = node.parent_level as usize;
            if levels.len() <= lvl {
                levels.resize(lvl + 1, None);
            }
            if levels[lvl].is_none() {
                let h = filter_bank::periodize(&fam.fourier[node.filter], 1 << lvl);
                levels[lvl] = Some(SparseFilter::new(&h));
            }
        }
        let max_level = self.nodes.iter().map(|n| n.parent_level + n.sub).max().unwrap_or(0).max(self.log2_t);
        self.low = (0..=max_level.min(self.log2_padded))
            .map(|lvl| {
                let h = filter_bank::periodize(&self.phi, 1 << lvl);
                let m = h.len();
                let sym: Vec<f64> = (0..=m / 2).map(|k| 0.5 * (h[k] + h[(m - k) % m])).collect();
                let max = sym.iter().fold(0.0f64, |a, v| a.max(v.abs()));
                let w = sym.iter().rposition(|v| v.abs() > 1e-15 * max).unwrap_or(0);
                LowPass { half: sym[..=w].to_vec() }
            })
            .collect();
    }

    fn build_ffts(&mut self, planner: &mut FftPlanner<f64>) -> Result<()> {
        let mut scratch = 0usize;
        for k in 0..=self.log2_padded {
            let len = 1usize << k;
            let f = planner.plan_fft_inverse(len);
            scratch = scratch.max(f.get_inplace_scratch_len());
            self.ifft.push(f);
            let r = RealFft::<f64>::new(len)?;
            scratch = scratch.max(r.make_scratch().len());
            self.rfft.push(r);
        }
        self.scratch_len = scratch;
        Ok(())
    }

    /// Input length this plan was built for.
    pub fn signal_len(&self) -> usize {
        self.n
    }
    /// Padded length (a power of two).
    pub fn padded_len(&self) -> usize {
        self.n_padded
    }
    /// Reflect padding added on the left and on the right.
    pub fn padding(&self) -> (usize, usize) {
        (self.pad_left, self.pad_right)
    }
    /// `⌊log2 T⌋`.
    pub fn log2_t(&self) -> u32 {
        self.log2_t
    }
    /// The hyperparameters.
    pub fn params(&self) -> &Scattering1DParams {
        &self.params
    }
    /// Band-pass family of `order` (1-based).
    pub fn family(&self, order: usize) -> Option<&MorletFamily> {
        self.families.get(order.wrapping_sub(1))
    }
    /// Low-pass φ in the Fourier domain on the padded length.
    pub fn lowpass_fourier(&self) -> ArrayView1<'_, f64> {
        ArrayView1::from(self.phi.as_slice())
    }
    /// One entry per output row.
    pub fn paths(&self) -> &[PathInfo] {
        &self.paths
    }
    /// Number of output rows (paths of all orders, order 0 included).
    pub fn n_paths(&self) -> usize {
        self.paths.len()
    }
    /// Number of paths of each order 0..=max_order.
    pub fn paths_per_order(&self) -> Vec<usize> {
        let mut c = vec![0usize; self.params.max_order + 1];
        self.paths.iter().for_each(|p| c[p.order] += 1);
        c
    }
    /// Number of output frames per path.
    pub fn frames(&self) -> usize {
        let l = self.final_level as usize;
        self.ind_end[l] - self.ind_start[l]
    }
    /// Output shape for an input of shape `batch × n`: `batch × n_paths × frames`.
    pub fn output_shape(&self, batch: &[usize]) -> Vec<usize> {
        let mut s = batch.to_vec();
        s.push(self.n_paths());
        s.push(self.frames());
        s
    }

    fn work(&self) -> Work {
        let half = self.n_padded / 2 + 1;
        Work {
            padded: vec![0.0; self.n_padded],
            spec: vec![vec![C64::default(); half]; self.params.max_order + 1],
            z: vec![C64::default(); self.n_padded],
            u: vec![0.0; self.n_padded],
            y: vec![C64::default(); self.n_padded],
            s: vec![0.0; self.n_padded],
            scratch: vec![C64::default(); self.scratch_len],
        }
    }

    /// Scatter a batch of any leading shape: input `(…, n)`, output `(…, n_paths, frames)`.
    ///
    /// Signals are processed in parallel (rayon); each result depends only on its own signal, so
    /// the output does not depend on the number of threads. Errors: wrong length
    /// ([`ScatterError::ShapeMismatch`]), empty batch ([`ScatterError::Empty`]), NaN/Inf
    /// ([`ScatterError::NonFinite`] naming the signal and sample).
    pub fn transform(&self, x: ArrayViewD<'_, f64>) -> Result<ArrayD<f64>> {
        let shape = x.shape().to_vec();
        let Some((&n, batch)) = shape.split_last() else {
            return Err(ScatterError::ShapeMismatch {
                what: "scattering input".into(),
                expected: format!("(…, {})", self.n),
                got: "a 0-d array".into(),
            });
        };
        if n != self.n {
            return Err(ScatterError::ShapeMismatch {
                what: "signal length (last axis) of the scattering input".into(),
                expected: self.n.to_string(),
                got: n.to_string(),
            });
        }
        let b: usize = batch.iter().product();
        if b == 0 {
            return Err(ScatterError::Empty { what: "scattering batch" });
        }
        let x2 = x.to_shape((b, n)).map_err(|e| ScatterError::ShapeMismatch {
            what: "scattering input".into(),
            expected: format!("(…, {n})"),
            got: e.to_string(),
        })?;
        for (i, row) in x2.outer_iter().enumerate() {
            if let Some((k, &v)) = row.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                return Err(ScatterError::NonFinite { what: format!("signal {i} of the batch"), index: k, value: v });
            }
        }
        let mut out = Array3::<f64>::zeros((b, self.n_paths(), self.frames()));
        out.axis_iter_mut(Axis(0))
            .into_par_iter()
            .zip(x2.axis_iter(Axis(0)).into_par_iter())
            .for_each_init(|| self.work(), |w, (o, xi)| self.scatter_one(xi, o, w));
        let out_shape = self.output_shape(batch);
        Ok(out.into_shape_with_order(IxDyn(&out_shape)).expect("element count matches by construction"))
    }

    /// Scatter one signal into `out` (`n_paths × frames`).
    fn scatter_one(&self, x: ArrayView1<'_, f64>, mut out: ArrayViewMut2<'_, f64>, w: &mut Work) {
        let (n, pl, np) = (self.n, self.pad_left, self.n_padded);
        // numpy 'reflect' padding (edge sample not repeated).
        for (i, v) in x.iter().enumerate() {
            w.padded[pl + i] = *v;
        }
        for i in 0..pl {
            w.padded[pl - 1 - i] = x[i + 1];
        }
        for i in 0..self.pad_right {
            w.padded[pl + n + i] = x[n - 2 - i];
        }
        let lp = self.log2_padded as usize;
        self.rfft[lp]
            .forward_into(&mut w.padded, &mut w.spec[0][..np / 2 + 1], &mut w.scratch)
            .expect("buffer sizes fixed by the plan");
        // Order 0.
        self.lowpass(0, 0, self.low_sub0, out.row_mut(0).into_slice().expect("rows are contiguous"), w);
        for node in &self.nodes {
            let (parents, children) = w.spec.split_at_mut(node.order);
            let parent = &parents[node.order - 1];
            let child = &mut children[0];
            let m_parent = np >> node.parent_level;
            let m_child = m_parent >> node.sub;
            let filt = self.families[node.order - 1].sparse[node.filter][node.parent_level as usize]
                .as_ref()
                .expect("filters built for every level the tree uses");
            // Band-pass in Fourier, then subsample (mean over 2^sub blocks = aliasing sum).
            let z = &mut w.z[..m_child];
            z.iter_mut().for_each(|v| *v = C64::default());
            bandpass_subsample(parent, m_parent, filt, z);
            let lc = floor_log2(m_child) as usize;
            self.ifft[lc].process_with_scratch(z, &mut w.scratch);
            // |ifft| with numpy's 1/m_child and the 1/2^sub of the block mean.
            let scale = 1.0 / m_parent as f64;
            let u = &mut w.u[..m_child];
            // sqrt(re² + im²) rather than hypot: 3× faster, and the values stay far from overflow.
            u.iter_mut().zip(z.iter()).for_each(|(u, z)| *u = z.norm_sqr().sqrt() * scale);
            self.rfft[lc]
                .forward_into(u, &mut child[..m_child / 2 + 1], &mut w.scratch)
                .expect("buffer sizes fixed by the plan");
            let level = node.parent_level + node.sub;
            let row = out.row_mut(node.row);
            self.lowpass(node.order, level, node.low_sub, row.into_slice().expect("rows are contiguous"), w);
        }
    }

    /// Low-pass the half spectrum `w.spec[depth]` (at `level`), subsample by `2^sub`, inverse FFT and
    /// unpad into `out`.
    fn lowpass(&self, depth: usize, level: u32, sub: u32, out: &mut [f64], w: &mut Work) {
        let m = self.n_padded >> level;
        let m_out = m >> sub;
        let spec = &w.spec[depth];
        let y = &mut w.y[..m_out];
        y.iter_mut().for_each(|v| *v = C64::default());
        let mask = m_out - 1;
        let phi = &self.low[level as usize].half;
        for (k, &p) in phi.iter().enumerate() {
            let h = spec[k] * p;
            y[k & mask] += h;
            let neg = m - k;
            if k > 0 && neg != k {
                y[neg & mask] += h.conj();
            }
        }
        let scale = 1.0 / (1usize << sub) as f64;
        let yh = &mut y[..m_out / 2 + 1];
        yh.iter_mut().for_each(|v| *v *= scale);
        let lo = floor_log2(m_out) as usize;
        let s = &mut w.s[..m_out];
        self.rfft[lo].inverse_into(yh, s, &mut w.scratch).expect("buffer sizes fixed by the plan");
        let fl = (level + sub) as usize;
        let (a, b) = (self.ind_start[fl], self.ind_end[fl]);
        out.copy_from_slice(&s[a..b]);
    }
}

/// `z[i mod len(z)] += X[i]·ψ[i]` over the filter's window, where `X` is the full Hermitian
/// spectrum (length `m`) given by its half `parent`. The window is split into runs of positive and
/// negative frequencies so that the inner loops have no branches.
fn bandpass_subsample(parent: &[C64], m: usize, filt: &SparseFilter, z: &mut [C64]) {
    let half = m / 2;
    let mask = z.len() - 1;
    let mut k = 0usize; // position in filt.values
    let mut idx = filt.start;
    let total = filt.values.len();
    while k < total {
        // Run up to the end of the positive half, the end of the spectrum, or the window.
        let end = if idx <= half { half + 1 } else { m };
        let run = (end - idx).min(total - k);
        let vals = &filt.values[k..k + run];
        if idx <= half {
            for (t, &v) in vals.iter().enumerate() {
                let i = idx + t;
                z[i & mask] += parent[i] * v;
            }
        } else {
            for (t, &v) in vals.iter().enumerate() {
                let i = idx + t;
                z[i & mask] += parent[m - i].conj() * v;
            }
        }
        k += run;
        idx += run;
        if idx == m {
            idx = 0;
        }
    }
}
