//! The crate's single error type.

/// Errors returned by this crate. Messages name the parameter and the offending value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GmmError {
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
    /// A finite value whose square would overflow the sums of squared distances.
    #[error(
        "{what} holds a value of magnitude {value} at index {index}; values must stay within ±{limit:e} so that \
         squared distances stay finite: rescale (standardise) the data"
    )]
    OutOfScale {
        /// What held the value.
        what: String,
        /// Index (flat) of the first such value.
        index: usize,
        /// The value.
        value: f64,
        /// The largest magnitude accepted.
        limit: f64,
    },
    /// A row whose likelihood under a fitted mixture is not representable (too far from every
    /// component, in units of its covariance): its probabilities would be NaN.
    #[error(
        "row {row} has a log-likelihood that is not finite under the model (it lies too far from every \
         component in units of the component covariances): check the row or the scale of the data"
    )]
    NonFiniteLikelihood {
        /// Row index.
        row: usize,
    },
    /// Data without any spread, where the method needs some.
    #[error("{what} has zero variance (all rows are identical)")]
    ZeroVariance {
        /// What was degenerate.
        what: &'static str,
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
    /// Fewer samples than the model needs.
    #[error("{what}: need at least {needed} samples, got {got}")]
    TooFewSamples {
        /// What was being fitted.
        what: &'static str,
        /// Minimum number of samples.
        needed: usize,
        /// Samples given.
        got: usize,
    },
    /// A covariance matrix that is not positive definite (collapsed or singleton component,
    /// zero-variance feature with too small a `reg_covar`).
    #[error(
        "component {component} has an ill-defined empirical covariance (collapsed or singleton samples, or a \
         zero-variance feature); reg_covar = {reg_covar} is not enough: increase reg_covar, use fewer \
         components or scale the data"
    )]
    IllDefinedCovariance {
        /// Component index (0 for a tied covariance).
        component: usize,
        /// The regularisation that was in use.
        reg_covar: f64,
    },
    /// A fitted model received data with a different number of features.
    #[error("feature mismatch: model was fitted on {expected} features, data has {got}")]
    FeatureMismatch {
        /// Features at fit time.
        expected: usize,
        /// Features given now.
        got: usize,
    },
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, GmmError>;

impl GmmError {
    /// Shorthand for the `InvalidParameter` variant.
    pub fn invalid(name: &'static str, value: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        GmmError::InvalidParameter { name, value: value.to_string(), reason: reason.into() }
    }
}
