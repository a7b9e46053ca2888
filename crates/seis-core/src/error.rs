//! The error type of seis-core.

/// Errors from seis-core. Every variant names what is wrong and, where there is one, the
/// offending value, so that a caller can report it without further context.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CoreError {
    /// Input that must hold data is empty.
    #[error("{what} is empty")]
    Empty {
        /// What was empty (e.g. "trace samples").
        what: &'static str,
    },
    /// A NaN or infinite value in user data.
    #[error("{what} contains a non-finite value ({value}) at index {index}")]
    NonFinite {
        /// What held the value.
        what: &'static str,
        /// Flat index of the first non-finite value.
        index: usize,
        /// The value itself.
        value: f64,
    },
    /// A parameter is outside its valid range.
    #[error("invalid parameter {name} = {value}: {reason}")]
    InvalidParameter {
        /// Parameter name as the caller knows it.
        name: &'static str,
        /// Offending value, formatted.
        value: String,
        /// What is allowed.
        reason: String,
    },
    /// Two inputs that must agree in shape or length do not.
    #[error("shape mismatch: {what}: expected {expected}, got {got}")]
    ShapeMismatch {
        /// What was compared.
        what: &'static str,
        /// Expected shape or length.
        expected: String,
        /// Actual shape or length.
        got: String,
    },
    /// Traces that must share a sampling rate do not.
    #[error("sampling rates differ: {first} Hz vs {second} Hz ({what})")]
    SamplingRateMismatch {
        /// What was being combined.
        what: String,
        /// First rate.
        first: f64,
        /// Second rate.
        second: f64,
    },
    /// A window or segment longer than the data it is cut from.
    #[error("{what}: window of {window} samples is longer than the data ({len} samples)")]
    WindowTooLong {
        /// What was being windowed.
        what: &'static str,
        /// Window length in samples.
        window: usize,
        /// Data length in samples.
        len: usize,
    },
    /// A component code is missing from a multi-component record.
    #[error("component {component:?} not found (available: {available:?})")]
    MissingComponent {
        /// The requested component code.
        component: char,
        /// The codes present.
        available: String,
    },
    /// A time string or field could not be parsed or is out of range.
    #[error("invalid time {input:?}: {reason}")]
    InvalidTime {
        /// The input.
        input: String,
        /// Why.
        reason: String,
    },
    /// A linear-algebra decomposition failed (e.g. a matrix that is not positive definite).
    #[error("linear algebra: {0}")]
    Linalg(String),
}

/// Result alias for seis-core.
pub type Result<T> = std::result::Result<T, CoreError>;

impl CoreError {
    /// Shorthand for [`CoreError::InvalidParameter`].
    pub fn invalid(name: &'static str, value: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        CoreError::InvalidParameter { name, value: value.to_string(), reason: reason.into() }
    }
}
