//! Cauzzi, Faccioli, Vanini & Bianchini (2014), Bull. Earthquake Eng. 13:1587–1612 (hazardlib
//! `CauzziEtAl2014`).

use super::coeffs::Row;
use super::faulting::{Mechanism, cauzzi_rule};
use super::plan::Block;
use super::tables::CAUZZI_2014;
use super::{Component, Contexts, G, Gmpe, GmpePlan, Input, Kernel, ModelInfo, log10_sd_to_ln};
use crate::{Imt, Result};

/// Cauzzi et al. (2014): log10 DSR(T) [cm] = c1 + m1 M + m2 M² + (r1 + r2 M) log10(R_rup + r3) +
/// bV log10(Vs30/V_A) + F_sof, converted to SA = DSR (2π/T)² (PGA with T = 0.01 s); geometric
/// mean; style of faulting from rake with σ of the "with SoF" set.
#[derive(Debug, Clone, Copy, Default)]
pub struct CauzziEtAl2014;

struct C {
    c1: f64,
    m1: f64,
    m2: f64,
    r1: f64,
    r2: f64,
    r3: f64,
    bv: f64,
    va: f64,
    f: [f64; 3],
    /// Period used in the DSR → SA conversion (None for PGV).
    period: Option<f64>,
    sig: [f64; 3],
}

struct K(Vec<C>);

impl Kernel for K {
    fn eval(&self, m: usize, ctx: &Contexts<'_>, out: Block<'_>) {
        let c = &self.0[m];
        let (rrup, vs30, rake) =
            (ctx.rrup.unwrap_or_default(), ctx.vs30.unwrap_or_default(), ctx.rake.unwrap_or_default());
        let scale = c.period.map(|t| (2.0 * std::f64::consts::PI / t).powf(2.0));
        for i in 0..ctx.len() {
            let mag = ctx.mag[i];
            let fm = c.c1 + c.m1 * mag + c.m2 * (mag * mag);
            let fd = (c.r1 + c.r2 * mag) * (rrup[i] + c.r3).log10();
            let ff = match cauzzi_rule(rake[i]) {
                Mechanism::Normal => c.f[0],
                Mechanism::Reverse => c.f[1],
                _ => c.f[2],
            };
            let fs = c.bv * (vs30[i] / c.va).log10();
            let y = fm + fd + ff + fs;
            out.mean[i] = match scale {
                Some(k) => (10f64.powf(y) * k * 1e-2 / G).ln(),
                None => 10f64.powf(y).ln(),
            };
            out.sigma[i] = c.sig[0];
            out.tau[i] = c.sig[1];
            out.phi[i] = c.sig[2];
        }
    }
}

impl Gmpe for CauzziEtAl2014 {
    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: "CauzziEtAl2014",
            inputs: vec![Input::Mag, Input::Rake, Input::Vs30, Input::Rrup],
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
        let name = "CauzziEtAl2014";
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
                    f: [r.get("fN"), r.get("fR"), r.get("fSS")],
                    period: match imt {
                        Imt::Pga => Some(0.01),
                        Imt::Sa(t) => Some(t),
                        Imt::Pgv => None,
                    },
                    sig: [log10_sd_to_ln(r.get("sM")), log10_sd_to_ln(r.get("tM")), log10_sd_to_ln(r.get("f"))],
                })
            })
            .collect::<Result<Vec<_>>>()?;
        GmpePlan::new(self.info(), imts, Box::new(K(cs)))
    }
}
