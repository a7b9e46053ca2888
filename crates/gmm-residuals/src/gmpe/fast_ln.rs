//! Branch-free natural logarithm for the model kernels: written with bit operations, selects and
//! arithmetic only, so loops over contexts that call it vectorise (a libm `ln` call keeps a loop
//! scalar and was ~20 % of a Kotha et al. 2020 evaluation).

/// ln 2 with its last 21 mantissa bits cleared (k·LN2_HI is exact for any exponent k).
const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
/// ln 2 − LN2_HI.
const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
/// 0x3FF0… − bits(√½): adding it makes the exponent field that of m ∈ [√½, √2).
const SHIFT: u64 = 0x3FF0_0000_0000_0000 - 0x3FE6_A09E_667F_3BCD;
const TWO52: f64 = 4_503_599_627_370_496.0;

/// ln x for positive normal x (≥ `f64::MIN_POSITIVE`) and +∞, within ~2 ulp of `f64::ln`.
///
/// x = 2^k·m with m ∈ [√½, √2); ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716, by its Taylor
/// series 2s·(1 + s²/3 + … + s¹⁸/19) (truncation < 3e-17 relative).
#[inline(always)]
pub(crate) fn ln_normal(x: f64) -> f64 {
    let bits = x.to_bits();
    let e = bits.wrapping_add(SHIFT) >> 52; // biased exponent of x/m
    let m = f64::from_bits(bits.wrapping_sub(e << 52).wrapping_add(0x3FF0_0000_0000_0000));
    // e as f64 without an integer conversion (none vectorises before AVX-512)
    let k = (f64::from_bits(e | 0x4330_0000_0000_0000) - TWO52) - 1023.0;
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let mut p = 1.0 / 19.0;
    for c in [1.0 / 17.0, 1.0 / 15.0, 1.0 / 13.0, 1.0 / 11.0, 1.0 / 9.0, 1.0 / 7.0, 1.0 / 5.0, 1.0 / 3.0] {
        p = p * z + c;
    }
    let two_s = s + s;
    let y = k * LN2_HI + (k * LN2_LO + (two_s + two_s * (z * p)));
    if x == f64::INFINITY { x } else { y }
}

#[cfg(test)]
mod tests {
    use super::ln_normal;

    fn check(x: f64) {
        let (got, want) = (ln_normal(x), x.ln());
        if want.is_infinite() {
            assert_eq!(got, want);
            return;
        }
        let err = (got - want).abs();
        assert!(err <= 4.0 * f64::EPSILON * want.abs().max(0.5), "ln({x:e}) = {got:e}, libm {want:e}");
    }

    #[test]
    fn matches_libm_over_the_normal_range() {
        // dense around 1 (cancellation), √½ and √2 (reduction edges), then every binade
        for i in 0..200_000 {
            check(0.5 + i as f64 * 1.25e-5);
        }
        for &x in &[std::f64::consts::FRAC_1_SQRT_2, std::f64::consts::SQRT_2, 1.0, f64::MIN_POSITIVE, f64::MAX] {
            check(x);
            check(x * (1.0 + f64::EPSILON));
            check(x * (1.0 - f64::EPSILON));
        }
        let mut x = f64::MIN_POSITIVE;
        while x < f64::MAX / 3.1 {
            check(x);
            check(x * 1.7);
            x *= 3.1;
        }
        assert_eq!(ln_normal(1.0), 0.0);
        assert_eq!(super::LN2_HI + super::LN2_LO, std::f64::consts::LN_2);
        assert_eq!(super::LN2_HI.to_bits() & 0x1F_FFFF, 0);
        assert_eq!(ln_normal(f64::INFINITY), f64::INFINITY);
    }
}
