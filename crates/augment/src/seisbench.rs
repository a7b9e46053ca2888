//! [`SampleSource`] for SeisBench datasets read by `seisbench-io` (feature `seisbench-io`, on by
//! default).

use crate::error::{AugmentError, Result};
use crate::sample::{Metadata, Sample};
use crate::source::SampleSource;
use seisbench_io::{Value, WaveformDataset, WaveformOptions};

fn io_err(e: seisbench_io::IoError) -> AugmentError {
    AugmentError::Source(e.to_string())
}

/// SeisBench metadata row → sample metadata (missing values become NaN numbers, booleans 0/1).
fn convert(row: &seisbench_io::Row) -> Metadata {
    let mut m = Metadata::new();
    for (k, v) in row.iter() {
        match v {
            Value::Missing => m.set_number(k, f64::NAN),
            Value::Bool(b) => m.set_number(k, if *b { 1.0 } else { 0.0 }),
            Value::Int(i) => m.set_number(k, *i as f64),
            Value::Float(x) => m.set_number(k, *x),
            Value::Str(s) => m.set_text(k, s.clone()),
        };
    }
    m
}

impl SampleSource for WaveformDataset {
    fn len(&self) -> usize {
        WaveformDataset::len(self)
    }

    /// The trace as `get_sample` returns it (component order and sampling rate of the dataset
    /// options); NaN/Inf in the waveform is an error naming the trace.
    fn sample(&self, index: usize) -> Result<Sample> {
        let s = self.get_sample(index, &WaveformOptions::default()).map_err(io_err)?;
        let metadata = convert(&s.metadata);
        let sampling_rate = match metadata.number("trace_sampling_rate_hz") {
            Some(sr) => sr,
            None => self.sampling_rate(index).map_err(io_err)?,
        };
        let order = self
            .options()
            .component_order
            .clone()
            .or_else(|| metadata.text("trace_component_order").map(str::to_string))
            .unwrap_or_else(|| "ZNE".into());
        Sample::new(s.waveform, sampling_rate, &order, metadata).map_err(|e| match e {
            AugmentError::NonFinite { index: i, value, .. } => {
                AugmentError::NonFinite { what: format!("waveform of trace {index}"), index: i, value }
            }
            other => other,
        })
    }

    fn metadata(&self, index: usize) -> Result<Metadata> {
        Ok(convert(&WaveformDataset::metadata(self, index).map_err(io_err)?))
    }
}
