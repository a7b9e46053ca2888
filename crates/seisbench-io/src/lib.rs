//! # seisbench-io — SeisBench datasets and miniSEED/SAC waveforms
//!
//! Scope: read and write SeisBench datasets (metadata CSV + HDF5 buckets, `data_format`, splits,
//! chunked datasets, component reordering and resampling, lazy reads with a bounded cache),
//! byte-compatible with seisbench; miniSEED (Steim1/2, int32, float32/64) and SAC read/write
//! producing seis-core traces, with gap/overlap reporting.

#![deny(unsafe_code)]
#![warn(missing_docs)]

mod error;

pub use error::{IoError, Result};
