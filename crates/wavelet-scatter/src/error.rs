//! The crate's single error type.

/// Errors returned by this crate. Messages name the parameter and the offending value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScatterError {
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
    /// A NaN or infinite sample inside one window of a batch or of a continuous record.
    #[error(
        "window {window} (starting {start}), channel {channel}, sample {sample} (t = {offset_s} s into the window): non-finite value {value}"
    )]
    NonFiniteWindow {
        /// Window index in the batch.
        window: usize,
        /// Start of the window: a UTC time for continuous data, else "sample 0 of the batch row".
        start: String,
        /// Channel index.
        channel: usize,
        /// Sample index inside the window.
        sample: usize,
        /// Time of the bad sample from the window start, in seconds.
        offset_s: f64,
        /// The value.
        value: f64,
    },
    /// A wavelet does not fit in the analysis window (enable truncation to accept it).
    #[error(
        "layer {layer}: the {frequency} Hz wavelet spans {support_s} s (envelope ≥ 1e-3) but the window lasts {window_s} s; use longer windows, fewer octaves, a lower quality, or allow truncation explicitly"
    )]
    WaveletLongerThanWindow {
        /// Layer index (0-based).
        layer: usize,
        /// Centre frequency of the longest wavelet (Hz).
        frequency: f64,
        /// Its support in seconds.
        support_s: f64,
        /// Window duration in seconds.
        window_s: f64,
    },
    /// Traces that must share a sampling rate do not.
    #[error("sampling-rate mismatch: {what}: {expected} Hz vs {got} Hz")]
    SamplingRateMismatch {
        /// What was compared.
        what: String,
        /// Expected rate.
        expected: f64,
        /// Actual rate.
        got: f64,
    },
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, ScatterError>;

impl ScatterError {
    /// Shorthand for the `InvalidParameter` variant.
    pub fn invalid(name: &'static str, value: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        ScatterError::InvalidParameter { name, value: value.to_string(), reason: reason.into() }
    }
}
