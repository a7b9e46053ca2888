//! Inverse DFTs of one size over eight independent signals at once ("lanes"): every element
//! holds the real and imaginary parts of the same bin of eight signals, so each butterfly is
//! plain lane-wise arithmetic that the compiler maps onto whole vector registers (one AVX-512
//! register, two AVX2 registers or four SSE2 registers per part) with no shuffles.
//!
//! Why: the last layer of a scattering network applies the same band filter to many parent
//! paths, and its per-path inverse DFTs (sizes such as 1500 = 4·3·5³) are the network's main
//! cost. rustfft already runs them near the AVX2 arithmetic peak; eight lanes per operation let
//! CPUs with AVX-512 do twice the work per instruction.
//!
//! The algorithm is the self-sorting Stockham mixed-radix transform (radices 4, 2, 3, 5 and, for
//! other prime factors, a direct DFT), with twiddles computed in f64 from exactly reduced
//! angles. Every build executes the same IEEE operations lane by lane (no fused multiply-add),
//! so results are bit-identical whichever instruction set runs them.

// Lane loops index several arrays with the same lane number.
#![allow(clippy::needless_range_loop)]

use std::f64::consts::PI;

/// Number of signals transformed together.
pub(crate) const LANES: usize = 8;

/// One bin of eight signals (real parts, then imaginary parts).
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C, align(64))]
pub(crate) struct Lanes {
    pub(crate) re: [f64; LANES],
    pub(crate) im: [f64; LANES],
}

impl Lanes {
    pub(crate) const ZERO: Lanes = Lanes { re: [0.0; LANES], im: [0.0; LANES] };
}

#[inline(always)]
fn map2(a: &[f64; LANES], b: &[f64; LANES], f: impl Fn(f64, f64) -> f64) -> [f64; LANES] {
    let mut o = [0.0; LANES];
    for l in 0..LANES {
        o[l] = f(a[l], b[l]);
    }
    o
}

#[inline(always)]
fn add(a: &Lanes, b: &Lanes) -> Lanes {
    Lanes { re: map2(&a.re, &b.re, |x, y| x + y), im: map2(&a.im, &b.im, |x, y| x + y) }
}

#[inline(always)]
fn sub(a: &Lanes, b: &Lanes) -> Lanes {
    Lanes { re: map2(&a.re, &b.re, |x, y| x - y), im: map2(&a.im, &b.im, |x, y| x - y) }
}

/// `a·w` for one complex constant `w = (re, im)` shared by all lanes.
#[inline(always)]
pub(crate) fn twiddle(a: &Lanes, w: [f64; 2]) -> Lanes {
    let mut o = Lanes::ZERO;
    for l in 0..LANES {
        o.re[l] = (-a.im[l]).mul_add(w[1], a.re[l] * w[0]);
        o.im[l] = a.re[l].mul_add(w[1], a.im[l] * w[0]);
    }
    o
}

/// One Stockham pass: radix `p`, `m = n/p` butterflies of stride `s` (`M = n·s`).
struct Pass {
    p: usize,
    m: usize,
    s: usize,
    /// `m × (p − 1)` twiddles `ω_n^{k·t}` (k < m, 1 ≤ t < p).
    tw: Vec<[f64; 2]>,
    /// Direct DFT matrix `ω_p^{j·t}` for a radix without a dedicated kernel.
    dft: Vec<[f64; 2]>,
}

/// A planned inverse DFT of size `len` over [`LANES`] signals (unnormalised, `e^{+2iπ jk/len}`).
pub(crate) struct LanesFft {
    len: usize,
    passes: Vec<Pass>,
}

/// `e^{2iπ·num/den}` with the angle reduced exactly (`num mod den`) before the cosine.
fn unit(num: usize, den: usize) -> [f64; 2] {
    let phase = 2.0 * PI * (num % den) as f64 / den as f64;
    [phase.cos(), phase.sin()]
}

impl LanesFft {
    pub(crate) fn new(len: usize) -> Self {
        let mut radices = Vec::new();
        let mut rest = len.max(1);
        while rest.is_multiple_of(4) {
            radices.push(4);
            rest /= 4;
        }
        for p in [2, 3, 5] {
            while rest.is_multiple_of(p) {
                radices.push(p);
                rest /= p;
            }
        }
        let mut p = 7;
        while rest > 1 {
            while rest.is_multiple_of(p) {
                radices.push(p);
                rest /= p;
            }
            p += 2;
        }
        let mut passes = Vec::with_capacity(radices.len());
        let (mut n, mut s) = (len, 1);
        for p in radices {
            let m = n / p;
            let tw = (0..m).flat_map(|k| (1..p).map(move |t| unit(k * t, n))).collect();
            let dft = if matches!(p, 2..=5) {
                Vec::new()
            } else {
                (0..p).flat_map(|j| (0..p).map(move |t| unit(j * t, p))).collect()
            };
            passes.push(Pass { p, m, s, tw, dft });
            n = m;
            s *= p;
        }
        Self { len, passes }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Transform `a` (length `len`) using `b` (same length) as the ping-pong buffer. Returns
    /// `true` when the result ended in `b`, `false` when in `a`.
    pub(crate) fn process(&self, a: &mut [Lanes], b: &mut [Lanes]) -> bool {
        crate::simd::widest(
            #[inline(always)]
            || self.process_inline(a, b),
        )
    }

    /// Transform of the band products `z[j] = spec[j]·table[j]` for `j < table.len()` and
    /// zeros up to `len` (the twiddled filter row times the spectrum, folded into the first
    /// pass on AVX-512). The result ends in `a` (returns `false`) or `b` (`true`); with
    /// `squares`, its squared moduli are written there instead (the last pass stores them
    /// directly on AVX-512).
    pub(crate) fn process_band(
        &self,
        spec: &[Lanes],
        table: &[[f64; 2]],
        a: &mut [Lanes],
        b: &mut [Lanes],
        squares: Option<&mut [[f64; LANES]]>,
    ) -> bool {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("fma")
            && self.passes.iter().all(|p| (2..=5).contains(&p.p))
        {
            #[allow(unsafe_code)]
            // SAFETY: AVX-512F and FMA are available (checked just above).
            return unsafe { self.band_avx512(spec, table, a, b, squares) };
        }
        let in_b = self.band_portable(spec, table, a, b);
        if let Some(dst) = squares {
            squares_portable(if in_b { &b[..self.len] } else { &a[..self.len] }, dst);
        }
        in_b
    }

    /// # Safety
    /// The CPU supports AVX-512F and FMA; every radix is 2, 3, 4 or 5.
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    #[target_feature(enable = "avx512f,fma")]
    unsafe fn band_avx512(
        &self,
        spec: &[Lanes],
        table: &[[f64; 2]],
        a: &mut [Lanes],
        b: &mut [Lanes],
        mut squares: Option<&mut [[f64; LANES]]>,
    ) -> bool {
        use avx512::{ToLanes, ToSquares, run_first, run_fixed};
        let k = table.len();
        let (a, b) = (&mut a[..self.len], &mut b[..self.len]);
        let last = self.passes.len() - 1;
        macro_rules! radix {
            ($p:expr, $f:ident ($($arg:expr),*)) => {
                match $p {
                    2 => $f::<2, _>($($arg),*),
                    3 => $f::<3, _>($($arg),*),
                    4 => $f::<4, _>($($arg),*),
                    _ => $f::<5, _>($($arg),*),
                }
            };
        }
        let first = &self.passes[0];
        // SAFETY (all calls): AVX-512F and FMA (caller); buffer lengths are checked inside.
        unsafe {
            match squares.as_deref_mut() {
                Some(dst) if last == 0 => radix!(first.p, run_first(first, &spec[..k], table, ToSquares(dst))),
                _ => radix!(first.p, run_first(first, &spec[..k], table, ToLanes(a))),
            }
        }
        let mut in_b = false;
        for (i, pass) in self.passes.iter().enumerate().skip(1) {
            let (x, y): (&[Lanes], &mut [Lanes]) = if in_b { (b, a) } else { (a, b) };
            // SAFETY: as above.
            unsafe {
                match squares.as_deref_mut() {
                    Some(dst) if i == last => radix!(pass.p, run_fixed(pass, x, ToSquares(dst))),
                    _ => radix!(pass.p, run_fixed(pass, x, ToLanes(y))),
                }
            }
            in_b = !in_b;
        }
        in_b
    }

    fn band_portable(&self, spec: &[Lanes], table: &[[f64; 2]], a: &mut [Lanes], b: &mut [Lanes]) -> bool {
        let k = table.len();
        crate::simd::widest(
            #[inline(always)]
            || {
                for ((o, s), w) in a[..k].iter_mut().zip(spec).zip(table) {
                    *o = twiddle(s, *w);
                }
                a[k..self.len].fill(Lanes::ZERO);
            },
        );
        self.process(a, b)
    }

    #[inline(always)]
    fn process_inline(&self, a: &mut [Lanes], b: &mut [Lanes]) -> bool {
        let (a, b) = (&mut a[..self.len], &mut b[..self.len]);
        let mut in_b = false;
        for pass in &self.passes {
            if in_b {
                pass.run(b, a);
            } else {
                pass.run(a, b);
            }
            in_b = !in_b;
        }
        in_b
    }
}

impl Pass {
    #[inline(always)]
    fn run(&self, x: &[Lanes], y: &mut [Lanes]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("fma") {
            #[allow(unsafe_code)]
            // SAFETY: AVX-512F and FMA are available (checked just above); the buffers hold
            // the transform length m·s·p.
            unsafe {
                match self.p {
                    2 => return avx512::run_fixed::<2, _>(self, x, avx512::ToLanes(y)),
                    3 => return avx512::run_fixed::<3, _>(self, x, avx512::ToLanes(y)),
                    4 => return avx512::run_fixed::<4, _>(self, x, avx512::ToLanes(y)),
                    5 => return avx512::run_fixed::<5, _>(self, x, avx512::ToLanes(y)),
                    _ => {}
                }
            }
        }
        match self.p {
            2 => self.run_fixed::<2>(x, y),
            3 => self.run_fixed::<3>(x, y),
            4 => self.run_fixed::<4>(x, y),
            5 => self.run_fixed::<5>(x, y),
            _ => self.run_generic(x, y),
        }
    }

    /// `y[q + s(p·k + t)] = ω_n^{k t} · Σ_j x[q + s(k + j·m)] ω_p^{j t}`.
    #[inline(always)]
    fn run_fixed<const P: usize>(&self, x: &[Lanes], y: &mut [Lanes]) {
        let (m, s) = (self.m, self.s);
        for (k, (yk, tw)) in y.chunks_exact_mut(s * P).zip(self.tw.chunks_exact(P - 1)).enumerate() {
            let xs: [&[Lanes]; P] = std::array::from_fn(|j| &x[s * (k + j * m)..][..s]);
            let mut chunks = yk.chunks_exact_mut(s);
            let ys: [&mut [Lanes]; P] = std::array::from_fn(|_| chunks.next().unwrap_or_default());
            for q in 0..s {
                let a: [Lanes; P] = std::array::from_fn(|j| xs[j][q]);
                let mut b = [Lanes::ZERO; P];
                match P {
                    2 => {
                        b[0] = add(&a[0], &a[1]);
                        b[1] = sub(&a[0], &a[1]);
                    }
                    3 => dft3(&a, &mut b),
                    4 => dft4(&a, &mut b),
                    _ => dft5(&a, &mut b),
                }
                ys[0][q] = b[0];
                if k == 0 {
                    for t in 1..P {
                        ys[t][q] = b[t];
                    }
                } else {
                    for t in 1..P {
                        ys[t][q] = twiddle(&b[t], tw[t - 1]);
                    }
                }
            }
        }
    }

    fn run_generic(&self, x: &[Lanes], y: &mut [Lanes]) {
        let (p, m, s) = (self.p, self.m, self.s);
        for k in 0..m {
            for q in 0..s {
                for t in 0..p {
                    let mut acc = Lanes::ZERO;
                    for j in 0..p {
                        acc = add(&acc, &twiddle(&x[q + s * (k + j * m)], self.dft[j * p + t]));
                    }
                    y[q + s * (p * k + t)] =
                        if t == 0 || k == 0 { acc } else { twiddle(&acc, self.tw[k * (p - 1) + t - 1]) };
                }
            }
        }
    }
}

#[inline(always)]
fn dft3(a: &[Lanes], o: &mut [Lanes]) {
    const H: f64 = 0.866_025_403_784_438_6; // √3/2
    let s = add(&a[1], &a[2]);
    let d = sub(&a[1], &a[2]);
    o[0] = add(&a[0], &s);
    for l in 0..LANES {
        let c_re = (-0.5f64).mul_add(s.re[l], a[0].re[l]);
        let c_im = (-0.5f64).mul_add(s.im[l], a[0].im[l]);
        o[1].re[l] = (-H).mul_add(d.im[l], c_re);
        o[1].im[l] = H.mul_add(d.re[l], c_im);
        o[2].re[l] = H.mul_add(d.im[l], c_re);
        o[2].im[l] = (-H).mul_add(d.re[l], c_im);
    }
}

#[inline(always)]
fn dft4(a: &[Lanes], o: &mut [Lanes]) {
    let s02 = add(&a[0], &a[2]);
    let d02 = sub(&a[0], &a[2]);
    let s13 = add(&a[1], &a[3]);
    let d13 = sub(&a[1], &a[3]);
    o[0] = add(&s02, &s13);
    o[2] = sub(&s02, &s13);
    // d02 ± i·d13
    for l in 0..LANES {
        o[1].re[l] = d02.re[l] - d13.im[l];
        o[1].im[l] = d02.im[l] + d13.re[l];
        o[3].re[l] = d02.re[l] + d13.im[l];
        o[3].im[l] = d02.im[l] - d13.re[l];
    }
}

#[inline(always)]
fn dft5(a: &[Lanes], o: &mut [Lanes]) {
    // cos and sin of 2π/5 and 4π/5.
    const C1: f64 = 0.309_016_994_374_947_45;
    const C2: f64 = -0.809_016_994_374_947_5;
    const S1: f64 = 0.951_056_516_295_153_5;
    const S2: f64 = 0.587_785_252_292_473_2;
    let s14 = add(&a[1], &a[4]);
    let d14 = sub(&a[1], &a[4]);
    let s23 = add(&a[2], &a[3]);
    let d23 = sub(&a[2], &a[3]);
    o[0] = add(&a[0], &add(&s14, &s23));
    for l in 0..LANES {
        let r1_re = C2.mul_add(s23.re[l], C1.mul_add(s14.re[l], a[0].re[l]));
        let r1_im = C2.mul_add(s23.im[l], C1.mul_add(s14.im[l], a[0].im[l]));
        let r2_re = C1.mul_add(s23.re[l], C2.mul_add(s14.re[l], a[0].re[l]));
        let r2_im = C1.mul_add(s23.im[l], C2.mul_add(s14.im[l], a[0].im[l]));
        let t1_re = S2.mul_add(d23.re[l], S1 * d14.re[l]);
        let t1_im = S2.mul_add(d23.im[l], S1 * d14.im[l]);
        let t2_re = (-S1).mul_add(d23.re[l], S2 * d14.re[l]);
        let t2_im = (-S1).mul_add(d23.im[l], S2 * d14.im[l]);
        // r ± i·t
        o[1].re[l] = r1_re - t1_im;
        o[1].im[l] = r1_im + t1_re;
        o[4].re[l] = r1_re + t1_im;
        o[4].im[l] = r1_im - t1_re;
        o[2].re[l] = r2_re - t2_im;
        o[2].im[l] = r2_im + t2_re;
        o[3].re[l] = r2_re + t2_im;
        o[3].im[l] = r2_im - t2_re;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_complex::Complex64;
    use rustfft::FftPlanner;

    fn signal(_len: usize, lane: usize, i: usize) -> Complex64 {
        let x = (i * 7 + lane * 13) as f64;
        Complex64::new((x * 0.37).sin() + 0.1 * lane as f64, (x * 0.11).cos())
    }

    /// Every lane equals rustfft's inverse transform of that lane's signal.
    #[test]
    fn matches_rustfft() {
        let mut planner = FftPlanner::<f64>::new();
        for len in [1, 2, 3, 4, 5, 7, 8, 12, 14, 60, 120, 125, 300, 375, 600, 1000, 1500, 3000] {
            let fft = LanesFft::new(len);
            let mut a: Vec<Lanes> = (0..len)
                .map(|i| {
                    let mut v = Lanes::ZERO;
                    for l in 0..LANES {
                        let z = signal(len, l, i);
                        v.re[l] = z.re;
                        v.im[l] = z.im;
                    }
                    v
                })
                .collect();
            let mut b = vec![Lanes::ZERO; len];
            let in_b = fft.process(&mut a, &mut b);
            let out = if in_b { &b } else { &a };
            let inv = planner.plan_fft_inverse(len);
            for l in 0..LANES {
                let mut e: Vec<Complex64> = (0..len).map(|i| signal(len, l, i)).collect();
                inv.process(&mut e);
                let max = e.iter().map(|z| z.norm()).fold(0.0, f64::max);
                for (i, z) in e.iter().enumerate() {
                    let got = Complex64::new(out[i].re[l], out[i].im[l]);
                    assert!((got - z).norm() <= 1e-14 * max.max(1.0), "len {len} lane {l} bin {i}: {got} vs {z}");
                }
            }
        }
    }
}

#[cfg(test)]
mod timing {
    use super::*;
    use num_complex::Complex64;
    use rustfft::FftPlanner;
    use std::time::Instant;

    /// `cargo test --release -p wavelet-scatter --lib lanes::timing -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn lanes_vs_rustfft() {
        let mut planner = FftPlanner::<f64>::new();
        for len in (24..=3000).filter(|m| 3000 % m == 0) {
            let fft = LanesFft::new(len);
            let mut a = vec![Lanes { re: [0.3; LANES], im: [0.1; LANES] }; len];
            let mut b = vec![Lanes::ZERO; len];
            let reps = 3_000_000 / len;
            let t = Instant::now();
            for _ in 0..reps {
                std::hint::black_box(fft.process(&mut a, &mut b));
            }
            let lanes_ns = t.elapsed().as_nanos() as f64 / (reps * len * LANES) as f64;
            let inv = planner.plan_fft_inverse(len);
            let mut e = vec![Complex64::new(0.3, 0.1); len * LANES];
            let mut scratch = vec![Complex64::new(0.0, 0.0); inv.get_inplace_scratch_len()];
            let t = Instant::now();
            for _ in 0..reps {
                inv.process_with_scratch(&mut e, &mut scratch);
                std::hint::black_box(&e);
            }
            let rf_ns = t.elapsed().as_nanos() as f64 / (reps * len * LANES) as f64;
            println!("len {len}: lanes {lanes_ns:.3} ns/pt, rustfft {rf_ns:.3} ns/pt, ratio {:.2}", rf_ns / lanes_ns);
        }
    }
}

/// AVX-512F + FMA kernels of [`Pass::run_fixed`]: one `__m512d` per eight real (or imaginary)
/// parts, the same operations in the same order as the portable code (which the compiler
/// does not vectorise cleanly), hence bit-identical results.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx512 {
    use super::{Lanes, Pass};
    use std::arch::x86_64::*;

    #[derive(Clone, Copy)]
    pub(super) struct C {
        re: __m512d,
        im: __m512d,
    }

    /// # Safety
    /// `p` valid for reading one `Lanes` (64-byte aligned by its type).
    #[inline(always)]
    unsafe fn ld(p: *const Lanes) -> C {
        unsafe { C { re: _mm512_load_pd((*p).re.as_ptr()), im: _mm512_load_pd((*p).im.as_ptr()) } }
    }

    /// # Safety
    /// `p` valid for writing one `Lanes`.
    #[inline(always)]
    unsafe fn st(p: *mut Lanes, c: C) {
        unsafe {
            _mm512_store_pd((*p).re.as_mut_ptr(), c.re);
            _mm512_store_pd((*p).im.as_mut_ptr(), c.im);
        }
    }

    #[inline(always)]
    fn add(a: C, b: C) -> C {
        unsafe { C { re: _mm512_add_pd(a.re, b.re), im: _mm512_add_pd(a.im, b.im) } }
    }

    #[inline(always)]
    fn sub(a: C, b: C) -> C {
        unsafe { C { re: _mm512_sub_pd(a.re, b.re), im: _mm512_sub_pd(a.im, b.im) } }
    }

    /// `a·w`: re = fma(−a.im, w.im, a.re·w.re), im = fma(a.re, w.im, a.im·w.re).
    #[inline(always)]
    fn twiddle(a: C, w: [f64; 2]) -> C {
        unsafe {
            let (wr, wi) = (_mm512_set1_pd(w[0]), _mm512_set1_pd(w[1]));
            C {
                re: _mm512_fnmadd_pd(a.im, wi, _mm512_mul_pd(a.re, wr)),
                im: _mm512_fmadd_pd(a.re, wi, _mm512_mul_pd(a.im, wr)),
            }
        }
    }

    #[inline(always)]
    fn set(v: f64) -> __m512d {
        unsafe { _mm512_set1_pd(v) }
    }

    #[inline(always)]
    fn fma(a: __m512d, b: __m512d, c: __m512d) -> __m512d {
        unsafe { _mm512_fmadd_pd(a, b, c) }
    }

    #[inline(always)]
    fn mul(a: __m512d, b: __m512d) -> __m512d {
        unsafe { _mm512_mul_pd(a, b) }
    }

    #[inline(always)]
    fn addv(a: __m512d, b: __m512d) -> __m512d {
        unsafe { _mm512_add_pd(a, b) }
    }

    #[inline(always)]
    fn subv(a: __m512d, b: __m512d) -> __m512d {
        unsafe { _mm512_sub_pd(a, b) }
    }

    #[inline(always)]
    fn dft<const P: usize>(a: &[C; P], o: &mut [C; P]) {
        match P {
            2 => {
                o[0] = add(a[0], a[1]);
                o[1] = sub(a[0], a[1]);
            }
            3 => {
                const H: f64 = 0.866_025_403_784_438_6;
                let s = add(a[1], a[2]);
                let d = sub(a[1], a[2]);
                o[0] = add(a[0], s);
                let c_re = fma(set(-0.5), s.re, a[0].re);
                let c_im = fma(set(-0.5), s.im, a[0].im);
                o[1] = C { re: fma(set(-H), d.im, c_re), im: fma(set(H), d.re, c_im) };
                o[2] = C { re: fma(set(H), d.im, c_re), im: fma(set(-H), d.re, c_im) };
            }
            4 => {
                let s02 = add(a[0], a[2]);
                let d02 = sub(a[0], a[2]);
                let s13 = add(a[1], a[3]);
                let d13 = sub(a[1], a[3]);
                o[0] = add(s02, s13);
                o[2] = sub(s02, s13);
                o[1] = C { re: subv(d02.re, d13.im), im: addv(d02.im, d13.re) };
                o[3] = C { re: addv(d02.re, d13.im), im: subv(d02.im, d13.re) };
            }
            _ => {
                const C1: f64 = 0.309_016_994_374_947_45;
                const C2: f64 = -0.809_016_994_374_947_5;
                const S1: f64 = 0.951_056_516_295_153_5;
                const S2: f64 = 0.587_785_252_292_473_2;
                let s14 = add(a[1], a[4]);
                let d14 = sub(a[1], a[4]);
                let s23 = add(a[2], a[3]);
                let d23 = sub(a[2], a[3]);
                o[0] = add(a[0], add(s14, s23));
                let r1_re = fma(set(C2), s23.re, fma(set(C1), s14.re, a[0].re));
                let r1_im = fma(set(C2), s23.im, fma(set(C1), s14.im, a[0].im));
                let r2_re = fma(set(C1), s23.re, fma(set(C2), s14.re, a[0].re));
                let r2_im = fma(set(C1), s23.im, fma(set(C2), s14.im, a[0].im));
                let t1_re = fma(set(S2), d23.re, mul(set(S1), d14.re));
                let t1_im = fma(set(S2), d23.im, mul(set(S1), d14.im));
                let t2_re = fma(set(-S1), d23.re, mul(set(S2), d14.re));
                let t2_im = fma(set(-S1), d23.im, mul(set(S2), d14.im));
                o[1] = C { re: subv(r1_re, t1_im), im: addv(r1_im, t1_re) };
                o[4] = C { re: addv(r1_re, t1_im), im: subv(r1_im, t1_re) };
                o[2] = C { re: subv(r2_re, t2_im), im: addv(r2_im, t2_re) };
                o[3] = C { re: addv(r2_re, t2_im), im: subv(r2_im, t2_re) };
            }
        }
    }

    /// Where a pass writes its outputs.
    pub(super) trait Sink {
        /// Outputs are squared moduli: the pass's unit-modulus output twiddles are skipped
        /// (they do not change a modulus).
        const SQUARES: bool;
        fn len(&self) -> usize;
        /// # Safety
        /// `i < self.len()`; the CPU supports AVX-512F.
        unsafe fn put(&mut self, i: usize, c: C);
    }

    /// Complex outputs.
    pub(super) struct ToLanes<'a>(pub(super) &'a mut [Lanes]);

    impl Sink for ToLanes<'_> {
        const SQUARES: bool = false;
        fn len(&self) -> usize {
            self.0.len()
        }
        #[inline(always)]
        unsafe fn put(&mut self, i: usize, c: C) {
            // SAFETY: i < len (caller).
            unsafe { st(self.0.as_mut_ptr().add(i), c) }
        }
    }

    /// Squared moduli `re·re + im·im` (no fused multiply-add).
    pub(super) struct ToSquares<'a>(pub(super) &'a mut [[f64; 8]]);

    impl Sink for ToSquares<'_> {
        const SQUARES: bool = true;
        fn len(&self) -> usize {
            self.0.len()
        }
        #[inline(always)]
        unsafe fn put(&mut self, i: usize, c: C) {
            // SAFETY: i < len (caller); AVX-512F (caller).
            unsafe {
                let v = _mm512_add_pd(_mm512_mul_pd(c.re, c.re), _mm512_mul_pd(c.im, c.im));
                _mm512_storeu_pd(self.0.as_mut_ptr().add(i) as *mut f64, v);
            }
        }
    }

    /// The first pass (stride 1) of a band transform: input element `i` is
    /// `spec[i]·table[i]` for `i < table.len()`, zero beyond.
    ///
    /// # Safety
    /// The CPU supports AVX-512F and FMA; `spec` holds `table.len()` elements, `y` holds `m·P`.
    #[target_feature(enable = "avx512f,fma")]
    pub(super) unsafe fn run_first<const P: usize, S: Sink>(pass: &Pass, spec: &[Lanes], table: &[[f64; 2]], mut y: S) {
        let m = pass.m;
        let len = table.len();
        assert!(pass.s == 1 && spec.len() >= len && y.len() >= m * P && pass.tw.len() >= m * (P - 1));
        let (sp, twp) = (spec.as_ptr(), pass.tw.as_ptr());
        let zero = C { re: _mm512_setzero_pd(), im: _mm512_setzero_pd() };
        for k in 0..m {
            // SAFETY: inputs are read only below `len`; outputs below m·P (asserted sizes).
            unsafe {
                let a: [C; P] = std::array::from_fn(|j| {
                    let i = k + j * m;
                    if i < len { twiddle(ld(sp.add(i)), table[i]) } else { zero }
                });
                let mut b = a;
                dft::<P>(&a, &mut b);
                let base = P * k;
                y.put(base, b[0]);
                if k == 0 || S::SQUARES {
                    for (t, v) in b.iter().enumerate().skip(1) {
                        y.put(base + t, *v);
                    }
                } else {
                    for (t, v) in b.iter().enumerate().skip(1) {
                        y.put(base + t, twiddle(*v, *twp.add(k * (P - 1) + t - 1)));
                    }
                }
            }
        }
    }

    /// Lane `l` of `|y[q]|²` (`re·re + im·im`, no fused multiply-add) to `dst[l·stride + q]`:
    /// squares of eight elements, then an 8 × 8 transpose (three shuffle rounds) and one
    /// full 64-byte store per lane.
    ///
    /// # Safety
    /// The CPU supports AVX-512F; `dst` holds `7·stride + y.len()` elements.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn scatter_squares(y: &[Lanes], dst: &mut [f64], stride: usize) {
        assert!(y.is_empty() || dst.len() >= 7 * stride + y.len());
        let dp = dst.as_mut_ptr();
        let body = y.len() - y.len() % 8;
        for q0 in (0..body).step_by(8) {
            // SAFETY: q0 + 8 ≤ y.len(), so every row stored lies inside `dst` (asserted).
            unsafe {
                let v: [__m512d; 8] = std::array::from_fn(|i| {
                    let c = ld(y.as_ptr().add(q0 + i));
                    _mm512_add_pd(_mm512_mul_pd(c.re, c.re), _mm512_mul_pd(c.im, c.im))
                });
                let t: [__m512d; 8] = std::array::from_fn(|i| {
                    let (a, b) = (v[i & !1], v[i | 1]);
                    if i % 2 == 0 { _mm512_unpacklo_pd(a, b) } else { _mm512_unpackhi_pd(a, b) }
                });
                // u[0], u[1]: items 0-3 of lanes {0, 4} and {2, 6}; u[2], u[3]: lanes {1, 5}
                // and {3, 7}; u[4..8] the same for items 4-7.
                let u = [
                    _mm512_shuffle_f64x2::<0x88>(t[0], t[2]),
                    _mm512_shuffle_f64x2::<0xDD>(t[0], t[2]),
                    _mm512_shuffle_f64x2::<0x88>(t[1], t[3]),
                    _mm512_shuffle_f64x2::<0xDD>(t[1], t[3]),
                    _mm512_shuffle_f64x2::<0x88>(t[4], t[6]),
                    _mm512_shuffle_f64x2::<0xDD>(t[4], t[6]),
                    _mm512_shuffle_f64x2::<0x88>(t[5], t[7]),
                    _mm512_shuffle_f64x2::<0xDD>(t[5], t[7]),
                ];
                let row = |l: usize| dp.add(l * stride + q0);
                _mm512_storeu_pd(row(0), _mm512_shuffle_f64x2::<0x88>(u[0], u[4]));
                _mm512_storeu_pd(row(4), _mm512_shuffle_f64x2::<0xDD>(u[0], u[4]));
                _mm512_storeu_pd(row(2), _mm512_shuffle_f64x2::<0x88>(u[1], u[5]));
                _mm512_storeu_pd(row(6), _mm512_shuffle_f64x2::<0xDD>(u[1], u[5]));
                _mm512_storeu_pd(row(1), _mm512_shuffle_f64x2::<0x88>(u[2], u[6]));
                _mm512_storeu_pd(row(5), _mm512_shuffle_f64x2::<0xDD>(u[2], u[6]));
                _mm512_storeu_pd(row(3), _mm512_shuffle_f64x2::<0x88>(u[3], u[7]));
                _mm512_storeu_pd(row(7), _mm512_shuffle_f64x2::<0xDD>(u[3], u[7]));
            }
        }
        super::scatter_squares_portable(&y[body..], &mut dst[body..], stride);
    }

    /// `dst[q] = |y[q]|²` lane-wise (`re·re + im·im`, no fused multiply-add).
    ///
    /// # Safety
    /// The CPU supports AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn squares(y: &[Lanes], dst: &mut [[f64; 8]]) {
        for (d, v) in dst.iter_mut().zip(y) {
            // SAFETY: `v` is one aligned `Lanes`, `d` eight f64.
            unsafe {
                let c = ld(v);
                _mm512_storeu_pd(d.as_mut_ptr(), _mm512_add_pd(_mm512_mul_pd(c.re, c.re), _mm512_mul_pd(c.im, c.im)));
            }
        }
    }

    /// [`Pass::run_fixed`] for radix `P` ∈ {2, 3, 4, 5}.
    ///
    /// # Safety
    /// The CPU supports AVX-512F and FMA; `x` and `y` hold `m·s·P` elements.
    #[target_feature(enable = "avx512f,fma")]
    pub(super) unsafe fn run_fixed<const P: usize, S: Sink>(pass: &Pass, x: &[Lanes], mut y: S) {
        let (m, s) = (pass.m, pass.s);
        assert!(x.len() >= m * s * P && y.len() >= m * s * P && pass.tw.len() >= m * (P - 1));
        let (xp, twp) = (x.as_ptr(), pass.tw.as_ptr());
        for k in 0..m {
            for q in 0..s {
                // SAFETY: q + s(k + j·m) < s·m·P and q + s(P·k + t) < s·m·P (asserted sizes).
                unsafe {
                    let a: [C; P] = std::array::from_fn(|j| ld(xp.add(q + s * (k + j * m))));
                    let mut b = a;
                    dft::<P>(&a, &mut b);
                    let base = q + s * P * k;
                    y.put(base, b[0]);
                    if k == 0 || S::SQUARES {
                        for (t, v) in b.iter().enumerate().skip(1) {
                            y.put(base + s * t, *v);
                        }
                    } else {
                        for (t, v) in b.iter().enumerate().skip(1) {
                            y.put(base + s * t, twiddle(*v, *twp.add(k * (P - 1) + t - 1)));
                        }
                    }
                }
            }
        }
    }
}

/// Lane `l` of `|y[q]|²` (`re·re + im·im`) to `dst[l·stride + q]` (`dst` holds
/// `7·stride + y.len()` elements).
pub(crate) fn scatter_squares(y: &[Lanes], dst: &mut [f64], stride: usize) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        #[allow(unsafe_code)]
        // SAFETY: AVX-512F is available (checked just above).
        unsafe {
            avx512::scatter_squares(y, dst, stride)
        };
        return;
    }
    scatter_squares_portable(y, dst, stride);
}

fn scatter_squares_portable(y: &[Lanes], dst: &mut [f64], stride: usize) {
    for (q, v) in y.iter().enumerate() {
        for l in 0..LANES {
            dst[l * stride + q] = v.re[l] * v.re[l] + v.im[l] * v.im[l];
        }
    }
}

/// `dst[q] = |y[q]|²` lane-wise (`re·re + im·im`).
pub(crate) fn squares(y: &[Lanes], dst: &mut [[f64; LANES]]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        #[allow(unsafe_code)]
        // SAFETY: AVX-512F is available (checked just above).
        unsafe {
            avx512::squares(y, dst)
        };
        return;
    }
    squares_portable(y, dst);
}

fn squares_portable(y: &[Lanes], dst: &mut [[f64; LANES]]) {
    for (d, v) in dst.iter_mut().zip(y) {
        for l in 0..LANES {
            d[l] = v.re[l] * v.re[l] + v.im[l] * v.im[l];
        }
    }
}
