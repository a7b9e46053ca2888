//! One learnable scattering layer as in the original TensorFlow graph: symmetric padding,
//! strided complex cross-correlation, modulus, average pooling — and its exact backward pass.
//! The correlation runs directly (short kernels) or through FFTs of the padded row (long
//! kernels); both give the same values to round-off.

use std::sync::Arc;

use num_complex::Complex64;
use rayon::prelude::*;
use rustfft::{Fft, FftPlanner};

/// How a layer evaluates its strided cross-correlations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Correlation {
    /// Pick per layer the cheaper of the two by an operation count (default).
    #[default]
    Auto,
    /// Direct sums: `out · K` multiply-adds per row and filter.
    Direct,
    /// FFTs of the zero-extended padded row: `O(M log M)` per row and filter, `M ≥ n + K`.
    Fft,
}

#[derive(Clone)]
struct FftPlan {
    m: usize,
    fwd: Arc<dyn Fft<f64>>,
    inv: Arc<dyn Fft<f64>>,
}

/// Sizes of one layer applied to rows of `n` samples, and its correlation method.
#[derive(Clone)]
pub(crate) struct LayerGeometry {
    /// Input samples per row.
    pub n: usize,
    /// Kernel length.
    pub k: usize,
    /// Stride of the correlation.
    pub stride: usize,
    /// Output samples per row and filter: `⌊n / stride⌋ + 1`.
    pub out: usize,
    /// Average-pooling window (= pooling stride).
    pub pool: usize,
    /// Pooled frames: `⌊out / pool⌋`.
    pub frames: usize,
    fft: Option<FftPlan>,
}

impl std::fmt::Debug for LayerGeometry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LayerGeometry")
            .field("n", &self.n)
            .field("k", &self.k)
            .field("stride", &self.stride)
            .field("out", &self.out)
            .field("pool", &self.pool)
            .field("fft_len", &self.fft.as_ref().map(|p| p.m))
            .finish()
    }
}

impl LayerGeometry {
    /// Plan a layer with `filters` filters; `method` chooses the correlation.
    pub fn planned(n: usize, k: usize, stride: usize, pool: usize, filters: usize, method: Correlation) -> Self {
        let out = n / stride + 1;
        let m = (n + k).next_power_of_two();
        let direct_cost = 2.0 * (out * k * filters) as f64;
        // per row: one forward FFT, per filter one inverse FFT (+ three in the backward pass)
        let fft_cost = (1 + 2 * filters) as f64 * 2.5 * m as f64 * (m as f64).log2() + (filters * m) as f64 * 4.0;
        let use_fft = match method {
            Correlation::Auto => fft_cost < direct_cost,
            Correlation::Direct => false,
            Correlation::Fft => true,
        };
        let fft = use_fft.then(|| {
            let mut planner = FftPlanner::new();
            FftPlan { m, fwd: planner.plan_fft_forward(m), inv: planner.plan_fft_inverse(m) }
        });
        LayerGeometry { n, k, stride, out, pool, frames: out / pool.max(1), fft }
    }

    /// Left padding `K/2 − 1` (the right one is `K/2 + 1`).
    fn left(&self) -> usize {
        (self.k / 2).saturating_sub(1)
    }

    /// Index into the input row of padded position `q` (numpy/TensorFlow "symmetric" padding:
    /// the edge sample is repeated, longer pads reflect again).
    fn source(&self, q: usize) -> usize {
        let n = self.n as isize;
        let m = (q as isize - self.left() as isize).rem_euclid(2 * n);
        (if m < n { m } else { 2 * n - 1 - m }) as usize
    }

    fn padded_len(&self) -> usize {
        self.n + self.k
    }

    fn pad_into(&self, x: &[f64], xp: &mut [f64]) {
        for (q, v) in xp.iter_mut().enumerate() {
            *v = x[self.source(q)];
        }
    }

    /// Spectra of the kernels for the FFT path: `(FFT(c), conj(FFT(conj c)))` per filter.
    fn kernel_spectra(&self, plan: &FftPlan, kernels: &[Complex64]) -> (Vec<Complex64>, Vec<Complex64>) {
        let nf = kernels.len() / self.k;
        let zero = Complex64::new(0.0, 0.0);
        let mut direct = vec![zero; nf * plan.m];
        let mut conj = vec![zero; nf * plan.m];
        for f in 0..nf {
            let c = &kernels[f * self.k..(f + 1) * self.k];
            let d = &mut direct[f * plan.m..(f + 1) * plan.m];
            d[..self.k].copy_from_slice(c);
            plan.fwd.process(d);
            let e = &mut conj[f * plan.m..(f + 1) * plan.m];
            for (v, cj) in e.iter_mut().zip(c) {
                *v = cj.conj();
            }
            plan.fwd.process(e);
            e.iter_mut().for_each(|v| *v = v.conj());
        }
        (direct, conj)
    }

    /// Spectrum of the zero-extended padded row (`xp` receives the padded row).
    fn row_spectrum(&self, plan: &FftPlan, xrow: &[f64], xp: &mut [f64], buf: &mut [Complex64]) {
        self.pad_into(xrow, xp);
        for (b, v) in buf.iter_mut().zip(xp.iter().chain(std::iter::repeat(&0.0))) {
            *b = Complex64::new(*v, 0.0);
        }
        plan.fwd.process(buf);
    }
}

/// Forward pass over `rows` rows of `x` (`rows × n`): complex outputs `rows × filters × out`
/// and their moduli, same layout.
pub(crate) fn forward(g: &LayerGeometry, kernels: &[Complex64], x: &[f64]) -> (Vec<Complex64>, Vec<f64>) {
    let nf = kernels.len() / g.k;
    let rows = x.len() / g.n;
    let per_row = nf * g.out;
    let zero = Complex64::new(0.0, 0.0);
    let mut y = vec![zero; rows * per_row];
    match &g.fft {
        None => y.par_chunks_mut(per_row).zip(x.par_chunks(g.n)).for_each_init(
            || vec![0.0; g.padded_len()],
            |xp, (yrow, xrow)| {
                g.pad_into(xrow, xp);
                for (f, yf) in yrow.chunks_mut(g.out).enumerate() {
                    let c = &kernels[f * g.k..(f + 1) * g.k];
                    for (o, yo) in yf.iter_mut().enumerate() {
                        let seg = &xp[o * g.stride..o * g.stride + g.k];
                        let (mut re, mut im) = (0.0, 0.0);
                        for (s, cj) in seg.iter().zip(c) {
                            re += s * cj.re;
                            im += s * cj.im;
                        }
                        *yo = Complex64::new(re, im);
                    }
                }
            },
        ),
        Some(plan) => {
            let (_, conj) = g.kernel_spectra(plan, kernels);
            let scale = 1.0 / plan.m as f64;
            y.par_chunks_mut(per_row).zip(x.par_chunks(g.n)).for_each_init(
                || (vec![0.0; g.padded_len()], vec![zero; plan.m], vec![zero; plan.m]),
                |(xp, xs, buf), (yrow, xrow)| {
                    g.row_spectrum(plan, xrow, xp, xs);
                    for (f, yf) in yrow.chunks_mut(g.out).enumerate() {
                        // r[t] = Σ_j xp[t + j] c[j] = IFFT(XP · conj(FFT(conj c)))[t] / M
                        for ((b, a), c) in buf.iter_mut().zip(xs.iter()).zip(&conj[f * plan.m..(f + 1) * plan.m]) {
                            *b = a * c;
                        }
                        plan.inv.process(buf);
                        for (o, yo) in yf.iter_mut().enumerate() {
                            *yo = buf[o * g.stride] * scale;
                        }
                    }
                },
            );
        }
    }
    let u = y.par_iter().map(|c| c.norm()).collect();
    (y, u)
}

/// Average pooling of `u` (`rows × out`) into `rows × frames`.
pub(crate) fn pool(g: &LayerGeometry, u: &[f64]) -> Vec<f64> {
    let rows = u.len() / g.out;
    let mut s = vec![0.0; rows * g.frames];
    for (srow, urow) in s.chunks_mut(g.frames).zip(u.chunks(g.out)) {
        for (p, sp) in srow.iter_mut().enumerate() {
            *sp = urow[p * g.pool..(p + 1) * g.pool].iter().sum::<f64>() / g.pool as f64;
        }
    }
    s
}

/// Add the gradient of the pooling (`ds`, `rows × frames`) to `du` (`rows × out`).
pub(crate) fn pool_backward(g: &LayerGeometry, ds: &[f64], du: &mut [f64]) {
    for (srow, urow) in ds.chunks(g.frames).zip(du.chunks_mut(g.out)) {
        for (p, &d) in srow.iter().enumerate() {
            let share = d / g.pool as f64;
            urow[p * g.pool..(p + 1) * g.pool].iter_mut().for_each(|v| *v += share);
        }
    }
}

/// Backward pass of [`forward`]: from `du` (`rows × filters × out`) to the kernel gradient
/// (`∂L/∂Re c + i·∂L/∂Im c`, `filters × k`) and, when `want_input` is set, the input gradient
/// (`rows × n`). Sums over rows are reduced in row order, so the result does not depend on the
/// number of threads.
pub(crate) fn backward(
    g: &LayerGeometry,
    kernels: &[Complex64],
    x: &[f64],
    y: &[Complex64],
    u: &[f64],
    du: &[f64],
    want_input: bool,
) -> (Vec<Complex64>, Option<Vec<f64>>) {
    let nf = kernels.len() / g.k;
    let per_row = nf * g.out;
    let zero = Complex64::new(0.0, 0.0);
    // |y|' = y / |y| (zero where the modulus vanishes)
    let gy = |i: usize| if u[i] == 0.0 || du[i] == 0.0 { zero } else { y[i] * (du[i] / u[i]) };
    let spectra = g.fft.as_ref().map(|plan| (plan, g.kernel_spectra(plan, kernels).0));
    let per_row_results: Vec<(Vec<Complex64>, Vec<f64>)> = x
        .par_chunks(g.n)
        .enumerate()
        .map(|(r, xrow)| {
            let mut xp = vec![0.0; g.padded_len()];
            let mut dk = vec![zero; nf * g.k];
            let mut dxp = if want_input { vec![0.0; g.padded_len()] } else { Vec::new() };
            let base = r * per_row;
            match &spectra {
                None => {
                    g.pad_into(xrow, &mut xp);
                    for f in 0..nf {
                        let c = &kernels[f * g.k..(f + 1) * g.k];
                        let dkf = &mut dk[f * g.k..(f + 1) * g.k];
                        for o in 0..g.out {
                            let gyo = gy(base + f * g.out + o);
                            if gyo == zero {
                                continue;
                            }
                            let off = o * g.stride;
                            for (j, d) in dkf.iter_mut().enumerate() {
                                *d += gyo * xp[off + j];
                            }
                            if want_input {
                                for (j, cj) in c.iter().enumerate() {
                                    dxp[off + j] += gyo.re * cj.re + gyo.im * cj.im;
                                }
                            }
                        }
                    }
                }
                Some((plan, direct)) => {
                    let m = plan.m;
                    let scale = 1.0 / m as f64;
                    let mut xs = vec![zero; m];
                    g.row_spectrum(plan, xrow, &mut xp, &mut xs);
                    let (mut gs, mut buf) = (vec![zero; m], vec![zero; m]);
                    for f in 0..nf {
                        // G = FFT(conj gu), gu = gy upsampled by the stride
                        gs.iter_mut().for_each(|v| *v = zero);
                        for o in 0..g.out {
                            gs[o * g.stride] = gy(base + f * g.out + o).conj();
                        }
                        plan.fwd.process(&mut gs);
                        // dk[j] = Σ_t gu[t] xp[t + j] = IFFT(XP · conj(G))[j] / M
                        for ((b, a), c) in buf.iter_mut().zip(&xs).zip(&gs) {
                            *b = a * c.conj();
                        }
                        plan.inv.process(&mut buf);
                        for (d, b) in dk[f * g.k..(f + 1) * g.k].iter_mut().zip(&buf) {
                            *d = b * scale;
                        }
                        if want_input {
                            // dxp[m] = Re Σ_t conj(gu[t]) c[m − t] = Re IFFT(G · FFT(c))[m] / M
                            for ((b, a), c) in buf.iter_mut().zip(&gs).zip(&direct[f * m..(f + 1) * m]) {
                                *b = a * c;
                            }
                            plan.inv.process(&mut buf);
                            for (d, b) in dxp.iter_mut().zip(&buf) {
                                *d += b.re * scale;
                            }
                        }
                    }
                }
            }
            let dx = if want_input {
                let mut dx = vec![0.0; g.n];
                for (q, d) in dxp.iter().enumerate() {
                    dx[g.source(q)] += d;
                }
                dx
            } else {
                Vec::new()
            };
            (dk, dx)
        })
        .collect();
    let mut dk = vec![zero; nf * g.k];
    let mut dx = if want_input { Vec::with_capacity(x.len()) } else { Vec::new() };
    for (dkr, dxr) in per_row_results {
        dk.iter_mut().zip(&dkr).for_each(|(a, b)| *a += b);
        dx.extend_from_slice(&dxr);
    }
    (dk, if want_input { Some(dx) } else { None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_padding_matches_numpy() {
        // np.pad([0,1,2,3], (2, 3), mode="symmetric") = [1,0,0,1,2,3,3,2,1]
        let g = LayerGeometry::planned(4, 6, 1, 1, 1, Correlation::Direct); // left = 2, right = 4 → padded length 10
        let x = [0.0, 1.0, 2.0, 3.0];
        let mut xp = vec![0.0; g.padded_len()];
        g.pad_into(&x, &mut xp);
        assert_eq!(xp, vec![1.0, 0.0, 0.0, 1.0, 2.0, 3.0, 3.0, 2.0, 1.0, 0.0]);
    }

    #[test]
    fn output_sizes_of_the_original_example() {
        let g1 = LayerGeometry::planned(16384, 114, 4, 256, 32, Correlation::Auto);
        assert_eq!((g1.out, g1.frames), (4097, 16));
        let g2 = LayerGeometry::planned(g1.out, 450, 4, 64, 12, Correlation::Auto);
        assert_eq!((g2.out, g2.frames), (1025, 16));
        let g3 = LayerGeometry::planned(g2.out, 1794, 4, 16, 8, Correlation::Auto);
        assert_eq!((g3.out, g3.frames), (257, 16));
    }
}
