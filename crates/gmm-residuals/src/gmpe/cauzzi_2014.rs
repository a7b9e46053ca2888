//! Cauzzi, Faccioli, Vanini & Bianchini (2014), Bull. Earthquake Eng. 13:1587–1612 (hazardlib
//! `CauzziEtAl2014`).

use super::coeffs::Row;
use super::faulting::{Mechanism, cauzzi_rule};
use super::plan::Block;
use super::tables::CAUZZI_2014;
use super::{Component, Contexts, G, Gmpe, GmpePlan, Input, Kernel, ModelInfo, log10_sd_to_ln};
use crate::{Imt, Result};

/// Site term of the Cauzzi et al. (2014) variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CauzziSite {
    /// bV log10(Vs30/V_A) with the period-dependent reference V_A (`CauzziEtAl2014`).
    #[default]
    PeriodDependentReference,
    /// bV800 log10(Vs30/800) (`CauzziEtAl2014FixedVs30`).
    FixedVs30,
    /// EC8 class dummies B [360, 800), C [180, 360), D < 180 (`CauzziEtAl2014Eurocode8`).
    Eurocode8,
}

/// Cauzzi et al. (2014): log10 DSR(T) [cm] = c1 + m1 M + m2 M² + (r1 + r2 M) log10(R_rup + r3) +
/// F_site + F_sof, converted to SA = DSR (2π/T)² (PGA with T = 0.01 s); geometric mean. With
/// `sof` the style of faulting comes from the rake and σ, τ use the "with SoF" set (sM, tM);
/// without (the `NoSOF` classes) the term is dropped and σ, τ are s, t.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CauzziEtAl2014 {
    /// Site term variant.
    pub site: CauzziSite,
    /// Style-of-faulting term from rake (default true).
    pub sof: bool,
}

impl Default for CauzziEtAl2014 {
    fn default() -> Self {
        CauzziEtAl2014 { site: CauzziSite::PeriodDependentReference, sof: true }
    }
}

impl CauzziEtAl2014 {
    fn name(&self) -> &'static str {
        match (self.site, self.sof) {
            (CauzziSite::PeriodDependentReference, true) => "CauzziEtAl2014",
            (CauzziSite::PeriodDependentReference, false) => "CauzziEtAl2014NoSOF",
            (CauzziSite::FixedVs30, true) => "CauzziEtAl2014FixedVs30",
            (CauzziSite::FixedVs30, false) => "CauzziEtAl2014FixedVs30NoSOF",
            (CauzziSite::Eurocode8, true) => "CauzziEtAl2014Eurocode8",
            (CauzziSite::Eurocode8, false) => "CauzziEtAl2014Eurocode8NoSOF",
        }
    }
}

struct C {
    c1: f64,
    m1: f64,
    m2: f64,
    r1: f64,
    r2: f64,
    r3: f64,
    bv: f64,
    va: f64,
    bv800: f64,
    ec8: [f64; 3],
    f: [f64; 3],
    /// Period used in the DSR → SA conversion (None for PGV).
    period: Option<f64>,
    sig: [f64; 3],
}

struct K {
    model: CauzziEtAl2014,
    cs: Vec<C>,
}

impl Kernel for K {
    fn constant_stds(&self, m: usize) -> Option<[f64; 3]> {
        Some(self.cs[m].sig)
    }

    fn eval(&self, m: usize, ctx: &Contexts<'_>, out: Block<'_>) {
        let c = &self.cs[m];
        let sof = self.model.sof;
        let (rrup, vs30, rake) =
            (ctx.rrup.unwrap_or_default(), ctx.vs30.unwrap_or_default(), ctx.rake.unwrap_or_default());
        let scale = c.period.map(|t| (2.0 * std::f64::consts::PI / t).powf(2.0));
        for i in 0..ctx.len() {
            let mag = ctx.mag[i];
            let fm = c.c1 + c.m1 * mag + c.m2 * (mag * mag);
            let fd = (c.r1 + c.r2 * mag) * (rrup[i] + c.r3).log10();
            let ff = if !sof {
                0.0
            } else {
                match cauzzi_rule(rake[i]) {
                    Mechanism::Normal => c.f[0],
                    Mechanism::Reverse => c.f[1],
                    _ => c.f[2],
                }
            };
            let v = vs30[i];
            let fs = match self.model.site {
                CauzziSite::PeriodDependentReference => c.bv * (v / c.va).log10(),
                CauzziSite::FixedVs30 => c.bv800 * (v / 800.0).log10(),
                // hazardlib sums sB·s_b + sC·s_c + sD·s_d; the zero terms do not change the sum
                CauzziSite::Eurocode8 => {
                    let (b, cc, d) = ((360.0..800.0).contains(&v), (180.0..360.0).contains(&v), v < 180.0);
                    c.ec8[0] * f64::from(u8::from(b))
                        + c.ec8[1] * f64::from(u8::from(cc))
                        + c.ec8[2] * f64::from(u8::from(d))
                }
            };
            let y = fm + fd + ff + fs;
            out.mean[i] = match scale {
                Some(k) => (10f64.powf(y) * k * 1e-2 / G).ln(),
                None => 10f64.powf(y).ln(),
            };
        }
    }
}

impl Gmpe for CauzziEtAl2014 {
    fn info(&self) -> ModelInfo {
        let inputs = if self.sof {
            vec![Input::Mag, Input::Rake, Input::Vs30, Input::Rrup]
        } else {
            vec![Input::Mag, Input::Vs30, Input::Rrup]
        };
        ModelInfo {
            name: self.name(),
            inputs,
            pga: true,
            pgv: true,
            sa_periods: CAUZZI_2014.period_range(),
            component: Component::GeometricMean,
            native_units: "log10 displacement response spectrum in cm (PGV log10 cm/s)",
            mag_range: (4.5, 7.9),
            distance: Input::Rrup,
            distance_range: (0.0, 150.0),
        }
    }

    fn plan(&self, imts: &[Imt]) -> Result<GmpePlan> {
        let name = self.name();
        let sof = self.sof;
        let cs = imts
            .iter()
            .map(|&imt| {
                let r: Row = CAUZZI_2014.row(name, imt)?;
                Ok(C {
                    c1: r.get("c1"),
                    m1: r.get("m1"),
                    m2: r.get("m2"),
                    r1: r.get("r1"),
                    r2: r.get("r2"),
                    r3: r.get("r3"),
                    bv: r.get("bV"),
                    va: r.get("VA"),
                    bv800: r.get("bV800"),
                    ec8: [r.get("sB"), r.get("sC"), r.get("sD")],
                    f: [r.get("fN"), r.get("fR"), r.get("fSS")],
                    period: match imt {
                        Imt::Pga => Some(0.01),
                        Imt::Sa(t) => Some(t),
                        Imt::Pgv => None,
                    },
                    sig: if sof {
                        [log10_sd_to_ln(r.get("sM")), log10_sd_to_ln(r.get("tM")), log10_sd_to_ln(r.get("f"))]
                    } else {
                        [log10_sd_to_ln(r.get("s")), log10_sd_to_ln(r.get("t")), log10_sd_to_ln(r.get("f"))]
                    },
                })
            })
            .collect::<Result<Vec<_>>>()?;
        GmpePlan::new(self.info(), imts, Box::new(K { model: *self, cs }))
    }
}
