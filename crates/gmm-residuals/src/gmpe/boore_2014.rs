//! Boore, Stewart, Seyhan & Atkinson (2014), Earthquake Spectra 30(3):1057–1085 — BSSA14
//! (hazardlib `BooreEtAl2014`, optional California/Japan basin term).

use super::coeffs::Row;
use super::fast_ln::ln_normal;
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
    /// ln(Vc / 760): the linear site term above Vc.
    ln_vc: f64,
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
            ln_vc: (r.get("Vc") / V_REF).ln(),
            basin: basin != BooreBasin::None && imt.period().is_some_and(|t| t >= 0.65),
        }
    }

    /// Index into `e` of the mechanism term: e0 unspecified, e1 strike-slip, e2 normal (and
    /// rakes in no class), e3 reverse.
    #[inline]
    fn mech_index(sof: bool, rake: f64) -> usize {
        if !sof {
            return 0;
        }
        match shared_rule(rake) {
            Mechanism::StrikeSlip => 1,
            Mechanism::Reverse => 3,
            _ => 2,
        }
    }

    #[inline]
    fn source(&self, mech: usize, mag: f64) -> f64 {
        let dm = mag - self.mh;
        let mag_term = if mag <= self.mh { self.e4 * dm + self.e5 * (dm * dm) } else { self.e6 * dm };
        self.e[mech] + mag_term
    }

    #[inline]
    fn path(&self, mag: f64, rjb: f64) -> f64 {
        let r = (rjb * rjb + self.h * self.h).sqrt();
        // r ≥ h > 0: a positive normal number (or +∞)
        (self.c1 + self.c2 * (mag - M_REF)) * ln_normal(r / R_REF) + self.c3_dc3 * (r - R_REF)
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

/// Per-context quantities shared by every IMT of a chunk of at most [`SHARED`] contexts.
struct Shared {
    /// ln((PGA_rock + f3) / f3) of the nonlinear site term (rock PGA with the PGA coefficients).
    nl: [f64; SHARED],
    /// ln(Vs30 / 760) of the linear site term (below Vc).
    ln_v: [f64; SHARED],
    /// Mechanism index into `C::e`.
    mech: [u8; SHARED],
}

/// Contexts per block of shared per-context terms (the plan's chunks are at most this long).
const SHARED: usize = 4096;

impl K {
    fn shared(&self, ctx: &Contexts<'_>, sh: &mut Shared) {
        let sof = self.model.sof;
        let (rjb, vs30, rake) =
            (ctx.rjb.unwrap_or_default(), ctx.vs30.unwrap_or_default(), ctx.rake.unwrap_or_default());
        for i in 0..ctx.len() {
            let mech = C::mech_index(sof, if sof { rake[i] } else { 0.0 });
            let mag = ctx.mag[i];
            let pga_rock = (self.pga.source(mech, mag) + self.pga.path(mag, rjb[i])).exp();
            sh.nl[i] = ((pga_rock + F3) / F3).ln();
            sh.ln_v[i] = (vs30[i] / V_REF).ln();
            sh.mech[i] = mech as u8;
        }
    }

    fn eval_with(&self, m: usize, ctx: &Contexts<'_>, sh: &Shared, out: Block<'_>) {
        let c = &self.cs[m];
        let (rjb, vs30) = (ctx.rjb.unwrap_or_default(), ctx.vs30.unwrap_or_default());
        for i in 0..ctx.len() {
            let (mag, d, v) = (ctx.mag[i], rjb[i], vs30[i]);
            let flin = c.c * (if v > c.vc { c.ln_vc } else { sh.ln_v[i] });
            let vs = v.min(760.0);
            let f2 = c.f4 * ((c.f5 * (vs - 360.0)).exp() - c.exp_f5_400);
            let fnl = 0.0 + f2 * sh.nl[i];
            let fbd = if c.basin {
                let mu = mu_z1(self.model.basin, v);
                let z = ctx.z1pt0.unwrap_or_default()[i];
                let z = if z == -999.0 { mu * 1000.0 } else { z };
                let dz1 = z / 1000.0 - mu;
                if dz1 <= c.f7 / c.f6 { c.f6 * dz1 } else { c.f7 }
            } else {
                0.0
            };
            out.mean[i] = c.source(usize::from(sh.mech[i]), mag) + c.path(mag, d) + (flin + fnl + fbd);
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

impl Kernel for K {
    fn eval(&self, m: usize, ctx: &Contexts<'_>, out: Block<'_>) {
        self.run(ctx, &mut [out], |_| m);
    }

    fn eval_all(&self, ctx: &Contexts<'_>, out: &mut [Block<'_>]) {
        self.run(ctx, out, |j| j);
    }
}

impl K {
    /// Evaluate IMT `imt(j)` into `out[j]`.
    fn run(&self, ctx: &Contexts<'_>, out: &mut [Block<'_>], imt: impl Fn(usize) -> usize) {
        // the rock PGA (nonlinear site term), ln Vs30 and the mechanism serve every IMT:
        // computed once per context
        let mut sh = Shared { nl: [0.0; SHARED], ln_v: [0.0; SHARED], mech: [0; SHARED] };
        for start in (0..ctx.len()).step_by(SHARED) {
            let r = start..(start + SHARED).min(ctx.len());
            let sub = ctx.slice(r.clone());
            self.shared(&sub, &mut sh);
            for (j, b) in out.iter_mut().enumerate() {
                let part = Block {
                    mean: &mut b.mean[r.clone()],
                    sigma: &mut b.sigma[r.clone()],
                    tau: &mut b.tau[r.clone()],
                    phi: &mut b.phi[r.clone()],
                };
                self.eval_with(imt(j), &sub, &sh, part);
            }
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
