//! [`WaveformDataset`]: a SeisBench dataset on disk, read lazily.
//!
//! Opening a dataset reads the metadata CSV files and the HDF5 file structure (never the
//! waveforms). Each bucket is planned once, on first use (see `block.rs`): contiguous,
//! unfiltered buckets — what seisbench's writer produces — are then read with one positioned
//! read per trace, straight into the returned array when the stored element type is the
//! returned one (float32 data into an `f32` batch), else decoded into it in one pass; other
//! layouts (chunked, compressed) go through hdf5-pure's streaming reader, row by row. Decoded
//! traces can be kept in a byte-bounded LRU cache ([`DatasetOptions::cache_bytes`]); memory
//! then stays bounded by that size, not by the file size. A dataset handle is cheap to clone and to filter (subsets
//! share the open files and the cache) and is `Send + Sync`: batches are read in parallel.
//!
//! Batches: [`WaveformDataset::get_waveforms_batch`] returns a fresh `f64` array;
//! [`WaveformDataset::get_waveforms_batch_as`] returns `f32` (seisbench's dtype for float32
//! data, half the memory). Fresh arrays are written once, trace by trace in parallel, with no
//! zeroing pass first (see `output.rs`). [`WaveformDataset::get_waveforms_batch_into`] fills a
//! caller-owned buffer instead, which also saves the first-touch cost of fresh memory (writing
//! 14 MB that is not in any cache is about a third of a batch read).

use crate::block::{Block, SampleType};
use crate::cache::TraceCache;
use crate::data_format::DataFormat;
use crate::metadata::{ColumnType, Metadata, Row, Value};
use crate::output::{self, Seq, Slot};
use crate::resample::{resample_rows, resampled_len};
use crate::trace_name::{Resolved, TraceLocation, parse_trace_name};
use crate::{IoError, Result};
use ndarray::{Array2, Array3, ArrayView2, ArrayView3, ArrayViewMut3};
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

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

struct Chunk {
    name: String,
    path: PathBuf,
    file: hdf5_pure::File,
    /// The same file for positioned reads of contiguous blocks.
    raw: Arc<std::fs::File>,
    raw_len: u64,
    /// Block names used by this chunk's traces; `blocks[i]` is planned on first use.
    block_names: Vec<String>,
    blocks: Vec<OnceLock<Arc<Block>>>,
}

struct TraceInfo {
    chunk: usize,
    /// Index into the chunk's blocks.
    block: usize,
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
            let raw = std::fs::File::open(&wpath).map_err(|e| IoError::io(&wpath, e))?;
            let raw_len = raw.metadata().map_err(|e| IoError::io(&wpath, e))?.len();
            chunks.push(Chunk {
                name: c.clone(),
                path: wpath,
                file,
                raw: Arc::new(raw),
                raw_len,
                block_names: Vec::new(),
                blocks: Vec::new(),
            });
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
        let mut block_ids: Vec<HashMap<String, usize>> = vec![HashMap::new(); chunks.len()];
        for i in 0..n {
            if names[i].is_empty() {
                return Err(IoError::MalformedTraceName {
                    name: String::new(),
                    reason: format!("empty trace_name in row {i}"),
                });
            }
            let location = parse_trace_name(&names[i])?;
            let chunk = chunk_of[i];
            let ids = &mut block_ids[chunk];
            let next = ids.len();
            let block = *ids.entry(location.block.clone()).or_insert(next);
            if block == next {
                chunks[chunk].block_names.push(location.block.clone());
                chunks[chunk].blocks.push(OnceLock::new());
            }
            traces.push(TraceInfo {
                chunk,
                block,
                name: names[i].clone(),
                location,
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

    /// The planned block of chunk `c`, block `b` (planned on first use, then shared).
    fn block(&self, c: usize, b: usize) -> Result<Arc<Block>> {
        let chunk = &self.shared.chunks[c];
        if let Some(block) = chunk.blocks[b].get() {
            return Ok(block.clone());
        }
        let obj = format!("data/{}", chunk.block_names[b]);
        let block = Arc::new(Block::plan(&chunk.file, &chunk.raw, chunk.raw_len, &chunk.path, &obj)?);
        // a concurrent planner may have won; both plans are equal
        Ok(chunk.blocks[b].get_or_init(|| block).clone())
    }

    /// The block of trace `row`, its resolved selection and the stored (rows, columns) of the
    /// 2-D result of that selection.
    fn locate(&self, row: usize) -> Result<Located> {
        let info = &self.shared.traces[row];
        let block = self.block(info.chunk, info.block)?;
        let sel = info.location.resolve(&info.name, &block.shape)?;
        let kept: Vec<usize> = sel.iter().filter(|r| r.keep).map(|r| r.len).collect();
        if kept.len() != 2 {
            return Err(IoError::ShapeMismatch {
                what: format!("trace {:?}", info.name),
                expected: "2 dimensions (channels, samples)".into(),
                got: format!("{kept:?}"),
            });
        }
        Ok((block, sel, (kept[0], kept[1])))
    }

    fn is_wc(&self) -> bool {
        self.shared.data_format.dimension_order == "WC"
    }

    /// Channels × samples of a stored (rows, columns) selection.
    fn stored_dim(&self, (r, c): (usize, usize)) -> (usize, usize) {
        if self.is_wc() { (c, r) } else { (r, c) }
    }

    /// Read stored trace `row` into `buf`; returns its stored (rows, columns).
    fn read_stored(&self, row: usize, buf: &mut Vec<f64>) -> Result<(usize, usize)> {
        let (block, sel, dim) = self.locate(row)?;
        block.read_into(&self.shared.traces[row].name, &sel, buf)?;
        if buf.len() != dim.0 * dim.1 {
            return Err(IoError::ShapeMismatch {
                what: format!("data read for trace {:?}", self.shared.traces[row].name),
                expected: (dim.0 * dim.1).to_string(),
                got: buf.len().to_string(),
            });
        }
        Ok(dim)
    }

    /// Channels × samples view of a stored trace held in `buf`.
    fn view<'a>(&self, buf: &'a [f64], dim: (usize, usize)) -> Result<ArrayView2<'a, f64>> {
        let v = ArrayView2::from_shape(dim, buf)
            .map_err(|e| IoError::invalid("trace shape", format!("{dim:?}"), e.to_string()))?;
        Ok(if self.is_wc() { v.reversed_axes() } else { v })
    }

    /// The stored trace of dataset row `row` (channels × samples, stored component order),
    /// through the cache.
    fn raw_trace(&self, row: usize) -> Result<Arc<Array2<f64>>> {
        if let Some(a) = self.shared.cache.get(row) {
            return Ok(a);
        }
        let mut buf = Vec::new();
        let dim = self.read_stored(row, &mut buf)?;
        let arr = if self.is_wc() {
            self.view(&buf, dim)?.to_owned()
        } else {
            Array2::from_shape_vec(dim, buf)
                .map_err(|e| IoError::invalid("trace shape", format!("{dim:?}"), e.to_string()))?
        };
        let arr = Arc::new(arr);
        self.shared.cache.insert(row, arr.clone());
        Ok(arr)
    }

    /// Run `f` on the stored trace of `row` (channels × samples). Without a cache the samples
    /// are decoded into a reused per-thread buffer, so reading allocates nothing but the output.
    fn with_trace<R>(&self, row: usize, f: impl FnOnce(ArrayView2<f64>) -> Result<R>) -> Result<R> {
        if self.shared.cache.capacity() > 0 {
            let raw = self.raw_trace(row)?;
            return f(raw.view());
        }
        // taken out of the cell while in use, so a nested call finds an empty buffer, never a
        // borrowed one
        let mut buf = DECODED.with(|b| std::mem::take(&mut *b.borrow_mut()));
        let result = self.read_stored(row, &mut buf).and_then(|dim| f(self.view(&buf, dim)?));
        crate::block::release_if_large(&mut buf);
        DECODED.with(|b| *b.borrow_mut() = buf);
        result
    }

    /// For each output channel, the stored channel it comes from (`None`: zeros), following
    /// the dataset's component order and missing-component policy.
    fn channel_map(&self, row: usize, n_stored: usize) -> Result<Vec<Option<usize>>> {
        let info = &self.shared.traces[row];
        let (target, source) = match (&self.shared.options.component_order, &info.component_order) {
            (Some(t), Some(s)) => (t, s),
            _ => return Ok((0..n_stored).map(Some).collect()),
        };
        let src: Vec<char> = source.chars().collect();
        let mut map = Vec::with_capacity(target.len());
        for t in target.chars() {
            match src.iter().position(|&c| c == t) {
                Some(i) => map.push(Some(i)),
                None => match self.shared.options.missing_components {
                    MissingComponents::Pad => map.push(None),
                    MissingComponents::Copy => map.push(Some(0)),
                    MissingComponents::Ignore => {}
                },
            }
        }
        if let Some(r) = map.iter().flatten().copied().max()
            && r >= n_stored
        {
            return Err(IoError::ShapeMismatch {
                what: format!("trace {:?}: component order {source:?} vs stored channels", info.name),
                expected: format!("at least {} channels", r + 1),
                got: n_stored.to_string(),
            });
        }
        Ok(map)
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

    fn resample(&self, row: usize, wf: ArrayView2<f64>, target: f64) -> Result<Array2<f64>> {
        let info = &self.shared.traces[row];
        if info.sampling_rate.is_nan() {
            return Err(IoError::SamplingRate {
                row,
                name: info.name.clone(),
                reason: "resampling requested but the trace's sampling rate is unknown".into(),
            });
        }
        resample_rows(wf, info.sampling_rate, target, self.shared.options.resample_zerophase)
    }

    /// Resample and reorder one stored trace.
    fn process(&self, row: usize, target: Option<f64>) -> Result<Array2<f64>> {
        match target {
            Some(t) => {
                let resampled = self.with_trace(row, |wf| self.resample(row, wf, t))?;
                self.reordered(row, resampled.view())
            }
            None => {
                let (block, sel, dim) = self.locate(row)?;
                let (c, w) = self.stored_dim(dim);
                let map = self.channel_map(row, c)?;
                let dim = (map.len(), w);
                let v = output::fresh(dim.0 * dim.1, 0, |_, seq| self.write_stored(row, &block, &sel, &map, w, seq))?;
                to_array(dim, v)
            }
        }
    }

    /// Write stored trace `row` (planned `block`, resolved selection `sel`), channels mapped by
    /// `map`, as `map.len()` rows of `width` samples (zero-padded) to `seq`. Uncached traces of
    /// directly read blocks are decoded from the file bytes straight into the output: the read
    /// path's only pass over the samples.
    fn write_stored<T: SampleType, S: Slot<T>>(
        &self,
        row: usize,
        block: &Block,
        sel: &[Resolved],
        map: &[Option<usize>],
        width: usize,
        seq: &mut Seq<T, S>,
    ) -> Result<()> {
        // runs are the stored channels only when the samples are the last, kept dimension
        if self.shared.cache.capacity() == 0 && !self.is_wc() && sel.last().is_some_and(|r| r.keep) {
            // stored order, no padding: the file's bytes are the output's bytes
            let identity = map.iter().enumerate().all(|(o, m)| *m == Some(o))
                && sel.iter().map(|r| r.len).product::<usize>() == map.len() * width;
            if identity && block.read_raw_into(sel, seq)? {
                return Ok(());
            }
            let mut missing = None;
            let direct = block.with_runs(sel, |runs| {
                for m in map {
                    match m.map(|k| (k, runs.get(k))) {
                        Some((_, Some(run))) => {
                            run.write_to(seq);
                            seq.zeros(width.saturating_sub(run.len()));
                        }
                        Some((k, None)) => missing = missing.or(Some((k, runs.count()))),
                        None => seq.zeros(width),
                    }
                }
            })?;
            if let Some((k, n)) = missing {
                return Err(IoError::ShapeMismatch {
                    what: format!("trace {:?}: stored channels", self.shared.traces[row].name),
                    expected: format!("at least {}", k + 1),
                    got: n.to_string(),
                });
            }
            if direct {
                return Ok(());
            }
        }
        self.with_trace(row, |wf| {
            write_rows(map, wf, width, seq);
            Ok(())
        })
    }

    fn reordered(&self, row: usize, wf: ArrayView2<f64>) -> Result<Array2<f64>> {
        let map = self.channel_map(row, wf.nrows())?;
        let dim = (map.len(), wf.ncols());
        let v = output::fresh(dim.0 * dim.1, 0, |_, seq| {
            write_rows(&map, wf, dim.1, seq);
            Ok(())
        })?;
        to_array(dim, v)
    }

    /// Waveform of trace `idx`: channels (in the dataset's component order) × samples,
    /// resampled when a target rate is set.
    pub fn get_waveforms(&self, idx: usize, opts: &WaveformOptions) -> Result<Array2<f64>> {
        let row = self.row_of(idx)?;
        let target = self.target_rate(opts)?;
        self.process(row, target)
    }

    /// Waveforms of several traces as traces × channels × samples, zero-padded to the longest
    /// (seisbench's `get_waveforms(list)`). Traces are read in parallel, each decoded straight
    /// into its slot of the result.
    pub fn get_waveforms_batch(&self, idx: &[usize], opts: &WaveformOptions) -> Result<Array3<f64>> {
        self.get_waveforms_batch_as(idx, opts)
    }

    /// [`get_waveforms_batch`](Self::get_waveforms_batch) with samples of type `T`: `f32` is
    /// what seisbench returns for float32 datasets (stored values exactly; resampled values
    /// computed in `f64`, then rounded) in half the memory.
    pub fn get_waveforms_batch_as<T: SampleType>(&self, idx: &[usize], opts: &WaveformOptions) -> Result<Array3<T>> {
        let plan = self.plan_batch(idx, opts)?;
        let (n, c, w) = plan.dim;
        // a fresh array written once, trace by trace in parallel: no zeroing pass
        let v = output::fresh(n * c * w, c * w, |i, seq| self.write_batch_item(&plan, i, seq))?;
        Array3::from_shape_vec(plan.dim, v)
            .map_err(|e| IoError::invalid("batch shape", format!("{:?}", plan.dim), e.to_string()))
    }

    /// Shape (traces, channels, samples) that [`get_waveforms_batch`](Self::get_waveforms_batch)
    /// returns for these traces: allocate a buffer once for
    /// [`get_waveforms_batch_into`](Self::get_waveforms_batch_into).
    pub fn batch_dim(&self, idx: &[usize], opts: &WaveformOptions) -> Result<(usize, usize, usize)> {
        Ok(self.plan_batch(idx, opts)?.dim)
    }

    /// [`get_waveforms_batch`](Self::get_waveforms_batch) into a caller-owned buffer of shape
    /// [`batch_dim`](Self::batch_dim) (padding included, every element is written). Reusing
    /// one buffer across batches avoids allocating and first touching a fresh array per batch.
    /// A buffer in standard (row-major) layout is written in place, trace by trace in parallel;
    /// any other view is filled from a fresh batch.
    pub fn get_waveforms_batch_into<T: SampleType>(
        &self,
        idx: &[usize],
        opts: &WaveformOptions,
        mut out: ArrayViewMut3<T>,
    ) -> Result<()> {
        let plan = self.plan_batch(idx, opts)?;
        if out.dim() != plan.dim {
            return Err(IoError::ShapeMismatch {
                what: "output buffer of get_waveforms_batch_into".into(),
                expected: format!("{:?}", plan.dim),
                got: format!("{:?}", out.dim()),
            });
        }
        let (_, c, w) = plan.dim;
        match out.as_slice_mut() {
            Some(slots) => output::fill_pieces(slots, c * w, |i, seq| self.write_batch_item(&plan, i, seq)),
            None => {
                let fresh = output::fresh(slots_len(plan.dim)?, c * w, |i, seq| self.write_batch_item(&plan, i, seq))?;
                out.assign(
                    &ArrayView3::from_shape(plan.dim, &fresh)
                        .map_err(|e| IoError::invalid("batch shape", format!("{:?}", plan.dim), e.to_string()))?,
                );
                Ok(())
            }
        }
    }

    /// Rows, channel maps and output lengths of a batch (block headers only, no samples).
    fn plan_batch(&self, idx: &[usize], opts: &WaveformOptions) -> Result<BatchPlan> {
        let target = self.target_rate(opts)?;
        let rows: Vec<usize> = idx.iter().map(|&i| self.row_of(i)).collect::<Result<_>>()?;
        let mut maps = Vec::with_capacity(rows.len());
        let mut located = Vec::with_capacity(rows.len());
        for &r in &rows {
            let (block, sel, dim) = self.locate(r)?;
            let (c, w) = self.stored_dim(dim);
            let w = match target {
                Some(t) => resampled_len(w, self.shared.traces[r].sampling_rate, t),
                None => w,
            };
            maps.push((self.channel_map(r, c)?, w));
            located.push((block, sel));
        }
        if self.shared.options.missing_components == MissingComponents::Ignore
            && let Some(first) = maps.first()
            && let Some(bad) = maps.iter().find(|m| m.0.len() != first.0.len())
        {
            return Err(IoError::ShapeMismatch {
                what: "channels of traces in one batch (missing_components = Ignore)".into(),
                expected: first.0.len().to_string(),
                got: bad.0.len().to_string(),
            });
        }
        let c = maps.iter().map(|m| m.0.len()).max().unwrap_or(0);
        let w = maps.iter().map(|m| m.1).max().unwrap_or(0);
        let dim = (rows.len(), c, w);
        slots_len(dim)?;
        Ok(BatchPlan { dim, rows, maps, located, target })
    }

    /// Write trace `i` of a planned batch (channels × samples of the batch, zero-padded).
    fn write_batch_item<T: SampleType, S: Slot<T>>(
        &self,
        plan: &BatchPlan,
        i: usize,
        seq: &mut Seq<T, S>,
    ) -> Result<()> {
        let (_, c_all, w_all) = plan.dim;
        let (r, (map, w), (block, sel)) = (plan.rows[i], &plan.maps[i], &plan.located[i]);
        match plan.target {
            None => self.write_stored(r, block, sel, map, w_all, seq)?,
            Some(t) => {
                let wf = self.process(r, Some(t))?;
                if wf.dim() != (map.len(), *w) {
                    return Err(IoError::ShapeMismatch {
                        what: format!("resampled trace {:?}", self.shared.traces[r].name),
                        expected: format!("{:?}", (map.len(), *w)),
                        got: format!("{:?}", wf.dim()),
                    });
                }
                for row in wf.rows() {
                    seq.extend(row.iter().map(|&x| T::from_f64(x)));
                    seq.zeros(w_all - w);
                }
            }
        }
        // padding channels
        seq.zeros(c_all.saturating_sub(map.len()) * w_all);
        Ok(())
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

/// A trace's planned block, its resolved selection and the stored (rows, columns) it yields.
type Located = (Arc<Block>, Vec<Resolved>, (usize, usize));

/// A planned batch read: dataset rows, per row the channel map and output length and where its
/// samples are, the target rate and the output shape.
struct BatchPlan {
    rows: Vec<usize>,
    maps: Vec<(Vec<Option<usize>>, usize)>,
    /// Per row its block and resolved selection.
    located: Vec<(Arc<Block>, Vec<Resolved>)>,
    target: Option<f64>,
    dim: (usize, usize, usize),
}

thread_local! {
    // Decoded samples of the trace being processed on this thread (reused: no per-read allocation).
    static DECODED: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

/// Write the stored channels of `wf` following `map` (rows mapped to `None` are zeros), each
/// zero-padded to `width` samples.
fn write_rows<T: SampleType, S: Slot<T>>(
    map: &[Option<usize>],
    wf: ArrayView2<f64>,
    width: usize,
    seq: &mut Seq<T, S>,
) {
    for m in map {
        match *m {
            Some(r) => {
                seq.extend(wf.row(r).iter().map(|&x| T::from_f64(x)));
                seq.zeros(width.saturating_sub(wf.ncols()));
            }
            None => seq.zeros(width),
        }
    }
}

/// Elements of an output of shape `dim`.
fn slots_len((n, c, w): (usize, usize, usize)) -> Result<usize> {
    n.checked_mul(c)
        .and_then(|x| x.checked_mul(w))
        .ok_or_else(|| IoError::invalid("batch shape", format!("{:?}", (n, c, w)), "too many elements"))
}

fn to_array<T>(dim: (usize, usize), v: Vec<T>) -> Result<Array2<T>> {
    Array2::from_shape_vec(dim, v).map_err(|e| IoError::invalid("trace shape", format!("{dim:?}"), e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn golden(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/seisbench-io").join(name)
    }

    #[test]
    fn contiguous_blocks_are_read_directly_others_through_hdf5() {
        for (name, direct) in [("sbds", true), ("sbds_chunked", true), ("sbds_h5chunked", false), ("sbds_f64", true)] {
            let ds = WaveformDataset::open(golden(name)).unwrap();
            for row in 0..ds.len() {
                let (block, _, _) = ds.locate(row).unwrap();
                assert_eq!(block.is_direct(), direct, "{name} row {row}");
            }
        }
    }
}
