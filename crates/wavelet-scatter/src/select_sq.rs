//! The hot case of [`crate::select::Selector`]: the two middle squared moduli of `f64` complex
//! samples (median pooling of a band output), with explicit AVX2 kernels for the three passes
//! over the data (bucket keys, counts below a key, collection of one bucket).
//!
//! Only the order statistics leave this module, and they are exact whatever the bucket keys
//! are, so the vector and portable kernels need not agree on anything but the squared moduli
//! themselves, which both compute as `re·re + im·im` (two rounded products, one rounded sum,
//! no fused multiply-add): results are bit-identical on every CPU.
//!
//! Bucket keys are `f32` bits of the squared modulus shifted right by `shift` (squared moduli
//! are ≥ 0, so the bits are ordered like the values), minus an offset, saturated to 0…255.
//! The shift is chosen per call from a 15-value pilot so that the pilot's middle half spans
//! 65…128 buckets: a few values per bucket around the median, whatever the spread.

use num_complex::Complex64;

/// Buckets (8-bit keys); the pilot's median key lands in the middle one.
const BUCKETS: i32 = 256;

/// Key map of one call: `clamp((bits(x as f32) >> shift) − lo, 0, 255)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyMap {
    shift: u32,
    lo: i32,
}

impl KeyMap {
    /// Map adapted to a pilot of 15 values spread over `y` (n ≥ 30).
    pub(crate) fn from_pilot(y: &[Complex64]) -> Self {
        Self::from_fn(y.len(), |i| sq(y[i]))
    }

    /// Map adapted to a pilot of 15 of the `n` squared moduli `sq_at(i)` (n ≥ 30).
    pub(crate) fn from_fn(n: usize, sq_at: impl Fn(usize) -> f64) -> Self {
        let mut bits = [0u32; 15];
        for (j, b) in bits.iter_mut().enumerate() {
            *b = (sq_at(pilot_index(j, n)) as f32).to_bits();
        }
        bits.sort_unstable();
        let (q1, q3) = (bits[3], bits[11]);
        let mut shift = 0;
        while shift < 31 && (q3 >> shift) - (q1 >> shift) > 128 {
            shift += 1;
        }
        Self { shift, lo: (bits[7] >> shift) as i32 - BUCKETS / 2 }
    }

    /// Right shift of the f32 bits.
    pub(crate) fn shift(&self) -> u32 {
        self.shift
    }

    /// Offset subtracted after the shift.
    pub(crate) fn lo(&self) -> i32 {
        self.lo
    }

    #[inline(always)]
    pub(crate) fn key(&self, x: f64) -> u8 {
        (((x as f32).to_bits() >> self.shift) as i32 - self.lo).clamp(0, BUCKETS - 1) as u8
    }
}

/// Position of pilot sample `j` of `n`: a golden-ratio (Weyl) sequence, spread over the
/// buffer without a period. Band buffers hold time n = m·q + r at position r·M + q, so evenly
/// spaced positions would fall on a few time regions (e.g. 3 for M = 120) and misjudge a
/// window with a burst; this sequence samples times all over the window.
#[inline]
pub(crate) fn pilot_index(j: usize, n: usize) -> usize {
    const PHI: u64 = 0x9E37_79B9_7F4A_7C15; // 2^64 / golden ratio
    let u = (j as u64 + 1).wrapping_mul(PHI) >> 32;
    ((u * n as u64) >> 32) as usize
}

/// Squared modulus, as every kernel computes it.
#[inline(always)]
pub(crate) fn sq(z: Complex64) -> f64 {
    z.re * z.re + z.im * z.im
}

/// `keys[i]` = key of `sq(y[i])`.
pub(crate) fn fill_keys(keys: &mut [u8], y: &[Complex64], map: KeyMap) {
    let done = {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                #[allow(unsafe_code)]
                // SAFETY: AVX2 is available (checked just above).
                unsafe {
                    avx2::fill_keys(keys, y, map)
                }
            } else {
                0
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            0
        }
    };
    for (k, z) in keys[done..].iter_mut().zip(&y[done..]) {
        *k = map.key(sq(*z));
    }
}

/// Number of keys below `t`.
pub(crate) fn count_below(keys: &[u8], t: u8) -> usize {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        #[allow(unsafe_code)]
        // SAFETY: AVX2 is available (checked just above).
        return unsafe { avx2::count_below(keys, t) };
    }
    keys.iter().filter(|&&k| k < t).count()
}

/// Append `sq(y[i])` for every `keys[i] == t` to `out` (cleared first).
pub(crate) fn collect(y: &[Complex64], keys: &[u8], t: u8, out: &mut Vec<f64>) {
    out.clear();
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        #[allow(unsafe_code)]
        // SAFETY: AVX2 is available (checked just above).
        unsafe {
            avx2::collect(y, keys, t, out)
        };
        return;
    }
    out.extend(keys.iter().zip(y).filter(|(k, _)| **k == t).map(|(_, z)| sq(*z)));
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx2 {
    use super::{KeyMap, sq};
    use num_complex::Complex64;
    use std::arch::x86_64::*;

    /// Keys of the leading multiple of 32 values; returns how many were done.
    #[target_feature(enable = "avx2")]
    pub(super) fn fill_keys(keys: &mut [u8], y: &[Complex64], map: KeyMap) -> usize {
        let lo = _mm256_set1_epi32(map.lo);
        let count = _mm_cvtsi32_si128(map.shift as i32);
        // packs/packus interleave 128-bit lanes, hadd swaps the middle pair of each quad:
        // these two shuffles restore the sample order.
        let lanes = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
        let quad = _mm256_setr_epi8(
            0, 2, 1, 3, 4, 6, 5, 7, 8, 10, 9, 11, 12, 14, 13, 15, 0, 2, 1, 3, 4, 6, 5, 7, 8, 10, 9, 11, 12, 14, 13, 15,
        );
        let mut done = 0;
        for (kc, yc) in keys.chunks_exact_mut(32).zip(y.chunks_exact(32)) {
            let p = yc.as_ptr() as *const f64;
            let mut k = [_mm256_setzero_si256(); 4];
            for (g, kg) in k.iter_mut().enumerate() {
                let mut f = [_mm_setzero_ps(); 2];
                for (h, fh) in f.iter_mut().enumerate() {
                    let o = 16 * g + 8 * h;
                    // SAFETY: `yc` holds 32 `Complex64` = 64 contiguous f64 (repr(C)); o + 8 ≤ 64.
                    let (a, b) = unsafe { (_mm256_loadu_pd(p.add(o)), _mm256_loadu_pd(p.add(o + 4))) };
                    // [re0² + im0², re2² + im2², re1² + im1², re3² + im3²]
                    let s = _mm256_hadd_pd(_mm256_mul_pd(a, a), _mm256_mul_pd(b, b));
                    *fh = _mm256_cvtpd_ps(s);
                }
                let bits = _mm256_castps_si256(_mm256_set_m128(f[1], f[0]));
                *kg = _mm256_sub_epi32(_mm256_srl_epi32(bits, count), lo);
            }
            let w0 = _mm256_packs_epi32(k[0], k[1]);
            let w1 = _mm256_packs_epi32(k[2], k[3]);
            let b = _mm256_packus_epi16(w0, w1);
            let b = _mm256_shuffle_epi8(_mm256_permutevar8x32_epi32(b, lanes), quad);
            // SAFETY: `kc` is 32 bytes.
            unsafe { _mm256_storeu_si256(kc.as_mut_ptr() as *mut __m256i, b) };
            done += 32;
        }
        done
    }

    /// Number of keys below `t`: byte counters (flushed before they can wrap) summed by psadbw.
    #[target_feature(enable = "avx2")]
    pub(super) fn count_below(keys: &[u8], t: u8) -> usize {
        let bias = _mm256_set1_epi8(i8::MIN);
        let tv = _mm256_set1_epi8((t ^ 0x80) as i8);
        let zero = _mm256_setzero_si256();
        let mut total = zero;
        let body = keys.len() - keys.len() % 32;
        // 255 vectors per block: a byte counter cannot wrap.
        for block in keys[..body].chunks(255 * 32) {
            let mut acc = zero;
            for c in block.chunks_exact(32) {
                // SAFETY: `c` is 32 bytes.
                let k = unsafe { _mm256_loadu_si256(c.as_ptr() as *const __m256i) };
                // Unsigned key < t as a signed compare of the biased bytes (−1 where true).
                acc = _mm256_sub_epi8(acc, _mm256_cmpgt_epi8(tv, _mm256_xor_si256(k, bias)));
            }
            total = _mm256_add_epi64(total, _mm256_sad_epu8(acc, zero));
        }
        let mut lanes = [0u64; 4];
        // SAFETY: `lanes` is 32 bytes.
        unsafe { _mm256_storeu_si256(lanes.as_mut_ptr() as *mut __m256i, total) };
        lanes.iter().sum::<u64>() as usize + keys[body..].iter().filter(|&&k| k < t).count()
    }

    /// Squared moduli of the samples whose key is `t`, found 32 keys at a time by a byte
    /// compare and a bit mask.
    #[target_feature(enable = "avx2")]
    pub(super) fn collect(y: &[Complex64], keys: &[u8], t: u8, out: &mut Vec<f64>) {
        let tv = _mm256_set1_epi8(t as i8);
        let chunks = keys.chunks_exact(32);
        let done = keys.len() - chunks.remainder().len();
        for (c, yc) in chunks.zip(y.chunks_exact(32)) {
            // SAFETY: `c` is 32 bytes.
            let k = unsafe { _mm256_loadu_si256(c.as_ptr() as *const __m256i) };
            let mut m = _mm256_movemask_epi8(_mm256_cmpeq_epi8(k, tv)) as u32;
            while m != 0 {
                out.push(sq(yc[m.trailing_zeros() as usize]));
                m &= m - 1;
            }
        }
        out.extend(keys[done..].iter().zip(&y[done..]).filter(|(k, _)| **k == t).map(|(_, z)| sq(*z)));
    }
}
