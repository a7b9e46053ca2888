//! The crate's single error type.

/// Errors returned by this crate. Messages name the parameter and the offending value.
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
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, IoError>;

impl IoError {
    /// Shorthand for the `InvalidParameter` variant.
    pub fn invalid(name: &'static str, value: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        IoError::InvalidParameter { name, value: value.to_string(), reason: reason.into() }
    }
}
