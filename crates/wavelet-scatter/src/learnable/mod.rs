//! Learnable scattering network of Seydoux et al. (2020): Hermite cubic-spline mother wavelets,
//! one per layer, stretched to `j·q` scales and trained with Adam to minimise the negative
//! log-likelihood of the (PCA-projected) scattering features under a Gaussian mixture.
//!
//! The layer operation follows the original TensorFlow graph (symmetric padding, strided complex
//! cross-correlation, modulus, average pooling); gradients are exact reverse-mode derivatives,
//! checked against finite differences. The PCA and the mixture are fitted outside this crate
//! (e.g. `gmm::Pca`, `gmm::GaussianMixture` with warm start, once per epoch) and passed as a
//! [`Projection`] and a [`MixtureDensity`]; the root package's `learnable_scattering` example runs
//! the whole training loop.
//!
//! ```
//! use ndarray::Array3;
//! use wavelet_scatter::learnable::{Adam, LearnableScattering, MixtureDensity, Projection, SplineLayerSpec};
//!
//! let mut net = LearnableScattering::params()
//!     .layer(SplineLayerSpec::new(2, 2, 5))
//!     .layer(SplineLayerSpec::new(2, 1, 5))
//!     .decimation(2)
//!     .pooling(64)
//!     .build(256)?;
//! let x = Array3::from_shape_fn((2, 1, 256), |(b, _, i)| ((i * (b + 3)) as f64 * 0.3).sin());
//! let feats = net.features(x.view())?; // (2 patches · 4 frames, 4·2 features)
//! assert_eq!(feats.dim(), (8, 8));
//! // A fixed 2-D projection and a one-component mixture, as fitted by PCA + GaussianMixture.
//! let proj = Projection::new(feats.mean_axis(ndarray::Axis(0)).unwrap().view(),
//!     ndarray::Array2::from_shape_fn((2, 8), |(r, c)| if c == r { 1.0 } else { 0.0 }).view())?;
//! let density = MixtureDensity::from_precisions(
//!     ndarray::array![1.0].view(), ndarray::Array2::zeros((1, 2)).view(),
//!     ndarray::Array3::from_shape_fn((1, 2, 2), |(_, i, j)| if i == j { 1.0 } else { 0.0 }).view())?;
//! let (loss, grads) = net.loss_and_gradient(x.view(), &proj, &density)?;
//! let mut adam = Adam::new(1e-3)?;
//! adam.step(&mut net, &grads)?;
//! let (after, _) = net.loss_and_gradient(x.view(), &proj, &density)?;
//! assert!(after < loss);
//! # Ok::<(), wavelet_scatter::ScatterError>(())
//! ```

mod adam;
mod layer;
mod loss;
mod network;
mod spline;

pub use adam::Adam;
pub use layer::Correlation;
pub use loss::{MixtureDensity, Projection};
pub use network::{LearnableParams, LearnableScattering};
pub use spline::{KernelCache, SplineBank, SplineLayerSpec, SplineParams};
