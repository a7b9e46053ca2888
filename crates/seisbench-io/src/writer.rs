//! [`WaveformDataWriter`]: write a dataset in SeisBench format, equivalent to seisbench's
//! `WaveformDataWriter` (same bucketing, bucket and trace names, metadata columns and
//! `data_format` group), so that seisbench and h5py read the result unchanged.
//!
//! Like seisbench's writer, each bucket is written to the HDF5 file as soon as it is full (and the
//! rest by [`WaveformDataWriter::flush`] / [`WaveformDataWriter::finish`]): memory holds the
//! traces of the buckets still filling (at most `bucket_size` per bucket key) and the metadata
//! rows, not the dataset. The file is edited with hdf5-pure's bounded read-write engine (one
//! commit per bucket), which never mirrors the whole file in memory.

use crate::data_format::DataFormat;
use crate::metadata::{Metadata, Row, Value};
use crate::{IoError, Result};
use ndarray::ArrayView2;
use std::path::{Path, PathBuf};

/// seisbench's `GeometricBucketer`: traces are grouped by split, channel count and a geometric
/// length class (`0` below `minbucket`, else `⌊ln(len / minbucket) / ln(factor)⌋ + 1`).
#[derive(Debug, Clone, PartialEq)]
pub struct GeometricBucketer {
    /// Upper edge of the first length class.
    pub minbucket: usize,
    /// Geometric factor between classes (> 1).
    pub factor: f64,
    /// Separate buckets per `split` value.
    pub splits: bool,
    /// Separate buckets per channel count.
    pub track_channels: bool,
}

impl Default for GeometricBucketer {
    fn default() -> Self {
        Self { minbucket: 100, factor: 1.2, splits: true, track_channels: true }
    }
}

impl GeometricBucketer {
    /// Bucket key of a trace, identical to seisbench's.
    pub fn bucket(&self, metadata: &Row, channels: usize, samples: usize) -> String {
        let channel_str = if self.track_channels { format!("({channels})_") } else { String::new() };
        let split_str = match (self.splits, metadata.get("split")) {
            (true, Some(v)) => python_str(v),
            _ => String::new(),
        };
        let id = if samples < self.minbucket {
            0
        } else {
            ((samples as f64 / self.minbucket as f64).ln() / self.factor.ln() + 1.0) as i64
        };
        format!("{split_str}{channel_str}{id}")
    }

    fn validate(&self) -> Result<()> {
        if self.minbucket == 0 {
            return Err(IoError::invalid("minbucket", 0, "must be >= 1"));
        }
        if !(self.factor.is_finite() && self.factor > 1.0) {
            return Err(IoError::invalid("factor", self.factor, "must be > 1"));
        }
        Ok(())
    }
}

/// `str(value)` as Python prints a pandas cell (used in bucket keys).
fn python_str(v: &Value) -> String {
    match v {
        Value::Missing => "nan".into(),
        Value::Float(x) if x.is_nan() => "nan".into(),
        other => other.to_string(),
    }
}

/// Element type of the stored waveforms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dtype {
    /// 32-bit floats (most SeisBench datasets).
    #[default]
    F32,
    /// 64-bit floats.
    F64,
}

struct Pending {
    row: usize,
    channels: usize,
    samples: usize,
    data: Vec<f64>,
}

/// Writer of one SeisBench dataset (or one chunk: pass `metadata{c}.csv` / `waveforms{c}.hdf5`).
pub struct WaveformDataWriter {
    metadata_path: PathBuf,
    waveforms_path: PathBuf,
    data_format: DataFormat,
    bucketer: Option<GeometricBucketer>,
    bucket_size: usize,
    dtype: Dtype,
    rows: Vec<Row>,
    cache: Vec<(String, Vec<Pending>)>,
    /// The HDF5 file, created with the first bucket written.
    file: Option<hdf5_pure::File>,
    bucket_counter: usize,
}

impl WaveformDataWriter {
    /// A writer for `metadata_path` and `waveforms_path` with seisbench's defaults
    /// (GeometricBucketer, 1024 traces per bucket) and float32 storage.
    pub fn new(metadata_path: impl Into<PathBuf>, waveforms_path: impl Into<PathBuf>) -> Self {
        Self {
            metadata_path: metadata_path.into(),
            waveforms_path: waveforms_path.into(),
            data_format: DataFormat::default(),
            bucketer: Some(GeometricBucketer::default()),
            bucket_size: 1024,
            dtype: Dtype::F32,
            rows: Vec::new(),
            cache: Vec::new(),
            file: None,
            bucket_counter: 0,
        }
    }

    /// A writer for `<dir>/metadata.csv` and `<dir>/waveforms.hdf5`.
    pub fn create(dir: impl AsRef<Path>) -> Self {
        let d = dir.as_ref();
        Self::new(d.join("metadata.csv"), d.join("waveforms.hdf5"))
    }

    /// Set the `data_format` group.
    pub fn data_format(mut self, df: DataFormat) -> Self {
        self.data_format = df;
        self
    }

    /// Set the bucketer (`None`: every trace is its own dataset).
    pub fn bucketer(mut self, b: Option<GeometricBucketer>) -> Result<Self> {
        if let Some(b) = &b {
            b.validate()?;
        }
        self.bucketer = b;
        Ok(self)
    }

    /// Maximum traces per bucket (>= 1).
    pub fn bucket_size(mut self, n: usize) -> Result<Self> {
        if n < 1 {
            return Err(IoError::invalid("bucket_size", n, "must be at least 1"));
        }
        self.bucket_size = n;
        Ok(self)
    }

    /// Element type of the stored waveforms.
    pub fn dtype(mut self, dtype: Dtype) -> Self {
        self.dtype = dtype;
        self
    }

    /// Number of traces added.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Traces held in memory waiting for their bucket to fill (at most `bucket_size` per
    /// bucket key); every other trace is already in the file.
    pub fn buffered_traces(&self) -> usize {
        self.cache.iter().map(|(_, b)| b.len()).sum()
    }

    /// Whether no trace was added.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Add a trace (channels × samples, in the `data_format` dimension order "CW") with its
    /// metadata. Rows keep the order of calls.
    pub fn add_trace(&mut self, metadata: Row, waveform: ArrayView2<f64>) -> Result<()> {
        let (c, w) = waveform.dim();
        if let Some((i, v)) = waveform.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(IoError::NonFinite {
                what: format!("waveform of trace {}", self.rows.len()),
                index: i,
                value: *v,
            });
        }
        if self.dtype == Dtype::F32
            && let Some((i, v)) = waveform.iter().enumerate().find(|(_, v)| !(**v as f32).is_finite())
        {
            return Err(IoError::NotRepresentable {
                what: format!("waveform of trace {}", self.rows.len()),
                index: i,
                value: *v,
                encoding: "float32",
            });
        }
        if let Some(Value::Str(name)) = metadata.get("trace_name") {
            check_dataset_name(name)?;
        }
        let row = self.rows.len();
        self.rows.push(metadata);
        let data: Vec<f64> = waveform.iter().copied().collect();
        let pending = Pending { row, channels: c, samples: w, data };
        match &self.bucketer {
            None => self.write_bucket(vec![pending])?,
            Some(b) => {
                let key = b.bucket(&self.rows[row], c, w);
                let pos = match self.cache.iter().position(|(k, _)| *k == key) {
                    Some(p) => p,
                    None => {
                        self.cache.push((key, Vec::new()));
                        self.cache.len() - 1
                    }
                };
                self.cache[pos].1.push(pending);
                if self.cache[pos].1.len() >= self.bucket_size {
                    let bucket = std::mem::take(&mut self.cache[pos].1);
                    self.write_bucket(bucket)?;
                }
            }
        }
        Ok(())
    }

    fn next_bucket_name(&mut self) -> String {
        let n = self.bucket_counter;
        self.bucket_counter += 1;
        format!("bucket{n}")
    }

    /// The HDF5 file being written (created, with its `data` group, on first use).
    fn h5(&mut self) -> Result<&hdf5_pure::File> {
        if self.file.is_none() {
            if let Some(dir) = self.waveforms_path.parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir).map_err(|e| IoError::io(dir, e))?;
            }
            let err = |e| IoError::hdf5(&self.waveforms_path, "", e);
            // bounded: the editing session never holds the whole file in memory
            let access = hdf5_pure::FileAccessProperties::new()
                .with_memory_strategy(hdf5_pure::MemoryStrategy::Bounded)
                .with_sync_policy(hdf5_pure::SyncPolicy::OnClose);
            let file = hdf5_pure::File::create_with_options(
                &self.waveforms_path,
                hdf5_pure::FileCreateProperties::new(),
                access,
            )
            .map_err(err)?;
            file.root().create_group("data").map_err(err)?;
            self.file = Some(file);
        }
        match &self.file {
            Some(f) => Ok(f),
            None => Err(IoError::invalid("waveforms file", self.waveforms_path.display(), "could not be created")),
        }
    }

    /// Write one block under `/data` and commit it, so its samples leave memory.
    fn store(&mut self, name: &str, shape: &[u64], data: &[f64]) -> Result<()> {
        let dtype = self.dtype;
        let path = self.waveforms_path.clone();
        let obj = format!("data/{name}");
        let file = self.h5()?;
        let err = |e| IoError::hdf5(&path, &obj, e);
        file.root()
            .create_dataset(&obj, |b| match dtype {
                Dtype::F32 => {
                    let v: Vec<f32> = data.iter().map(|&x| x as f32).collect();
                    b.with_f32_data(&v).with_shape(shape);
                }
                Dtype::F64 => {
                    b.with_f64_data(data).with_shape(shape);
                }
            })
            .map_err(err)?;
        file.commit().map_err(err)
    }

    fn write_bucket(&mut self, mut bucket: Vec<Pending>) -> Result<()> {
        if bucket.is_empty() {
            return Ok(());
        }
        if bucket.len() == 1 {
            let p = bucket.remove(0);
            let name = match self.rows[p.row].get("trace_name") {
                Some(v) if !v.is_missing() => v.to_string().replace('$', "_"),
                _ => self.next_bucket_name(),
            };
            self.rows[p.row].set("trace_name", name.clone());
            return self.store(&name, &[p.channels as u64, p.samples as u64], &p.data);
        }
        let name = self.next_bucket_name();
        let c = bucket.iter().map(|p| p.channels).max().unwrap_or(0);
        let w = bucket.iter().map(|p| p.samples).max().unwrap_or(0);
        let mut data = vec![0.0; bucket.len() * c * w];
        for (i, p) in bucket.iter().enumerate() {
            for ch in 0..p.channels {
                let dst = (i * c + ch) * w;
                data[dst..dst + p.samples].copy_from_slice(&p.data[ch * p.samples..(ch + 1) * p.samples]);
            }
            let row = &mut self.rows[p.row];
            if let Some(orig) = row.get("trace_name").cloned() {
                row.set("trace_name_original", orig);
            }
            row.set("trace_name", format!("{name}${i},:{},:{}", p.channels, p.samples));
        }
        self.store(&name, &[bucket.len() as u64, c as u64, w as u64], &data)
    }

    /// Write out every trace still waiting in a bucket (seisbench's `flush_hdf5`).
    pub fn flush(&mut self) -> Result<()> {
        let buckets: Vec<Vec<Pending>> = self.cache.drain(..).map(|(_, b)| b).collect();
        for b in buckets {
            self.write_bucket(b)?;
        }
        Ok(())
    }

    /// Flush, then write the HDF5 file and the metadata CSV. Returns the final metadata (with
    /// the trace names pointing into the buckets).
    pub fn finish(mut self) -> Result<Metadata> {
        if self.rows.is_empty() {
            return Err(IoError::Empty { what: "dataset (no trace added)" });
        }
        self.flush()?;
        if let Some(dir) = self.metadata_path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| IoError::io(dir, e))?;
        }
        let path = self.waveforms_path.clone();
        let entries = self.data_format.entries();
        let file = self.h5()?;
        let err = |obj: &str, e| IoError::hdf5(&path, obj, e);
        file.root().create_group("data_format").map_err(|e| err("data_format", e))?;
        for (k, v) in entries {
            let obj = format!("data_format/{k}");
            file.root()
                .create_dataset(&obj, |ds| match v {
                    Value::Float(x) => {
                        ds.with_f64_data(&[x]).with_shape(&[]);
                    }
                    Value::Int(i) => {
                        ds.with_i64_data(&[i]).with_shape(&[]);
                    }
                    other => {
                        let s = other.to_string();
                        ds.with_vlen_strings(&[s.as_str()]).with_shape(&[]);
                    }
                })
                .map_err(|e| err(&obj, e))?;
        }
        file.commit().map_err(|e| err("data_format", e))?;
        if let Some(f) = self.file.take() {
            f.close().map_err(|e| err("", e))?;
        }
        let md = Metadata::from_rows(&self.rows);
        let csv = md.to_csv_bytes()?;
        std::fs::write(&self.metadata_path, csv).map_err(|e| IoError::io(&self.metadata_path, e))?;
        Ok(md)
    }
}

fn check_dataset_name(name: &str) -> Result<()> {
    let block = name.replace('$', "_");
    if block.is_empty() || block == "." || block.contains('/') {
        return Err(IoError::MalformedTraceName {
            name: name.to_string(),
            reason: "cannot be an HDF5 dataset name (empty, '.' or containing '/')".into(),
        });
    }
    Ok(())
}
