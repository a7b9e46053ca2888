//! Golden parity of detrend (scipy.signal.detrend) and tapers (scipy.signal.windows.tukey/hann,
//! obspy.signal.invsim.cosine_taper).
//!
//! Tolerances: detrend differs from scipy's least-squares solve by rounding only; 1e-12 of the
//! signal's peak. Windows are closed-form cosines; 1e-14 absolute.

use seis_core::{Detrend, Taper};
use seisml_testkit::{Golden, Tolerance, json};

#[test]
fn detrend_matches_scipy() {
    let meta = json("seis-core", "detrend_taper.json");
    let mut g = Golden::open("seis-core", "detrend_taper.npz");
    for n in meta["detrend_n"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()) {
        let x = g.array1(&format!("x_{n}"));
        for (kind, d) in [("constant", Detrend::Constant), ("linear", Detrend::Linear)] {
            let e = g.array1(&format!("{kind}_{n}"));
            let y = d.apply(x.view()).unwrap();
            Tolerance::scaled(1e-12, 0.0, x.view()).assert_close(&format!("{kind} n={n}"), y.view(), e.view());
        }
    }
}

#[test]
fn tapers_match_scipy_and_obspy() {
    let meta = json("seis-core", "detrend_taper.json");
    let mut g = Golden::open("seis-core", "detrend_taper.npz");
    let tol = Tolerance::new(1e-14, 0.0);
    for m in meta["tukey_m"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize) {
        for alpha in meta["tukey_alpha"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()) {
            let e = g.array1(&format!("tukey_{m}_{alpha:?}"));
            let w = Taper::Tukey { alpha }.window(m).unwrap();
            tol.assert_close(&format!("tukey M={m} alpha={alpha}"), w.view(), e.view());
        }
        let e = g.array1(&format!("hann_{m}"));
        tol.assert_close(&format!("hann M={m}"), Taper::Hann.window(m).unwrap().view(), e.view());
    }
    for npts in meta["cosine_npts"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize) {
        for p in meta["cosine_p"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()) {
            let e = g.array1(&format!("cosine_{npts}_{p:?}"));
            let w = Taper::Cosine { p }.window(npts).unwrap();
            tol.assert_close(&format!("cosine npts={npts} p={p}"), w.view(), e.view());
        }
    }
}
