//! The crate's single error type.

use std::path::PathBuf;

/// Errors returned by this crate. Messages name what is wrong, where, and the offending value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IoError {
    /// An error from the shared seis-core primitives.
    #[error(transparent)]
    Core(#[from] seis_core::CoreError),
    /// Input that must hold data is empty.
    #[error("{what} is empty")]
    Empty {
        /// What was empty.
        what: &'static str,
    },
    /// A NaN or infinite value in user data.
    #[error("{what} contains a non-finite value ({value}) at index {index}")]
    NonFinite {
        /// What held the value.
        what: String,
        /// Index (flat, or as documented by the function) of the first bad value.
        index: usize,
        /// The value.
        value: f64,
    },
    /// Inputs whose shapes or lengths must agree do not.
    #[error("shape mismatch: {what}: expected {expected}, got {got}")]
    ShapeMismatch {
        /// What was compared.
        what: String,
        /// Expected shape or length.
        expected: String,
        /// Actual shape or length.
        got: String,
    },
    /// A parameter is outside its valid range.
    #[error("invalid parameter {name} = {value}: {reason}")]
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// Offending value, formatted.
        value: String,
        /// What is allowed.
        reason: String,
    },
    /// A file could not be read or written.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file or directory that must exist is missing.
    #[error("missing file {path} ({what})")]
    MissingFile {
        /// The path looked for.
        path: PathBuf,
        /// What it should have held.
        what: &'static str,
    },
    /// The HDF5 library rejected a file (truncated, corrupted or unsupported) or an object in it.
    #[error("HDF5 error in {path} at {object:?}: {message}")]
    Hdf5 {
        /// The file.
        path: PathBuf,
        /// The object path inside the file ("" for the file itself).
        object: String,
        /// The library's message.
        message: String,
    },
    /// A metadata CSV that cannot be parsed.
    #[error("metadata CSV error in {path} at line {line}: {message}")]
    Csv {
        /// The file ("" for in-memory input).
        path: PathBuf,
        /// 1-based line (0 when unknown).
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A column every dataset must have is absent.
    #[error("required metadata column {column:?} is missing")]
    MissingColumn {
        /// The column name.
        column: String,
    },
    /// A metadata value that cannot be read as its column's type.
    #[error("metadata column {column:?}, row {row}: cannot read {value:?} as {expected}")]
    InvalidValue {
        /// The column.
        column: String,
        /// 0-based data row.
        row: usize,
        /// The text found.
        value: String,
        /// The expected type.
        expected: &'static str,
    },
    /// A trace name that is not `block` or `block$index,slice,…` in numpy syntax.
    #[error("malformed trace name {name:?}: {reason}")]
    MalformedTraceName {
        /// The trace name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A trace name addresses data outside its block.
    #[error("trace {name:?} addresses outside its block of shape {shape:?}: {reason}")]
    TraceOutOfBounds {
        /// The trace name.
        name: String,
        /// The block's shape.
        shape: Vec<usize>,
        /// What is out of range.
        reason: String,
    },
    /// The sampling rates given for a trace disagree, or one is needed and unknown.
    #[error("sampling rate problem for trace {row} ({name}): {reason}")]
    SamplingRate {
        /// 0-based dataset row.
        row: usize,
        /// Trace name.
        name: String,
        /// What is inconsistent or missing.
        reason: String,
    },
    /// Chunks of a dataset whose `data_format` groups differ.
    #[error("inconsistent data_format between chunks {first:?} and {second:?}: {key}")]
    InconsistentDataFormat {
        /// First chunk.
        first: String,
        /// Second chunk.
        second: String,
        /// The key that differs.
        key: String,
    },
    /// A requested index outside the dataset.
    #[error("index {index} out of range for a dataset of {len} traces")]
    IndexOutOfRange {
        /// Requested index.
        index: usize,
        /// Number of traces.
        len: usize,
    },
    /// A miniSEED record that cannot be decoded.
    #[error("miniSEED error in record at byte {offset}: {reason}")]
    MiniSeed {
        /// Byte offset of the record in the input.
        offset: usize,
        /// What is wrong.
        reason: String,
    },
    /// A SAC file that cannot be decoded or a trace that cannot be written as SAC.
    #[error("SAC error: {reason}")]
    Sac {
        /// What is wrong.
        reason: String,
    },
    /// Samples that the requested encoding cannot represent exactly.
    #[error("sample {index} of {what} ({value}) cannot be stored as {encoding}")]
    NotRepresentable {
        /// Which trace.
        what: String,
        /// Sample index.
        index: usize,
        /// The value.
        value: f64,
        /// The target encoding.
        encoding: &'static str,
    },
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, IoError>;

impl IoError {
    /// Shorthand for the `InvalidParameter` variant.
    pub fn invalid(name: &'static str, value: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        IoError::InvalidParameter { name, value: value.to_string(), reason: reason.into() }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        IoError::Io { path: path.into(), source }
    }

    pub(crate) fn hdf5(path: impl Into<PathBuf>, object: impl Into<String>, e: impl std::fmt::Display) -> Self {
        IoError::Hdf5 { path: path.into(), object: object.into(), message: e.to_string() }
    }

    pub(crate) fn mseed(offset: usize, reason: impl Into<String>) -> Self {
        IoError::MiniSeed { offset, reason: reason.into() }
    }

    pub(crate) fn sac(reason: impl Into<String>) -> Self {
        IoError::Sac { reason: reason.into() }
    }
}
