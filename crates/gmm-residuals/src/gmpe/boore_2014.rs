//! Boore, Stewart, Seyhan & Atkinson (2014), Earthquake Spectra 30(3):1057–1085 — BSSA14
//! (hazardlib `BooreEtAl2014`, optional California/Japan basin term).

use super::coeffs::Row;
use super::faulting::{Mechanism, shared_rule};
use super::plan::Block;
use super::tables::BOORE_2014;
use super::{Component, Contexts, Gmpe, GmpePlan, Input, Kernel, ModelInfo};
use crate::{Imt, Result};

/// Basin-depth model of BSSA14.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BooreBasin {
    /// No basin term (hazardlib default `region='nobasin'`).
    #[default]
    None,
    /// California z1.0–Vs30 relation (alias `...CaliforniaBasin`); needs z1pt0.
    California,
    /// Japan z1.0–Vs30 relation (alias `...JapanBasin`); needs z1pt0.
    Japan,
}

/// BSSA14: ln Y = F_E + F_P + F_S (ln g; PGV ln cm/s), RotD50, R_JB; nonlinear site term driven
/// by the rock PGA; τ(M), φ(M, R_JB, Vs30).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BooreEtAl2014 {
    /// Basin term (only for SA with T ≥ 0.65 s).
    pub basin: BooreBasin,
    /// Style of faulting from rake (true, default) or unspecified (`NoSOF`, e0).
    pub sof: bool,
}

impl Default for BooreEtAl2014 {
    fn default() -> Self {
        BooreEtAl2014 { basin: BooreBasin::None, sof: true }
    }
}

const M_REF: f64 = 4.5;
const R_REF: f64 = 1.0;
const V_REF: f64 = 760.0;
const F3: f64 = 0.1;
const V1: f64 = 225.0;
const V2: f64 = 300.0;

/// Coefficients of one IMT, with the per-IMT constants precomputed where the result is exact.
#[derive(Clone, Copy)]
struct C {
    e: [f64; 4],
    e4: f64,
    e5: f64,
    e6: f64,
    mh: f64,
    c1: f64,
    c2: f64,
    c3_dc3: f64,
    h: f64,
    c: f64,
    vc: f64,
    f4: f64,
    f5: f64,
    f6: f64,
    f7: f64,
    r1: f64,
    r2: f64,
    dfr: f64,
    dfv: f64,
    f1: f64,
    f2: f64,
    tau1: f64,
    tau2: f64,
    /// exp(f5 · 400), as in the nonlinear term.
    exp_f5_400: f64,
    basin: bool,
}

impl C {
    fn new(r: &Row, imt: Imt, basin: BooreBasin) -> Self {
        let f5 = r.get("f5");
        C {
            e: [r.get("e0"), r.get("e1"), r.get("e2"), r.get("e3")],
            e4: r.get("e4"),
            e5: r.get("e5"),
            e6: r.get("e6"),
            mh: r.get("Mh"),
            c1: r.get("c1"),
            c2: r.get("c2"),
            c3_dc3: r.get("c3") + r.get("Dc3"),
            h: r.get("h"),
            c: r.get("c"),
            vc: r.get("Vc"),
            f4: r.get("f4"),
            f5,
            f6: r.get("f6"),
            f7: r.get("f7"),
            r1: r.get("R1"),
            r2: r.get("R2"),
            dfr: r.get("DfR"),
            dfv: r.get("DfV"),
            f1: r.get("f1"),
            f2: r.get("f2"),
            tau1: r.get("tau1"),
            tau2: r.get("tau2"),
            exp_f5_400: (f5 * 400.0).exp(),
            basin: basin != BooreBasin::None && imt.period().is_some_and(|t| t >= 0.65),
        }
    }

    #[inline]
    fn source(&self, sof: bool, mag: f64, rake: f64) -> f64 {
        let dm = mag - self.mh;
        let mag_term = if mag <= self.mh { self.e4 * dm + self.e5 * (dm * dm) } else { self.e6 * dm };
        let emech = if !sof {
            self.e[0]
        } else {
            match shared_rule(rake) {
                Mechanism::StrikeSlip => self.e[1],
                Mechanism::Reverse => self.e[3],
                _ => self.e[2],
            }
        };
        emech + mag_term
    }

    #[inline]
    fn path(&self, mag: f64, rjb: f64) -> f64 {
        let r = (rjb * rjb + self.h * self.h).sqrt();
        (self.c1 + self.c2 * (mag - M_REF)) * (r / R_REF).ln() + self.c3_dc3 * (r - R_REF)
    }
}

/// Centred z1.0 (km) of the California (eq. 11) or Japan (eq. 12) model.
fn mu_z1(basin: BooreBasin, vs30: f64) -> f64 {
    match basin {
        BooreBasin::Japan => {
            let coeff = 412.39f64.powf(2.0);
            (-5.23 / 2.0 * ((vs30.powf(2.0) + coeff) / (1360.0f64.powf(2.0) + coeff)).ln() - 1000f64.ln()).exp()
        }
        _ => {
            let coeff = 570.94f64.powf(4.0);
            (-7.15 / 4.0 * ((vs30.powf(4.0) + coeff) / (1360.0f64.powf(4.0) + coeff)).ln() - 1000f64.ln()).exp()
        }
    }
}

struct K {
    model: BooreEtAl2014,
    pga: C,
    cs: Vec<C>,
}

impl K {
    /// Rock PGA exp(F_E + F_P) with the PGA coefficients (no site term), per context.
    fn pga_rock(&self, ctx: &Contexts<'_>, i: usize) -> f64 {
        let sof = self.model.sof;
        let rk = if sof { ctx.rake.unwrap_or_default()[i] } else { 0.0 };
        let (mag, d) = (ctx.mag[i], ctx.rjb.unwrap_or_default()[i]);
        (self.pga.source(sof, mag, rk) + self.pga.path(mag, d)).exp()
    }

    fn eval_with(&self, m: usize, ctx: &Contexts<'_>, rock: Option<&[f64]>, out: Block<'_>) {
        let c = &self.cs[m];
        let sof = self.model.sof;
        let (rjb, vs30) = (ctx.rjb.unwrap_or_default(), ctx.vs30.unwrap_or_default());
        let rake = ctx.rake.unwrap_or_default();
        for i in 0..ctx.len() {
            let (mag, d, v) = (ctx.mag[i], rjb[i], vs30[i]);
            let rk = if sof { rake[i] } else { 0.0 };
            let pga_rock = match rock {
                Some(r) => r[i],
                None => self.pga_rock(ctx, i),
            };
            let flin = c.c * (if v > c.vc { c.vc / V_REF } else { v / V_REF }).ln();
            let vs = v.min(760.0);
            let f2 = c.f4 * ((c.f5 * (vs - 360.0)).exp() - c.exp_f5_400);
            let fnl = 0.0 + f2 * ((pga_rock + F3) / F3).ln();
            let fbd = if c.basin {
                let mu = mu_z1(self.model.basin, v);
                let z = ctx.z1pt0.unwrap_or_default()[i];
                let z = if z == -999.0 { mu * 1000.0 } else { z };
                let dz1 = z / 1000.0 - mu;
                if dz1 <= c.f7 / c.f6 { c.f6 * dz1 } else { c.f7 }
            } else {
                0.0
            };
            out.mean[i] = c.source(sof, mag, rk) + c.path(mag, d) + (flin + fnl + fbd);
            let tau = if mag <= 4.5 {
                c.tau1
            } else if mag >= 5.5 {
                c.tau2
            } else {
                c.tau1 + (c.tau2 - c.tau1) * (mag - 4.5)
            };
            let mut phi = if mag <= 4.5 {
                c.f1
            } else if mag >= 5.5 {
                c.f2
            } else {
                c.f1 + (c.f2 - c.f1) * (mag - 4.5)
            };
            if d > c.r2 {
                phi += c.dfr;
            } else if d > c.r1 {
                phi += c.dfr * ((d / c.r1).ln() / (c.r2 / c.r1).ln());
            }
            // hazardlib applies both branches at exactly V1 = 225 m/s (ΔfV subtracted twice)
            if v <= V1 {
                phi -= c.dfv;
            }
            if (V1..=V2).contains(&v) {
                phi -= c.dfv * ((V2 / v).ln() / (V2 / V1).ln());
            }
            out.sigma[i] = (tau * tau + phi * phi).sqrt();
            out.tau[i] = tau;
            out.phi[i] = phi;
        }
    }
}

/// Contexts per stack buffer of rock PGA (the plan's chunks are at most this long).
const ROCK: usize = 4096;

impl Kernel for K {
    fn eval(&self, m: usize, ctx: &Contexts<'_>, out: Block<'_>) {
        self.eval_with(m, ctx, None, out);
    }

    fn eval_all(&self, ctx: &Contexts<'_>, out: &mut [Block<'_>]) {
        if ctx.len() > ROCK {
            for (m, b) in out.iter_mut().enumerate() {
                self.eval_with(m, ctx, None, b.reborrow());
            }
            return;
        }
        // the rock PGA drives every IMT's nonlinear site term: compute it once per context
        let mut rock = [0.0; ROCK];
        for (i, r) in rock.iter_mut().enumerate().take(ctx.len()) {
            *r = self.pga_rock(ctx, i);
        }
        for (m, b) in out.iter_mut().enumerate() {
            self.eval_with(m, ctx, Some(&rock[..ctx.len()]), b.reborrow());
        }
    }
}

impl Gmpe for BooreEtAl2014 {
    fn info(&self) -> ModelInfo {
        let mut inputs = vec![Input::Mag, Input::Vs30, Input::Rjb];
        if self.sof {
            inputs.insert(1, Input::Rake);
        }
        if self.basin != BooreBasin::None {
            inputs.push(Input::Z1pt0);
        }
        ModelInfo {
            name: "BooreEtAl2014",
            inputs,
            pga: true,
            pgv: true,
            sa_periods: BOORE_2014.period_range(),
            component: Component::RotD50,
            native_units: "ln g (PGV ln cm/s)",
            mag_range: (3.0, 8.5),
            distance: Input::Rjb,
            distance_range: (0.0, 400.0),
        }
    }

    fn plan(&self, imts: &[Imt]) -> Result<GmpePlan> {
        let name = "BooreEtAl2014";
        let pga = C::new(&BOORE_2014.row(name, Imt::Pga)?, Imt::Pga, self.basin);
        let cs = imts
            .iter()
            .map(|&imt| Ok(C::new(&BOORE_2014.row(name, imt)?, imt, self.basin)))
            .collect::<Result<Vec<_>>>()?;
        GmpePlan::new(self.info(), imts, Box::new(K { model: *self, pga, cs }))
    }
}
