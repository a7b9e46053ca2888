//! Gaussian mixture model fitted by expectation–maximisation (scikit-learn's `GaussianMixture`).

use crate::covariance::{
    CovMatrices, CovarianceType, covariances_from_cholesky, precision_cholesky, precision_cholesky_from_precisions,
    precisions_from_cholesky,
};
use crate::estep::{LogProbPlan, Samples, e_step, moments};
use crate::kmeans::{KMeans, kmeans_plusplus};
use crate::mstep::{estimate, gram};
use crate::sampling::sample_mixture;
use crate::scoring;
use crate::validate::{check_matrix, check_nonneg};
use crate::{GmmError, Result};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

/// How the initial responsibilities are drawn when not all of weights, means and precisions
/// are given (scikit-learn's `init_params`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum InitMethod {
    /// One-hot responsibilities from a k-means fit (k-means++ seeding, one run).
    #[default]
    KMeans,
    /// One-hot responsibilities on the `k` rows chosen by k-means++ seeding only.
    KMeansPlusPlus,
    /// Uniform random responsibilities, normalised per row.
    Random,
    /// One-hot responsibilities on `k` distinct random rows.
    RandomFromData,
}

/// Something worth knowing about a fit that is not an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FitWarning {
    /// The best run stopped at `max_iter` before `|Δ lower bound| < tol`.
    NotConverged {
        /// Iterations run.
        n_iter: usize,
        /// Last change of the lower bound.
        last_change: f64,
    },
    /// A component holds (almost) no data or has collapsed onto a point: its covariance is
    /// determined by `reg_covar`.
    ComponentCollapsed {
        /// Component index.
        component: usize,
        /// Effective number of samples `n_k`.
        effective_samples: f64,
        /// Smallest variance on the covariance diagonal.
        min_variance: f64,
    },
}

/// Outcome of the EM iterations of the kept run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitReport {
    /// `|Δ lower bound| < tol` was reached.
    pub converged: bool,
    /// EM iterations run.
    pub n_iter: usize,
    /// Final lower bound (mean log-likelihood, evaluated before the last M-step).
    pub lower_bound: f64,
    /// Lower bound of every iteration.
    pub lower_bounds: Vec<f64>,
    /// Non-fatal findings.
    pub warnings: Vec<FitWarning>,
}

/// Hyperparameters of [`GaussianMixture`] (linfa-style builder; [`check`](Self::check) validates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GaussianMixtureParams {
    pub(crate) n_components: usize,
    pub(crate) covariance_type: CovarianceType,
    pub(crate) tol: f64,
    pub(crate) reg_covar: f64,
    pub(crate) max_iter: usize,
    pub(crate) n_init: usize,
    pub(crate) init_method: InitMethod,
    pub(crate) weights_init: Option<Array1<f64>>,
    pub(crate) means_init: Option<Array2<f64>>,
    pub(crate) precisions_init: Option<CovMatrices>,
}

/// Validated [`GaussianMixtureParams`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GaussianMixtureValidParams(pub(crate) GaussianMixtureParams);

impl GaussianMixtureParams {
    /// scikit-learn defaults: full covariances, `tol` 1e-3, `reg_covar` 1e-6, `max_iter` 100,
    /// `n_init` 1, k-means initialisation.
    pub fn new(n_components: usize) -> Self {
        Self {
            n_components,
            covariance_type: CovarianceType::Full,
            tol: 1e-3,
            reg_covar: 1e-6,
            max_iter: 100,
            n_init: 1,
            init_method: InitMethod::KMeans,
            weights_init: None,
            means_init: None,
            precisions_init: None,
        }
    }
    /// Covariance structure.
    pub fn covariance_type(mut self, ct: CovarianceType) -> Self {
        self.covariance_type = ct;
        self
    }
    /// Stop when the lower bound changes by less than `tol` (0: run `max_iter` iterations).
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }
    /// Added to the covariance diagonals (keeps them positive definite).
    pub fn reg_covar(mut self, reg: f64) -> Self {
        self.reg_covar = reg;
        self
    }
    /// Maximum EM iterations per run (0: only initialise).
    pub fn max_iter(mut self, n: usize) -> Self {
        self.max_iter = n;
        self
    }
    /// Number of initialisations; the run with the best lower bound is kept.
    pub fn n_init(mut self, n: usize) -> Self {
        self.n_init = n;
        self
    }
    /// Initialisation of the responsibilities.
    pub fn init_method(mut self, m: InitMethod) -> Self {
        self.init_method = m;
        self
    }
    /// Initial weights (`k`, in [0, 1], summing to 1).
    pub fn weights_init(mut self, w: Array1<f64>) -> Self {
        self.weights_init = Some(w);
        self
    }
    /// Initial means (`k × d`).
    pub fn means_init(mut self, m: Array2<f64>) -> Self {
        self.means_init = Some(m);
        self
    }
    /// Initial precisions (inverse covariances) in the layout of the covariance type.
    pub fn precisions_init(mut self, p: CovMatrices) -> Self {
        self.precisions_init = Some(p);
        self
    }

    /// Validate everything that does not depend on the data.
    pub fn check(self) -> Result<GaussianMixtureValidParams> {
        let k = self.n_components;
        if k == 0 {
            return Err(GmmError::invalid("n_components", 0, "must be >= 1"));
        }
        check_nonneg("tol", self.tol, true)?;
        check_nonneg("reg_covar", self.reg_covar, true)?;
        if self.n_init == 0 {
            return Err(GmmError::invalid("n_init", 0, "must be >= 1"));
        }
        if let Some(w) = &self.weights_init {
            if w.len() != k {
                return Err(GmmError::ShapeMismatch {
                    what: "weights_init".into(),
                    expected: k.to_string(),
                    got: w.len().to_string(),
                });
            }
            crate::validate::check_matrix("weights_init", w.view().insert_axis(Axis(0)))?;
            if w.iter().any(|&v| !(0.0..=1.0).contains(&v)) {
                return Err(GmmError::invalid("weights_init", format!("{w}"), "every weight must lie in [0, 1]"));
            }
            if (1.0 - w.sum()).abs() > 1e-8 {
                return Err(GmmError::invalid("weights_init", format!("sum {}", w.sum()), "weights must sum to 1"));
            }
        }
        if let Some(m) = &self.means_init {
            if m.nrows() != k {
                return Err(GmmError::ShapeMismatch {
                    what: "means_init rows".into(),
                    expected: k.to_string(),
                    got: m.nrows().to_string(),
                });
            }
            check_matrix("means_init", m.view())?;
        }
        if let Some(p) = &self.precisions_init {
            if p.covariance_type() != self.covariance_type {
                return Err(GmmError::invalid(
                    "precisions_init",
                    format!("{:?}", p.covariance_type()),
                    format!("must match covariance_type {:?}", self.covariance_type),
                ));
            }
            if let Some((i, &v)) = p.values().enumerate().find(|(_, v)| !v.is_finite()) {
                return Err(GmmError::NonFinite { what: "precisions_init".into(), index: i, value: v });
            }
            if let CovMatrices::Diag(_) | CovMatrices::Spherical(_) = p
                && let Some(v) = p.values().find(|&&v| v <= 0.0)
            {
                return Err(GmmError::invalid("precisions_init", v, "must be > 0"));
            }
        }
        Ok(GaussianMixtureValidParams(self))
    }

    /// Validate and fit (see [`GaussianMixtureValidParams::fit`]).
    pub fn fit<R: Rng + ?Sized>(self, x: ArrayView2<f64>, rng: &mut R) -> Result<GaussianMixture> {
        self.check()?.fit(x, rng)
    }
}

/// Parameters during EM.
#[derive(Clone)]
pub(crate) struct State {
    pub weights: Array1<f64>,
    pub means: Array2<f64>,
    pub covariances: Option<CovMatrices>,
    pub prec_chol: CovMatrices,
    pub nk: Option<Array1<f64>>,
}

impl State {
    fn plan(&self) -> LogProbPlan {
        LogProbPlan::new(self.means.view(), &self.prec_chol, self.weights.iter().map(|w| w.ln()).collect(), None, None)
    }
}

/// Initial one-hot or random responsibilities (`n × k`, row-major).
pub(crate) fn initial_resp<R: Rng + ?Sized>(
    method: InitMethod,
    x: &[f64],
    n: usize,
    d: usize,
    k: usize,
    rng: &mut R,
) -> Result<Vec<f64>> {
    let mut resp = vec![0.0; n * k];
    match method {
        InitMethod::KMeans => {
            let xv = ArrayView2::from_shape((n, d), x).expect("n × d");
            let km = KMeans::params(k).n_init(1).fit(xv, rng)?;
            for (i, &l) in km.labels().iter().enumerate() {
                resp[i * k + l] = 1.0;
            }
        }
        InitMethod::KMeansPlusPlus => {
            for (c, i) in kmeans_plusplus(x, d, k, rng).into_iter().enumerate() {
                resp[i * k + c] = 1.0;
            }
        }
        InitMethod::Random => {
            for row in resp.chunks_exact_mut(k) {
                row.iter_mut().for_each(|v| *v = rng.random::<f64>());
                let s: f64 = row.iter().sum();
                row.iter_mut().for_each(|v| *v /= s);
            }
        }
        InitMethod::RandomFromData => {
            for (c, i) in rand::seq::index::sample(rng, n, k).into_iter().enumerate() {
                resp[i * k + c] = 1.0;
            }
        }
    }
    Ok(resp)
}

/// The data prepared once per fit.
pub(crate) struct Data<'a> {
    pub s: Samples<'a>,
    pub n: usize,
    pub d: usize,
    pub gram: Option<Array2<f64>>,
}

impl<'a> Data<'a> {
    fn new(x: &'a [f64], d: usize, tied: bool) -> Self {
        let s = Samples::new(x, d);
        let gram = tied.then(|| gram(&s));
        Self { n: s.n, d, s, gram }
    }
}

impl GaussianMixtureValidParams {
    fn sq(&self) -> bool {
        matches!(self.0.covariance_type, CovarianceType::Diag | CovarianceType::Spherical)
    }

    fn m_step(&self, data: &Data, resp: &[f64], st: &crate::estep::Stats) -> Result<State> {
        let p = &self.0;
        let est = estimate(&data.s, resp, p.n_components, st, p.covariance_type, p.reg_covar, data.gram.as_ref());
        let prec_chol = precision_cholesky(&est.covariances, p.reg_covar)?;
        let total = est.nk.sum();
        Ok(State {
            weights: &est.nk / total,
            means: est.means,
            covariances: Some(est.covariances),
            prec_chol,
            nk: Some(est.nk),
        })
    }

    fn initialize<R: Rng + ?Sized>(&self, data: &Data, rng: &mut R) -> Result<State> {
        let p = &self.0;
        let k = p.n_components;
        if let (Some(w), Some(m), Some(pr)) = (&p.weights_init, &p.means_init, &p.precisions_init) {
            return Ok(State {
                weights: w.clone(),
                means: m.clone(),
                covariances: None,
                prec_chol: precision_cholesky_from_precisions(pr)?,
                nk: None,
            });
        }
        let resp = initial_resp(p.init_method, data.s.x, data.n, data.d, k, rng)?;
        let st = moments(&data.s, &resp, k, self.sq());
        let est = estimate(&data.s, &resp, k, &st, p.covariance_type, p.reg_covar, data.gram.as_ref());
        let weights = p.weights_init.clone().unwrap_or_else(|| &est.nk / data.n as f64);
        let means = p.means_init.clone().unwrap_or(est.means);
        let (covariances, prec_chol) = match &p.precisions_init {
            Some(pr) => (None, precision_cholesky_from_precisions(pr)?),
            None => {
                let pc = precision_cholesky(&est.covariances, p.reg_covar)?;
                (Some(est.covariances), pc)
            }
        };
        Ok(State { weights, means, covariances, prec_chol, nk: Some(est.nk) })
    }

    fn check_data<'a>(&self, x: ArrayView2<'a, f64>) -> Result<ndarray::CowArray<'a, f64, ndarray::Ix2>> {
        let p = &self.0;
        let x = check_matrix("mixture training data", x)?;
        let (n, d) = x.dim();
        if n < p.n_components.max(2) {
            return Err(GmmError::TooFewSamples { what: "Gaussian mixture", needed: p.n_components.max(2), got: n });
        }
        let check_d = |what: &str, got: usize| {
            if got != d {
                Err(GmmError::FeatureMismatch { expected: d, got }).map_err(|e| annotate(e, what))
            } else {
                Ok(())
            }
        };
        if let Some(m) = &p.means_init {
            check_d("means_init", m.ncols())?;
        }
        if let Some(pr) = &p.precisions_init {
            let expected = CovMatrices::expected_shape(p.covariance_type, p.n_components, d);
            if pr.shape() != expected {
                return Err(GmmError::ShapeMismatch {
                    what: "precisions_init".into(),
                    expected: format!("{expected:?}"),
                    got: format!("{:?}", pr.shape()),
                });
            }
        }
        Ok(x)
    }

    /// Fit by EM: `n_init` initialisations (random steps draw from `rng`), each iterated until
    /// `|Δ lower bound| < tol` or `max_iter`; the run with the best lower bound is kept.
    pub fn fit<R: Rng + ?Sized>(&self, x: ArrayView2<f64>, rng: &mut R) -> Result<GaussianMixture> {
        let x = self.check_data(x)?;
        let d = x.ncols();
        let xs = x.as_slice().expect("standard layout");
        let data = Data::new(xs, d, self.needs_gram());
        let mut best: Option<(State, FitReport)> = None;
        for _ in 0..self.0.n_init {
            let state = self.initialize(&data, rng)?;
            let (state, report) = self.run(&data, state, f64::NEG_INFINITY)?;
            let better = match &best {
                None => true,
                Some((_, b)) => report.lower_bound > b.lower_bound || b.lower_bound == f64::NEG_INFINITY,
            };
            if better {
                best = Some((state, report));
            }
        }
        let (state, report) = best.expect("n_init >= 1");
        self.finish(state, report, d)
    }

    /// Validate, fit and return the labels of a final E-step on the training data.
    pub fn fit_predict<R: Rng + ?Sized>(
        &self,
        x: ArrayView2<f64>,
        rng: &mut R,
    ) -> Result<(GaussianMixture, Array1<usize>)> {
        let model = self.fit(x, rng)?;
        let labels = model.predict(x)?;
        Ok((model, labels))
    }

    fn needs_gram(&self) -> bool {
        self.0.covariance_type == CovarianceType::Tied
    }

    /// EM iterations from `state`; `lb0` is the lower bound to compare the first one with.
    pub(crate) fn run(&self, data: &Data, mut state: State, lb0: f64) -> Result<(State, FitReport)> {
        let p = &self.0;
        let k = p.n_components;
        let mut resp = vec![0.0; data.n * k];
        let mut lb = lb0;
        let mut lbs = Vec::new();
        let mut converged = false;
        let mut change = f64::NAN;
        let sq = self.sq();
        for _ in 0..p.max_iter {
            let prev = lb;
            let st = e_step(&state.plan(), &data.s, &mut resp, sq);
            lb = st.log_norm / data.n as f64;
            if !lb.is_finite() {
                return Err(scoring::non_finite_fit(&state.plan(), &data.s, p.reg_covar));
            }
            state = self.m_step(data, &resp, &st)?;
            lbs.push(lb);
            change = lb - prev;
            if change.abs() < p.tol {
                converged = true;
                break;
            }
        }
        let n_iter = lbs.len();
        let mut warnings = Vec::new();
        if !converged && p.max_iter > 0 {
            warnings.push(FitWarning::NotConverged { n_iter, last_change: change });
        }
        let report = FitReport {
            converged,
            n_iter,
            lower_bound: if p.max_iter == 0 { lb0 } else { lb },
            lower_bounds: lbs,
            warnings,
        };
        Ok((state, report))
    }

    fn finish(&self, state: State, mut report: FitReport, d: usize) -> Result<GaussianMixture> {
        let p = &self.0;
        let covariances = match state.covariances {
            Some(c) => c,
            None => covariances_from_cholesky(&state.prec_chol)?,
        };
        if let Some(nk) = &state.nk {
            for comp in 0..p.n_components {
                let cm = covariances.component_matrix(comp, d);
                let min_variance = cm.diag().iter().fold(f64::INFINITY, |a, &b| a.min(b));
                if nk[comp] < 1.0 || min_variance <= 10.0 * p.reg_covar {
                    report.warnings.push(FitWarning::ComponentCollapsed {
                        component: comp,
                        effective_samples: nk[comp],
                        min_variance,
                    });
                }
            }
        }
        Ok(GaussianMixture {
            params: self.clone(),
            n_features: d,
            weights: state.weights,
            means: state.means,
            precisions: precisions_from_cholesky(&state.prec_chol),
            precisions_cholesky: state.prec_chol,
            covariances,
            report,
        })
    }
}

fn annotate(e: GmmError, what: &str) -> GmmError {
    match e {
        GmmError::FeatureMismatch { expected, got } => GmmError::ShapeMismatch {
            what: format!("{what} columns (features of the data)"),
            expected: expected.to_string(),
            got: got.to_string(),
        },
        e => e,
    }
}

/// A fitted Gaussian mixture. Serialisable (serde) for saving and loading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GaussianMixture {
    params: GaussianMixtureValidParams,
    n_features: usize,
    weights: Array1<f64>,
    means: Array2<f64>,
    covariances: CovMatrices,
    precisions: CovMatrices,
    precisions_cholesky: CovMatrices,
    report: FitReport,
}

impl GaussianMixture {
    /// Start building the hyperparameters.
    pub fn params(n_components: usize) -> GaussianMixtureParams {
        GaussianMixtureParams::new(n_components)
    }
    /// Hyperparameters the model was fitted with.
    pub fn hyperparameters(&self) -> &GaussianMixtureParams {
        &self.params.0
    }
    /// Mixture weights (`k`).
    pub fn weights(&self) -> &Array1<f64> {
        &self.weights
    }
    /// Component means (`k × d`).
    pub fn means(&self) -> &Array2<f64> {
        &self.means
    }
    /// Component covariances.
    pub fn covariances(&self) -> &CovMatrices {
        &self.covariances
    }
    /// Component precisions (inverse covariances).
    pub fn precisions(&self) -> &CovMatrices {
        &self.precisions
    }
    /// Upper-triangular Cholesky factors `U` of the precisions (`P = U Uᵀ`).
    pub fn precisions_cholesky(&self) -> &CovMatrices {
        &self.precisions_cholesky
    }
    /// Convergence report of the fit.
    pub fn report(&self) -> &FitReport {
        &self.report
    }
    /// Whether the kept run converged.
    pub fn converged(&self) -> bool {
        self.report.converged
    }
    /// Iterations of the kept run.
    pub fn n_iter(&self) -> usize {
        self.report.n_iter
    }
    /// Final lower bound.
    pub fn lower_bound(&self) -> f64 {
        self.report.lower_bound
    }
    /// Number of components.
    pub fn n_components(&self) -> usize {
        self.weights.len()
    }
    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    fn plan(&self) -> LogProbPlan {
        LogProbPlan::new(
            self.means.view(),
            &self.precisions_cholesky,
            self.weights.iter().map(|w| w.ln()).collect(),
            None,
            None,
        )
    }

    /// `log π_k + log N(x_i | θ_k)` (`n × k`).
    pub fn weighted_log_prob(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        scoring::weighted_log_prob(&self.plan(), x, self.n_features)
    }

    /// Log-likelihood of each row under the mixture.
    pub fn score_samples(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        Ok(scoring::score_samples(&self.weighted_log_prob(x)?))
    }

    /// Mean log-likelihood of the rows.
    pub fn score(&self, x: ArrayView2<f64>) -> Result<f64> {
        Ok(scoring::score(&self.weighted_log_prob(x)?))
    }

    /// Posterior probabilities of the components (`n × k`, rows sum to 1).
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        Ok(scoring::predict_proba(self.weighted_log_prob(x)?))
    }

    /// Most probable component of each row.
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<usize>> {
        Ok(scoring::predict(&self.weighted_log_prob(x)?))
    }

    /// Number of free parameters.
    pub fn n_parameters(&self) -> usize {
        let (k, d) = (self.n_components(), self.n_features);
        self.params.0.covariance_type.n_parameters(k, d) + k * d + k - 1
    }

    /// Bayesian information criterion on `x` (lower is better).
    pub fn bic(&self, x: ArrayView2<f64>) -> Result<f64> {
        let n = x.nrows() as f64;
        Ok(-2.0 * self.score(x)? * n + self.n_parameters() as f64 * n.ln())
    }

    /// Akaike information criterion on `x` (lower is better).
    pub fn aic(&self, x: ArrayView2<f64>) -> Result<f64> {
        let n = x.nrows() as f64;
        Ok(-2.0 * self.score(x)? * n + 2.0 * self.n_parameters() as f64)
    }

    /// Draw `n_samples` rows from the mixture: component counts from a multinomial, then
    /// normal draws per component, stacked in component order. Returns `(samples, labels)`.
    pub fn sample<R: Rng + ?Sized>(&self, n_samples: usize, rng: &mut R) -> Result<(Array2<f64>, Array1<usize>)> {
        sample_mixture(&self.weights, &self.means, &self.covariances, n_samples, rng)
    }

    /// Continue EM from this model's parameters on `x` (scikit-learn's `warm_start`): one run,
    /// compared against the previous lower bound, with the stored hyperparameters.
    pub fn warm_fit(&self, x: ArrayView2<f64>) -> Result<GaussianMixture> {
        let x = self.params.check_data(x)?;
        let d = x.ncols();
        if d != self.n_features {
            return Err(GmmError::FeatureMismatch { expected: self.n_features, got: d });
        }
        let xs = x.as_slice().expect("standard layout");
        let data = Data::new(xs, d, self.params.needs_gram());
        let state = State {
            weights: self.weights.clone(),
            means: self.means.clone(),
            covariances: Some(self.covariances.clone()),
            prec_chol: self.precisions_cholesky.clone(),
            nk: None,
        };
        let (state, report) = self.params.run(&data, state, self.report.lower_bound)?;
        self.params.finish(state, report, d)
    }

    /// The same mixture with components reordered (`perm[new] = old`).
    pub fn permuted(&self, perm: &[usize]) -> Result<GaussianMixture> {
        let k = self.n_components();
        let mut seen = vec![false; k];
        if perm.len() != k || perm.iter().any(|&i| i >= k || std::mem::replace(&mut seen[i], true)) {
            return Err(GmmError::invalid("perm", format!("{perm:?}"), format!("must be a permutation of 0..{k}")));
        }
        let mut m = self.clone();
        m.weights = self.weights.select(Axis(0), perm);
        m.means = self.means.select(Axis(0), perm);
        m.covariances = self.covariances.permuted(perm);
        m.precisions = self.precisions.permuted(perm);
        m.precisions_cholesky = self.precisions_cholesky.permuted(perm);
        Ok(m)
    }
}
