//! Akkar & Bommer (2010), SRL 81(2) 195–206, with the PGA/short-period coefficients of Bommer,
//! Akkar & Drouet (2012) and the SHARE SA(4 s) row (hazardlib `AkkarBommer2010`).

use super::coeffs::Row;
use super::faulting::{Mechanism, akkar_bommer_rule};
use super::plan::Block;
use super::tables::AKKAR_BOMMER_2010;
use super::{Component, Contexts, Gmpe, GmpePlan, Input, Kernel, ModelInfo, log10_cgs_to_ln, log10_sd_to_ln};
use crate::{Imt, Result};

/// Akkar & Bommer (2010): log10 Y = b1 + b2 M + b3 M² + (b4 + b5 M) log10 √(Rjb² + b6²) + b7 S_S +
/// b8 S_A + b9 F_N + b10 F_R (cm/s², cm/s), geometric mean, homoskedastic σ.
///
/// Site dummies: S_S for Vs30 < 360, S_A for 360 ≤ Vs30 ≤ 750. SA(4 s) reproduces hazardlib's
/// SHARE extension: the SA(3 s) coefficients with the ln mean divided by 0.8 (only at exactly 4 s).
#[derive(Debug, Clone, Copy, Default)]
pub struct AkkarBommer2010;

struct C {
    b: [f64; 10],
    acc: bool,
    div: f64,
    sig: [f64; 3],
}

impl C {
    fn new(r: &Row, imt: Imt) -> Self {
        let names = ["b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10"];
        let b = names.map(|n| r.get(n));
        C {
            b,
            acc: imt.is_acceleration(),
            div: if imt.period() == Some(4.0) { 0.8 } else { 1.0 },
            sig: [log10_sd_to_ln(r.get("SigmaTot")), log10_sd_to_ln(r.get("tau")), log10_sd_to_ln(r.get("Sigma1"))],
        }
    }
}

struct K(Vec<C>);

impl Kernel for K {
    fn constant_stds(&self, m: usize) -> Option<[f64; 3]> {
        Some(self.0[m].sig)
    }

    fn eval(&self, m: usize, ctx: &Contexts<'_>, out: Block<'_>) {
        let c = &self.0[m];
        let b = &c.b;
        let (rjb, vs30, rake) =
            (ctx.rjb.unwrap_or_default(), ctx.vs30.unwrap_or_default(), ctx.rake.unwrap_or_default());
        for i in 0..ctx.len() {
            let mag = ctx.mag[i];
            let fm = b[0] + b[1] * mag + b[2] * (mag * mag);
            let fd = (b[3] + b[4] * mag) * (rjb[i] * rjb[i] + b[5] * b[5]).sqrt().log10();
            let v = vs30[i];
            let fs = if v < 360.0 {
                b[6]
            } else if v <= 750.0 {
                b[7]
            } else {
                0.0
            };
            let ff = match akkar_bommer_rule(rake[i]) {
                Mechanism::Normal => b[8],
                Mechanism::Reverse => b[9],
                _ => 0.0,
            };
            let y = fm + fd + fs + ff;
            let mut mean = log10_cgs_to_ln(y, c.acc);
            if c.div != 1.0 {
                mean /= c.div;
            }
            out.mean[i] = mean;
        }
    }
}

impl Gmpe for AkkarBommer2010 {
    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: "AkkarBommer2010",
            inputs: vec![Input::Mag, Input::Rake, Input::Vs30, Input::Rjb],
            pga: true,
            pgv: true,
            sa_periods: AKKAR_BOMMER_2010.period_range(),
            component: Component::GeometricMean,
            native_units: "log10 cm/s² (PGV log10 cm/s)",
            mag_range: (5.0, 7.6),
            distance: Input::Rjb,
            distance_range: (0.0, 100.0),
        }
    }

    fn plan(&self, imts: &[Imt]) -> Result<GmpePlan> {
        let name = "AkkarBommer2010";
        let cs =
            imts.iter().map(|&imt| Ok(C::new(&AKKAR_BOMMER_2010.row(name, imt)?, imt))).collect::<Result<Vec<_>>>()?;
        GmpePlan::new(self.info(), imts, Box::new(K(cs)))
    }
}
