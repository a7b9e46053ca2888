//! Hermite cubic-spline wavelet bank of one learnable layer (Seydoux et al. 2020, §3.1 of the
//! reference notes): one mother spline, given by its values `m` and derivatives `p` at `k` knots,
//! stretched to `j·q` scales `s_i = 2^(i/q)`.
//!
//! Building the complex kernels is a fixed chain of maps of the parameters — centring and end
//! masking (linear), Hermite interpolation (linear), division by the signed maximum (non-linear),
//! complexification (linear) — so [`SplineBank::kernels`] records what [`SplineBank::backward`]
//! needs to push a kernel gradient back to `(m, p)`.

use std::f64::consts::PI;

use num_complex::Complex64;
use rustfft::FftPlanner;

use crate::error::{Result, ScatterError};

/// Shape of one learnable layer: `octaves · per_octave` filters of `knots` knots each.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SplineLayerSpec {
    /// Number of octaves `j` (≥ 1). The filter length is `knots · 2^j` samples.
    pub octaves: usize,
    /// Filters per octave `q` (≥ 1).
    pub per_octave: usize,
    /// Knots of the mother spline `k` (≥ 3; the end knots are pinned to zero).
    pub knots: usize,
}

impl SplineLayerSpec {
    /// A layer of `octaves · per_octave` filters with `knots` knots.
    pub fn new(octaves: usize, per_octave: usize, knots: usize) -> Self {
        SplineLayerSpec { octaves, per_octave, knots }
    }

    /// Number of filters `j·q`.
    pub fn filters(&self) -> usize {
        self.octaves * self.per_octave
    }

    /// Real filter length `L = k·2^j` in samples.
    pub fn length(&self) -> usize {
        self.knots << self.octaves
    }

    pub(crate) fn validate(&self, layer: usize) -> Result<()> {
        let _ = layer;
        if self.octaves == 0 || self.octaves > 16 {
            return Err(ScatterError::invalid("octaves", self.octaves, "must lie in 1..=16"));
        }
        if self.per_octave == 0 || self.per_octave > 64 {
            return Err(ScatterError::invalid("per_octave", self.per_octave, "must lie in 1..=64"));
        }
        if self.knots < 3 || self.knots > 64 {
            return Err(ScatterError::invalid("knots", self.knots, "must lie in 3..=64"));
        }
        Ok(())
    }
}

/// Values `m` and derivatives `p` of the mother spline at its knots: one row in the real
/// (Hilbert) mode, two rows (real, imaginary part) in the complex mode.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SplineParams {
    /// Knot values, `parts × k` row-major.
    pub values: Vec<f64>,
    /// Knot derivatives, `parts × k` row-major.
    pub derivatives: Vec<f64>,
}

impl SplineParams {
    /// The original initialisation: `m_n = (−1)^n · hamming(k)_n`, `p = 0`; in the complex mode the
    /// imaginary row has `m = 0` and `p_n = (−1)^n · hamming(k)_n`.
    pub fn initial(knots: usize, complex: bool) -> Self {
        let ham: Vec<f64> = (0..knots)
            .map(|n| {
                let sign = if n % 2 == 0 { 1.0 } else { -1.0 };
                sign * (0.54 - 0.46 * (2.0 * PI * n as f64 / (knots - 1) as f64).cos())
            })
            .collect();
        if complex {
            let mut values = ham.clone();
            values.extend(std::iter::repeat_n(0.0, knots));
            let mut derivatives = vec![0.0; knots];
            derivatives.extend_from_slice(&ham);
            SplineParams { values, derivatives }
        } else {
            SplineParams { values: ham, derivatives: vec![0.0; knots] }
        }
    }

    /// Number of scalar parameters.
    pub fn len(&self) -> usize {
        self.values.len() + self.derivatives.len()
    }

    /// True when there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Hermite basis weights of one time sample: interval index and `h00, h01, h10, h11`.
#[derive(Clone, Copy, Debug)]
struct Basis {
    interval: usize,
    h: [f64; 4],
}

/// The planned bank of one layer: knot grids, interpolation weights and the complexification
/// FFTs, built once; kernels are rebuilt from the parameters at every training step.
pub struct SplineBank {
    spec: SplineLayerSpec,
    complex: bool,
    scales: Vec<f64>,
    /// Per scale, per time sample of the length-`L` grid: the basis (None outside the support).
    basis: Vec<Vec<Option<Basis>>>,
    fft_l: std::sync::Arc<dyn rustfft::Fft<f64>>,
    ifft_l: std::sync::Arc<dyn rustfft::Fft<f64>>,
    fft_k: std::sync::Arc<dyn rustfft::Fft<f64>>,
    ifft_k: std::sync::Arc<dyn rustfft::Fft<f64>>,
}

impl std::fmt::Debug for SplineBank {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SplineBank").field("spec", &self.spec).field("complex", &self.complex).finish_non_exhaustive()
    }
}

/// What the forward kernel construction keeps for the backward pass.
#[derive(Clone, Debug)]
pub struct KernelCache {
    /// Interpolated (un-normalised) splines: `filters × parts × L`.
    raw: Vec<f64>,
    /// Arg-max and value of the signed maximum per filter and part.
    max: Vec<(usize, f64)>,
}

impl SplineBank {
    /// Plan the bank of `spec`; `complex` selects the two-row complex mode (else the real
    /// mother spline is made complex by keeping its positive frequencies, `hilbert=True`).
    pub fn new(spec: SplineLayerSpec, complex: bool) -> Result<Self> {
        spec.validate(0)?;
        let l = spec.length();
        let k = spec.knots;
        let half = (k / 2) as f64;
        let scales: Vec<f64> = (0..spec.filters()).map(|i| (i as f64 / spec.per_octave as f64).exp2()).collect();
        let step = l as f64 / (l - 1) as f64;
        let basis = scales
            .iter()
            .map(|&s| {
                let t0 = -half * s;
                let t_last = (k as f64 - 1.0 - half) * s;
                (0..l)
                    .map(|t| {
                        let tau = -(l as f64) / 2.0 + t as f64 * step;
                        if tau < t0 || tau >= t_last {
                            return None;
                        }
                        let n = (((tau - t0) / s).floor() as usize).min(k - 2);
                        let u = (tau - (t0 + n as f64 * s)) / s;
                        let (u2, u3) = (u * u, u * u * u);
                        Some(Basis {
                            interval: n,
                            h: [1.0 - 3.0 * u2 + 2.0 * u3, 3.0 * u2 - 2.0 * u3, u - 2.0 * u2 + u3, u3 - u2],
                        })
                    })
                    .collect()
            })
            .collect();
        let mut planner = FftPlanner::new();
        Ok(SplineBank {
            spec,
            complex,
            scales,
            basis,
            fft_l: planner.plan_fft_forward(l),
            ifft_l: planner.plan_fft_inverse(l),
            fft_k: planner.plan_fft_forward(l + 2),
            ifft_k: planner.plan_fft_inverse(l + 2),
        })
    }

    /// The layer's shape.
    pub fn spec(&self) -> SplineLayerSpec {
        self.spec
    }

    /// Scales `s_i = 2^(i/q)` in samples (knot spacing of filter `i`).
    pub fn scales(&self) -> &[f64] {
        &self.scales
    }

    /// Length of the complex kernels: `L + 2` in the real (Hilbert) mode, `L` in the complex mode.
    pub fn kernel_len(&self) -> usize {
        self.spec.length() + if self.complex { 0 } else { 2 }
    }

    fn parts(&self) -> usize {
        if self.complex { 2 } else { 1 }
    }

    /// Number of scalar parameters of this layer.
    pub fn n_params(&self) -> usize {
        2 * self.parts() * self.spec.knots
    }

    /// Check that `params` has this bank's shape and finite values.
    pub fn check_params(&self, params: &SplineParams) -> Result<()> {
        let want = self.parts() * self.spec.knots;
        if params.values.len() != want || params.derivatives.len() != want {
            return Err(ScatterError::ShapeMismatch {
                what: "spline parameters (values, derivatives)".into(),
                expected: format!("({want}, {want})"),
                got: format!("({}, {})", params.values.len(), params.derivatives.len()),
            });
        }
        for (i, &v) in params.values.iter().chain(&params.derivatives).enumerate() {
            if !v.is_finite() {
                return Err(ScatterError::NonFinite { what: "spline parameters".into(), index: i, value: v });
            }
        }
        Ok(())
    }

    /// Centre the interior knot values and pin the end knots (values and derivatives) to zero.
    fn constrain(&self, params: &SplineParams) -> (Vec<f64>, Vec<f64>) {
        let k = self.spec.knots;
        let mut m = params.values.clone();
        let mut p = params.derivatives.clone();
        for part in 0..self.parts() {
            let row = &mut m[part * k..(part + 1) * k];
            let mean = row[1..k - 1].iter().sum::<f64>() / (k - 2) as f64;
            row.iter_mut().for_each(|v| *v -= mean);
            row[0] = 0.0;
            row[k - 1] = 0.0;
            let prow = &mut p[part * k..(part + 1) * k];
            prow[0] = 0.0;
            prow[k - 1] = 0.0;
        }
        (m, p)
    }

    /// Complex kernels `filters × kernel_len`, row-major, and what the backward pass needs.
    pub fn kernels(&self, params: &SplineParams) -> Result<(Vec<Complex64>, KernelCache)> {
        self.check_params(params)?;
        let (m, p) = self.constrain(params);
        let (l, k, parts, nf) = (self.spec.length(), self.spec.knots, self.parts(), self.spec.filters());
        let kl = self.kernel_len();
        let mut raw = vec![0.0; nf * parts * l];
        let mut max = Vec::with_capacity(nf * parts);
        let mut out = vec![Complex64::new(0.0, 0.0); nf * kl];
        let mut buf = vec![Complex64::new(0.0, 0.0); l + 2];
        for f in 0..nf {
            for part in 0..parts {
                let (mv, pv) = (&m[part * k..(part + 1) * k], &p[part * k..(part + 1) * k]);
                let y = &mut raw[(f * parts + part) * l..(f * parts + part + 1) * l];
                for (yt, b) in y.iter_mut().zip(&self.basis[f]) {
                    if let Some(b) = b {
                        let n = b.interval;
                        *yt = mv[n] * b.h[0] + mv[n + 1] * b.h[1] + pv[n] * b.h[2] + pv[n + 1] * b.h[3];
                    }
                }
                let (arg, val) = signed_max(y);
                if val <= 0.0 || !val.is_finite() {
                    return Err(ScatterError::invalid(
                        "spline parameters",
                        format!("filter {f}, part {part}: maximum {val}"),
                        "the spline must take a positive maximum to be normalised",
                    ));
                }
                max.push((arg, val));
            }
            let row = &mut out[f * kl..(f + 1) * kl];
            if self.complex {
                let (re, im) = (f * 2 * l, (f * 2 + 1) * l);
                let (mr, mi) = (max[f * 2].1, max[f * 2 + 1].1);
                for (t, c) in row.iter_mut().enumerate() {
                    *c = Complex64::new(raw[re + t] / mr, raw[im + t] / mi);
                }
            } else {
                let g = &raw[f * l..(f + 1) * l];
                let mx = max[f].1;
                self.complexify(g, mx, &mut buf, row);
            }
        }
        Ok((out, KernelCache { raw, max }))
    }

    /// `c = ifft_{L+2}([rfft_L(g / mx), 0 …])`, numpy's normalisation (1/(L+2) on the inverse).
    fn complexify(&self, g: &[f64], mx: f64, buf: &mut [Complex64], out: &mut [Complex64]) {
        let l = g.len();
        let mut spec: Vec<Complex64> = g.iter().map(|&v| Complex64::new(v / mx, 0.0)).collect();
        self.fft_l.process(&mut spec);
        buf.iter_mut().for_each(|c| *c = Complex64::new(0.0, 0.0));
        buf[..l / 2 + 1].copy_from_slice(&spec[..l / 2 + 1]);
        self.ifft_k.process(buf);
        let norm = 1.0 / (l + 2) as f64;
        for (o, b) in out.iter_mut().zip(buf.iter()) {
            *o = b * norm;
        }
    }

    /// Push the gradient of a loss with respect to the kernels (`∂L/∂Re c + i·∂L/∂Im c`,
    /// `filters × kernel_len`) back to the parameters; returns `(∂L/∂m, ∂L/∂p)` laid out as
    /// [`SplineParams`].
    pub fn backward(&self, cache: &KernelCache, grad_kernels: &[Complex64]) -> SplineParams {
        let (l, k, parts, nf) = (self.spec.length(), self.spec.knots, self.parts(), self.spec.filters());
        let kl = self.kernel_len();
        let mut dm = vec![0.0; parts * k];
        let mut dp = vec![0.0; parts * k];
        let mut dg = vec![0.0; l];
        for f in 0..nf {
            let w = &grad_kernels[f * kl..(f + 1) * kl];
            for part in 0..parts {
                // gradient with respect to the normalised real filter g_t = y_t / y*
                if self.complex {
                    for (d, c) in dg.iter_mut().zip(w) {
                        *d = if part == 0 { c.re } else { c.im };
                    }
                } else {
                    self.complexify_adjoint(w, &mut dg);
                }
                let (arg, mx) = cache.max[f * parts + part];
                let y = &cache.raw[(f * parts + part) * l..(f * parts + part + 1) * l];
                // g = y / y[arg]: ∂L/∂y_t = dg_t / mx, and y[arg] also gets −Σ dg_s y_s / mx²
                let cross: f64 = dg.iter().zip(y).map(|(d, v)| d * v).sum::<f64>() / (mx * mx);
                let dm_row = &mut dm[part * k..(part + 1) * k];
                let dp_row = &mut dp[part * k..(part + 1) * k];
                for (t, b) in self.basis[f].iter().enumerate() {
                    let Some(b) = b else { continue };
                    let mut dy = dg[t] / mx;
                    if t == arg {
                        dy -= cross;
                    }
                    let n = b.interval;
                    dm_row[n] += dy * b.h[0];
                    dm_row[n + 1] += dy * b.h[1];
                    dp_row[n] += dy * b.h[2];
                    dp_row[n + 1] += dy * b.h[3];
                }
            }
        }
        // adjoint of the constraints: pinned ends get no gradient; the centring spreads the
        // interior sum.
        for part in 0..parts {
            let row = &mut dm[part * k..(part + 1) * k];
            row[0] = 0.0;
            row[k - 1] = 0.0;
            let total: f64 = row.iter().sum();
            for v in row[1..k - 1].iter_mut() {
                *v -= total / (k - 2) as f64;
            }
            let prow = &mut dp[part * k..(part + 1) * k];
            prow[0] = 0.0;
            prow[k - 1] = 0.0;
        }
        SplineParams { values: dm, derivatives: dp }
    }

    /// Adjoint of [`Self::complexify`] without the normalisation: `dg_t = Re Σ_k P_k e^{2πikt/L}`
    /// with `P = fft_{L+2}(w)[..L/2+1] / (L+2)`.
    fn complexify_adjoint(&self, w: &[Complex64], dg: &mut [f64]) {
        let l = dg.len();
        let mut buf = w.to_vec();
        self.fft_k.process(&mut buf);
        let norm = 1.0 / (l + 2) as f64;
        let mut spec = vec![Complex64::new(0.0, 0.0); l];
        for (s, b) in spec.iter_mut().zip(&buf[..l / 2 + 1]) {
            *s = b * norm;
        }
        self.ifft_l.process(&mut spec);
        for (d, s) in dg.iter_mut().zip(&spec) {
            *d = s.re;
        }
    }
}

/// Index and value of the largest element (first one on ties, as `argmax`).
fn signed_max(y: &[f64]) -> (usize, f64) {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, &v) in y.iter().enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_lengths_match_the_original_example() {
        for (j, kl) in [(4, 114), (6, 450), (8, 1794)] {
            let bank = SplineBank::new(SplineLayerSpec::new(j, 2, 7), false).unwrap();
            assert_eq!(bank.kernel_len(), kl);
        }
    }

    #[test]
    fn initial_mother_spline_is_centred_and_normalised() {
        let bank = SplineBank::new(SplineLayerSpec::new(3, 2, 7), true).unwrap();
        let (kern, _) = bank.kernels(&SplineParams::initial(7, true)).unwrap();
        let kl = bank.kernel_len();
        for f in 0..6 {
            let row = &kern[f * kl..(f + 1) * kl];
            let max_re = row.iter().map(|c| c.re).fold(f64::MIN, f64::max);
            let max_im = row.iter().map(|c| c.im).fold(f64::MIN, f64::max);
            assert!((max_re - 1.0).abs() < 1e-15 && (max_im - 1.0).abs() < 1e-15);
        }
    }
}
