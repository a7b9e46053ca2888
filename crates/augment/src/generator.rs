//! The generator: a pipeline of augmentations over a sample source, seeded per (epoch, index),
//! assembling batches (batch × channels × samples) with rayon.

use crate::augmentation::Augmentation;
use crate::error::{AugmentError, Result};
use crate::rng::sample_rng;
use crate::sample::{Metadata, Sample};
use crate::source::{SampleSource, check_index};
use ndarray::{Array2, Array3, ArrayViewMut1, ArrayViewMut2, Axis};
use rand::seq::SliceRandom;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// A batch ready for training, in float32: waveforms `(batch, channels, samples)`, time-aligned
/// labels by key `(batch, classes, samples)`, point labels `(batch, classes)`, class ids and the
/// metadata of every sample.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// Waveforms, batch × channels × samples.
    pub waveforms: Array3<f32>,
    /// Time-aligned labels by key, batch × classes × samples.
    pub labels: BTreeMap<String, Array3<f32>>,
    /// Point labels by key, batch × classes.
    pub point_labels: BTreeMap<String, Array2<f32>>,
    /// Class ids by key.
    pub class_labels: BTreeMap<String, Vec<usize>>,
    /// Metadata of each sample after augmentation.
    pub metadata: Vec<Metadata>,
}

/// Applies a pipeline of augmentations, in order, to samples of a source.
///
/// Sample `i` of epoch `e` uses the RNG [`crate::sample_rng`]`(seed, e, i)`: the same
/// (seed, epoch, index) always gives the same sample, whatever the thread count or batch layout,
/// and another epoch draws differently.
pub struct Generator<S> {
    source: S,
    pipeline: Vec<Box<dyn Augmentation>>,
    seed: u64,
}

impl<S: SampleSource> Generator<S> {
    /// A generator without augmentations. Errors on an empty source.
    pub fn new(source: S, seed: u64) -> Result<Self> {
        if source.is_empty() {
            return Err(AugmentError::Empty { what: "sample source" });
        }
        Ok(Self { source, pipeline: Vec::new(), seed })
    }

    /// Append an augmentation (builder style).
    pub fn with(mut self, augmentation: impl Augmentation + 'static) -> Self {
        self.pipeline.push(Box::new(augmentation));
        self
    }

    /// Append a boxed augmentation.
    pub fn push(&mut self, augmentation: Box<dyn Augmentation>) {
        self.pipeline.push(augmentation);
    }

    /// Number of samples per epoch.
    pub fn len(&self) -> usize {
        self.source.len()
    }

    /// Whether the source is empty (never true for a constructed generator).
    pub fn is_empty(&self) -> bool {
        self.source.is_empty()
    }

    /// The source.
    pub fn source(&self) -> &S {
        &self.source
    }

    /// Sample `index` of `epoch` after every augmentation. The leading pure window selections
    /// run on a [`crate::PendingWindow`] first when the source supports it, so only the samples
    /// they keep are read and converted.
    pub fn sample(&self, epoch: u64, index: usize) -> Result<Sample> {
        check_index(index, self.source.len())?;
        let mut rng = sample_rng(self.seed, epoch, index as u64);
        let mut rest = &self.pipeline[..];
        let mut s = match self.source.pending(index)? {
            Some(mut window) => {
                while let Some(r) = rest.first().and_then(|a| a.apply_pending(&mut window, &mut rng)) {
                    r?;
                    rest = &rest[1..];
                }
                self.source.sample_window(index, window)?
            }
            None => self.source.sample(index)?,
        };
        for a in rest {
            a.apply(&mut s, &mut rng)?;
        }
        Ok(s)
    }

    /// The order of the samples in `epoch`: a permutation seeded by (seed, epoch) when `shuffle`.
    pub fn epoch_order(&self, epoch: u64, shuffle: bool) -> Vec<usize> {
        let mut v: Vec<usize> = (0..self.source.len()).collect();
        if shuffle {
            let mut rng = sample_rng(self.seed ^ 0x005E_ED0F_0DE5, epoch, u64::MAX);
            v.shuffle(&mut rng);
        }
        v
    }

    /// Samples `indices` of `epoch`, produced in parallel.
    pub fn samples(&self, epoch: u64, indices: &[usize]) -> Result<Vec<Sample>> {
        indices.par_iter().map(|&i| self.sample(epoch, i)).collect()
    }

    /// A batch of `indices` of `epoch`. Every sample must end with the same shape (use a window);
    /// errors name the first sample that differs.
    pub fn batch(&self, epoch: u64, indices: &[usize]) -> Result<Batch> {
        let mut batch = Batch::default();
        self.batch_into(epoch, indices, &mut batch)?;
        Ok(batch)
    }

    /// [`Generator::batch`] into `batch`, reusing its arrays when their shapes fit: a training
    /// loop that keeps one `Batch` allocates (and page-faults) nothing per batch. Samples are
    /// produced in parallel and written straight into their rows of the batch; the result does
    /// not depend on the thread count.
    pub fn batch_into(&self, epoch: u64, indices: &[usize], batch: &mut Batch) -> Result<()> {
        let (&i0, rest) = indices.split_first().ok_or(AugmentError::Empty { what: "batch" })?;
        let first = self.sample(epoch, i0)?;
        batch.prepare(&first, indices.len());
        let keys = batch.keys();
        let mut rows = batch.rows_mut();
        let tail = rows.split_off(1);
        let mut done = Vec::with_capacity(indices.len());
        done.push(rows.pop().map_or(Ok(Default::default()), |r| r.write(0, first, &keys))?);
        let written: Vec<Written> = tail
            .into_par_iter()
            .zip(rest.par_iter())
            .enumerate()
            .map(|(k, (row, &i))| row.write(k + 1, self.sample(epoch, i)?, &keys))
            .collect::<Result<_>>()?;
        done.extend(written);
        batch.finish(done);
        Ok(())
    }

    /// Batches of `batch_size` over an epoch (the last one may be shorter).
    pub fn batches(
        &self,
        epoch: u64,
        batch_size: usize,
        shuffle: bool,
    ) -> Result<impl Iterator<Item = Result<Batch>> + '_> {
        if batch_size == 0 {
            return Err(AugmentError::invalid("batch_size", 0, "must be > 0"));
        }
        let order = self.epoch_order(epoch, shuffle);
        let chunks: Vec<Vec<usize>> = order.chunks(batch_size).map(<[usize]>::to_vec).collect();
        Ok(chunks.into_iter().map(move |c| self.batch(epoch, &c)))
    }
}

fn shape_err(what: String, expected: &[usize], got: &[usize]) -> AugmentError {
    AugmentError::ShapeMismatch { what, expected: format!("{expected:?}"), got: format!("{got:?}") }
}

fn missing(key: &str, what: &str, item: usize) -> AugmentError {
    AugmentError::Metadata { key: key.to_string(), reason: format!("{what} missing in batch item {item}") }
}

/// The keys of a batch's label maps, in map order.
struct Keys {
    labels: Vec<String>,
    points: Vec<String>,
    classes: Vec<String>,
}

/// Mutable views of one item of a batch.
struct Row<'a> {
    waveform: ArrayViewMut2<'a, f32>,
    labels: Vec<ArrayViewMut2<'a, f32>>,
    points: Vec<ArrayViewMut1<'a, f32>>,
}

/// What an item leaves besides its array rows: metadata and class ids (in key order).
#[derive(Default)]
struct Written {
    metadata: Metadata,
    classes: Vec<usize>,
}

fn store<D: ndarray::Dimension>(
    out: &mut ndarray::ArrayViewMut<f32, D>,
    v: &ndarray::Array<f64, D>,
    what: impl FnOnce() -> String,
) -> Result<()> {
    if out.shape() != v.shape() {
        return Err(shape_err(what(), out.shape(), v.shape()));
    }
    out.zip_mut_with(v, |o, &x| *o = x as f32);
    Ok(())
}

impl Row<'_> {
    /// Convert `s` (item `i`) into this row; errors name the item and what differs.
    fn write(self, i: usize, s: Sample, keys: &Keys) -> Result<Written> {
        let classes = self.write_ref(i, &s, keys)?;
        Ok(Written { metadata: s.metadata, classes })
    }

    fn write_ref(mut self, i: usize, s: &Sample, keys: &Keys) -> Result<Vec<usize>> {
        store(&mut self.waveform, &s.waveform, || format!("waveform of batch item {i}"))?;
        for (k, out) in keys.labels.iter().zip(self.labels.iter_mut()) {
            let l = s.labels.get(k).ok_or_else(|| missing(k, "labels", i))?;
            store(out, &l.data, || format!("labels {k} of batch item {i}"))?;
        }
        for (k, out) in keys.points.iter().zip(self.points.iter_mut()) {
            let p = s.point_labels.get(k).ok_or_else(|| missing(k, "point labels", i))?;
            store(out, p, || format!("point labels {k} of batch item {i}"))?;
        }
        let classes = keys
            .classes
            .iter()
            .map(|k| s.class_labels.get(k).copied().ok_or_else(|| missing(k, "class label", i)))
            .collect::<Result<_>>()?;
        Ok(classes)
    }
}

impl Batch {
    /// Shape the arrays for `n` items like `first` (keeping those that already fit).
    fn prepare(&mut self, first: &Sample, n: usize) {
        fn fit3(a: &mut Array3<f32>, shape: (usize, usize, usize)) {
            if a.dim() != shape {
                *a = Array3::zeros(shape);
            }
        }
        let (c, w) = first.waveform.dim();
        fit3(&mut self.waveforms, (n, c, w));
        self.labels.retain(|k, _| first.labels.contains_key(k));
        for (k, l) in &first.labels {
            fit3(self.labels.entry(k.clone()).or_default(), (n, l.data.nrows(), l.data.ncols()));
        }
        self.point_labels.retain(|k, _| first.point_labels.contains_key(k));
        for (k, p) in &first.point_labels {
            let a = self.point_labels.entry(k.clone()).or_default();
            if a.dim() != (n, p.len()) {
                *a = Array2::zeros((n, p.len()));
            }
        }
        self.class_labels = first.class_labels.keys().map(|k| (k.clone(), Vec::with_capacity(n))).collect();
        self.metadata.clear();
    }

    fn keys(&self) -> Keys {
        Keys {
            labels: self.labels.keys().cloned().collect(),
            points: self.point_labels.keys().cloned().collect(),
            classes: self.class_labels.keys().cloned().collect(),
        }
    }

    /// Views of every item, in order.
    fn rows_mut(&mut self) -> Vec<Row<'_>> {
        let mut rows: Vec<Row<'_>> = self
            .waveforms
            .axis_iter_mut(Axis(0))
            .map(|waveform| Row { waveform, labels: Vec::new(), points: Vec::new() })
            .collect();
        for a in self.labels.values_mut() {
            rows.iter_mut().zip(a.axis_iter_mut(Axis(0))).for_each(|(r, v)| r.labels.push(v));
        }
        for a in self.point_labels.values_mut() {
            rows.iter_mut().zip(a.axis_iter_mut(Axis(0))).for_each(|(r, v)| r.points.push(v));
        }
        rows
    }

    fn finish(&mut self, items: Vec<Written>) {
        for w in items {
            for (v, c) in self.class_labels.values_mut().zip(w.classes) {
                v.push(c);
            }
            self.metadata.push(w.metadata);
        }
    }
}

/// Stack samples of equal shape into a float32 batch.
pub fn assemble(samples: &[Sample]) -> Result<Batch> {
    let first = samples.first().ok_or(AugmentError::Empty { what: "batch" })?;
    let mut batch = Batch::default();
    batch.prepare(first, samples.len());
    let keys = batch.keys();
    let done = batch
        .rows_mut()
        .into_iter()
        .zip(samples)
        .enumerate()
        .map(|(i, (row, s))| Ok(Written { classes: row.write_ref(i, s, &keys)?, metadata: s.metadata.clone() }))
        .collect::<Result<_>>()?;
    batch.finish(done);
    Ok(batch)
}
