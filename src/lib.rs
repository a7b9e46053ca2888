//! # seisml
//!
//! Machine learning for seismology in Rust: one dependency that re-exports every seisml crate.
//!
//! | module | what it does |
//! |---|---|
//! | [`seis_core`] | traces, streams, times, DSP primitives, linalg facade |
//! | [`wavelet_scatter`] | scattering networks, learnable wavelets, CWT and superlets |
//! | [`gmm`] | **Gaussian mixture models**, k-means, PCA, FastICA |
//! | [`hvsr`] | horizontal-to-vertical spectral ratios, SESAME criteria |
//! | [`gmm_residuals`] | **ground-motion models**, residuals, scores |
//! | [`augment`] | waveform augmentation and labelling for pickers |
//! | [`seisbench_io`] | SeisBench datasets, miniSEED and SAC |

pub use augment;
pub use gmm;
pub use gmm_residuals;
pub use hvsr;
pub use seis_core;
pub use seisbench_io;
pub use wavelet_scatter;
