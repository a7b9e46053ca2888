//! kymatio-style zero-mean Morlet filter banks with per-filter subsampling (`Scattering1D`).
//!
//! A port of kymatio 0.3's `Scattering1D` (NumPy frontend) that agrees with it to round-off
//! (golden tests: ≤ 1e-6 of the array maximum, in practice ~1e-13), extended to any number of
//! orders and planned once per signal length.
//!
//! ```
//! use ndarray::Array2;
//! use wavelet_scatter::kymatio::Scattering1DParams;
//!
//! // J = 6, Q = (8, 1), T = 2^J: a batch of 4 signals of 1000 samples.
//! let plan = Scattering1DParams::new(6).q(&[8, 1]).plan(1000)?;
//! let x = Array2::from_shape_fn((4, 1000), |(b, i)| ((i * (b + 3)) as f64 * 0.05).sin());
//! let s = plan.transform(x.view().into_dyn())?;
//! assert_eq!(s.shape(), &[4, plan.n_paths(), plan.frames()]);
//! // Centre frequencies of the first-order wavelets in Hz at 50 Hz sampling.
//! let f_hz = plan.family(1).unwrap().centres_hz(50.0);
//! assert!(f_hz[0] < 25.0);
//! # Ok::<(), wavelet_scatter::ScatterError>(())
//! ```
//!
//! Conventions (kymatio's): frequencies in cycles per sample; `Q` wavelets per octave per order;
//! filters have unit L1 norm in time; signals are reflect-padded to a power of two; the output for a
//! batch `(…, N)` is `(…, n_paths, frames)` with `frames ≈ N / T`.

mod filter_bank;
mod params;
mod scattering;

pub use filter_bank::{filterbank_params, max_dyadic_subsampling, sigma_psi, xi_max};
pub use params::Scattering1DParams;
pub use scattering::{MorletFamily, PathInfo, Scattering1D};
