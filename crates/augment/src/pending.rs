//! Windows planned before any sample data is read: a [`PendingWindow`] holds the metadata and
//! the mapping from window positions to trace samples, so a source copies (and converts to f64)
//! only the samples a pipeline's leading windows keep.

use crate::sample::{Metadata, Sample};
use ndarray::{Array2, ArrayView2, s};

/// A window of a trace that has not been read yet: `len` positions, of which
/// `[offset, offset + count)` hold trace samples `[start, start + count)` and the rest are zero
/// padding. Pure window selections ([`crate::FixedWindow`], [`crate::WindowAroundSample`],
/// [`crate::RandomWindow`], [`crate::SteeredWindow`]) act on it exactly as on a [`Sample`],
/// drawing the same random numbers; the generator then reads only the kept samples
/// ([`crate::SampleSource::sample_window`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PendingWindow {
    /// Metadata of the sample, `_sample` entries already moved by the windows applied so far.
    pub metadata: Metadata,
    len: usize,
    offset: usize,
    start: usize,
    count: usize,
}

impl PendingWindow {
    /// The whole trace of `trace_len` samples.
    pub fn new(trace_len: usize, metadata: Metadata) -> Self {
        Self { metadata, len: trace_len, offset: 0, start: 0, count: trace_len }
    }

    /// Window length in samples (padding included).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the window holds no samples.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `(offset, start, count)`: window positions `offset..offset + count` hold trace samples
    /// `start..start + count`; every other position is zero.
    pub fn source_range(&self) -> (usize, usize, usize) {
        (self.offset, self.start, self.count)
    }

    /// Keep positions `[a, b)` with `left` zeros before and `right` zeros after them.
    pub(crate) fn keep(&mut self, a: usize, b: usize, left: usize, right: usize) {
        let (lo, hi) = (a.max(self.offset), b.min(self.offset + self.count));
        if lo < hi {
            self.start += lo - self.offset;
            self.offset = left + (lo - a);
            self.count = hi - lo;
        } else {
            self.offset = left;
            self.count = 0;
        }
        self.len = left + (b - a) + right;
    }

    /// Zero every position outside `[a, b)`.
    pub(crate) fn zero_outside(&mut self, a: usize, b: usize) {
        let (lo, hi) = (a.max(self.offset), b.min(self.offset + self.count));
        if lo < hi {
            self.start += lo - self.offset;
            self.offset = lo;
            self.count = hi - lo;
        } else {
            self.count = 0;
        }
    }

    /// The window of `trace` (channels × samples of the whole trace) in f64, converting only the
    /// kept samples.
    pub fn read<T: Copy + Into<f64>>(&self, trace: ArrayView2<T>) -> Array2<f64> {
        let (c, len) = (trace.nrows(), self.len);
        let mut data = Vec::with_capacity(c * len);
        for row in trace.rows() {
            data.resize(data.len() + self.offset, 0.0);
            let kept = row.slice_move(s![self.start..self.start + self.count]);
            // Contiguous rows convert as a plain slice loop, which vectorises.
            match kept.as_slice() {
                Some(x) => data.extend(x.iter().map(|&v| v.into())),
                None => data.extend(kept.iter().map(|&v| v.into())),
            }
            data.resize(data.len() + len - self.offset - self.count, 0.0);
        }
        Array2::from_shape_vec((c, len), data).unwrap_or_else(|_| Array2::zeros((c, len)))
    }

    /// Apply the window to a full sample read from the source (its waveform and any labels), and
    /// give it the window's metadata.
    pub fn cut_sample(self, sample: &mut Sample) {
        sample.waveform = self.read(sample.waveform.view());
        for l in sample.labels.values_mut() {
            l.data = self.read(l.data.view());
        }
        sample.metadata = self.metadata;
    }
}
