//! Lanzano et al. (2019) ITA18, BSSA 109(2):525–540 (hazardlib `LanzanoEtAl2019_RJB_OMO` and
//! `LanzanoEtAl2019_RUP_OMO`, which have different coefficient tables).

use super::coeffs::Row;
use super::faulting::{Mechanism, shared_rule};
use super::plan::Block;
use super::tables::{LANZANO_2019_RJB, LANZANO_2019_RUP};
use super::{Component, Contexts, Gmpe, GmpePlan, Input, Kernel, ModelInfo, log10_cgs_to_ln, log10_sd_to_ln};
use crate::{Imt, Result};

/// Distance metric (and coefficient table) of the Lanzano et al. (2019) model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LanzanoDistance {
    /// Joyner–Boore distance (`_RJB_OMO`).
    Rjb,
    /// Rupture distance (`_RUP_OMO`).
    Rrup,
}

/// Lanzano et al. (2019): log10 Y = a + b1,2 (M − M_h) + (c1 (M − M_ref) + c2) log10 R + c3 R +
/// k log10(min(Vs30, 1500)/800) + f1 SS + f2 TF (cm/s²), R = √(D² + h²); RotD50;
/// σ = √(τ² + φS2S² + φ0²).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LanzanoEtAl2019 {
    /// Distance metric.
    pub distance: LanzanoDistance,
}

impl LanzanoEtAl2019 {
    /// The model for a distance metric.
    pub fn new(distance: LanzanoDistance) -> Self {
        LanzanoEtAl2019 { distance }
    }
    fn name(&self) -> &'static str {
        match self.distance {
            LanzanoDistance::Rjb => "LanzanoEtAl2019_RJB_OMO",
            LanzanoDistance::Rrup => "LanzanoEtAl2019_RUP_OMO",
        }
    }
}

struct C {
    a: f64,
    b1: f64,
    b2: f64,
    c1: f64,
    c2: f64,
    c3: f64,
    k: f64,
    f1: f64,
    f2: f64,
    mh: f64,
    mref: f64,
    h: f64,
    acc: bool,
    sig: [f64; 3],
}

struct K {
    rup: bool,
    cs: Vec<C>,
}

impl Kernel for K {
    fn constant_stds(&self, m: usize) -> Option<[f64; 3]> {
        Some(self.cs[m].sig)
    }

    fn eval(&self, m: usize, ctx: &Contexts<'_>, out: Block<'_>) {
        let c = &self.cs[m];
        let dist = if self.rup { ctx.rrup } else { ctx.rjb }.unwrap_or_default();
        let (vs30, rake) = (ctx.vs30.unwrap_or_default(), ctx.rake.unwrap_or_default());
        for i in 0..ctx.len() {
            let mag = ctx.mag[i];
            let dm = mag - c.mh;
            let fm = if mag <= c.mh { c.a + c.b1 * dm } else { c.a + c.b2 * dm };
            let r = (dist[i] * dist[i] + c.h * c.h).sqrt();
            let fd = (c.c1 * (mag - c.mref) + c.c2) * r.log10() + c.c3 * r;
            let fs = c.k * (vs30[i].min(1500.0) / 800.0).log10();
            let ff = match shared_rule(rake[i]) {
                Mechanism::StrikeSlip => c.f1,
                Mechanism::Reverse => c.f2,
                _ => 0.0,
            };
            out.mean[i] = log10_cgs_to_ln(fm + fd + fs + ff, c.acc);
        }
    }
}

impl Gmpe for LanzanoEtAl2019 {
    fn info(&self) -> ModelInfo {
        let d = if self.distance == LanzanoDistance::Rjb { Input::Rjb } else { Input::Rrup };
        let table = if self.distance == LanzanoDistance::Rjb { &LANZANO_2019_RJB } else { &LANZANO_2019_RUP };
        ModelInfo {
            name: self.name(),
            inputs: vec![Input::Mag, Input::Rake, Input::Vs30, d],
            pga: true,
            pgv: true,
            sa_periods: table.period_range(),
            component: Component::RotD50,
            native_units: "log10 cm/s² (PGV log10 cm/s)",
            mag_range: (3.5, 8.0),
            distance: d,
            distance_range: (0.0, 200.0),
        }
    }

    fn plan(&self, imts: &[Imt]) -> Result<GmpePlan> {
        let name = self.name();
        let rup = self.distance == LanzanoDistance::Rrup;
        let table = if rup { &LANZANO_2019_RUP } else { &LANZANO_2019_RJB };
        let cs = imts
            .iter()
            .map(|&imt| {
                let r: Row = table.row(name, imt)?;
                let (tau, s2s, phi0) = (r.get("tau"), r.get("phi_S2S"), r.get("phi_0"));
                Ok(C {
                    a: r.get("a"),
                    b1: r.get("b1"),
                    b2: r.get("b2"),
                    c1: r.get("c1"),
                    c2: r.get("c2"),
                    c3: r.get("c3"),
                    k: r.get("k"),
                    f1: r.get("f1"),
                    f2: r.get("f2"),
                    mh: r.get("Mh"),
                    mref: r.get("Mref"),
                    h: r.get("h"),
                    acc: imt.is_acceleration(),
                    sig: [
                        log10_sd_to_ln((tau * tau + s2s * s2s + phi0 * phi0).sqrt()),
                        log10_sd_to_ln(tau),
                        log10_sd_to_ln((s2s * s2s + phi0 * phi0).sqrt()),
                    ],
                })
            })
            .collect::<Result<Vec<_>>>()?;
        GmpePlan::new(self.info(), imts, Box::new(K { rup, cs }))
    }
}
