//! The scattering network run on eight (window, channel) items at once, one per
//! [`Lanes`] lane: the same band-pruned transforms as [`crate::band`], with every spectrum,
//! product, inverse DFT and modulus computed lane-wise (one AVX-512 instruction per operation
//! for all eight items). Each lane executes exactly the operations the item would get alone, so
//! results do not depend on which items share a group (nor on the number of threads).
//!
//! Used for `f64` networks with whole-window mean/max/median pooling (the common case for
//! clustering continuous data); other configurations run item by item in
//! [`crate::network`].
//!
//! Real spectra of even length N come from one complex DFT of half the length over the
//! even/odd sample pairs (as realfft does), so their round-off stays relative to the signal's
//! own scale: with `z[n] = u[2n] − i·u[2n+1]` and `W = idft_{N/2}(z)` (the conjugate of the
//! forward DFT of `u[2n] + i·u[2n+1]`), `E = (conj W[k] + W[−k])/2`,
//! `O = (conj W[k] − W[−k])/(2i)` and `dft(u)[k] = E + e^{−2iπk/N}·O`.

// Lane loops index several arrays with the same lane number.
#![allow(clippy::needless_range_loop)]

use crate::lanes::{Backend, LANES, Lanes, LanesFft};
use crate::lanes_median::LanesMedian;
use crate::pooling::Pooling;
use num_complex::Complex64;
use std::sync::Arc;

/// One band of a layer: geometry `(start, K, M, N/M)` and `f64` table of a
/// [`crate::band::Band`].
pub(crate) type BandSpec<'a> = ((usize, usize, usize, usize), &'a [Complex64]);

/// Real samples of eight items.
pub(crate) type Reals = [f64; LANES];

/// One filter of a layer planned for lanes (the geometry and table of its [`Band`]).
struct LanesBand {
    start: usize,
    len: usize,
    sub: usize,
    count: usize,
    fft: Arc<LanesFft>,
    table: Vec<[f64; 2]>,
}

struct LanesLayer {
    bands: Vec<LanesBand>,
    /// Bins of the extended spectrum the bands read.
    reach: usize,
}

/// The lanes plan of a network (built from its `f64` band plans).
pub(crate) struct LanesPlan {
    n: usize,
    layers: Vec<LanesLayer>,
    /// DFT of N/2 points (even N) or N points (odd N) for the real spectra.
    real: LanesFft,
    /// Kernels chosen once for this CPU.
    backend: Backend,
    /// `e^{−2iπk/N}` for k ≤ N/2 (even N).
    post: Vec<[f64; 2]>,
}

/// Buffers of one rayon worker task (built by `for_each_init`, reused across its groups).
pub(crate) struct LanesWork {
    /// Per layer: the input spectrum (`max(N, reach)` bins) and the moduli of the current
    /// path (N).
    specs: Vec<Vec<Lanes>>,
    mods: Vec<Vec<Reals>>,
    a: Vec<Lanes>,
    b: Vec<Lanes>,
    /// Squared moduli of the current path, band order, lanes layout.
    sqv: Vec<Reals>,
    median: LanesMedian,
    /// Input of the group (real samples).
    pub(crate) x: Vec<Reals>,
}

impl LanesPlan {
    /// `layers[d]` = the bands of layer d: geometry `(start, K, M, N/M)` and `f64` table of
    /// each [`crate::band::Band`].
    pub(crate) fn new(n: usize, layers: &[Vec<BandSpec<'_>>], backend: Backend) -> Self {
        let mut ffts: Vec<Arc<LanesFft>> = Vec::new();
        let layers = layers
            .iter()
            .map(|bands| {
                let bands: Vec<LanesBand> = bands
                    .iter()
                    .map(|&((start, len, sub, count), table)| {
                        let fft = match ffts.iter().find(|f| f.len() == sub) {
                            Some(f) => f.clone(),
                            None => {
                                let f = Arc::new(LanesFft::new(sub));
                                ffts.push(f.clone());
                                f
                            }
                        };
                        let table = table.iter().map(|z| [z.re, z.im]).collect();
                        LanesBand { start, len, sub, count, fft, table }
                    })
                    .collect();
                let reach = bands.iter().map(|b| b.start + b.len).max().unwrap_or(0);
                LanesLayer { bands, reach }
            })
            .collect();
        let even = n.is_multiple_of(2);
        let real = LanesFft::new(if even { n / 2 } else { n });
        let post = if even {
            (0..=n / 2)
                .map(|k| {
                    let phase = 2.0 * std::f64::consts::PI * k as f64 / n as f64;
                    [phase.cos(), -phase.sin()]
                })
                .collect()
        } else {
            Vec::new()
        };
        Self { n, layers, real, post, backend }
    }

    pub(crate) fn workspace(&self) -> LanesWork {
        let n = self.n;
        let big = self.layers.iter().flat_map(|l| l.bands.iter().map(|b| b.sub)).chain([n]).max().unwrap_or(n);
        LanesWork {
            specs: self.layers.iter().map(|l| vec![Lanes::ZERO; n.max(l.reach)]).collect(),
            mods: self.layers.iter().map(|_| vec![[0.0; LANES]; n]).collect(),
            a: vec![Lanes::ZERO; big],
            b: vec![Lanes::ZERO; big],
            sqv: vec![[0.0; LANES]; n],
            median: LanesMedian::default(),
            x: vec![[0.0; LANES]; n],
        }
    }

    /// Transform the group in `ws.x` (lanes `0..active` hold items) and hand every pooled
    /// coefficient to `out(lane, depth, path, value)`.
    pub(crate) fn transform(
        &self,
        ws: &mut LanesWork,
        active: usize,
        pooling: Pooling,
        out: &mut dyn FnMut(usize, usize, usize, f64),
    ) {
        let LanesWork { specs, mods, a, b, sqv, median, x } = ws;
        let reach = self.layers[0].reach;
        self.spectrum(x, a, b, &mut specs[0], reach);
        let mut ctx = Ctx { a, b, sqv, median, active, pooling, out };
        self.layer(0, 0, specs, mods, &mut ctx);
    }

    /// Spectrum of the real lane signal `u`, extended periodically up to `reach`.
    fn spectrum(&self, u: &[Reals], a: &mut [Lanes], b: &mut [Lanes], s: &mut [Lanes], reach: usize) {
        let n = self.n;
        let h = self.real.len();
        let even = n.is_multiple_of(2);
        crate::simd::widest(
            #[inline(always)]
            || {
                if even {
                    for (i, z) in a[..h].iter_mut().enumerate() {
                        z.re = u[2 * i];
                        for l in 0..LANES {
                            z.im[l] = -u[2 * i + 1][l];
                        }
                    }
                } else {
                    for (z, v) in a[..n].iter_mut().zip(u) {
                        z.re = *v;
                        z.im = [0.0; LANES];
                    }
                }
            },
        );
        let in_b = self.real.process(self.backend, &mut a[..h], &mut b[..h]);
        let w: &[Lanes] = if in_b { &b[..h] } else { &a[..h] };
        crate::simd::widest(
            #[inline(always)]
            || {
                if even {
                    for k in 0..=h {
                        let (p, q) = (&w[if k == h { 0 } else { k }], &w[if k == 0 { 0 } else { h - k }]);
                        let t = self.post[k];
                        let mut x = Lanes::ZERO;
                        for l in 0..LANES {
                            let (e_re, e_im) = (0.5 * (p.re[l] + q.re[l]), 0.5 * (q.im[l] - p.im[l]));
                            let (o_re, o_im) = (-0.5 * (p.im[l] + q.im[l]), 0.5 * (q.re[l] - p.re[l]));
                            x.re[l] = e_re + (o_re * t[0] - o_im * t[1]);
                            x.im[l] = e_im + (o_re * t[1] + o_im * t[0]);
                        }
                        s[k] = x;
                        if k > 0 && k < h {
                            let c = &mut s[n - k];
                            c.re = x.re;
                            for l in 0..LANES {
                                c.im[l] = -x.im[l];
                            }
                        }
                    }
                } else {
                    for (d, z) in s[..n].iter_mut().zip(w) {
                        d.re = z.re;
                        for l in 0..LANES {
                            d.im[l] = -z.im[l];
                        }
                    }
                }
                for k in n..reach {
                    s[k] = s[k - n];
                }
            },
        );
    }

    /// Layer `depth` applied to the spectrum in `specs[0]` (path `parent` of the previous
    /// layer; `specs[1..]` and `mods[1..]` belong to deeper layers): pool every band, and for
    /// inner layers recurse on each path's moduli.
    fn layer(&self, depth: usize, parent: usize, specs: &mut [Vec<Lanes>], mods: &mut [Vec<Reals>], ctx: &mut Ctx<'_>) {
        let layer = &self.layers[depth];
        let nf = layer.bands.len();
        let last = depth + 1 == self.layers.len();
        let Some((spec, deeper_specs)) = specs.split_first_mut() else { return };
        let Some((u, deeper_mods)) = mods.split_first_mut() else { return };
        for (k, band) in layer.bands.iter().enumerate() {
            let path = parent * nf + k;
            self.band(band, spec, if last { None } else { Some(&mut u[..]) }, ctx);
            self.pool(depth, path, ctx);
            if !last && let Some(next) = deeper_specs.first_mut() {
                self.spectrum(u, ctx.a, ctx.b, next, self.layers[depth + 1].reach);
                self.layer(depth + 1, path, deeper_specs, deeper_mods, ctx);
            }
        }
    }

    /// Pool the squared moduli in `ctx.sqv` of every active lane: the same values as
    /// [`Pooling::apply_complex`] on each lane's samples (same sums in the same order, exact
    /// order statistics).
    fn pool(&self, depth: usize, path: usize, ctx: &mut Ctx<'_>) {
        let n = ctx.sqv.len();
        let values: [f64; LANES] = match ctx.pooling {
            Pooling::Median | Pooling::Average { .. } => ctx
                .median
                .middle_pairs(ctx.sqv, ctx.active)
                .map(|(lower, upper)| if n % 2 == 1 { upper.sqrt() } else { (lower.sqrt() + upper.sqrt()) / 2.0 }),
            Pooling::Mean => {
                let mut sum = [0.0; LANES];
                for v in ctx.sqv.iter() {
                    for l in 0..LANES {
                        sum[l] += v[l].sqrt();
                    }
                }
                sum.map(|s| s / n as f64)
            }
            Pooling::Max => {
                let mut max = [0.0f64; LANES];
                for v in ctx.sqv.iter() {
                    for l in 0..LANES {
                        max[l] = if v[l] > max[l] { v[l] } else { max[l] };
                    }
                }
                max.map(f64::sqrt)
            }
        };
        for (l, v) in values.into_iter().enumerate().take(ctx.active) {
            (ctx.out)(l, depth, path, v);
        }
    }

    /// One band over the lanes: the squared moduli of every lane into `ctx.sqv` (band
    /// order) and, for inner layers, the fftshifted moduli in time order into `u`.
    fn band(&self, band: &LanesBand, spec: &[Lanes], mut u: Option<&mut [Reals]>, ctx: &mut Ctx<'_>) {
        let n = self.n;
        let shift = n / 2;
        let (start, len, sub, count) = (band.start, band.len, band.sub, band.count);
        for r in 0..count {
            let row = &band.table[r * len..(r + 1) * len];
            let sqv = &mut ctx.sqv[r * sub..(r + 1) * sub];
            if u.is_none() {
                // Last layer: only the squared moduli are needed, stored by the last pass.
                band.fft.process_band(
                    self.backend,
                    &spec[start..start + len],
                    row,
                    &mut ctx.a[..sub],
                    &mut ctx.b[..sub],
                    Some(sqv),
                );
                continue;
            }
            let in_b = band.fft.process_band(
                self.backend,
                &spec[start..start + len],
                row,
                &mut ctx.a[..sub],
                &mut ctx.b[..sub],
                None,
            );
            let y: &[Lanes] = if in_b { &ctx.b[..sub] } else { &ctx.a[..sub] };
            let u = u.as_deref_mut();
            crate::lanes::squares(self.backend, y, sqv);
            crate::simd::widest(
                #[inline(always)]
                || {
                    if let Some(u) = u {
                        // Time of position q is q·count + r, fftshifted: advance by `count`
                        // and wrap once past N (no division per sample).
                        let mut t = (r + shift) % n;
                        for sq in sqv.iter() {
                            u[t] = sq.map(f64::sqrt);
                            t += count;
                            if t >= n {
                                t -= n;
                            }
                        }
                    }
                },
            );
        }
    }
}

struct Ctx<'a> {
    a: &'a mut Vec<Lanes>,
    b: &'a mut Vec<Lanes>,
    sqv: &'a mut Vec<Reals>,
    median: &'a mut LanesMedian,
    active: usize,
    pooling: Pooling,
    out: &'a mut dyn FnMut(usize, usize, usize, f64),
}
