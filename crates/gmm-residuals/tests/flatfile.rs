//! Flatfile readers on small hand-made ESM and GEM files: format detection, unit conversion,
//! component selection, magnitude precedence, per-column validation and typed errors.

use gmm_residuals::flatfile::{
    AccelerationUnit, Flatfile, FlatfileFormat, FlatfileOptions, HorizontalComponent, MagnitudeSource,
};
use gmm_residuals::gmpe::{Input, model_by_name};
use gmm_residuals::magnitude::mw_from_ml;
use gmm_residuals::{Imt, ResidualsError};

const G_CM: f64 = 980.665; // 1 g in cm/s²

const ESM: &str = "\
esm_event_id,network_code,station_code,location_code,mw,ml,ev_depth_km,es_rake,vs30_m_s,vs30_meas_type,epi_dist,jb_dist,rup_dist,U_pga,V_pga,rotD50_pga,rotD50_pgv,rotD50_T0_100,rotD50_T1_000
EMSC-1,IV,AQU,,6.1,5.9,8.3,-90,550,measured,10,5,9.6,490.3325,1961.33,980.665,50,1500,200
EMSC-1,IV,CAMP,00,6.1,5.9,8.3,-90,,inferred,30,28,29.5,98.0665,98.0665,196.133,12,300,40
EMSC-2,MN,VLS,,,4.0,12,,300,,55,,,9.80665,39.2266,19.6133,1.5,,5
";

const GEM: &str = "\
event_id,station_code,mw,ms,ev_depth_km,vs30_m_sec,JB_dist,rup_dist,rotD50_pga,rotD100_pga,rotD50_T0_200
E1,S1,,5.5,10,760,12,15.6,0.981,1.5,2.0
E1,S2,5.2,5.5,10,400,50,51,0.0,0.4,0.3
";

#[test]
fn esm_flatfile_units_components_and_magnitudes() {
    let ff = Flatfile::read(ESM.as_bytes(), FlatfileOptions::default()).unwrap();
    assert_eq!(ff.format, FlatfileFormat::Esm);
    assert_eq!(ff.len(), 3);
    assert_eq!(ff.station_id[1], "IV.CAMP.00");
    assert_eq!(ff.imts, vec![Imt::Pga, Imt::Pgv, Imt::Sa(0.1), Imt::Sa(1.0)]);
    // cm/s² → g for PGA and SA, PGV stays cm/s
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
    assert!(close(ff.observations[0][0], 1.0));
    assert!(close(ff.observations[0][1], 0.2));
    assert!(close(ff.observations[1][0], 50.0));
    assert!(close(ff.observations[2][0], 1500.0 / G_CM));
    assert!(ff.observations[2][2].is_nan(), "empty cell is a missing value");
    // Mw first, ML converted when Mw is missing
    assert_eq!(ff.mag_source, vec![MagnitudeSource::Mw, MagnitudeSource::Mw, MagnitudeSource::Ml]);
    assert!(close(ff.mag[2], mw_from_ml(4.0)));
    assert_eq!(ff.vs30measured, vec![true, false, false]);
    // geometric mean of U and V
    let geo = FlatfileOptions { component: HorizontalComponent::GeometricMean, ..Default::default() };
    let ffg = Flatfile::read(ESM.as_bytes(), geo).unwrap();
    assert_eq!(ffg.imts, vec![Imt::Pga], "only IMTs with both U and V columns");
    assert!(close(ffg.observations[0][0], (0.5f64 * 2.0).sqrt()));
    assert!(close(ffg.observations[0][2], (0.01f64 * 0.04).sqrt()));
}

#[test]
fn esm_flatfile_validation_report_per_column() {
    let mut ff = Flatfile::read(ESM.as_bytes(), FlatfileOptions::default()).unwrap();
    let model = model_by_name("BooreEtAl2014").unwrap();
    let inputs = model.info().inputs;
    // record 1 lacks vs30, record 2 lacks rake and rjb
    let report = ff.missing_values(&inputs);
    let get = |c: &str| report.iter().find(|(n, _, _)| *n == c).map(|(_, k, f)| (*k, *f));
    assert_eq!(get("vs30"), Some((1, Some(1))));
    assert_eq!(get("rake"), Some((1, Some(2))));
    assert_eq!(get("rjb"), Some((1, Some(2))));
    assert_eq!(get("mag"), Some((0, None)));
    let e = ff.check_inputs(&inputs).unwrap_err();
    assert!(matches!(&e, ResidualsError::MissingValues(m) if m.contains("vs30: 1") && m.contains("rjb: 1")), "{e}");
    assert_eq!(ff.usable(&inputs), vec![true, false, false]);
    // point-source fill: rjb = repi and rrup = √(repi² + depth²)
    assert_eq!(ff.fill_point_source_distances(), 2);
    assert_eq!(ff.rjb[2], 55.0);
    assert!((ff.rrup[2] - (55.0f64.powi(2) + 144.0).sqrt()).abs() < 1e-12);
    // the usable records evaluate without error
    let keep = ff.usable(&inputs);
    let sub = ff.select(&keep).unwrap();
    let z1 = sub.z1pt0_or_unknown();
    let p = model.plan(&[Imt::Pga]).unwrap().predict(&sub.contexts(&z1)).unwrap();
    assert_eq!(p.mean.ncols(), 1);
}

#[test]
fn gem_flatfile_units_and_magnitude_precedence() {
    let opts = FlatfileOptions { acceleration_unit: AccelerationUnit::MPerS2, ..Default::default() };
    let ff = Flatfile::read(GEM.as_bytes(), opts).unwrap();
    assert_eq!(ff.format, FlatfileFormat::Gem);
    assert_eq!(ff.imts, vec![Imt::Pga, Imt::Sa(0.2)]);
    assert!((ff.observations[0][0] - 0.981 / 9.80665).abs() < 1e-15);
    // a zero amplitude cannot be log-transformed: missing, and reported as such
    assert!(ff.observations[0][1].is_nan());
    assert_eq!(ff.mag_source, vec![MagnitudeSource::Ms, MagnitudeSource::Mw]);
    let rotd100 = FlatfileOptions { component: HorizontalComponent::RotD100, ..opts };
    let ff100 = Flatfile::read(GEM.as_bytes(), rotd100).unwrap();
    assert!((ff100.observations[0][0] - 1.5 / 9.80665).abs() < 1e-15);
    // the G unit is taken as is
    let in_g = FlatfileOptions { acceleration_unit: AccelerationUnit::G, ..Default::default() };
    assert_eq!(Flatfile::read(GEM.as_bytes(), in_g).unwrap().observations[0][0], 0.981);
}

#[test]
fn malformed_flatfiles_are_typed_errors() {
    // a non-numeric cell names the record and the column
    let bad = GEM.replace("12,15.6", "twelve,15.6");
    let e = Flatfile::read(bad.as_bytes(), FlatfileOptions::default()).unwrap_err();
    assert!(
        matches!(&e, ResidualsError::InvalidCell { record: 0, column, text } if column == "jb_dist" && text == "twelve"),
        "{e}"
    );
    // missing identifier or magnitude columns
    let no_event = "station_code,mw\nS1,5\n";
    assert!(matches!(
        Flatfile::read(no_event.as_bytes(), FlatfileOptions::default()),
        Err(ResidualsError::MissingColumn { column, .. }) if column == "esm_event_id"
    ));
    let no_mag = "event_id,station_code\nE1,S1\n";
    assert!(matches!(
        Flatfile::read(no_mag.as_bytes(), FlatfileOptions::default()),
        Err(ResidualsError::MissingColumn { column, .. }) if column == "mw"
    ));
    // ragged rows and empty files
    assert!(Flatfile::read("event_id,station_code,mw\nE1,S1\n".as_bytes(), FlatfileOptions::default()).is_err());
    assert!(Flatfile::read("event_id,station_code,mw\n".as_bytes(), FlatfileOptions::default()).is_err());
    // a model input with no column at all is reported for every record
    let ff = Flatfile::read(GEM.as_bytes(), FlatfileOptions::default()).unwrap();
    let report = ff.missing_values(&[Input::Rake]);
    assert_eq!(report, vec![("rake", 2, Some(0))]);
}
