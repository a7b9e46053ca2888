//! Golden parity of the Butterworth/Chebyshev designs and of causal and zero-phase filtering
//! against scipy.signal and obspy.signal.filter (xtask/golden/seis-core/gen_seis_core.py).
//!
//! Tolerances: coefficients are computed by the same sequence of floating-point operations as
//! scipy, so they agree to a few ulp — checked at 1e-12 relative (plus 1e-14 absolute for
//! coefficients that are exactly zero in one and ~1e-17 in the other). Filtered signals carry
//! those ulp differences through the recursion; 1e-10 relative to the signal's peak.

use ndarray::{Array1, Array2};
use seis_core::filter::{self, Band, PadType, Phase, SosFilter};
use seisml_testkit::{Golden, Tolerance, json};

const COEF: Tolerance = Tolerance::new(1e-14, 1e-12);

fn band(btype: &str, f: &[f64]) -> Band {
    match btype {
        "lowpass" => Band::Lowpass(f[0]),
        "highpass" => Band::Highpass(f[0]),
        "bandpass" => Band::Bandpass(f[0], f[1]),
        "bandstop" => Band::Bandstop(f[0], f[1]),
        other => panic!("unknown btype {other}"),
    }
}

fn freqs(v: &serde_json::Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|f| f.as_f64().unwrap()).collect()
}

fn sig_tol(expected: &Array1<f64>) -> Tolerance {
    Tolerance::scaled(1e-10, 1e-10, expected.view())
}

#[test]
fn butterworth_designs_and_filtering_match_scipy_and_obspy() {
    let meta = json("seis-core", "filters.json");
    let fs = meta["sampling_rate"].as_f64().unwrap();
    let mut g = Golden::open("seis-core", "filters.npz");
    let x = g.array1("x");
    for case in meta["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let order = case["order"].as_u64().unwrap() as usize;
        let f = freqs(&case["freqs"]);
        let b = band(case["btype"].as_str().unwrap(), &f);
        let flt = SosFilter::butter(order, b, fs).unwrap();

        let sos = g.array2(&format!("{name}_sos"));
        COEF.assert_close(&format!("{name} sos"), flt.sos().view(), sos.view());
        COEF.assert_close(&format!("{name} zi"), flt.zi().view(), g.array2(&format!("{name}_zi")).view());
        assert_eq!(filter::butter_sos(order, b, fs).unwrap(), flt.sos());

        let e = g.array1(&format!("{name}_sosfilt"));
        sig_tol(&e).assert_close(&format!("{name} sosfilt"), flt.sosfilt(x.view()).unwrap().view(), e.view());

        let zi = flt.zi() * x[0];
        let (y, zf) = flt.sosfilt_with_state(x.view(), zi.view()).unwrap();
        let e = g.array1(&format!("{name}_sosfilt_zi"));
        sig_tol(&e).assert_close(&format!("{name} sosfilt zi"), y.view(), e.view());
        let ezf: Array2<f64> = g.array2(&format!("{name}_sosfilt_zf"));
        Tolerance::scaled(1e-10, 1e-10, ezf.view()).assert_close(&format!("{name} zf"), zf.view(), ezf.view());

        for (suffix, pad, padlen) in [
            ("sosfiltfilt", PadType::Odd, None),
            ("sosfiltfilt_pad10", PadType::Odd, Some(10)),
            ("sosfiltfilt_even", PadType::Even, None),
            ("sosfiltfilt_const", PadType::Constant, None),
            ("sosfiltfilt_nopad", PadType::None, None),
        ] {
            let e = g.array1(&format!("{name}_{suffix}"));
            let y = flt.filtfilt_with(x.view(), pad, padlen).unwrap();
            sig_tol(&e).assert_close(&format!("{name} {suffix}"), y.view(), e.view());
        }
        let e = g.array1(&format!("{name}_sosfiltfilt"));
        sig_tol(&e).assert_close(name, flt.apply(x.view(), Phase::ZeroPhase).unwrap().view(), e.view());

        let obspy = |zp: bool| match b {
            Band::Lowpass(f) => filter::lowpass(x.view(), f, fs, order, zp),
            Band::Highpass(f) => filter::highpass(x.view(), f, fs, order, zp),
            Band::Bandpass(lo, hi) => filter::bandpass(x.view(), lo, hi, fs, order, zp),
            Band::Bandstop(lo, hi) => filter::bandstop(x.view(), lo, hi, fs, order, zp),
        };
        let e = g.array1(&format!("{name}_obspy"));
        sig_tol(&e).assert_close(&format!("{name} obspy"), obspy(false).unwrap().view(), e.view());
        let e = g.array1(&format!("{name}_obspy_zerophase"));
        sig_tol(&e).assert_close(&format!("{name} obspy zerophase"), obspy(true).unwrap().view(), e.view());
    }
}

#[test]
fn multichannel_rows_match_scipy_axis_minus_one() {
    let meta = json("seis-core", "filters.json");
    let fs = meta["sampling_rate"].as_f64().unwrap();
    let f = freqs(&meta["multi"]["freqs"]);
    let mut g = Golden::open("seis-core", "filters.npz");
    let x = g.array2("multi_x");
    let e = g.array2("multi_sosfiltfilt");
    let flt = SosFilter::butter(4, Band::Bandpass(f[0], f[1]), fs).unwrap();
    let y = flt.apply_rows(x.view(), Phase::ZeroPhase).unwrap();
    Tolerance::scaled(1e-10, 1e-10, e.view()).assert_close("multichannel sosfiltfilt", y.view(), e.view());
}

#[test]
fn chebyshev_designs_match_scipy() {
    let meta = json("seis-core", "cheby.json");
    let mut g = Golden::open("seis-core", "cheby.npz");
    for case in meta.as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let e = g.array2(name);
        let got = match case["kind"].as_str().unwrap() {
            "cheby1" => filter::cheby1_lowpass_sos(
                case["order"].as_u64().unwrap() as usize,
                case["ripple"].as_f64().unwrap(),
                case["wn"].as_f64().unwrap(),
            )
            .unwrap(),
            "cheby2" => filter::cheby2_lowpass_sos(
                case["order"].as_u64().unwrap() as usize,
                case["ripple"].as_f64().unwrap(),
                case["wn"].as_f64().unwrap(),
            )
            .unwrap(),
            _ => {
                let factor = case["factor"].as_u64().unwrap() as usize;
                let (order, wn) = seis_core::resample::obspy_decimation_design(factor).unwrap();
                assert_eq!(order as u64, case["order"].as_u64().unwrap(), "{name} order");
                Tolerance::new(0.0, 1e-14).assert_scalar(&format!("{name} wn"), wn, case["wn"].as_f64().unwrap());
                filter::cheby2_lowpass_sos(order, 96.0, wn).unwrap()
            }
        };
        // Chebyshev II zeros sit on the unit circle; coefficients still agree to rounding.
        Tolerance::scaled(1e-13, 1e-11, e.view()).assert_close(name, got.view(), e.view());
    }
}
