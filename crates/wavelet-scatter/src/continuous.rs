//! Continuous-data driver: cut a long, possibly gappy record (a seis-core [`Stream`], as read
//! from miniSEED) into overlapping windows with start times, and scatter them without
//! materialising the whole batch.
//!
//! Pieces of one component that follow each other without a missing sample form a run; a window
//! is used only when every component has one run covering it entirely. Windows that touch a
//! gap (or an overlap between pieces, or lie outside a component's data) are reported in
//! [`ContinuousWindows::skipped`] and never zero-filled. Piece start times are rounded to the
//! nearest sample of the grid anchored at the earliest start.

use crate::float::Sample;
use crate::network::ScatteringNetwork;
use crate::pooling::Pooling;
use crate::{Result, ScatterError};
use ndarray::ArrayD;
use seis_core::{ComponentOrder, Stream, Trace, UtcTime};

/// A window of the regular grid that was not transformed, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct SkippedWindow {
    /// Index on the regular window grid (counting used and skipped windows).
    pub grid_index: usize,
    /// Time of the window's first sample.
    pub starttime: UtcTime,
    /// The component lacking continuous data.
    pub component: char,
    /// Human-readable reason (gap, overlap, no data).
    pub reason: String,
}

/// Consecutive pieces of one component without missing samples (sample offsets from the origin).
#[derive(Debug, Clone)]
struct Run<'a> {
    start: i64,
    end: i64,
    pieces: Vec<(i64, &'a Trace)>,
}

/// The windows of a continuous multi-component record, planned once.
#[derive(Debug, Clone)]
pub struct ContinuousWindows<'a> {
    order: ComponentOrder,
    sampling_rate: f64,
    origin: UtcTime,
    window_len: usize,
    stride: usize,
    runs: Vec<Vec<Run<'a>>>,
    /// Per used window: grid start sample and run index per component.
    used: Vec<(i64, Vec<usize>)>,
    skipped: Vec<SkippedWindow>,
}

impl<'a> ContinuousWindows<'a> {
    /// Windows of `window_len` samples every `stride` samples over the traces of `stream` whose
    /// component (last channel letter) is in `order` (e.g. "Z", "ZNE"). All traces must share one
    /// station id (apart from the component) and one sampling rate.
    pub fn new(stream: &'a Stream, order: &str, window_len: usize, stride: usize) -> Result<Self> {
        let order = ComponentOrder::new(order)?;
        if window_len == 0 {
            return Err(ScatterError::invalid("window_len", window_len, "must be ≥ 1 sample"));
        }
        if stride == 0 {
            return Err(ScatterError::invalid("stride", stride, "must be ≥ 1 sample"));
        }
        let mut per_comp: Vec<Vec<&'a Trace>> = Vec::with_capacity(order.len());
        for c in order.chars() {
            let mut ts: Vec<&Trace> = stream.select_component(c).collect();
            if ts.is_empty() {
                return Err(ScatterError::invalid(
                    "component order",
                    order.as_str(),
                    format!("the stream has no trace of component {c:?}"),
                ));
            }
            ts.sort_by_key(|t| t.starttime());
            per_comp.push(ts);
        }
        let first = per_comp[0][0];
        let sr = first.sampling_rate();
        let station = |t: &Trace| {
            let s = t.stats();
            (s.network.clone(), s.station.clone(), s.location.clone())
        };
        for t in per_comp.iter().flatten() {
            if (t.sampling_rate() - sr).abs() > 1e-9 * sr {
                return Err(ScatterError::SamplingRateMismatch {
                    what: format!("{} vs {}", first.stats().id(), t.stats().id()),
                    expected: sr,
                    got: t.sampling_rate(),
                });
            }
            if station(t) != station(first) {
                return Err(ScatterError::invalid(
                    "stream",
                    t.stats().id(),
                    format!("mixes stations: {} and {} (select one station first)", first.stats().id(), t.stats().id()),
                ));
            }
        }
        let origin = per_comp.iter().flatten().map(|t| t.starttime()).min().unwrap_or_default();
        let offset = |t: &Trace| (t.starttime().seconds_since(origin) * sr).round() as i64;
        let runs: Vec<Vec<Run<'a>>> = per_comp
            .iter()
            .map(|ts| {
                let mut runs: Vec<Run<'a>> = Vec::new();
                for &t in ts {
                    let s = offset(t);
                    let e = s + t.len() as i64;
                    match runs.last_mut() {
                        Some(r) if r.end == s => {
                            r.end = e;
                            r.pieces.push((s, t));
                        }
                        _ => runs.push(Run { start: s, end: e, pieces: vec![(s, t)] }),
                    }
                }
                runs
            })
            .collect();
        let total = runs.iter().flatten().map(|r| r.end).max().unwrap_or(0);
        let len = window_len as i64;
        let mut used = Vec::new();
        let mut skipped = Vec::new();
        let mut s = 0i64;
        let mut grid_index = 0usize;
        while s + len <= total {
            let mut picks = Vec::with_capacity(runs.len());
            let mut miss = None;
            for (ci, (c, rs)) in order.chars().zip(&runs).enumerate() {
                match rs.iter().position(|r| r.start <= s && s + len <= r.end) {
                    Some(i) => picks.push(i),
                    None => {
                        let touches = rs.iter().any(|r| r.start < s + len && s < r.end);
                        let reason = if touches {
                            "gap or overlap between pieces inside the window"
                        } else {
                            "no data of this component in the window"
                        };
                        miss = Some((ci, c, reason));
                        break;
                    }
                }
            }
            match miss {
                None => used.push((s, picks)),
                Some((_, component, reason)) => skipped.push(SkippedWindow {
                    grid_index,
                    starttime: origin.add_samples(s, sr),
                    component,
                    reason: reason.to_string(),
                }),
            }
            s += stride as i64;
            grid_index += 1;
        }
        Ok(Self { order, sampling_rate: sr, origin, window_len, stride, runs, used, skipped })
    }

    /// Number of usable windows.
    pub fn len(&self) -> usize {
        self.used.len()
    }

    /// True when no window is usable.
    pub fn is_empty(&self) -> bool {
        self.used.is_empty()
    }

    /// Component order of the channel axis.
    pub fn order(&self) -> &ComponentOrder {
        &self.order
    }

    /// Sampling rate (Hz).
    pub fn sampling_rate(&self) -> f64 {
        self.sampling_rate
    }

    /// Window length and stride in samples.
    pub fn layout(&self) -> (usize, usize) {
        (self.window_len, self.stride)
    }

    /// Start time of every usable window.
    pub fn starttimes(&self) -> Vec<UtcTime> {
        self.used.iter().map(|(s, _)| self.origin.add_samples(*s, self.sampling_rate)).collect()
    }

    /// Windows of the grid that touch a gap or lack data, in time order.
    pub fn skipped(&self) -> &[SkippedWindow] {
        &self.skipped
    }

    /// Copy usable window `w` of component `c` into `dst` (length `window_len`).
    pub fn copy_window<T: Sample>(&self, w: usize, c: usize, dst: &mut [T]) {
        let (s, picks) = &self.used[w];
        let e = s + self.window_len as i64;
        for &(ps, t) in &self.runs[c][picks[c]].pieces {
            let pe = ps + t.len() as i64;
            let (a, b) = ((*s).max(ps), e.min(pe));
            if a >= b {
                continue;
            }
            let src = t.data();
            for (i, d) in (a..b).zip(&mut dst[(a - s) as usize..(b - s) as usize]) {
                *d = T::of(src[(i - ps) as usize]);
            }
        }
    }

    /// Usable windows as a (windows, channels, samples) array (allocates the whole batch).
    pub fn to_array(&self) -> ndarray::Array3<f64> {
        let mut a = ndarray::Array3::zeros((self.len(), self.order.len(), self.window_len));
        for w in 0..self.len() {
            for c in 0..self.order.len() {
                let mut row = a.slice_mut(ndarray::s![w, c, ..]);
                if let Some(dst) = row.as_slice_mut() {
                    self.copy_window(w, c, dst);
                }
            }
        }
        a
    }
}

/// Scattering coefficients of a continuous record.
#[derive(Debug, Clone)]
pub struct ContinuousScattering<T> {
    /// Start time of every transformed window (axis 0 of every order).
    pub starttimes: Vec<UtcTime>,
    /// One array per order: (windows, channels, n1[, n2 …][, frames]).
    pub coefficients: Vec<ArrayD<T>>,
    /// Windows of the grid that were skipped (gaps, missing data), never zero-filled.
    pub skipped: Vec<SkippedWindow>,
}

impl<T: Sample> ScatteringNetwork<T> {
    /// Scatter every usable window of a continuous record, streaming windows straight from the
    /// traces into per-thread workspaces (memory: the output only). Errors when the record's
    /// window length or sampling rate differ from the network's, or no window is usable.
    pub fn transform_continuous(
        &self,
        windows: &ContinuousWindows,
        pooling: Pooling,
    ) -> Result<ContinuousScattering<T>> {
        if windows.window_len != self.bins() {
            return Err(ScatterError::ShapeMismatch {
                what: "window length of the continuous driver vs network bins".into(),
                expected: self.bins().to_string(),
                got: windows.window_len.to_string(),
            });
        }
        if (windows.sampling_rate - self.sampling_rate()).abs() > 1e-9 * self.sampling_rate() {
            return Err(ScatterError::SamplingRateMismatch {
                what: "record vs network".into(),
                expected: self.sampling_rate(),
                got: windows.sampling_rate,
            });
        }
        if windows.is_empty() {
            return Err(ScatterError::Empty { what: "set of usable windows (every window touches a gap)" });
        }
        let coefficients =
            self.run(windows.len(), windows.order.len(), pooling, |w, c, dst| windows.copy_window(w, c, dst))?;
        Ok(ContinuousScattering { starttimes: windows.starttimes(), coefficients, skipped: windows.skipped.clone() })
    }
}
