//! # augment — on-the-fly waveform augmentation and labelling
//!
//! Samples (a waveform of channels × samples with SeisBench-style metadata and labels that stay
//! consistent with it), a [`Generator`] composing augmentations over any [`SampleSource`] with
//! per-(epoch, index) seeding and rayon batching, the SeisBench set (same semantics and defaults as
//! seisbench 0.12) and the Zhu, Mousavi & Beroza (2020) set (random shift cut from a longer trace,
//! superimposed events, real noise at a target SNR, telemetry glitches, channel dropout,
//! rebalancing and SMOTE, clipping with the unclipped target).
//!
//! ```
//! use augment::{
//!     Generator, InMemorySource, Metadata, Normalize, ProbabilisticLabeller, RandomWindow,
//!     Selection, WindowAroundSample, WindowStrategy,
//! };
//! use ndarray::Array2;
//!
//! // One 3-component trace of 6000 samples with a P pick at sample 2500.
//! let mut source = InMemorySource::new();
//! let w = Array2::from_shape_fn((3, 6000), |(c, i)| ((i + c) as f32 * 0.05).sin());
//! let meta = Metadata::new().with_number("trace_P_arrival_sample", 2500.0);
//! source.push(w.view(), 100.0, "ZNE", meta)?;
//!
//! // PhaseNet-style pipeline.
//! let generator = Generator::new(source, 42)?
//!     .with(WindowAroundSample {
//!         metadata_keys: vec!["trace_P_arrival_sample".into()],
//!         samples_before: 3000,
//!         selection: Selection::Random,
//!         windowlen: 6000,
//!         strategy: WindowStrategy::Variable,
//!     })
//!     .with(RandomWindow::new(3001, WindowStrategy::Pad))
//!     .with(Normalize::phasenet())
//!     .with(ProbabilisticLabeller::new(augment::LabelShape::Gaussian, 30.0)?);
//!
//! let batch = generator.batch(0, &[0, 0])?; // epoch 0, sample 0 twice
//! assert_eq!(batch.waveforms.shape(), &[2, 3, 3001]);
//! assert_eq!(batch.labels["y"].shape(), &[2, 2, 3001]); // rows "P", "Noise"
//! // Reproducible: the same (epoch, index) gives the same sample.
//! assert_eq!(generator.sample(0, 0)?, generator.sample(0, 0)?);
//! # Ok::<(), augment::AugmentError>(())
//! ```
//!
//! Speed: the leading pure windows of a pipeline are planned on a [`PendingWindow`] before any
//! data is read, so a source such as [`InMemorySource`] converts only the kept samples; and
//! [`Generator::batch_into`] writes samples straight into a reused [`Batch`] (no per-batch
//! allocation). Results never depend on the thread count.
//!
//! Conventions: f64 waveforms inside the pipeline, float32 batches; arrival positions in samples
//! (metadata keys ending in `_sample` move with every window and shift); every random step draws
//! from the RNG handed to [`Augmentation::apply`].

#![deny(unsafe_code)]
#![warn(missing_docs)]

mod augmentation;
mod dropout;
mod error;
mod filter;
mod gap;
mod generator;
pub mod labels;
mod noise;
mod normal;
mod normalize;
mod pending;
mod real_noise;
mod rng;
mod rotation;
mod sample;
#[cfg(feature = "seisbench-io")]
mod seisbench;
mod source;
mod windows;
pub mod zhu;

pub use augmentation::{Augmentation, Maybe, NullAugmentation, OneOf};
pub use dropout::ChannelDropout;
pub use error::{AugmentError, Result};
pub use filter::Filter;
pub use gap::AddGap;
pub use generator::{Batch, Generator, assemble};
pub use labels::{
    DetectionLabeller, LabelColumns, LabelShape, OnOverlap, ProbabilisticLabeller, ProbabilisticPointLabeller,
    StandardLabeller, StepLabeller,
};
pub use noise::GaussianNoise;
pub use normalize::{AmpNorm, NormAxis, Normalize};
pub use pending::PendingWindow;
pub use real_noise::RealNoise;
pub use rng::{SampleRng, sample_rng};
pub use rotation::{RandomArrayRotation, RotateHorizontalComponents};
pub use sample::{Labels, MetaValue, Metadata, Sample};
pub use seis_core::filter::Band;
pub use source::{InMemorySource, SampleSource, Steered};
pub use windows::{
    FixedWindow, RandomWindow, Selection, SlidingWindow, SteeredWindow, WindowAroundSample, WindowStrategy, cut_window,
};
pub use zhu::{
    AddNoiseAtSnr, EventEnd, RandomShiftCut, Rebalanced, SnrWindow, Subset, SuperimposeEvent, SyntheticClipping,
    TelemetryGlitches, metadata_values, rebalance_by_bins, smote, snr_db,
};
