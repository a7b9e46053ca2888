//! [`WaveformDataset`]: a SeisBench dataset on disk, read lazily.
//!
//! Opening a dataset reads the metadata CSV files and the HDF5 file structure (never the
//! waveforms): HDF5 files are opened with hdf5-pure's streaming backend, so a trace read fetches
//! only the bytes of its row of the bucket. Decoded traces can be kept in a byte-bounded LRU
//! cache ([`DatasetOptions::cache_bytes`]); memory then stays bounded by that size, not by the
//! file size. A dataset handle is cheap to clone and to filter (subsets share the open files and
//! the cache) and is `Send + Sync`: batches are read in parallel.

use crate::cache::TraceCache;
use crate::data_format::DataFormat;
use crate::metadata::{ColumnType, Metadata, Row, Value};
use crate::resample::resample_rows;
use crate::trace_name::{Resolved, TraceLocation, parse_trace_name, select};
use crate::{IoError, Result};
use ndarray::{Array2, Array3, ArrayView2, s};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What to do with target components a trace does not have (seisbench's `missing_components`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingComponents {
    /// Fill with zeros (default).
    #[default]
    Pad,
    /// Copy the trace's first stored component.
    Copy,
    /// Leave the component out (traces may then have fewer channels).
    Ignore,
}

/// Options fixed when a dataset is opened (seisbench's constructor arguments).
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetOptions {
    /// Component order of returned waveforms; `None` keeps each trace's stored order.
    pub component_order: Option<String>,
    /// Treatment of components a trace lacks.
    pub missing_components: MissingComponents,
    /// Resample every trace to this rate on read (Hz); a per-call rate overrides it.
    pub sampling_rate: Option<f64>,
    /// Zero-phase anti-alias filter when decimating (seisbench's `resample_zerophase`).
    pub resample_zerophase: bool,
    /// Bytes of decoded traces kept in memory (0 disables the cache).
    pub cache_bytes: usize,
    /// Chunks to load (`None`: all chunks found).
    pub chunks: Option<Vec<String>>,
}

impl Default for DatasetOptions {
    fn default() -> Self {
        Self {
            component_order: Some("ZNE".into()),
            missing_components: MissingComponents::Pad,
            sampling_rate: None,
            resample_zerophase: false,
            cache_bytes: 0,
            chunks: None,
        }
    }
}

impl DatasetOptions {
    /// Builder: target component order.
    pub fn component_order(mut self, order: &str) -> Self {
        self.component_order = Some(order.to_string());
        self
    }
    /// Builder: missing-component policy.
    pub fn missing_components(mut self, m: MissingComponents) -> Self {
        self.missing_components = m;
        self
    }
    /// Builder: dataset-wide target sampling rate.
    pub fn sampling_rate(mut self, sr: f64) -> Self {
        self.sampling_rate = Some(sr);
        self
    }
    /// Builder: zero-phase decimation filter.
    pub fn resample_zerophase(mut self, zp: bool) -> Self {
        self.resample_zerophase = zp;
        self
    }
    /// Builder: cache budget in bytes.
    pub fn cache_bytes(mut self, bytes: usize) -> Self {
        self.cache_bytes = bytes;
        self
    }
    /// Builder: restrict to these chunks.
    pub fn chunks(mut self, chunks: &[&str]) -> Self {
        self.chunks = Some(chunks.iter().map(|c| c.to_string()).collect());
        self
    }

    fn validate(&self) -> Result<()> {
        if let Some(sr) = self.sampling_rate
            && !(sr.is_finite() && sr > 0.0)
        {
            return Err(IoError::invalid("sampling_rate", sr, "must be finite and > 0"));
        }
        if let Some(c) = &self.component_order {
            let mut seen = std::collections::HashSet::new();
            if c.is_empty() || !c.chars().all(|ch| seen.insert(ch)) {
                return Err(IoError::invalid("component_order", c, "must be non-empty with unique components"));
            }
        }
        Ok(())
    }
}

/// Per-call options of the waveform getters.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WaveformOptions {
    /// Target sampling rate (Hz), overriding the dataset's.
    pub sampling_rate: Option<f64>,
}

impl WaveformOptions {
    /// Options with a target sampling rate.
    pub fn resampled(sampling_rate: f64) -> Self {
        Self { sampling_rate: Some(sampling_rate) }
    }
}

/// A waveform with its metadata, as [`WaveformDataset::get_sample`] returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Channels × samples.
    pub waveform: Array2<f64>,
    /// The trace's metadata; `*_sample` columns, `trace_sampling_rate_hz`, `trace_dt_s` and
    /// `trace_npts` refer to the returned waveform.
    pub metadata: Row,
}

struct Block {
    ds: hdf5_pure::Dataset,
    shape: Vec<usize>,
}

struct Chunk {
    name: String,
    path: PathBuf,
    file: hdf5_pure::File,
    blocks: Mutex<HashMap<String, Arc<Block>>>,
}

struct TraceInfo {
    chunk: usize,
    name: String,
    location: TraceLocation,
    sampling_rate: f64,
    component_order: Option<String>,
}

struct Shared {
    path: PathBuf,
    chunks: Vec<Chunk>,
    metadata: Metadata,
    traces: Vec<TraceInfo>,
    data_format: DataFormat,
    options: DatasetOptions,
    cache: TraceCache,
}

/// A SeisBench dataset (or a filtered view of one).
#[derive(Clone)]
pub struct WaveformDataset {
    shared: Arc<Shared>,
    rows: Arc<Vec<usize>>,
}

impl std::fmt::Debug for WaveformDataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaveformDataset")
            .field("path", &self.shared.path)
            .field("len", &self.rows.len())
            .field("chunks", &self.chunk_names())
            .finish()
    }
}

/// A borrowed metadata row, for [`WaveformDataset::filter_by`].
pub struct MetaRow<'a> {
    metadata: &'a Metadata,
    row: usize,
}

impl MetaRow<'_> {
    /// Value of a column (`None` if the column does not exist).
    pub fn get(&self, column: &str) -> Option<&Value> {
        self.metadata.get(self.row, column)
    }
    /// Numeric value of a column (`None` if absent, missing or not numeric).
    pub fn f64(&self, column: &str) -> Option<f64> {
        self.get(column).and_then(Value::as_f64)
    }
    /// Text value of a column.
    pub fn str(&self, column: &str) -> Option<&str> {
        self.get(column).and_then(Value::as_str)
    }
}

/// Chunks of a dataset directory, as seisbench finds them: the lines of a `chunks` file, else
/// `""` when `waveforms.hdf5` exists, else every name with both `metadata{c}.csv` and
/// `waveforms{c}.hdf5`. Sorted.
pub fn available_chunks(path: &Path) -> Result<Vec<String>> {
    if !path.is_dir() {
        return Err(IoError::MissingFile { path: path.to_path_buf(), what: "dataset directory" });
    }
    let chunks_file = path.join("chunks");
    let mut chunks: Vec<String> = Vec::new();
    if chunks_file.is_file() {
        let text = std::fs::read_to_string(&chunks_file).map_err(|e| IoError::io(&chunks_file, e))?;
        chunks = text.split('\n').filter(|l| !l.trim().is_empty()).map(|l| l.to_string()).collect();
    }
    if chunks.is_empty() {
        if path.join("waveforms.hdf5").is_file() {
            chunks.push(String::new());
        } else {
            let mut meta = std::collections::BTreeSet::new();
            let mut wave = std::collections::BTreeSet::new();
            for entry in std::fs::read_dir(path).map_err(|e| IoError::io(path, e))? {
                let entry = entry.map_err(|e| IoError::io(path, e))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Some(c) = name.strip_prefix("metadata").and_then(|n| n.strip_suffix(".csv")) {
                    meta.insert(c.to_string());
                }
                if let Some(c) = name.strip_prefix("waveforms").and_then(|n| n.strip_suffix(".hdf5")) {
                    wave.insert(c.to_string());
                }
            }
            chunks = meta.intersection(&wave).cloned().collect();
            if chunks.is_empty() {
                return Err(IoError::MissingFile {
                    path: path.join("metadata*.csv"),
                    what: "no chunk with both metadata and waveforms",
                });
            }
        }
    }
    chunks.sort();
    Ok(chunks)
}

const RATE_EPS: f64 = 1e-4;

impl WaveformDataset {
    /// Open a dataset directory with default options (component order "ZNE", no resampling,
    /// no cache).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path, DatasetOptions::default())
    }

    /// Open a dataset directory.
    pub fn open_with(path: impl AsRef<Path>, options: DatasetOptions) -> Result<Self> {
        options.validate()?;
        let path = path.as_ref().to_path_buf();
        let available = available_chunks(&path)?;
        let chunk_names = match &options.chunks {
            None => available,
            Some(want) => {
                let mut w = want.clone();
                w.sort();
                if let Some(bad) = w.iter().find(|c| !available.contains(c)) {
                    return Err(IoError::invalid("chunks", bad, format!("available chunks: {available:?}")));
                }
                w
            }
        };
        let mut chunks = Vec::new();
        let mut metadata: Option<Metadata> = None;
        let mut data_format: Option<DataFormat> = None;
        for (ci, c) in chunk_names.iter().enumerate() {
            let mpath = path.join(format!("metadata{c}.csv"));
            let wpath = path.join(format!("waveforms{c}.hdf5"));
            if !mpath.is_file() {
                return Err(IoError::MissingFile { path: mpath, what: "metadata CSV" });
            }
            if !wpath.is_file() {
                return Err(IoError::MissingFile { path: wpath, what: "waveforms HDF5" });
            }
            let mut md = Metadata::read_csv(&mpath)?;
            let n = md.len();
            md.set_column("trace_chunk", ColumnType::Str, vec![Value::Str(c.clone()); n])?;
            let file = hdf5_pure::File::open_streaming(&wpath).map_err(|e| IoError::hdf5(&wpath, "", e))?;
            let df = DataFormat::read(&file, &wpath)?;
            match &data_format {
                None => data_format = Some(df),
                Some(prev) => {
                    if let Some(key) = prev.first_difference(&df) {
                        return Err(IoError::InconsistentDataFormat {
                            first: chunk_names[0].clone(),
                            second: c.clone(),
                            key,
                        });
                    }
                }
            }
            match &mut metadata {
                None => metadata = Some(md),
                Some(m) => m.append(md)?,
            }
            let _ = ci;
            chunks.push(Chunk { name: c.clone(), path: wpath, file, blocks: Mutex::new(HashMap::new()) });
        }
        let mut metadata = metadata.unwrap_or_default();
        let data_format = data_format.unwrap_or_default();
        let n = metadata.len();

        // sampling rates: trace_sampling_rate_hz, else 1 / trace_dt_s, else data_format
        let names: Vec<String> =
            metadata.column("trace_name").map(|c| c.iter().map(|v| v.to_string()).collect()).unwrap_or_default();
        let mut rates = vec![f64::NAN; n];
        let col_sr = metadata.column("trace_sampling_rate_hz").map(|c| c.to_vec());
        let col_dt = metadata.column("trace_dt_s").map(|c| c.to_vec());
        for (i, rate) in rates.iter_mut().enumerate() {
            let sr = col_sr.as_ref().and_then(|c| c[i].as_f64());
            let dt = col_dt.as_ref().and_then(|c| c[i].as_f64());
            let bad = |reason: String| IoError::SamplingRate { row: i, name: names[i].clone(), reason };
            if let Some(sr) = sr
                && !(sr.is_finite() && sr > 0.0)
            {
                return Err(bad(format!("trace_sampling_rate_hz = {sr} is not a positive rate")));
            }
            if let Some(dt) = dt
                && !(dt.is_finite() && dt > 0.0)
            {
                return Err(bad(format!("trace_dt_s = {dt} is not a positive interval")));
            }
            if let (Some(sr), Some(dt)) = (sr, dt) {
                let q = sr * dt;
                if !(1.0 - RATE_EPS..=1.0 + RATE_EPS).contains(&q) {
                    return Err(bad(format!("trace_sampling_rate_hz = {sr} but trace_dt_s = {dt}")));
                }
            }
            let r = sr.or(dt.map(|d| 1.0 / d));
            if let (Some(r), Some(dfr)) = (r, data_format.sampling_rate) {
                let q = r / dfr;
                if !(1.0 - RATE_EPS..=1.0 + RATE_EPS).contains(&q) {
                    return Err(bad(format!("metadata rate {r} Hz but data_format sampling_rate {dfr} Hz")));
                }
            }
            *rate = r.or(data_format.sampling_rate).unwrap_or(f64::NAN);
        }
        metadata.set_column(
            "trace_sampling_rate_hz",
            ColumnType::Float,
            rates.iter().map(|&r| Value::from(r)).collect(),
        )?;

        // component orders: metadata column, else data_format
        if metadata.column("trace_component_order").is_none()
            && let Some(co) = &data_format.component_order
        {
            metadata.set_column("trace_component_order", ColumnType::Str, vec![Value::Str(co.clone()); n])?;
        }
        let orders: Vec<Option<String>> = match metadata.column("trace_component_order") {
            Some(c) => c.iter().map(|v| if v.is_missing() { None } else { Some(v.to_string()) }).collect(),
            None => vec![None; n],
        };
        let chunk_of: Vec<usize> = metadata
            .column("trace_chunk")
            .map(|c| {
                c.iter().map(|v| chunk_names.iter().position(|x| Some(x.as_str()) == v.as_str()).unwrap_or(0)).collect()
            })
            .unwrap_or_default();
        let mut traces = Vec::with_capacity(n);
        for i in 0..n {
            if names[i].is_empty() {
                return Err(IoError::MalformedTraceName {
                    name: String::new(),
                    reason: format!("empty trace_name in row {i}"),
                });
            }
            traces.push(TraceInfo {
                chunk: chunk_of[i],
                name: names[i].clone(),
                location: parse_trace_name(&names[i])?,
                sampling_rate: rates[i],
                component_order: orders[i].clone(),
            });
        }
        let cache = TraceCache::new(options.cache_bytes);
        let shared = Shared { path, chunks, metadata, traces, data_format, options, cache };
        Ok(Self { shared: Arc::new(shared), rows: Arc::new((0..n).collect()) })
    }

    /// Number of traces.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the dataset holds no trace.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Dataset directory.
    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    /// The `data_format` group (shared by all chunks).
    pub fn data_format(&self) -> &DataFormat {
        &self.shared.data_format
    }

    /// Options the dataset was opened with.
    pub fn options(&self) -> &DatasetOptions {
        &self.shared.options
    }

    /// Chunk names ("" for an unchunked dataset).
    pub fn chunk_names(&self) -> Vec<&str> {
        self.shared.chunks.iter().map(|c| c.name.as_str()).collect()
    }

    /// Metadata column names (file columns plus `trace_chunk`, and the unified
    /// `trace_sampling_rate_hz` / `trace_component_order`).
    pub fn columns(&self) -> &[String] {
        self.shared.metadata.columns()
    }

    /// Bytes held by the trace cache.
    pub fn cache_bytes_used(&self) -> usize {
        self.shared.cache.bytes()
    }

    fn row_of(&self, idx: usize) -> Result<usize> {
        self.rows.get(idx).copied().ok_or(IoError::IndexOutOfRange { index: idx, len: self.rows.len() })
    }

    /// Metadata of trace `idx`.
    pub fn metadata(&self, idx: usize) -> Result<Row> {
        let r = self.row_of(idx)?;
        self.shared.metadata.row(r).ok_or(IoError::IndexOutOfRange { index: idx, len: self.rows.len() })
    }

    /// One metadata value of trace `idx` (`Ok(None)` when the column does not exist).
    pub fn value(&self, idx: usize, column: &str) -> Result<Option<&Value>> {
        let r = self.row_of(idx)?;
        Ok(self.shared.metadata.get(r, column))
    }

    /// All values of a column for the traces of this (possibly filtered) dataset.
    pub fn column(&self, column: &str) -> Option<Vec<Value>> {
        let col = self.shared.metadata.column(column)?;
        Some(self.rows.iter().map(|&r| col[r].clone()).collect())
    }

    /// Sampling rate of trace `idx` as stored (NaN if unknown).
    pub fn sampling_rate(&self, idx: usize) -> Result<f64> {
        Ok(self.shared.traces[self.row_of(idx)?].sampling_rate)
    }

    /// Keep the traces where `mask` is true (a new view; the original is unchanged).
    pub fn filter(&self, mask: &[bool]) -> Result<Self> {
        if mask.len() != self.rows.len() {
            return Err(IoError::ShapeMismatch {
                what: "filter mask".into(),
                expected: self.rows.len().to_string(),
                got: mask.len().to_string(),
            });
        }
        let rows = self.rows.iter().zip(mask).filter(|(_, m)| **m).map(|(r, _)| *r).collect();
        Ok(Self { shared: self.shared.clone(), rows: Arc::new(rows) })
    }

    /// Keep the traces whose metadata satisfies `pred`.
    pub fn filter_by(&self, pred: impl Fn(&MetaRow) -> bool) -> Self {
        let md = &self.shared.metadata;
        let rows = self.rows.iter().copied().filter(|&row| pred(&MetaRow { metadata: md, row })).collect();
        Self { shared: self.shared.clone(), rows: Arc::new(rows) }
    }

    /// The traces whose `split` column equals `split`. Errors when there is no `split` column.
    pub fn get_split(&self, split: &str) -> Result<Self> {
        if self.shared.metadata.column("split").is_none() {
            return Err(IoError::MissingColumn { column: "split".into() });
        }
        Ok(self.filter_by(|m| m.str("split") == Some(split)))
    }

    /// `get_split("train")`.
    pub fn train(&self) -> Result<Self> {
        self.get_split("train")
    }
    /// `get_split("dev")`.
    pub fn dev(&self) -> Result<Self> {
        self.get_split("dev")
    }
    /// `get_split("test")`.
    pub fn test(&self) -> Result<Self> {
        self.get_split("test")
    }

    /// Index of the trace with this `trace_name` (and chunk, when given).
    pub fn get_idx_from_trace_name(&self, trace_name: &str, chunk: Option<&str>) -> Option<usize> {
        self.rows.iter().position(|&r| {
            let t = &self.shared.traces[r];
            t.name == trace_name && chunk.is_none_or(|c| self.shared.chunks[t.chunk].name == c)
        })
    }

    fn block(&self, chunk: &Chunk, name: &str) -> Result<Arc<Block>> {
        let mut blocks = chunk.blocks.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(b) = blocks.get(name) {
            return Ok(b.clone());
        }
        let obj = format!("data/{name}");
        let ds = chunk.file.dataset(&obj).map_err(|e| IoError::hdf5(&chunk.path, &obj, e))?;
        let shape: Vec<usize> = ds
            .shape()
            .map_err(|e| IoError::hdf5(&chunk.path, &obj, e))?
            .into_iter()
            .map(|d| usize::try_from(d).unwrap_or(usize::MAX))
            .collect();
        let b = Arc::new(Block { ds, shape });
        blocks.insert(name.to_string(), b.clone());
        Ok(b)
    }

    /// The stored trace of dataset row `row`: channels × samples in stored component order.
    fn raw_trace(&self, row: usize) -> Result<Arc<Array2<f64>>> {
        if let Some(a) = self.shared.cache.get(row) {
            return Ok(a);
        }
        let info = &self.shared.traces[row];
        let chunk = &self.shared.chunks[info.chunk];
        let block = self.block(chunk, &info.location.block)?;
        let sel = info.location.resolve(&info.name, &block.shape)?;
        let obj = || format!("data/{}", info.location.block);
        let (data, shape) = match sel.first() {
            Some(first) if block.shape.len() > 1 && first.step == 1 => {
                // Read only the rows of the first dimension the trace lives in.
                let raw = block
                    .ds
                    .read_f64_rows(first.start as u64, first.len as u64)
                    .map_err(|e| IoError::hdf5(&chunk.path, obj(), e))?;
                return self.assemble(row, &block, &sel, &raw, first.start);
            }
            _ => {
                let raw = block.ds.read_f64().map_err(|e| IoError::hdf5(&chunk.path, obj(), e))?;
                check_len(&raw, &block.shape, &info.name)?;
                select(&raw, &block.shape, &sel)?
            }
        };
        self.finish_raw(row, data, shape)
    }

    /// Cut trace `row` out of `raw`, the rows `first_row..` of its block (first dimension).
    fn assemble(
        &self,
        row: usize,
        block: &Block,
        sel: &[Resolved],
        raw: &[f64],
        first_row: usize,
    ) -> Result<Arc<Array2<f64>>> {
        let info = &self.shared.traces[row];
        let inner: usize = block.shape[1..].iter().product();
        let first = sel[0];
        let a = (first.start - first_row) * inner;
        let b = a + first.len * inner;
        let part = raw.get(a..b).ok_or_else(|| IoError::ShapeMismatch {
            what: format!("data read for trace {:?}", info.name),
            expected: format!("{} values", b),
            got: raw.len().to_string(),
        })?;
        let mut sub_shape = block.shape.clone();
        sub_shape[0] = first.len;
        let mut sub_sel = sel.to_vec();
        sub_sel[0] = Resolved { start: 0, ..first };
        let (data, shape) = select(part, &sub_shape, &sub_sel)?;
        self.finish_raw(row, data, shape)
    }

    fn finish_raw(&self, row: usize, data: Vec<f64>, shape: Vec<usize>) -> Result<Arc<Array2<f64>>> {
        let info = &self.shared.traces[row];
        if shape.len() != 2 {
            return Err(IoError::ShapeMismatch {
                what: format!("trace {:?}", info.name),
                expected: "2 dimensions (channels, samples)".into(),
                got: format!("{shape:?}"),
            });
        }
        let arr = Array2::from_shape_vec((shape[0], shape[1]), data)
            .map_err(|e| IoError::invalid("trace shape", format!("{shape:?}"), e.to_string()))?;
        let arr = if self.shared.data_format.dimension_order == "WC" { arr.t().to_owned() } else { arr };
        let arr = Arc::new(arr);
        self.shared.cache.insert(row, arr.clone());
        Ok(arr)
    }

    fn target_rate(&self, opts: &WaveformOptions) -> Result<Option<f64>> {
        let sr = opts.sampling_rate.or(self.shared.options.sampling_rate);
        if let Some(sr) = sr
            && !(sr.is_finite() && sr > 0.0)
        {
            return Err(IoError::invalid("sampling_rate", sr, "must be finite and > 0"));
        }
        Ok(sr)
    }

    /// Resample and reorder one stored trace.
    fn process(&self, row: usize, target: Option<f64>) -> Result<Array2<f64>> {
        let raw = self.raw_trace(row)?;
        self.process_raw(row, &raw, target)
    }

    fn process_raw(&self, row: usize, raw: &Array2<f64>, target: Option<f64>) -> Result<Array2<f64>> {
        let info = &self.shared.traces[row];
        let resampled;
        let wf = match target {
            Some(t) => {
                if info.sampling_rate.is_nan() {
                    return Err(IoError::SamplingRate {
                        row,
                        name: info.name.clone(),
                        reason: "resampling requested but the trace's sampling rate is unknown".into(),
                    });
                }
                resampled = resample_rows(raw.view(), info.sampling_rate, t, self.shared.options.resample_zerophase)?;
                resampled.view()
            }
            None => raw.view(),
        };
        match (&self.shared.options.component_order, &info.component_order) {
            (Some(target), Some(source)) => self.reorder(wf, source, target, &info.name),
            _ => Ok(wf.to_owned()),
        }
    }

    fn reorder(&self, wf: ArrayView2<f64>, source: &str, target: &str, name: &str) -> Result<Array2<f64>> {
        let src: Vec<char> = source.chars().collect();
        let n = wf.ncols();
        let mut rows: Vec<Option<usize>> = Vec::new(); // None: zeros
        for t in target.chars() {
            match src.iter().position(|&c| c == t) {
                Some(i) => rows.push(Some(i)),
                None => match self.shared.options.missing_components {
                    MissingComponents::Pad => rows.push(None),
                    MissingComponents::Copy => rows.push(Some(0)),
                    MissingComponents::Ignore => {}
                },
            }
        }
        let mut out = Array2::zeros((rows.len(), n));
        for (o, r) in rows.iter().enumerate() {
            if let Some(r) = *r {
                if r >= wf.nrows() {
                    return Err(IoError::ShapeMismatch {
                        what: format!("trace {name:?}: component order {source:?} vs stored channels"),
                        expected: format!("at least {} channels", r + 1),
                        got: wf.nrows().to_string(),
                    });
                }
                out.row_mut(o).assign(&wf.row(r));
            }
        }
        Ok(out)
    }

    /// Waveform of trace `idx`: channels (in the dataset's component order) × samples,
    /// resampled when a target rate is set.
    pub fn get_waveforms(&self, idx: usize, opts: &WaveformOptions) -> Result<Array2<f64>> {
        let row = self.row_of(idx)?;
        let target = self.target_rate(opts)?;
        self.process(row, target)
    }

    /// Waveforms of several traces as traces × channels × samples, zero-padded to the longest
    /// (seisbench's `get_waveforms(list)`). Traces are read in parallel.
    pub fn get_waveforms_batch(&self, idx: &[usize], opts: &WaveformOptions) -> Result<Array3<f64>> {
        let target = self.target_rate(opts)?;
        let rows: Vec<usize> = idx.iter().map(|&i| self.row_of(i)).collect::<Result<_>>()?;
        let wfs: Vec<Array2<f64>> = rows.par_iter().map(|&r| self.process(r, target)).collect::<Result<_>>()?;
        if self.shared.options.missing_components == MissingComponents::Ignore
            && let Some(first) = wfs.first()
            && let Some(bad) = wfs.iter().find(|w| w.nrows() != first.nrows())
        {
            return Err(IoError::ShapeMismatch {
                what: "channels of traces in one batch (missing_components = Ignore)".into(),
                expected: first.nrows().to_string(),
                got: bad.nrows().to_string(),
            });
        }
        let c = wfs.iter().map(|w| w.nrows()).max().unwrap_or(0);
        let w = wfs.iter().map(|w| w.ncols()).max().unwrap_or(0);
        let mut out = Array3::zeros((wfs.len(), c, w));
        for (i, wf) in wfs.iter().enumerate() {
            out.slice_mut(s![i, ..wf.nrows(), ..wf.ncols()]).assign(wf);
        }
        Ok(out)
    }

    /// Waveform and metadata of trace `idx`; with resampling, every `*_sample` column is scaled
    /// by target / source rate and the rate columns describe the returned waveform.
    pub fn get_sample(&self, idx: usize, opts: &WaveformOptions) -> Result<Sample> {
        let row = self.row_of(idx)?;
        let target = self.target_rate(opts)?;
        let waveform = self.process(row, target)?;
        let mut md = self.metadata(idx)?;
        let source = self.shared.traces[row].sampling_rate;
        md.set("trace_source_sampling_rate_hz", source);
        if let Some(t) = target {
            let factor = t / source;
            for (k, v) in md.iter_mut() {
                if k.ends_with("_sample") {
                    let scaled = match &*v {
                        Value::Int(i) => Some(Value::Float(*i as f64 * factor)),
                        Value::Float(x) => Some(Value::Float(*x * factor)),
                        _ => None,
                    };
                    if let Some(s) = scaled {
                        *v = s;
                    }
                }
            }
            md.set("trace_sampling_rate_hz", t);
            md.set("trace_dt_s", 1.0 / t);
        }
        md.set("trace_npts", Value::Int(waveform.ncols() as i64));
        Ok(Sample { waveform, metadata: md })
    }

    /// Read every trace once into the cache (errors if the cache is disabled or too small to
    /// be useful is not checked: traces beyond the budget evict older ones).
    pub fn preload_waveforms(&self) -> Result<()> {
        if self.shared.cache.capacity() == 0 {
            return Err(IoError::invalid(
                "cache_bytes",
                0,
                "preloading needs a cache (DatasetOptions::cache_bytes > 0)",
            ));
        }
        self.rows.par_iter().try_for_each(|&r| self.raw_trace(r).map(|_| ()))
    }
}

fn check_len(raw: &[f64], shape: &[usize], name: &str) -> Result<()> {
    let want: usize = shape.iter().product();
    if raw.len() != want {
        return Err(IoError::ShapeMismatch {
            what: format!("data read for trace {name:?}"),
            expected: want.to_string(),
            got: raw.len().to_string(),
        });
    }
    Ok(())
}
