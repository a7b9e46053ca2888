//! Coefficient tables and their interpolation in ln T.

use crate::{Imt, ResidualsError, Result};

/// One transcribed coefficient table: a row per tabulated SA period plus optional PGA/PGV rows.
#[derive(Debug)]
pub(crate) struct CoeffTable {
    /// Source module and table name in hazardlib.
    pub source: &'static str,
    /// Column names, in row order.
    pub columns: &'static [&'static str],
    pub pga: Option<&'static [f64]>,
    pub pgv: Option<&'static [f64]>,
    /// Tabulated SA periods (s), ascending.
    pub periods: &'static [f64],
    /// SA rows, one per period.
    pub sa: &'static [&'static [f64]],
}

/// The coefficients of one table for one IMT (tabulated or interpolated).
#[derive(Debug, Clone)]
pub(crate) struct Row {
    columns: &'static [&'static str],
    values: Vec<f64>,
}

impl Row {
    /// Value of the named column. Names are compile-time constants of this crate; a missing
    /// name is a programming error caught by the unit tests.
    pub fn get(&self, name: &str) -> f64 {
        match self.columns.iter().position(|c| *c == name) {
            Some(i) => self.values[i],
            None => panic!("internal: coefficient {name:?} not in table"),
        }
    }
}

impl CoeffTable {
    /// Shortest and longest tabulated SA period.
    pub fn period_range(&self) -> (f64, f64) {
        (self.periods[0], self.periods[self.periods.len() - 1])
    }

    /// Coefficients for `imt`: the exact row if tabulated, otherwise every coefficient linearly
    /// interpolated in ln T between the bracketing periods. No extrapolation: a period outside the
    /// table or a missing PGA/PGV row is an [`ResidualsError::UnsupportedImt`] error.
    pub fn row(&self, model: &'static str, imt: Imt) -> Result<Row> {
        let unsupported = |reason: String| ResidualsError::UnsupportedImt { model, imt: imt.to_string(), reason };
        let values: Vec<f64> = match imt {
            Imt::Pga => self.pga.ok_or_else(|| unsupported("no PGA coefficients".into()))?.to_vec(),
            Imt::Pgv => self.pgv.ok_or_else(|| unsupported("no PGV coefficients".into()))?.to_vec(),
            Imt::Sa(t) => {
                let (lo, hi) = self.period_range();
                if !(t.is_finite() && t >= lo && t <= hi) {
                    return Err(unsupported(format!(
                        "period outside the table [{lo}, {hi}] s of {} (no extrapolation)",
                        self.source
                    )));
                }
                match self.periods.iter().position(|&p| p == t) {
                    Some(i) => self.sa[i].to_vec(),
                    None => {
                        // first tabulated period above t; t is strictly inside the table here
                        let j = self.periods.partition_point(|&p| p < t);
                        let (below, above) = (self.sa[j - 1], self.sa[j]);
                        let ratio =
                            (t.ln() - self.periods[j - 1].ln()) / (self.periods[j].ln() - self.periods[j - 1].ln());
                        below.iter().zip(above).map(|(&b, &a)| (a - b) * ratio + b).collect()
                    }
                }
            }
        };
        Ok(Row { columns: self.columns, values })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tables::*;
    use super::*;

    #[test]
    fn tables_are_sorted_and_rectangular() {
        for t in [
            &AKKAR_BOMMER_2010,
            &BINDI_2011,
            &KOTHA_2020,
            &KOTHA_2020_ESHM20,
            &KOTHA_2020_C3_REGIONS,
            &KOTHA_2020_HETERO_PHI0,
            &KOTHA_2020_SIGMA_MU,
            &BOORE_2014,
            &CAUZZI_2014,
            &LANZANO_2019_RJB,
            &LANZANO_2019_RUP,
        ] {
            assert!(t.periods.windows(2).all(|w| w[0] < w[1]), "{}", t.source);
            assert_eq!(t.periods.len(), t.sa.len());
            assert!(t.sa.iter().all(|r| r.len() == t.columns.len()), "{}", t.source);
        }
    }

    #[test]
    fn interpolation_is_linear_in_log_period() {
        let r = BINDI_2011.row("b", Imt::Sa(3.0)).unwrap();
        let i = BINDI_2011.periods.iter().position(|&p| p == 2.75).unwrap();
        let (a, b) = (BINDI_2011.sa[i][0], BINDI_2011.sa[i + 1][0]);
        let w = (3.0f64.ln() - 2.75f64.ln()) / (4.0f64.ln() - 2.75f64.ln());
        assert!((r.get("e1") - (a + w * (b - a))).abs() < 1e-14);
        assert!(BINDI_2011.row("b", Imt::Sa(0.02)).is_err());
        assert!(BINDI_2011.row("b", Imt::Sa(4.5)).is_err());
        assert!(KOTHA_2020_C3_REGIONS.row("k", Imt::Pgv).is_err());
    }
}
