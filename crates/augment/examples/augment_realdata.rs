//! Real-data check of the augment crate on the shared data folder:
//! 1. the real SeisBench dataset `waveforms/seisbench_repo/dummydataset` (CX.PB01, 100 traces ×
//!    3 × 1200 at 20 Hz) read through seisbench-io: a full augmentation pipeline must give batches
//!    of the right shape with labels summing to 1, reproducibly;
//! 2. the PhaseNet training example `waveforms/phasenet_repo/NC_BJOB_2014081204003000.npz`
//!    (100 Hz, P at 3000, S at 3290): random shift cuts keep the picks, real noise (its own
//!    pre-event record) reaches the target SNR within 0.5 dB, a superimposed copy adds picks.
//!
//! Usage: `cargo run --release -p augment --example augment_realdata -- ../shared/data`; exits non-zero
//! on failure.

use augment::{
    AddGap, AddNoiseAtSnr, Augmentation, ChannelDropout, GaussianNoise, Generator, InMemorySource, LabelShape,
    Metadata, Normalize, ProbabilisticLabeller, RandomShiftCut, RandomWindow, Sample, SampleSource, SnrWindow,
    SuperimposeEvent, WindowStrategy, sample_rng, snr_db,
};
use ndarray::{Array2, s};
use ndarray_npy::NpzReader;
use seisbench_io::{DatasetOptions, WaveformDataset};
use std::process::ExitCode;
use std::sync::Arc;

fn e<E: std::fmt::Display>(x: E) -> String {
    x.to_string()
}

fn seisbench_dataset(dir: &std::path::Path) -> Result<(), String> {
    let path = dir.join("waveforms/seisbench_repo/dummydataset");
    let ds = WaveformDataset::open_with(&path, DatasetOptions::default().component_order("ZNE"))
        .map_err(|x| format!("open {}: {x}", path.display()))?;
    let n = SampleSource::len(&ds);
    let generator = Generator::new(ds, 11)
        .map_err(e)?
        .with(RandomWindow::new(1000, WindowStrategy::Pad))
        .with(ChannelDropout::default())
        .with(AddGap::default())
        .with(GaussianNoise::default())
        .with(Normalize::phasenet())
        .with(ProbabilisticLabeller::new(LabelShape::Gaussian, 10.0).map_err(e)?);
    let idx: Vec<usize> = (0..n).collect();
    let t = std::time::Instant::now();
    let batch = generator.batch(0, &idx).map_err(e)?;
    println!("dummydataset: batch {:?} in {:.2} ms", batch.waveforms.shape(), t.elapsed().as_secs_f64() * 1e3);
    if batch.waveforms.shape() != [n, 3, 1000] {
        return Err(format!("unexpected batch shape {:?}", batch.waveforms.shape()));
    }
    if batch.waveforms.iter().any(|v| !v.is_finite() || v.abs() > 1.0 + 1e-6) {
        return Err("normalised waveforms outside [-1, 1]".into());
    }
    let y = &batch.labels["y"];
    for b in 0..n {
        for j in 0..1000 {
            let sum: f32 = (0..y.shape()[1]).map(|c| y[[b, c, j]]).sum();
            if (sum - 1.0).abs() > 1e-5 {
                return Err(format!("labels of item {b} sum to {sum} at sample {j}"));
            }
        }
    }
    if generator.sample(2, 5).map_err(e)? != generator.sample(2, 5).map_err(e)? {
        return Err("same (epoch, index) gave different samples".into());
    }
    Ok(())
}

fn phasenet_example(dir: &std::path::Path) -> Result<(), String> {
    let path = dir.join("waveforms/phasenet_repo/NC_BJOB_2014081204003000.npz");
    let f = std::fs::File::open(&path).map_err(|x| format!("open {}: {x}", path.display()))?;
    let mut npz = NpzReader::new(f).map_err(e)?;
    let data: Array2<f64> = npz.by_name("data").or_else(|_| npz.by_name("data.npy")).map_err(e)?;
    let w = data.t().to_owned(); // (3, 9001), components E N Z
    let meta =
        Metadata::new().with_number("trace_P_arrival_sample", 3000.0).with_number("trace_S_arrival_sample", 3290.0);
    let event = Sample::new(w.clone(), 100.0, "ENZ", meta).map_err(e)?;
    let mut noise = InMemorySource::new();
    noise.push(w.slice(s![.., ..2900]).mapv(|v| v as f32).view(), 100.0, "ENZ", Metadata::new()).map_err(e)?;
    let noise = Arc::new(noise);
    let mut events = InMemorySource::new();
    events.push_sample(&event).map_err(e)?;
    let events = Arc::new(events);

    let window = SnrWindow { before: 100, after: 100, ..SnrWindow::default() };
    let shift = RandomShiftCut { windowlen: 1000, keep_inside: vec!["trace_P_arrival_sample".into()], margin: 150 };
    let mut reached = 0;
    for trial in 0..50u64 {
        let mut rng = sample_rng(5, 0, trial);
        let mut x = event.clone();
        shift.apply(&mut x, &mut rng).map_err(e)?;
        let p = x.metadata.number("trace_P_arrival_sample").ok_or("P lost")?;
        if !(150.0..=850.0).contains(&p) {
            return Err(format!("P at {p} violates the margin"));
        }
        let before = snr_db(&x, &window).map_err(e)?;
        let target = 5.0 + (trial % 10) as f64;
        let mut aug = AddNoiseAtSnr::new(noise.clone(), (target, target)).map_err(e)?;
        aug.window = window.clone();
        aug.apply(&mut x, &mut rng).map_err(e)?;
        let after = snr_db(&x, &window).map_err(e)?;
        if x.metadata.number("augment_noise_scale").unwrap_or(0.0) > 0.0 {
            if (after - target).abs() > 0.5 {
                return Err(format!("trial {trial}: SNR {before:.1} → {after:.2} dB, target {target} dB"));
            }
            reached += 1;
        }
    }
    println!("NC.BJOB: SNR target reached in {reached}/50 random shifts (others not reachable: left unchanged)");
    if reached == 0 {
        return Err("SNR target never applicable".into());
    }
    let sup = SuperimposeEvent::new(events, (0.3, 0.6)).map_err(e)?;
    let mut added = 0;
    for trial in 0..20u64 {
        let mut rng = sample_rng(9, 0, trial);
        let mut x = event.clone();
        sup.apply(&mut x, &mut rng).map_err(e)?;
        if let Some(p2) = x.metadata.number("trace_P_ev2_arrival_sample") {
            // the added event must not overlap the main one (P − pre … S + 1.4 (S − P))
            let end1 = 3290.0 + 1.4 * 290.0;
            if p2 - 50.0 < end1 && p2 + 290.0 + 1.4 * 290.0 > 3000.0 - 50.0 {
                return Err(format!("superimposed event at {p2} overlaps the main event"));
            }
            let mut lab = x.clone();
            ProbabilisticLabeller::default().apply(&mut lab, &mut rng).map_err(e)?;
            let p_row = lab.labels["y"].data.row(0);
            if p_row[p2.round() as usize] < 0.99 || p_row[3000] < 0.99 {
                return Err("both P picks must be labelled".into());
            }
            added += 1;
        }
    }
    println!("NC.BJOB: superimposed an event in {added}/20 trials");
    if added == 0 {
        return Err("no event could be superimposed".into());
    }
    Ok(())
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: realdata <shared data folder>");
        return ExitCode::FAILURE;
    };
    let dir = std::path::Path::new(&dir);
    match seisbench_dataset(dir).and_then(|()| phasenet_example(dir)) {
        Ok(()) => {
            println!("realdata: OK");
            ExitCode::SUCCESS
        }
        Err(x) => {
            eprintln!("realdata: FAILED: {x}");
            ExitCode::FAILURE
        }
    }
}
