//! Shared helpers for the augment tests: the tiny dataset written by seisbench's writer.

#![allow(dead_code)]

use augment::{InMemorySource, Metadata, Sample, SampleSource};
use ndarray::Array2;
use seisml_testkit::{Golden, json};

/// Metadata of one trace from `dataset.json` (null → NaN).
pub fn metadata(v: &serde_json::Value) -> Metadata {
    let mut m = Metadata::new();
    for (k, x) in v.as_object().expect("metadata object") {
        match x {
            serde_json::Value::Number(n) => {
                m.set_number(k.clone(), n.as_f64().unwrap_or(f64::NAN));
            }
            serde_json::Value::Null => {
                m.set_number(k.clone(), f64::NAN);
            }
            serde_json::Value::String(s) => {
                m.set_text(k.clone(), s.clone());
            }
            _ => {}
        }
    }
    m
}

/// The tiny dataset as an in-memory source (float32 waveforms exactly as written).
pub fn tiny_source() -> InMemorySource {
    let metas = json("augment", "dataset.json");
    let mut g = Golden::open("augment", "dataset.npz");
    let mut src = InMemorySource::new();
    for (i, m) in metas.as_array().expect("array").iter().enumerate() {
        let w: Array2<f32> = g.array::<f32>(&format!("wf{i}")).into_dimensionality().expect("2-D");
        src.push(w.view(), 100.0, "ZNE", metadata(m)).expect("valid trace");
    }
    src
}

/// Sample `i` of the tiny dataset.
pub fn tiny_sample(i: usize) -> Sample {
    tiny_source().sample(i).expect("sample")
}
