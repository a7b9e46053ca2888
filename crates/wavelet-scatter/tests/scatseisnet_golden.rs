//! Golden tests against pinned scatseisnet 0.4.1 (`xtask/golden/wavelet-scatter/gen_scatseisnet.py`).
//! Tolerance (f64): |a − b| ≤ 1e-12·max|b| + 1e-9·|b| per order array (scattering.md §5).

use ndarray::{Array2, ArrayD, Ix3};
use seisml_testkit::{Golden, Tolerance, json};
use wavelet_scatter::{LayerSpec, NetworkBuilder, Normalization, Pooling, ScatteringNetwork};

const KRATE: &str = "wavelet-scatter";

fn golden(file: &str) -> Golden {
    Golden::open(KRATE, &format!("scatseisnet/{file}"))
}

fn spec(v: &serde_json::Value) -> LayerSpec {
    let norm = match v["normalization"].as_str() {
        Some("L1") => Normalization::L1,
        Some("L2") => Normalization::L2,
        _ => Normalization::None,
    };
    LayerSpec::new(
        v["octaves"].as_u64().unwrap() as usize,
        v["resolution"].as_u64().unwrap() as usize,
        v["quality"].as_f64().unwrap(),
    )
    .normalized(norm)
}

fn network(case: &serde_json::Value) -> ScatteringNetwork {
    let mut b = NetworkBuilder::new(case["bins"].as_u64().unwrap() as usize, case["sampling_rate"].as_f64().unwrap())
        .taper_alpha(case["taper_alpha"].as_f64())
        .allow_truncation(case["allow_truncation"].as_bool().unwrap());
    for l in case["layers"].as_array().unwrap() {
        b = b.layer(spec(l));
    }
    b.build().unwrap()
}

fn pooling(name: &str) -> Pooling {
    match name {
        "mean" => Pooling::Mean,
        "max" => Pooling::Max,
        "median" => Pooling::Median,
        other => panic!("unknown pooling {other}"),
    }
}

fn check(what: &str, actual: &ArrayD<f64>, expected: &ArrayD<f64>) -> f64 {
    let tol = Tolerance::scaled(1e-12, 1e-9, expected.view());
    tol.assert_close(what, actual.view(), expected.view());
    let max = expected.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let d = actual.iter().zip(expected).fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    d / max
}

fn cases() -> Vec<serde_json::Value> {
    json(KRATE, "scatseisnet/cases.json")["cases"].as_array().unwrap().clone()
}

#[test]
fn pooled_networks_match_scatseisnet() {
    let mut n_checked = 0;
    for case in cases().iter().filter(|c| !c["poolings"].as_array().unwrap().is_empty()) {
        let name = case["name"].as_str().unwrap();
        let mut g = golden(case["file"].as_str().unwrap());
        let x: ndarray::Array3<f64> = g.array_d::<Ix3>("x");
        let net = network(case);
        for p in case["poolings"].as_array().unwrap() {
            let p = p.as_str().unwrap();
            let out = net.transform(x.view(), pooling(p)).unwrap();
            assert_eq!(out.len(), case["layers"].as_array().unwrap().len());
            for (l, s) in out.iter().enumerate() {
                let expected: ArrayD<f64> = g.array(&format!("{p}_order{}", l + 1));
                let rel = check(&format!("{name} {p} order {}", l + 1), s, &expected);
                eprintln!("{name:>16} {p:>6} order {}: max|d|/max|ref| = {rel:.2e}", l + 1);
                n_checked += 1;
            }
        }
    }
    assert!(n_checked >= 20, "only {n_checked} arrays checked");
}

#[test]
fn unpooled_scalograms_match_scatseisnet_even_and_odd() {
    for case in cases().iter().filter(|c| c["name"].as_str().unwrap().starts_with("scalogram")) {
        let name = case["name"].as_str().unwrap();
        let mut g = golden(case["file"].as_str().unwrap());
        let x: ndarray::Array3<f64> = g.array_d::<Ix3>("x");
        let out = network(case).scalograms(x.view()).unwrap();
        for (l, s) in out.iter().enumerate() {
            let expected: ArrayD<f64> = g.array(&format!("order{}", l + 1));
            // scatseisnet drops the channel axis of 1-channel input only when the input has none;
            // the golden input is (1, 1, bins), so the shapes agree.
            let rel = check(&format!("{name} order {}", l + 1), s, &expected);
            eprintln!("{name}: order {} max|d|/max = {rel:.2e}", l + 1);
        }
    }
}

#[test]
fn filter_banks_match_scatseisnet() {
    let banks = json(KRATE, "scatseisnet/cases.json")["banks"].clone();
    for (key, b) in banks.as_object().unwrap() {
        let mut g = golden(&format!("bank_{key}.npz"));
        let bins = b["bins"].as_u64().unwrap() as usize;
        let bank = wavelet_scatter::GaborBank::new(spec(b), bins, b["sampling_rate"].as_f64().unwrap()).unwrap();
        let tight = Tolerance::new(1e-14, 1e-13);
        for (name, got) in [
            ("times", bank.times().to_vec()),
            ("centers", bank.centers().to_vec()),
            ("widths", bank.widths().to_vec()),
            ("scales", bank.scales()),
            ("ratios", bank.ratios().to_vec()),
            ("frequencies", bank.frequencies()),
        ] {
            let e = g.array1(name);
            tight.assert_close(&format!("{key} {name}"), ndarray::Array1::from(got).view(), e.view());
        }
        for (name, arr) in [("wavelets", bank.wavelets()), ("spectra", bank.spectra())] {
            let re: Array2<f64> = g.array2(&format!("{name}_re"));
            let im: Array2<f64> = g.array2(&format!("{name}_im"));
            let tol = Tolerance::scaled(1e-12, 1e-9, re.view());
            tol.assert_close(&format!("{key} {name} re"), arr.mapv(|z| z.re).view(), re.view());
            tol.assert_close(&format!("{key} {name} im"), arr.mapv(|z| z.im).view(), im.view());
        }
    }
}

#[test]
fn f32_path_agrees_with_f64_golden() {
    let case = cases().into_iter().find(|c| c["name"] == "tutorial_60s").unwrap();
    let mut g = golden("tutorial_60s.npz");
    let x: ndarray::Array3<f64> = g.array_d::<Ix3>("x");
    let mut b = NetworkBuilder::new(3000, 50.0);
    for l in case["layers"].as_array().unwrap() {
        b = b.layer(spec(l));
    }
    let net32 = b.build::<f32>().unwrap();
    let out = net32.transform(x.mapv(|v| v as f32).view(), Pooling::Median).unwrap();
    for (l, s) in out.iter().enumerate() {
        let expected: ArrayD<f64> = g.array(&format!("median_order{}", l + 1));
        let tol = Tolerance::scaled(2e-6, 2e-4, expected.view());
        tol.assert_close(&format!("f32 order {}", l + 1), s.mapv(|v| v as f64).view(), expected.view());
    }
}
