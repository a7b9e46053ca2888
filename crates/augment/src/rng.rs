//! Per-(seed, epoch, index) random number generators.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

/// The RNG the generator hands to augmentations (PCG, stable across rand versions).
pub type SampleRng = Pcg64Mcg;

/// SplitMix64 finaliser: a bijective mix so nearby (epoch, index) pairs get unrelated streams.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The RNG of sample `index` in `epoch` for a generator seeded with `seed`: any sample is
/// reproducible on its own, and every epoch draws differently.
pub fn sample_rng(seed: u64, epoch: u64, index: u64) -> SampleRng {
    let a = mix(seed ^ mix(epoch ^ mix(index)));
    let b = mix(a ^ 0xD1B5_4A32_D192_ED03);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_le_bytes());
    bytes[8..].copy_from_slice(&b.to_le_bytes());
    SampleRng::from_seed(bytes)
}

/// A fast local RNG seeded from `rng`, for bulk draws (noise) without dynamic dispatch per value.
pub(crate) fn local_rng(rng: &mut dyn rand::Rng) -> SampleRng {
    let mut seed = [0u8; 16];
    rng.fill_bytes(&mut seed);
    SampleRng::from_seed(seed)
}

/// A draw from U(range.0, range.1), or range.0 when the range is a single point.
pub(crate) fn uniform(rng: &mut dyn rand::Rng, range: (f64, f64)) -> f64 {
    use rand::RngExt;
    if range.0 == range.1 { range.0 } else { rng.random_range(range.0..range.1) }
}
