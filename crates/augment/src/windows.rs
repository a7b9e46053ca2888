//! Window selection (SeisBench `FixedWindow`, `SlidingWindow`, `WindowAroundSample`,
//! `RandomWindow`, `SteeredWindow`) with the same strategies and metadata shifts.
//!
//! Every window shifts all `_sample` metadata by the window start (padding included) and cuts the
//! time-aligned labels together with the waveform. Windows without padding do not copy: the
//! waveform is narrowed in place.

use crate::augmentation::Augmentation;
use crate::error::{AugmentError, Result};
use crate::pending::PendingWindow;
use crate::sample::{Metadata, Sample};
use ndarray::{Array2, s};
use rand::{Rng, RngExt};

/// What to do when the requested window does not fit the trace (SeisBench `strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WindowStrategy {
    /// Error ([`AugmentError::WindowTooLong`]); a negative start is an error too.
    #[default]
    Fail,
    /// Zero-pad on the left (negative start) and on the right (beyond the end).
    Pad,
    /// Move the start so the window fits; error if the trace is shorter than the window.
    Move,
    /// Return a shorter window (possibly empty).
    Variable,
}

/// What window selections act on: a [`Sample`] or a [`PendingWindow`] not read yet.
pub(crate) trait Windowed {
    fn len(&self) -> usize;
    fn metadata(&self) -> &Metadata;
    fn metadata_mut(&mut self) -> &mut Metadata;
    /// Keep positions `[a, b)` with `left`/`right` zeros around them (metadata untouched).
    fn keep(&mut self, a: usize, b: usize, left: usize, right: usize);
    /// Zero every position outside `[a, b)`.
    fn zero_outside(&mut self, a: usize, b: usize);
}

impl Windowed for Sample {
    fn len(&self) -> usize {
        Sample::len(self)
    }
    fn metadata(&self) -> &Metadata {
        &self.metadata
    }
    fn metadata_mut(&mut self) -> &mut Metadata {
        &mut self.metadata
    }
    fn keep(&mut self, a: usize, b: usize, left: usize, right: usize) {
        narrow(&mut self.waveform, a, b, left, right);
        for l in self.labels.values_mut() {
            narrow(&mut l.data, a, b, left, right);
        }
    }
    fn zero_outside(&mut self, a: usize, b: usize) {
        self.waveform.slice_mut(s![.., ..a]).fill(0.0);
        self.waveform.slice_mut(s![.., b..]).fill(0.0);
    }
}

impl Windowed for PendingWindow {
    fn len(&self) -> usize {
        PendingWindow::len(self)
    }
    fn metadata(&self) -> &Metadata {
        &self.metadata
    }
    fn metadata_mut(&mut self) -> &mut Metadata {
        &mut self.metadata
    }
    fn keep(&mut self, a: usize, b: usize, left: usize, right: usize) {
        PendingWindow::keep(self, a, b, left, right);
    }
    fn zero_outside(&mut self, a: usize, b: usize) {
        PendingWindow::zero_outside(self, a, b);
    }
}

/// Cut `[p0, p0 + windowlen)` from the sample with SeisBench's `FixedWindow` semantics.
pub fn cut_window(sample: &mut Sample, p0: i64, windowlen: usize, strategy: WindowStrategy) -> Result<()> {
    cut(sample, p0, windowlen, strategy)
}

fn cut<W: Windowed>(sample: &mut W, p0: i64, windowlen: usize, strategy: WindowStrategy) -> Result<()> {
    let n = sample.len() as i64;
    let mut p0 = p0;
    let mut wl = windowlen as i64;
    // _validate_parameters
    match strategy {
        WindowStrategy::Fail if p0 < 0 => {
            return Err(AugmentError::invalid("p0", p0, "negative window start is not allowed with strategy fail"));
        }
        WindowStrategy::Move if p0 < 0 => p0 = 0,
        WindowStrategy::Variable if p0 < 0 => {
            wl = (wl + p0).max(0);
            p0 = 0;
        }
        _ => {}
    }
    let mut left = 0i64;
    let mut offset = 0i64;
    if p0 < 0 && strategy == WindowStrategy::Pad {
        offset = -p0;
        left = offset.min(wl);
        wl = (wl + p0).max(0);
        p0 = 0;
    }
    let mut right = 0i64;
    if n < p0 + wl {
        match strategy {
            WindowStrategy::Fail => {
                return Err(AugmentError::WindowTooLong {
                    what: "window",
                    window: wl as usize,
                    len: (n - p0).max(0) as usize,
                });
            }
            WindowStrategy::Pad => {
                p0 = p0.min(n);
                let old = wl;
                wl = n - p0;
                right = old - wl;
            }
            WindowStrategy::Move => {
                p0 = n - wl;
                if p0 < 0 {
                    return Err(AugmentError::WindowTooLong {
                        what: "window (move)",
                        window: wl as usize,
                        len: n as usize,
                    });
                }
            }
            WindowStrategy::Variable => {
                p0 = p0.min(n);
                wl = n - p0;
            }
        }
    }
    let (a, b) = (p0 as usize, (p0 + wl) as usize);
    let (left, right) = (left as usize, right as usize);
    sample.keep(a, b, left, right);
    sample.metadata_mut().shift_samples(-((p0 - offset) as f64));
    Ok(())
}

/// Keep columns `[a, b)` with `left`/`right` zero columns around them; no copy without padding.
fn narrow(x: &mut Array2<f64>, a: usize, b: usize, left: usize, right: usize) {
    if left == 0 && right == 0 {
        x.slice_collapse(s![.., a..b]);
        return;
    }
    let mut out = Array2::zeros((x.nrows(), left + (b - a) + right));
    out.slice_mut(s![.., left..left + (b - a)]).assign(&x.slice(s![.., a..b]));
    *x = out;
}

/// A window at a fixed start (SeisBench `FixedWindow(p0, windowlen, strategy)`).
#[derive(Debug, Clone, Copy)]
pub struct FixedWindow {
    /// Start sample (may be negative with `Pad`, `Move` and `Variable`).
    pub p0: i64,
    /// Window length in samples.
    pub windowlen: usize,
    /// Policy when the window does not fit.
    pub strategy: WindowStrategy,
}

impl Select for FixedWindow {
    fn select<W: Windowed>(&self, w: &mut W, _rng: &mut dyn Rng) -> Result<()> {
        cut(w, self.p0, self.windowlen, self.strategy)
    }
}

/// Sliding windows (SeisBench `SlidingWindow`): starts `0, timestep, 2·timestep, …`; only complete
/// windows; none when the trace is shorter than `windowlen`.
#[derive(Debug, Clone, Copy)]
pub struct SlidingWindow {
    /// Step between window starts in samples (> 0).
    pub timestep: usize,
    /// Window length in samples.
    pub windowlen: usize,
}

impl SlidingWindow {
    /// All windows of `sample`, each with shifted metadata and labels.
    pub fn windows(&self, sample: &Sample) -> Result<Vec<Sample>> {
        if self.timestep == 0 {
            return Err(AugmentError::invalid("timestep", 0, "must be > 0"));
        }
        let n = sample.len();
        if n < self.windowlen {
            return Ok(Vec::new());
        }
        let count = (n - self.windowlen) / self.timestep + 1;
        (0..count)
            .map(|i| {
                let mut w = sample.clone();
                cut_window(&mut w, (i * self.timestep) as i64, self.windowlen, WindowStrategy::Fail)?;
                Ok(w)
            })
            .collect()
    }
}

/// How [`WindowAroundSample`] picks among several available metadata keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Selection {
    /// The first listed key that is present and not NaN.
    #[default]
    First,
    /// A uniformly random one among those.
    Random,
}

/// A window starting `samples_before` samples before an arrival (SeisBench `WindowAroundSample`).
/// Without any available key the window starts at sample 0.
#[derive(Debug, Clone)]
pub struct WindowAroundSample {
    /// Metadata keys in preference order, e.g. `["trace_P_arrival_sample", "trace_S_arrival_sample"]`.
    pub metadata_keys: Vec<String>,
    /// Samples to include before the arrival.
    pub samples_before: i64,
    /// First or random key.
    pub selection: Selection,
    /// Window length.
    pub windowlen: usize,
    /// Policy when the window does not fit.
    pub strategy: WindowStrategy,
}

impl WindowAroundSample {
    /// The window start this sample would get with `rng` (p0 before strategy adjustments).
    pub fn start(&self, sample: &Sample, rng: &mut dyn Rng) -> i64 {
        self.start_from(&sample.metadata, rng)
    }

    fn start_from(&self, metadata: &Metadata, rng: &mut dyn Rng) -> i64 {
        let available = || self.metadata_keys.iter().filter_map(|k| metadata.number(k));
        let c = match (available().count(), self.selection) {
            (0, _) => return 0,
            (_, Selection::First) => available().next().unwrap_or(0.0),
            (m, Selection::Random) => available().nth(rng.random_range(0..m)).unwrap_or(0.0),
        };
        // Python int() truncates towards zero.
        (c - self.samples_before as f64).trunc() as i64
    }
}

impl Select for WindowAroundSample {
    fn select<W: Windowed>(&self, w: &mut W, rng: &mut dyn Rng) -> Result<()> {
        let p0 = self.start_from(w.metadata(), rng);
        cut(w, p0, self.windowlen, self.strategy)
    }
}

/// A uniformly random window inside `[low, high)` (SeisBench `RandomWindow`).
///
/// If the window cannot fit: `Pad` draws the start from `[high - windowlen, low]` and zeroes the
/// samples outside `[low, high)`; `Variable` returns `[low, high)`; other strategies error.
#[derive(Debug, Clone, Copy)]
pub struct RandomWindow {
    /// Lowest allowed start (default 0).
    pub low: Option<i64>,
    /// End bound, exclusive (default: trace length).
    pub high: Option<i64>,
    /// Window length.
    pub windowlen: usize,
    /// Policy when the window does not fit.
    pub strategy: WindowStrategy,
}

impl RandomWindow {
    /// Window of `windowlen` anywhere in the trace, zero-padded if the trace is shorter.
    pub fn new(windowlen: usize, strategy: WindowStrategy) -> Self {
        Self { low: None, high: None, windowlen, strategy }
    }
}

impl RandomWindow {
    /// `(low, high, lowest start, highest start)`; the window cannot fit when lowest > highest.
    fn bounds(&self, n: usize) -> (i64, i64, i64, i64) {
        let low = self.low.unwrap_or(0);
        let high = self.high.unwrap_or(n as i64);
        (low, high, low, high - self.windowlen as i64)
    }

    /// Cut the window starting at `p0` (the deterministic part, after the draw).
    pub fn cut_at(&self, sample: &mut Sample, p0: i64) -> Result<()> {
        self.cut_at_of(sample, p0)
    }

    fn cut_at_of<W: Windowed>(&self, sample: &mut W, p0: i64) -> Result<()> {
        let (low, high, lo, hi) = self.bounds(sample.len());
        cut(sample, p0, self.windowlen, self.strategy)?;
        if lo > hi && self.strategy == WindowStrategy::Pad {
            let len = sample.len() as i64;
            let zero_a = (low - p0).clamp(0, len) as usize;
            let zero_b = (high - p0).clamp(0, len) as usize;
            sample.zero_outside(zero_a, zero_b.max(zero_a));
        }
        Ok(())
    }
}

impl Select for RandomWindow {
    fn select<W: Windowed>(&self, sample: &mut W, rng: &mut dyn Rng) -> Result<()> {
        let (low, high, lo, hi) = self.bounds(sample.len());
        if lo > hi {
            return match self.strategy {
                WindowStrategy::Pad => {
                    let p0 = rng.random_range(hi..=lo);
                    self.cut_at_of(sample, p0)
                }
                WindowStrategy::Variable => cut(sample, low, (high - low).max(0) as usize, self.strategy),
                _ => Err(AugmentError::WindowTooLong {
                    what: "random window",
                    window: self.windowlen,
                    len: (high - low).max(0) as usize,
                }),
            };
        }
        let p0 = rng.random_range(lo..=hi);
        self.cut_at_of(sample, p0)
    }
}

/// A window centred on the `start_sample`/`end_sample` metadata written by [`crate::Steered`]
/// (SeisBench `SteeredWindow`). Without `windowlen`, exactly `[start, end)`. After the cut the two
/// entries hold the window borders.
#[derive(Debug, Clone, Copy)]
pub struct SteeredWindow {
    /// Window length; `None` uses `end - start`.
    pub windowlen: Option<usize>,
    /// Policy when the window does not fit.
    pub strategy: WindowStrategy,
}

impl Select for SteeredWindow {
    fn select<W: Windowed>(&self, sample: &mut W, _rng: &mut dyn Rng) -> Result<()> {
        let get = |k: &str| {
            sample.metadata().number(k).ok_or_else(|| AugmentError::Metadata {
                key: k.to_string(),
                reason: "SteeredWindow needs the control start/end samples".into(),
            })
        };
        let start = get("start_sample")? as i64;
        let end = get("end_sample")? as i64;
        let range = end - start;
        let wl = self.windowlen.map(|w| w as i64).unwrap_or(range);
        let n = sample.len() as i64;
        if range > wl {
            return Err(AugmentError::invalid("windowlen", wl, format!("shorter than the steered range {range}")));
        }
        let p0 = if range == wl {
            start.max(0)
        } else {
            let mut p0 = start - (wl - range) / 2;
            if p0 + wl > n {
                p0 = n - wl;
            }
            p0.max(0)
        };
        cut(sample, p0, wl as usize, self.strategy)
    }
}

/// A pure window selection, written once for samples and pending windows.
trait Select {
    fn select<W: Windowed>(&self, w: &mut W, rng: &mut dyn Rng) -> Result<()>;
}

macro_rules! window_augmentation {
    ($($t:ty),*) => {$(
        impl Augmentation for $t {
            fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()> {
                self.select(sample, rng)
            }
            fn apply_pending(&self, window: &mut PendingWindow, rng: &mut dyn Rng) -> Option<Result<()>> {
                Some(self.select(window, rng))
            }
        }
    )*};
}

window_augmentation!(FixedWindow, WindowAroundSample, RandomWindow, SteeredWindow);
