//! The SOS cascade over four interleaved lanes (one per channel; the three channels of a ZNE
//! window plus an idle lane fill one AVX2 vector), with an AVX2 build chosen at run time.
//!
//! The AVX2 build runs sample-outer: every sample goes through all sections before the next,
//! so the recursions of different sections overlap in the CPU instead of each section's
//! latency-bound recursion running on its own. It performs exactly the IEEE operations of the
//! scalar [`super::SosFilter::sosfilt_inplace`] on each lane, in the same order, with no fused
//! multiply–add (Rust never contracts `a·b + c` on its own), so its results are bit-identical
//! to the portable section-by-section path it replaces (tested in `sos.rs`).
#![allow(unsafe_code)]

/// Run the `sections` cascade over the four lanes of `x` (reversed when `reverse`), starting
/// from steady state `zi · level`, with the AVX2 build. Returns `false` (and leaves `x`
/// untouched) when the CPU lacks AVX2 or the section count has no specialised build; the caller
/// then runs the portable path.
pub(super) fn cascade4(
    sections: &[[f64; 6]],
    zi: &[[f64; 2]],
    level: [f64; 4],
    x: &mut [[f64; 4]],
    reverse: bool,
) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        macro_rules! fixed {
            ($n:literal) => {{
                let mut sos = [[0.0; 6]; $n];
                sos.copy_from_slice(sections);
                let mut z = [[[0.0; 4]; 2]; $n];
                for (zk, zi) in z.iter_mut().zip(zi) {
                    *zk = [level.map(|v| zi[0] * v), level.map(|v| zi[1] * v)];
                }
                // SAFETY: `avx2::cascade` only needs AVX2, which the CPU was just checked to have.
                unsafe { avx2::cascade(&sos, &z, x, reverse) };
                true
            }};
        }
        return match sections.len() {
            1 => fixed!(1),
            2 => fixed!(2),
            3 => fixed!(3),
            4 => fixed!(4),
            5 => fixed!(5),
            6 => fixed!(6),
            7 => fixed!(7),
            8 => fixed!(8),
            _ => false,
        };
    }
    let _ = (sections, zi, level, x, reverse);
    false
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::{
        __m256d, _mm256_add_pd, _mm256_loadu_pd, _mm256_mul_pd, _mm256_set1_pd, _mm256_storeu_pd, _mm256_sub_pd,
    };

    #[inline(always)]
    fn load(v: &[f64; 4]) -> __m256d {
        // SAFETY: `v` is a valid, readable [f64; 4]; loadu has no alignment requirement. The
        // caller of every function here runs with AVX2 enabled.
        unsafe { _mm256_loadu_pd(v.as_ptr()) }
    }

    #[inline(always)]
    fn store(v: &mut [f64; 4], x: __m256d) {
        // SAFETY: `v` is a valid, writable [f64; 4]; storeu has no alignment requirement.
        unsafe { _mm256_storeu_pd(v.as_mut_ptr(), x) }
    }

    /// One sample of the four lanes through the `N` sections (direct form II transposed, the
    /// operation order of scipy's `_sosfilt`).
    #[inline(always)]
    fn step<const N: usize>(c: &[[__m256d; 5]; N], st: &mut [[__m256d; 2]; N], v: &mut [f64; 4]) {
        let mut cur = load(v);
        for k in 0..N {
            let [b0, b1, b2, a1, a2] = c[k];
            let [z0, z1] = st[k];
            // SAFETY (all intrinsics below): AVX2 is enabled in the calling function.
            let y = unsafe { _mm256_add_pd(_mm256_mul_pd(b0, cur), z0) };
            let n0 = unsafe { _mm256_add_pd(_mm256_sub_pd(_mm256_mul_pd(b1, cur), _mm256_mul_pd(a1, y)), z1) };
            let n1 = unsafe { _mm256_sub_pd(_mm256_mul_pd(b2, cur), _mm256_mul_pd(a2, y)) };
            st[k] = [n0, n1];
            cur = y;
        }
        store(v, cur);
    }

    /// The cascade from state `z` over `x`, sample-outer.
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn cascade<const N: usize>(
        sos: &[[f64; 6]; N],
        z: &[[[f64; 4]; 2]; N],
        x: &mut [[f64; 4]],
        reverse: bool,
    ) {
        let c: [[__m256d; 5]; N] = std::array::from_fn(|k| {
            let [b0, b1, b2, _, a1, a2] = sos[k];
            [_mm256_set1_pd(b0), _mm256_set1_pd(b1), _mm256_set1_pd(b2), _mm256_set1_pd(a1), _mm256_set1_pd(a2)]
        });
        let mut st: [[__m256d; 2]; N] = std::array::from_fn(|k| [load(&z[k][0]), load(&z[k][1])]);
        if reverse {
            for v in x.iter_mut().rev() {
                step(&c, &mut st, v);
            }
        } else {
            for v in x.iter_mut() {
                step(&c, &mut st, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn avx2_build_runs_where_available() {
        let sections = [[0.1, 0.2, 0.1, 1.0, -0.5, 0.2]; 4];
        let zi = [[0.0; 2]; 4];
        let mut x = vec![[1.0, 2.0, 3.0, 0.0]; 16];
        let ran = super::cascade4(&sections, &zi, [0.0; 4], &mut x, false);
        #[cfg(target_arch = "x86_64")]
        assert_eq!(ran, std::is_x86_feature_detected!("avx2"));
        // Eleven sections have no specialised build.
        assert!(!super::cascade4(&[sections[0]; 11], &[[0.0; 2]; 11], [0.0; 4], &mut x, false));
        let _ = ran;
    }
}
