//! Strong-motion flatfiles (CSV): the ESM web-service format and the GEM homogenised format,
//! with unit conversion, horizontal-component selection and per-column validation against the
//! inputs a ground-motion model requires.
//!
//! Header names are matched case-insensitively, so both formats share one reader: event
//! (`esm_event_id` / `event_id`), magnitudes (`mw`, `ms`, `ml`; precedence Mw, then Ms and ML
//! converted to Mw with [`crate::magnitude`]), `ev_latitude`, `ev_longitude`, `ev_depth_km`,
//! `es_rake`, `network_code`, `station_code`, `location_code`, `st_latitude`, `st_longitude`,
//! `st_elevation`, Vs30 (`vs30_m_s` / `vs30_m_sec`), `vs30_meas_type`, `z1pt0 (m)`, distances
//! (`epi_dist`, `jb_dist`, `rup_dist`) and intensity columns `<comp>_pga`, `<comp>_pgv`,
//! `<comp>_t<s>_<ms>` (e.g. `rotd50_t1_000` = SA(1.0 s)) with comp ∈ u, v, rotd50, rotd100.
//! Empty cells are missing values (NaN).

use crate::gmpe::{Contexts, Input};
use crate::magnitude::{mw_from_ml, mw_from_ms};
use crate::{Imt, ResidualsError, Result};
use std::collections::HashMap;
use std::io::Read;

/// Which flatfile layout was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlatfileFormat {
    /// ESM web-service flatfile (`esm_event_id`, `vs30_m_s`).
    Esm,
    /// GEM homogenised flatfile (`event_id`, `vs30_m_sec`).
    Gem,
}

/// Horizontal component of the observations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HorizontalComponent {
    /// RotD50 columns (default; the component of Kotha 2020, BSSA14, Lanzano 2019).
    #[default]
    RotD50,
    /// RotD100 columns.
    RotD100,
    /// Geometric mean √(U·V) of the as-recorded components (AB2010, Bindi 2011, Cauzzi 2014).
    GeometricMean,
    /// The U component only.
    U,
    /// The V component only.
    V,
}

/// Unit of the acceleration columns (PGA, SA) in the file; PGV is always cm/s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccelerationUnit {
    /// cm/s² (ESM and GEM flatfiles).
    #[default]
    CmPerS2,
    /// m/s².
    MPerS2,
    /// g.
    G,
}

impl AccelerationUnit {
    /// Factor converting this unit to g.
    pub fn to_g(&self) -> f64 {
        match self {
            AccelerationUnit::CmPerS2 => 1.0 / (100.0 * crate::gmpe::G),
            AccelerationUnit::MPerS2 => 1.0 / crate::gmpe::G,
            AccelerationUnit::G => 1.0,
        }
    }
}

/// Where a record's magnitude came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MagnitudeSource {
    /// Mw column.
    Mw,
    /// Converted from Ms (Scordilis 2006).
    Ms,
    /// Converted from ML (0.890·ML + 0.283).
    Ml,
    /// No usable magnitude (NaN).
    Missing,
}

/// Reader options.
#[derive(Debug, Clone, Copy, Default)]
pub struct FlatfileOptions {
    /// Horizontal component.
    pub component: HorizontalComponent,
    /// Unit of the acceleration columns.
    pub acceleration_unit: AccelerationUnit,
}

/// A flatfile as struct-of-arrays records (missing values are NaN). Observations are converted
/// to g (PGA, SA) and cm/s (PGV).
#[derive(Debug, Clone)]
pub struct Flatfile {
    /// Layout read.
    pub format: FlatfileFormat,
    /// Event identifier per record.
    pub event_id: Vec<String>,
    /// Station identifier "NET.STA.LOC" per record.
    pub station_id: Vec<String>,
    /// Event latitude (degrees).
    pub ev_latitude: Vec<f64>,
    /// Event longitude (degrees).
    pub ev_longitude: Vec<f64>,
    /// Hypocentral depth (km).
    pub ev_depth_km: Vec<f64>,
    /// Moment magnitude (see [`MagnitudeSource`]).
    pub mag: Vec<f64>,
    /// Origin of each magnitude.
    pub mag_source: Vec<MagnitudeSource>,
    /// Rake (degrees).
    pub rake: Vec<f64>,
    /// Focal-mechanism code (`fm_type_code`: NF, TF, SS, NS, TS, …; empty if absent).
    pub fm_type: Vec<String>,
    /// Station latitude.
    pub st_latitude: Vec<f64>,
    /// Station longitude.
    pub st_longitude: Vec<f64>,
    /// Station elevation (m).
    pub st_elevation: Vec<f64>,
    /// Vs30 (m/s).
    pub vs30: Vec<f64>,
    /// Vs30 measured (true) or inferred/unknown (false).
    pub vs30measured: Vec<bool>,
    /// z1.0 (m); NaN if unknown.
    pub z1pt0: Vec<f64>,
    /// Epicentral distance (km).
    pub repi: Vec<f64>,
    /// Joyner–Boore distance (km).
    pub rjb: Vec<f64>,
    /// Rupture distance (km).
    pub rrup: Vec<f64>,
    /// IMTs with observation columns, in file order.
    pub imts: Vec<Imt>,
    /// Observations per IMT (g for PGA/SA, cm/s for PGV; NaN missing).
    pub observations: Vec<Vec<f64>>,
}

/// A numeric cell: empty or "nan" is a missing value (NaN); anything else must parse, so a
/// malformed cell is reported (record, column, text) instead of silently becoming missing.
fn parse_cell(rec: &csv::StringRecord, c: Option<usize>, record: usize, headers: &[String]) -> Result<f64> {
    let Some(c) = c else { return Ok(f64::NAN) };
    let t = rec.get(c).unwrap_or("").trim();
    if t.is_empty() || t.eq_ignore_ascii_case("nan") {
        return Ok(f64::NAN);
    }
    t.parse::<f64>().map_err(|_| ResidualsError::InvalidCell {
        record,
        column: headers.get(c).cloned().unwrap_or_default(),
        text: t.to_string(),
    })
}

/// Parse an intensity suffix: "pga", "pgv", "t1_000" → SA(1.0).
fn parse_imt(suffix: &str) -> Option<Imt> {
    match suffix {
        "pga" => Some(Imt::Pga),
        "pgv" => Some(Imt::Pgv),
        s => {
            let p = s.strip_prefix('t')?;
            let (a, b) = p.split_once('_')?;
            if a.is_empty()
                || b.is_empty()
                || !a.bytes().all(|c| c.is_ascii_digit())
                || !b.bytes().all(|c| c.is_ascii_digit())
            {
                return None;
            }
            format!("{a}.{b}").parse::<f64>().ok().filter(|v| *v > 0.0).map(Imt::Sa)
        }
    }
}

impl Flatfile {
    /// Read a flatfile from CSV text.
    pub fn read<R: Read>(reader: R, options: FlatfileOptions) -> Result<Self> {
        let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(reader);
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| ResidualsError::Flatfile(format!("cannot read header: {e}")))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let col: HashMap<&str, usize> = headers.iter().enumerate().map(|(i, h)| (h.as_str(), i)).collect();
        let find = |names: &[&str]| names.iter().find_map(|n| col.get(n).copied());
        let format = if col.contains_key("esm_event_id") { FlatfileFormat::Esm } else { FlatfileFormat::Gem };
        let need = |names: &[&str], why: &str| {
            find(names)
                .ok_or_else(|| ResidualsError::MissingColumn { column: names[0].to_string(), why: why.to_string() })
        };
        let c_event = need(&["esm_event_id", "event_id"], "event identifier")?;
        let c_station = need(&["station_code"], "station identifier")?;
        let c_net = find(&["network_code"]);
        let c_loc = find(&["location_code"]);
        let c_mw = find(&["mw"]);
        let c_ms = find(&["ms"]);
        let c_ml = find(&["ml"]);
        if c_mw.is_none() && c_ms.is_none() && c_ml.is_none() {
            return Err(ResidualsError::MissingColumn { column: "mw".into(), why: "magnitude (mw, ms or ml)".into() });
        }
        let opt = |names: &[&str]| find(names);
        let cols = [
            opt(&["ev_latitude"]),
            opt(&["ev_longitude"]),
            opt(&["ev_depth_km"]),
            opt(&["es_rake"]),
            opt(&["st_latitude"]),
            opt(&["st_longitude"]),
            opt(&["st_elevation"]),
            opt(&["vs30_m_s", "vs30_m_sec"]),
            opt(&["z1pt0 (m)", "z1pt0"]),
            opt(&["epi_dist"]),
            opt(&["jb_dist"]),
            opt(&["rup_dist"]),
        ];
        let c_meas = find(&["vs30_meas_type"]);
        let c_fm = find(&["fm_type_code"]);
        // intensity columns of the chosen component
        let prefixes: &[&str] = match options.component {
            HorizontalComponent::RotD50 => &["rotd50_"],
            HorizontalComponent::RotD100 => &["rotd100_"],
            HorizontalComponent::GeometricMean => &["u_", "v_"],
            HorizontalComponent::U => &["u_"],
            HorizontalComponent::V => &["v_"],
        };
        let mut imt_cols: Vec<(Imt, Vec<usize>)> = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            if let Some(suffix) = h.strip_prefix(prefixes[0])
                && let Some(imt) = parse_imt(suffix)
            {
                let mut idx = vec![i];
                if let Some(p2) = prefixes.get(1) {
                    match col.get(format!("{p2}{suffix}").as_str()) {
                        Some(&j) => idx.push(j),
                        None => continue,
                    }
                }
                imt_cols.push((imt, idx));
            }
        }
        let to_g = options.acceleration_unit.to_g();
        let mut ff = Flatfile {
            format,
            event_id: vec![],
            station_id: vec![],
            ev_latitude: vec![],
            ev_longitude: vec![],
            ev_depth_km: vec![],
            mag: vec![],
            mag_source: vec![],
            rake: vec![],
            fm_type: vec![],
            st_latitude: vec![],
            st_longitude: vec![],
            st_elevation: vec![],
            vs30: vec![],
            vs30measured: vec![],
            z1pt0: vec![],
            repi: vec![],
            rjb: vec![],
            rrup: vec![],
            imts: imt_cols.iter().map(|(i, _)| *i).collect(),
            observations: vec![Vec::new(); imt_cols.len()],
        };
        for (line, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| ResidualsError::Flatfile(format!("record {line}: {e}")))?;
            let get = |c: Option<usize>| parse_cell(&rec, c, line, &headers);
            let text = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").trim().to_string();
            ff.event_id.push(text(Some(c_event)));
            ff.station_id.push(format!("{}.{}.{}", text(c_net), text(Some(c_station)), text(c_loc)));
            let (mw, ms, ml) = (get(c_mw)?, get(c_ms)?, get(c_ml)?);
            let (m, src) = if mw.is_finite() {
                (mw, MagnitudeSource::Mw)
            } else if let Some(v) = Some(ms).filter(|v| v.is_finite()).and_then(|v| mw_from_ms(v).ok()) {
                (v, MagnitudeSource::Ms)
            } else if ml.is_finite() {
                (mw_from_ml(ml), MagnitudeSource::Ml)
            } else {
                (f64::NAN, MagnitudeSource::Missing)
            };
            ff.mag.push(m);
            ff.mag_source.push(src);
            let mut v = [0.0; 12];
            for (x, &c) in v.iter_mut().zip(&cols) {
                *x = get(c)?;
            }
            ff.ev_latitude.push(v[0]);
            ff.ev_longitude.push(v[1]);
            ff.ev_depth_km.push(v[2]);
            ff.rake.push(v[3]);
            ff.fm_type.push(text(c_fm).to_ascii_uppercase());
            ff.st_latitude.push(v[4]);
            ff.st_longitude.push(v[5]);
            ff.st_elevation.push(v[6]);
            ff.vs30.push(v[7]);
            ff.z1pt0.push(v[8]);
            ff.repi.push(v[9]);
            ff.rjb.push(v[10]);
            ff.rrup.push(v[11]);
            ff.vs30measured.push(text(c_meas).eq_ignore_ascii_case("measured"));
            for (k, (imt, idx)) in imt_cols.iter().enumerate() {
                let raw =
                    if idx.len() == 2 { (get(Some(idx[0]))? * get(Some(idx[1]))?).sqrt() } else { get(Some(idx[0]))? };
                let val = if imt.is_acceleration() { raw * to_g } else { raw };
                // non-positive amplitudes cannot be log-transformed: treat as missing
                ff.observations[k].push(if val > 0.0 { val } else { f64::NAN });
            }
        }
        if ff.event_id.is_empty() {
            return Err(ResidualsError::Flatfile("no records".into()));
        }
        Ok(ff)
    }

    /// Read a flatfile from a path.
    pub fn from_path(path: impl AsRef<std::path::Path>, options: FlatfileOptions) -> Result<Self> {
        let p = path.as_ref();
        let f = std::fs::File::open(p).map_err(|e| ResidualsError::Flatfile(format!("{}: {e}", p.display())))?;
        Self::read(std::io::BufReader::new(f), options)
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.event_id.len()
    }

    /// True without records.
    pub fn is_empty(&self) -> bool {
        self.event_id.is_empty()
    }

    /// Fill missing R_JB with R_epi and missing R_rup with √(R_epi² + depth²) (eGSIM's
    /// point-source convention); returns how many values were filled.
    pub fn fill_point_source_distances(&mut self) -> usize {
        let mut filled = 0;
        for i in 0..self.len() {
            if !self.rjb[i].is_finite() && self.repi[i].is_finite() {
                self.rjb[i] = self.repi[i];
                filled += 1;
            }
            if !self.rrup[i].is_finite() && self.repi[i].is_finite() && self.ev_depth_km[i].is_finite() {
                self.rrup[i] = (self.repi[i].powi(2) + self.ev_depth_km[i].powi(2)).sqrt();
                filled += 1;
            }
        }
        filled
    }

    /// Fill missing rakes from the focal-mechanism code: NF −90°, TF 90°, SS 0°, NS (normal
    /// oblique) −45°, TS (thrust oblique) 45°; other codes stay missing. Returns the number filled.
    pub fn fill_rake_from_mechanism(&mut self) -> usize {
        let mut filled = 0;
        for (r, fm) in self.rake.iter_mut().zip(&self.fm_type) {
            if r.is_finite() {
                continue;
            }
            let v = match fm.as_str() {
                "NF" => -90.0,
                "TF" => 90.0,
                "SS" => 0.0,
                "NS" => -45.0,
                "TS" => 45.0,
                _ => continue,
            };
            *r = v;
            filled += 1;
        }
        filled
    }

    fn input_column(&self, input: Input) -> Option<&[f64]> {
        Some(match input {
            Input::Mag => &self.mag,
            Input::Rake => &self.rake,
            Input::HypoDepth => &self.ev_depth_km,
            Input::Vs30 => &self.vs30,
            Input::Z1pt0 => return None, // optional: unknown → −999
            Input::Rjb => &self.rjb,
            Input::Rrup => &self.rrup,
            Input::Vs30Measured | Input::Region | Input::Ec8Class => return None,
        })
    }

    /// Per required input: (column name, number of missing values, first record missing it).
    pub fn missing_values(&self, inputs: &[Input]) -> Vec<(&'static str, usize, Option<usize>)> {
        inputs
            .iter()
            .filter_map(|&inp| {
                let c = self.input_column(inp)?;
                let bad: Vec<usize> = (0..c.len()).filter(|&i| !c[i].is_finite()).collect();
                Some((inp.name(), bad.len(), bad.first().copied()))
            })
            .collect()
    }

    /// Records whose required inputs are all present (and Vs30 > 0).
    pub fn usable(&self, inputs: &[Input]) -> Vec<bool> {
        (0..self.len())
            .map(|i| {
                inputs.iter().all(|&inp| match self.input_column(inp) {
                    Some(c) => c[i].is_finite() && (inp != Input::Vs30 || c[i] > 0.0),
                    None => true,
                })
            })
            .collect()
    }

    /// Error listing the missing values per column when any required input is missing.
    pub fn check_inputs(&self, inputs: &[Input]) -> Result<()> {
        let miss: Vec<String> = self
            .missing_values(inputs)
            .into_iter()
            .filter(|(_, n, _)| *n > 0)
            .map(|(c, n, first)| format!("{c}: {n} (first at record {})", first.unwrap_or(0)))
            .collect();
        if miss.is_empty() { Ok(()) } else { Err(ResidualsError::MissingValues(miss.join("; "))) }
    }

    /// Keep only the records where `keep` is true.
    pub fn select(&self, keep: &[bool]) -> Result<Flatfile> {
        crate::error::check_len("selection mask", self.len(), keep.len())?;
        fn f<T: Clone>(v: &[T], keep: &[bool]) -> Vec<T> {
            v.iter().zip(keep).filter(|(_, k)| **k).map(|(x, _)| x.clone()).collect()
        }
        Ok(Flatfile {
            format: self.format,
            event_id: f(&self.event_id, keep),
            station_id: f(&self.station_id, keep),
            ev_latitude: f(&self.ev_latitude, keep),
            ev_longitude: f(&self.ev_longitude, keep),
            ev_depth_km: f(&self.ev_depth_km, keep),
            mag: f(&self.mag, keep),
            mag_source: f(&self.mag_source, keep),
            rake: f(&self.rake, keep),
            fm_type: f(&self.fm_type, keep),
            st_latitude: f(&self.st_latitude, keep),
            st_longitude: f(&self.st_longitude, keep),
            st_elevation: f(&self.st_elevation, keep),
            vs30: f(&self.vs30, keep),
            vs30measured: f(&self.vs30measured, keep),
            z1pt0: f(&self.z1pt0, keep),
            repi: f(&self.repi, keep),
            rjb: f(&self.rjb, keep),
            rrup: f(&self.rrup, keep),
            imts: self.imts.clone(),
            observations: self.observations.iter().map(|o| f(o, keep)).collect(),
        })
    }

    /// z1.0 with unknown values as −999 (the GMPE convention), for [`Flatfile::contexts`].
    pub fn z1pt0_or_unknown(&self) -> Vec<f64> {
        self.z1pt0.iter().map(|&z| if z.is_finite() { z } else { -999.0 }).collect()
    }

    /// GMPE contexts borrowing the record columns (ESHM20 region 0 is supplied by the caller via
    /// [`Contexts::with_region`] if needed). `z1pt0` must be from [`Flatfile::z1pt0_or_unknown`].
    pub fn contexts<'a>(&'a self, z1pt0: &'a [f64]) -> Contexts<'a> {
        Contexts::new(&self.mag)
            .with_rake(&self.rake)
            .with_hypo_depth(&self.ev_depth_km)
            .with_vs30(&self.vs30)
            .with_vs30measured(&self.vs30measured)
            .with_rjb(&self.rjb)
            .with_rrup(&self.rrup)
            .with_z1pt0(z1pt0)
    }

    /// Observations of `imt` (g or cm/s). SA at a period without its own column is interpolated
    /// log–log between the neighbouring SA columns (as the GEM toolkit); outside them it is an
    /// error.
    pub fn observations_of(&self, imt: Imt) -> Result<Vec<f64>> {
        if let Some(k) = self.imts.iter().position(|&i| i == imt) {
            return Ok(self.observations[k].clone());
        }
        let t = imt.period().ok_or_else(|| ResidualsError::UnsupportedImt {
            model: "flatfile",
            imt: imt.to_string(),
            reason: "no column".into(),
        })?;
        let mut sa: Vec<(f64, usize)> =
            self.imts.iter().enumerate().filter_map(|(k, i)| i.period().map(|p| (p, k))).collect();
        sa.sort_by(|a, b| a.0.total_cmp(&b.0));
        let j = sa.partition_point(|(p, _)| *p < t);
        if j == 0 || j == sa.len() {
            return Err(ResidualsError::UnsupportedImt {
                model: "flatfile",
                imt: imt.to_string(),
                reason: "period outside the flatfile's SA columns".into(),
            });
        }
        let ((t0, k0), (t1, k1)) = (sa[j - 1], sa[j]);
        let w = (t.ln() - t0.ln()) / (t1.ln() - t0.ln());
        Ok(self.observations[k0]
            .iter()
            .zip(&self.observations[k1])
            .map(|(a, b)| (a.ln() + w * (b.ln() - a.ln())).exp())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn imt_suffixes() {
        assert_eq!(parse_imt("pga"), Some(Imt::Pga));
        assert_eq!(parse_imt("t1_000"), Some(Imt::Sa(1.0)));
        assert_eq!(parse_imt("t10_000"), Some(Imt::Sa(10.0)));
        assert_eq!(parse_imt("t90"), None);
    }

    #[test]
    fn missing_column_and_values() {
        let csv = "event_id,station_code,mw,ev_depth_km,jb_dist,vs30_m_sec,rotd50_pga\nE1,S1,5.0,10,20,,981\n";
        let ff = Flatfile::read(csv.as_bytes(), FlatfileOptions::default()).unwrap();
        assert!((ff.observations[0][0] - 981.0 / 980.665).abs() < 1e-12);
        let err = ff.check_inputs(&[Input::Mag, Input::Vs30, Input::Rjb]).unwrap_err().to_string();
        assert!(err.contains("vs30: 1"), "{err}");
        let bad = "station_code,mw\nS1,5\n";
        assert!(matches!(
            Flatfile::read(bad.as_bytes(), FlatfileOptions::default()),
            Err(ResidualsError::MissingColumn { .. })
        ));
    }
}
