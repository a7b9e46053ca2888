//! Empirical ground-motion models (GMPEs) behind one trait, planned once per model and IMT set.
//!
//! Every model follows OpenQuake hazardlib (openquake-engine 3.26.2): the coefficient tables are
//! transcribed from hazardlib (`tables.rs`, generated), the functional forms re-implemented and
//! checked against hazardlib on a golden grid to 1e-10 relative.
//!
//! Outputs per IMT: mean = ln of the median in g (PGA, SA) or ln cm/s (PGV); σ (total), τ
//! (between-event) and φ (within-event) in natural-log units. Coefficients at non-tabulated SA
//! periods are interpolated linearly in ln T; a period outside a table is an error.

mod akkar_bommer_2010;
mod bindi_2011;
mod boore_2014;
mod cauzzi_2014;
pub(crate) mod coeffs;
mod context;
mod fast_ln;
mod faulting;
mod kotha_2020;
mod lanzano_2019;
mod plan;
mod std_dev;
#[allow(clippy::approx_constant, clippy::excessive_precision, clippy::unreadable_literal)]
#[rustfmt::skip]
mod tables;

pub use akkar_bommer_2010::AkkarBommer2010;
pub use bindi_2011::{BindiEtAl2011, BindiSite};
pub use boore_2014::{BooreBasin, BooreEtAl2014};
pub use cauzzi_2014::{CauzziEtAl2014, CauzziSite};
pub use context::{Contexts, Ec8Class, Input};
pub use kotha_2020::{Eshm20Branch, KothaEtAl2020, KothaVariant};
pub use lanzano_2019::{LanzanoDistance, LanzanoEtAl2019};
pub use plan::{ChunkPredictions, GmpePlan, Predictions, PredictionsMut, RangePolicy};
pub use std_dev::StdDev;

use crate::{Imt, Result};

/// Standard gravity (m/s²), as scipy.constants.g.
pub const G: f64 = 9.80665;

/// Horizontal-component definition a model predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Component {
    /// Geometric mean of the two as-recorded horizontal components.
    GeometricMean,
    /// RotD50 (median over rotation angles).
    RotD50,
}

/// What a model needs and supports.
#[derive(Debug, Clone)]
pub struct ModelInfo {
    /// Model name (hazardlib class name).
    pub name: &'static str,
    /// Context inputs the model reads.
    pub inputs: Vec<Input>,
    /// Whether PGA is supported.
    pub pga: bool,
    /// Whether PGV is supported.
    pub pgv: bool,
    /// Shortest and longest tabulated SA period (s); SA outside is an error.
    pub sa_periods: (f64, f64),
    /// Horizontal component of the predictions.
    pub component: Component,
    /// Units of the published equation (the outputs are always ln g / ln cm/s).
    pub native_units: &'static str,
    /// Nominal magnitude range of the data set (paper); used by [`RangePolicy`].
    pub mag_range: (f64, f64),
    /// Distance metric used ([`Input::Rjb`] or [`Input::Rrup`]).
    pub distance: Input,
    /// Nominal distance range (km) of the data set (paper); used by [`RangePolicy`].
    pub distance_range: (f64, f64),
}

/// A ground-motion model. [`Gmpe::plan`] validates the IMTs and precomputes (interpolates) the
/// coefficients once; the plan evaluates any number of contexts.
pub trait Gmpe: Send + Sync + std::fmt::Debug {
    /// Required inputs, supported IMTs and periods, component, units and ranges.
    fn info(&self) -> ModelInfo;
    /// Plan the evaluation of `imts` (error for an unsupported IMT or a period outside the table).
    fn plan(&self, imts: &[Imt]) -> Result<GmpePlan>;
}

/// Evaluation kernel of one planned model: fills the outputs of IMT number `m` for every
/// context of `ctx` (a validated chunk; `out` slices have `ctx.len()` entries).
pub(crate) trait Kernel: Send + Sync {
    /// (σ, τ, φ) of IMT `m` when they do not depend on the context (homoskedastic); `eval` then
    /// writes only the mean of that IMT and leaves its σ, τ, φ slices (possibly empty) alone.
    fn constant_stds(&self, _m: usize) -> Option<[f64; 3]> {
        None
    }
    fn eval(&self, m: usize, ctx: &Contexts<'_>, out: plan::Block<'_>);
    /// All IMTs of one chunk (`out[m]` for IMT `m`); models override it to share work
    /// between IMTs (e.g. BSSA14's rock PGA).
    fn eval_all(&self, ctx: &Contexts<'_>, out: &mut [plan::Block<'_>]) {
        for (m, b) in out.iter_mut().enumerate() {
            self.eval(m, ctx, b.reborrow());
        }
    }
}

/// ln of a median given as log10 in cm/s² (PGA, SA) or cm/s (PGV), in ln g or ln cm/s — the
/// conversion written the way hazardlib evaluates it, to keep golden parity at 1e-10.
#[inline]
pub(crate) fn log10_cgs_to_ln(y: f64, acceleration: bool) -> f64 {
    if acceleration { (10f64.powf(y - 2.0) / G).ln() } else { 10f64.powf(y).ln() }
}

/// ln(10^x): a log10 standard deviation in natural-log units.
#[inline]
pub(crate) fn log10_sd_to_ln(x: f64) -> f64 {
    10f64.powf(x).ln()
}

/// Look up a model by its hazardlib class name (default parameters), e.g. "BooreEtAl2014",
/// "KothaEtAl2020ESHM20", "LanzanoEtAl2019_RUP_OMO".
pub fn model_by_name(name: &str) -> Result<Box<dyn Gmpe>> {
    Ok(match name {
        "AkkarBommer2010" => Box::new(AkkarBommer2010),
        "BindiEtAl2011" => Box::new(BindiEtAl2011::default()),
        "KothaEtAl2020" => Box::new(KothaEtAl2020::new(KothaVariant::Base)),
        "KothaEtAl2020Site" => Box::new(KothaEtAl2020::new(KothaVariant::Site)),
        "KothaEtAl2020ESHM20" => Box::new(KothaEtAl2020::new(KothaVariant::Eshm20)),
        "BooreEtAl2014" => Box::new(BooreEtAl2014::default()),
        "CauzziEtAl2014" => Box::new(CauzziEtAl2014::default()),
        "CauzziEtAl2014NoSOF" => Box::new(CauzziEtAl2014 { site: CauzziSite::PeriodDependentReference, sof: false }),
        "CauzziEtAl2014FixedVs30" => Box::new(CauzziEtAl2014 { site: CauzziSite::FixedVs30, sof: true }),
        "CauzziEtAl2014FixedVs30NoSOF" => Box::new(CauzziEtAl2014 { site: CauzziSite::FixedVs30, sof: false }),
        "CauzziEtAl2014Eurocode8" => Box::new(CauzziEtAl2014 { site: CauzziSite::Eurocode8, sof: true }),
        "CauzziEtAl2014Eurocode8NoSOF" => Box::new(CauzziEtAl2014 { site: CauzziSite::Eurocode8, sof: false }),
        "BooreEtAl2014NoSOF" => Box::new(BooreEtAl2014 { basin: BooreBasin::None, sof: false }),
        "BooreEtAl2014CaliforniaBasin" => Box::new(BooreEtAl2014 { basin: BooreBasin::California, sof: true }),
        "BooreEtAl2014JapanBasin" => Box::new(BooreEtAl2014 { basin: BooreBasin::Japan, sof: true }),
        "LanzanoEtAl2019_RJB_OMO" => Box::new(LanzanoEtAl2019::new(LanzanoDistance::Rjb)),
        "LanzanoEtAl2019_RUP_OMO" => Box::new(LanzanoEtAl2019::new(LanzanoDistance::Rrup)),
        other => {
            if let Some(b) = Eshm20Branch::from_alias(other) {
                Box::new(KothaEtAl2020::eshm20_branch(b))
            } else if let Some(b) = Eshm20Branch::from_iceland_alias(other) {
                Box::new(KothaEtAl2020::eshm20_iceland(b))
            } else {
                return Err(crate::ResidualsError::invalid("model", other, "unknown ground-motion model name"));
            }
        }
    })
}
