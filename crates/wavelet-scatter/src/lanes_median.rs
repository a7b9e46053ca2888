//! Median pooling of eight items at once, straight from squared moduli in lanes layout
//! (`sq[p][l]` = position p of item l): the bucket selection of [`crate::select_sq`] run for
//! all lanes together, with no transpose. Each lane gets its own key map from its own pilot;
//! keys are stored eight per position (`keys[8p + l]`), so one 64-byte compare counts eight
//! positions of all lanes against eight per-lane thresholds, and the eight bisections of
//! the 256 buckets run side by side.
//!
//! Only exact order statistics leave this module, so it returns exactly what
//! [`crate::select::Selector::middle_pair_sq`] returns for each lane (the same
//! algorithm, with the squares computed beforehand).

// Lane loops index several arrays with the same lane number.
#![allow(clippy::needless_range_loop)]

use crate::lanes::LANES;
use crate::lanes_net::Reals;
use crate::select::{BUCKETS, SMALL, middle_from_bucket, pair_by_quickselect};
use crate::select_sq::KeyMap;

/// Buffers of the lane-parallel median.
#[derive(Default)]
pub(crate) struct LanesMedian {
    keys: Vec<u8>,
    bucket: [Vec<f64>; LANES],
    column: Vec<f64>,
}

/// Which kernels run: AVX-512 (F/BW/VL) or portable.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kernels {
    Avx512,
    Portable,
}

fn kernels_of_cpu() -> Kernels {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bw")
            && std::arch::is_x86_feature_detected!("avx512vl")
        {
            return Kernels::Avx512;
        }
    }
    Kernels::Portable
}

impl LanesMedian {
    /// `(sq[k−1], sq[k])` of each of the first `active` lanes sorted (k = n/2), as
    /// [`Selector::middle_pair_sq`] gives them.
    pub(crate) fn middle_pairs(&mut self, sq: &[Reals], active: usize) -> [(f64, f64); LANES] {
        let n = sq.len();
        let k = n / 2;
        let mut out = [(0.0, 0.0); LANES];
        if n < SMALL {
            for (l, o) in out.iter_mut().enumerate().take(active) {
                self.column.clear();
                self.column.extend(sq.iter().map(|v| v[l]));
                *o = pair_by_quickselect(&mut self.column, k);
            }
            return out;
        }
        let maps: [KeyMap; LANES] = std::array::from_fn(|l| KeyMap::from_fn(n, |i| sq[i][l]));
        self.keys.resize(n * LANES, 0);
        kernels::fill_keys(&mut self.keys, sq, &maps);
        // Eight bisections side by side: lane l's bucket t[l] holds rank k.
        let (mut t, mut hi, mut before) = ([0usize; LANES], [BUCKETS; LANES], [0usize; LANES]);
        while hi[0] - t[0] > 1 {
            let mid: [usize; LANES] = std::array::from_fn(|l| (t[l] + hi[l]) / 2);
            let counts = kernels::count_below(&self.keys, mid.map(|m| m as u8));
            for l in 0..LANES {
                if counts[l] <= k {
                    (t[l], before[l]) = (mid[l], counts[l]);
                } else {
                    hi[l] = mid[l];
                }
            }
        }
        kernels::collect(sq, &self.keys, t.map(|v| v as u8), active, &mut self.bucket);
        for (l, o) in out.iter_mut().enumerate().take(active) {
            let keys = &self.keys;
            *o = middle_from_bucket(&mut self.bucket[l], k - before[l], n % 2 == 1, |_| {
                let lane_keys = keys.iter().skip(l).step_by(LANES);
                let p = lane_keys.clone().fold(0u8, |m, &key| if key < t[l] as u8 { m.max(key) } else { m });
                lane_keys.zip(sq).filter(|(key, _)| **key == p).map(|(_, v)| v[l]).fold(f64::NEG_INFINITY, f64::max)
            });
        }
        out
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod kernels {
    use super::{LANES, Reals};
    use crate::select_sq::KeyMap;
    use std::arch::x86_64::*;

    /// `keys[8p + l]` = lane l's key of `sq[p][l]`: f32 bits shifted by the lane's shift
    /// (variable shift), minus its offset, clamped to 0…255.
    pub(super) fn fill_keys(keys: &mut [u8], sq: &[Reals], maps: &[KeyMap; LANES]) {
        assert!(keys.len() >= sq.len() * LANES);
        match super::kernels_of_cpu() {
            // SAFETY: AVX-512F/BW/VL are available (detected).
            super::Kernels::Avx512 => unsafe { fill_keys_avx512(keys, sq, maps) },
            super::Kernels::Portable => super::portable::fill_keys(keys, sq, maps),
        }
    }

    #[target_feature(enable = "avx512f,avx512bw,avx512vl")]
    fn fill_keys_avx512(keys: &mut [u8], sq: &[Reals], maps: &[KeyMap; LANES]) {
        let shift = _mm256_setr_epi32(
            maps[0].shift() as i32,
            maps[1].shift() as i32,
            maps[2].shift() as i32,
            maps[3].shift() as i32,
            maps[4].shift() as i32,
            maps[5].shift() as i32,
            maps[6].shift() as i32,
            maps[7].shift() as i32,
        );
        let lo = _mm256_setr_epi32(
            maps[0].lo(),
            maps[1].lo(),
            maps[2].lo(),
            maps[3].lo(),
            maps[4].lo(),
            maps[5].lo(),
            maps[6].lo(),
            maps[7].lo(),
        );
        let zero = _mm256_setzero_si256();
        for (kc, v) in keys.chunks_exact_mut(LANES).zip(sq) {
            // SAFETY: `v` is eight f64, `kc` eight bytes.
            unsafe {
                let f = _mm512_cvtpd_ps(_mm512_loadu_pd(v.as_ptr()));
                let bits = _mm256_sub_epi32(_mm256_srlv_epi32(_mm256_castps_si256(f), shift), lo);
                let b = _mm256_cvtusepi32_epi8(_mm256_max_epi32(bits, zero));
                _mm_storel_epi64(kc.as_mut_ptr() as *mut __m128i, b);
            }
        }
    }

    /// Per lane, the number of keys below that lane's threshold.
    pub(super) fn count_below(keys: &[u8], t: [u8; LANES]) -> [usize; LANES] {
        match super::kernels_of_cpu() {
            // SAFETY: AVX-512F/BW are available (detected).
            super::Kernels::Avx512 => unsafe { count_below_avx512(keys, t) },
            super::Kernels::Portable => super::portable::count_below(keys, t),
        }
    }

    #[target_feature(enable = "avx512f,avx512bw")]
    fn count_below_avx512(keys: &[u8], t: [u8; LANES]) -> [usize; LANES] {
        let tv = _mm512_set1_epi64(u64::from_le_bytes(t) as i64);
        let mut counts = [0usize; LANES];
        let chunks = keys.chunks_exact(64);
        let rest = chunks.remainder();
        let mut bytes = [0u8; 64];
        // Flushed every 255 chunks: a byte counter cannot wrap.
        let mut acc = _mm512_setzero_si512();
        let mut in_block = 0;
        for c in chunks {
            // SAFETY: `c` is 64 bytes.
            let k = unsafe { _mm512_loadu_si512(c.as_ptr() as *const __m512i) };
            acc = _mm512_sub_epi8(acc, _mm512_movm_epi8(_mm512_cmplt_epu8_mask(k, tv)));
            in_block += 1;
            if in_block == 255 {
                flush(&mut acc, &mut bytes, &mut counts);
                in_block = 0;
            }
        }
        flush(&mut acc, &mut bytes, &mut counts);
        for (i, &key) in rest.iter().enumerate() {
            counts[i % LANES] += usize::from(key < t[i % LANES]);
        }
        counts
    }

    /// Private, and only inlined into `count_below_avx512` (its AVX-512 frame).
    #[inline(always)]
    fn flush(acc: &mut __m512i, bytes: &mut [u8; 64], counts: &mut [usize; LANES]) {
        // SAFETY: `bytes` is 64 bytes (inlined into AVX-512 frames only).
        unsafe { _mm512_storeu_si512(bytes.as_mut_ptr() as *mut __m512i, *acc) };
        *acc = unsafe { _mm512_setzero_si512() };
        for (i, &b) in bytes.iter().enumerate() {
            counts[i % LANES] += usize::from(b);
        }
    }

    /// `buckets[l]` = lane l's squared moduli whose key is `t[l]` (lanes below `active`).
    pub(super) fn collect(sq: &[Reals], keys: &[u8], t: [u8; LANES], active: usize, buckets: &mut [Vec<f64>; LANES]) {
        buckets.iter_mut().for_each(Vec::clear);
        match super::kernels_of_cpu() {
            // SAFETY: AVX-512F/BW are available (detected).
            super::Kernels::Avx512 => unsafe { collect_avx512(sq, keys, t, active, buckets) },
            super::Kernels::Portable => super::portable::collect(sq, keys, t, active, buckets),
        }
    }

    #[target_feature(enable = "avx512f,avx512bw")]
    fn collect_avx512(sq: &[Reals], keys: &[u8], t: [u8; LANES], active: usize, buckets: &mut [Vec<f64>; LANES]) {
        let tv = _mm512_set1_epi64(u64::from_le_bytes(t) as i64);
        let body = sq.len() / 8 * 8;
        for (ci, c) in keys[..body * LANES].chunks_exact(64).enumerate() {
            // SAFETY: `c` is 64 bytes.
            let k = unsafe { _mm512_loadu_si512(c.as_ptr() as *const __m512i) };
            let mut m = _mm512_cmpeq_epu8_mask(k, tv);
            while m != 0 {
                let bit = m.trailing_zeros() as usize;
                let (p, l) = (ci * 8 + bit / LANES, bit % LANES);
                if l < active {
                    buckets[l].push(sq[p][l]);
                }
                m &= m - 1;
            }
        }
        for p in body..sq.len() {
            for l in 0..active {
                if keys[p * LANES + l] == t[l] {
                    buckets[l].push(sq[p][l]);
                }
            }
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
use portable as kernels;

/// Scalar kernels (CPUs without AVX-512), the reference for the vector ones.
mod portable {
    use super::{LANES, Reals};
    use crate::select_sq::KeyMap;

    pub(super) fn fill_keys(keys: &mut [u8], sq: &[Reals], maps: &[KeyMap; LANES]) {
        for (kc, v) in keys.chunks_exact_mut(LANES).zip(sq) {
            for l in 0..LANES {
                kc[l] = maps[l].key(v[l]);
            }
        }
    }

    pub(super) fn count_below(keys: &[u8], t: [u8; LANES]) -> [usize; LANES] {
        let mut counts = [0usize; LANES];
        for (i, &key) in keys.iter().enumerate() {
            counts[i % LANES] += usize::from(key < t[i % LANES]);
        }
        counts
    }

    pub(super) fn collect(sq: &[Reals], keys: &[u8], t: [u8; LANES], active: usize, buckets: &mut [Vec<f64>; LANES]) {
        buckets.iter_mut().for_each(Vec::clear);
        for (kc, v) in keys.chunks_exact(LANES).zip(sq) {
            for l in 0..active {
                if kc[l] == t[l] {
                    buckets[l].push(v[l]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every lane's middle pair equals sorting that lane's column, for lengths around the
    /// small-input threshold, odd and even, with ties, a burst, and lanes whose values split
    /// into two far-apart halves (rank k−1 then lies in a lower bucket than rank k).
    #[test]
    fn equals_sorting() {
        let mut med = LanesMedian::default();
        for n in [1usize, 5, 63, 64, 65, 100, 128, 200, 511, 1000, 3001] {
            let sq: Vec<Reals> = (0..n)
                .map(|i| {
                    std::array::from_fn(|l| {
                        let x = ((i * 7919 + l * 104_729) % 1013) as f64 / 97.0;
                        let burst = if (n / 3..n / 3 + 40).contains(&i) { 1e4 } else { 1.0 };
                        match l {
                            3 => (i % 5) as f64,
                            6 => {
                                if i % 2 == 0 {
                                    1e-3 * (1.0 + x)
                                } else {
                                    1e6 * (1.0 + x)
                                }
                            }
                            _ => x * x * burst * (1.0 + l as f64),
                        }
                    })
                })
                .collect();
            for active in [8, 5] {
                let got = med.middle_pairs(&sq, active);
                for l in 0..active {
                    let mut col: Vec<f64> = sq.iter().map(|v| v[l]).collect();
                    col.sort_by(f64::total_cmp);
                    let k = n / 2;
                    let want = if n == 1 { (col[0], col[0]) } else { (col[k - 1], col[k]) };
                    let want = if n % 2 == 1 { (col[k], col[k]) } else { want };
                    assert_eq!(got[l], want, "n = {n}, lane {l}");
                }
            }
        }
    }
}
