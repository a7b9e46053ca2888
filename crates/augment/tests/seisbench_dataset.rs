//! The tiny dataset written by seisbench's writer, read through seisbench-io as a SampleSource:
//! same waveforms and picks as the npz copy, and the generator runs on it.
#![cfg(feature = "seisbench-io")]

mod common;

use augment::{Generator, ProbabilisticLabeller, RandomWindow, SampleSource, WindowStrategy};
use seisbench_io::{DatasetOptions, WaveformDataset};

#[test]
fn tiny_dataset_through_seisbench_io() {
    let dir = seisml_testkit::golden_dir("augment").join("tiny");
    let ds = WaveformDataset::open_with(&dir, DatasetOptions::default().component_order("ZNE")).expect("open");
    let mem = common::tiny_source();
    assert_eq!(SampleSource::len(&ds), mem.len());
    for i in 0..mem.len() {
        let a = SampleSource::sample(&ds, i).expect("sample");
        let b = mem.sample(i).expect("sample");
        assert_eq!(a.waveform, b.waveform, "trace {i}");
        assert_eq!(a.component_order, "ZNE");
        assert_eq!(a.sampling_rate, 100.0);
        for k in ["trace_P_arrival_sample", "trace_S_arrival_sample"] {
            assert_eq!(a.metadata.number(k), b.metadata.number(k), "trace {i} {k}");
        }
    }
    let generator = Generator::new(ds, 3)
        .expect("generator")
        .with(RandomWindow::new(1000, WindowStrategy::Pad))
        .with(ProbabilisticLabeller::default());
    let batch = generator.batch(0, &[0, 1, 2, 3]).expect("batch");
    assert_eq!(batch.waveforms.shape(), &[4, 3, 1000]);
}
