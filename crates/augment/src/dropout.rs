//! Channel dropout (SeisBench `ChannelDropout`; Zhu et al. 2020 channel dropout).

use crate::augmentation::Augmentation;
use crate::error::Result;
use crate::sample::Sample;
use ndarray::Axis;
use rand::{Rng, RngExt};

/// Zeroes a random subset of channels: `n_drop = randint(C)` (0 … C − 1, so at least one channel
/// always survives), then the first `n_drop` channels of a random permutation.
///
/// Like seisbench, surviving channels are **not** rescaled unless `rescale` is set (then they are
/// multiplied by C / kept, as EQTransformer does). If the data became all zero (e.g. the kept
/// channel was already blank), `clear_picks` sets the arrivals to NaN and `label_keys` turns those
/// labels into pure noise (seisbench `check_meta_picks_in_gap` / `label_keys`).
#[derive(Debug, Clone, Default)]
pub struct ChannelDropout {
    /// Set arrivals to NaN when nothing but zeros is left.
    pub clear_picks: bool,
    /// Label keys to turn into noise when nothing but zeros is left.
    pub label_keys: Vec<String>,
    /// Rescale the kept channels by C / kept (not seisbench's behaviour).
    pub rescale: bool,
}

impl ChannelDropout {
    /// Drop the given channels (the deterministic core; `apply` draws them).
    pub fn drop_channels(&self, sample: &mut Sample, channels: &[usize]) {
        if channels.is_empty() {
            return;
        }
        let c = sample.n_channels();
        for &ch in channels {
            if ch < c {
                sample.waveform.index_axis_mut(Axis(0), ch).fill(0.0);
            }
        }
        if self.rescale {
            let kept = c - channels.iter().filter(|&&ch| ch < c).count();
            if kept > 0 {
                let f = c as f64 / kept as f64;
                sample.waveform.mapv_inplace(|v| v * f);
            }
        }
        // np.allclose(x, 0): |x| <= 1e-8 everywhere.
        if sample.waveform.iter().all(|v| v.abs() <= 1e-8) {
            if self.clear_picks {
                sample.metadata.clear_arrivals_where(|_| true);
            }
            for key in &self.label_keys {
                if let Some(l) = sample.labels.get_mut(key) {
                    l.data.fill(0.0);
                    if let Some(i) = l.noise {
                        l.data.row_mut(i).fill(1.0);
                    }
                }
            }
        }
    }
}

impl Augmentation for ChannelDropout {
    fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()> {
        let c = sample.n_channels();
        if c == 0 {
            return Ok(());
        }
        let n_drop = rng.random_range(0..c);
        if n_drop == 0 {
            return Ok(());
        }
        let mut perm: Vec<usize> = (0..c).collect();
        // Fisher–Yates on the prefix only.
        for i in 0..n_drop {
            let j = rng.random_range(i..c);
            perm.swap(i, j);
        }
        self.drop_channels(sample, &perm[..n_drop]);
        Ok(())
    }
}
