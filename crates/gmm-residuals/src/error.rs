//! The crate's single error type.

/// Errors returned by this crate. Messages name the parameter, record and column involved and
/// the offending value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResidualsError {
    /// An error from the shared seis-core primitives.
    #[error(transparent)]
    Core(#[from] seis_core::CoreError),
    /// Input that must hold data is empty.
    #[error("{what} is empty")]
    Empty {
        /// What was empty.
        what: String,
    },
    /// A NaN or infinite value in user data.
    #[error("{what} contains a non-finite value ({value}) at index {index}")]
    NonFinite {
        /// What held the value.
        what: String,
        /// Index (record, or as documented by the function) of the first bad value.
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
    /// A model input required by a ground-motion model was not supplied.
    #[error("{model} requires the input {input:?}, which was not supplied")]
    MissingInput {
        /// Model name.
        model: &'static str,
        /// Missing input (context column) name.
        input: &'static str,
    },
    /// One record's value of one input column is invalid (e.g. Vs30 ≤ 0, negative distance).
    #[error("record {record}, column {column:?}: invalid value {value}: {reason}")]
    InvalidInput {
        /// Record (context) index.
        record: usize,
        /// Column name.
        column: String,
        /// Offending value.
        value: f64,
        /// What is allowed.
        reason: String,
    },
    /// A record lies outside the model's magnitude or distance range and the policy is
    /// [`crate::gmpe::RangePolicy::Error`].
    #[error("{model}: record {record}, {column} = {value} outside the model range [{lo}, {hi}]")]
    OutOfRange {
        /// Model name.
        model: &'static str,
        /// Record (context) index.
        record: usize,
        /// Column name ("mag", "rjb", "rrup").
        column: &'static str,
        /// Offending value.
        value: f64,
        /// Lower bound of the range.
        lo: f64,
        /// Upper bound of the range.
        hi: f64,
    },
    /// An intensity measure (or period) the model does not define; never extrapolated.
    #[error("{model} does not support {imt}: {reason}")]
    UnsupportedImt {
        /// Model name.
        model: &'static str,
        /// The intensity measure, formatted.
        imt: String,
        /// Why (e.g. period outside the coefficient table).
        reason: String,
    },
    /// A flatfile could not be read or parsed.
    #[error("flatfile: {0}")]
    Flatfile(String),
    /// A flatfile cell that should hold a number does not (empty cells are missing values).
    #[error("flatfile record {record}, column {column:?}: {text:?} is not a number")]
    InvalidCell {
        /// Record (0-based data row).
        record: usize,
        /// Column header.
        column: String,
        /// The cell's text.
        text: String,
    },
    /// A flatfile lacks a required column.
    #[error("flatfile: missing column {column:?} ({why})")]
    MissingColumn {
        /// Column name.
        column: String,
        /// What needed it.
        why: String,
    },
    /// Records with missing values in required columns: counts per column.
    #[error("flatfile: missing values per column: {0}")]
    MissingValues(String),
    /// The optimiser of the mixed-effects estimator failed.
    #[error("mixed-effects fit: {0}")]
    Fit(String),
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, ResidualsError>;

impl ResidualsError {
    /// Shorthand for the `InvalidParameter` variant.
    pub fn invalid(name: &'static str, value: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        ResidualsError::InvalidParameter { name, value: value.to_string(), reason: reason.into() }
    }

    /// Shorthand for the `ShapeMismatch` variant.
    pub(crate) fn shape(what: impl Into<String>, expected: usize, got: usize) -> Self {
        ResidualsError::ShapeMismatch { what: what.into(), expected: expected.to_string(), got: got.to_string() }
    }
}

/// Error unless every value is finite and the slice is non-empty; `what` names the data.
pub(crate) fn check_finite(what: &str, data: &[f64]) -> Result<()> {
    if data.is_empty() {
        return Err(ResidualsError::Empty { what: what.to_string() });
    }
    for (index, &value) in data.iter().enumerate() {
        if !value.is_finite() {
            return Err(ResidualsError::NonFinite { what: what.to_string(), index, value });
        }
    }
    Ok(())
}

/// Error unless `got == expected` (lengths of paired inputs).
pub(crate) fn check_len(what: &str, expected: usize, got: usize) -> Result<()> {
    if expected != got { Err(ResidualsError::shape(what, expected, got)) } else { Ok(()) }
}
