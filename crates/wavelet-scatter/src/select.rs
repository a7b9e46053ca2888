//! Exact order statistics of a few thousand values without sorting them: the two middle values
//! that `numpy.median` averages, read straight from the filtered signal (squared moduli of
//! complex samples, or real values) without reordering or copying it.
//!
//! How: one vectorisable pass maps every value to an 8-bit bucket key (16 buckets per octave,
//! read from the IEEE bits of its f32 rounding, so the buckets are logarithmic, which suits
//! heavy-tailed moduli); a bisection over the 256 keys, each step counting the keys below a
//! bound with byte vectors, finds the bucket holding the wanted rank; a second pass, which
//! skips 16-key blocks without a hit, collects that bucket alone (a few dozen values for a
//! smooth distribution) and a quickselect finishes there. The buckets are centred on the
//! median key of a 15-value pilot sample, so they span ±8 octaves around it; values outside
//! fall into the end buckets. Every value still lands in the bucket its key says and the map from value
//! to key is monotone, so the result is exact whatever the data: an unlucky pilot (or ties,
//! or a constant signal) only makes the final bucket, and the quickselect, larger.

use crate::float::Sample;
use crate::select_sq::{self, KeyMap, sq};
use crate::simd::wide;
use num_complex::Complex64;
use std::cmp::Ordering;

/// Buckets (8-bit keys).
pub(crate) const BUCKETS: usize = 256;
/// `bits >> SHIFT` of an f32 keeps the sign, the 8 exponent bits and 4 mantissa bits:
/// 16 buckets per octave. (Rounding to f32 is monotone, so keys stay ordered like the values;
/// the narrow integer lanes keep the key computation in plain SSE2 vectors.)
const SHIFT: u32 = 19;
/// Below this many values a plain quickselect of a copy is cheaper than two passes.
pub(crate) const SMALL: usize = 64;
/// Keys per block tested at once by the collecting pass.
const BLOCK: usize = 16;

/// Reusable buffers of the selection (one per worker thread; no allocation per call once grown).
#[derive(Debug, Default)]
pub(crate) struct Selector<T> {
    keys: Vec<u8>,
    buf: Vec<T>,
    /// Collected bucket of the `f64` squared-moduli path.
    buf64: Vec<f64>,
}

/// f32 bits of `x` mapped so that unsigned order equals numeric order (negatives flipped),
/// cut to the bucket resolution.
#[inline(always)]
fn raw_key<T: Sample>(x: T) -> i32 {
    let b = (x.to64() as f32).to_bits();
    let flip = (((b as i32) >> 31) as u32) | (1 << 31);
    ((b ^ flip) >> SHIFT) as i32
}

/// Bucket of `x` when the first bucket has raw key `lo`.
#[inline(always)]
fn bucket<T: Sample>(x: T, lo: i32) -> u8 {
    (raw_key(x) - lo).clamp(0, BUCKETS as i32 - 1) as u8
}

fn cmp<T: Sample>(a: &T, b: &T) -> Ordering {
    a.partial_cmp(b).unwrap_or(Ordering::Equal)
}

impl<T: Sample> Selector<T> {
    /// Empty buffers (they grow to the longest input on first use).
    pub(crate) fn new() -> Self {
        Self { keys: Vec::new(), buf: Vec::new(), buf64: Vec::new() }
    }

    /// `(v[k−1], v[k])` of the sorted values `val(src[i])` with `k = n/2` (n ≥ 1; for n = 1 both
    /// are the single value): the median is the second for odd n, their mean for even n.
    pub(crate) fn middle_pair<S: Copy>(&mut self, src: &[S], val: impl Fn(S) -> T + Copy) -> (T, T) {
        let n = src.len();
        let k = n / 2;
        if self.buf.len() < n + 1 {
            self.buf.resize(n + 1, T::zero());
            self.keys.resize(n, 0);
        }
        if n < SMALL {
            let buf = &mut self.buf[..n];
            for (b, &s) in buf.iter_mut().zip(src) {
                *b = val(s);
            }
            return pair_by_quickselect(buf, k);
        }
        let lo = pilot(src, val) - BUCKETS as i32 / 2;
        let keys = &mut self.keys[..n];
        fill_keys(keys, src, val, lo);
        // Bisect for the bucket `t` holding rank k, counting keys below a bound with byte
        // vectors (8 passes over n bytes): `before` values lie in lower buckets.
        let (mut t, mut hi, mut before) = (0usize, BUCKETS, 0usize);
        while hi - t > 1 {
            let mid = (t + hi) / 2;
            let c = count_below(keys, mid as u8);
            if c <= k {
                (t, before) = (mid, c);
            } else {
                hi = mid;
            }
        }
        let kk = k - before;
        let m = collect(src, val, keys, t as u8, &mut self.buf);
        let (left, mid, _) = self.buf[..m].select_nth_unstable_by(kk, cmp);
        let upper = *mid;
        let lower = if n % 2 == 1 {
            upper
        } else if kk > 0 {
            left.iter().copied().fold(T::neg_infinity(), T::max)
        } else {
            // Rank k−1 is the largest value of the highest non-empty lower bucket (k ≥ 1, so
            // one exists). Rare: about one call in the bucket's population.
            let p = keys.iter().fold(0u8, |m, &key| if key < t as u8 { m.max(key) } else { m });
            let m = collect(src, val, keys, p, &mut self.buf);
            self.buf[..m].iter().copied().fold(T::neg_infinity(), T::max)
        };
        (lower, upper)
    }
}

impl<T> Selector<T> {
    /// [`Selector::middle_pair`] of the squared moduli `re² + im²` of `f64` complex samples,
    /// with adaptive bucket keys and AVX2 kernels ([`crate::select_sq`]).
    pub(crate) fn middle_pair_sq(&mut self, y: &[Complex64]) -> (f64, f64) {
        let n = y.len();
        let k = n / 2;
        if n < SMALL {
            self.buf64.clear();
            self.buf64.extend(y.iter().map(|z| sq(*z)));
            return pair_by_quickselect(&mut self.buf64, k);
        }
        if self.keys.len() < n {
            self.keys.resize(n, 0);
        }
        let keys = &mut self.keys[..n];
        select_sq::fill_keys(keys, y, KeyMap::from_pilot(y));
        let (mut t, mut hi, mut before) = (0usize, BUCKETS, 0usize);
        while hi - t > 1 {
            let mid = (t + hi) / 2;
            let c = select_sq::count_below(keys, mid as u8);
            if c <= k {
                (t, before) = (mid, c);
            } else {
                hi = mid;
            }
        }
        select_sq::collect(y, keys, t as u8, &mut self.buf64);
        let buf64 = &mut self.buf64;
        middle_from_bucket(buf64, k - before, n % 2 == 1, |buf| {
            let p = keys.iter().fold(0u8, |m, &key| if key < t as u8 { m.max(key) } else { m });
            select_sq::collect(y, keys, p, buf);
            buf.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        })
    }
}

/// `(rank k−1, rank k)` of squared moduli whose rank-k value lies in `bucket` at rank `kk`
/// (`kk` values of lower buckets precede it). For odd counts both are rank k. When `kk = 0`,
/// rank k−1 is the largest value of the highest non-empty lower bucket, which
/// `lower_bucket_max` finds (rare; it may reuse the bucket buffer once `upper` is read).
pub(crate) fn middle_from_bucket(
    bucket: &mut Vec<f64>,
    kk: usize,
    odd: bool,
    lower_bucket_max: impl FnOnce(&mut Vec<f64>) -> f64,
) -> (f64, f64) {
    let (left, mid, _) = bucket.select_nth_unstable_by(kk, f64::total_cmp);
    let upper = *mid;
    let lower = if odd {
        upper
    } else if kk > 0 {
        left.iter().copied().fold(f64::NEG_INFINITY, f64::max)
    } else {
        lower_bucket_max(bucket)
    };
    (lower, upper)
}

/// `(v[k−1], v[k])` of `v` sorted (k = len/2; both `v[0]` for a single value).
pub(crate) fn pair_by_quickselect<T: Sample>(v: &mut [T], k: usize) -> (T, T) {
    let odd = v.len() % 2 == 1;
    let (left, mid, _) = v.select_nth_unstable_by(k, cmp);
    let upper = *mid;
    let lower = if odd { upper } else { left.iter().copied().fold(T::neg_infinity(), T::max) };
    (lower, upper)
}

/// Median raw key of 15 values spread over the input (n ≥ SMALL).
fn pilot<S: Copy, T: Sample>(src: &[S], val: impl Fn(S) -> T) -> i32 {
    let n = src.len();
    let mut sample = [0i32; 15];
    for (j, s) in sample.iter_mut().enumerate() {
        *s = raw_key(val(src[select_sq::pilot_index(j, n)]));
    }
    sample.sort_unstable();
    sample[7]
}

/// Bucket keys of every value: pure SIMD lanes (f64 products, f32 rounding, i32 shifts,
/// saturating packs), run wide where the CPU allows ([`crate::simd::wide`]).
fn fill_keys<S: Copy, T: Sample>(keys: &mut [u8], src: &[S], val: impl Fn(S) -> T + Copy, lo: i32) {
    wide(
        #[inline(always)]
        || fill_keys_portable(keys, src, val, lo),
    )
}

#[inline(always)]
fn fill_keys_portable<S: Copy, T: Sample>(keys: &mut [u8], src: &[S], val: impl Fn(S) -> T + Copy, lo: i32) {
    for (key, &s) in keys.iter_mut().zip(src) {
        *key = bucket(val(s), lo);
    }
}

/// Number of keys below `t`: byte-lane sums over blocks of 240 keys (a block's count fits
/// a byte, so the wrapping byte reduction is exact and vectorises).
fn count_below(keys: &[u8], t: u8) -> usize {
    wide(
        #[inline(always)]
        || count_below_portable(keys, t),
    )
}

#[inline(always)]
fn count_below_portable(keys: &[u8], t: u8) -> usize {
    keys.chunks(240).map(|block| block.iter().fold(0u8, |a, &key| a.wrapping_add((key < t) as u8)) as usize).sum()
}

/// Copy the values whose key is `t` to the front of `buf` (len ≥ n + 1) and return their
/// number. Blocks of keys without a hit are skipped after one vectorisable test; inside a
/// block the copy is branch-free (always write, advance on a hit).
fn collect<S: Copy, T: Sample>(src: &[S], val: impl Fn(S) -> T, keys: &[u8], t: u8, buf: &mut [T]) -> usize {
    let mut m = 0;
    for (kb, sb) in keys.chunks(BLOCK).zip(src.chunks(BLOCK)) {
        if kb.iter().fold(false, |a, &k| a | (k == t)) {
            for (&k, &s) in kb.iter().zip(sb) {
                buf[m] = val(s);
                m += (k == t) as usize;
            }
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn by_sorting(v: &[f64]) -> (f64, f64) {
        let mut s = v.to_vec();
        s.sort_by(f64::total_cmp);
        let n = s.len();
        if n % 2 == 1 { (s[n / 2], s[n / 2]) } else { (s[n / 2 - 1], s[n / 2]) }
    }

    #[test]
    fn exact_on_fixed_inputs() {
        let mut sel = Selector::<f64>::new();
        for n in [1usize, 2, 3, 63, 64, 65, 128, 129, 1000, 2842, 3000, 3001] {
            let v: Vec<f64> =
                (0..n).map(|i| (((i * 7919) % 1013) as f64 * 0.37).sin().abs() * (1 + i % 5) as f64).collect();
            assert_eq!(sel.middle_pair(&v, |x| x), by_sorting(&v), "n = {n}");
            // Ties and a constant run.
            let mut c = vec![2.0; n];
            c[0] = 1.0;
            assert_eq!(sel.middle_pair(&c, |x| x), by_sorting(&c), "n = {n}");
            // Mostly zeros (the pilot sits on the end bucket), negatives, a huge spread.
            let z: Vec<f64> = (0..n).map(|i| if i % 3 == 0 { i as f64 * 1e-300 } else { 0.0 }).collect();
            assert_eq!(sel.middle_pair(&z, |x| x), by_sorting(&z), "n = {n}");
            let s: Vec<f64> = v.iter().enumerate().map(|(i, x)| (x - 1.0) * 10f64.powi((i % 40) as i32 - 20)).collect();
            assert_eq!(sel.middle_pair(&s, |x| x), by_sorting(&s), "n = {n}");
        }
    }

    #[test]
    fn squared_moduli_of_complex_samples() {
        let y: Vec<num_complex::Complex64> =
            (0..3000).map(|i| num_complex::Complex64::new((i as f64 * 0.01).sin(), (i as f64 * 0.013).cos())).collect();
        let sq: Vec<f64> = y.iter().map(|z| z.re * z.re + z.im * z.im).collect();
        let mut sel = Selector::<f64>::new();
        assert_eq!(sel.middle_pair(&y, |z| z.re * z.re + z.im * z.im), by_sorting(&sq));
        assert_eq!(sel.middle_pair_sq(&y), by_sorting(&sq));
        // Ties, zeros, a huge spread, lengths around the 32-value vector blocks.
        for n in [1usize, 2, 31, 63, 64, 65, 95, 96, 97, 1000, 2842, 3000, 3001] {
            let z: Vec<num_complex::Complex64> = (0..n)
                .map(|i| match i % 5 {
                    0 => num_complex::Complex64::new(0.0, 0.0),
                    1 => num_complex::Complex64::new(1.0, -1.0),
                    _ => num_complex::Complex64::new(1e-150 * (i as f64).powi(3), 1e100 * (i % 3) as f64),
                })
                .collect();
            let sq: Vec<f64> = z.iter().map(|z| z.re * z.re + z.im * z.im).collect();
            assert_eq!(sel.middle_pair_sq(&z), by_sorting(&sq), "n = {n}");
            let c = vec![num_complex::Complex64::new(0.5, 0.25); n];
            let sq: Vec<f64> = c.iter().map(|z| z.re * z.re + z.im * z.im).collect();
            assert_eq!(sel.middle_pair_sq(&c), by_sorting(&sq), "n = {n}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Exact against sorting for moduli-like data of any spread, with ties, odd and even n.
        #[test]
        fn equals_sorting(
            v in prop::collection::vec(
                prop_oneof![
                    4 => (0.0f64..1.0).prop_map(|u| -u.ln()),
                    2 => (-30i32..30, 0.5f64..1.0).prop_map(|(e, m)| m * 2f64.powi(e)),
                    1 => Just(0.0),
                    1 => Just(1.0),
                    1 => -1e3f64..1e3,
                ],
                1..700,
            ),
        ) {
            let mut sel = Selector::<f64>::new();
            prop_assert_eq!(sel.middle_pair(&v, |x| x), by_sorting(&v));
            let w: Vec<f32> = v.iter().map(|&x| x as f32).collect();
            let w64: Vec<f64> = w.iter().map(|&x| x as f64).collect();
            let (a, b) = Selector::<f32>::new().middle_pair(&w, |x| x);
            prop_assert_eq!((a as f64, b as f64), by_sorting(&w64));
        }

        /// The squared-moduli kernels are exact against sorting, for any spread and length.
        #[test]
        fn squared_moduli_equal_sorting(
            v in prop::collection::vec(
                (
                    prop_oneof![
                        4 => (0.0f64..1.0).prop_map(|u| -u.ln()),
                        2 => (-300i32..300, -1.0f64..1.0).prop_map(|(e, m)| m * 2f64.powi(e)),
                        1 => Just(0.0),
                        1 => Just(1.0),
                    ],
                    -3.0f64..3.0,
                ),
                1..800,
            ),
        ) {
            let y: Vec<num_complex::Complex64> =
                v.iter().map(|&(a, b)| num_complex::Complex64::new(a, a * b)).collect();
            let sq: Vec<f64> = y.iter().map(|z| z.re * z.re + z.im * z.im).collect();
            prop_assert_eq!(Selector::<f64>::new().middle_pair_sq(&y), by_sorting(&sq));
        }
    }
}
