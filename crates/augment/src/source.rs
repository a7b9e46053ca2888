//! Where samples come from: the [`SampleSource`] trait and an in-memory source.

use crate::error::{AugmentError, Result};
use crate::pending::PendingWindow;
use crate::sample::{Metadata, Sample};
use ndarray::{Array2, ArrayView2};
use std::sync::Arc;

/// Random access to samples (a SeisBench dataset, arrays in memory, ...).
///
/// Implementations must be cheap to call from several threads at once: the generator assembles
/// batches with rayon.
pub trait SampleSource: Send + Sync {
    /// Number of samples.
    fn len(&self) -> usize;

    /// Whether the source holds no samples.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sample `index` (a fresh copy that augmentations may modify).
    fn sample(&self, index: usize) -> Result<Sample>;

    /// Metadata of sample `index` without its waveform (class rebalancing reads only this).
    fn metadata(&self, index: usize) -> Result<Metadata> {
        Ok(self.sample(index)?.metadata)
    }

    /// The whole trace of sample `index` as a window not read yet (its length and metadata), for
    /// sources that can read part of a trace. `None` (the default): the generator reads the full
    /// sample before any window.
    fn pending(&self, index: usize) -> Result<Option<PendingWindow>> {
        let _ = index;
        Ok(None)
    }

    /// Sample `index` cut to `window` (planned on [`SampleSource::pending`]), reading only the
    /// samples it keeps. The default reads the full sample and cuts it.
    fn sample_window(&self, index: usize, window: PendingWindow) -> Result<Sample> {
        let mut sample = self.sample(index)?;
        window.cut_sample(&mut sample);
        Ok(sample)
    }
}

impl<T: SampleSource + ?Sized> SampleSource for Arc<T> {
    fn len(&self) -> usize {
        (**self).len()
    }
    fn sample(&self, index: usize) -> Result<Sample> {
        (**self).sample(index)
    }
    fn metadata(&self, index: usize) -> Result<Metadata> {
        (**self).metadata(index)
    }
    fn pending(&self, index: usize) -> Result<Option<PendingWindow>> {
        (**self).pending(index)
    }
    fn sample_window(&self, index: usize, window: PendingWindow) -> Result<Sample> {
        (**self).sample_window(index, window)
    }
}

impl<T: SampleSource + ?Sized> SampleSource for &T {
    fn len(&self) -> usize {
        (**self).len()
    }
    fn sample(&self, index: usize) -> Result<Sample> {
        (**self).sample(index)
    }
    fn metadata(&self, index: usize) -> Result<Metadata> {
        (**self).metadata(index)
    }
    fn pending(&self, index: usize) -> Result<Option<PendingWindow>> {
        (**self).pending(index)
    }
    fn sample_window(&self, index: usize, window: PendingWindow) -> Result<Sample> {
        (**self).sample_window(index, window)
    }
}

/// Error unless `index < len`.
pub(crate) fn check_index(index: usize, len: usize) -> Result<()> {
    if index < len { Ok(()) } else { Err(AugmentError::IndexOutOfRange { index, len }) }
}

struct Entry {
    waveform: Array2<f32>,
    sampling_rate: f64,
    component_order: String,
    metadata: Metadata,
}

/// Waveforms cached in memory as float32 (like SeisBench's `cache="full"`), handed out as f64.
///
/// Every waveform is checked when added: NaN/Inf are rejected with their index, arrivals outside
/// the trace are rejected, and component order must match the channel count.
#[derive(Default)]
pub struct InMemorySource {
    entries: Vec<Entry>,
}

impl std::fmt::Debug for InMemorySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InMemorySource").field("len", &self.entries.len()).finish()
    }
}

impl InMemorySource {
    /// An empty source.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a waveform (channels × samples) with its metadata; returns its index.
    pub fn push(
        &mut self,
        waveform: ArrayView2<f32>,
        sampling_rate: f64,
        component_order: &str,
        metadata: Metadata,
    ) -> Result<usize> {
        if let Some((index, &v)) = waveform.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(AugmentError::NonFinite {
                what: format!("waveform {}", self.entries.len()),
                index,
                value: v as f64,
            });
        }
        // Validate the header through the same path as every sample (rates, component order, arrivals).
        let header =
            Sample::new(Array2::zeros((waveform.nrows(), 0)), sampling_rate, component_order, Metadata::new())?;
        let len = waveform.ncols();
        for (key, v) in metadata.arrivals() {
            if v < 0.0 || v >= len as f64 {
                return Err(AugmentError::ArrivalOutside { key: key.to_string(), value: v, len });
            }
        }
        self.entries.push(Entry {
            waveform: waveform.to_owned(),
            sampling_rate: header.sampling_rate,
            component_order: header.component_order,
            metadata,
        });
        Ok(self.entries.len() - 1)
    }

    /// Add a sample (its waveform is stored as float32).
    pub fn push_sample(&mut self, sample: &Sample) -> Result<usize> {
        let w = sample.waveform.mapv(|v| v as f32);
        self.push(w.view(), sample.sampling_rate, &sample.component_order, sample.metadata.clone())
    }

    /// Metadata of every sample, for rebalancing and selections.
    pub fn all_metadata(&self) -> impl Iterator<Item = &Metadata> {
        self.entries.iter().map(|e| &e.metadata)
    }
}

impl SampleSource for InMemorySource {
    fn len(&self) -> usize {
        self.entries.len()
    }

    fn sample(&self, index: usize) -> Result<Sample> {
        check_index(index, self.entries.len())?;
        let e = &self.entries[index];
        Ok(Sample {
            waveform: e.waveform.mapv(f64::from),
            sampling_rate: e.sampling_rate,
            component_order: e.component_order.clone(),
            metadata: e.metadata.clone(),
            labels: Default::default(),
            point_labels: Default::default(),
            class_labels: Default::default(),
        })
    }

    fn metadata(&self, index: usize) -> Result<Metadata> {
        check_index(index, self.entries.len())?;
        Ok(self.entries[index].metadata.clone())
    }

    fn pending(&self, index: usize) -> Result<Option<PendingWindow>> {
        check_index(index, self.entries.len())?;
        let e = &self.entries[index];
        Ok(Some(PendingWindow::new(e.waveform.ncols(), e.metadata.clone())))
    }

    fn sample_window(&self, index: usize, window: PendingWindow) -> Result<Sample> {
        check_index(index, self.entries.len())?;
        let e = &self.entries[index];
        if window.source_range().1 + window.source_range().2 > e.waveform.ncols() {
            return Err(AugmentError::WindowTooLong {
                what: "pending window",
                window: window.source_range().1 + window.source_range().2,
                len: e.waveform.ncols(),
            });
        }
        Ok(Sample {
            waveform: window.read(e.waveform.view()),
            sampling_rate: e.sampling_rate,
            component_order: e.component_order.clone(),
            metadata: window.metadata,
            labels: Default::default(),
            point_labels: Default::default(),
            class_labels: Default::default(),
        })
    }
}

/// A source steered by a control table (SeisBench's `SteeredGenerator`): row `i` reads sample
/// `rows[i].0` of the inner source and writes the control start/end samples into its metadata
/// as `start_sample` / `end_sample` (they move with windows, so after [`crate::SteeredWindow`]
/// they are the window borders).
pub struct Steered<S> {
    inner: S,
    rows: Vec<(usize, f64, f64)>,
}

impl<S: SampleSource> Steered<S> {
    /// Rows of `(index in inner, start_sample, end_sample)`. Errors on an index outside the inner
    /// source or an end before its start.
    pub fn new(inner: S, rows: Vec<(usize, f64, f64)>) -> Result<Self> {
        for &(i, s, e) in &rows {
            check_index(i, inner.len())?;
            if !(s.is_finite() && e.is_finite() && e >= s) {
                return Err(AugmentError::invalid("control row", format!("({i}, {s}, {e})"), "needs start <= end"));
            }
        }
        Ok(Self { inner, rows })
    }
}

impl<S: SampleSource> SampleSource for Steered<S> {
    fn len(&self) -> usize {
        self.rows.len()
    }
    fn sample(&self, index: usize) -> Result<Sample> {
        check_index(index, self.rows.len())?;
        let (i, s, e) = self.rows[index];
        let mut sample = self.inner.sample(i)?;
        sample.metadata.set_number("start_sample", s).set_number("end_sample", e);
        Ok(sample)
    }
    fn metadata(&self, index: usize) -> Result<Metadata> {
        check_index(index, self.rows.len())?;
        let (i, s, e) = self.rows[index];
        let mut m = self.inner.metadata(i)?;
        m.set_number("start_sample", s).set_number("end_sample", e);
        Ok(m)
    }
    fn pending(&self, index: usize) -> Result<Option<PendingWindow>> {
        check_index(index, self.rows.len())?;
        let (i, s, e) = self.rows[index];
        let mut w = self.inner.pending(i)?;
        if let Some(w) = w.as_mut() {
            w.metadata.set_number("start_sample", s).set_number("end_sample", e);
        }
        Ok(w)
    }
    fn sample_window(&self, index: usize, window: PendingWindow) -> Result<Sample> {
        check_index(index, self.rows.len())?;
        self.inner.sample_window(self.rows[index].0, window)
    }
}
