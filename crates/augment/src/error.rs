//! The crate's single error type.

/// Errors returned by this crate. Messages name the parameter and the offending value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AugmentError {
    /// An error from the shared seis-core primitives.
    #[error(transparent)]
    Core(#[from] seis_core::CoreError),
    /// Input that must hold data is empty (e.g. a sample source without samples).
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
        /// Index (flat, row-major) of the first bad value.
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
    /// A window longer than the trace it must be cut from (strategies `fail` and `move`).
    #[error("{what}: window of {window} samples does not fit the trace ({len} samples available)")]
    WindowTooLong {
        /// Which operation.
        what: &'static str,
        /// Requested window length.
        window: usize,
        /// Samples available.
        len: usize,
    },
    /// An arrival (a `_sample` metadata value) lies outside the trace.
    #[error("arrival {key} = {value} lies outside the trace of {len} samples")]
    ArrivalOutside {
        /// Metadata key.
        key: String,
        /// The arrival sample.
        value: f64,
        /// Trace length.
        len: usize,
    },
    /// A metadata entry required by an augmentation is missing or not numeric.
    #[error("metadata {key} is missing or not usable: {reason}")]
    Metadata {
        /// Metadata key.
        key: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// An index outside a sample source.
    #[error("index {index} out of range for a source of {len} samples")]
    IndexOutOfRange {
        /// Requested index.
        index: usize,
        /// Number of samples.
        len: usize,
    },
    /// An error reported by a sample source (e.g. a dataset reader).
    #[error("sample source: {0}")]
    Source(String),
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, AugmentError>;

impl AugmentError {
    /// Shorthand for the `InvalidParameter` variant.
    pub fn invalid(name: &'static str, value: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        AugmentError::InvalidParameter { name, value: value.to_string(), reason: reason.into() }
    }
}

/// Error unless every value is finite; `what` names the data.
pub(crate) fn check_finite<'a>(what: impl Into<String>, data: impl IntoIterator<Item = &'a f64>) -> Result<()> {
    for (index, &value) in data.into_iter().enumerate() {
        if !value.is_finite() {
            return Err(AugmentError::NonFinite { what: what.into(), index, value });
        }
    }
    Ok(())
}

/// Error unless `lo <= hi`, both finite (a `(low, high)` range parameter).
pub(crate) fn check_range(name: &'static str, range: (f64, f64)) -> Result<()> {
    if range.0.is_finite() && range.1.is_finite() && range.0 <= range.1 {
        Ok(())
    } else {
        Err(AugmentError::invalid(name, format!("({}, {})", range.0, range.1), "needs finite low <= high"))
    }
}

/// Error unless `0 <= p <= 1`.
pub(crate) fn check_probability(name: &'static str, p: f64) -> Result<()> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(AugmentError::invalid(name, p, "probability must lie in [0, 1]"))
    }
}
