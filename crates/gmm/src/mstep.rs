//! M-step: component counts, means and covariances from responsibilities (scikit-learn's
//! `_estimate_gaussian_parameters`, same formulas per covariance type).

use crate::covariance::{CovMatrices, CovarianceType};
use crate::estep::{Samples, Stats};
use crate::kernel::{symmetrize_from_lower, weighted_scatter};
use ndarray::{Array1, Array2, Array3};
use rayon::prelude::*;

/// `(n_k, means, covariances)` of one M-step.
pub(crate) struct Estimate {
    pub nk: Array1<f64>,
    pub means: Array2<f64>,
    pub covariances: CovMatrices,
}

/// Samples per parallel work item of the scatter sums (fixed, so that results do not depend on
/// the number of threads).
const MCHUNK: usize = 4096;

/// Start and length of every M-step work item.
fn work_items(n: usize) -> Vec<(usize, usize)> {
    (0..n).step_by(MCHUNK).map(|i0| (i0, MCHUNK.min(n - i0))).collect()
}

/// `XᵀX` (`d × d`), needed by the tied M-step; constant over a fit.
pub(crate) fn gram(s: &Samples) -> Array2<f64> {
    let d = s.d;
    let (zero, ones) = (vec![0.0; d], vec![1.0; MCHUNK]);
    let parts: Vec<Vec<f64>> = work_items(s.n)
        .into_par_iter()
        .map(|(i0, m)| {
            let mut out = vec![0.0; d * d];
            weighted_scatter(&s.xt, s.n, i0, m, 1, &ones[..m], &[0.0], &zero, &mut out);
            out
        })
        .collect();
    let mut g = sum_in_order(parts, d * d);
    symmetrize_from_lower(&mut g, d);
    Array2::from_shape_vec((d, d), g).expect("d × d")
}

fn sum_in_order(parts: Vec<Vec<f64>>, len: usize) -> Vec<f64> {
    parts.iter().fold(vec![0.0; len], |mut acc, p| {
        acc.iter_mut().zip(p).for_each(|(a, b)| *a += b);
        acc
    })
}

/// M-step from the E-step statistics (and, for full covariances, a second pass over the data
/// and responsibilities). `gram`: `XᵀX` for tied.
pub(crate) fn estimate(
    s: &Samples,
    resp: &[f64],
    k: usize,
    st: &Stats,
    ct: CovarianceType,
    reg_covar: f64,
    gram: Option<&Array2<f64>>,
) -> Estimate {
    let d = s.d;
    let nk = Array1::from_iter(st.nk.iter().map(|v| v + 10.0 * f64::EPSILON));
    let mut means = Array2::from_shape_vec((k, d), st.sx.clone()).expect("k × d");
    for (mut row, &n) in means.rows_mut().into_iter().zip(&nk) {
        row.mapv_inplace(|v| v / n);
    }
    let covariances = match ct {
        CovarianceType::Full => {
            let mflat: Vec<f64> = means.iter().copied().collect();
            // Responsibilities below ε·n_k/n are left out of the scatter sums: together they
            // weigh less than ε·n_k, below the rounding error of the sums themselves.
            let tau: Vec<f64> = st.nk.iter().map(|&v| f64::EPSILON * v / s.n as f64).collect();
            let parts: Vec<Vec<f64>> = work_items(s.n)
                .into_par_iter()
                .map(|(i0, m)| {
                    let mut out = vec![0.0; k * d * d];
                    weighted_scatter(&s.xt, s.n, i0, m, k, &resp[i0 * k..(i0 + m) * k], &tau, &mflat, &mut out);
                    out
                })
                .collect();
            let mut c = sum_in_order(parts, k * d * d);
            for comp in 0..k {
                let m = &mut c[comp * d * d..(comp + 1) * d * d];
                symmetrize_from_lower(m, d);
                m.iter_mut().for_each(|v| *v /= nk[comp]);
                for j in 0..d {
                    m[j * d + j] += reg_covar;
                }
            }
            CovMatrices::Full(Array3::from_shape_vec((k, d, d), c).expect("k × d × d"))
        }
        CovarianceType::Tied => {
            let g = gram.expect("tied M-step needs XᵀX");
            let mut avg_means2 = Array2::<f64>::zeros((d, d));
            for a in 0..d {
                for b in 0..d {
                    avg_means2[[a, b]] = (0..k).map(|c| nk[c] * means[[c, a]] * means[[c, b]]).sum();
                }
            }
            let total: f64 = nk.sum();
            let mut c = (g - &avg_means2) / total;
            c.diag_mut().mapv_inplace(|v| v + reg_covar);
            CovMatrices::Tied(c)
        }
        CovarianceType::Diag | CovarianceType::Spherical => {
            let mut c = Array2::from_shape_vec((k, d), st.sx2.clone()).expect("k × d");
            for comp in 0..k {
                for j in 0..d {
                    let m = means[[comp, j]];
                    c[[comp, j]] = c[[comp, j]] / nk[comp] - m * m + reg_covar;
                }
            }
            if ct == CovarianceType::Diag {
                CovMatrices::Diag(c)
            } else {
                CovMatrices::Spherical(c.rows().into_iter().map(|r| r.sum() / d as f64).collect())
            }
        }
    };
    Estimate { nk, means, covariances }
}
