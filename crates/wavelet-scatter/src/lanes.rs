//! Inverse DFTs of one size over eight independent signals at once ("lanes"): every element
//! holds the real and imaginary parts of the same bin of eight signals, so each butterfly is
//! plain lane-wise arithmetic on whole vector registers (one AVX-512 register per part) with no
//! shuffles. The compiler does not vectorise the portable lane loops cleanly, so the AVX-512
//! kernels are written with intrinsics (module `kern`); the portable code runs elsewhere.
//!
//! Why: the last layer of a scattering network applies the same band filter to many parent
//! paths, and its per-path inverse DFTs (sizes such as 1500 = 4·3·5³) are the network's main
//! cost. rustfft already runs them near the AVX2 arithmetic peak; eight lanes per operation let
//! CPUs with AVX-512 do twice the work per instruction.
//!
//! The algorithm is the self-sorting Stockham mixed-radix transform (radices 4, 2, 3, 5 and, for
//! other prime factors, a direct DFT), with twiddles computed in f64 from exactly reduced
//! angles. The portable and AVX-512 code execute the same IEEE operations lane by lane, fused
//! multiply-adds included (`mul_add`, a correctly rounded operation everywhere), so results are
//! bit-identical whichever runs them (unit-tested).

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

    /// Transform `a` (length `len`) using `b` (same length) as the ping-pong buffer, on the
    /// given kernels. Returns `true` when the result ended in `b`, `false` when in `a`.
    pub(crate) fn process(&self, backend: Backend, a: &mut [Lanes], b: &mut [Lanes]) -> bool {
        crate::simd::widest(
            #[inline(always)]
            || {
                let (a, b) = (&mut a[..self.len], &mut b[..self.len]);
                let mut in_b = false;
                for pass in &self.passes {
                    if in_b {
                        pass.run(backend, b, a);
                    } else {
                        pass.run(backend, a, b);
                    }
                    in_b = !in_b;
                }
                in_b
            },
        )
    }

    /// Transform of the band products `z[j] = spec[j]·table[j]` for `j < table.len()` and
    /// zeros up to `len` (the twiddled filter row times the spectrum, folded into the first
    /// pass on AVX-512). The result ends in `a` (returns `false`) or `b` (`true`). With
    /// `squares`, its squared moduli go there instead (stored by the last pass on AVX-512) and
    /// the returned flag means nothing.
    pub(crate) fn process_band(
        &self,
        backend: Backend,
        spec: &[Lanes],
        table: &[[f64; 2]],
        a: &mut [Lanes],
        b: &mut [Lanes],
        squares: Option<&mut [[f64; LANES]]>,
    ) -> bool {
        #[cfg(target_arch = "x86_64")]
        if backend == Backend::Avx512 && !self.passes.is_empty() && self.passes.iter().all(|p| (2..=5).contains(&p.p)) {
            #[allow(unsafe_code)]
            // SAFETY: AVX-512F and FMA are available (`Backend::Avx512` is only detected so);
            // radices checked.
            return unsafe { kern::band_avx512(self, spec, table, a, b, squares) };
        }
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
        let in_b = self.process(Backend::Portable, a, b);
        if let Some(dst) = squares {
            squares_portable(if in_b { &b[..self.len] } else { &a[..self.len] }, dst);
        }
        in_b
    }
}

impl Pass {
    #[inline(always)]
    fn run(&self, backend: Backend, x: &[Lanes], y: &mut [Lanes]) {
        #[cfg(target_arch = "x86_64")]
        if backend == Backend::Avx512 && (2..=5).contains(&self.p) {
            #[allow(unsafe_code)]
            // SAFETY: AVX-512F and FMA are available (`Backend::Avx512` is only detected so);
            // radix checked.
            return unsafe { kern::pass_avx512(self, x, y) };
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

    fn lanes_signal(len: usize, salt: usize) -> Vec<Lanes> {
        (0..len)
            .map(|i| {
                let mut v = Lanes::ZERO;
                for l in 0..LANES {
                    let z = signal(len, l + salt, i);
                    v.re[l] = z.re;
                    v.im[l] = z.im;
                }
                v
            })
            .collect()
    }

    /// The CPU's kernels (AVX-512 where available) give bit for bit the portable results:
    /// plain transforms, band transforms with zero padding, squared moduli.
    #[test]
    fn backends_agree_bit_for_bit() {
        let fast = Backend::detect();
        for len in [2usize, 3, 4, 5, 12, 60, 120, 200, 375, 1500, 3000] {
            let fft = LanesFft::new(len);
            let x = lanes_signal(len, 0);
            let (mut a1, mut b1) = (x.clone(), vec![Lanes::ZERO; len]);
            let (mut a2, mut b2) = (x.clone(), vec![Lanes::ZERO; len]);
            let r1 = fft.process(Backend::Portable, &mut a1, &mut b1);
            let r2 = fft.process(fast, &mut a2, &mut b2);
            assert_eq!(r1, r2);
            assert_eq!(if r1 { &b1 } else { &a1 }, if r2 { &b2 } else { &a2 }, "process, len {len}");
            for k in [len, len / 2 + 1] {
                let spec = lanes_signal(k, 3);
                let table: Vec<[f64; 2]> = (0..k).map(|j| unit(7 * j + 1, 97)).map(|w| [0.5 * w[0], w[1]]).collect();
                let (mut a1, mut b1) = (vec![Lanes::ZERO; len], vec![Lanes::ZERO; len]);
                let (mut a2, mut b2) = (vec![Lanes::ZERO; len], vec![Lanes::ZERO; len]);
                let r1 = fft.process_band(Backend::Portable, &spec, &table, &mut a1, &mut b1, None);
                let r2 = fft.process_band(fast, &spec, &table, &mut a2, &mut b2, None);
                assert_eq!(if r1 { &b1 } else { &a1 }, if r2 { &b2 } else { &a2 }, "band, len {len}, K {k}");
                let (mut s1, mut s2) = (vec![[0.0; LANES]; len], vec![[0.0; LANES]; len]);
                fft.process_band(Backend::Portable, &spec, &table, &mut a1, &mut b1, Some(&mut s1));
                fft.process_band(fast, &spec, &table, &mut a2, &mut b2, Some(&mut s2));
                assert_eq!(s1, s2, "squares, len {len}, K {k}");
            }
        }
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
            let in_b = fft.process(Backend::detect(), &mut a, &mut b);
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
                std::hint::black_box(fft.process(Backend::detect(), &mut a, &mut b));
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

/// Vector kernels: eight f64 lanes as one AVX-512 register (`W512`), written over the `V8`
/// trait so that another backend only needs its eight-lane arithmetic. (Two AVX2 registers per
/// value were tried: radix-5 butterflies then need more than AVX2's 16 registers and ran 2.3×
/// slower than AVX-512, slower than rustfft item by item.)
/// The same IEEE operations in the same order as the portable code (which the compiler does
/// not vectorise cleanly, hence explicit intrinsics), so results are bit-identical.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
///
/// Invariant: the only items reachable from outside are the `unsafe` entry points whose
/// `# Safety` names the CPU features; every helper using intrinsics is private and inlined into
/// those `#[target_feature]` frames.
mod kern {
    use super::{LANES, Lanes, LanesFft, Pass};
    use std::arch::x86_64::*;

    /// Eight f64 lanes.
    trait V8: Copy {
        /// # Safety
        /// `p` is valid for reading eight f64; the CPU has the backend's features.
        unsafe fn load(p: *const f64) -> Self;
        /// # Safety
        /// `p` is valid for writing eight f64; the CPU has the backend's features.
        unsafe fn store(self, p: *mut f64);
        fn splat(x: f64) -> Self;
        fn zero() -> Self;
        fn add(self, b: Self) -> Self;
        fn sub(self, b: Self) -> Self;
        fn mul(self, b: Self) -> Self;
        /// `self·b + c`, one rounding.
        fn fmadd(self, b: Self, c: Self) -> Self;
        /// `c − self·b`, one rounding.
        fn fnmadd(self, b: Self, c: Self) -> Self;
    }

    /// One AVX-512 register.
    #[derive(Clone, Copy)]
    struct W512(__m512d);

    // The intrinsics below are only reached from `#[target_feature]` frames of the matching
    // backend (the methods are inlined into them).
    impl V8 for W512 {
        #[inline(always)]
        unsafe fn load(p: *const f64) -> Self {
            unsafe { W512(_mm512_loadu_pd(p)) }
        }
        #[inline(always)]
        unsafe fn store(self, p: *mut f64) {
            unsafe { _mm512_storeu_pd(p, self.0) }
        }
        #[inline(always)]
        fn splat(x: f64) -> Self {
            unsafe { W512(_mm512_set1_pd(x)) }
        }
        #[inline(always)]
        fn zero() -> Self {
            unsafe { W512(_mm512_setzero_pd()) }
        }
        #[inline(always)]
        fn add(self, b: Self) -> Self {
            unsafe { W512(_mm512_add_pd(self.0, b.0)) }
        }
        #[inline(always)]
        fn sub(self, b: Self) -> Self {
            unsafe { W512(_mm512_sub_pd(self.0, b.0)) }
        }
        #[inline(always)]
        fn mul(self, b: Self) -> Self {
            unsafe { W512(_mm512_mul_pd(self.0, b.0)) }
        }
        #[inline(always)]
        fn fmadd(self, b: Self, c: Self) -> Self {
            unsafe { W512(_mm512_fmadd_pd(self.0, b.0, c.0)) }
        }
        #[inline(always)]
        fn fnmadd(self, b: Self, c: Self) -> Self {
            unsafe { W512(_mm512_fnmadd_pd(self.0, b.0, c.0)) }
        }
    }

    /// One complex bin of eight lanes.
    #[derive(Clone, Copy)]
    struct C<V> {
        re: V,
        im: V,
    }

    /// # Safety
    /// `p` valid for reading one `Lanes`; the CPU has the backend's features.
    #[inline(always)]
    unsafe fn ld<V: V8>(p: *const Lanes) -> C<V> {
        unsafe { C { re: V::load((*p).re.as_ptr()), im: V::load((*p).im.as_ptr()) } }
    }

    #[inline(always)]
    fn add<V: V8>(a: C<V>, b: C<V>) -> C<V> {
        C { re: a.re.add(b.re), im: a.im.add(b.im) }
    }

    #[inline(always)]
    fn sub<V: V8>(a: C<V>, b: C<V>) -> C<V> {
        C { re: a.re.sub(b.re), im: a.im.sub(b.im) }
    }

    /// `a·w`: re = fma(−a.im, w.im, a.re·w.re), im = fma(a.re, w.im, a.im·w.re).
    #[inline(always)]
    fn twiddle<V: V8>(a: C<V>, w: [f64; 2]) -> C<V> {
        let (wr, wi) = (V::splat(w[0]), V::splat(w[1]));
        C { re: a.im.fnmadd(wi, a.re.mul(wr)), im: a.re.fmadd(wi, a.im.mul(wr)) }
    }

    #[inline(always)]
    fn dft<V: V8, const P: usize>(a: &[C<V>; P], o: &mut [C<V>; P]) {
        let k = V::splat;
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
                let c_re = k(-0.5).fmadd(s.re, a[0].re);
                let c_im = k(-0.5).fmadd(s.im, a[0].im);
                o[1] = C { re: k(-H).fmadd(d.im, c_re), im: k(H).fmadd(d.re, c_im) };
                o[2] = C { re: k(H).fmadd(d.im, c_re), im: k(-H).fmadd(d.re, c_im) };
            }
            4 => {
                let s02 = add(a[0], a[2]);
                let d02 = sub(a[0], a[2]);
                let s13 = add(a[1], a[3]);
                let d13 = sub(a[1], a[3]);
                o[0] = add(s02, s13);
                o[2] = sub(s02, s13);
                o[1] = C { re: d02.re.sub(d13.im), im: d02.im.add(d13.re) };
                o[3] = C { re: d02.re.add(d13.im), im: d02.im.sub(d13.re) };
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
                let r1_re = k(C2).fmadd(s23.re, k(C1).fmadd(s14.re, a[0].re));
                let r1_im = k(C2).fmadd(s23.im, k(C1).fmadd(s14.im, a[0].im));
                let r2_re = k(C1).fmadd(s23.re, k(C2).fmadd(s14.re, a[0].re));
                let r2_im = k(C1).fmadd(s23.im, k(C2).fmadd(s14.im, a[0].im));
                let t1_re = k(S2).fmadd(d23.re, k(S1).mul(d14.re));
                let t1_im = k(S2).fmadd(d23.im, k(S1).mul(d14.im));
                let t2_re = k(-S1).fmadd(d23.re, k(S2).mul(d14.re));
                let t2_im = k(-S1).fmadd(d23.im, k(S2).mul(d14.im));
                o[1] = C { re: r1_re.sub(t1_im), im: r1_im.add(t1_re) };
                o[4] = C { re: r1_re.add(t1_im), im: r1_im.sub(t1_re) };
                o[2] = C { re: r2_re.sub(t2_im), im: r2_im.add(t2_re) };
                o[3] = C { re: r2_re.add(t2_im), im: r2_im.sub(t2_re) };
            }
        }
    }

    /// Where a pass writes its outputs.
    trait Sink {
        fn len(&self) -> usize;
        /// # Safety
        /// `i < self.len()`; the CPU has the backend's features.
        unsafe fn put<V: V8>(&mut self, i: usize, c: C<V>);
    }

    /// Complex outputs.
    struct ToLanes<'a>(&'a mut [Lanes]);

    impl Sink for ToLanes<'_> {
        fn len(&self) -> usize {
            self.0.len()
        }
        #[inline(always)]
        unsafe fn put<V: V8>(&mut self, i: usize, c: C<V>) {
            // SAFETY: i < len (caller).
            unsafe {
                let p = self.0.as_mut_ptr().add(i);
                c.re.store((*p).re.as_mut_ptr());
                c.im.store((*p).im.as_mut_ptr());
            }
        }
    }

    /// Squared moduli `re·re + im·im` (no fused multiply-add).
    struct ToSquares<'a>(&'a mut [[f64; LANES]]);

    impl Sink for ToSquares<'_> {
        fn len(&self) -> usize {
            self.0.len()
        }
        #[inline(always)]
        unsafe fn put<V: V8>(&mut self, i: usize, c: C<V>) {
            // SAFETY: i < len (caller).
            unsafe { c.re.mul(c.re).add(c.im.mul(c.im)).store(self.0.as_mut_ptr().add(i) as *mut f64) }
        }
    }

    /// The first pass (stride 1) of a band transform: input element `i` is
    /// `spec[i]·table[i]` for `i < table.len()`, zero beyond.
    #[inline(always)]
    fn run_first<V: V8, const P: usize, S: Sink>(pass: &Pass, spec: &[Lanes], table: &[[f64; 2]], mut y: S) {
        let m = pass.m;
        let len = table.len();
        assert!(pass.s == 1 && spec.len() >= len && y.len() >= m * P && pass.tw.len() >= m * (P - 1));
        for k in 0..m {
            let tw = &pass.tw[k * (P - 1)..(k + 1) * (P - 1)];
            let a: [C<V>; P] = std::array::from_fn(|j| {
                let i = k + j * m;
                // SAFETY: i < len ≤ spec.len() (asserted); features of the calling frame.
                if i < len { twiddle(unsafe { ld(&spec[i]) }, table[i]) } else { C { re: V::zero(), im: V::zero() } }
            });
            let mut b = a;
            dft::<V, P>(&a, &mut b);
            let base = P * k;
            // SAFETY: base + t < m·P ≤ y.len() (asserted).
            unsafe {
                y.put(base, b[0]);
                for t in 1..P {
                    y.put(base + t, if k == 0 { b[t] } else { twiddle(b[t], tw[t - 1]) });
                }
            }
        }
    }

    /// `y[q + s(p·k + t)] = ω_n^{k t} · Σ_j x[q + s(k + j·m)] ω_p^{j t}` for radix `P`.
    #[inline(always)]
    fn run_fixed<V: V8, const P: usize, S: Sink>(pass: &Pass, x: &[Lanes], mut y: S) {
        let (m, s) = (pass.m, pass.s);
        assert!(x.len() >= m * s * P && y.len() >= m * s * P && pass.tw.len() >= m * (P - 1));
        let xp = x.as_ptr();
        for k in 0..m {
            let tw = &pass.tw[k * (P - 1)..(k + 1) * (P - 1)];
            for q in 0..s {
                // SAFETY: q + s(k + j·m) < s·m·P and q + s(P·k + t) < s·m·P (asserted sizes).
                unsafe {
                    let a: [C<V>; P] = std::array::from_fn(|j| ld(xp.add(q + s * (k + j * m))));
                    let mut b = a;
                    dft::<V, P>(&a, &mut b);
                    let base = q + s * P * k;
                    y.put(base, b[0]);
                    for t in 1..P {
                        y.put(base + s * t, if k == 0 { b[t] } else { twiddle(b[t], tw[t - 1]) });
                    }
                }
            }
        }
    }

    macro_rules! radix {
        ($p:expr, $v:ty, $f:ident ($($arg:expr),*)) => {
            match $p {
                2 => $f::<$v, 2, _>($($arg),*),
                3 => $f::<$v, 3, _>($($arg),*),
                4 => $f::<$v, 4, _>($($arg),*),
                _ => $f::<$v, 5, _>($($arg),*),
            }
        };
    }

    /// [`LanesFft::process_band`] (every radix 2…5).
    #[inline(always)]
    fn band<V: V8>(
        fft: &LanesFft,
        spec: &[Lanes],
        table: &[[f64; 2]],
        a: &mut [Lanes],
        b: &mut [Lanes],
        mut squares: Option<&mut [[f64; LANES]]>,
    ) -> bool {
        let k = table.len();
        let (a, b) = (&mut a[..fft.len], &mut b[..fft.len]);
        let last = fft.passes.len() - 1;
        let first = &fft.passes[0];
        match squares.as_deref_mut() {
            Some(dst) if last == 0 => radix!(first.p, V, run_first(first, &spec[..k], table, ToSquares(dst))),
            _ => radix!(first.p, V, run_first(first, &spec[..k], table, ToLanes(a))),
        }
        let mut in_b = false;
        for (i, pass) in fft.passes.iter().enumerate().skip(1) {
            let (x, y): (&[Lanes], &mut [Lanes]) = if in_b { (b, a) } else { (a, b) };
            match squares.as_deref_mut() {
                Some(dst) if i == last => radix!(pass.p, V, run_fixed(pass, x, ToSquares(dst))),
                _ => radix!(pass.p, V, run_fixed(pass, x, ToLanes(y))),
            }
            in_b = !in_b;
        }
        in_b
    }

    /// # Safety
    /// The CPU supports AVX-512F and FMA; every radix is 2…5.
    #[target_feature(enable = "avx512f,fma")]
    pub(super) unsafe fn band_avx512(
        fft: &LanesFft,
        spec: &[Lanes],
        table: &[[f64; 2]],
        a: &mut [Lanes],
        b: &mut [Lanes],
        squares: Option<&mut [[f64; LANES]]>,
    ) -> bool {
        band::<W512>(fft, spec, table, a, b, squares)
    }

    /// One pass `x → y` (radix 2…5).
    ///
    /// # Safety
    /// The CPU supports AVX-512F and FMA.
    #[target_feature(enable = "avx512f,fma")]
    pub(super) unsafe fn pass_avx512(pass: &Pass, x: &[Lanes], y: &mut [Lanes]) {
        radix!(pass.p, W512, run_fixed(pass, x, ToLanes(y)))
    }

    #[inline(always)]
    fn squares<V: V8>(y: &[Lanes], dst: &mut [[f64; LANES]]) {
        let mut sink = ToSquares(dst);
        assert!(sink.len() >= y.len());
        for (i, v) in y.iter().enumerate() {
            // SAFETY: i < y.len() ≤ dst.len() (asserted); features of the calling frame.
            unsafe { sink.put(i, ld::<V>(v)) };
        }
    }

    /// # Safety
    /// The CPU supports AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn squares_avx512(y: &[Lanes], dst: &mut [[f64; LANES]]) {
        squares::<W512>(y, dst)
    }
}

/// Which kernels run the lanes code on this CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    /// AVX-512F + FMA.
    Avx512,
    /// Plain Rust (any CPU; the lanes path is then used only by the crate's unit tests).
    Portable,
}

impl Backend {
    pub(crate) fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("fma") {
            return Backend::Avx512;
        }
        Backend::Portable
    }
}

/// `dst[q] = |y[q]|²` lane-wise (`re·re + im·im`) on the given kernels.
pub(crate) fn squares(backend: Backend, y: &[Lanes], dst: &mut [[f64; LANES]]) {
    #[cfg(target_arch = "x86_64")]
    if backend == Backend::Avx512 {
        #[allow(unsafe_code)]
        // SAFETY: AVX-512F is available (`Backend::Avx512` is only detected so).
        return unsafe { kern::squares_avx512(y, dst) };
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
