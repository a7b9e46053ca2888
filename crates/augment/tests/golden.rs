//! Deterministic cases against seisbench 0.12.6 on the tiny dataset (xtask/golden/augment).
//!
//! Tolerances: windows, gaps, dropout, rolls, step/detection/standard labels are exact;
//! Normalize and probabilistic labels 1e-12 relative; Butterworth filters 1e-9 of the peak
//! (seis-core's design vs scipy's).

mod common;

use augment::{
    AddGap, AmpNorm, Augmentation, Band, ChannelDropout, DetectionLabeller, FixedWindow, LabelColumns, LabelShape,
    NormAxis, Normalize, OnOverlap, ProbabilisticLabeller, ProbabilisticPointLabeller, RandomArrayRotation,
    RandomWindow, RotateHorizontalComponents, Sample, SampleSource, Selection, SlidingWindow, StandardLabeller,
    SteeredWindow, StepLabeller, WindowAroundSample, WindowStrategy,
};
use ndarray::{Array1, Array2, Ix1, Ix2};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use seisml_testkit::{Golden, Tolerance, json};
use serde_json::Value;

fn strategy(v: &Value) -> WindowStrategy {
    match v.as_str().expect("strategy") {
        "fail" => WindowStrategy::Fail,
        "pad" => WindowStrategy::Pad,
        "move" => WindowStrategy::Move,
        "variable" => WindowStrategy::Variable,
        s => panic!("unknown strategy {s}"),
    }
}

fn axis(v: &Value) -> Option<NormAxis> {
    match v {
        Value::Null => None,
        Value::Number(_) => Some(NormAxis::Channel),
        Value::Array(_) => Some(NormAxis::Global),
        _ => panic!("axis {v}"),
    }
}

fn opt_i64(v: &Value, k: &str) -> Option<i64> {
    v.get(k).and_then(Value::as_i64)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().expect("list").iter().map(|s| s.as_str().expect("str").to_string()).collect()
}

fn shape(v: &Value) -> LabelShape {
    match v.as_str().expect("shape") {
        "gaussian" => LabelShape::Gaussian,
        "triangle" => LabelShape::Triangle,
        "box" => LabelShape::Box,
        s => panic!("shape {s}"),
    }
}

fn prob(op: &Value) -> ProbabilisticLabeller {
    let mut l = ProbabilisticLabeller::new(shape(&op["shape"]), op["sigma"].as_f64().expect("sigma")).expect("valid");
    if let Some(c) = op.get("columns") {
        l.label_columns = LabelColumns::Columns(strings(c));
    }
    if let Some(n) = op.get("noise") {
        l.noise_column = n.as_bool().expect("bool");
    }
    if let Some(m) = op.get("model_labels") {
        l.model_labels = Some(strings(m));
    }
    l
}

/// Apply one op of the golden description, as the python script built it.
fn apply(op: &Value, s: &mut Sample, rng: &mut Pcg64Mcg) {
    let wl = |op: &Value| op["windowlen"].as_u64().expect("windowlen") as usize;
    match op["op"].as_str().expect("op") {
        "fixed" => {
            FixedWindow { p0: op["p0"].as_i64().expect("p0"), windowlen: wl(op), strategy: strategy(&op["strategy"]) }
                .apply(s, rng)
                .expect("fixed window")
        }
        "around" => WindowAroundSample {
            metadata_keys: strings(&op["keys"]),
            samples_before: op["samples_before"].as_i64().expect("sb"),
            selection: Selection::First,
            windowlen: wl(op),
            strategy: strategy(&op["strategy"]),
        }
        .apply(s, rng)
        .expect("around"),
        "random_window" => RandomWindow {
            low: opt_i64(op, "low"),
            high: opt_i64(op, "high"),
            windowlen: wl(op),
            strategy: strategy(&op["strategy"]),
        }
        .apply(s, rng)
        .expect("random window"),
        "random_window_at" => RandomWindow {
            low: opt_i64(op, "low"),
            high: opt_i64(op, "high"),
            windowlen: wl(op),
            strategy: strategy(&op["strategy"]),
        }
        .cut_at(s, op["p0"].as_i64().expect("p0"))
        .expect("random window at"),
        "normalize" => Normalize {
            demean: axis(op.get("demean").unwrap_or(&Value::Null)),
            detrend: op.get("detrend").is_some(),
            amp_norm: axis(op.get("amp").unwrap_or(&Value::Null)),
            amp_norm_type: if op.get("type").and_then(Value::as_str) == Some("std") {
                AmpNorm::Std
            } else {
                AmpNorm::Peak
            },
            eps: 1e-10,
        }
        .apply(s, rng)
        .expect("normalize"),
        "filter" => {
            let n = op["N"].as_u64().expect("N") as usize;
            let band = match (op["btype"].as_str().expect("btype"), &op["Wn"]) {
                ("lowpass", w) => Band::Lowpass(w.as_f64().expect("Wn")),
                ("highpass", w) => Band::Highpass(w.as_f64().expect("Wn")),
                ("bandpass", Value::Array(w)) => Band::Bandpass(w[0].as_f64().expect("lo"), w[1].as_f64().expect("hi")),
                b => panic!("band {b:?}"),
            };
            augment::Filter::new(n, band, op["zero_phase"].as_bool().expect("zp"))
                .expect("filter")
                .apply(s, rng)
                .expect("filter")
        }
        "prob" => prob(op).apply(s, rng).expect("prob labels"),
        "point" => {
            let l =
                ProbabilisticLabeller::new(shape(&op["shape"]), op["sigma"].as_f64().expect("sigma")).expect("valid");
            ProbabilisticPointLabeller::new(l, op["position"].as_f64().expect("pos"))
                .expect("valid")
                .apply(s, rng)
                .expect("point")
        }
        "step" => StepLabeller::default().apply(s, rng).expect("step"),
        "detection" => {
            let mut d =
                DetectionLabeller::new(vec!["trace_P_arrival_sample".into()], vec!["trace_S_arrival_sample".into()]);
            d.fixed_window = op.get("fixed").and_then(Value::as_f64);
            d.apply(s, rng).expect("detection")
        }
        "standard" => StandardLabeller {
            on_overlap: match op["on_overlap"].as_str().expect("ov") {
                "label-first" => OnOverlap::LabelFirst,
                "fixed-relevance" => OnOverlap::FixedRelevance,
                o => panic!("{o}"),
            },
            low: opt_i64(op, "low"),
            high: opt_i64(op, "high"),
            ..Default::default()
        }
        .apply(s, rng)
        .expect("standard"),
        "rotate_ne" => {
            RotateHorizontalComponents::default().rotate(s, op["alpha"].as_f64().expect("alpha")).expect("rotate")
        }
        "dropout" => {
            let perm: Vec<usize> =
                op["perm"].as_array().expect("perm").iter().map(|v| v.as_u64().expect("u") as usize).collect();
            let n = op["n_drop"].as_u64().expect("n") as usize;
            ChannelDropout { clear_picks: true, label_keys: vec!["y".into()], rescale: false }
                .drop_channels(s, &perm[..n])
        }
        "gap" => {
            AddGap { picks_in_gap_threshold: op.get("threshold").and_then(Value::as_f64), label_keys: vec!["y".into()] }
                .insert_gap(s, op["start"].as_u64().expect("start") as usize, op["end"].as_u64().expect("end") as usize)
        }
        "steered" => {
            s.metadata.set_number("start_sample", op["start"].as_f64().expect("start"));
            s.metadata.set_number("end_sample", op["end"].as_f64().expect("end"));
            SteeredWindow {
                windowlen: op["windowlen"].as_u64().map(|w| w as usize),
                strategy: strategy(&op["strategy"]),
            }
            .apply(s, rng)
            .expect("steered window")
        }
        "roll" => RandomArrayRotation::default().rotate(s, op["shift"].as_u64().expect("shift") as usize),
        o => panic!("unknown op {o}"),
    }
}

#[test]
fn seisbench_cases() {
    let cases = json("augment", "cases.json");
    let mut g = Golden::open("augment", "cases.npz");
    let src = common::tiny_source();
    let exact = Tolerance::new(0.0, 0.0);
    let tight = Tolerance::new(1e-13, 1e-12);
    let mut checked = 0;
    for (ci, c) in cases["cases"].as_array().expect("cases").iter().enumerate() {
        let name = c["name"].as_str().expect("name");
        let mut s = src.sample(c["trace"].as_u64().expect("trace") as usize).expect("sample");
        let mut rng = Pcg64Mcg::seed_from_u64(0);
        let ops = c["ops"].as_array().expect("ops");
        for op in ops {
            apply(op, &mut s, &mut rng);
        }
        let last = ops.last().expect("op")["op"].as_str().expect("op");
        let shape: Vec<usize> =
            c["shape"].as_array().expect("shape").iter().map(|v| v.as_u64().expect("u") as usize).collect();
        assert_eq!(s.waveform.shape(), &shape[..], "{name}: waveform shape");
        if c["has_x"].as_bool().expect("has_x") {
            let x: Array2<f64> = g.array_d::<Ix2>(&format!("c{ci}_x"));
            let tol = match last {
                "normalize" => tight,
                "filter" => Tolerance::scaled(1e-9, 0.0, x.view()),
                "rotate_ne" => Tolerance::new(1e-15, 1e-14),
                _ => exact,
            };
            tol.assert_close(&format!("{name}: waveform"), s.waveform.view(), x.view());
        }
        if let Some(b) = c.get("borders") {
            let got = [s.metadata.number("start_sample"), s.metadata.number("end_sample")];
            assert_eq!(got, [b[0].as_f64(), b[1].as_f64()], "{name}: window borders");
        }
        for (k, v) in c["meta_out"].as_object().expect("meta") {
            let got = s.metadata.number(k);
            assert_eq!(got, v.as_f64(), "{name}: metadata {k}");
        }
        for (key, shp) in c["outputs"].as_object().expect("outputs") {
            let shp: Vec<usize> =
                shp.as_array().expect("shape").iter().map(|v| v.as_u64().expect("u") as usize).collect();
            let tol = if matches!(last, "prob" | "point" | "dropout" | "gap" | "roll") { tight } else { exact };
            match last {
                "point" => {
                    let e: Array1<f64> = g.array_d::<Ix1>(&format!("c{ci}_{key}"));
                    tol.assert_close(&format!("{name}: point labels"), s.point_labels[key].view(), e.view());
                }
                "standard" => {
                    let e: Array1<f64> = g.array_d::<Ix1>(&format!("c{ci}_{key}"));
                    assert_eq!(s.class_labels[key] as f64, e[0], "{name}: class");
                }
                _ => {
                    let e: Array2<f64> = g.array_d::<Ix2>(&format!("c{ci}_{key}"));
                    assert_eq!(e.shape(), &shp[..]);
                    tol.assert_close(&format!("{name}: labels {key}"), s.labels[key].data.view(), e.view());
                }
            }
        }
        checked += 1;
    }
    assert!(checked >= 100, "only {checked} cases");
}

#[test]
fn sliding_windows() {
    let cases = json("augment", "cases.json");
    let mut g = Golden::open("augment", "cases.npz");
    let src = common::tiny_source();
    for (i, c) in cases["sliding"].as_array().expect("sliding").iter().enumerate() {
        let s = src.sample(c["trace"].as_u64().expect("trace") as usize).expect("sample");
        let sw = SlidingWindow {
            timestep: c["timestep"].as_u64().expect("step") as usize,
            windowlen: c["windowlen"].as_u64().expect("wl") as usize,
        };
        let w = sw.windows(&s).expect("windows");
        let x: ndarray::Array3<f64> = g.array_d::<ndarray::Ix3>(&format!("sliding{i}_x"));
        assert_eq!(w.len(), x.shape()[0]);
        for (j, win) in w.iter().enumerate() {
            assert_eq!(win.waveform.view(), x.index_axis(ndarray::Axis(0), j), "sliding {i} window {j}");
            assert_eq!(win.metadata.number("trace_P_arrival_sample"), c["P"][j].as_f64());
        }
    }
}

#[test]
fn label_names_follow_seisbench_order() {
    let mut s = common::tiny_sample(0);
    let mut rng = Pcg64Mcg::seed_from_u64(0);
    ProbabilisticLabeller::default().apply(&mut s, &mut rng).expect("labels");
    assert_eq!(s.labels["y"].names, ["P", "S", "Noise"]);
    let l = ProbabilisticLabeller {
        model_labels: Some(vec!["N".into(), "S".into(), "P".into()]),
        ..ProbabilisticLabeller::default()
    };
    l.apply(&mut s, &mut rng).expect("labels");
    assert_eq!(s.labels["y"].names, ["Noise", "S", "P"]);
    assert_eq!(s.labels["y"].noise, Some(0));
}
