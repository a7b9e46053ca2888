//! Bindi et al. (2011), Bull. Earthquake Eng. 9:1899–1920 (hazardlib `BindiEtAl2011`).

use super::coeffs::Row;
use super::faulting::{Mechanism, shared_rule};
use super::plan::Block;
use super::tables::BINDI_2011;
use super::{Component, Contexts, Ec8Class, Gmpe, GmpePlan, Input, Kernel, ModelInfo, log10_cgs_to_ln, log10_sd_to_ln};
use crate::{Imt, Result};

/// Bindi et al. (2011) ITA10: log10 Y = e1 + F_D + F_M + F_S + F_sof with EC8 site classes
/// A (Vs30 ≥ 800), B [360, 800), C [180, 360), D (< 180) and E; geometric mean.
///
/// hazardlib selects class E with the sentinel Vs30 = 0; seisml rejects Vs30 ≤ 0 and takes the
/// class from an explicit [`Ec8Class`] column instead ([`BindiSite::Ec8Class`]).
///
/// ```
/// use gmm_residuals::gmpe::{BindiEtAl2011, BindiSite, Contexts, Ec8Class, Gmpe};
/// use gmm_residuals::Imt;
/// let (mag, rake, rjb) = ([6.0, 6.0], [0.0, 0.0], [10.0, 10.0]);
/// let class = [Ec8Class::from_vs30(900.0)?, Ec8Class::E];
/// let ctx = Contexts::new(&mag).with_rake(&rake).with_rjb(&rjb).with_ec8_class(&class);
/// let p = BindiEtAl2011 { site: BindiSite::Ec8Class }.plan(&[Imt::Pga])?.predict(&ctx)?;
/// assert!(p.mean[[0, 1]] > p.mean[[0, 0]]); // class E amplifies
/// # Ok::<(), gmm_residuals::ResidualsError>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct BindiEtAl2011 {
    /// Where the site class comes from.
    pub site: BindiSite,
}

/// Site-class source of [`BindiEtAl2011`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BindiSite {
    /// Classes A–D from the Vs30 column (hazardlib's default use).
    #[default]
    Vs30,
    /// Classes A–E from the [`Ec8Class`] column (hazardlib: class E ⇔ Vs30 = 0).
    Ec8Class,
}

struct C {
    e1: f64,
    c1: f64,
    c2: f64,
    h: f64,
    c3: f64,
    b1: f64,
    b2: f64,
    s: [f64; 5],
    f: [f64; 3],
    acc: bool,
    sig: [f64; 3],
}

impl C {
    fn new(r: &Row, imt: Imt) -> Self {
        C {
            e1: r.get("e1"),
            c1: r.get("c1"),
            c2: r.get("c2"),
            h: r.get("h"),
            c3: r.get("c3"),
            b1: r.get("b1"),
            b2: r.get("b2"),
            s: [r.get("sA"), r.get("sB"), r.get("sC"), r.get("sD"), r.get("sE")],
            f: [r.get("f1"), r.get("f2"), r.get("f3")],
            acc: imt.is_acceleration(),
            sig: [log10_sd_to_ln(r.get("SigmaTot")), log10_sd_to_ln(r.get("SigmaB")), log10_sd_to_ln(r.get("SigmaW"))],
        }
    }
}

struct K(Vec<C>, BindiSite);

const M_H: f64 = 6.75;
const M_REF: f64 = 5.0;
const R_REF: f64 = 1.0;

impl Kernel for K {
    fn constant_stds(&self, m: usize) -> Option<[f64; 3]> {
        Some(self.0[m].sig)
    }

    fn eval(&self, m: usize, ctx: &Contexts<'_>, out: Block<'_>) {
        let c = &self.0[m];
        let (rjb, vs30, rake) =
            (ctx.rjb.unwrap_or_default(), ctx.vs30.unwrap_or_default(), ctx.rake.unwrap_or_default());
        let class = ctx.ec8_class.unwrap_or_default();
        for i in 0..ctx.len() {
            let mag = ctx.mag[i];
            let dm = mag - M_H;
            // above M_h the slope b3 is 0 (hazardlib keeps the explicit 0 · ΔM term)
            let fm = if mag <= M_H { c.e1 + c.b1 * dm + c.b2 * (dm * dm) } else { c.e1 + 0.0 * dm };
            let r = (rjb[i] * rjb[i] + c.h * c.h).sqrt();
            let fd = (c.c1 + c.c2 * (mag - M_REF)) * (r / R_REF).log10() - c.c3 * (r - R_REF);
            let fs = match self.1 {
                BindiSite::Ec8Class => c.s[class[i].index()],
                // Vs30 > 0 is validated: classes A–D
                BindiSite::Vs30 => c.s[Ec8Class::from_vs30(vs30[i]).map_or(3, Ec8Class::index)],
            };
            let ff = match shared_rule(rake[i]) {
                Mechanism::Normal => c.f[0],
                Mechanism::Reverse => c.f[1],
                Mechanism::StrikeSlip => c.f[2],
                Mechanism::Other => 0.0,
            };
            out.mean[i] = log10_cgs_to_ln(fm + fd + fs + ff, c.acc);
        }
    }
}

impl Gmpe for BindiEtAl2011 {
    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: "BindiEtAl2011",
            inputs: vec![
                Input::Mag,
                Input::Rake,
                if self.site == BindiSite::Vs30 { Input::Vs30 } else { Input::Ec8Class },
                Input::Rjb,
            ],
            pga: true,
            pgv: true,
            sa_periods: BINDI_2011.period_range(),
            component: Component::GeometricMean,
            native_units: "log10 cm/s² (PGV log10 cm/s)",
            mag_range: (4.0, 6.9),
            distance: Input::Rjb,
            distance_range: (0.0, 200.0),
        }
    }

    fn plan(&self, imts: &[Imt]) -> Result<GmpePlan> {
        let name = "BindiEtAl2011";
        let cs = imts.iter().map(|&imt| Ok(C::new(&BINDI_2011.row(name, imt)?, imt))).collect::<Result<Vec<_>>>()?;
        GmpePlan::new(self.info(), imts, Box::new(K(cs, self.site)))
    }
}
