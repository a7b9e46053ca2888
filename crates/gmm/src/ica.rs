//! FastICA (Hyvärinen's fixed-point algorithm) with scikit-learn's whitening and defaults.

use crate::validate::{check_features, check_matrix};
use crate::{GmmError, Result};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::{Rng, RngExt};
use rand_distr::StandardNormal;
use seis_core::linalg;
use serde::{Deserialize, Serialize};

/// Contrast function (approximation of negentropy).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum IcaFunction {
    /// `G(u) = log cosh(αu)/α`, `α ∈ [1, 2]` (scikit-learn's default with α = 1).
    LogCosh {
        /// The α parameter.
        alpha: f64,
    },
    /// `G(u) = −exp(−u²/2)`.
    Exp,
    /// `G(u) = u⁴/4`.
    Cube,
}

/// Estimate all components at once or one after another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IcaAlgorithm {
    /// Symmetric decorrelation of all components each step (default).
    Parallel,
    /// One component at a time with Gram–Schmidt deflation.
    Deflation,
}

/// Whitening strategy (scikit-learn's `whiten`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Whitening {
    /// Whiten, then rescale the sources to unit variance (default).
    UnitVariance,
    /// Whiten; the sources keep an arbitrary scale.
    ArbitraryVariance,
    /// The data are already white (scikit-learn's `whiten=False`): no centring, no projection,
    /// `d` components (`n_components` must be unset or `d`), `w_init` is `d × d`.
    None,
}

/// Hyperparameters of [`FastIca`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FastIcaParams {
    n_components: Option<usize>,
    algorithm: IcaAlgorithm,
    fun: IcaFunction,
    whiten: Whitening,
    max_iter: usize,
    tol: f64,
    w_init: Option<Array2<f64>>,
}

impl Default for FastIcaParams {
    fn default() -> Self {
        Self {
            n_components: None,
            algorithm: IcaAlgorithm::Parallel,
            fun: IcaFunction::LogCosh { alpha: 1.0 },
            whiten: Whitening::UnitVariance,
            max_iter: 200,
            tol: 1e-4,
            w_init: None,
        }
    }
}

impl FastIcaParams {
    /// scikit-learn defaults: all components, parallel, logcosh, unit-variance whitening,
    /// `max_iter` 200, `tol` 1e-4.
    pub fn new() -> Self {
        Self::default()
    }
    /// Number of components (default `min(n, d)`).
    pub fn n_components(mut self, n: usize) -> Self {
        self.n_components = Some(n);
        self
    }
    /// Parallel or deflation.
    pub fn algorithm(mut self, a: IcaAlgorithm) -> Self {
        self.algorithm = a;
        self
    }
    /// Contrast function.
    pub fn fun(mut self, f: IcaFunction) -> Self {
        self.fun = f;
        self
    }
    /// Whitening strategy.
    pub fn whiten(mut self, w: Whitening) -> Self {
        self.whiten = w;
        self
    }
    /// Maximum fixed-point iterations.
    pub fn max_iter(mut self, n: usize) -> Self {
        self.max_iter = n;
        self
    }
    /// Convergence tolerance on the change of the unmixing directions.
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }
    /// Initial unmixing matrix (`n_components × n_components`); drawn from `rng` when absent.
    pub fn w_init(mut self, w: Array2<f64>) -> Self {
        self.w_init = Some(w);
        self
    }

    /// Fit on the rows of `x` (`n × d`).
    pub fn fit<R: Rng + ?Sized>(&self, x: ArrayView2<f64>, rng: &mut R) -> Result<FastIca> {
        let x = check_matrix("ICA data", x)?;
        let (n, d) = x.dim();
        if n < 2 {
            return Err(GmmError::TooFewSamples { what: "FastICA", needed: 2, got: n });
        }
        let nc = if self.whiten == Whitening::None {
            if n < d {
                return Err(GmmError::TooFewSamples { what: "FastICA without whitening", needed: d, got: n });
            }
            match self.n_components {
                Some(c) if c != d => {
                    return Err(GmmError::invalid(
                        "n_components",
                        c,
                        format!("without whitening every feature is a component: must be unset or {d}"),
                    ));
                }
                _ => d,
            }
        } else {
            self.n_components.unwrap_or(n.min(d))
        };
        if nc == 0 || nc > n.min(d) {
            return Err(GmmError::invalid("n_components", nc, format!("must lie in 1..={}", n.min(d))));
        }
        if self.max_iter == 0 {
            return Err(GmmError::invalid("max_iter", 0, "must be >= 1"));
        }
        crate::validate::check_nonneg("tol", self.tol, true)?;
        if let IcaFunction::LogCosh { alpha } = self.fun
            && !(1.0..=2.0).contains(&alpha)
        {
            return Err(GmmError::invalid("alpha", alpha, "must lie in [1, 2]"));
        }
        let w_init = match &self.w_init {
            Some(w) => {
                if w.dim() != (nc, nc) {
                    return Err(GmmError::ShapeMismatch {
                        what: "w_init".into(),
                        expected: format!("{nc}×{nc}"),
                        got: format!("{}×{}", w.nrows(), w.ncols()),
                    });
                }
                check_matrix("w_init", w.view())?.into_owned()
            }
            None => Array2::from_shape_fn((nc, nc), |_| rng.sample::<f64, _>(StandardNormal)),
        };
        if self.whiten == Whitening::None {
            let (w, n_iter) = self.iterate(&x.t().to_owned(), &w_init)?;
            let mixing = pinv_rows(&w)?;
            return Ok(FastIca { components: w, mixing, mean: Array1::zeros(d), whitening: Array2::eye(d), n_iter });
        }
        let mean = x.mean_axis(Axis(0)).expect("n >= 2");
        let xc = &x - &mean;
        // Whitening from the SVD of the centred data: XcT = V S Uᵀ, u = V.
        let (_u, s, vt) = linalg::svd_thin(xc.view())?;
        let mut u = vt.t().to_owned(); // d × min(n, d)
        for mut col in u.columns_mut() {
            if col[0] < 0.0 {
                col.mapv_inplace(|v| -v);
            }
        }
        if s.iter().take(nc).any(|&v| v <= 0.0) {
            return Err(GmmError::invalid("n_components", nc, "exceeds the rank of the centred data"));
        }
        let k = Array2::from_shape_fn((nc, d), |(i, j)| u[[j, i]] / s[i]);
        let x1 = k.dot(&xc.t()) * (n as f64).sqrt(); // nc × n
        let (mut w, n_iter) = self.iterate(&x1, &w_init)?;
        if self.whiten == Whitening::UnitVariance {
            let sources = w.dot(&k).dot(&xc.t()); // nc × n
            let std = sources.std_axis(Axis(1), 0.0);
            for (mut row, &sd) in w.rows_mut().into_iter().zip(&std) {
                row.mapv_inplace(|v| v / sd);
            }
        }
        let components = w.dot(&k);
        let mixing = pinv_rows(&components)?;
        Ok(FastIca { components, mixing, mean, whitening: k, n_iter })
    }
}

impl FastIcaParams {
    /// The fixed-point iterations on white data `x1` (`nc × n`).
    fn iterate(&self, x1: &Array2<f64>, w_init: &Array2<f64>) -> Result<(Array2<f64>, usize)> {
        Ok(match self.algorithm {
            IcaAlgorithm::Parallel => ica_par(x1, self.fun, self.tol, self.max_iter, w_init)?,
            IcaAlgorithm::Deflation => ica_def(x1, self.fun, self.tol, self.max_iter, w_init),
        })
    }
}

/// Pseudo-inverse of a full-row-rank matrix `C` (`m × d`, `m <= d`): `Cᵀ (C Cᵀ)⁻¹`.
fn pinv_rows(c: &Array2<f64>) -> Result<Array2<f64>> {
    let g = c.dot(&c.t());
    let x = linalg::solve_spd(g.view(), c.view())?; // (C Cᵀ)⁻¹ C
    Ok(x.reversed_axes())
}

/// `g(u)` in place and the mean of `g'(u)` per row.
fn contrast(f: IcaFunction, wx: &mut Array2<f64>) -> Array1<f64> {
    let n = wx.ncols() as f64;
    let mut gp = Array1::zeros(wx.nrows());
    for (mut row, o) in wx.rows_mut().into_iter().zip(gp.iter_mut()) {
        let mut s = 0.0;
        for v in row.iter_mut() {
            match f {
                IcaFunction::LogCosh { alpha } => {
                    let t = (alpha * *v).tanh();
                    s += alpha * (1.0 - t * t);
                    *v = t;
                }
                IcaFunction::Exp => {
                    let e = (-(*v * *v) / 2.0).exp();
                    s += (1.0 - *v * *v) * e;
                    *v *= e;
                }
                IcaFunction::Cube => {
                    s += 3.0 * *v * *v;
                    *v = *v * *v * *v;
                }
            }
        }
        *o = s / n;
    }
    gp
}

/// `W ← (W Wᵀ)^{-1/2} W`.
fn sym_decorrelation(w: &Array2<f64>) -> Result<Array2<f64>> {
    let (s, u) = linalg::eigh(w.dot(&w.t()).view())?;
    let scale = s.mapv(|v| 1.0 / v.max(f64::MIN_POSITIVE).sqrt());
    Ok((&u * &scale).dot(&u.t()).dot(w))
}

fn ica_par(
    x1: &Array2<f64>,
    f: IcaFunction,
    tol: f64,
    max_iter: usize,
    w_init: &Array2<f64>,
) -> Result<(Array2<f64>, usize)> {
    let mut w = sym_decorrelation(w_init)?;
    let p = x1.ncols() as f64;
    let mut it = 0;
    while it < max_iter {
        it += 1;
        let mut gwtx = w.dot(x1);
        let g_wtx = contrast(f, &mut gwtx);
        let w1 = sym_decorrelation(&(gwtx.dot(&x1.t()) / p - &(&w * &g_wtx.view().insert_axis(Axis(1)))))?;
        let lim = (&w1 * &w).sum_axis(Axis(1)).iter().fold(0.0f64, |m, v| m.max((v.abs() - 1.0).abs()));
        w = w1;
        if lim < tol {
            break;
        }
    }
    Ok((w, it))
}

fn ica_def(x1: &Array2<f64>, f: IcaFunction, tol: f64, max_iter: usize, w_init: &Array2<f64>) -> (Array2<f64>, usize) {
    let nc = w_init.nrows();
    let mut big_w = Array2::<f64>::zeros((nc, nc));
    let mut n_iter = 0;
    let p = x1.ncols() as f64;
    for j in 0..nc {
        let mut w = w_init.row(j).to_owned();
        w /= w.dot(&w).sqrt();
        let mut it = 0;
        while it < max_iter {
            it += 1;
            let mut wx = w.dot(x1).insert_axis(Axis(0));
            let gp = contrast(f, &mut wx);
            let mut w1 = x1.dot(&wx.row(0)) / p - &(&w * gp[0]);
            // Gram–Schmidt against the components found so far.
            let prev = big_w.slice(ndarray::s![..j, ..]);
            let proj = prev.t().dot(&prev.dot(&w1));
            w1 -= &proj;
            w1 /= w1.dot(&w1).sqrt();
            let lim = ((w1.dot(&w)).abs() - 1.0).abs();
            w = w1;
            if lim < tol {
                break;
            }
        }
        n_iter = n_iter.max(it);
        big_w.row_mut(j).assign(&w);
    }
    (big_w, n_iter)
}

/// A fitted FastICA model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FastIca {
    components: Array2<f64>,
    mixing: Array2<f64>,
    mean: Array1<f64>,
    whitening: Array2<f64>,
    n_iter: usize,
}

impl FastIca {
    /// Start building the hyperparameters.
    pub fn params() -> FastIcaParams {
        FastIcaParams::new()
    }
    /// Unmixing matrix (`n_components × d`): sources = (x − mean) · componentsᵀ.
    pub fn components(&self) -> &Array2<f64> {
        &self.components
    }
    /// Mixing matrix (`d × n_components`), the pseudo-inverse of the components.
    pub fn mixing(&self) -> &Array2<f64> {
        &self.mixing
    }
    /// Per-feature mean.
    pub fn mean(&self) -> &Array1<f64> {
        &self.mean
    }
    /// Whitening matrix (`n_components × d`).
    pub fn whitening(&self) -> &Array2<f64> {
        &self.whitening
    }
    /// Iterations run (deflation: the maximum over components).
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }
    /// Estimated sources of the rows of `x`.
    pub fn transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        let x = check_features("ICA data", x, self.mean.len())?;
        Ok((&x - &self.mean).dot(&self.components.t()))
    }
    /// Mix sources back into the feature space.
    pub fn inverse_transform(&self, s: ArrayView2<f64>) -> Result<Array2<f64>> {
        let s = check_features("ICA sources", s, self.components.nrows())?;
        Ok(s.dot(&self.mixing.t()) + &self.mean)
    }
}
