//! Intensity measure types.

use std::fmt;

/// An intensity measure type (IMT) in hazardlib's vocabulary.
///
/// Model means are in ln g for [`Imt::Pga`] and [`Imt::Sa`] (5 %-damped pseudo-spectral
/// acceleration) and in ln cm/s for [`Imt::Pgv`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Imt {
    /// Peak ground acceleration (g).
    Pga,
    /// Peak ground velocity (cm/s).
    Pgv,
    /// 5 %-damped pseudo-spectral acceleration at the given period in seconds (g).
    Sa(f64),
}

impl Imt {
    /// Parse "PGA", "PGV", "SA(1.0)" (case-insensitive).
    pub fn parse(s: &str) -> crate::Result<Self> {
        let t = s.trim().to_ascii_uppercase();
        match t.as_str() {
            "PGA" => Ok(Imt::Pga),
            "PGV" => Ok(Imt::Pgv),
            _ => {
                let p = t
                    .strip_prefix("SA(")
                    .and_then(|r| r.strip_suffix(')'))
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .ok_or_else(|| crate::ResidualsError::invalid("imt", s, "expected PGA, PGV or SA(<period>)"))?;
                if !(p.is_finite() && p > 0.0) {
                    return Err(crate::ResidualsError::invalid("imt", s, "SA period must be positive"));
                }
                Ok(Imt::Sa(p))
            }
        }
    }

    /// True for acceleration measures (PGA and SA), whose means are in ln g.
    pub fn is_acceleration(&self) -> bool {
        !matches!(self, Imt::Pgv)
    }

    /// The period in seconds for SA, `None` otherwise.
    pub fn period(&self) -> Option<f64> {
        match self {
            Imt::Sa(p) => Some(*p),
            _ => None,
        }
    }
}

impl fmt::Display for Imt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Imt::Pga => write!(f, "PGA"),
            Imt::Pgv => write!(f, "PGV"),
            Imt::Sa(p) => write!(f, "SA({p:?})"),
        }
    }
}
