//! # wavelet-scatter — deep scattering networks for continuous seismic data
//!
//! Scope: scatseisnet-compatible Gabor/Morlet filter banks per layer and kymatio-style zero-mean
//! Morlet banks (plans built once per window length), the scattering transform over batches
//! shaped (windows, channels, samples) with mean/max/median pooling, a continuous-data driver that
//! segments long (possibly gappy) traces, feature post-processing for clustering, learnable
//! mother wavelets (Hermite cubic splines trained with Adam against a Gaussian-mixture
//! likelihood, Seydoux et al. 2020), and continuous wavelet / superlet time–frequency images.

#![deny(unsafe_code)]
#![warn(missing_docs)]

mod error;

pub use error::{Result, ScatterError};

pub mod kymatio;
pub mod tf;
