//! `Trace` (one channel of samples with its header) and `Stream` (a set of traces), in ObsPy's
//! vocabulary, plus multi-component arrays with an explicit component order.

use crate::validate::{check_finite, check_finite_view, check_sampling_rate};
use crate::{CoreError, Result, UtcTime};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

/// Header of a trace: SEED codes, sampling rate and start time (ObsPy's `Stats`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Network code, e.g. "IU".
    pub network: String,
    /// Station code, e.g. "ANMO".
    pub station: String,
    /// Location code, often "" or "00".
    pub location: String,
    /// Channel code, e.g. "BHZ"; its last character is the component.
    pub channel: String,
    /// Samples per second (Hz), > 0.
    pub sampling_rate: f64,
    /// Time of the first sample.
    pub starttime: UtcTime,
}

impl Stats {
    /// Stats with empty codes.
    pub fn new(sampling_rate: f64, starttime: UtcTime) -> Result<Self> {
        check_sampling_rate(sampling_rate)?;
        Ok(Self {
            network: String::new(),
            station: String::new(),
            location: String::new(),
            channel: String::new(),
            sampling_rate,
            starttime,
        })
    }

    /// `NET.STA.LOC.CHA`.
    pub fn id(&self) -> String {
        format!("{}.{}.{}.{}", self.network, self.station, self.location, self.channel)
    }

    /// Sample spacing in seconds.
    pub fn delta(&self) -> f64 {
        1.0 / self.sampling_rate
    }

    /// Component: the last character of the channel code (e.g. 'Z'), if any.
    pub fn component(&self) -> Option<char> {
        self.channel.chars().last()
    }
}

/// One channel of evenly sampled data with its header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    stats: Stats,
    data: Array1<f64>,
}

impl Trace {
    /// A trace from samples and header. Errors on empty or non-finite samples and on a sampling
    /// rate that is not finite and > 0.
    pub fn new(data: Array1<f64>, stats: Stats) -> Result<Self> {
        check_sampling_rate(stats.sampling_rate)?;
        check_finite_view("trace samples", data.view())?;
        Ok(Self { stats, data })
    }

    /// A trace with codes parsed from `NET.STA.LOC.CHA`.
    pub fn from_id(id: &str, data: Array1<f64>, sampling_rate: f64, starttime: UtcTime) -> Result<Self> {
        let parts: Vec<&str> = id.split('.').collect();
        if parts.len() != 4 {
            return Err(CoreError::invalid("id", id, "expected NET.STA.LOC.CHA"));
        }
        let mut stats = Stats::new(sampling_rate, starttime)?;
        stats.network = parts[0].to_string();
        stats.station = parts[1].to_string();
        stats.location = parts[2].to_string();
        stats.channel = parts[3].to_string();
        Self::new(data, stats)
    }

    /// Header.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Mutable header (codes and start time; the sampling rate is checked by [`Trace::set_sampling_rate`]).
    pub fn stats_mut(&mut self) -> &mut Stats {
        &mut self.stats
    }

    /// Change the sampling rate label (no resampling).
    pub fn set_sampling_rate(&mut self, sampling_rate: f64) -> Result<()> {
        check_sampling_rate(sampling_rate)?;
        self.stats.sampling_rate = sampling_rate;
        Ok(())
    }

    /// Samples.
    pub fn data(&self) -> ArrayView1<'_, f64> {
        self.data.view()
    }

    /// Take the samples out.
    pub fn into_data(self) -> Array1<f64> {
        self.data
    }

    /// Replace the samples (checked), keeping the header.
    pub fn with_data(&self, data: Array1<f64>) -> Result<Self> {
        Self::new(data, self.stats.clone())
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Always false for a constructed trace (kept for API symmetry).
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Sampling rate in Hz.
    pub fn sampling_rate(&self) -> f64 {
        self.stats.sampling_rate
    }

    /// Time of the first sample.
    pub fn starttime(&self) -> UtcTime {
        self.stats.starttime
    }

    /// Time of the last sample.
    pub fn endtime(&self) -> UtcTime {
        self.stats.starttime.add_samples(self.data.len() as i64 - 1, self.stats.sampling_rate)
    }

    /// Time of sample `i`.
    pub fn time_of(&self, i: usize) -> UtcTime {
        self.stats.starttime.add_samples(i as i64, self.stats.sampling_rate)
    }

    /// Cut to `[start, end]` (inclusive, nearest samples; ObsPy `trim` without padding).
    pub fn slice(&self, start: UtcTime, end: UtcTime) -> Result<Self> {
        let sr = self.stats.sampling_rate;
        let i0 = (start.seconds_since(self.stats.starttime) * sr).round().max(0.0) as usize;
        let i1 = (end.seconds_since(self.stats.starttime) * sr).round();
        if i1 < 0.0 || i0 >= self.len() || (i1 as usize) < i0 {
            return Err(CoreError::invalid(
                "slice",
                format!("{start}..{end}"),
                format!("outside trace {}..{}", self.starttime(), self.endtime()),
            ));
        }
        let i1 = (i1 as usize).min(self.len() - 1);
        let mut stats = self.stats.clone();
        stats.starttime = self.time_of(i0);
        Ok(Self { stats, data: self.data.slice(ndarray::s![i0..=i1]).to_owned() })
    }
}

/// A set of traces (ObsPy's `Stream`). Gappy records are several traces of the same id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stream {
    /// The traces, in file order.
    pub traces: Vec<Trace>,
}

impl Stream {
    /// A stream from traces.
    pub fn new(traces: Vec<Trace>) -> Self {
        Self { traces }
    }

    /// Traces whose component (last channel character) is `component`.
    pub fn select_component(&self, component: char) -> impl Iterator<Item = &Trace> {
        self.traces.iter().filter(move |t| t.stats.component() == Some(component))
    }

    /// Stack one trace per component of `order` (e.g. "ZNE") into a [`Components`] array,
    /// trimmed to the span common to all of them. Errors when a component is missing or
    /// duplicated, sampling rates differ, or the traces do not overlap.
    pub fn to_components(&self, order: &str) -> Result<Components> {
        let order = ComponentOrder::new(order)?;
        let picked = self.pick(&order)?;
        Components::from_traces(&picked, order)
    }

    /// Like [`Stream::to_components`] without copying: one view per component of `order`,
    /// each trimmed to the common span (same checks and errors).
    pub fn component_views(&self, order: &str) -> Result<ComponentViews<'_>> {
        let order = ComponentOrder::new(order)?;
        let picked = self.pick(&order)?;
        let span = CommonSpan::of(&picked)?;
        let rows = picked.iter().zip(&span.offsets).map(|(t, &o)| t.data.slice(ndarray::s![o..o + span.n])).collect();
        Ok(ComponentViews { rows, order, sampling_rate: span.sampling_rate, starttime: span.starttime })
    }

    /// The single trace of each component of `order`.
    fn pick(&self, order: &ComponentOrder) -> Result<Vec<&Trace>> {
        let mut picked: Vec<&Trace> = Vec::with_capacity(order.len());
        for c in order.chars() {
            let mut it = self.select_component(c);
            let t = it.next().ok_or_else(|| CoreError::MissingComponent {
                component: c,
                available: self.traces.iter().filter_map(|t| t.stats.component()).collect(),
            })?;
            if it.next().is_some() {
                return Err(CoreError::invalid(
                    "stream",
                    t.stats.id(),
                    format!("more than one trace for component {c:?} (gappy record? merge or select first)"),
                ));
            }
            picked.push(t);
        }
        Ok(picked)
    }
}

/// Borrowed component rows of a [`Stream`] trimmed to their common span
/// ([`Stream::component_views`]).
#[derive(Debug, Clone)]
pub struct ComponentViews<'a> {
    /// One row per component, in `order`.
    pub rows: Vec<ArrayView1<'a, f64>>,
    /// Component order of `rows`.
    pub order: ComponentOrder,
    /// Common sampling rate (Hz).
    pub sampling_rate: f64,
    /// Time of the first sample of the rows.
    pub starttime: UtcTime,
}

impl ComponentViews<'_> {
    /// The row of component `c`.
    pub fn component(&self, c: char) -> Result<ArrayView1<'_, f64>> {
        let i = self
            .order
            .index_of(c)
            .ok_or_else(|| CoreError::MissingComponent { component: c, available: self.order.as_str().to_string() })?;
        Ok(self.rows[i].view())
    }
}

/// Where the span common to several traces starts in each of them, and its length.
struct CommonSpan {
    offsets: Vec<usize>,
    n: usize,
    sampling_rate: f64,
    starttime: UtcTime,
}

impl CommonSpan {
    /// Same sampling rate required; offsets rounded to the nearest sample.
    fn of(traces: &[&Trace]) -> Result<Self> {
        let sr = traces[0].sampling_rate();
        for t in traces.iter().skip(1) {
            if (t.sampling_rate() - sr).abs() > 1e-9 * sr {
                return Err(CoreError::SamplingRateMismatch {
                    what: format!("{} vs {}", traces[0].stats.id(), t.stats.id()),
                    first: sr,
                    second: t.sampling_rate(),
                });
            }
        }
        let start = traces.iter().map(|t| t.starttime()).max().unwrap_or_default();
        let end = traces.iter().map(|t| t.endtime()).min().unwrap_or_default();
        if end < start {
            return Err(CoreError::invalid(
                "traces",
                format!("common span {start}..{end}"),
                "the traces do not overlap",
            ));
        }
        let offsets: Vec<usize> =
            traces.iter().map(|t| (start.seconds_since(t.starttime()) * sr).round().max(0.0) as usize).collect();
        let n = traces.iter().zip(&offsets).map(|(t, &o)| t.len().saturating_sub(o)).min().unwrap_or(0);
        let n = n.min((end.seconds_since(start) * sr).round() as usize + 1);
        if n == 0 {
            return Err(CoreError::Empty { what: "common span of the traces" });
        }
        let starttime = traces[0].time_of(offsets[0]);
        Ok(Self { offsets, n, sampling_rate: sr, starttime })
    }
}

/// A validated component order such as "ZNE", "ENZ" or "Z12": distinct characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ComponentOrder(String);

impl ComponentOrder {
    /// Checked: non-empty, no repeated component.
    pub fn new(order: &str) -> Result<Self> {
        if order.is_empty() {
            return Err(CoreError::Empty { what: "component order" });
        }
        let chars: Vec<char> = order.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            if chars[..i].contains(c) {
                return Err(CoreError::invalid("component_order", order, format!("component {c:?} repeated")));
            }
        }
        Ok(Self(order.to_string()))
    }

    /// As a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Components in order.
    pub fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.0.chars()
    }

    /// Number of components.
    pub fn len(&self) -> usize {
        self.0.chars().count()
    }

    /// Never true for a checked order.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Position of `c`.
    pub fn index_of(&self, c: char) -> Option<usize> {
        self.0.chars().position(|x| x == c)
    }

    /// For each component of `target`, its row in `self` (SeisBench's reordering; a missing
    /// component is an error).
    pub fn mapping_to(&self, target: &ComponentOrder) -> Result<Vec<usize>> {
        target
            .chars()
            .map(|c| self.index_of(c).ok_or(CoreError::MissingComponent { component: c, available: self.0.clone() }))
            .collect()
    }
}

/// Multi-component record: channels × samples (row-major), one sampling rate and start time,
/// with the component order naming the rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Components {
    data: Array2<f64>,
    order: ComponentOrder,
    sampling_rate: f64,
    starttime: UtcTime,
}

impl Components {
    /// Checked constructor: one row per component, finite samples, valid sampling rate.
    pub fn new(data: Array2<f64>, order: &str, sampling_rate: f64, starttime: UtcTime) -> Result<Self> {
        let order = ComponentOrder::new(order)?;
        check_sampling_rate(sampling_rate)?;
        if data.nrows() != order.len() {
            return Err(CoreError::ShapeMismatch {
                what: "rows vs component order",
                expected: order.len().to_string(),
                got: data.nrows().to_string(),
            });
        }
        check_finite("component samples", data.iter())?;
        Ok(Self { data, order, sampling_rate, starttime })
    }

    /// Stack traces (one per component of `order`, same sampling rate) trimmed to their common span.
    pub fn from_traces(traces: &[&Trace], order: ComponentOrder) -> Result<Self> {
        if traces.len() != order.len() {
            return Err(CoreError::ShapeMismatch {
                what: "traces vs component order",
                expected: order.len().to_string(),
                got: traces.len().to_string(),
            });
        }
        let CommonSpan { offsets, n, sampling_rate, starttime } = CommonSpan::of(traces)?;
        let mut data = Array2::zeros((traces.len(), n));
        for (mut row, (t, &o)) in data.axis_iter_mut(Axis(0)).zip(traces.iter().zip(&offsets)) {
            row.assign(&t.data.slice(ndarray::s![o..o + n]));
        }
        Ok(Self { data, order, sampling_rate, starttime })
    }

    /// Samples, channels × samples.
    pub fn data(&self) -> ArrayView2<'_, f64> {
        self.data.view()
    }

    /// Take the samples out.
    pub fn into_data(self) -> Array2<f64> {
        self.data
    }

    /// Component order.
    pub fn order(&self) -> &ComponentOrder {
        &self.order
    }

    /// Sampling rate in Hz.
    pub fn sampling_rate(&self) -> f64 {
        self.sampling_rate
    }

    /// Time of the first sample.
    pub fn starttime(&self) -> UtcTime {
        self.starttime
    }

    /// Number of samples per channel.
    pub fn n_samples(&self) -> usize {
        self.data.ncols()
    }

    /// Row of component `c`.
    pub fn component(&self, c: char) -> Result<ArrayView1<'_, f64>> {
        let i = self
            .order
            .index_of(c)
            .ok_or(CoreError::MissingComponent { component: c, available: self.order.0.clone() })?;
        Ok(self.data.row(i))
    }

    /// The same record with rows in `order` (every component of `order` must be present).
    pub fn reorder(&self, order: &str) -> Result<Self> {
        let target = ComponentOrder::new(order)?;
        let map = self.order.mapping_to(&target)?;
        let data = self.data.select(Axis(0), &map);
        Ok(Self { data, order: target, sampling_rate: self.sampling_rate, starttime: self.starttime })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn reorder_and_common_span() {
        let t0 = UtcTime::parse("2020-01-01T00:00:00").unwrap();
        let z = Trace::from_id("XX.A..HHZ", array![1., 2., 3., 4., 5.], 1.0, t0).unwrap();
        let n = Trace::from_id("XX.A..HHN", array![10., 20., 30., 40.], 1.0, t0.add_seconds(1.0)).unwrap();
        let e = Trace::from_id("XX.A..HHE", array![100., 200., 300.], 1.0, t0).unwrap();
        let s = Stream::new(vec![e, n, z]);
        let c = s.to_components("ZNE").unwrap();
        assert_eq!(c.starttime(), t0.add_seconds(1.0));
        assert_eq!(c.data(), array![[2., 3.], [10., 20.], [200., 300.]]);
        let r = c.reorder("ENZ").unwrap();
        assert_eq!(r.component('Z').unwrap(), array![2., 3.]);
        assert_eq!(r.data().row(0), array![200., 300.]);
        assert!(matches!(c.reorder("Z1").unwrap_err(), CoreError::MissingComponent { component: '1', .. }));
        assert!(s.to_components("ZNN").is_err());
        // The borrowed views carry the same rows, start and rate as the copy.
        let v = s.component_views("ZNE").unwrap();
        assert_eq!(v.starttime, c.starttime());
        assert_eq!(v.sampling_rate, c.sampling_rate());
        for (row, want) in v.rows.iter().zip(c.data().rows()) {
            assert_eq!(row, &want);
        }
        assert_eq!(v.component('E').unwrap(), array![200., 300.]);
        assert!(matches!(v.component('1').unwrap_err(), CoreError::MissingComponent { component: '1', .. }));
        assert!(matches!(s.component_views("Z1").unwrap_err(), CoreError::MissingComponent { component: '1', .. }));
        let far = Trace::from_id("XX.A..HHE", array![1., 2.], 1.0, t0.add_seconds(100.0)).unwrap();
        let apart = Stream::new(vec![far, s.traces[1].clone(), s.traces[2].clone()]);
        assert!(apart.component_views("ZNE").is_err());
    }

    #[test]
    fn bad_traces() {
        let t0 = UtcTime::EPOCH;
        assert!(matches!(Trace::from_id("a.b.c.d", Array1::zeros(0), 1.0, t0), Err(CoreError::Empty { .. })));
        assert!(matches!(
            Trace::from_id("a.b.c.d", array![1.0, f64::NAN], 1.0, t0),
            Err(CoreError::NonFinite { index: 1, .. })
        ));
        assert!(matches!(
            Trace::from_id("a.b.c.d", array![1.0], 0.0, t0),
            Err(CoreError::InvalidParameter { name: "sampling_rate", .. })
        ));
        assert!(Trace::from_id("a.b.c", array![1.0], 1.0, t0).is_err());
    }
}
