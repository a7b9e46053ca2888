//! Standard normal draws for bulk noise: Marsaglia & Tsang's (2000) 256-layer ziggurat, the
//! algorithm of `rand_distr::StandardNormal`, with the common case (one 64-bit word, one table
//! lookup, one compare; ≈ 99 % of draws) inlined into the caller's loop and the rare cases
//! (wedges, tail) out of line.

use rand::{Rng, RngExt};
use std::sync::OnceLock;

/// Layers of the ziggurat.
const LAYERS: usize = 256;
/// Start of the tail (right edge of the base layer) for 256 layers.
const R: f64 = 3.654_152_885_361_009;
/// Area of every layer.
const V: f64 = 0.004_928_673_233_99;

/// Layer edges `x[0] = V / f(R) > x[1] = R > … > x[256] = 0` and `f(x[i])`, `f(x) = exp(−x²/2)`.
struct Tables {
    x: [f64; LAYERS + 1],
    f: [f64; LAYERS + 1],
}

fn pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp()
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut x = [0.0; LAYERS + 1];
        x[0] = V / pdf(R);
        x[1] = R;
        // Each layer has area V: x[i+1] solves f(x[i+1]) = V / x[i] + f(x[i]).
        for i in 1..LAYERS - 1 {
            x[i + 1] = (-2.0 * (V / x[i] + pdf(x[i])).ln()).sqrt();
        }
        x[LAYERS] = 0.0;
        let f = x.map(pdf);
        Tables { x, f }
    })
}

/// A standard normal sampler; cheap to copy (a reference to tables built once per process).
#[derive(Clone, Copy)]
pub(crate) struct Normal {
    t: &'static Tables,
}

impl Normal {
    pub(crate) fn new() -> Self {
        Self { t: tables() }
    }

    /// One N(0, 1) draw.
    #[inline(always)]
    pub(crate) fn sample<G: Rng>(&self, rng: &mut G) -> f64 {
        let bits = rng.next_u64();
        let i = (bits & 0xff) as usize;
        // Top 52 bits as a uniform in [−1, 1): mantissa of a value in [2, 4), minus 3.
        let u = f64::from_bits((bits >> 12) | 0x4000_0000_0000_0000) - 3.0;
        let x = u * self.t.x[i];
        if x.abs() < self.t.x[i + 1] {
            return x;
        }
        self.slow(rng, i, u, x)
    }

    /// Wedge test or tail of the base layer, then retry from scratch (as rand_distr).
    #[cold]
    #[inline(never)]
    fn slow<G: Rng>(&self, rng: &mut G, mut i: usize, mut u: f64, mut x: f64) -> f64 {
        loop {
            if i == 0 {
                // Tail beyond R (Marsaglia 1964).
                loop {
                    let a: f64 = rng.random::<f64>();
                    let b: f64 = rng.random::<f64>();
                    let (tx, ty) = ((1.0 - a).ln() / R, (1.0 - b).ln());
                    if -2.0 * ty >= tx * tx {
                        return if u < 0.0 { tx - R } else { R - tx };
                    }
                }
            }
            let t = self.t;
            if t.f[i + 1] + (t.f[i] - t.f[i + 1]) * rng.random::<f64>() < pdf(x) {
                return x;
            }
            let bits = rng.next_u64();
            i = (bits & 0xff) as usize;
            u = f64::from_bits((bits >> 12) | 0x4000_0000_0000_0000) - 3.0;
            x = u * t.x[i];
            if x.abs() < t.x[i + 1] {
                return x;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn layers_close_at_zero_with_equal_areas() {
        let t = tables();
        // The recurrence must land on the top layer: the last computed edge is small and the
        // top layer's area x[255]·(1 − f(x[255])) equals V.
        let top = t.x[LAYERS - 1] * (1.0 - t.f[LAYERS - 1]);
        assert!((top - V).abs() < 1e-6 * V, "top layer area {top} vs {V}");
        assert!(t.x.windows(2).all(|w| w[0] > w[1]));
        // Published edges (rand_distr's ZIG_NORM_X / ZIG_NORM_F).
        for (got, want) in
            [(t.x[0], 3.910_757_959_537_09), (t.x[255], 0.215_241_895_913_273_8), (t.f[0], 0.000_477_467_764_586_655)]
        {
            assert!((got - want).abs() < 1e-12 * want, "{got} vs {want}");
        }
    }

    #[test]
    fn moments_and_quantiles_are_standard_normal() {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(7);
        let n = Normal::new();
        let m = 2_000_000;
        let (mut s1, mut s2, mut s4) = (0.0, 0.0, 0.0);
        // Φ(q) for q = −3, −1.5, 0, 1, 2, 3.
        let qs = [
            (-3.0, 0.001_349_898_031_630_1),
            (-1.5, 0.066_807_201_268_858),
            (0.0, 0.5),
            (1.0, 0.841_344_746_068_543),
            (2.0, 0.977_249_868_051_821),
            (3.0, 0.998_650_101_968_37),
        ];
        let mut below = [0usize; 6];
        for _ in 0..m {
            let z = n.sample(&mut rng);
            s1 += z;
            s2 += z * z;
            s4 += z * z * z * z;
            for (c, (q, _)) in below.iter_mut().zip(&qs) {
                *c += usize::from(z < *q);
            }
        }
        let mf = m as f64;
        let (mean, var, kurt) = (s1 / mf, s2 / mf, s4 / mf);
        // 5 standard errors: sd(mean) = 1/√m, sd(z²) = √2, sd(z⁴) = √96.
        assert!(mean.abs() < 5.0 / mf.sqrt(), "mean {mean}");
        assert!((var - 1.0).abs() < 5.0 * 2f64.sqrt() / mf.sqrt(), "variance {var}");
        assert!((kurt - 3.0).abs() < 5.0 * 96f64.sqrt() / mf.sqrt(), "fourth moment {kurt}");
        for (c, (q, p)) in below.iter().zip(&qs) {
            let got = *c as f64 / mf;
            let se = (p * (1.0 - p) / mf).sqrt();
            assert!((got - p).abs() < 5.0 * se, "P(z < {q}) = {got}, want {p}");
        }
    }
}
