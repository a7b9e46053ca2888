//! # wavelet-scatter — deep scattering networks for continuous seismic data
//!
//! Scope: scatseisnet-compatible Gabor/Morlet filter banks per layer and kymatio-style zero-mean
//! Morlet banks (plans built once per window length), the scattering transform over batches
//! shaped (windows, channels, samples) with mean/max/median pooling, a continuous-data driver that
//! segments long (possibly gappy) traces, feature post-processing for clustering, learnable
//! mother wavelets (Hermite cubic splines trained with Adam against a Gaussian-mixture
//! likelihood, Seydoux et al. 2020), and continuous wavelet / superlet time–frequency images.
//!
//! ```
//! use ndarray::Array3;
//! use wavelet_scatter::{LayerSpec, Pooling, ScatteringNetwork};
//!
//! // scatseisnet's tutorial network at 50 Hz on 60 s windows: (J, Q, q) = (6, 4, 2) then (6, 1, 2).
//! let net = ScatteringNetwork::builder(3000, 50.0)
//!     .layer(LayerSpec::new(6, 4, 2.0))
//!     .layer(LayerSpec::new(6, 1, 2.0))
//!     .build::<f64>()?;
//! // Two windows of one channel (windows, channels, samples).
//! let x = Array3::from_shape_fn((2, 1, 3000), |(w, _, i)| ((i as f64) * 0.05 * (w + 1) as f64).sin());
//! let s = net.transform(x.view(), Pooling::Median)?;
//! assert_eq!(s[0].shape(), &[2, 1, 24]);
//! assert_eq!(s[1].shape(), &[2, 1, 24, 6]);
//! # Ok::<(), wavelet_scatter::ScatterError>(())
//! ```

#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod continuous;
mod error;
pub mod features;
pub mod float;
pub mod gabor;
pub mod network;
pub mod pooling;

pub use continuous::{ContinuousScattering, ContinuousWindows, SkippedWindow};
pub use error::{Result, ScatterError};
pub use float::Sample;
pub use gabor::{GaborBank, LayerSpec, Normalization};
pub use network::{NetworkBuilder, ScatteringNetwork};
pub use pooling::Pooling;

pub mod kymatio;
pub mod tf;
