//! Struct-of-arrays evaluation contexts (one entry per site–scenario pair).

use crate::{ResidualsError, Result};

/// A context column a model may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Input {
    /// Moment magnitude.
    Mag,
    /// Rake angle (degrees, −180…180).
    Rake,
    /// Hypocentral depth (km).
    HypoDepth,
    /// Vs30 (m/s), > 0.
    Vs30,
    /// Whether Vs30 was measured (true) or inferred.
    Vs30Measured,
    /// ESHM20 residual-attenuation region 0…5 (0 = default).
    Region,
    /// Depth to the 1.0 km/s horizon (m); −999 = unknown (use the model's Vs30 relation).
    Z1pt0,
    /// Joyner–Boore distance (km).
    Rjb,
    /// Rupture distance (km).
    Rrup,
    /// Eurocode 8 site class A…E ([`Ec8Class`]), for models whose class E cannot be derived
    /// from Vs30.
    Ec8Class,
}

/// Eurocode 8 (CEN 2004) ground type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ec8Class {
    /// Rock, Vs30 ≥ 800 m/s.
    A,
    /// Stiff deposits, 360 ≤ Vs30 < 800 m/s.
    B,
    /// Medium deposits, 180 ≤ Vs30 < 360 m/s.
    C,
    /// Soft deposits, Vs30 < 180 m/s.
    D,
    /// 5–20 m of C or D alluvium over stiffer material (Vs30 > 800): not a Vs30 range, so it
    /// must be given explicitly.
    E,
}

impl Ec8Class {
    /// Class A–D from Vs30 (m/s, > 0), with hazardlib's boundaries (lower bounds inclusive).
    pub fn from_vs30(vs30: f64) -> Result<Self> {
        if !(vs30.is_finite() && vs30 > 0.0) {
            return Err(ResidualsError::invalid("vs30", vs30, "must be a finite number > 0 m/s"));
        }
        Ok(if vs30 >= 800.0 {
            Ec8Class::A
        } else if vs30 >= 360.0 {
            Ec8Class::B
        } else if vs30 >= 180.0 {
            Ec8Class::C
        } else {
            Ec8Class::D
        })
    }

    /// Index 0…4 for A…E.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl Input {
    /// Column name as in hazardlib.
    pub fn name(&self) -> &'static str {
        match self {
            Input::Mag => "mag",
            Input::Rake => "rake",
            Input::HypoDepth => "hypo_depth",
            Input::Vs30 => "vs30",
            Input::Vs30Measured => "vs30measured",
            Input::Region => "region",
            Input::Z1pt0 => "z1pt0",
            Input::Rjb => "rjb",
            Input::Rrup => "rrup",
            Input::Ec8Class => "ec8_class",
        }
    }
}

/// Site–scenario pairs as borrowed columns (struct of arrays); all supplied columns have the
/// length of `mag`. Build with [`Contexts::new`] and the `with_*` methods.
///
/// ```
/// use gmm_residuals::gmpe::Contexts;
/// let (mag, rjb, vs30) = ([6.0, 5.0], [10.0, 50.0], [760.0, 400.0]);
/// let ctx = Contexts::new(&mag).with_rjb(&rjb).with_vs30(&vs30);
/// assert_eq!(ctx.len(), 2);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Contexts<'a> {
    /// Moment magnitude.
    pub mag: &'a [f64],
    /// Rake (degrees).
    pub rake: Option<&'a [f64]>,
    /// Hypocentral depth (km).
    pub hypo_depth: Option<&'a [f64]>,
    /// Vs30 (m/s).
    pub vs30: Option<&'a [f64]>,
    /// Vs30 measured (true) or inferred (false).
    pub vs30measured: Option<&'a [bool]>,
    /// ESHM20 attenuation region 0…5.
    pub region: Option<&'a [u8]>,
    /// z1.0 (m), −999 for unknown.
    pub z1pt0: Option<&'a [f64]>,
    /// Joyner–Boore distance (km).
    pub rjb: Option<&'a [f64]>,
    /// Rupture distance (km).
    pub rrup: Option<&'a [f64]>,
    /// Eurocode 8 site class.
    pub ec8_class: Option<&'a [Ec8Class]>,
}

macro_rules! with {
    ($fn:ident, $field:ident, $t:ty, $doc:literal) => {
        #[doc = $doc]
        pub fn $fn(mut self, v: &'a [$t]) -> Self {
            self.$field = Some(v);
            self
        }
    };
}

impl<'a> Contexts<'a> {
    /// Contexts with magnitudes only; add the other columns with the `with_*` methods.
    pub fn new(mag: &'a [f64]) -> Self {
        Contexts { mag, ..Default::default() }
    }
    with!(with_rake, rake, f64, "Set the rake column (degrees).");
    with!(with_hypo_depth, hypo_depth, f64, "Set the hypocentral depth column (km).");
    with!(with_vs30, vs30, f64, "Set the Vs30 column (m/s).");
    with!(with_vs30measured, vs30measured, bool, "Set the Vs30-measured flags.");
    with!(with_region, region, u8, "Set the ESHM20 attenuation region column (0…5).");
    with!(with_z1pt0, z1pt0, f64, "Set the z1.0 column (m; −999 = unknown).");
    with!(with_rjb, rjb, f64, "Set the Joyner–Boore distance column (km).");
    with!(with_rrup, rrup, f64, "Set the rupture distance column (km).");
    with!(with_ec8_class, ec8_class, Ec8Class, "Set the Eurocode 8 site class column.");

    /// Number of contexts.
    pub fn len(&self) -> usize {
        self.mag.len()
    }

    /// True when there are no contexts.
    pub fn is_empty(&self) -> bool {
        self.mag.is_empty()
    }

    /// The f64 column for `input` (None for the bool/u8 columns or an absent column).
    pub(crate) fn column(&self, input: Input) -> Option<&'a [f64]> {
        match input {
            Input::Mag => Some(self.mag),
            Input::Rake => self.rake,
            Input::HypoDepth => self.hypo_depth,
            Input::Vs30 => self.vs30,
            Input::Z1pt0 => self.z1pt0,
            Input::Rjb => self.rjb,
            Input::Rrup => self.rrup,
            Input::Vs30Measured | Input::Region | Input::Ec8Class => None,
        }
    }

    fn present(&self, input: Input) -> Option<usize> {
        match input {
            Input::Vs30Measured => self.vs30measured.map(|v| v.len()),
            Input::Region => self.region.map(|v| v.len()),
            Input::Ec8Class => self.ec8_class.map(|v| v.len()),
            i => self.column(i).map(|v| v.len()),
        }
    }

    /// Check that every input of `required` is present with the right length and valid values:
    /// finite numbers, Vs30 > 0, distances ≥ 0, region 0…5, z1.0 ≥ 0 or −999. Errors name the
    /// record and column.
    pub fn validate(&self, model: &'static str, required: &[Input]) -> Result<()> {
        self.check_columns(model, required)?;
        self.check_values(required, 0)
    }

    /// Presence and lengths of the `required` columns (cheap; values unchecked).
    pub(crate) fn check_columns(&self, model: &'static str, required: &[Input]) -> Result<()> {
        let n = self.len();
        if n == 0 {
            return Err(ResidualsError::Empty { what: "contexts (mag)".into() });
        }
        for &input in required {
            let len = self.present(input).ok_or(ResidualsError::MissingInput { model, input: input.name() })?;
            if len != n {
                return Err(ResidualsError::shape(format!("context column {:?} vs mag", input.name()), n, len));
            }
        }
        Ok(())
    }

    /// Values of the `required` columns (present, right length); errors name the record as
    /// `offset` + its index here (for chunks of a larger context set).
    pub(crate) fn check_values(&self, required: &[Input], offset: usize) -> Result<()> {
        for &input in required {
            if let Some(col) = self.column(input)
                && !column_ok(input, col)
            {
                for (i, &value) in col.iter().enumerate() {
                    let bad = |reason: &str| ResidualsError::InvalidInput {
                        record: offset + i,
                        column: input.name().to_string(),
                        value,
                        reason: reason.to_string(),
                    };
                    if !value.is_finite() {
                        return Err(bad("not a finite number"));
                    }
                    match input {
                        Input::Vs30 if value <= 0.0 => return Err(bad("Vs30 must be > 0 m/s")),
                        Input::Rjb | Input::Rrup if value < 0.0 => return Err(bad("distance must be ≥ 0 km")),
                        Input::Z1pt0 if value < 0.0 && value != -999.0 => {
                            return Err(bad("z1.0 must be ≥ 0 m or −999 (unknown)"));
                        }
                        _ => {}
                    }
                }
            }
            if input == Input::Region
                && let Some(r) = self.region
                && let Some((i, &v)) = r.iter().enumerate().find(|(_, v)| **v > 5)
            {
                return Err(ResidualsError::InvalidInput {
                    record: offset + i,
                    column: "region".into(),
                    value: v as f64,
                    reason: "ESHM20 attenuation region must be 0…5".into(),
                });
            }
        }
        Ok(())
    }

    /// The contexts `range` of every column (for chunked evaluation).
    pub fn slice(&self, range: std::ops::Range<usize>) -> Contexts<'a> {
        let r = range;
        Contexts {
            mag: &self.mag[r.clone()],
            rake: self.rake.map(|v| &v[r.clone()]),
            hypo_depth: self.hypo_depth.map(|v| &v[r.clone()]),
            vs30: self.vs30.map(|v| &v[r.clone()]),
            vs30measured: self.vs30measured.map(|v| &v[r.clone()]),
            region: self.region.map(|v| &v[r.clone()]),
            z1pt0: self.z1pt0.map(|v| &v[r.clone()]),
            rjb: self.rjb.map(|v| &v[r.clone()]),
            rrup: self.rrup.map(|v| &v[r.clone()]),
            ec8_class: self.ec8_class.map(|v| &v[r]),
        }
    }
}

/// Branch-free pass over a column (vectorises): true when every value is valid for `input`; the
/// slow per-record loop of [`Contexts::validate`] then only runs to name the offending record.
fn column_ok(input: Input, col: &[f64]) -> bool {
    // float comparisons only (NaN fails every one): `is_finite` compiles to integer bit tests
    // that do not vectorise
    const INF: f64 = f64::INFINITY;
    match input {
        Input::Vs30 => all(col, |v| (v > 0.0) & (v < INF)),
        Input::Rjb | Input::Rrup => all(col, |v| (0.0..INF).contains(&v)),
        Input::Z1pt0 => all(col, |v| (v.abs() < INF) & ((v >= 0.0) | (v == -999.0))),
        _ => all(col, |v| v.abs() < INF),
    }
}

/// `valid` holds for every value; blocks of 64 without early exit so the inner loop vectorises.
#[inline]
fn all(col: &[f64], valid: impl Fn(f64) -> bool) -> bool {
    col.chunks(64).all(|block| block.iter().fold(true, |ok, &v| ok & valid(v)))
}
