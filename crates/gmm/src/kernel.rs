//! Sample-lane matrix kernels behind the E- and M-steps.
//!
//! Both hot products are small GEMMs whose long dimension is the number of samples: the E-step
//! quadratic form `‖x·U − μ·U‖²` (U the upper-triangular precision Cholesky factor) and the
//! M-step weighted scatter `Σ r (x − μ)(x − μ)ᵀ`. A block of rows is transposed once so that
//! `L` consecutive samples form one SIMD vector; every output then accumulates lane-wise with
//! fused multiply–adds, which vectorises fully for any number of features (including small `d`,
//! where row-oriented tiles waste most of their width) and skips the zero upper triangle of U.
//!
//! The kernels are compiled three times — portable, AVX2 + FMA and AVX-512 + FMA — and chosen
//! at run time. The two FMA builds perform the same operations on every lane in the same order,
//! so they give bit-identical results; nothing depends on the number of threads.
#![allow(unsafe_code)]
// Kernels take the block geometry as separate scalars.
#![allow(clippy::too_many_arguments)]

/// Samples per SIMD vector (lanes).
pub(crate) const L: usize = 8;

/// Instruction set chosen for the kernels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Isa {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

fn isa() -> Isa {
    #[cfg(target_arch = "x86_64")]
    {
        use std::sync::OnceLock;
        static ISA: OnceLock<Isa> = OnceLock::new();
        *ISA.get_or_init(|| {
            let fma = std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma");
            if fma && std::is_x86_feature_detected!("avx512f") {
                Isa::Avx512
            } else if fma {
                Isa::Avx2
            } else {
                Isa::Portable
            }
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        Isa::Portable
    }
}

#[inline(always)]
fn fmadd<const FMA: bool>(a: f64, b: f64, c: f64) -> f64 {
    if FMA { a.mul_add(b, c) } else { a * b + c }
}

/// Run `$body` (an expression using the const generics `FMA` and `S`) compiled for the
/// best instruction set available: `S` is the number of lane vectors per register tile.
macro_rules! dispatch {
    ($name:ident, ($($arg:ident: $t:ty),*), $imp:ident) => {
        pub(crate) fn $name($($arg: $t),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx2,fma")]
                fn avx512($($arg: $t),*) {
                    $imp::<true, 8>($($arg),*)
                }
                #[target_feature(enable = "avx2,fma")]
                fn avx2($($arg: $t),*) {
                    $imp::<true, 2>($($arg),*)
                }
                match isa() {
                    // SAFETY: the CPU supports these features, checked at run time by `isa`.
                    Isa::Avx512 => return unsafe { avx512($($arg),*) },
                    // SAFETY: as above.
                    Isa::Avx2 => return unsafe { avx2($($arg),*) },
                    Isa::Portable => {}
                }
            }
            $imp::<false, 2>($($arg),*)
        }
    };
}

/// Precision Cholesky factors prepared for the E-step: the upper-triangular factors
/// (row-major; `k` of them for full, one for tied) and `μ_k · U_k`.
#[derive(Debug, Clone)]
pub(crate) struct PackedChol {
    pub d: usize,
    pub k: usize,
    pub tied: bool,
    u: Vec<f64>,
    /// `μ_k · U_k` (`k × d`).
    mu_u: Vec<f64>,
}

impl PackedChol {
    /// `chol`: `k` upper-triangular `d × d` factors (row-major, concatenated) for full, or one for tied;
    /// `means`: `k × d` row-major.
    pub fn new(chol: &[f64], means: &[f64], d: usize, k: usize, tied: bool) -> Self {
        // μ·U, summed in feature order as a row-vector × matrix product.
        let mut mu_u = vec![0.0; k * d];
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
        Self { d, k, tied, u: chol.to_vec(), mu_u }
    }
}

dispatch!(
    chol_quadratic,
    (pc: &PackedChol, xt: &[f64], stride: usize, i0: usize, m: usize, quad: &mut [f64]),
    chol_quadratic_impl
);

/// Quadratic forms `quad[r·k + comp] = ‖x_i·U_comp − μ_comp·U_comp‖²` for the samples
/// `i = i0 + r`, `r < m`, of the transposed data `xt` (`d` rows of `stride` samples).
/// `quad.len() == m·k`. Each `(x·U)_j` sums over rows `p ≤ j` of U in order; the squares add up
/// in column order.
#[inline(always)]
fn chol_quadratic_impl<const FMA: bool, const S: usize>(
    pc: &PackedChol,
    xt: &[f64],
    stride: usize,
    i0: usize,
    m: usize,
    quad: &mut [f64],
) {
    let (d, k) = (pc.d, pc.k);
    let w = S * L;
    let nf = if pc.tied { 1 } else { k };
    let mut xb = vec![0.0; d * w];
    let mut qt = vec![0.0; k * w];
    for g0 in (0..m).step_by(w) {
        let mg = w.min(m - g0);
        for p in 0..d {
            let src = &xt[p * stride + i0 + g0..p * stride + i0 + g0 + mg];
            if mg == w {
                // Full group: a copy of known length, inlined rather than a `memmove` call.
                for (dst, &v) in xb[p * w..(p + 1) * w].iter_mut().zip(src) {
                    *dst = v;
                }
            } else {
                xb[p * w..p * w + mg].copy_from_slice(src);
                xb[p * w + mg..(p + 1) * w].fill(0.0);
            }
        }
        qt.fill(0.0);
        for f in 0..nf {
            let u = &pc.u[f * d * d..(f + 1) * d * d];
            // Two columns of U at a time: rows p ≤ j0 + 1 contribute.
            for j0 in (0..d).step_by(2) {
                let two = j0 + 1 < d;
                let pmax = if two { j0 + 2 } else { j0 + 1 };
                #[cfg(target_arch = "x86_64")]
                if FMA && S == 8 && !pc.tied && isa() == Isa::Avx512 {
                    let mu = (pc.mu_u[f * d + j0], if two { pc.mu_u[f * d + j0 + 1] } else { 0.0 });
                    // SAFETY: AVX-512F is available (checked by `isa`); bounds are asserted inside.
                    unsafe { quad_pair_avx512(&xb, w, u, d, j0, pmax, two, mu, &mut qt[f * w..(f + 1) * w]) };
                    continue;
                }
                let acc = col_pair::<FMA, S>(&xb, w, u, d, j0, pmax, two);
                for (g, acc) in acc.iter().enumerate().take(if two { 2 } else { 1 }) {
                    let j = j0 + g;
                    let comps = if pc.tied { 0..k } else { f..f + 1 };
                    for comp in comps {
                        let mu = pc.mu_u[comp * d + j];
                        let q = &mut qt[comp * w..(comp + 1) * w];
                        for s in 0..S {
                            for l in 0..L {
                                let t = acc[s][l] - mu;
                                q[s * L + l] = fmadd::<FMA>(t, t, q[s * L + l]);
                            }
                        }
                    }
                }
            }
        }
        for r in 0..mg {
            for comp in 0..k {
                quad[(g0 + r) * k + comp] = qt[comp * w + r];
            }
        }
    }
}

/// `(x·U)_{j0}` and `(x·U)_{j0+1}` (the latter 0 unless `two`) for the `S·L` samples of `xt`,
/// summed over rows `p < pmax` of U in order.
#[inline(always)]
fn col_pair<const FMA: bool, const S: usize>(
    xt: &[f64],
    w: usize,
    u: &[f64],
    d: usize,
    j0: usize,
    pmax: usize,
    two: bool,
) -> [[[f64; L]; S]; 2] {
    #[cfg(target_arch = "x86_64")]
    if FMA && S == 8 && isa() == Isa::Avx512 {
        let mut out = [[[0.0; L]; S]; 2];
        // SAFETY: AVX-512F is available (checked by `isa`); `xt` holds `pmax` rows of `w = 8·L`
        // samples and `u` is `d × d`, as asserted inside.
        unsafe { col_pair_avx512(xt, w, u, d, j0, pmax, two, out.as_mut_ptr().cast()) };
        return out;
    }
    let mut acc = [[[0.0; L]; S]; 2];
    for p in 0..pmax {
        let u0 = u[p * d + j0];
        let u1 = if two { u[p * d + j0 + 1] } else { 0.0 };
        let mut xs = [[0.0; L]; S];
        for (s, xv) in xs.iter_mut().enumerate() {
            xv.copy_from_slice(&xt[p * w + s * L..p * w + (s + 1) * L]);
        }
        for s in 0..S {
            for l in 0..L {
                acc[0][s][l] = fmadd::<FMA>(xs[s][l], u0, acc[0][s][l]);
                acc[1][s][l] = fmadd::<FMA>(xs[s][l], u1, acc[1][s][l]);
            }
        }
    }
    acc
}

/// AVX-512 version of [`col_pair`] for `S = 8`: 16 accumulators in registers. Writes
/// `2 × 8 × L` values to `out`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
unsafe fn col_pair_avx512(xt: &[f64], w: usize, u: &[f64], d: usize, j0: usize, pmax: usize, two: bool, out: *mut f64) {
    use std::arch::x86_64::*;
    let (a0, a1) = pair_products_avx512(xt, w, u, d, j0, pmax, two);
    for s in 0..8 {
        // SAFETY: the caller's `out` holds 2 × 8 × L values.
        unsafe {
            _mm512_storeu_pd(out.add(s * L), a0[s]);
            _mm512_storeu_pd(out.add((8 + s) * L), a1[s]);
        }
    }
}

/// The product loop shared by [`col_pair_avx512`] and [`quad_pair_avx512`]: 16 accumulators
/// (two columns × 64 samples) in registers.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[inline]
fn pair_products_avx512(
    xt: &[f64],
    w: usize,
    u: &[f64],
    d: usize,
    j0: usize,
    pmax: usize,
    two: bool,
) -> ([std::arch::x86_64::__m512d; 8], [std::arch::x86_64::__m512d; 8]) {
    use std::arch::x86_64::*;
    assert!(w == 8 * L && xt.len() >= pmax * w && u.len() >= d * d && pmax <= d && j0 < d);
    let mut a0 = [_mm512_setzero_pd(); 8];
    let mut a1 = [_mm512_setzero_pd(); 8];
    for p in 0..pmax {
        let u0 = _mm512_set1_pd(u[p * d + j0]);
        let u1 = _mm512_set1_pd(if two { u[p * d + j0 + 1] } else { 0.0 });
        let row = xt[p * w..].as_ptr();
        for s in 0..8 {
            // SAFETY: row p of `xt` has `w = 64` values (asserted above).
            let xv = unsafe { _mm512_loadu_pd(row.add(s * L)) };
            a0[s] = _mm512_fmadd_pd(xv, u0, a0[s]);
            a1[s] = _mm512_fmadd_pd(xv, u1, a1[s]);
        }
    }
    (a0, a1)
}

/// [`col_pair_avx512`] followed by the update `q += (y_{j0} − μU_{j0})² (+ (y_{j0+1} − μU_{j0+1})²)`
/// of the 64 quadratic forms in `q`, in registers (the same operations as the portable path).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn quad_pair_avx512(
    xt: &[f64],
    w: usize,
    u: &[f64],
    d: usize,
    j0: usize,
    pmax: usize,
    two: bool,
    mu: (f64, f64),
    q: &mut [f64],
) {
    use std::arch::x86_64::*;
    assert!(q.len() == w);
    let (a0, a1) = pair_products_avx512(xt, w, u, d, j0, pmax, two);
    let (m0, m1) = (_mm512_set1_pd(mu.0), _mm512_set1_pd(mu.1));
    let qp = q.as_mut_ptr();
    for s in 0..8 {
        // SAFETY: `q` holds 64 values (asserted above).
        unsafe {
            let mut qv = _mm512_loadu_pd(qp.add(s * L));
            let t0 = _mm512_sub_pd(a0[s], m0);
            qv = _mm512_fmadd_pd(t0, t0, qv);
            if two {
                let t1 = _mm512_sub_pd(a1[s], m1);
                qv = _mm512_fmadd_pd(t1, t1, qv);
            }
            _mm512_storeu_pd(qp.add(s * L), qv);
        }
    }
}

/// Output rows and columns of one register tile of the scatter kernel.
const TA: usize = 5;
const TB: usize = 5;
/// Samples per cache block of the scatter kernel.
const SB: usize = 256;

dispatch!(
    weighted_scatter,
    (xt: &[f64], stride: usize, i0: usize, m: usize, k: usize, w: &[f64], skip_below: &[f64], means: &[f64], out: &mut [f64]),
    weighted_scatter_impl
);

/// For every component `c < k`, the lower triangle (and part of the upper) of
/// `Σ_r w[r·k + c] (x_i − μ_c)(x_i − μ_c)ᵀ` over the samples `i = i0 + r`, `r < m`, of the
/// transposed data `xt` (`d` rows of `stride` samples), added into `out[c·d·d..]` (`d × d`
/// row-major). `w`: `m × k` weights; `means`: `k × d`.
///
/// Each sum runs lane-wise (sample `i0 + r` in lane `r mod L`, samples in order) and the `L`
/// lane sums are added in lane order at the end. Weights below `skip_below[c]` count as zero;
/// when few samples of a block of `SB` carry weight, only those are gathered.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn weighted_scatter_impl<const FMA: bool, const S: usize>(
    xt: &[f64],
    stride: usize,
    i0: usize,
    m: usize,
    k: usize,
    w: &[f64],
    skip_below: &[f64],
    means: &[f64],
    out: &mut [f64],
) {
    let d = means.len() / k;
    let dp = d.div_ceil(TA.max(TB)) * TA.max(TB);
    // √w·(x − μ) of one component and block (so that the scatter is SᵀS and one array feeds
    // both tile operands); padding rows stay 0.
    let mut sd = vec![0.0; dp * SB];
    let mut wc = vec![0.0; SB];
    let tiles: Vec<(usize, usize)> = (0..dp)
        .step_by(TA)
        .flat_map(|a0| (0..dp).step_by(TB).take_while(move |&b0| b0 < a0 + TA).map(move |b0| (a0, b0)))
        .collect();
    let nt = tiles.len();
    let mut accmem = vec![[[[0.0; L]; TB]; TA]; nt * k];
    for sb in (0..m).step_by(SB) {
        let mb = SB.min(m - sb);
        for c in 0..k {
            let mu = &means[c * d..(c + 1) * d];
            let tau = skip_below[c];
            let mut kept = 0;
            for r in 0..mb {
                let v = w[(sb + r) * k + c];
                wc[r] = if v >= tau { v.sqrt() } else { 0.0 };
                kept += usize::from(wc[r] != 0.0);
            }
            if kept == 0 {
                continue;
            }
            let nv = if 2 * kept < mb {
                // Few samples carry weight: gather only those (in order).
                let nv = kept.div_ceil(L) * L;
                let mut cnt = 0;
                for r in 0..mb {
                    if wc[r] != 0.0 {
                        for a in 0..d {
                            sd[a * SB + cnt] = wc[r] * (xt[a * stride + i0 + sb + r] - mu[a]);
                        }
                        cnt += 1;
                    }
                }
                for a in 0..d {
                    sd[a * SB + cnt..a * SB + nv].fill(0.0);
                }
                nv
            } else {
                let nv = mb.div_ceil(L) * L;
                wc[mb..].fill(0.0);
                for a in 0..d {
                    let src = &xt[a * stride + i0 + sb..a * stride + i0 + sb + mb];
                    let dst = &mut sd[a * SB..a * SB + nv];
                    let m_a = mu[a];
                    for (dv, (&xv, &wr)) in dst.iter_mut().zip(src.iter().zip(&wc[..mb])) {
                        *dv = wr * (xv - m_a);
                    }
                    dst[mb..].fill(0.0);
                }
                nv
            };
            for (&(a0, b0), tile) in tiles.iter().zip(&mut accmem[c * nt..(c + 1) * nt]) {
                scatter_tile::<FMA>(&sd, a0, b0, nv, tile);
            }
        }
    }
    for c in 0..k {
        let o = &mut out[c * d * d..(c + 1) * d * d];
        for (&(a0, b0), tile) in tiles.iter().zip(&accmem[c * nt..(c + 1) * nt]) {
            for r in 0..TA.min(d.saturating_sub(a0)) {
                for cc in 0..TB.min(d.saturating_sub(b0)) {
                    o[(a0 + r) * d + b0 + cc] += tile[r][cc].iter().sum::<f64>();
                }
            }
        }
    }
    let _ = S;
}

/// One `TA × TB` register tile over the first `nv` samples of a block: `acc[r][c] +=
/// sd[a0 + r] ⊙ sd[b0 + c]` lane-wise (rows of `SB` samples).
#[inline(always)]
fn scatter_tile<const FMA: bool>(sd: &[f64], a0: usize, b0: usize, nv: usize, tile: &mut [[[f64; L]; TB]; TA]) {
    #[cfg(target_arch = "x86_64")]
    if FMA && isa() == Isa::Avx512 {
        // SAFETY: AVX-512F is available (checked by `isa`); bounds are asserted inside.
        unsafe { scatter_tile_avx512(sd, a0, b0, nv, tile) };
        return;
    }
    let mut acc = *tile;
    for v in (0..nv).step_by(L) {
        let mut wa = [[0.0; L]; TA];
        let mut db = [[0.0; L]; TB];
        for r in 0..TA {
            wa[r].copy_from_slice(&sd[(a0 + r) * SB + v..(a0 + r) * SB + v + L]);
        }
        for cc in 0..TB {
            db[cc].copy_from_slice(&sd[(b0 + cc) * SB + v..(b0 + cc) * SB + v + L]);
        }
        for r in 0..TA {
            for cc in 0..TB {
                for l in 0..L {
                    acc[r][cc][l] = fmadd::<FMA>(wa[r][l], db[cc][l], acc[r][cc][l]);
                }
            }
        }
    }
    *tile = acc;
}

/// AVX-512 version of [`scatter_tile`]: `TA × TB` accumulators in registers.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn scatter_tile_avx512(sd: &[f64], a0: usize, b0: usize, nv: usize, tile: &mut [[[f64; L]; TB]; TA]) {
    use std::arch::x86_64::*;
    assert!(nv <= SB && nv.is_multiple_of(L) && (a0 + TA) * SB <= sd.len() && (b0 + TB) * SB <= sd.len());
    let t = tile.as_mut_ptr().cast::<f64>();
    let mut acc = [[_mm512_setzero_pd(); TB]; TA];
    for r in 0..TA {
        for c in 0..TB {
            // SAFETY: the tile holds TA × TB × L values.
            acc[r][c] = unsafe { _mm512_loadu_pd(t.add((r * TB + c) * L)) };
        }
    }
    let (wp, dp) = (sd.as_ptr(), sd.as_ptr());
    for v in (0..nv).step_by(L) {
        // SAFETY: rows a0..a0+TA and b0..b0+TB of SB values exist and v + L <= nv <= SB (asserted).
        unsafe {
            let wa: [__m512d; TA] = std::array::from_fn(|r| _mm512_loadu_pd(wp.add((a0 + r) * SB + v)));
            let db: [__m512d; TB] = std::array::from_fn(|c| _mm512_loadu_pd(dp.add((b0 + c) * SB + v)));
            for r in 0..TA {
                for c in 0..TB {
                    acc[r][c] = _mm512_fmadd_pd(wa[r], db[c], acc[r][c]);
                }
            }
        }
    }
    for r in 0..TA {
        for c in 0..TB {
            // SAFETY: as above.
            unsafe { _mm512_storeu_pd(t.add((r * TB + c) * L), acc[r][c]) };
        }
    }
}

dispatch!(
    weighted_sums,
    (xt: &[f64], stride: usize, i0: usize, m: usize, k: usize, resp: &[f64], sx: &mut [f64], sx2: &mut [f64]),
    weighted_sums_impl
);

/// `sx[c·d + a] += Σ_r resp[r·k + c]·x_{i,a}` (and, when `sx2` is not empty, `sx2 += Σ r·x²`) over
/// the samples `i = i0 + r`, `r < m`, of the transposed data `xt` (`d` rows of `stride`
/// samples). Lane-wise sums (sample `i0 + r` in lane `r mod L`) added in lane order.
#[inline(always)]
fn weighted_sums_impl<const FMA: bool, const S: usize>(
    xt: &[f64],
    stride: usize,
    i0: usize,
    m: usize,
    k: usize,
    resp: &[f64],
    sx: &mut [f64],
    sx2: &mut [f64],
) {
    let d = sx.len() / k;
    let sq = !sx2.is_empty();
    let mv = m.div_ceil(L) * L;
    let mut rt = vec![0.0; k * mv];
    for (r, row) in resp.chunks_exact(k).enumerate() {
        for (c, &v) in row.iter().enumerate() {
            rt[c * mv + r] = v;
        }
    }
    let mut xa = vec![0.0; mv];
    for a in 0..d {
        let row = &xt[a * stride + i0..a * stride + i0 + m];
        // Read the data row in place unless it needs padding to whole lanes.
        let xa: &[f64] = if m == mv {
            row
        } else {
            xa[..m].copy_from_slice(row);
            &xa
        };
        for c in 0..k {
            let rc = &rt[c * mv..(c + 1) * mv];
            let (mut s1, mut s2) = ([0.0; L], [0.0; L]);
            for (xv, rv) in xa.chunks_exact(L).zip(rc.chunks_exact(L)) {
                for l in 0..L {
                    s1[l] = fmadd::<FMA>(rv[l], xv[l], s1[l]);
                    if sq {
                        s2[l] = fmadd::<FMA>(rv[l], xv[l] * xv[l], s2[l]);
                    }
                }
            }
            sx[c * d + a] += s1.iter().sum::<f64>();
            if sq {
                sx2[c * d + a] += s2.iter().sum::<f64>();
            }
        }
    }
    let _ = S;
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

    fn transpose(x: &[f64], d: usize) -> Vec<f64> {
        let n = x.len() / d;
        (0..d * n).map(|t| x[(t % n) * d + t / n]).collect()
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
        for &(d, k, n, tied) in &[(1, 1, 3, false), (3, 2, 7, false), (10, 3, 9, true), (13, 2, 70, false)] {
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
            let xt = transpose(&x, d);
            chol_quadratic(&pc, &xt, n, 0, n, &mut q);
            let e = naive_quad(&chol, &means, &x, d, k, tied);
            for (a, b) in q.iter().zip(&e) {
                assert!((a - b).abs() < 1e-12 * (1.0 + b.abs()), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn scatter_matches_naive() {
        for &(d, n, k) in &[(1, 3, 1), (5, 300, 2), (11, 600, 3), (9, 1, 2), (6, 700, 2)] {
            let x = pseudo(n * d, 4);
            // Some components mostly zero (gathered path), others dense.
            let w: Vec<f64> = pseudo(n * k, 5)
                .iter()
                .enumerate()
                .map(|(i, v)| if *v < -0.3 || (i % k == 0 && *v < 0.3) { 0.0 } else { v + 0.5 })
                .collect();
            let mu = pseudo(k * d, 6);
            let mut out = vec![0.0; k * d * d];
            weighted_scatter(&transpose(&x, d), n, 0, n, k, &w, &vec![0.0; k], &mu, &mut out);
            for c in 0..k {
                let o = &mut out[c * d * d..(c + 1) * d * d];
                symmetrize_from_lower(o, d);
                for a in 0..d {
                    for b in 0..d {
                        let e: f64 = (0..n)
                            .map(|i| w[i * k + c] * (x[i * d + a] - mu[c * d + a]) * (x[i * d + b] - mu[c * d + b]))
                            .sum();
                        assert!((o[a * d + b] - e).abs() < 1e-12 * (1.0 + e.abs()));
                    }
                }
            }
        }
    }

    /// The portable FMA code (S = 2, as the AVX2 build runs it) gives the same bits as the
    /// dispatched build; the non-FMA build agrees to rounding.
    #[test]
    fn builds_agree() {
        let (d, k, n) = (13, 3, 150);
        let mut chol = pseudo(k * d * d, 7);
        for f in 0..k {
            for p in 0..d {
                for j in 0..p {
                    chol[f * d * d + p * d + j] = 0.0;
                }
            }
        }
        let (means, x) = (pseudo(k * d, 8), pseudo(n * d, 9));
        let xt = transpose(&x, d);
        for tied in [false, true] {
            let pc = PackedChol::new(&chol, &means, d, k, tied);
            let mut q = [vec![0.0; n * k], vec![0.0; n * k], vec![0.0; n * k]];
            chol_quadratic(&pc, &xt, n, 0, n, &mut q[0]);
            chol_quadratic_impl::<true, 2>(&pc, &xt, n, 0, n, &mut q[1]);
            chol_quadratic_impl::<false, 2>(&pc, &xt, n, 0, n, &mut q[2]);
            if isa() != Isa::Portable {
                assert_eq!(q[0], q[1]);
            }
            assert!(q[0].iter().zip(&q[2]).all(|(a, b)| (a - b).abs() < 1e-12 * (1.0 + a.abs())));
        }
        let resp = pseudo(n * k, 10);
        let mut sx = [vec![0.0; k * d], vec![0.0; k * d]];
        let mut sx2 = [vec![0.0; k * d], vec![0.0; k * d]];
        let [sa, sb] = &mut sx;
        let [qa, qb] = &mut sx2;
        weighted_sums(&xt, n, 0, n, k, &resp, sa, qa);
        weighted_sums_impl::<true, 2>(&xt, n, 0, n, k, &resp, sb, qb);
        if isa() != Isa::Portable {
            assert_eq!(sx[0], sx[1]);
            assert_eq!(sx2[0], sx2[1]);
        }
    }
}
