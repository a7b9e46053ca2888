//! Data shared by the integration tests.

use gmm::CovarianceType;
use ndarray::Array2;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_pcg::Pcg64;

/// Every covariance type.
pub const TYPES: [CovarianceType; 4] =
    [CovarianceType::Full, CovarianceType::Tied, CovarianceType::Diag, CovarianceType::Spherical];

/// `n × d` points around `k` centres ~ N(0, sep²), unit noise, row `i` in cluster `i % k`.
pub fn blobs(seed: u64, n: usize, d: usize, k: usize, sep: f64) -> Array2<f64> {
    let mut rng = Pcg64::seed_from_u64(seed);
    let centres = Array2::from_shape_fn((k, d), |_| sep * rng.sample::<f64, _>(StandardNormal));
    Array2::from_shape_fn((n, d), |(i, j)| centres[[i % k, j]] + rng.sample::<f64, _>(StandardNormal))
}
