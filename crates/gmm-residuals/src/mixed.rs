//! Crossed event + station random-effects model for residuals, fitted by maximum likelihood or
//! REML: r_es = c + δB_e + δS2S_s + δWS_es with δB ~ N(0, τ²), δS2S ~ N(0, φS2S²),
//! δWS ~ N(0, φSS²).
//!
//! The intercept c is profiled out by generalised least squares; V⁻¹ and ln|V| use the Woodbury
//! identity on the (n_events + n_stations) random-effect block, so one likelihood evaluation
//! costs O(q³) with q = n_events + n_stations, independent of the number of records beyond one
//! pass to form the sufficient statistics. Variances are optimised in log scale by Nelder–Mead;
//! standard errors come from the observed information (numerical Hessian) of the variances.

use crate::error::{check_finite, check_len};
use crate::{ResidualsError, Result};
use ndarray::{Array1, Array2, Axis};
use seis_core::linalg;

/// Estimation method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Maximum likelihood.
    Ml,
    /// Restricted (residual) maximum likelihood.
    Reml,
}

/// Fitted crossed random-effects model.
#[derive(Debug, Clone)]
pub struct CrossedFit {
    /// Method used.
    pub method: Method,
    /// Intercept c (mean residual, GLS).
    pub intercept: f64,
    /// Standard error of the intercept.
    pub intercept_se: f64,
    /// Between-event standard deviation τ.
    pub tau: f64,
    /// Site-to-site standard deviation φS2S.
    pub phi_s2s: f64,
    /// Single-station within-event standard deviation φSS.
    pub phi_ss: f64,
    /// Variances (τ², φS2S², φSS²).
    pub variances: [f64; 3],
    /// Standard errors of the variances (observed information).
    pub variances_se: [f64; 3],
    /// Standard errors of (τ, φS2S, φSS) by the delta method.
    pub sd_se: [f64; 3],
    /// Maximised log-likelihood (ML) or restricted log-likelihood (REML).
    pub log_likelihood: f64,
    /// BLUPs of the event terms δB per event index.
    pub event_terms: Vec<f64>,
    /// BLUPs of the station terms δS2S per station index.
    pub station_terms: Vec<f64>,
    /// Likelihood evaluations used by the optimiser.
    pub evaluations: usize,
}

/// Sufficient statistics of the data for the Woodbury evaluation.
struct Stats {
    n: f64,
    ne: usize,
    q: usize,
    ztz: Array2<f64>,
    ztr: Array1<f64>,
    zt1: Array1<f64>,
    rtr: f64,
    sum: f64,
}

impl Stats {
    fn new(r: &[f64], event: &[usize], station: &[usize]) -> Self {
        let ne = event.iter().copied().max().map_or(0, |m| m + 1);
        let ns = station.iter().copied().max().map_or(0, |m| m + 1);
        let q = ne + ns;
        let mut ztz = Array2::zeros((q, q));
        let mut ztr = Array1::zeros(q);
        let mut zt1 = Array1::zeros(q);
        for ((&ri, &e), &s) in r.iter().zip(event).zip(station) {
            let s = ne + s;
            ztz[[e, e]] += 1.0;
            ztz[[s, s]] += 1.0;
            ztz[[e, s]] += 1.0;
            ztz[[s, e]] += 1.0;
            ztr[e] += ri;
            ztr[s] += ri;
            zt1[e] += 1.0;
            zt1[s] += 1.0;
        }
        Stats { n: r.len() as f64, ne, q, ztz, ztr, zt1, rtr: r.iter().map(|v| v * v).sum(), sum: r.iter().sum() }
    }

    /// M = σ²D⁻¹ + ZᵀZ for variances v = (τ², φS2S², φSS²).
    fn m(&self, v: [f64; 3]) -> Array2<f64> {
        let mut m = self.ztz.clone();
        for k in 0..self.q {
            m[[k, k]] += v[2] / if k < self.ne { v[0] } else { v[1] };
        }
        m
    }

    /// (log-likelihood, intercept, 1ᵀV⁻¹1).
    fn loglik(&self, v: [f64; 3], method: Method) -> Result<(f64, f64, f64)> {
        let s2 = v[2];
        let m = self.m(v);
        let mut rhs = Array2::zeros((self.q, 2));
        rhs.column_mut(0).assign(&self.zt1);
        rhs.column_mut(1).assign(&self.ztr);
        // one Cholesky M = L Lᵀ: with y = L⁻¹ [Zᵀ1, Zᵀr], aᵀM⁻¹b = (L⁻¹a)·(L⁻¹b)
        let l = linalg::cholesky(m.view())?;
        let y = linalg::solve_lower_triangular(l.view(), rhs.view())?;
        let (y1, yr) = (y.column(0), y.column(1));
        let one_v_one = (self.n - y1.dot(&y1)) / s2;
        let one_v_r = (self.sum - y1.dot(&yr)) / s2;
        let r_v_r = (self.rtr - yr.dot(&yr)) / s2;
        let c = one_v_r / one_v_one;
        let quad = r_v_r - c * one_v_r;
        let ln_d: f64 = (0..self.q).map(|k| if k < self.ne { v[0].ln() } else { v[1].ln() }).sum();
        let logdet_m: f64 = 2.0 * l.diag().iter().map(|d| d.ln()).sum::<f64>();
        let logdet_v = (self.n - self.q as f64) * s2.ln() + ln_d + logdet_m;
        let ln2pi = (2.0 * std::f64::consts::PI).ln();
        let ll = match method {
            Method::Ml => -0.5 * (self.n * ln2pi + logdet_v + quad),
            Method::Reml => -0.5 * ((self.n - 1.0) * ln2pi + logdet_v + one_v_one.ln() + quad),
        };
        Ok((ll, c, one_v_one))
    }
}

/// Nelder–Mead minimisation of `f` from `x0` (standard coefficients), stopping when the simplex
/// spread of f falls below `ftol` and of x below `xtol`.
fn nelder_mead<F: FnMut(&[f64; 3]) -> f64>(
    mut f: F,
    x0: [f64; 3],
    step: f64,
    max_eval: usize,
) -> ([f64; 3], f64, usize) {
    let mut pts: Vec<([f64; 3], f64)> = Vec::with_capacity(4);
    let f0 = f(&x0);
    pts.push((x0, f0));
    for k in 0..3 {
        let mut x = x0;
        x[k] += step;
        pts.push((x, f(&x)));
    }
    let mut evals = 4;
    while evals < max_eval {
        pts.sort_by(|a, b| a.1.total_cmp(&b.1));
        let fspread = (pts[3].1 - pts[0].1).abs();
        let xspread =
            (1..4).map(|i| (0..3).map(|k| (pts[i].0[k] - pts[0].0[k]).abs()).fold(0.0, f64::max)).fold(0.0, f64::max);
        if fspread < 1e-12 && xspread < 1e-9 {
            break;
        }
        let cen: [f64; 3] = std::array::from_fn(|k| pts[..3].iter().map(|p| p.0[k] / 3.0).sum());
        let along = |t: f64| -> [f64; 3] { std::array::from_fn(|k| cen[k] + t * (pts[3].0[k] - cen[k])) };
        let xr = along(-1.0);
        let fr = f(&xr);
        evals += 1;
        if fr < pts[0].1 {
            let xe = along(-2.0);
            let fe = f(&xe);
            evals += 1;
            pts[3] = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < pts[2].1 {
            pts[3] = (xr, fr);
        } else {
            let (xc, fc) = if fr < pts[3].1 {
                let x = along(-0.5);
                (x, f(&x))
            } else {
                let x = along(0.5);
                (x, f(&x))
            };
            evals += 1;
            if fc < pts[3].1.min(fr) {
                pts[3] = (xc, fc);
            } else {
                let best = pts[0].0;
                for p in pts.iter_mut().skip(1) {
                    p.0 = std::array::from_fn(|k| best[k] + 0.5 * (p.0[k] - best[k]));
                    p.1 = f(&p.0);
                    evals += 1;
                }
            }
        }
    }
    pts.sort_by(|a, b| a.1.total_cmp(&b.1));
    (pts[0].0, pts[0].1, evals)
}

/// Fit the crossed random-effects model to residuals `r` with event and station indices.
pub fn fit_crossed(r: &[f64], event: &[usize], station: &[usize], method: Method) -> Result<CrossedFit> {
    check_finite("residuals", r)?;
    check_len("event", r.len(), event.len())?;
    check_len("station", r.len(), station.len())?;
    let st = Stats::new(r, event, station);
    if st.ne < 2 || st.q - st.ne < 2 {
        return Err(ResidualsError::invalid(
            "groups",
            format!("{} events, {} stations", st.ne, st.q - st.ne),
            "need ≥ 2 events and ≥ 2 stations",
        ));
    }
    if r.len() <= st.q {
        return Err(ResidualsError::invalid("records", r.len(), "need more records than events + stations"));
    }
    let mean = st.sum / st.n;
    let var = (st.rtr / st.n - mean * mean).max(1e-12);
    let x0 = [(var / 3.0).ln(); 3];
    let mut err = None;
    let obj = |x: &[f64; 3]| -> f64 {
        let v = x.map(f64::exp);
        match st.loglik(v, method) {
            Ok((ll, _, _)) => -ll,
            Err(e) => {
                err.get_or_insert(e);
                f64::INFINITY
            }
        }
    };
    // two restarts: Nelder–Mead can stall on flat ridges
    let (x1, _, e1) = nelder_mead(obj, x0, 0.5, 4000);
    let mut err2 = None;
    let obj2 = |x: &[f64; 3]| -> f64 {
        match st.loglik(x.map(f64::exp), method) {
            Ok((ll, _, _)) => -ll,
            Err(e) => {
                err2.get_or_insert(e);
                f64::INFINITY
            }
        }
    };
    let (x, fx, e2) = nelder_mead(obj2, x1, 0.05, 4000);
    if !fx.is_finite() {
        return Err(ResidualsError::Fit(format!("likelihood not finite at the optimum ({err:?} {err2:?})")));
    }
    let v = x.map(f64::exp);
    let (ll, c, one_v_one) = st.loglik(v, method)?;
    // observed information of the variances by central differences of the log-likelihood
    let h: [f64; 3] = v.map(|t| 1e-4 * t);
    let f = |d: [f64; 3]| -> Result<f64> { Ok(st.loglik(std::array::from_fn(|k| v[k] + d[k]), method)?.0) };
    let mut hess = Array2::<f64>::zeros((3, 3));
    for i in 0..3 {
        for j in i..3 {
            let mut pp = [0.0; 3];
            let mut pm = [0.0; 3];
            let mut mp = [0.0; 3];
            let mut mm = [0.0; 3];
            pp[i] += h[i];
            pp[j] += h[j];
            pm[i] += h[i];
            pm[j] -= h[j];
            mp[i] -= h[i];
            mp[j] += h[j];
            mm[i] -= h[i];
            mm[j] -= h[j];
            let d = (f(pp)? - f(pm)? - f(mp)? + f(mm)?) / (4.0 * h[i] * h[j]);
            hess[[i, j]] = -d;
            hess[[j, i]] = -d;
        }
    }
    let cov = linalg::solve(hess.view(), Array2::eye(3).view())
        .map_err(|e| ResidualsError::Fit(format!("information matrix singular: {e}")))?;
    let variances_se: [f64; 3] = std::array::from_fn(|k| cov[[k, k]].max(0.0).sqrt());
    let sd_se = std::array::from_fn(|k| variances_se[k] / (2.0 * v[k].sqrt()));
    // BLUPs from Henderson's equations: (ZᵀZ + σ²D⁻¹) u = Zᵀ(r − c)
    let g = &st.ztr - &(&st.zt1 * c);
    let u = linalg::solve_spd(st.m(v).view(), g.insert_axis(Axis(1)).view())?;
    let u = u.column(0);
    Ok(CrossedFit {
        method,
        intercept: c,
        intercept_se: (1.0 / one_v_one).sqrt(),
        tau: v[0].sqrt(),
        phi_s2s: v[1].sqrt(),
        phi_ss: v[2].sqrt(),
        variances: v,
        variances_se,
        sd_se,
        log_likelihood: ll,
        event_terms: u.iter().take(st.ne).copied().collect(),
        station_terms: u.iter().skip(st.ne).copied().collect(),
        evaluations: e1 + e2,
    })
}
