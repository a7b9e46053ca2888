//! # augment — on-the-fly waveform augmentation and labelling
//!
//! Scope: samples (waveform + metadata that stays consistent with it), a generator composing
//! augmentations over any sample source with per-(epoch, index) seeding and rayon batching, the
//! SeisBench augmentation/labeller set (same semantics and defaults as seisbench 0.12) and the
//! Zhu, Mousavi & Beroza (2020) set (random shift, superimposed events, noise at a target SNR,
//! gaps/spikes, channel dropout, rebalancing, clipping).

#![deny(unsafe_code)]
#![warn(missing_docs)]

mod error;

pub use error::{AugmentError, Result};
