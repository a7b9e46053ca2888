//! # gmm-residuals — ground-motion models, residuals and scoring
//!
//! **"GMM" here means ground-motion model** (empirical GMPEs), not Gaussian mixture model; for
//! Gaussian mixtures see the `gmm` crate.
//!
//! Scope: GMPEs (Akkar & Bommer 2010, Bindi et al. 2011, Kotha et al. 2020, Boore et al. 2014,
//! Cauzzi et al. 2014, Lanzano et al. 2019) with coefficient tables planned once per period set,
//! WGS84/ECEF geometry and distances, flatfile reading, residual decomposition into
//! between-event / within-event / site terms, mixed-effects variance estimation, model scores, and
//! the gridded map inputs of data-driven (U-Net style) ground-motion models.

#![deny(unsafe_code)]
#![warn(missing_docs)]

mod error;

pub use error::{ResidualsError, Result};
