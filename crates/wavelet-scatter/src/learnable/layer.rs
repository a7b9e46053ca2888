//! One learnable scattering layer as in the original TensorFlow graph: symmetric padding,
//! strided complex cross-correlation, modulus, average pooling — and its exact backward pass.

use num_complex::Complex64;
use rayon::prelude::*;

/// Sizes of one layer applied to rows of `n` samples.
#[derive(Clone, Copy, Debug)]
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
}

impl LayerGeometry {
    pub fn new(n: usize, k: usize, stride: usize, pool: usize) -> Self {
        let out = n / stride + 1;
        LayerGeometry { n, k, stride, out, pool, frames: out / pool.max(1) }
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
}

/// Forward pass over `rows` rows of `x` (`rows × n`): complex outputs `rows × filters × out`
/// and their moduli, same layout.
pub(crate) fn forward(g: &LayerGeometry, kernels: &[Complex64], x: &[f64]) -> (Vec<Complex64>, Vec<f64>) {
    let nf = kernels.len() / g.k;
    let rows = x.len() / g.n;
    let per_row = nf * g.out;
    let mut y = vec![Complex64::new(0.0, 0.0); rows * per_row];
    y.par_chunks_mut(per_row).zip(x.par_chunks(g.n)).for_each_init(
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
    );
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
    let per_row_results: Vec<(Vec<Complex64>, Vec<f64>)> = x
        .par_chunks(g.n)
        .enumerate()
        .map(|(r, xrow)| {
            let mut xp = vec![0.0; g.padded_len()];
            g.pad_into(xrow, &mut xp);
            let mut dk = vec![Complex64::new(0.0, 0.0); nf * g.k];
            let mut dxp = if want_input { vec![0.0; g.padded_len()] } else { Vec::new() };
            let base = r * per_row;
            for f in 0..nf {
                let c = &kernels[f * g.k..(f + 1) * g.k];
                let dkf = &mut dk[f * g.k..(f + 1) * g.k];
                for o in 0..g.out {
                    let i = base + f * g.out + o;
                    if u[i] == 0.0 || du[i] == 0.0 {
                        continue;
                    }
                    // |y|' = y / |y|
                    let gy = y[i] * (du[i] / u[i]);
                    let off = o * g.stride;
                    for (j, d) in dkf.iter_mut().enumerate() {
                        *d += gy * xp[off + j];
                    }
                    if want_input {
                        for (j, cj) in c.iter().enumerate() {
                            dxp[off + j] += gy.re * cj.re + gy.im * cj.im;
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
    let mut dk = vec![Complex64::new(0.0, 0.0); nf * g.k];
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
        let g = LayerGeometry::new(4, 6, 1, 1); // left = 2, right = 4 → padded length 10
        let x = [0.0, 1.0, 2.0, 3.0];
        let mut xp = vec![0.0; g.padded_len()];
        g.pad_into(&x, &mut xp);
        assert_eq!(xp, vec![1.0, 0.0, 0.0, 1.0, 2.0, 3.0, 3.0, 2.0, 1.0, 0.0]);
    }

    #[test]
    fn output_sizes_of_the_original_example() {
        let g1 = LayerGeometry::new(16384, 114, 4, 256);
        assert_eq!((g1.out, g1.frames), (4097, 16));
        let g2 = LayerGeometry::new(g1.out, 450, 4, 64);
        assert_eq!((g2.out, g2.frames), (1025, 16));
        let g3 = LayerGeometry::new(g2.out, 1794, 4, 16);
        assert_eq!((g3.out, g3.frames), (257, 16));
    }
}
