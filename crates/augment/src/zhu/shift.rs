//! Random shift over the whole window, cut from a longer trace (no zero padding).

use crate::augmentation::Augmentation;
use crate::error::{AugmentError, Result};
use crate::sample::Sample;
use crate::windows::{WindowStrategy, cut_window};
use rand::{Rng, RngExt};

/// Cuts a window of `windowlen` at a uniformly random start such that every arrival listed in
/// `keep_inside` (those present) lies at least `margin` samples inside the window. The window is
/// always fully inside the trace, so no zero padding is needed (Zhu et al. 2020: shifts over the
/// whole window, drawn on the fly).
///
/// Policy: a trace shorter than `windowlen` is an error ([`AugmentError::WindowTooLong`]). If the
/// arrivals span more than the window allows, only the earliest listed arrival is kept inside.
#[derive(Debug, Clone)]
pub struct RandomShiftCut {
    /// Window length.
    pub windowlen: usize,
    /// Arrivals to keep inside the window.
    pub keep_inside: Vec<String>,
    /// Minimum distance of those arrivals from the window borders, in samples.
    pub margin: usize,
}

impl RandomShiftCut {
    /// Keep P and S (`trace_P_arrival_sample`, `trace_S_arrival_sample`) inside, no margin.
    pub fn new(windowlen: usize) -> Self {
        Self {
            windowlen,
            keep_inside: vec!["trace_P_arrival_sample".into(), "trace_S_arrival_sample".into()],
            margin: 0,
        }
    }

    /// The allowed range of window starts for this sample (inclusive).
    pub fn start_range(&self, sample: &Sample) -> Result<(i64, i64)> {
        let n = sample.len() as i64;
        let wl = self.windowlen as i64;
        if n < wl {
            return Err(AugmentError::WindowTooLong {
                what: "random shift cut",
                window: self.windowlen,
                len: n as usize,
            });
        }
        let picks: Vec<f64> = self.keep_inside.iter().filter_map(|k| sample.metadata.number(k)).collect();
        let m = self.margin as i64;
        let range = |picks: &[f64]| {
            let first = picks.iter().copied().fold(f64::INFINITY, f64::min);
            let last = picks.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let lo = (last.floor() as i64 + m + 1 - wl).max(0);
            let hi = (first.ceil() as i64 - m).min(n - wl);
            (lo, hi)
        };
        if picks.is_empty() {
            return Ok((0, n - wl));
        }
        let (lo, hi) = range(&picks);
        if lo <= hi {
            return Ok((lo, hi));
        }
        let first = [picks.iter().copied().fold(f64::INFINITY, f64::min)];
        let (lo, hi) = range(&first);
        if lo <= hi { Ok((lo, hi)) } else { Ok((0, n - wl)) }
    }
}

impl Augmentation for RandomShiftCut {
    fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()> {
        let (lo, hi) = self.start_range(sample)?;
        let p0 = rng.random_range(lo..=hi);
        cut_window(sample, p0, self.windowlen, WindowStrategy::Fail)
    }
}
