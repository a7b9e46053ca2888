//! Register-blocked matrix kernels behind the E- and M-steps.
//!
//! Both hot products are small GEMMs over a block of rows: the E-step quadratic form
//! `‖x·U − μ·U‖²` (U the upper-triangular precision Cholesky factor) and the M-step weighted
//! scatter `Σ r (x − μ)(x − μ)ᵀ`. One `MR × NR` micro-kernel serves both; operands are packed
//! into contiguous panels first so the inner loop is unit-stride and bounds-check free.
//!
//! The kernels are compiled twice: portable, and with AVX2 + FMA enabled, chosen at run time.
//! The choice does not depend on the number of threads, so results stay thread-count
//! independent on a given machine.
#![allow(unsafe_code)]

/// Rows of a micro-tile.
pub(crate) const MR: usize = 4;
/// Columns of a micro-tile.
pub(crate) const NR: usize = 8;

#[inline(always)]
fn fmadd<const FMA: bool>(a: f64, b: f64, c: f64) -> f64 {
    if FMA { a.mul_add(b, c) } else { a * b + c }
}

/// `acc[r][c] = Σ_p a[p][r] · b[p][c]` over `kk` packed steps (`a`: kk×MR, `b`: kk×NR).
#[inline(always)]
fn micro<const FMA: bool>(a: &[f64], b: &[f64], kk: usize) -> [[f64; NR]; MR] {
    let mut acc = [[0.0; NR]; MR];
    for (a, b) in a[..kk * MR].chunks_exact(MR).zip(b[..kk * NR].chunks_exact(NR)) {
        let a: &[f64; MR] = a.try_into().expect("chunk of MR");
        let b: &[f64; NR] = b.try_into().expect("chunk of NR");
        for r in 0..MR {
            for c in 0..NR {
                acc[r][c] = fmadd::<FMA>(a[r], b[c], acc[r][c]);
            }
        }
    }
    acc
}

/// True when the AVX2 + FMA build of the kernels can run on this CPU.
pub(crate) fn fma_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        use std::sync::OnceLock;
        static HAS: OnceLock<bool> = OnceLock::new();
        *HAS.get_or_init(|| std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma"))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Precision Cholesky factors packed for the E-step: the `d × ncol` matrix `[U_0 … U_{k-1}]`
/// (full) or `U` (tied) cut into column panels of width `NR`; panel `q` stores only its first
/// `plim[q]` rows, since rows below the diagonal of an upper-triangular factor are zero.
#[derive(Debug, Clone)]
pub(crate) struct PackedChol {
    pub d: usize,
    pub k: usize,
    pub tied: bool,
    ncol: usize,
    plim: Vec<usize>,
    poff: Vec<usize>,
    data: Vec<f64>,
    /// `μ_k · U_k` laid out by column (full: `ncol`; tied: `k × d`).
    mu_u: Vec<f64>,
}

impl PackedChol {
    /// `chol`: `k` upper-triangular `d × d` factors (row-major, concatenated) for full, or one for tied;
    /// `means`: `k × d` row-major.
    pub fn new(chol: &[f64], means: &[f64], d: usize, k: usize, tied: bool) -> Self {
        let ncol = if tied { d } else { k * d };
        let npanel = ncol.div_ceil(NR);
        let factor = |g: usize| if tied { 0 } else { g / d };
        let entry = |p: usize, g: usize| chol[factor(g) * d * d + p * d + g % d];
        let mut plim = Vec::with_capacity(npanel);
        let mut poff = Vec::with_capacity(npanel);
        let mut data = Vec::new();
        for q in 0..npanel {
            let cols = q * NR..((q + 1) * NR).min(ncol);
            let lim = cols.clone().map(|g| g % d + 1).max().unwrap_or(0);
            plim.push(lim);
            poff.push(data.len());
            for p in 0..lim {
                for c in 0..NR {
                    let g = q * NR + c;
                    data.push(if g < ncol { entry(p, g) } else { 0.0 });
                }
            }
        }
        // μ·U, summed in feature order as a row-vector × matrix product.
        let mut mu_u = vec![0.0; if tied { k * d } else { ncol }];
        for comp in 0..k {
            let mu = &means[comp * d..(comp + 1) * d];
            let u = &chol[if tied { 0 } else { comp * d * d }..];
            let out = &mut mu_u[comp * d..(comp + 1) * d];
            for (p, &m) in mu.iter().enumerate() {
                for (j, o) in out.iter_mut().enumerate() {
                    *o += m * u[p * d + j];
                }
            }
        }
        Self { d, k, tied, ncol, plim, poff, data, mu_u }
    }
}

/// Quadratic forms `quad[i·k + comp] = ‖x_i·U_comp − μ_comp·U_comp‖²` for the rows of `x`
/// (`n × d` row-major). `quad.len() == n·k`.
pub(crate) fn chol_quadratic(pc: &PackedChol, x: &[f64], quad: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if fma_available() {
        // SAFETY: the CPU supports AVX2 and FMA, checked at run time just above.
        unsafe { chol_quadratic_fma(pc, x, quad) };
        return;
    }
    chol_quadratic_impl::<false>(pc, x, quad)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn chol_quadratic_fma(pc: &PackedChol, x: &[f64], quad: &mut [f64]) {
    chol_quadratic_impl::<true>(pc, x, quad)
}

#[inline(always)]
fn chol_quadratic_impl<const FMA: bool>(pc: &PackedChol, x: &[f64], quad: &mut [f64]) {
    let (d, k) = (pc.d, pc.k);
    let n = x.len() / d;
    let mut apack = vec![0.0; d * MR];
    let mut q4 = vec![0.0; MR * k];
    for rb in (0..n).step_by(MR) {
        let m = MR.min(n - rb);
        for r in 0..MR {
            for p in 0..d {
                apack[p * MR + r] = if r < m { x[(rb + r) * d + p] } else { 0.0 };
            }
        }
        q4.fill(0.0);
        for (q, (&lim, &off)) in pc.plim.iter().zip(&pc.poff).enumerate() {
            let acc = micro::<FMA>(&apack, &pc.data[off..off + lim * NR], lim);
            for c in 0..NR {
                let g = q * NR + c;
                if g >= pc.ncol {
                    break;
                }
                if pc.tied {
                    for comp in 0..k {
                        let mu = pc.mu_u[comp * d + g];
                        for r in 0..MR {
                            let t = acc[r][c] - mu;
                            q4[r * k + comp] = fmadd::<FMA>(t, t, q4[r * k + comp]);
                        }
                    }
                } else {
                    let comp = g / d;
                    let mu = pc.mu_u[g];
                    for r in 0..MR {
                        let t = acc[r][c] - mu;
                        q4[r * k + comp] = fmadd::<FMA>(t, t, q4[r * k + comp]);
                    }
                }
            }
        }
        quad[rb * k..(rb + m) * k].copy_from_slice(&q4[..m * k]);
    }
}

/// Lower triangle (and part of the upper) of `Σ_i w_i (x_i − μ)(x_i − μ)ᵀ` added into `out`
/// (`d × d` row-major) over the rows of `x` (`n × d`) with `w_i != 0`. `w(i)` gives the weight.
pub(crate) fn weighted_scatter<W: Fn(usize) -> f64>(x: &[f64], d: usize, w: W, mu: &[f64], out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if fma_available() {
        // SAFETY: the CPU supports AVX2 and FMA, checked at run time just above.
        unsafe { weighted_scatter_fma(x, d, &w, mu, out) };
        return;
    }
    weighted_scatter_impl::<false, W>(x, d, &w, mu, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn weighted_scatter_fma<W: Fn(usize) -> f64>(x: &[f64], d: usize, w: &W, mu: &[f64], out: &mut [f64]) {
    weighted_scatter_impl::<true, W>(x, d, w, mu, out)
}

/// Rows gathered per packed block of the scatter kernel.
const KB: usize = 256;

#[inline(always)]
fn weighted_scatter_impl<const FMA: bool, W: Fn(usize) -> f64>(
    x: &[f64],
    d: usize,
    w: &W,
    mu: &[f64],
    out: &mut [f64],
) {
    let n = x.len() / d;
    let npa = d.div_ceil(MR);
    let npb = d.div_ceil(NR);
    // Panels: A = w·(x − μ) in MR-wide column panels, B = (x − μ) in NR-wide panels.
    let mut apack = vec![0.0; npa * KB * MR];
    let mut bpack = vec![0.0; npb * KB * NR];
    let mut i = 0;
    while i < n {
        let mut cnt = 0;
        while i < n && cnt < KB {
            let wi = w(i);
            if wi != 0.0 {
                let row = &x[i * d..(i + 1) * d];
                for a in 0..npa * MR {
                    let v = if a < d { wi * (row[a] - mu[a]) } else { 0.0 };
                    apack[(a / MR) * KB * MR + cnt * MR + a % MR] = v;
                }
                for b in 0..npb * NR {
                    let v = if b < d { row[b] - mu[b] } else { 0.0 };
                    bpack[(b / NR) * KB * NR + cnt * NR + b % NR] = v;
                }
                cnt += 1;
            }
            i += 1;
        }
        if cnt == 0 {
            continue;
        }
        for ap in 0..npa {
            let a0 = ap * MR;
            let ablk = &apack[ap * KB * MR..ap * KB * MR + cnt * MR];
            for bq in 0..npb {
                let b0 = bq * NR;
                if b0 > a0 + MR - 1 {
                    break; // tile entirely above the diagonal
                }
                let acc = micro::<FMA>(ablk, &bpack[bq * KB * NR..bq * KB * NR + cnt * NR], cnt);
                for r in 0..MR.min(d - a0) {
                    for c in 0..NR.min(d - b0) {
                        out[(a0 + r) * d + b0 + c] += acc[r][c];
                    }
                }
            }
        }
    }
}

/// Copy the lower triangle of a row-major `d × d` matrix onto its upper triangle.
pub(crate) fn symmetrize_from_lower(m: &mut [f64], d: usize) {
    for a in 0..d {
        for b in a + 1..d {
            m[a * d + b] = m[b * d + a];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_quad(chol: &[f64], means: &[f64], x: &[f64], d: usize, k: usize, tied: bool) -> Vec<f64> {
        let n = x.len() / d;
        let mut out = vec![0.0; n * k];
        for i in 0..n {
            for comp in 0..k {
                let u = &chol[if tied { 0 } else { comp * d * d }..];
                let mut s = 0.0;
                for j in 0..d {
                    let mut y = 0.0;
                    for p in 0..d {
                        y += (x[i * d + p] - means[comp * d + p]) * u[p * d + j];
                    }
                    s += y * y;
                }
                out[i * k + comp] = s;
            }
        }
        out
    }

    fn pseudo(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
            })
            .collect()
    }

    #[test]
    fn quadratic_matches_naive() {
        for &(d, k, n, tied) in &[(1, 1, 3, false), (3, 2, 7, false), (10, 3, 9, true), (13, 2, 5, false)] {
            let mut chol = pseudo(if tied { d * d } else { k * d * d }, 1);
            for f in 0..if tied { 1 } else { k } {
                for p in 0..d {
                    for j in 0..p {
                        chol[f * d * d + p * d + j] = 0.0;
                    }
                }
            }
            let means = pseudo(k * d, 2);
            let x = pseudo(n * d, 3);
            let pc = PackedChol::new(&chol, &means, d, k, tied);
            let mut q = vec![0.0; n * k];
            chol_quadratic(&pc, &x, &mut q);
            let e = naive_quad(&chol, &means, &x, d, k, tied);
            for (a, b) in q.iter().zip(&e) {
                assert!((a - b).abs() < 1e-12 * (1.0 + b.abs()), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn scatter_matches_naive() {
        for &(d, n) in &[(1, 3), (5, 300), (11, 600)] {
            let x = pseudo(n * d, 4);
            let w: Vec<f64> = pseudo(n, 5).iter().map(|v| if *v < -0.3 { 0.0 } else { v + 0.5 }).collect();
            let mu = pseudo(d, 6);
            let mut out = vec![0.0; d * d];
            weighted_scatter(&x, d, |i| w[i], &mu, &mut out);
            symmetrize_from_lower(&mut out, d);
            for a in 0..d {
                for b in 0..d {
                    let e: f64 = (0..n).map(|i| w[i] * (x[i * d + a] - mu[a]) * (x[i * d + b] - mu[b])).sum();
                    assert!((out[a * d + b] - e).abs() < 1e-12 * (1.0 + e.abs()));
                }
            }
        }
    }
}
