//! Variational Bayesian Gaussian mixture (scikit-learn's `BayesianGaussianMixture`): Dirichlet
//! process (stick-breaking) or Dirichlet distribution prior on the weights, Gaussian–Wishart
//! priors on means and precisions.

use crate::covariance::{CovMatrices, CovarianceType, log_det_cholesky, precision_cholesky, precisions_from_cholesky};
use crate::estep::{LogProbPlan, Samples, Stats, e_step, moments};
use crate::gaussian_mixture::{FitReport, FitWarning, InitMethod, initial_resp};
use crate::mstep::{estimate, gram};
use crate::sampling::sample_mixture;
use crate::scoring;
use crate::special::{digamma, ln_beta, ln_gamma};
use crate::validate::{check_matrix, check_nonneg};
use crate::{GmmError, Result};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Prior on the mixture weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum WeightPrior {
    /// Stick-breaking Dirichlet process (default; switches unneeded components off).
    #[default]
    DirichletProcess,
    /// Finite Dirichlet distribution.
    DirichletDistribution,
}

/// Prior on the covariances (`covariance_prior`), in the layout of the covariance type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CovariancePrior {
    /// `d × d` (full and tied).
    Matrix(Array2<f64>),
    /// `d` variances (diag).
    Diagonal(Array1<f64>),
    /// One variance (spherical).
    Scalar(f64),
}

/// Hyperparameters of [`BayesianGaussianMixture`] (defaults of scikit-learn).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BayesianGaussianMixtureParams {
    n_components: usize,
    covariance_type: CovarianceType,
    tol: f64,
    reg_covar: f64,
    max_iter: usize,
    n_init: usize,
    init_method: InitMethod,
    weight_prior: WeightPrior,
    weight_concentration_prior: Option<f64>,
    mean_precision_prior: Option<f64>,
    mean_prior: Option<Array1<f64>>,
    degrees_of_freedom_prior: Option<f64>,
    covariance_prior: Option<CovariancePrior>,
}

macro_rules! setter {
    ($(#[$m:meta])* $name:ident: $t:ty) => {
        $(#[$m])*
        pub fn $name(mut self, v: $t) -> Self {
            self.$name = v;
            self
        }
    };
    ($(#[$m:meta])* opt $name:ident: $t:ty) => {
        $(#[$m])*
        pub fn $name(mut self, v: $t) -> Self {
            self.$name = Some(v);
            self
        }
    };
}

impl BayesianGaussianMixtureParams {
    /// Defaults: full covariances, Dirichlet process, `tol` 1e-3 (on the total ELBO),
    /// `reg_covar` 1e-6, `max_iter` 100, k-means initialisation; priors from the data.
    pub fn new(n_components: usize) -> Self {
        Self {
            n_components,
            covariance_type: CovarianceType::Full,
            tol: 1e-3,
            reg_covar: 1e-6,
            max_iter: 100,
            n_init: 1,
            init_method: InitMethod::KMeans,
            weight_prior: WeightPrior::DirichletProcess,
            weight_concentration_prior: None,
            mean_precision_prior: None,
            mean_prior: None,
            degrees_of_freedom_prior: None,
            covariance_prior: None,
        }
    }
    setter!(/// Covariance structure.
        covariance_type: CovarianceType);
    setter!(/// Stop when the lower bound changes by less than `tol`.
        tol: f64);
    setter!(/// Added to the empirical covariance diagonals.
        reg_covar: f64);
    setter!(/// Maximum iterations per run.
        max_iter: usize);
    setter!(/// Number of initialisations (best lower bound kept).
        n_init: usize);
    setter!(/// Initialisation of the responsibilities.
        init_method: InitMethod);
    setter!(/// Weight prior type.
        weight_prior: WeightPrior);
    setter!(/// Weight concentration (default `1/k`).
        opt weight_concentration_prior: f64);
    setter!(/// Precision prior on the means (default 1).
        opt mean_precision_prior: f64);
    setter!(/// Prior mean (default: the data mean).
        opt mean_prior: Array1<f64>);
    setter!(/// Wishart degrees of freedom (default `d`; must exceed `d − 1`).
        opt degrees_of_freedom_prior: f64);
    setter!(/// Covariance prior (default: the data covariance, ddof 1).
        opt covariance_prior: CovariancePrior);

    fn check_static(&self) -> Result<()> {
        if self.n_components == 0 {
            return Err(GmmError::invalid("n_components", 0, "must be >= 1"));
        }
        if self.n_init == 0 {
            return Err(GmmError::invalid("n_init", 0, "must be >= 1"));
        }
        check_nonneg("tol", self.tol, true)?;
        check_nonneg("reg_covar", self.reg_covar, true)?;
        if let Some(v) = self.weight_concentration_prior {
            check_nonneg("weight_concentration_prior", v, false)?;
        }
        if let Some(v) = self.mean_precision_prior {
            check_nonneg("mean_precision_prior", v, false)?;
        }
        Ok(())
    }

    /// Fit from initial responsibilities drawn by `init_method` (random steps use `rng`).
    pub fn fit<R: Rng + ?Sized>(&self, x: ArrayView2<f64>, rng: &mut R) -> Result<BayesianGaussianMixture> {
        self.fit_impl(x, None, rng)
    }

    /// Fit from given initial responsibilities (`n × k`, rows summing to 1); no random draws.
    pub fn fit_from_responsibilities(
        &self,
        x: ArrayView2<f64>,
        resp: ArrayView2<f64>,
    ) -> Result<BayesianGaussianMixture> {
        let mut never = NoRng;
        self.fit_impl(x, Some(resp), &mut never)
    }

    fn fit_impl<R: Rng + ?Sized>(
        &self,
        x: ArrayView2<f64>,
        resp0: Option<ArrayView2<f64>>,
        rng: &mut R,
    ) -> Result<BayesianGaussianMixture> {
        let x = self.check_data(x)?;
        let (n, d) = x.dim();
        let k = self.n_components;
        let xs = x.as_slice().expect("standard layout");
        let priors = self.priors(x.view())?;
        let ctx = Ctx::new(self, &priors, xs, d);
        let mut best: Option<(VbState, FitReport)> = None;
        let n_init = if resp0.is_some() { 1 } else { self.n_init };
        for _ in 0..n_init {
            let resp: Vec<f64> = match resp0 {
                Some(r) => {
                    if r.dim() != (n, k) {
                        return Err(GmmError::ShapeMismatch {
                            what: "initial responsibilities".into(),
                            expected: format!("{n}×{k}"),
                            got: format!("{}×{}", r.nrows(), r.ncols()),
                        });
                    }
                    check_matrix("initial responsibilities", r)?.iter().copied().collect()
                }
                None => initial_resp(self.init_method, xs, n, d, k, rng)?,
            };
            let st = moments(&ctx.s, &resp, k, ctx.sq());
            let state = ctx.m_step(&resp, &st)?;
            let (state, report) = ctx.run(state, f64::NEG_INFINITY)?;
            if best.as_ref().is_none_or(|(_, b)| report.lower_bound > b.lower_bound) {
                best = Some((state, report));
            }
        }
        let (s, report) = best.expect("n_init >= 1");
        Ok(self.model(s, priors, report, d))
    }

    fn model(&self, s: VbState, priors: Priors, report: FitReport, d: usize) -> BayesianGaussianMixture {
        BayesianGaussianMixture {
            params: self.clone(),
            n_features: d,
            weights: s.weights(),
            precisions: precisions_from_cholesky(&s.prec_chol),
            state: s,
            priors,
            report,
        }
    }

    /// Checks shared by every fit; returns the data in standard layout.
    fn check_data<'a>(&self, x: ArrayView2<'a, f64>) -> Result<ndarray::CowArray<'a, f64, ndarray::Ix2>> {
        self.check_static()?;
        let x = check_matrix("mixture training data", x)?;
        let (n, k) = (x.nrows(), self.n_components);
        if n < k.max(2) {
            return Err(GmmError::TooFewSamples { what: "Bayesian Gaussian mixture", needed: k.max(2), got: n });
        }
        Ok(x)
    }

    fn priors(&self, x: ArrayView2<f64>) -> Result<Priors> {
        let (n, d) = x.dim();
        let k = self.n_components;
        let dof = match self.degrees_of_freedom_prior {
            None => d as f64,
            Some(v) if v.is_finite() && v > d as f64 - 1.0 => v,
            Some(v) => return Err(GmmError::invalid("degrees_of_freedom_prior", v, format!("must be > {}", d - 1))),
        };
        let mean = match &self.mean_prior {
            None => x.mean_axis(Axis(0)).expect("n >= 2"),
            Some(m) if m.len() == d => check_matrix("mean_prior", m.view().insert_axis(Axis(0)))?.row(0).to_owned(),
            Some(m) => return Err(GmmError::FeatureMismatch { expected: d, got: m.len() }),
        };
        let xm = x.mean_axis(Axis(0)).expect("n >= 2");
        let xc = &x - &xm;
        let var: Array1<f64> = xc.mapv(|v| v * v).sum_axis(Axis(0)) / (n - 1) as f64;
        let bad = |what: &str| {
            GmmError::invalid(
                "covariance_prior",
                what,
                format!("does not fit covariance type {:?}", self.covariance_type),
            )
        };
        let cov = match (&self.covariance_prior, self.covariance_type) {
            (None, CovarianceType::Full | CovarianceType::Tied) => {
                CovariancePrior::Matrix(xc.t().dot(&xc) / (n - 1) as f64)
            }
            (None, CovarianceType::Diag) => CovariancePrior::Diagonal(var),
            (None, CovarianceType::Spherical) => CovariancePrior::Scalar(var.mean().unwrap_or(0.0)),
            (Some(CovariancePrior::Matrix(m)), CovarianceType::Full | CovarianceType::Tied) => {
                if m.dim() != (d, d) {
                    return Err(bad(&format!("{}×{} matrix", m.nrows(), m.ncols())));
                }
                check_matrix("covariance_prior", m.view())?;
                seis_core::linalg::cholesky(m.view()).map_err(|_| bad("matrix that is not positive definite"))?;
                CovariancePrior::Matrix(m.clone())
            }
            (Some(CovariancePrior::Diagonal(v)), CovarianceType::Diag) => {
                if v.len() != d || v.iter().any(|&x| !(x.is_finite() && x > 0.0)) {
                    return Err(bad("diagonal of wrong length or with non-positive values"));
                }
                CovariancePrior::Diagonal(v.clone())
            }
            (Some(CovariancePrior::Scalar(v)), CovarianceType::Spherical) => {
                check_nonneg("covariance_prior", *v, false)?;
                CovariancePrior::Scalar(*v)
            }
            (Some(_), _) => return Err(bad("given layout")),
        };
        Ok(Priors {
            weight_concentration: self.weight_concentration_prior.unwrap_or(1.0 / k as f64),
            mean_precision: self.mean_precision_prior.unwrap_or(1.0),
            mean,
            dof,
            cov,
        })
    }
}

/// An RNG for paths that never draw (fits from given responsibilities).
struct NoRng;

impl rand::TryRng for NoRng {
    type Error = std::convert::Infallible;
    fn try_next_u32(&mut self) -> std::result::Result<u32, Self::Error> {
        Ok(0)
    }
    fn try_next_u64(&mut self) -> std::result::Result<u64, Self::Error> {
        Ok(0)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> std::result::Result<(), Self::Error> {
        dst.fill(0);
        Ok(())
    }
}

/// The priors actually used (defaults filled in from the data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Priors {
    /// Weight concentration prior.
    pub weight_concentration: f64,
    /// Mean precision prior β₀.
    pub mean_precision: f64,
    /// Mean prior m₀.
    pub mean: Array1<f64>,
    /// Degrees of freedom prior ν₀.
    pub dof: f64,
    /// Covariance prior Ψ₀.
    pub cov: CovariancePrior,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct VbState {
    prior: WeightPrior,
    /// Dirichlet parameters (distribution) or the first stick-breaking parameters.
    conc_a: Array1<f64>,
    /// Second stick-breaking parameters (empty for the distribution prior).
    conc_b: Array1<f64>,
    mean_precision: Array1<f64>,
    means: Array2<f64>,
    dof: Array1<f64>,
    covariances: CovMatrices,
    prec_chol: CovMatrices,
}

impl VbState {
    fn weights(&self) -> Array1<f64> {
        match self.prior {
            WeightPrior::DirichletDistribution => &self.conc_a / self.conc_a.sum(),
            WeightPrior::DirichletProcess => {
                let k = self.conc_a.len();
                let mut w = Array1::zeros(k);
                let mut prod = 1.0;
                for i in 0..k {
                    let s = self.conc_a[i] + self.conc_b[i];
                    w[i] = self.conc_a[i] / s * prod;
                    prod *= self.conc_b[i] / s;
                }
                let t = w.sum();
                w / t
            }
        }
    }

    fn expected_log_weights(&self) -> Vec<f64> {
        match self.prior {
            WeightPrior::DirichletDistribution => {
                let ds = digamma(self.conc_a.sum());
                self.conc_a.iter().map(|&a| digamma(a) - ds).collect()
            }
            WeightPrior::DirichletProcess => {
                let mut out = Vec::with_capacity(self.conc_a.len());
                let mut cum = 0.0;
                for (&a, &b) in self.conc_a.iter().zip(&self.conc_b) {
                    let dsum = digamma(a + b);
                    out.push(digamma(a) - dsum + cum);
                    cum += digamma(b) - dsum;
                }
                out
            }
        }
    }

    fn plan(&self, d: usize) -> LogProbPlan {
        let df = d as f64;
        let sub: Vec<f64> = self.dof.iter().map(|&v| 0.5 * df * v.ln()).collect();
        let add: Vec<f64> = self
            .dof
            .iter()
            .zip(&self.mean_precision)
            .map(|(&nu, &beta)| {
                let log_lambda = df * 2f64.ln() + (0..d).map(|i| digamma(0.5 * (nu - i as f64))).sum::<f64>();
                0.5 * (log_lambda - df / beta)
            })
            .collect();
        LogProbPlan::new(self.means.view(), &self.prec_chol, self.expected_log_weights(), Some(sub), Some(add))
    }
}

fn log_wishart_norm(dof: f64, log_det_prec_chol: f64, d: usize) -> f64 {
    -(dof * log_det_prec_chol
        + dof * d as f64 * 0.5 * 2f64.ln()
        + (0..d).map(|i| ln_gamma(0.5 * (dof - i as f64))).sum::<f64>())
}

struct Ctx<'a> {
    p: &'a BayesianGaussianMixtureParams,
    pr: &'a Priors,
    s: Samples<'a>,
    n: usize,
    d: usize,
    k: usize,
    gram: Option<Array2<f64>>,
}

impl<'a> Ctx<'a> {
    fn new(p: &'a BayesianGaussianMixtureParams, pr: &'a Priors, x: &'a [f64], d: usize) -> Self {
        let s = Samples::new(x, d);
        let gram = (p.covariance_type == CovarianceType::Tied).then(|| gram(&s));
        Self { p, pr, n: s.n, d, k: p.n_components, gram, s }
    }

    fn sq(&self) -> bool {
        matches!(self.p.covariance_type, CovarianceType::Diag | CovarianceType::Spherical)
    }

    fn m_step(&self, resp: &[f64], st: &Stats) -> Result<VbState> {
        let (d, k) = (self.d, self.k);
        let ct = self.p.covariance_type;
        let est = estimate(&self.s, resp, k, st, ct, self.p.reg_covar, self.gram.as_ref());
        let nk = &est.nk;
        let pr = self.pr;
        let (conc_a, conc_b) = match self.p.weight_prior {
            WeightPrior::DirichletDistribution => (nk.mapv(|v| pr.weight_concentration + v), Array1::zeros(0)),
            WeightPrior::DirichletProcess => {
                let mut b = Array1::zeros(k);
                let mut tail = 0.0;
                for i in (0..k).rev() {
                    b[i] = pr.weight_concentration + tail;
                    tail += nk[i];
                }
                (nk.mapv(|v| 1.0 + v), b)
            }
        };
        let beta = nk.mapv(|v| pr.mean_precision + v);
        let mut means = est.means.clone();
        for c in 0..k {
            for j in 0..d {
                means[[c, j]] = (pr.mean_precision * pr.mean[j] + nk[c] * est.means[[c, j]]) / beta[c];
            }
        }
        let diff = |c: usize| &est.means.row(c) - &pr.mean;
        let (dof, covariances) = match (&est.covariances, &pr.cov) {
            (CovMatrices::Full(sk), CovariancePrior::Matrix(psi)) => {
                let dof = nk.mapv(|v| pr.dof + v);
                let mut cov = sk.clone();
                for c in 0..k {
                    let df = diff(c);
                    let outer = df.view().insert_axis(Axis(1)).dot(&df.view().insert_axis(Axis(0)));
                    let m =
                        psi + &(&sk.index_axis(Axis(0), c) * nk[c]) + &(outer * (nk[c] * pr.mean_precision / beta[c]));
                    cov.index_axis_mut(Axis(0), c).assign(&(m / dof[c]));
                }
                (dof, CovMatrices::Full(cov))
            }
            (CovMatrices::Tied(sk), CovariancePrior::Matrix(psi)) => {
                let total = nk.sum();
                let dof0 = pr.dof + total / k as f64;
                let mut acc = Array2::<f64>::zeros((d, d));
                for c in 0..k {
                    let df = diff(c);
                    let w = nk[c] / beta[c];
                    acc += &(df.view().insert_axis(Axis(1)).dot(&df.view().insert_axis(Axis(0))) * w);
                }
                let cov = (psi + &(sk * total / k as f64) + &(acc * (pr.mean_precision / k as f64))) / dof0;
                (Array1::from_elem(k, dof0), CovMatrices::Tied(cov))
            }
            (CovMatrices::Diag(sk), CovariancePrior::Diagonal(psi)) => {
                let dof = nk.mapv(|v| pr.dof + v);
                let mut cov = sk.clone();
                for c in 0..k {
                    let df = diff(c);
                    let r = pr.mean_precision / beta[c];
                    for j in 0..d {
                        cov[[c, j]] = (psi[j] + nk[c] * (sk[[c, j]] + r * df[j] * df[j])) / dof[c];
                    }
                }
                (dof, CovMatrices::Diag(cov))
            }
            (CovMatrices::Spherical(sk), CovariancePrior::Scalar(psi)) => {
                let dof = nk.mapv(|v| pr.dof + v);
                let cov = Array1::from_shape_fn(k, |c| {
                    let df = diff(c);
                    let msq = df.mapv(|v| v * v).mean().unwrap_or(0.0);
                    (psi + nk[c] * (sk[c] + pr.mean_precision / beta[c] * msq)) / dof[c]
                });
                (dof, CovMatrices::Spherical(cov))
            }
            _ => unreachable!("priors are built for the covariance type"),
        };
        let prec_chol = precision_cholesky(&covariances, self.p.reg_covar)?;
        Ok(VbState {
            prior: self.p.weight_prior,
            conc_a,
            conc_b,
            mean_precision: beta,
            means,
            dof,
            covariances,
            prec_chol,
        })
    }

    fn lower_bound(&self, s: &VbState, resp_log_resp: f64) -> f64 {
        let (d, k) = (self.d, self.k);
        let df = d as f64;
        let ldc = log_det_cholesky(&s.prec_chol, k, d);
        let log_wishart = if self.p.covariance_type == CovarianceType::Tied {
            k as f64 * log_wishart_norm(s.dof[0], ldc[0] - 0.5 * df * s.dof[0].ln(), d)
        } else {
            (0..k).map(|c| log_wishart_norm(s.dof[c], ldc[c] - 0.5 * df * s.dof[c].ln(), d)).sum()
        };
        let log_norm_weight = match s.prior {
            WeightPrior::DirichletProcess => -s.conc_a.iter().zip(&s.conc_b).map(|(&a, &b)| ln_beta(a, b)).sum::<f64>(),
            WeightPrior::DirichletDistribution => {
                ln_gamma(s.conc_a.sum()) - s.conc_a.iter().map(|&a| ln_gamma(a)).sum::<f64>()
            }
        };
        -resp_log_resp - log_wishart - log_norm_weight - 0.5 * df * s.mean_precision.mapv(f64::ln).sum()
    }

    /// VB iterations from `state`; `lb0` is the lower bound to compare the first one with.
    fn run(&self, mut state: VbState, lb0: f64) -> Result<(VbState, FitReport)> {
        let p = self.p;
        let mut resp = vec![0.0; self.n * self.k];
        let mut lb = lb0;
        let mut lbs = Vec::new();
        let mut converged = false;
        let mut change = f64::NAN;
        for _ in 0..p.max_iter {
            let prev = lb;
            let st = e_step(&state.plan(self.d), &self.s, &mut resp, self.sq());
            if !st.log_norm.is_finite() {
                return Err(scoring::non_finite_fit(&state.plan(self.d), &self.s, p.reg_covar));
            }
            state = self.m_step(&resp, &st)?;
            lb = self.lower_bound(&state, st.resp_log_resp);
            lbs.push(lb);
            change = lb - prev;
            if change.abs() < p.tol {
                converged = true;
                break;
            }
        }
        let mut warnings = Vec::new();
        if !converged && p.max_iter > 0 {
            warnings.push(FitWarning::NotConverged { n_iter: lbs.len(), last_change: change });
        }
        Ok((state, FitReport { converged, n_iter: lbs.len(), lower_bound: lb, lower_bounds: lbs, warnings }))
    }
}

/// A fitted variational Gaussian mixture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BayesianGaussianMixture {
    params: BayesianGaussianMixtureParams,
    n_features: usize,
    weights: Array1<f64>,
    precisions: CovMatrices,
    state: VbState,
    priors: Priors,
    report: FitReport,
}

impl BayesianGaussianMixture {
    /// Start building the hyperparameters.
    pub fn params(n_components: usize) -> BayesianGaussianMixtureParams {
        BayesianGaussianMixtureParams::new(n_components)
    }
    /// Expected mixture weights.
    pub fn weights(&self) -> &Array1<f64> {
        &self.weights
    }
    /// Posterior means of the component means (`k × d`).
    pub fn means(&self) -> &Array2<f64> {
        &self.state.means
    }
    /// Covariances (the Wishart scale inverse divided by the degrees of freedom).
    pub fn covariances(&self) -> &CovMatrices {
        &self.state.covariances
    }
    /// Precisions.
    pub fn precisions(&self) -> &CovMatrices {
        &self.precisions
    }
    /// Precision Cholesky factors.
    pub fn precisions_cholesky(&self) -> &CovMatrices {
        &self.state.prec_chol
    }
    /// Weight concentration: `(α, [])` for the Dirichlet distribution, `(a, b)` of the sticks
    /// for the Dirichlet process.
    pub fn weight_concentration(&self) -> (&Array1<f64>, &Array1<f64>) {
        (&self.state.conc_a, &self.state.conc_b)
    }
    /// Posterior precisions β_k of the means.
    pub fn mean_precision(&self) -> &Array1<f64> {
        &self.state.mean_precision
    }
    /// Posterior Wishart degrees of freedom ν_k.
    pub fn degrees_of_freedom(&self) -> &Array1<f64> {
        &self.state.dof
    }
    /// The priors in use.
    pub fn priors(&self) -> &Priors {
        &self.priors
    }
    /// Convergence report (lower bounds are ELBO totals up to a constant, not per sample).
    pub fn report(&self) -> &FitReport {
        &self.report
    }
    /// Whether the kept run converged.
    pub fn converged(&self) -> bool {
        self.report.converged
    }
    /// Hyperparameters.
    pub fn hyperparameters(&self) -> &BayesianGaussianMixtureParams {
        &self.params
    }

    /// Continue the variational iterations from this model on `x` (scikit-learn's
    /// `warm_start`): one run with the stored hyperparameters, priors recomputed from `x` as
    /// scikit-learn does, compared against the previous lower bound.
    pub fn warm_fit(&self, x: ArrayView2<f64>) -> Result<BayesianGaussianMixture> {
        let p = &self.params;
        let x = p.check_data(x)?;
        let d = x.ncols();
        if d != self.n_features {
            return Err(GmmError::FeatureMismatch { expected: self.n_features, got: d });
        }
        let xs = x.as_slice().expect("standard layout");
        let priors = p.priors(x.view())?;
        let ctx = Ctx::new(p, &priors, xs, d);
        let (state, report) = ctx.run(self.state.clone(), self.report.lower_bound)?;
        Ok(p.model(state, priors, report, d))
    }

    /// Draw `n_samples` rows from the mixture with the expected weights, posterior means and
    /// [`covariances`](Self::covariances) (as scikit-learn's `sample`). Returns
    /// `(samples, labels)`.
    pub fn sample<R: Rng + ?Sized>(&self, n_samples: usize, rng: &mut R) -> Result<(Array2<f64>, Array1<usize>)> {
        sample_mixture(&self.weights, &self.state.means, &self.state.covariances, n_samples, rng)
    }

    /// Variational expected `log π_k + log p(x_i | θ_k)` (`n × k`).
    pub fn weighted_log_prob(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        scoring::weighted_log_prob(&self.state.plan(self.n_features), x, self.n_features)
    }
    /// Variational expected log-probability of each row (as scikit-learn's `score_samples`).
    pub fn score_samples(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        Ok(scoring::score_samples(&self.weighted_log_prob(x)?))
    }
    /// Mean of [`score_samples`](Self::score_samples).
    pub fn score(&self, x: ArrayView2<f64>) -> Result<f64> {
        Ok(scoring::score(&self.weighted_log_prob(x)?))
    }
    /// Posterior component probabilities (`n × k`).
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        Ok(scoring::predict_proba(self.weighted_log_prob(x)?))
    }
    /// Most probable component per row.
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<usize>> {
        Ok(scoring::predict(&self.weighted_log_prob(x)?))
    }
}
