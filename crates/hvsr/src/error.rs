//! The crate's single error type.

/// Errors returned by this crate. Messages name the parameter and the offending value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HvsrError {
    /// An error from the shared seis-core primitives (a missing component, sampling rates that
    /// differ between the channels of a stream, traces that do not overlap, …).
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
    /// The record's sampling rate is not the one the plan was built for.
    #[error("sampling rate mismatch: the plan was built for {plan} Hz, the record is sampled at {record} Hz")]
    SamplingRateMismatch {
        /// Sampling rate of the plan.
        plan: f64,
        /// Sampling rate of the record.
        record: f64,
    },
    /// The analysis window is longer than the (trimmed) record.
    #[error("window of {window} samples is longer than the record ({record} samples)")]
    WindowTooLong {
        /// Samples per window.
        window: usize,
        /// Samples in the record (after trimming to the common span).
        record: usize,
    },
    /// The smoothed vertical spectrum is zero, so the H/V ratio is undefined.
    #[error("the smoothed vertical spectrum of window {window} is zero at {frequency} Hz")]
    ZeroVertical {
        /// Window index.
        window: usize,
        /// Output frequency (Hz).
        frequency: f64,
    },
    /// The peak search range contains no output frequency.
    #[error("the search range [{low}, {high}] Hz contains no output frequency")]
    EmptySearchRange {
        /// Lower limit (Hz).
        low: f64,
        /// Upper limit (Hz).
        high: f64,
    },
    /// Every window was rejected, so there is nothing to average.
    #[error("all {n_windows} windows were rejected ({summary})")]
    AllWindowsRejected {
        /// Number of windows.
        n_windows: usize,
        /// Count of rejections per reason.
        summary: String,
    },
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, HvsrError>;

impl HvsrError {
    /// Shorthand for the `InvalidParameter` variant.
    pub fn invalid(name: &'static str, value: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        HvsrError::InvalidParameter { name, value: value.to_string(), reason: reason.into() }
    }
}
