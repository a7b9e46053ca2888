//! # gmm — Gaussian mixture models (clustering), k-means, PCA and FastICA
//!
//! **"gmm" here means Gaussian mixture model** (the clustering method). For ground-motion
//! models see the `gmm-residuals` crate.
//!
//! Estimators follow scikit-learn's algorithms and defaults (parity is tested against golden
//! data from scikit-learn) and the linfa pattern: a builder of hyperparameters, validated by
//! `check`, whose `fit` returns a model with predict-like methods. Every random step takes a
//! caller-provided RNG.
//!
//! ```
//! use gmm::{CovarianceType, GaussianMixture};
//! use ndarray::{Array2, array};
//! use rand::SeedableRng;
//!
//! // Two well-separated groups of points.
//! let x: Array2<f64> = array![[0.0, 0.1], [0.2, -0.1], [-0.1, 0.0], [0.1, 0.2],
//!                             [5.0, 5.1], [5.2, 4.9], [4.9, 5.0], [5.1, 5.2]];
//! let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
//! let model = GaussianMixture::params(2)
//!     .covariance_type(CovarianceType::Diag)
//!     .fit(x.view(), &mut rng)?;
//! let labels = model.predict(x.view())?;
//! assert_eq!(labels[0], labels[3]);
//! assert_ne!(labels[0], labels[4]);
//! assert!(model.converged());
//! # Ok::<(), gmm::GmmError>(())
//! ```
//!
//! Contents: [`GaussianMixture`] (full / tied / diag / spherical covariances, EM computed in
//! log space through precision Cholesky factors), [`BayesianGaussianMixture`] (variational,
//! Dirichlet-process or Dirichlet-distribution weight priors), [`KMeans`], [`Pca`] and
//! [`FastIca`].
//!
//! Speed: the data are transposed once per fit so that consecutive samples fill SIMD lanes; the
//! E-step quadratic forms (through the upper-triangular precision Cholesky factors) and the
//! M-step scatter sums (lower triangle only) run as register-tiled kernels compiled for AVX-512,
//! AVX2 + FMA or portable code, chosen at run time. Work items have fixed boundaries and partial
//! sums are reduced in item order, so results do not depend on the number of threads (rayon).

#![deny(unsafe_code)]
#![warn(missing_docs)]
// Numeric kernels index several parallel arrays with one loop variable; iterator chains would obscure them.
#![allow(clippy::needless_range_loop)]

mod bayesian;
mod covariance;
mod error;
mod estep;
mod gaussian_mixture;
mod ica;
mod kernel;
mod kmeans;
mod mstep;
mod pca;
mod sampling;
mod scoring;
mod special;
mod validate;

pub use bayesian::{BayesianGaussianMixture, BayesianGaussianMixtureParams, CovariancePrior, Priors, WeightPrior};
pub use covariance::{CovMatrices, CovarianceType};
pub use error::{GmmError, Result};
pub use gaussian_mixture::{
    FitReport, FitWarning, GaussianMixture, GaussianMixtureParams, GaussianMixtureValidParams, InitMethod,
};
pub use ica::{FastIca, FastIcaParams, IcaAlgorithm, IcaFunction, Whitening};
pub use kmeans::{KMeans, KMeansInit, KMeansParams, KMeansValidParams};
pub use pca::{Pca, PcaParams};
