//! # gmm-residuals — ground-motion models, residuals and scoring
//!
//! **"GMM" here means ground-motion model** (empirical GMPEs), not Gaussian mixture model; for
//! Gaussian mixtures see the `gmm` crate.
//!
//! ```
//! use gmm_residuals::gmpe::{Contexts, Gmpe, KothaEtAl2020, KothaVariant};
//! use gmm_residuals::Imt;
//!
//! // plan once per model and IMT set, evaluate many site–scenario pairs
//! let plan = KothaEtAl2020::new(KothaVariant::Base).plan(&[Imt::Pga, Imt::Sa(1.0)])?;
//! let (mag, depth, rjb) = ([6.0, 5.0], [8.0, 12.0], [10.0, 50.0]);
//! let ctx = Contexts::new(&mag).with_hypo_depth(&depth).with_rjb(&rjb);
//! let p = plan.predict(&ctx)?;
//! assert!((p.mean[[1, 0]] - (-2.15816)).abs() < 1e-5); // ln g of SA(1 s) at M 6, 10 km
//! assert!((p.sigma[[1, 0]] - 0.88706).abs() < 1e-5);
//! # Ok::<(), gmm_residuals::ResidualsError>(())
//! ```
//!
//! Scope: GMPEs (Akkar & Bommer 2010, Bindi et al. 2011, Kotha et al. 2020 and its Site and
//! ESHM20 variants with their epsilon terms, logic-tree and Iceland aliases, Boore et al. 2014, Cauzzi et al. 2014, Lanzano et al. 2019) with coefficient
//! tables transcribed from OpenQuake hazardlib and planned once per IMT set ([`gmpe`]);
//! WGS84/ECEF geometry, distances and magnitude conversions ([`geometry`], [`magnitude`]);
//! strong-motion flatfiles ([`flatfile`]); residual decomposition into between-event,
//! within-event and site terms ([`residuals`], [`single_station`]); crossed mixed-effects variance estimation
//! ([`mixed`]); model scores and ranking ([`scores`]); gridded inputs of data-driven (U-Net)
//! ground-motion models ([`maps`]).
//!
//! Policies worth knowing:
//! - Predictions equal hazardlib 3.26.2 to ≤ 1e-12 relative on the golden grid (bar 1e-10);
//!   quirks are reproduced on purpose (AB2010 SA(4 s) = ln-mean/0.8, BSSA14 ΔfV subtracted twice at
//!   Vs30 = 225 m/s, per-model rake conventions, Kotha's different depth classes for h and σ_μ).
//! - A period outside a model's table is an error ([`ResidualsError::UnsupportedImt`]), never an
//!   extrapolation. Magnitudes and distances outside a model's nominal range are flagged by default
//!   ([`gmpe::RangePolicy`]); `Error` turns them into typed errors.
//! - Vs30 ≤ 0, negative distances, NaN inputs and mismatched column lengths are typed errors
//!   naming the record and column (Bindi 2011's class E, selected in hazardlib by the sentinel
//!   Vs30 = 0, comes from an explicit [`gmpe::Ec8Class`] column instead).
//! - Memory: context columns are borrowed, never copied. [`gmpe::GmpePlan::predict`] returns
//!   mean, σ, τ and φ like hazardlib, but σ, τ and φ of homoskedastic models (all but BSSA14 and
//!   Kotha ESHM20) are stored once per IMT ([`gmpe::StdDev`]); [`gmpe::GmpePlan::predict_mean`] and
//!   [`gmpe::GmpePlan::predict_mean_sigma`] store only what is asked for,
//!   [`gmpe::GmpePlan::predict_into`] fills caller buffers, and [`gmpe::GmpePlan::map_chunks`]
//!   streams chunks of 4096 contexts to a closure in bounded memory (e.g. 1 M pairs × 8 IMTs of
//!   BSSA14 in ~35 MB peak RSS, the inputs included).
//! - The GEM toolkit's deviations (LLH without the σ term, per-station re-run of the single-station
//!   analysis, σ-free stochastic area) are provided for parity next to the standard definitions.

#![deny(unsafe_code)]
#![warn(missing_docs)]

mod error;
pub mod flatfile;
pub mod geometry;
pub mod gmpe;
mod imt;
pub mod magnitude;
pub mod maps;
pub mod mixed;
pub mod residuals;
pub mod scores;
pub mod single_station;
pub mod special;

pub use error::{ResidualsError, Result};
pub use imt::Imt;
