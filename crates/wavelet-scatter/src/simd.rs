//! Run-time selection of wider vector code. The crate is built for baseline x86-64 (SSE2);
//! a few hot loops that are plain lanes of IEEE arithmetic (no reductions whose order would
//! change, no fused multiply-add) are compiled a second time with AVX2 enabled and chosen when
//! the CPU has it. Both builds execute the same IEEE operations on the same values, so every
//! result is bit-identical on any machine; only the speed differs.

/// Call `f`, compiled with AVX2 when the CPU supports it. `f` must be an `#[inline(always)]`
/// body (a closure calling an `#[inline(always)]` function) so that it is generated inside the
/// AVX2 frame.
#[inline(always)]
pub(crate) fn wide<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        #[allow(unsafe_code)]
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { avx2(f) };
    }
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// Call `f`, compiled with AVX-512F + FMA (else AVX2 + FMA) when the CPU supports it. For
/// loops over [`crate::lanes::Lanes`], whose eight f64 lanes fill one AVX-512 register. Fused
/// multiply-adds written as `mul_add` are single instructions in both frames (and a correctly
/// rounded library call otherwise), so results stay bit-identical across machines.
#[inline(always)]
pub(crate) fn widest<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("fma") {
            #[allow(unsafe_code)]
            // SAFETY: the CPU supports AVX-512F and FMA, checked just above.
            return unsafe { avx512_fma(f) };
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            #[allow(unsafe_code)]
            // SAFETY: the CPU supports AVX2 and FMA, checked just above.
            return unsafe { avx2_fma(f) };
        }
    }
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,fma")]
fn avx512_fma<R>(f: impl FnOnce() -> R) -> R {
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn avx2_fma<R>(f: impl FnOnce() -> R) -> R {
    f()
}
