//! E-step: weighted log-densities, responsibilities and the first-moment statistics of the
//! following M-step, computed over fixed row chunks in parallel.
//!
//! Chunk boundaries are fixed (`CHUNK` rows) and partial sums are reduced in chunk order, so
//! every result is independent of the number of threads.

use crate::covariance::{CovMatrices, log_det_cholesky};
use crate::kernel::{PackedChol, chol_quadratic, weighted_sums};
use ndarray::ArrayView2;
use rayon::prelude::*;

/// Rows per parallel work item.
pub(crate) const CHUNK: usize = 1024;

/// The data matrix of a fit in both layouts: row-major (`n × d`) and transposed (`d × n`,
/// read by the sample-lane kernels). The transpose is made once per fit.
pub(crate) struct Samples<'a> {
    pub x: &'a [f64],
    pub xt: Vec<f64>,
    pub n: usize,
    pub d: usize,
}

impl<'a> Samples<'a> {
    pub fn new(x: &'a [f64], d: usize) -> Self {
        let n = x.len() / d;
        let mut xt = vec![0.0; x.len()];
        // Row blocks keep both the reads and the writes cache-friendly.
        for i0 in (0..n).step_by(64) {
            for i in i0..(i0 + 64).min(n) {
                for (p, &v) in x[i * d..(i + 1) * d].iter().enumerate() {
                    xt[p * n + i] = v;
                }
            }
        }
        Self { x, xt, n, d }
    }
}

/// `ln(2π)`.
const LN_2PI: f64 = 1.837_877_066_409_345_5;

enum Kind {
    Chol(PackedChol),
    /// Expanded diagonal form (as scikit-learn): `Σμ²p − 2·x·(μp) + x²·p`.
    Diag {
        c: Vec<f64>,
        mup: Vec<f64>,
        p: Vec<f64>,
    },
    /// Expanded spherical form: `‖μ‖²p − 2(x·μ)p + ‖x‖²p`.
    Spherical {
        mu2: Vec<f64>,
        means: Vec<f64>,
        p: Vec<f64>,
    },
}

/// Everything needed to evaluate `log π_k + log N(x | θ_k)` for many rows; built once per
/// parameter set (per EM iteration), applied to every chunk.
pub(crate) struct LogProbPlan {
    pub k: usize,
    pub d: usize,
    kind: Kind,
    /// Per-component constant: `−½ d ln 2π` is added separately to keep scikit-learn's order.
    log_det: Vec<f64>,
    /// Variational correction subtracted then added (zero for the plain mixture).
    sub: Vec<f64>,
    add: Vec<f64>,
    log_w: Vec<f64>,
}

impl LogProbPlan {
    /// `means`: `k × d`; `prec_chol`: precision Cholesky factors; `log_w`: log weights (or
    /// expected log weights). `sub`/`add`: per-component corrections (`None` for zeros).
    pub fn new(
        means: ArrayView2<f64>,
        prec_chol: &CovMatrices,
        log_w: Vec<f64>,
        sub: Option<Vec<f64>>,
        add: Option<Vec<f64>>,
    ) -> Self {
        let (k, d) = means.dim();
        let means_flat: Vec<f64> = means.iter().copied().collect();
        let kind = match prec_chol {
            CovMatrices::Full(u) => {
                let u: Vec<f64> = u.iter().copied().collect();
                Kind::Chol(PackedChol::new(&u, &means_flat, d, k, false))
            }
            CovMatrices::Tied(u) => {
                let u: Vec<f64> = u.iter().copied().collect();
                Kind::Chol(PackedChol::new(&u, &means_flat, d, k, true))
            }
            CovMatrices::Diag(u) => {
                let p: Vec<f64> = u.iter().map(|v| v * v).collect();
                let mut c = vec![0.0; k];
                let mut mup = vec![0.0; k * d];
                for comp in 0..k {
                    for j in 0..d {
                        let (m, pj) = (means_flat[comp * d + j], p[comp * d + j]);
                        c[comp] += m * m * pj;
                        mup[comp * d + j] = m * pj;
                    }
                }
                Kind::Diag { c, mup, p }
            }
            CovMatrices::Spherical(u) => {
                let p: Vec<f64> = u.iter().map(|v| v * v).collect();
                let mu2 = (0..k).map(|comp| means_flat[comp * d..(comp + 1) * d].iter().map(|m| m * m).sum()).collect();
                Kind::Spherical { mu2, means: means_flat, p }
            }
        };
        Self {
            k,
            d,
            kind,
            log_det: log_det_cholesky(prec_chol, k, d),
            sub: sub.unwrap_or_else(|| vec![0.0; k]),
            add: add.unwrap_or_else(|| vec![0.0; k]),
            log_w,
        }
    }

    /// Weighted log-probabilities of the `m` samples from `i0` on into `out` (`m × k`).
    pub fn weighted_log_prob(&self, s: &Samples, i0: usize, m: usize, out: &mut [f64]) {
        let (k, d) = (self.k, self.d);
        let x = &s.x[i0 * d..(i0 + m) * d];
        match &self.kind {
            Kind::Chol(pc) => chol_quadratic(pc, &s.xt, s.n, i0, m, out),
            Kind::Diag { c, mup, p } => {
                for (row, o) in x.chunks_exact(d).zip(out.chunks_exact_mut(k)) {
                    for comp in 0..k {
                        let (mut a, mut b) = (0.0, 0.0);
                        for j in 0..d {
                            a += row[j] * mup[comp * d + j];
                            b += row[j] * row[j] * p[comp * d + j];
                        }
                        o[comp] = (c[comp] - 2.0 * a) + b;
                    }
                }
            }
            Kind::Spherical { mu2, means, p } => {
                for (row, o) in x.chunks_exact(d).zip(out.chunks_exact_mut(k)) {
                    let x2: f64 = row.iter().map(|v| v * v).sum();
                    for comp in 0..k {
                        let a: f64 = row.iter().zip(&means[comp * d..(comp + 1) * d]).map(|(x, m)| x * m).sum();
                        o[comp] = (mu2[comp] * p[comp] - 2.0 * (a * p[comp])) + x2 * p[comp];
                    }
                }
            }
        }
        let c0 = d as f64 * LN_2PI;
        for o in out.chunks_exact_mut(k) {
            for comp in 0..k {
                let lp = -0.5 * (c0 + o[comp]) + self.log_det[comp];
                o[comp] = ((lp - self.sub[comp]) + self.add[comp]) + self.log_w[comp];
            }
        }
    }
}

/// `log Σ exp` of one row with the max shift; `-inf` for an all `-inf` row.
pub(crate) fn logsumexp(v: &[f64]) -> f64 {
    let m = v.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    if !m.is_finite() {
        return m;
    }
    m + v.iter().map(|&x| (x - m).exp()).sum::<f64>().ln()
}

/// Sufficient statistics of one E-step.
#[derive(Debug, Clone)]
pub(crate) struct Stats {
    /// `Σ_i r_ik`.
    pub nk: Vec<f64>,
    /// `Σ_i r_ik x_i` (`k × d`).
    pub sx: Vec<f64>,
    /// `Σ_i r_ik x_i²` (`k × d`; empty unless requested).
    pub sx2: Vec<f64>,
    /// `Σ_i log p(x_i)`.
    pub log_norm: f64,
    /// `Σ_ik r_ik log r_ik`.
    pub resp_log_resp: f64,
}

impl Stats {
    fn zeros(k: usize, d: usize, sq: bool) -> Self {
        Self {
            nk: vec![0.0; k],
            sx: vec![0.0; k * d],
            sx2: vec![0.0; if sq { k * d } else { 0 }],
            log_norm: 0.0,
            resp_log_resp: 0.0,
        }
    }

    fn add(mut self, o: &Stats) -> Self {
        let add = |a: &mut Vec<f64>, b: &Vec<f64>| a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
        add(&mut self.nk, &o.nk);
        add(&mut self.sx, &o.sx);
        add(&mut self.sx2, &o.sx2);
        self.log_norm += o.log_norm;
        self.resp_log_resp += o.resp_log_resp;
        self
    }

    /// Accumulate the moments of the `m` samples from `i0` on with their responsibilities
    /// (`m × k`).
    fn accumulate(&mut self, s: &Samples, i0: usize, m: usize, resp: &[f64], k: usize) {
        for r in resp.chunks_exact(k) {
            for (n, &w) in self.nk.iter_mut().zip(r) {
                *n += w;
            }
        }
        weighted_sums(&s.xt, s.n, i0, m, k, resp, &mut self.sx, &mut self.sx2);
    }
}

/// Reduce per-chunk statistics in chunk order.
fn reduce(parts: Vec<Stats>, k: usize, d: usize, sq: bool) -> Stats {
    parts.iter().fold(Stats::zeros(k, d, sq), |acc, p| acc.add(p))
}

/// Turn one row of weighted log-probabilities into responsibilities in place (`e`: scratch of
/// the same length); returns `(log p(x), Σ r log r)`. Responsibilities below the smallest
/// normal number are flushed to zero: they change nothing measurable and subnormal arithmetic
/// is very slow.
#[inline]
fn normalize_row(o: &mut [f64], e: &mut [f64]) -> (f64, f64) {
    let m = o.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    if !m.is_finite() {
        let lse = m;
        o.iter_mut().for_each(|v| *v = f64::NAN);
        return (lse, f64::NAN);
    }
    // One exponential per entry: r = exp(v − m) / Σ exp(v − m).
    let mut s = 0.0;
    for (v, e) in o.iter().zip(e.iter_mut()) {
        let t = v - m;
        *e = if t > -745.2 { t.exp() } else { 0.0 };
        s += *e;
    }
    let lse = m + s.ln();
    let mut ent = 0.0;
    for (v, &e) in o.iter_mut().zip(e.iter()) {
        let r = e / s;
        let r = if r < f64::MIN_POSITIVE { 0.0 } else { r };
        if r > 0.0 {
            ent += r * (*v - lse);
        }
        *v = r;
    }
    (lse, ent)
}

/// E-step over all rows: responsibilities into `resp` (`n × k`), statistics returned.
/// `sq`: also accumulate `Σ r x²` (diag / spherical M-steps).
pub(crate) fn e_step(plan: &LogProbPlan, s: &Samples, resp: &mut [f64], sq: bool) -> Stats {
    let (k, d) = (plan.k, plan.d);
    let parts: Vec<Stats> = resp
        .par_chunks_mut(CHUNK * k)
        .zip(s.x.par_chunks(CHUNK * d))
        .enumerate()
        .map(|(c, (r, xc))| {
            plan.weighted_log_prob(s, c * CHUNK, xc.len() / d, r);
            let mut st = Stats::zeros(k, d, sq);
            let mut e = vec![0.0; k];
            for row in r.chunks_exact_mut(k) {
                let (lse, ent) = normalize_row(row, &mut e);
                st.log_norm += lse;
                st.resp_log_resp += ent;
            }
            st.accumulate(s, c * CHUNK, xc.len() / d, r, k);
            st
        })
        .collect();
    reduce(parts, k, d, sq)
}

/// First moments of given responsibilities (initialisation).
pub(crate) fn moments(s: &Samples, resp: &[f64], k: usize, sq: bool) -> Stats {
    let d = s.d;
    let parts: Vec<Stats> = resp
        .par_chunks(CHUNK * k)
        .enumerate()
        .map(|(c, r)| {
            let mut st = Stats::zeros(k, d, sq);
            st.accumulate(s, c * CHUNK, r.len() / k, r, k);
            st
        })
        .collect();
    reduce(parts, k, d, sq)
}

/// Weighted log-probabilities of every row (`n × k`), in parallel.
pub(crate) fn weighted_log_prob(plan: &LogProbPlan, x: &[f64]) -> Vec<f64> {
    let k = plan.k;
    let s = Samples::new(x, plan.d);
    let mut out = vec![0.0; s.n * k];
    out.par_chunks_mut(CHUNK * k).enumerate().for_each(|(c, o)| plan.weighted_log_prob(&s, c * CHUNK, o.len() / k, o));
    out
}
