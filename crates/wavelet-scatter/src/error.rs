//! The crate's single error type.

/// Errors returned by this crate. Messages name the parameter and the offending value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScatterError {
    /// An error from the shared seis-core primitives.
    #[error(transparent)]
    Core(#[from] seis_core::CoreError),
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
pub type Result<T> = std::result::Result<T, ScatterError>;
