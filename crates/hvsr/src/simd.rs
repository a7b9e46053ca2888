//! Runtime AVX2 dispatch for the hot spectral loops (smoothing products, FFT pre- and
//! post-processing, magnitudes). The loops are plain Rust written with fixed lane counts; under
//! AVX2 the compiler widens the same operations (no FMA contraction), so both builds give
//! bit-identical results.
#![allow(unsafe_code)]

/// Run `f` compiled with AVX2 enabled when the CPU has it. `f` and everything it calls with
/// `#[inline(always)]` are generated for AVX2.
#[inline(always)]
pub(crate) fn dispatch<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        #[target_feature(enable = "avx2")]
        fn avx2<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        // SAFETY: the CPU supports AVX2 (checked just above).
        return unsafe { avx2(f) };
    }
    f()
}
