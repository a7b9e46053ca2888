//! hvsr against pinned hvsrpy 2.1.0 on the seeded synthetic record of
//! `xtask/golden/hvsr/gen_hvsr.py` (15 min, 3-C, 50 Hz, 60 s windows).
//!
//! Tolerances: smoothing operators 1e-12 relative (same sums, different order); per-window
//! H/V 1e-9 relative (FFT round-off between numpy's pocketfft and rustfft); mean curve within
//! the 0.5 % bar but checked at 1e-8; f0 within 0.1 % (checked exactly: the same bin);
//! window masks, FDWRA iterations and SESAME pass/fail equal.

use hvsr::{
    Distribution, FdwraParams, Horizontal, Hvsr, HvsrParams, PreRejection, Smoothing, SpectralRejection, StaLtaParams,
    WindowStatus,
};
use ndarray::{Array1, Array2};
use seisml_testkit::{Golden, Tolerance, json};

const CRATE: &str = "hvsr";

struct Record {
    ns: Array1<f64>,
    ew: Array1<f64>,
    vt: Array1<f64>,
    fs: f64,
}

fn record() -> Record {
    let mut g = Golden::open(CRATE, "record.npz");
    Record { ns: g.array1("ns"), ew: g.array1("ew"), vt: g.array1("vt"), fs: g.scalar("sampling_rate") }
}

fn fcs() -> Vec<f64> {
    Golden::open(CRATE, "cases.npz").array1("fcs").to_vec()
}

fn params() -> HvsrParams {
    HvsrParams::new().window_length(60.0).frequencies(fcs())
}

fn run(p: HvsrParams) -> Hvsr {
    let r = record();
    p.plan(r.fs).unwrap().process_arrays(r.ns.view(), r.ew.view(), r.vt.view()).unwrap()
}

fn smoothing_of(op: &str, bw: f64) -> Smoothing {
    match op {
        "konno_and_ohmachi" => Smoothing::KonnoOhmachi { bandwidth: bw },
        "log_triangular" => Smoothing::LogTriangular { bandwidth: bw },
        other => panic!("unknown operator {other}"),
    }
}

fn dist_of(s: &str) -> Distribution {
    if s == "normal" { Distribution::Normal } else { Distribution::LogNormal }
}

#[test]
fn smoothing_operators_match_hvsrpy() {
    let mut g = Golden::open(CRATE, "smoothing.npz");
    let freqs = g.array1("freqs").to_vec();
    let spec: Array2<f64> = g.array2("spectrum");
    let fcs_log = g.array1("fcs_log").to_vec();
    let fcs_lin = g.array1("fcs_lin").to_vec();
    let cases = [
        ("konno_and_ohmachi", Smoothing::KonnoOhmachi { bandwidth: 40.0 }, &fcs_log),
        ("obspy_konno_ohmachi", Smoothing::KonnoOhmachiUntruncated { bandwidth: 40.0 }, &fcs_log),
        ("parzen", Smoothing::Parzen { bandwidth: 0.5 }, &fcs_log),
        ("savitzky_and_golay", Smoothing::SavitzkyGolay { points: 9 }, &fcs_lin),
        ("linear_rectangular", Smoothing::LinearRectangular { bandwidth: 0.5 }, &fcs_log),
        ("linear_triangular", Smoothing::LinearTriangular { bandwidth: 0.5 }, &fcs_log),
        ("log_rectangular", Smoothing::LogRectangular { bandwidth: 0.05 }, &fcs_log),
        ("log_triangular", Smoothing::LogTriangular { bandwidth: 0.05 }, &fcs_log),
    ];
    for (name, s, fcs) in cases {
        let expected: Array2<f64> = g.array2(name);
        let op = s.plan(&freqs, fcs).unwrap();
        let mut got = Array2::zeros(expected.dim());
        for (row, mut out) in spec.rows().into_iter().zip(got.rows_mut()) {
            op.apply(row.as_slice().unwrap(), out.as_slice_mut().unwrap()).unwrap();
        }
        Tolerance::new(1e-14, 1e-12).assert_close(name, got.view(), expected.view());
    }
}

#[test]
fn horizontal_combinations_match_hvsrpy() {
    let mut g = Golden::open(CRATE, "cases.npz");
    let cases = [
        ("geometric_mean", Horizontal::GeometricMean),
        ("arithmetic_mean", Horizontal::ArithmeticMean),
        ("squared_average", Horizontal::SquaredAverage),
        ("total_horizontal_energy", Horizontal::TotalHorizontalEnergy),
        ("maximum_horizontal_value", Horizontal::Maximum),
        ("single_azimuth", Horizontal::SingleAzimuth { degrees: 30.0 }),
        ("rotdpp", Horizontal::rotd50()),
    ];
    for (name, h) in cases {
        let expected: Array2<f64> = g.array2(&format!("combine__{name}"));
        let got = run(params().horizontal(h).sesame(false));
        Tolerance::new(0.0, 1e-9).assert_close(name, got.amplitude.view(), expected.view());
    }
}

fn check_case(name: &str, case: &serde_json::Value, hv: &Hvsr, g: &mut Golden) {
    let valid: Vec<bool> = g.array1(&format!("{name}__valid")).iter().map(|&v| v > 0.5).collect();
    let got_valid: Vec<bool> = hv.status.iter().map(WindowStatus::is_valid).collect();
    assert_eq!(got_valid, valid, "{name}: valid windows");
    let wf0 = g.array1(&format!("{name}__window_f0"));
    for (i, p) in hv.window_peaks.iter().enumerate() {
        match p {
            Some((f, _)) => assert_eq!(*f, wf0[i], "{name}: window {i} f0"),
            None => assert!(wf0[i].is_nan(), "{name}: window {i} has no peak here"),
        }
    }
    let mean = g.array1(&format!("{name}__mean"));
    let std = g.array1(&format!("{name}__std"));
    Tolerance::new(0.0, 1e-8).assert_close(&format!("{name}: mean curve"), hv.curve.mean.view(), mean.view());
    Tolerance::new(1e-10, 1e-7).assert_close(
        &format!("{name}: std curve"),
        hv.curve.std.as_ref().unwrap().view(),
        std.view(),
    );
    let f0 = hv.f0.expect("mean-curve peak");
    Tolerance::new(0.0, 1e-12).assert_scalar(&format!("{name}: f0"), f0.frequency, case["f0"].as_f64().unwrap());
    Tolerance::new(0.0, 1e-8).assert_scalar(&format!("{name}: a0"), f0.amplitude, case["a0"].as_f64().unwrap());
    let ps = hv.peak_statistics.as_ref().unwrap();
    let dist = dist_of(case["distribution"].as_str().unwrap());
    Tolerance::new(0.0, 1e-10).assert_scalar(
        &format!("{name}: mean fn"),
        ps.frequency_mean(dist),
        case["fn_mean"].as_f64().unwrap(),
    );
    Tolerance::new(0.0, 1e-9).assert_scalar(
        &format!("{name}: std fn"),
        ps.frequency_std(dist),
        case["fn_std"].as_f64().unwrap(),
    );
    if let Some(it) = case["iterations"].as_u64() {
        assert_eq!(hv.fdwra.as_ref().unwrap().iterations as u64, it, "{name}: FDWRA iterations");
    }
    let s = hv.sesame.as_ref().expect("SESAME");
    let rel: Vec<u64> = s.reliability.iter().map(|c| c.passed as u64).collect();
    let cla: Vec<u64> = s.clarity.iter().map(|c| c.passed as u64).collect();
    let want = |k: &str| case[k].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect::<Vec<_>>();
    assert_eq!(rel, want("reliability"), "{name}: SESAME reliability");
    assert_eq!(cla, want("clarity"), "{name}: SESAME clarity");
    Tolerance::new(0.0, 1e-9).assert_scalar(
        &format!("{name}: sigma_f"),
        s.clarity[4].value,
        case["fn_std_normal"].as_f64().unwrap(),
    );
}

fn case_params(case: &serde_json::Value) -> HvsrParams {
    let dist = dist_of(case["distribution"].as_str().unwrap());
    let sr = case["search_range"].as_array().unwrap();
    let mut p = params()
        .smoothing(smoothing_of(case["operator"].as_str().unwrap(), case["bandwidth"].as_f64().unwrap()))
        .distribution(dist)
        .search_range(sr[0].as_f64(), sr[1].as_f64());
    if case["fdwra"].as_bool().unwrap() {
        p = p.rejection(vec![SpectralRejection::Fdwra(FdwraParams {
            distribution_fn: dist,
            distribution_mc: dist,
            ..FdwraParams::default()
        })]);
    }
    p
}

#[test]
fn analysis_cases_match_hvsrpy() {
    let meta = json(CRATE, "cases.json");
    let mut g = Golden::open(CRATE, "cases.npz");
    for (name, case) in meta["cases"].as_object().unwrap() {
        let hv = run(case_params(case));
        let expected: Array2<f64> = g.array2(&format!("{name}__hv"));
        Tolerance::new(0.0, 1e-9).assert_close(&format!("{name}: window H/V"), hv.amplitude.view(), expected.view());
        check_case(name, case, &hv, &mut g);
    }
}

#[test]
fn analysis_of_hvsrpy_curves_matches() {
    // The analysis alone, fed with hvsrpy's own per-window curves.
    let meta = json(CRATE, "cases.json");
    let mut g = Golden::open(CRATE, "cases.npz");
    let f = Array1::from(fcs());
    for (name, case) in meta["cases"].as_object().unwrap() {
        let amp: Array2<f64> = g.array2(&format!("{name}__hv"));
        let nw = amp.nrows();
        let p = case_params(case).check().unwrap();
        let hv = Hvsr::analyze(&p, f.clone(), 60.0, vec![0; nw], amp, None, vec![WindowStatus::Valid; nw]).unwrap();
        check_case(name, case, &hv, &mut g);
    }
}

#[test]
fn pre_rejection_matches_hvsrpy() {
    let mut g = Golden::open(CRATE, "cases.npz");
    let sta: Vec<bool> = g.array1("sta_lta_valid").iter().map(|&v| v > 0.5).collect();
    let maxv: Vec<bool> = g.array1("max_value_valid").iter().map(|&v| v > 0.5).collect();
    let hv = run(params().pre_rejection(vec![PreRejection::StaLta(StaLtaParams::default())]).sesame(false));
    let got: Vec<bool> = hv.status.iter().map(WindowStatus::is_valid).collect();
    assert_eq!(got, sta, "STA/LTA mask");
    assert!(sta.iter().any(|v| !v), "the golden record must trigger STA/LTA somewhere");
    let hv = run(params()
        .pre_rejection(vec![PreRejection::MaxAmplitude { threshold: 0.5, normalized: true }])
        .sesame(false));
    let got: Vec<bool> = hv.status.iter().map(WindowStatus::is_valid).collect();
    assert_eq!(got, maxv, "maximum-amplitude mask");
}

#[test]
fn azimuthal_matches_hvsrpy() {
    let meta = json(CRATE, "azimuthal.json");
    let mut g = Golden::open(CRATE, "azimuthal.npz");
    let az = g.array1("azimuths").to_vec();
    let r = record();
    let data = ndarray::stack![ndarray::Axis(0), r.ns, r.ew, r.vt];
    let rec = seis_core::Components::new(data, "NEZ", r.fs, seis_core::UtcTime::EPOCH).unwrap();
    for (name, case) in meta["cases"].as_object().unwrap() {
        let mut p = params().component_spectra(false).sesame(false);
        if case["fdwra"].as_bool().unwrap() {
            p = p.fdwra();
        }
        let hv = p.plan(r.fs).unwrap().process_azimuthal(&rec, &az).unwrap();
        let amp: ndarray::Array3<f64> = g.array3(&format!("{name}__amplitude"));
        let valid: Array2<f64> = g.array2(&format!("{name}__valid"));
        for (a, h) in hv.per_azimuth.iter().enumerate() {
            Tolerance::new(0.0, 1e-9).assert_close(
                &format!("{name}: azimuth {} H/V", az[a]),
                h.amplitude.view(),
                amp.index_axis(ndarray::Axis(0), a),
            );
            let got: Vec<f64> = h.status.iter().map(|s| s.is_valid() as u8 as f64).collect();
            assert_eq!(got, valid.row(a).to_vec(), "{name}: azimuth {} valid windows", az[a]);
        }
        Tolerance::new(0.0, 1e-8).assert_close(
            &format!("{name}: mean"),
            hv.mean.view(),
            g.array1(&format!("{name}__mean")).view(),
        );
        Tolerance::new(1e-10, 1e-7).assert_close(
            &format!("{name}: std"),
            hv.std.view(),
            g.array1(&format!("{name}__std")).view(),
        );
        let f0 = hv.f0.unwrap();
        Tolerance::new(0.0, 1e-12).assert_scalar(&format!("{name}: f0"), f0.frequency, case["f0"].as_f64().unwrap());
        Tolerance::new(0.0, 1e-8).assert_scalar(&format!("{name}: a0"), f0.amplitude, case["a0"].as_f64().unwrap());
        Tolerance::new(0.0, 1e-10).assert_scalar(
            &format!("{name}: fn mean"),
            hv.fn_mean,
            case["fn_mean"].as_f64().unwrap(),
        );
        Tolerance::new(0.0, 1e-8).assert_scalar(
            &format!("{name}: fn std"),
            hv.fn_std,
            case["fn_std"].as_f64().unwrap(),
        );
    }
}
