//! esi-syncopy 2023.9 superlets and superlet-Morlet CWT, golden cases written by
//! `xtask/golden/wavelet-scatter/gen_superlet.py`.
//!
//! The reference is complex64, so moduli are compared with rtol 1e-5 plus an absolute floor of
//! 1e-6·max (issue 4's bar: ≤ 1e-5 relative).

use ndarray::{Array1, Array2, ArrayD};
use seisml_testkit::{Golden, Tolerance, json};
use wavelet_scatter::tf::{CwtParams, SuperletParams};

const CRATE: &str = "wavelet-scatter";

fn f32_array2(g: &mut Golden, name: &str) -> Array2<f64> {
    let a: ArrayD<f32> = g.array(name);
    a.mapv(f64::from).into_dimensionality().unwrap()
}

#[test]
fn superlets_match_syncopy() {
    let index = json(CRATE, "tf/cases.json");
    for case in index["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        if case.get("cycles").is_some() {
            continue;
        }
        let mut g = Golden::open(CRATE, &format!("tf/{name}.npz"));
        let x: Array1<f64> = g.array1("x");
        let freqs = g.array1("frequencies").to_vec();
        let expected = f32_array2(&mut g, "modulus");
        let mut params =
            SuperletParams::new(case["fs"].as_f64().unwrap(), &freqs, case["order_max"].as_u64().unwrap() as u32)
                .order_min(case["order_min"].as_u64().unwrap() as u32)
                .c1(case["c1"].as_f64().unwrap());
        if case["adaptive"].as_bool().unwrap() {
            params = params.adaptive();
        }
        let plan = params.plan(x.len()).unwrap();
        if case["adaptive"].as_bool().unwrap() {
            let orders = g.array1("orders");
            for (a, b) in plan.orders().iter().zip(orders.iter()) {
                assert!((a - b).abs() < 1e-12, "{name}: orders {a} vs {b}");
            }
        }
        let got = plan.transform(x.view()).unwrap();
        assert_eq!(got.shape(), expected.shape(), "{name}");
        Tolerance::scaled(1e-6, 1e-5, expected.view()).assert_close(name, got.view(), expected.view());
        let max = expected.iter().fold(0.0f64, |m, v| m.max(*v));
        let rel =
            got.iter().zip(expected.iter()).fold(0.0f64, |m, (a, b)| m.max((a - b).abs() / (b.abs() + 1e-6 * max)));
        eprintln!("{name}: max |diff| / (|syncopy| + 1e-6·max) = {rel:.2e}");
    }
}

#[test]
fn cwt_matches_syncopy_cwtsl() {
    let mut g = Golden::open(CRATE, "tf/cwt_c5_fs100.npz");
    let x: Array1<f64> = g.array1("x");
    let freqs = g.array1("frequencies").to_vec();
    let re = f32_array2(&mut g, "re");
    let im = f32_array2(&mut g, "im");
    let plan = CwtParams::new(100.0, &freqs).cycles(5.0).plan(x.len()).unwrap();
    let w = plan.transform_complex(x.view()).unwrap();
    let modulus = (&re * &re + &im * &im).mapv(f64::sqrt);
    let tol = Tolerance::scaled(1e-6, 1e-5, modulus.view());
    tol.assert_close("cwt re", w.mapv(|c| c.re).view(), re.view());
    tol.assert_close("cwt im", w.mapv(|c| c.im).view(), im.view());
    tol.assert_close("cwt |W|", plan.transform(x.view()).unwrap().view(), modulus.view());
}
