//! # seisbench-io — SeisBench datasets and miniSEED/SAC waveforms
//!
//! Read and write datasets in the SeisBench format (metadata CSV + HDF5 buckets, `data_format`,
//! splits, chunked datasets), with seisbench's semantics for component reordering, missing
//! components and resampling; lazy streaming reads with a bounded cache. Read and write miniSEED
//! (Steim1/2, int32, float32/64) and SAC into seis-core traces, with gap/overlap reports;
//! [`MseedReader`] reads many files in a row reusing its buffers (hand each stream back with
//! `recycle`).
//!
//! ```
//! use ndarray::Array2;
//! use seisbench_io::{Row, WaveformDataWriter, WaveformDataset, WaveformOptions};
//!
//! let dir = std::env::temp_dir().join(format!("sbio-doc-{}", std::process::id()));
//! let mut w = WaveformDataWriter::create(&dir);
//! for i in 0..3 {
//!     let wf = Array2::from_shape_fn((3, 500), |(c, t)| (c * 1000 + t + i) as f64);
//!     let row = Row::new()
//!         .with("trace_name", format!("tr{i}"))
//!         .with("trace_sampling_rate_hz", 100.0)
//!         .with("trace_p_arrival_sample", 120.0)
//!         .with("split", "train");
//!     w.add_trace(row, wf.view())?;
//! }
//! w.finish()?;
//!
//! let ds = WaveformDataset::open(&dir)?;
//! assert_eq!(ds.len(), 3);
//! let x = ds.get_waveforms(1, &WaveformOptions::default())?; // channels × samples, "ZNE"
//! assert_eq!(x.dim(), (3, 500));
//! assert_eq!(x[[2, 10]], 2011.0);
//! assert_eq!(ds.train()?.len(), 3);
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), seisbench_io::IoError>(())
//! ```

// `unsafe` is allowed only in output.rs (three audited blocks: fresh arrays without zeroing).
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod block;
mod cache;
pub mod data_format;
pub mod dataset;
mod error;
pub mod metadata;
pub mod mseed;
mod mseed_record;
mod output;
mod resample;
pub mod sac;
pub mod trace_name;
pub mod writer;

pub use block::SampleType;
pub use data_format::DataFormat;
pub use dataset::{DatasetOptions, MissingComponents, Sample, WaveformDataset, WaveformOptions, available_chunks};
pub use error::{IoError, Result};
pub use metadata::{ColumnType, Metadata, Row, Value};
pub use mseed::{
    Encoding, Gap, MseedData, MseedReader, MseedTrace, MseedWriteOptions, read_mseed, read_mseed_file, write_mseed,
};
pub use sac::{SacHeader, read_sac, read_sac_file, write_sac};
pub use trace_name::{TraceLocation, parse_trace_name};
pub use writer::{Dtype, GeometricBucketer, WaveformDataWriter};
