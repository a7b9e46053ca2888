//! The generator: a pipeline of augmentations over a sample source, seeded per (epoch, index),
//! assembling batches (batch × channels × samples) with rayon.

use crate::augmentation::Augmentation;
use crate::error::{AugmentError, Result};
use crate::rng::sample_rng;
use crate::sample::{Metadata, Sample};
use crate::source::{SampleSource, check_index};
use ndarray::{Array2, Array3, Axis};
use rand::seq::SliceRandom;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// A batch ready for training, in float32: waveforms `(batch, channels, samples)`, time-aligned
/// labels by key `(batch, classes, samples)`, point labels `(batch, classes)`, class ids and the
/// metadata of every sample.
#[derive(Debug, Clone)]
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

    /// Sample `index` of `epoch` after every augmentation.
    pub fn sample(&self, epoch: u64, index: usize) -> Result<Sample> {
        check_index(index, self.source.len())?;
        let mut rng = sample_rng(self.seed, epoch, index as u64);
        let mut s = self.source.sample(index)?;
        for a in &self.pipeline {
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
        let samples = self.samples(epoch, indices)?;
        assemble(&samples)
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

/// Stack samples of equal shape into a float32 batch.
pub fn assemble(samples: &[Sample]) -> Result<Batch> {
    let first = samples.first().ok_or(AugmentError::Empty { what: "batch" })?;
    let (c, w) = first.waveform.dim();
    let mut waveforms = Array3::<f32>::zeros((samples.len(), c, w));
    let mut labels = BTreeMap::new();
    for (k, l) in &first.labels {
        labels.insert(k.clone(), Array3::<f32>::zeros((samples.len(), l.data.nrows(), l.data.ncols())));
    }
    let mut point_labels = BTreeMap::new();
    for (k, p) in &first.point_labels {
        point_labels.insert(k.clone(), Array2::<f32>::zeros((samples.len(), p.len())));
    }
    let mut class_labels: BTreeMap<String, Vec<usize>> =
        first.class_labels.keys().map(|k| (k.clone(), Vec::with_capacity(samples.len()))).collect();
    for (i, s) in samples.iter().enumerate() {
        if s.waveform.dim() != (c, w) {
            return Err(shape_err(format!("waveform of batch item {i}"), &[c, w], s.waveform.shape()));
        }
        waveforms.index_axis_mut(Axis(0), i).zip_mut_with(&s.waveform, |o, &v| *o = v as f32);
        for (k, out) in labels.iter_mut() {
            let l = s.labels.get(k).ok_or_else(|| AugmentError::Metadata {
                key: k.clone(),
                reason: format!("labels missing in batch item {i}"),
            })?;
            let mut o = out.index_axis_mut(Axis(0), i);
            if o.shape() != l.data.shape() {
                return Err(shape_err(format!("labels {k} of batch item {i}"), o.shape(), l.data.shape()));
            }
            o.zip_mut_with(&l.data, |o, &v| *o = v as f32);
        }
        for (k, out) in point_labels.iter_mut() {
            let p = s.point_labels.get(k).ok_or_else(|| AugmentError::Metadata {
                key: k.clone(),
                reason: format!("point labels missing in batch item {i}"),
            })?;
            let mut o = out.index_axis_mut(Axis(0), i);
            if o.len() != p.len() {
                return Err(shape_err(format!("point labels {k} of batch item {i}"), &[o.len()], &[p.len()]));
            }
            o.zip_mut_with(p, |o, &v| *o = v as f32);
        }
        for (k, out) in class_labels.iter_mut() {
            let v = s.class_labels.get(k).ok_or_else(|| AugmentError::Metadata {
                key: k.clone(),
                reason: format!("class label missing in batch item {i}"),
            })?;
            out.push(*v);
        }
    }
    Ok(Batch {
        waveforms,
        labels,
        point_labels,
        class_labels,
        metadata: samples.iter().map(|s| s.metadata.clone()).collect(),
    })
}
