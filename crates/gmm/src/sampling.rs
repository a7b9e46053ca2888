//! Drawing samples from a fitted mixture (both mixture types, as scikit-learn's `sample`).

use crate::covariance::CovMatrices;
use crate::{GmmError, Result};
use ndarray::{Array1, Array2};
use rand::{Rng, RngExt};
use rand_distr::{Binomial, Distribution, StandardNormal};

/// `n_samples` rows from the mixture `(weights, means, covariances)`: component counts from a
/// multinomial, then normal draws per component (through the covariance Cholesky factor),
/// stacked in component order. Returns `(samples, labels)`.
pub(crate) fn sample_mixture<R: Rng + ?Sized>(
    weights: &Array1<f64>,
    means: &Array2<f64>,
    covariances: &CovMatrices,
    n_samples: usize,
    rng: &mut R,
) -> Result<(Array2<f64>, Array1<usize>)> {
    if n_samples == 0 {
        return Err(GmmError::invalid("n_samples", 0, "must be >= 1"));
    }
    let (k, d) = means.dim();
    let counts = multinomial(n_samples, weights.as_slice().expect("contiguous"), rng)?;
    let mut out = Array2::zeros((n_samples, d));
    let mut labels = Array1::zeros(n_samples);
    let mut row = 0;
    for comp in 0..k {
        let cov = covariances.component_matrix(comp, d);
        let l = seis_core::linalg::cholesky(cov.view())?;
        let mu = means.row(comp);
        for _ in 0..counts[comp] {
            let z: Array1<f64> = (0..d).map(|_| rng.sample::<f64, _>(StandardNormal)).collect();
            out.row_mut(row).assign(&(&l.dot(&z) + &mu));
            labels[row] = comp;
            row += 1;
        }
    }
    Ok((out, labels))
}

/// Multinomial counts by sequential binomial draws.
fn multinomial<R: Rng + ?Sized>(n: usize, p: &[f64], rng: &mut R) -> Result<Vec<usize>> {
    let mut left = n as u64;
    let mut mass = 1.0;
    let mut out = Vec::with_capacity(p.len());
    for (i, &pi) in p.iter().enumerate() {
        if i + 1 == p.len() {
            out.push(left as usize);
            break;
        }
        let q = if mass > 0.0 { (pi / mass).clamp(0.0, 1.0) } else { 0.0 };
        let c = Binomial::new(left, q).map_err(|e| GmmError::invalid("weights", pi, e.to_string()))?.sample(rng);
        out.push(c as usize);
        left -= c;
        mass -= pi;
    }
    Ok(out)
}
