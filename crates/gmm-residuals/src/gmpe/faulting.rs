//! Style-of-faulting classification from the rake angle (degrees), per model convention.

/// Faulting mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mechanism {
    Normal,
    Reverse,
    StrikeSlip,
    /// Falls in no class of the rule (e.g. a rake outside −180…180).
    Other,
}

/// hazardlib's shared rule (Bindi 2011, Lanzano 2019, BSSA14): strike-slip within 30° of
/// horizontal, reverse 30 < rake < 150, normal −150 < rake < −30.
#[inline]
pub(crate) fn shared_rule(rake: f64) -> Mechanism {
    if rake.abs() <= 30.0 || 180.0 - rake.abs() <= 30.0 {
        Mechanism::StrikeSlip
    } else if rake > 30.0 && rake < 150.0 {
        Mechanism::Reverse
    } else if rake > -150.0 && rake < -30.0 {
        Mechanism::Normal
    } else {
        Mechanism::Other
    }
}

/// Akkar & Bommer (2010): normal −135 ≤ rake ≤ −45, reverse 45 ≤ rake ≤ 135 (inclusive).
#[inline]
pub(crate) fn akkar_bommer_rule(rake: f64) -> Mechanism {
    if (-135.0..=-45.0).contains(&rake) {
        Mechanism::Normal
    } else if (45.0..=135.0).contains(&rake) {
        Mechanism::Reverse
    } else {
        Mechanism::Other
    }
}

/// Cauzzi et al. (2014): normal −150 < rake ≤ −30, reverse 30 < rake ≤ 150, else strike-slip.
#[inline]
pub(crate) fn cauzzi_rule(rake: f64) -> Mechanism {
    if rake > -150.0 && rake <= -30.0 {
        Mechanism::Normal
    } else if rake > 30.0 && rake <= 150.0 {
        Mechanism::Reverse
    } else {
        Mechanism::StrikeSlip
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn boundaries() {
        assert_eq!(shared_rule(30.0), Mechanism::StrikeSlip);
        assert_eq!(shared_rule(-150.0), Mechanism::StrikeSlip);
        assert_eq!(shared_rule(31.0), Mechanism::Reverse);
        assert_eq!(shared_rule(-45.0), Mechanism::Normal);
        assert_eq!(akkar_bommer_rule(45.0), Mechanism::Reverse);
        assert_eq!(akkar_bommer_rule(-135.0), Mechanism::Normal);
        assert_eq!(akkar_bommer_rule(30.0), Mechanism::Other);
        assert_eq!(cauzzi_rule(150.0), Mechanism::Reverse);
        assert_eq!(cauzzi_rule(-30.0), Mechanism::Normal);
        assert_eq!(cauzzi_rule(-150.0), Mechanism::StrikeSlip);
    }
}
