//! The learnable scattering network: a stack of Hermite-spline layers with exact reverse-mode
//! gradients of the clustering loss with respect to every layer's spline parameters.

use ndarray::{Array2, ArrayD, ArrayView3, IxDyn};
use num_complex::Complex64;

use super::layer::{self, Correlation, LayerGeometry};
use super::loss::{MixtureDensity, Projection};
use super::spline::{KernelCache, SplineBank, SplineLayerSpec, SplineParams};
use crate::error::{Result, ScatterError};

/// Hyper-parameters of a [`LearnableScattering`] network (validated by [`Self::build`]).
/// Defaults follow the original example: Hilbert (real-spline) mode, decimation 4, pooling 1024,
/// `eps_norm = 1e-3`, `eps_log = 1e-4`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LearnableParams {
    layers: Vec<SplineLayerSpec>,
    complex: bool,
    decimation: usize,
    pooling: usize,
    eps_norm: f64,
    eps_log: f64,
    correlation: Correlation,
}

impl Default for LearnableParams {
    fn default() -> Self {
        LearnableParams {
            layers: Vec::new(),
            complex: false,
            decimation: 4,
            pooling: 1024,
            eps_norm: 1e-3,
            eps_log: 1e-4,
            correlation: Correlation::Auto,
        }
    }
}

impl LearnableParams {
    /// Append a layer.
    pub fn layer(mut self, spec: SplineLayerSpec) -> Self {
        self.layers.push(spec);
        self
    }

    /// Two-row complex splines (`true`) or real splines made complex by keeping their positive
    /// frequencies (`false`, the original `hilbert=True`, default).
    pub fn complex(mut self, complex: bool) -> Self {
        self.complex = complex;
        self
    }

    /// Stride of every layer's correlation (default 4).
    pub fn decimation(mut self, d: usize) -> Self {
        self.decimation = d;
        self
    }

    /// Input samples per pooled frame (default 1024); layer ℓ (0-based) pools over
    /// `pooling / decimation^(ℓ+1)` of its outputs.
    pub fn pooling(mut self, p: usize) -> Self {
        self.pooling = p;
        self
    }

    /// `eps_norm` of the parent renormalisation `S_ℓ / (S_ℓ₋₁ + eps_norm)` (default 1e-3).
    pub fn eps_norm(mut self, e: f64) -> Self {
        self.eps_norm = e;
        self
    }

    /// `eps_log` of the features `ln(· + eps_log)` (default 1e-4).
    pub fn eps_log(mut self, e: f64) -> Self {
        self.eps_log = e;
        self
    }

    /// How the layers evaluate their correlations (default [`Correlation::Auto`]: direct sums for
    /// short kernels, FFTs for long ones).
    pub fn correlation(mut self, c: Correlation) -> Self {
        self.correlation = c;
        self
    }

    /// Validate and plan the network for patches of `samples` samples, with the original
    /// initial spline parameters.
    pub fn build(&self, samples: usize) -> Result<LearnableScattering> {
        if self.layers.len() < 2 {
            return Err(ScatterError::invalid(
                "layers",
                self.layers.len(),
                "at least two layers are needed: the features use orders 2 and above",
            ));
        }
        if self.decimation == 0 {
            return Err(ScatterError::invalid("decimation", self.decimation, "must be ≥ 1"));
        }
        for (name, e) in [("eps_norm", self.eps_norm), ("eps_log", self.eps_log)] {
            if !(e.is_finite() && e > 0.0) {
                return Err(ScatterError::invalid(name, e, "must be finite and > 0"));
            }
        }
        let depth = self.layers.len() as u32;
        let total = self.decimation.checked_pow(depth).unwrap_or(usize::MAX);
        if self.pooling == 0 || !self.pooling.is_multiple_of(total) {
            return Err(ScatterError::invalid(
                "pooling",
                self.pooling,
                format!("must be a positive multiple of decimation^layers = {total}"),
            ));
        }
        if samples == 0 || !samples.is_multiple_of(self.pooling) {
            return Err(ScatterError::invalid(
                "samples",
                samples,
                format!("patches must be a positive multiple of pooling = {}", self.pooling),
            ));
        }
        let mut banks = Vec::new();
        let mut geoms = Vec::new();
        let mut n = samples;
        let mut pool = self.pooling;
        for spec in &self.layers {
            let bank = SplineBank::new(*spec, self.complex)?;
            pool /= self.decimation;
            let g =
                LayerGeometry::planned(n, bank.kernel_len(), self.decimation, pool, spec.filters(), self.correlation);
            n = g.out;
            geoms.push(g);
            banks.push(bank);
        }
        let frames = geoms[0].frames;
        if frames == 0 || geoms.iter().any(|g| g.frames != frames) {
            return Err(ScatterError::invalid("samples", samples, "every layer must give the same number of frames"));
        }
        let params = self.layers.iter().map(|s| SplineParams::initial(s.knots, self.complex)).collect();
        Ok(LearnableScattering { hyper: self.clone(), samples, banks, geoms, params })
    }
}

/// A planned learnable scattering network for patches of a fixed length (see
/// [`LearnableParams`]). Forward: `(batch, channels, samples)` → pooled coefficients per order;
/// features for clustering; the clustering loss and its gradient.
#[derive(Debug)]
pub struct LearnableScattering {
    hyper: LearnableParams,
    samples: usize,
    banks: Vec<SplineBank>,
    geoms: Vec<LayerGeometry>,
    params: Vec<SplineParams>,
}

/// Everything the backward pass needs from a forward pass.
struct Pass {
    batch: usize,
    channels: usize,
    kernels: Vec<(Vec<Complex64>, KernelCache)>,
    /// Flattened input `batch·channels × samples`.
    x: Vec<f64>,
    ys: Vec<Vec<Complex64>>,
    us: Vec<Vec<f64>>,
    ss: Vec<Vec<f64>>,
}

impl LearnableScattering {
    /// Hyper-parameters with the original defaults; add layers and call `build`.
    pub fn params() -> LearnableParams {
        LearnableParams::default()
    }

    /// Patch length the network was planned for.
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// Pooled frames per patch.
    pub fn frames(&self) -> usize {
        self.geoms[0].frames
    }

    /// Number of layers.
    pub fn depth(&self) -> usize {
        self.banks.len()
    }

    /// The spline bank of layer `l`.
    pub fn bank(&self, l: usize) -> &SplineBank {
        &self.banks[l]
    }

    /// Current spline parameters, one entry per layer.
    pub fn parameters(&self) -> &[SplineParams] {
        &self.params
    }

    /// Replace the spline parameters (shapes and finiteness are checked).
    pub fn set_parameters(&mut self, params: Vec<SplineParams>) -> Result<()> {
        if params.len() != self.banks.len() {
            return Err(ScatterError::ShapeMismatch {
                what: "spline parameters per layer".into(),
                expected: self.banks.len().to_string(),
                got: params.len().to_string(),
            });
        }
        for (b, p) in self.banks.iter().zip(&params) {
            b.check_params(p)?;
        }
        self.params = params;
        Ok(())
    }

    /// Complex kernels of layer `l` (`filters × kernel_len`) for the current parameters.
    pub fn kernels(&self, l: usize) -> Result<Array2<Complex64>> {
        let bank = self.banks.get(l).ok_or_else(|| ScatterError::invalid("layer", l, "no such layer"))?;
        let (k, _) = bank.kernels(&self.params[l])?;
        Ok(Array2::from_shape_vec((bank.spec().filters(), bank.kernel_len()), k).expect("shape by construction"))
    }

    /// Number of clustering features per frame: `Σ_{ℓ ≥ 2} channels · F₁ ⋯ F_ℓ`.
    pub fn n_features(&self, channels: usize) -> usize {
        let mut paths = 1;
        let mut total = 0;
        for (l, b) in self.banks.iter().enumerate() {
            paths *= b.spec().filters();
            if l >= 1 {
                total += channels * paths;
            }
        }
        total
    }

    fn check_input(&self, x: &ArrayView3<f64>) -> Result<()> {
        let (b, c, n) = x.dim();
        if b == 0 || c == 0 {
            return Err(ScatterError::Empty { what: "batch of patches" });
        }
        if n != self.samples {
            return Err(ScatterError::ShapeMismatch {
                what: "patch length".into(),
                expected: self.samples.to_string(),
                got: n.to_string(),
            });
        }
        for ((w, ch, i), &v) in x.indexed_iter() {
            if !v.is_finite() {
                return Err(ScatterError::NonFinite { what: format!("patch {w}, channel {ch}"), index: i, value: v });
            }
        }
        Ok(())
    }

    fn run(&self, x: ArrayView3<f64>) -> Result<Pass> {
        self.check_input(&x)?;
        let (batch, channels, _) = x.dim();
        let flat: Vec<f64> = x.iter().copied().collect();
        let mut kernels = Vec::with_capacity(self.depth());
        let mut ys = Vec::with_capacity(self.depth());
        let mut us: Vec<Vec<f64>> = Vec::with_capacity(self.depth());
        let mut ss = Vec::with_capacity(self.depth());
        for (l, (bank, g)) in self.banks.iter().zip(&self.geoms).enumerate() {
            let (k, cache) = bank.kernels(&self.params[l])?;
            let input = if l == 0 { &flat } else { &us[l - 1] };
            let (y, u) = layer::forward(g, &k, input);
            ss.push(layer::pool(g, &u));
            kernels.push((k, cache));
            ys.push(y);
            us.push(u);
        }
        Ok(Pass { batch, channels, kernels, x: flat, ys, us, ss })
    }

    /// Pooled scattering coefficients per order: order ℓ (1-based) is shaped
    /// `(batch, channels, F₁, …, F_ℓ, frames)`.
    pub fn transform(&self, x: ArrayView3<f64>) -> Result<Vec<ArrayD<f64>>> {
        let pass = self.run(x)?;
        let mut shape = vec![pass.batch, pass.channels];
        let mut out = Vec::new();
        for (l, s) in pass.ss.into_iter().enumerate() {
            shape.push(self.banks[l].spec().filters());
            let mut sh = shape.clone();
            sh.push(self.frames());
            out.push(ArrayD::from_shape_vec(IxDyn(&sh), s).expect("shape by construction"));
        }
        Ok(out)
    }

    /// Clustering features `(batch · frames, n_features)`: for orders ℓ ≥ 2, the parent
    /// renormalisation `S_ℓ / (S_ℓ₋₁ + eps_norm)` (each path by its own parent), then
    /// `ln(· + eps_log)`; columns ordered by order, channel, then path (parent-major). Order 1 is
    /// not a feature, as in the original.
    pub fn features(&self, x: ArrayView3<f64>) -> Result<Array2<f64>> {
        let pass = self.run(x)?;
        Ok(self.assemble(&pass))
    }

    /// Visit every feature: `(sample row, column, order ℓ, index in S_ℓ, index of its parent in S_ℓ₋₁)`.
    fn for_each_feature(&self, batch: usize, channels: usize, mut f: impl FnMut(usize, usize, usize, usize, usize)) {
        let frames = self.frames();
        let mut col0 = 0;
        let mut paths_prev = self.banks[0].spec().filters();
        for l in 1..self.depth() {
            let paths = paths_prev * self.banks[l].spec().filters();
            let fl = self.banks[l].spec().filters();
            for b in 0..batch {
                for c in 0..channels {
                    for path in 0..paths {
                        let idx = ((b * channels + c) * paths + path) * frames;
                        let parent = ((b * channels + c) * paths_prev + path / fl) * frames;
                        let col = col0 + c * paths + path;
                        for p in 0..frames {
                            f(b * frames + p, col, l, idx + p, parent + p);
                        }
                    }
                }
            }
            col0 += channels * paths;
            paths_prev = paths;
        }
    }

    fn assemble(&self, pass: &Pass) -> Array2<f64> {
        let mut out = Array2::zeros((pass.batch * self.frames(), self.n_features(pass.channels)));
        let (en, el) = (self.hyper.eps_norm, self.hyper.eps_log);
        self.for_each_feature(pass.batch, pass.channels, |row, col, l, i, parent| {
            out[[row, col]] = (pass.ss[l][i] / (pass.ss[l - 1][parent] + en) + el).ln();
        });
        out
    }

    /// The clustering loss of one batch — the negative mean log-likelihood of its projected
    /// features under `density` — and its gradient with respect to every layer's spline
    /// parameters (laid out like [`Self::parameters`]).
    pub fn loss_and_gradient(
        &self,
        x: ArrayView3<f64>,
        projection: &Projection,
        density: &MixtureDensity,
    ) -> Result<(f64, Vec<SplineParams>)> {
        let pass = self.run(x)?;
        let feats = self.assemble(&pass);
        if projection.n_features() != feats.ncols() || projection.n_components() != density.dim() {
            return Err(ScatterError::ShapeMismatch {
                what: "projection (features → components) and mixture dimension".into(),
                expected: format!("{} → {}", feats.ncols(), density.dim()),
                got: format!("{} → {}", projection.n_features(), projection.n_components()),
            });
        }
        let z = projection.transform(feats.view())?;
        let (loss, dz) = density.nll_and_gradient(z.view())?;
        let dfeat = dz.dot(&projection.components());
        // features → pooled coefficients
        let mut dss: Vec<Vec<f64>> = pass.ss.iter().map(|s| vec![0.0; s.len()]).collect();
        let (en, el) = (self.hyper.eps_norm, self.hyper.eps_log);
        self.for_each_feature(pass.batch, pass.channels, |row, col, l, i, parent| {
            let (s, sp) = (pass.ss[l][i], pass.ss[l - 1][parent] + en);
            let dv = dfeat[[row, col]] / (s / sp + el);
            dss[l][i] += dv / sp;
            dss[l - 1][parent] -= dv * s / (sp * sp);
        });
        // layers, deepest first
        let mut grads = vec![SplineParams { values: Vec::new(), derivatives: Vec::new() }; self.depth()];
        let mut du_from_above: Option<Vec<f64>> = None;
        for l in (0..self.depth()).rev() {
            let g = &self.geoms[l];
            let mut du = du_from_above.take().unwrap_or_else(|| vec![0.0; pass.us[l].len()]);
            layer::pool_backward(g, &dss[l], &mut du);
            let input = if l == 0 { &pass.x } else { &pass.us[l - 1] };
            let (k, cache) = &pass.kernels[l];
            let (dk, dx) = layer::backward(g, k, input, &pass.ys[l], &pass.us[l], &du, l > 0);
            grads[l] = self.banks[l].backward(cache, &dk);
            du_from_above = dx;
        }
        Ok((loss, grads))
    }
}
