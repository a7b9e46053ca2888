//! Kotha, Weatherill, Bindi & Cotton (2020), Bull. Earthquake Eng. 18:4091–4125, and the ESHM20
//! adaptation of Weatherill, Kotha & Cotton (2020) (hazardlib `KothaEtAl2020`, `...Site`,
//! `...ESHM20` and the `ESHM20ShallowCrust*` logic-tree aliases).

use super::coeffs::{CoeffTable, Row};
use super::fast_ln::ln_normal;
use super::plan::Block;
use super::tables::{
    KOTHA_2020, KOTHA_2020_C3_REGIONS, KOTHA_2020_ESHM20, KOTHA_2020_HETERO_PHI0, KOTHA_2020_SIGMA_MU,
};
use super::{Component, Contexts, G, Gmpe, GmpePlan, Input, Kernel, ModelInfo};
use crate::{Imt, ResidualsError, Result};

/// Which Kotha et al. (2020) variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KothaVariant {
    /// No site term (`KothaEtAl2020`): inputs mag, hypo_depth, rjb.
    Base,
    /// Polynomial Vs30 site term (`KothaEtAl2020Site`).
    Site,
    /// ESHM20 adaptation (`KothaEtAl2020ESHM20`): regional c3, measured/inferred Vs30 site term,
    /// heteroskedastic τ(M) and φ0(M).
    Eshm20,
}

/// One branch of the ESHM20 shallow-crust logic tree: source-region stress and attenuation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Eshm20Branch {
    /// Stress level index 0…4 = VLow, Low, Mid, High, VHigh.
    pub stress: usize,
    /// Attenuation index 0…2 = Fast, Mid, Slow.
    pub attenuation: usize,
}

const STRESS: [(&str, f64); 5] =
    [("VLow", -2.85697), ("Low", -1.35563), ("Mid", 0.0), ("High", 1.35563), ("VHigh", 2.85697)];
const ATTEN: [(&str, f64); 3] = [("Fast", -1.732051), ("Mid", 0.0), ("Slow", 1.732051)];

impl Eshm20Branch {
    /// Parse a hazardlib alias such as `ESHM20ShallowCrustHighStressFastAtten`.
    pub fn from_alias(alias: &str) -> Option<Self> {
        let rest = alias.strip_prefix("ESHM20ShallowCrust")?;
        let (s, rest) = rest.split_once("Stress")?;
        let a = rest.strip_suffix("Atten")?;
        Some(Eshm20Branch {
            stress: STRESS.iter().position(|(n, _)| *n == s)?,
            attenuation: ATTEN.iter().position(|(n, _)| *n == a)?,
        })
    }
    /// (sigma_mu_epsilon, c3_epsilon) of the branch.
    pub fn epsilons(&self) -> (f64, f64) {
        (STRESS[self.stress.min(4)].1, ATTEN[self.attenuation.min(2)].1)
    }
}

impl Eshm20Branch {
    /// Parse a hazardlib Iceland alias such as `ESHM20IcelandHighStressFastAtten` (explicit
    /// δL2L table of the stress level, c3 epsilon of the attenuation level).
    pub fn from_iceland_alias(alias: &str) -> Option<Self> {
        let rest = alias.strip_prefix("ESHM20Iceland")?;
        Eshm20Branch::from_alias(&format!("ESHM20ShallowCrust{rest}"))
    }
}

/// ESHM20 Iceland source-region adjustments δL2L per IMT (hazardlib `kotha_2020.py` `ICELAND_dL2L`,
/// openquake-engine 3.26.2): period (0 = PGA) and the VLow, Low, Mid, High, VHigh stress values.
#[rustfmt::skip]
const ICELAND_DL2L: [(f64, [f64; 5]); 35] = [
    (0.0, [-1.320714, -0.787319, -0.305692, 0.175935, 0.70933]),
    (0.01, [-1.334702, -0.800154, -0.317486, 0.165182, 0.69973]),
    (0.025, [-1.411144, -0.858052, -0.35864, 0.140772, 0.693864]),
    (0.04, [-1.59319, -0.973254, -0.413486, 0.146282, 0.766218]),
    (0.05, [-1.73247, -1.065389, -0.46305, 0.139289, 0.80637]),
    (0.07, [-1.846624, -1.139585, -0.501166, 0.137253, 0.844292]),
    (0.1, [-1.86908, -1.150332, -0.50134, 0.147652, 0.8664]),
    (0.15, [-1.666701, -1.045077, -0.483784, 0.077509, 0.699133]),
    (0.2, [-1.37012, -0.886725, -0.450245, -0.013765, 0.46963]),
    (0.25, [-1.239216, -0.798828, -0.401182, -0.003536, 0.436852]),
    (0.3, [-1.107578, -0.706965, -0.345233, 0.016499, 0.417112]),
    (0.35, [-0.953322, -0.60559, -0.291607, 0.022376, 0.370108]),
    (0.4, [-0.919893, -0.558332, -0.231861, 0.09461, 0.456171]),
    (0.45, [-0.888578, -0.514375, -0.17649, 0.161395, 0.535598]),
    (0.5, [-0.819694, -0.4537, -0.123226, 0.207248, 0.573242]),
    (0.6, [-0.763689, -0.394184, -0.06054, 0.273104, 0.642609]),
    (0.7, [-0.703255, -0.332799, 0.001704, 0.336207, 0.706663]),
    (0.75, [-0.641188, -0.273109, 0.059246, 0.391601, 0.75968]),
    (0.8, [-0.592629, -0.232198, 0.093252, 0.418702, 0.779133]),
    (0.9, [-0.560762, -0.188936, 0.146803, 0.482542, 0.854368]),
    (1.0, [-0.453129, -0.095642, 0.22715, 0.549942, 0.907429]),
    (1.2, [-0.32096, 0.019582, 0.327073, 0.634564, 0.975106]),
    (1.4, [-0.235436, 0.112757, 0.427158, 0.741559, 1.089752]),
    (1.6, [-0.159245, 0.176902, 0.480424, 0.783946, 1.120093]),
    (1.8, [-0.011255, 0.296832, 0.575018, 0.853204, 1.161291]),
    (2.0, [0.114595, 0.410135, 0.676991, 0.943847, 1.239387]),
    (2.5, [0.268825, 0.555383, 0.814129, 1.072875, 1.359433]),
    (3.0, [0.21403, 0.545697, 0.845175, 1.144653, 1.47632]),
    (3.5, [0.061128, 0.417368, 0.739034, 1.0607, 1.41694]),
    (4.0, [-0.066012, 0.285042, 0.602026, 0.91901, 1.270064]),
    (4.5, [-0.016226, 0.279085, 0.545734, 0.812383, 1.107694]),
    (5.0, [0.005109, 0.298731, 0.563855, 0.828979, 1.122601]),
    (6.0, [0.144121, 0.430396, 0.688888, 0.94738, 1.233655]),
    (7.0, [0.12562, 0.438246, 0.720531, 1.002816, 1.315442]),
    (8.0, [-0.081479, 0.243113, 0.536202, 0.829291, 1.153883]),
];

/// Kotha et al. (2020): ln Y = F_M + F_R (+ F_S) (+ δL2L or ε_μ·max(τ_L2L, σ_μ)), RotD50, R_JB,
/// pseudo-depth h = 4, 8, 12 km for hypocentral depth ≤ 10, (10, 20], > 20 km.
#[derive(Debug, Clone, PartialEq)]
pub struct KothaEtAl2020 {
    /// Variant.
    pub variant: KothaVariant,
    /// Source-region scaling in standard deviations of max(τ_L2L, σ_μ) (default 0).
    pub sigma_mu_epsilon: f64,
    /// Residual attenuation scaling in standard deviations of τ_c3 (default 0).
    pub c3_epsilon: f64,
    /// Ergodic φ (includes φS2S; default true) or single-station φ0.
    pub ergodic: bool,
    /// Explicit source-region adjustment δL2L per IMT (replaces the σ_μ term).
    dl2l: Option<Vec<(Imt, f64)>>,
    /// Explicit residual-attenuation c3 per IMT (replaces table and regional c3 and ε).
    c3: Option<Vec<(Imt, f64)>>,
}

/// Value of an explicit per-IMT table at `imt`: exact entry, or for SA linear in ln T between the
/// bracketing SA entries (as hazardlib's `CoeffsTable`); anything else is an error.
fn per_imt(table: &[(Imt, f64)], what: &str, model: &'static str, imt: Imt) -> Result<f64> {
    if let Some((_, v)) = table.iter().find(|(i, _)| *i == imt) {
        return Ok(*v);
    }
    let unsupported =
        || ResidualsError::UnsupportedImt { model, imt: imt.to_string(), reason: format!("not in the {what} table") };
    let t = imt.period().ok_or_else(unsupported)?;
    let sa = table.iter().filter_map(|(i, v)| i.period().map(|p| (p, *v)));
    let below = sa.clone().filter(|(p, _)| *p < t).max_by(|a, b| a.0.total_cmp(&b.0));
    let above = sa.filter(|(p, _)| *p > t).min_by(|a, b| a.0.total_cmp(&b.0));
    match (below, above) {
        (Some((p0, v0)), Some((p1, v1))) => Ok(v0 + (v1 - v0) * ((t.ln() - p0.ln()) / (p1.ln() - p0.ln()))),
        _ => Err(unsupported()),
    }
}

fn checked_table(what: &'static str, table: &[(Imt, f64)]) -> Result<Vec<(Imt, f64)>> {
    if table.is_empty() {
        return Err(ResidualsError::Empty { what: format!("{what} table") });
    }
    if let Some((imt, v)) = table.iter().find(|(_, v)| !v.is_finite()) {
        return Err(ResidualsError::invalid(what, v, format!("{imt}: must be finite")));
    }
    Ok(table.to_vec())
}

impl KothaEtAl2020 {
    /// Default parameters (ε = 0, ergodic).
    pub fn new(variant: KothaVariant) -> Self {
        KothaEtAl2020 { variant, sigma_mu_epsilon: 0.0, c3_epsilon: 0.0, ergodic: true, dl2l: None, c3: None }
    }
    /// The ESHM20 model of a logic-tree branch.
    pub fn eshm20_branch(b: Eshm20Branch) -> Self {
        let (s, c) = b.epsilons();
        KothaEtAl2020 { sigma_mu_epsilon: s, c3_epsilon: c, ..KothaEtAl2020::new(KothaVariant::Eshm20) }
    }
    /// The ESHM20 Iceland model of a branch (hazardlib aliases `ESHM20Iceland*Stress*Atten`):
    /// the stress level selects an explicit δL2L table (no PGV), the attenuation level the c3
    /// epsilon.
    pub fn eshm20_iceland(b: Eshm20Branch) -> Self {
        let table: Vec<(Imt, f64)> = ICELAND_DL2L
            .iter()
            .map(|(t, v)| (if *t == 0.0 { Imt::Pga } else { Imt::Sa(*t) }, v[b.stress.min(4)]))
            .collect();
        KothaEtAl2020 { c3_epsilon: b.epsilons().1, dl2l: Some(table), ..KothaEtAl2020::new(KothaVariant::Eshm20) }
    }

    /// Explicit source-region adjustment δL2L per IMT (hazardlib's `dl2l` dictionary), added to
    /// the mean instead of the σ_μ term; SA between listed periods is interpolated in ln T, other
    /// IMTs are an error at planning.
    pub fn with_dl2l(mut self, table: &[(Imt, f64)]) -> Result<Self> {
        self.dl2l = Some(checked_table("dl2l", table)?);
        Ok(self)
    }

    /// Explicit residual-attenuation coefficient c3 per IMT (hazardlib's `c3` dictionary): used
    /// for every record instead of the table/regional c3 and without the c3 epsilon. (hazardlib
    /// honours it for the ESHM20 variant only; its base class fails with a dictionary.)
    pub fn with_c3(mut self, table: &[(Imt, f64)]) -> Result<Self> {
        self.c3 = Some(checked_table("c3", table)?);
        Ok(self)
    }

    /// Set the source-region epsilon.
    pub fn with_sigma_mu_epsilon(mut self, e: f64) -> Self {
        self.sigma_mu_epsilon = e;
        self
    }
    /// Set the attenuation epsilon.
    pub fn with_c3_epsilon(mut self, e: f64) -> Self {
        self.c3_epsilon = e;
        self
    }
    /// Ergodic (true) or single-station (false) φ.
    pub fn with_ergodic(mut self, ergodic: bool) -> Self {
        self.ergodic = ergodic;
        self
    }
    fn name(&self) -> &'static str {
        match self.variant {
            KothaVariant::Base => "KothaEtAl2020",
            KothaVariant::Site => "KothaEtAl2020Site",
            KothaVariant::Eshm20 => "KothaEtAl2020ESHM20",
        }
    }
    fn table(&self) -> &'static CoeffTable {
        if self.variant == KothaVariant::Eshm20 { &KOTHA_2020_ESHM20 } else { &KOTHA_2020 }
    }
}

const M_REF: f64 = 4.5;
const M_H: f64 = 5.7;

struct C {
    e1: f64,
    b1: f64,
    b2: f64,
    b3: f64,
    c1: f64,
    c2: f64,
    /// c3 of region 0…5 (index 0 = table value), epsilon already applied.
    c3: [f64; 6],
    acc: bool,
    pgv: bool,
    /// Base/Site: g0, g1, g2 (Site); ESHM20: d0_obs, d1_obs, d0_inf, d1_inf.
    site: [f64; 4],
    /// φS2S (base: phis2s; site: phi_s2s_vs30; ESHM20: [obs, inf]).
    phis2s: [f64; 2],
    /// HETERO_PHI0 a, b (ESHM20).
    phi_ab: [f64; 2],
    tau_l2l: f64,
    /// Explicit δL2L added to the mean (replaces the σ_μ term when `Some`).
    dl2l: Option<f64>,
    /// SIGMA_MU: m8 (shallow, intermediate, deep), m7.4 (shallow, intermediate, deep).
    sigma_mu: [f64; 6],
    /// (σ, τ, φ) of the homoskedastic variants (Base, Site).
    stds: Option<[f64; 3]>,
}

struct K {
    model: KothaEtAl2020,
    cs: Vec<C>,
}

/// Pseudo-depth h (km) and √(R_ref² + h²) for a hypocentral depth: h = 4, 8, 12 km for
/// depth ≤ 10, (10, 20], > 20 km.
#[inline]
fn pseudo_depth(depth: f64) -> (f64, f64) {
    // √(30² + h²), computed once
    const RR: [f64; 3] = [30.265_491_900_843_113, 31.048_349_392_520_05, 32.310_988_842_807_02];
    // selects, no branches or table lookup: depths are unordered across contexts
    let (mid, deep) = (depth > 10.0, depth > 20.0);
    let h = if deep {
        12.0
    } else if mid {
        8.0
    } else {
        4.0
    };
    (
        h,
        if deep {
            RR[2]
        } else if mid {
            RR[1]
        } else {
            RR[0]
        },
    )
}

/// Al Atik (2015) "global" heteroskedastic τ (mean model) used by ESHM20.
#[inline]
fn global_tau(pgv: bool, mag: f64) -> f64 {
    let t = if pgv { [0.3733, 0.3639, 0.3434, 0.3236] } else { [0.4518, 0.4270, 0.3863, 0.3508] };
    let itpl = |tu: f64, tl: f64, ml: f64, f: f64| tl + (tu - tl) * (mag - ml) / f;
    if mag > 6.5 {
        t[3]
    } else if mag > 5.5 {
        itpl(t[3], t[2], 5.5, 1.0)
    } else if mag > 5.0 {
        itpl(t[2], t[1], 5.0, 0.5)
    } else if mag > 4.5 {
        itpl(t[1], t[0], 4.5, 0.5)
    } else {
        t[0]
    }
}

/// F_M + F_R: magnitude scaling and geometric spreading with anelastic attenuation `c3`.
#[inline(always)]
fn source_path(c: &C, mag: f64, rjb: f64, depth: f64, c3: f64) -> f64 {
    let dm = mag - M_H;
    // both branches evaluated, one selected (no misprediction on unordered magnitudes)
    let (low, high) = (c.e1 + c.b1 * dm + c.b2 * (dm * dm), c.e1 + c.b3 * dm);
    let fm = if mag <= M_H { low } else { high };
    let (h, rr) = pseudo_depth(depth);
    let r = (rjb * rjb + h * h).sqrt();
    // r / rr ≥ 4 / 32.4: a positive normal number (or +∞)
    fm + ((c.c1 + c.c2 * (mag - M_REF)) * ln_normal(r / rr) + (c3 * (r - rr) / 100.0))
}

impl Kernel for K {
    fn constant_stds(&self, m: usize) -> Option<[f64; 3]> {
        self.cs[m].stds
    }

    fn eval(&self, m: usize, ctx: &Contexts<'_>, out: Block<'_>) {
        let c = &self.cs[m];
        let model = &self.model;
        let n = ctx.len();
        let rjb = ctx.rjb.unwrap_or_default();
        let depth = ctx.hypo_depth.unwrap_or_default();
        let vs30 = ctx.vs30.unwrap_or_default();
        let measured = ctx.vs30measured.unwrap_or_default();
        let regions = match (model.variant, ctx.region) {
            (KothaVariant::Eshm20, Some(reg)) if !c.pgv => reg,
            _ => &[],
        };
        let shift = if c.acc { (100.0 * G).ln() } else { 0.0 };
        let (mean, mag) = (&mut out.mean[..n], &ctx.mag[..n]);
        let (rjb, depth) = (&rjb[..n], &depth[..n]);
        // source, path and site terms and unit conversion; the Base and Site loops are
        // branch-free and vectorise
        match model.variant {
            KothaVariant::Base => {
                for i in 0..n {
                    mean[i] = source_path(c, mag[i], rjb[i], depth[i], c.c3[0]) - shift;
                }
            }
            KothaVariant::Site => {
                let vs30 = &vs30[..n];
                for i in 0..n {
                    let s = (vs30[i] / 800.0).ln();
                    let fs = c.site[0] + c.site[1] * s + c.site[2] * (s * s);
                    mean[i] = (source_path(c, mag[i], rjb[i], depth[i], c.c3[0]) + fs) - shift;
                }
            }
            KothaVariant::Eshm20 => {
                for i in 0..n {
                    // min: inputs are validated after evaluation (see `GmpePlan`), never index out of bounds
                    let c3 = c.c3[regions.get(i).map_or(0, |&g| usize::from(g).min(5))];
                    let v = vs30[i].min(1100.0);
                    let fs = if measured[i] { c.site[0] + c.site[1] * v.ln() } else { c.site[2] + c.site[3] * v.ln() };
                    mean[i] = (source_path(c, mag[i], rjb[i], depth[i], c3) + fs) - shift;
                }
            }
        }
        // source-region adjustment
        if let Some(d) = c.dl2l {
            mean.iter_mut().for_each(|y| *y += d);
        } else if model.sigma_mu_epsilon != 0.0 {
            for i in 0..n {
                mean[i] += model.sigma_mu_epsilon * sigma_mu(c, mag[i], depth[i]);
            }
        }
        if c.stds.is_some() {
            // homoskedastic: σ, τ, φ come from `constant_stds`
            return;
        }
        let ergodic = |phi: f64, phis2s: f64| if model.ergodic { (phi * phi + phis2s * phis2s).sqrt() } else { phi };
        let [a, b] = c.phi_ab;
        for i in 0..n {
            let mag = mag[i];
            let phi0 = if mag <= 5.0 {
                a
            } else if mag > 6.5 {
                b
            } else {
                a + (mag - 5.0) * ((b - a) / 1.5)
            };
            let tau = global_tau(c.pgv, mag);
            let phi = ergodic(phi0, if measured[i] { c.phis2s[0] } else { c.phis2s[1] });
            out.sigma[i] = (tau * tau + phi * phi).sqrt();
            out.tau[i] = tau;
            out.phi[i] = phi;
        }
    }
}

/// σ_μ(M, depth) of the source-region adjustment: tau_l2l below M 7.4, interpolated to the M 8
/// value above, never below tau_l2l. Depth classes: shallow < 10 km, deep ≥ 20 km (not those of h).
#[inline]
fn sigma_mu(c: &C, mag: f64, depth: f64) -> f64 {
    let k = if depth < 10.0 {
        0
    } else if depth >= 20.0 {
        2
    } else {
        1
    };
    let (uf, lf) = (c.sigma_mu[k], c.sigma_mu[3 + k]);
    if mag < 7.4 {
        c.tau_l2l
    } else if mag >= 8.0 {
        c.tau_l2l.max(uf)
    } else {
        c.tau_l2l.max(lf + (uf - lf) * (mag - 7.4) / 0.6)
    }
}

impl Gmpe for KothaEtAl2020 {
    fn info(&self) -> ModelInfo {
        let inputs = match self.variant {
            KothaVariant::Base => vec![Input::Mag, Input::HypoDepth, Input::Rjb],
            KothaVariant::Site => vec![Input::Mag, Input::HypoDepth, Input::Vs30, Input::Rjb],
            KothaVariant::Eshm20 => {
                vec![Input::Mag, Input::HypoDepth, Input::Vs30, Input::Vs30Measured, Input::Region, Input::Rjb]
            }
        };
        ModelInfo {
            name: self.name(),
            inputs,
            pga: true,
            pgv: true,
            sa_periods: self.table().period_range(),
            component: Component::RotD50,
            native_units: "ln cm/s² (PGV ln cm/s)",
            mag_range: (3.0, 7.4),
            distance: Input::Rjb,
            distance_range: (0.0, 545.0),
        }
    }

    fn plan(&self, imts: &[Imt]) -> Result<GmpePlan> {
        let name = self.name();
        for (what, v) in [("sigma_mu_epsilon", self.sigma_mu_epsilon), ("c3_epsilon", self.c3_epsilon)] {
            if !v.is_finite() {
                return Err(ResidualsError::invalid(what, v, "must be finite"));
            }
        }
        let eshm = self.variant == KothaVariant::Eshm20;
        let mut cs = Vec::with_capacity(imts.len());
        for &imt in imts {
            let r: Row = self.table().row(name, imt)?;
            let pgv = imt == Imt::Pgv;
            let base_c3 = r.get("c3") + self.c3_epsilon * r.get("tau_c3");
            let mut c3 = [base_c3; 6];
            if let Some(t) = &self.c3 {
                c3 = [per_imt(t, "c3", name, imt)?; 6];
            } else if eshm && !pgv {
                let reg = KOTHA_2020_C3_REGIONS.row(name, imt)?;
                for (k, c) in c3.iter_mut().enumerate().skip(1) {
                    *c = reg.get(&format!("region_{k}")) + self.c3_epsilon * reg.get(&format!("tau_region_{k}"));
                }
            }
            let (site, phis2s, phi_ab) = match self.variant {
                KothaVariant::Base => ([0.0; 4], [r.get("phis2s"); 2], [0.0; 2]),
                KothaVariant::Site => {
                    ([r.get("g0_vs30"), r.get("g1_vs30"), r.get("g2_vs30"), 0.0], [r.get("phi_s2s_vs30"); 2], [0.0; 2])
                }
                KothaVariant::Eshm20 => {
                    let p = KOTHA_2020_HETERO_PHI0.row(name, imt)?;
                    (
                        [r.get("d0_obs"), r.get("d1_obs"), r.get("d0_inf"), r.get("d1_inf")],
                        [r.get("phi_s2s_obs"), r.get("phi_s2s_inf")],
                        [p.get("a"), p.get("b")],
                    )
                }
            };
            let sigma_mu = if self.sigma_mu_epsilon != 0.0 {
                let s = KOTHA_2020_SIGMA_MU.row(name, imt)?;
                [
                    "sigma_mu_m8_shallow",
                    "sigma_mu_m8_intermediate",
                    "sigma_mu_m8_deep",
                    "sigma_mu_m7p4_shallow",
                    "sigma_mu_m7p4_intermediate",
                    "sigma_mu_m7p4_deep",
                ]
                .map(|n| s.get(n))
            } else {
                [0.0; 6]
            };
            cs.push(C {
                e1: r.get("e1"),
                b1: r.get("b1"),
                b2: r.get("b2"),
                b3: r.get("b3"),
                c1: r.get("c1"),
                c2: r.get("c2"),
                c3,
                acc: imt.is_acceleration(),
                pgv,
                site,
                phis2s,
                phi_ab,
                tau_l2l: r.get("tau_l2l"),
                dl2l: self.dl2l.as_deref().map(|t| per_imt(t, "dl2l", name, imt)).transpose()?,
                sigma_mu,
                stds: (!eshm).then(|| {
                    let tau = r.get("tau_event_0");
                    let (phi0, s2s) = (r.get("phi_0"), phis2s[0]);
                    let phi = if self.ergodic { (phi0 * phi0 + s2s * s2s).sqrt() } else { phi0 };
                    [(tau * tau + phi * phi).sqrt(), tau, phi]
                }),
            });
        }
        GmpePlan::new(self.info(), imts, Box::new(K { model: self.clone(), cs }))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reference_distances_match_their_definition() {
        for (d, h) in [(5.0, 4.0f64), (15.0, 8.0), (25.0, 12.0)] {
            let (hh, rr) = super::pseudo_depth(d);
            assert_eq!(hh, h);
            assert_eq!(rr, (30.0f64 * 30.0 + h * h).sqrt()); // R_ref = 30 km
        }
    }
}
