//! # gmm — Gaussian mixture models (clustering), k-means, PCA and FastICA
//!
//! **"gmm" here means Gaussian mixture model** (the clustering method). For ground-motion
//! models see the `gmm-residuals` crate.
//!
//! Scope: `GaussianMixture` (full/tied/diag/spherical covariances, EM, k-means++ initialisation,
//! BIC/AIC), `BayesianGaussianMixture`, `KMeans`, and the `Pca` / `FastIca` reductions that feed
//! them, with scikit-learn parity.

#![deny(unsafe_code)]
#![warn(missing_docs)]

mod error;

pub use error::{GmmError, Result};
