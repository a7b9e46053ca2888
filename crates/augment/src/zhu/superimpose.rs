//! Superimposing a second event (stacking), rejecting placements where events overlap.

use super::events::EventEnd;
use crate::augmentation::Augmentation;
use crate::error::{AugmentError, Result, check_range};
use crate::sample::{Sample, peak_abs};
use crate::source::SampleSource;
use ndarray::s;
use rand::{Rng, RngExt};
use std::sync::Arc;

const P: &str = "trace_P_arrival_sample";
const S: &str = "trace_S_arrival_sample";

/// Adds another event from `source` into the window at a random position where its span
/// `[P − pre, end)` overlaps none of the events already present (so no event is masked), scaled
/// to a peak amplitude of `10^U(log10 ratio.0, log10 ratio.1)` times the present peak.
///
/// The added picks are written as `trace_P_ev{k}_arrival_sample` / `trace_S_ev{k}_arrival_sample`
/// (`k` = 2, 3, …): SeisBench's labellers map them to the labels "P" and "S", so labelling after
/// this augmentation labels every event. Apply labellers afterwards. If no free position is found
/// in `max_tries` draws, or the drawn event has no P pick, the sample is left unchanged.
pub struct SuperimposeEvent {
    source: Arc<dyn SampleSource>,
    ratio: (f64, f64),
    /// How event ends are estimated.
    pub end: EventEnd,
    /// Samples before P taken from the added event.
    pub pre: usize,
    /// Placement attempts.
    pub max_tries: usize,
}

impl std::fmt::Debug for SuperimposeEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SuperimposeEvent").field("ratio", &self.ratio).field("end", &self.end).finish()
    }
}

impl SuperimposeEvent {
    /// Events drawn from `source` with amplitude ratios in `ratio` (e.g. `(0.1, 1.0)`). Errors on an
    /// empty source or a ratio range that is not positive and increasing.
    pub fn new(source: Arc<dyn SampleSource>, ratio: (f64, f64)) -> Result<Self> {
        if source.is_empty() {
            return Err(AugmentError::Empty { what: "superimposed-event source" });
        }
        check_range("ratio", ratio)?;
        if ratio.0 <= 0.0 {
            return Err(AugmentError::invalid("ratio", ratio.0, "must be > 0"));
        }
        Ok(Self { source, ratio, end: EventEnd::default(), pre: 50, max_tries: 20 })
    }

    /// Spans `[start, end)` of the events present (main event and earlier superimposed ones).
    fn spans(&self, sample: &Sample) -> Result<Vec<(f64, f64)>> {
        let mut out = Vec::new();
        let mut k = 1;
        loop {
            let (pk, sk) = if k == 1 {
                (P.to_string(), S.to_string())
            } else {
                (format!("trace_P_ev{k}_arrival_sample"), format!("trace_S_ev{k}_arrival_sample"))
            };
            if k > 1 && !sample.metadata.contains(&pk) {
                break;
            }
            if let Some(p) = sample.metadata.number(&pk) {
                let e = self.end.end(sample, p, sample.metadata.number(&sk))?;
                out.push((p - self.pre as f64, e));
            }
            k += 1;
        }
        Ok(out)
    }

    fn next_k(sample: &Sample) -> usize {
        (2..).find(|k| !sample.metadata.contains(&format!("trace_P_ev{k}_arrival_sample"))).unwrap_or(2)
    }
}

impl Augmentation for SuperimposeEvent {
    fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()> {
        let other = self.source.sample(rng.random_range(0..self.source.len()))?;
        if other.n_channels() != sample.n_channels() {
            return Err(AugmentError::ShapeMismatch {
                what: "channels of the superimposed event".into(),
                expected: sample.n_channels().to_string(),
                got: other.n_channels().to_string(),
            });
        }
        if (other.sampling_rate - sample.sampling_rate).abs() > 1e-9 * sample.sampling_rate {
            return Err(AugmentError::Core(seis_core::CoreError::SamplingRateMismatch {
                what: "superimposed event".into(),
                first: sample.sampling_rate,
                second: other.sampling_rate,
            }));
        }
        let Some(p2) = other.metadata.number(P) else { return Ok(()) };
        let s2 = other.metadata.number(S);
        let e2 = self.end.end(&other, p2, s2)?;
        let a = (p2 - self.pre as f64).max(0.0).floor() as usize;
        let b = (e2.ceil().max(0.0) as usize).min(other.len());
        if b <= a {
            return Ok(());
        }
        let seg = other.waveform.slice(s![.., a..b]);
        let n = sample.len();
        let len = b - a;
        let p_off = p2 - a as f64; // P position inside the segment
        let spans = self.spans(sample)?;
        let u: f64 = rng.random();
        let (l0, l1) = (self.ratio.0.log10(), self.ratio.1.log10());
        let ratio = 10f64.powf(l0 + u * (l1 - l0));
        let (pk_here, pk_seg) = (peak_abs(&sample.waveform), peak_abs(seg));
        let scale = if pk_seg > 0.0 { ratio * pk_here / pk_seg } else { 0.0 };
        if n == 0 {
            return Ok(());
        }
        for _ in 0..self.max_tries {
            // P of the added event must land inside the window.
            let max_start = (n as f64 - p_off - 1.0).floor();
            if max_start < 0.0 {
                return Ok(());
            }
            let start = rng.random_range(0..=max_start as usize);
            let (st, en) = (start as f64, (start + len) as f64);
            if spans.iter().any(|&(x0, x1)| st < x1 && x0 < en) {
                continue;
            }
            let m = len.min(n - start);
            let mut dst = sample.waveform.slice_mut(s![.., start..start + m]);
            dst.zip_mut_with(&seg.slice(s![.., ..m]), |d, v| *d += scale * v);
            let k = Self::next_k(sample);
            let shift = start as f64 - a as f64;
            sample.metadata.set_number(format!("trace_P_ev{k}_arrival_sample"), p2 + shift);
            sample.metadata.set_number(format!("trace_S_ev{k}_arrival_sample"), s2.map_or(f64::NAN, |s| s + shift));
            return Ok(());
        }
        Ok(())
    }
}
