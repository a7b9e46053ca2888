//! The small linear-algebra facade every crate uses: Cholesky, SPD and general solves,
//! symmetric eigendecomposition, thin SVD and log-determinant on ndarray matrices.
//!
//! The default backend is faer (pure Rust, no system library). The opt-in `lapack` feature
//! switches to ndarray-linalg with a system OpenBLAS; both pass the same tests.
//!
//! ```
//! use ndarray::array;
//! let a = array![[4.0, 2.0], [2.0, 3.0]];
//! let l = seis_core::linalg::cholesky(a.view())?;
//! assert!((l[[0, 0]] - 2.0).abs() < 1e-12 && l[[0, 1]] == 0.0);
//! let x = seis_core::linalg::solve_spd(a.view(), array![[2.0], [1.0]].view())?;
//! assert!((x[[0, 0]] - 0.5).abs() < 1e-12 && x[[1, 0]].abs() < 1e-12);
//! # Ok::<(), seis_core::CoreError>(())
//! ```

use crate::validate::check_finite;
use crate::{CoreError, Result};
use ndarray::{Array1, Array2, ArrayView2, Axis};

fn check_square(what: &'static str, a: &ArrayView2<f64>) -> Result<()> {
    if a.nrows() != a.ncols() {
        return Err(CoreError::ShapeMismatch {
            what,
            expected: "a square matrix".into(),
            got: format!("{}×{}", a.nrows(), a.ncols()),
        });
    }
    check_finite(what, a.iter())
}

fn check_rhs(a: &ArrayView2<f64>, b: &ArrayView2<f64>) -> Result<()> {
    if b.nrows() != a.nrows() {
        return Err(CoreError::ShapeMismatch {
            what: "right-hand side rows",
            expected: a.nrows().to_string(),
            got: b.nrows().to_string(),
        });
    }
    check_finite("right-hand side", b.iter())
}

/// Lower Cholesky factor `L` with `A = L Lᵀ` of a symmetric positive-definite matrix (only
/// the lower triangle of `a` is read). Errors when `a` is not positive definite.
pub fn cholesky(a: ArrayView2<f64>) -> Result<Array2<f64>> {
    check_square("cholesky input", &a)?;
    backend::cholesky(a)
}

/// Solve `A X = B` for symmetric positive-definite `A` through Cholesky.
pub fn solve_spd(a: ArrayView2<f64>, b: ArrayView2<f64>) -> Result<Array2<f64>> {
    check_square("solve_spd matrix", &a)?;
    check_rhs(&a, &b)?;
    backend::solve_spd(a, b)
}

/// Solve `A X = B` for a general square `A` (LU with partial pivoting). Errors when `A` is
/// singular to working precision.
pub fn solve(a: ArrayView2<f64>, b: ArrayView2<f64>) -> Result<Array2<f64>> {
    check_square("solve matrix", &a)?;
    check_rhs(&a, &b)?;
    let x = backend::solve(a, b)?;
    if x.iter().any(|v| !v.is_finite()) {
        return Err(CoreError::Linalg("matrix is singular to working precision".into()));
    }
    Ok(x)
}

/// Eigen-decomposition of a symmetric matrix (lower triangle read): eigenvalues in ascending
/// order and the matching orthonormal eigenvectors as columns.
pub fn eigh(a: ArrayView2<f64>) -> Result<(Array1<f64>, Array2<f64>)> {
    check_square("eigh input", &a)?;
    let (w, v) = backend::eigh(a)?;
    Ok(sort_pairs(w, v, false))
}

/// Thin SVD `A = U diag(s) Vᵀ` with `k = min(m, n)`: returns `(U (m×k), s (k, descending), Vᵀ (k×n))`.
pub fn svd_thin(a: ArrayView2<f64>) -> Result<(Array2<f64>, Array1<f64>, Array2<f64>)> {
    if a.is_empty() {
        return Err(CoreError::Empty { what: "svd input" });
    }
    check_finite("svd input", a.iter())?;
    let (u, s, vt) = backend::svd_thin(a)?;
    // Both backends return descending values; enforce it so callers can rely on the order.
    let mut idx: Vec<usize> = (0..s.len()).collect();
    idx.sort_by(|&i, &j| s[j].total_cmp(&s[i]));
    if idx.iter().enumerate().all(|(k, &i)| k == i) {
        return Ok((u, s, vt));
    }
    Ok((u.select(Axis(1), &idx), s.select(Axis(0), &idx), vt.select(Axis(0), &idx)))
}

/// `log det A` of a symmetric positive-definite matrix, from its Cholesky factor.
pub fn logdet_spd(a: ArrayView2<f64>) -> Result<f64> {
    let l = cholesky(a)?;
    Ok(2.0 * l.diag().iter().map(|d| d.ln()).sum::<f64>())
}

/// Solve `L X = B` for lower-triangular `L` by forward substitution (only the lower triangle
/// is read). Errors on a zero diagonal.
pub fn solve_lower_triangular(l: ArrayView2<f64>, b: ArrayView2<f64>) -> Result<Array2<f64>> {
    check_square("triangular matrix", &l)?;
    check_rhs(&l, &b)?;
    let n = l.nrows();
    let mut x = b.to_owned();
    for i in 0..n {
        let d = l[[i, i]];
        if d == 0.0 {
            return Err(CoreError::Linalg(format!("zero on the diagonal at row {i}")));
        }
        for j in 0..i {
            let lij = l[[i, j]];
            if lij != 0.0 {
                let (done, mut rest) = x.view_mut().split_at(Axis(0), i);
                let xj = done.row(j);
                rest.row_mut(0).scaled_add(-lij, &xj);
            }
        }
        x.row_mut(i).mapv_inplace(|v| v / d);
    }
    Ok(x)
}

/// Sort (value, column) pairs ascending or descending; stable for ties.
fn sort_pairs(w: Array1<f64>, v: Array2<f64>, descending: bool) -> (Array1<f64>, Array2<f64>) {
    let mut idx: Vec<usize> = (0..w.len()).collect();
    let sorted = if descending {
        w.windows(2).into_iter().all(|p| p[0] >= p[1])
    } else {
        w.windows(2).into_iter().all(|p| p[0] <= p[1])
    };
    if sorted {
        return (w, v);
    }
    idx.sort_by(|&i, &j| {
        let o = w[i].total_cmp(&w[j]);
        if descending { o.reverse() } else { o }
    });
    (w.select(Axis(0), &idx), v.select(Axis(1), &idx))
}

#[cfg(not(feature = "lapack"))]
mod backend {
    use super::*;
    use faer::Side;
    use faer::linalg::solvers::{Llt, PartialPivLu, SelfAdjointEigen, Solve, Svd};
    use faer_ext::{IntoFaer, IntoNdarray};

    fn to_nd(m: faer::MatRef<'_, f64>) -> Array2<f64> {
        m.into_ndarray().to_owned()
    }

    pub fn cholesky(a: ArrayView2<f64>) -> Result<Array2<f64>> {
        let llt = Llt::new(a.into_faer(), Side::Lower)
            .map_err(|e| CoreError::Linalg(format!("Cholesky failed, matrix not positive definite: {e:?}")))?;
        Ok(to_nd(llt.L()))
    }

    pub fn solve_spd(a: ArrayView2<f64>, b: ArrayView2<f64>) -> Result<Array2<f64>> {
        let llt = Llt::new(a.into_faer(), Side::Lower)
            .map_err(|e| CoreError::Linalg(format!("Cholesky failed, matrix not positive definite: {e:?}")))?;
        let x = llt.solve(b.into_faer());
        Ok(to_nd(x.as_ref()))
    }

    pub fn solve(a: ArrayView2<f64>, b: ArrayView2<f64>) -> Result<Array2<f64>> {
        let lu = PartialPivLu::new(a.into_faer());
        let x = lu.solve(b.into_faer());
        Ok(to_nd(x.as_ref()))
    }

    pub fn eigh(a: ArrayView2<f64>) -> Result<(Array1<f64>, Array2<f64>)> {
        let e = SelfAdjointEigen::new(a.into_faer(), Side::Lower)
            .map_err(|e| CoreError::Linalg(format!("eigendecomposition did not converge: {e:?}")))?;
        let s = e.S();
        let w = Array1::from_iter((0..s.dim()).map(|i| s[i]));
        Ok((w, to_nd(e.U())))
    }

    pub fn svd_thin(a: ArrayView2<f64>) -> Result<(Array2<f64>, Array1<f64>, Array2<f64>)> {
        // faer's SVD is faster on its own column-major copy than on a row-major view.
        let m = faer::Mat::<f64>::from_fn(a.nrows(), a.ncols(), |i, j| a[[i, j]]);
        let svd = Svd::new_thin(m.as_ref()).map_err(|e| CoreError::Linalg(format!("SVD did not converge: {e:?}")))?;
        let s = svd.S();
        let sv = Array1::from_iter((0..s.dim()).map(|i| s[i]));
        Ok((to_nd(svd.U()), sv, to_nd(svd.V()).reversed_axes()))
    }
}

#[cfg(feature = "lapack")]
mod backend {
    use super::*;
    use ndarray_linalg::{Cholesky, Eigh, JobSvd, SVDDC, Solve, SolveC, UPLO};

    fn err(e: impl std::fmt::Display) -> CoreError {
        CoreError::Linalg(e.to_string())
    }

    pub fn cholesky(a: ArrayView2<f64>) -> Result<Array2<f64>> {
        a.to_owned()
            .cholesky(UPLO::Lower)
            .map_err(|e| CoreError::Linalg(format!("Cholesky failed, matrix not positive definite: {e}")))
    }

    pub fn solve_spd(a: ArrayView2<f64>, b: ArrayView2<f64>) -> Result<Array2<f64>> {
        let a = a.to_owned();
        let mut x = Array2::zeros(b.raw_dim());
        for (j, col) in b.axis_iter(Axis(1)).enumerate() {
            let c = a
                .solvec(&col.to_owned())
                .map_err(|e| CoreError::Linalg(format!("Cholesky failed, matrix not positive definite: {e}")))?;
            x.column_mut(j).assign(&c);
        }
        Ok(x)
    }

    pub fn solve(a: ArrayView2<f64>, b: ArrayView2<f64>) -> Result<Array2<f64>> {
        let a = a.to_owned();
        let mut x = Array2::zeros(b.raw_dim());
        for (j, col) in b.axis_iter(Axis(1)).enumerate() {
            let c = a.solve(&col.to_owned()).map_err(err)?;
            x.column_mut(j).assign(&c);
        }
        Ok(x)
    }

    pub fn eigh(a: ArrayView2<f64>) -> Result<(Array1<f64>, Array2<f64>)> {
        a.to_owned().eigh(UPLO::Lower).map_err(err)
    }

    pub fn svd_thin(a: ArrayView2<f64>) -> Result<(Array2<f64>, Array1<f64>, Array2<f64>)> {
        let (u, s, vt) = a.to_owned().svddc(JobSvd::Some).map_err(err)?;
        match (u, vt) {
            (Some(u), Some(vt)) => Ok((u, s, vt)),
            _ => Err(CoreError::Linalg("SVD returned no vectors".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn spd() -> Array2<f64> {
        array![[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]]
    }

    #[test]
    fn cholesky_reconstructs_and_logdet() {
        let a = spd();
        let l = cholesky(a.view()).unwrap();
        let r = l.dot(&l.t());
        assert!((&r - &a).iter().all(|d| d.abs() < 1e-12));
        assert!(l[[0, 1]] == 0.0 && l[[0, 2]] == 0.0 && l[[1, 2]] == 0.0);
        let det = 4.0 * (3.0 * 2.0 - 0.04) - 1.0 * (2.0 - 0.1) + 0.5 * (0.2 - 1.5);
        assert!((logdet_spd(a.view()).unwrap() - f64::ln(det)).abs() < 1e-12);
        assert!(cholesky(array![[1.0, 2.0], [2.0, 1.0]].view()).is_err());
    }

    #[test]
    fn solves() {
        let a = spd();
        let b = array![[1.0, 0.0], [2.0, 1.0], [3.0, 0.0]];
        for x in [solve_spd(a.view(), b.view()).unwrap(), solve(a.view(), b.view()).unwrap()] {
            assert!((a.dot(&x) - &b).iter().all(|d| d.abs() < 1e-12));
        }
        let l = cholesky(a.view()).unwrap();
        let y = solve_lower_triangular(l.view(), b.view()).unwrap();
        assert!((l.dot(&y) - &b).iter().all(|d| d.abs() < 1e-12));
        assert!(solve(array![[1.0, 2.0], [2.0, 4.0]].view(), array![[1.0], [1.0]].view()).is_err());
        assert!(matches!(solve(a.view(), array![[1.0]].view()), Err(CoreError::ShapeMismatch { .. })));
    }

    #[test]
    fn eigen_and_svd() {
        let a = spd();
        let (w, v) = eigh(a.view()).unwrap();
        assert!(w[0] <= w[1] && w[1] <= w[2]);
        let r = v.dot(&Array2::from_diag(&w)).dot(&v.t());
        assert!((&r - &a).iter().all(|d| d.abs() < 1e-12));
        let m = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
        let (u, s, vt) = svd_thin(m.view()).unwrap();
        assert_eq!((u.dim(), s.len(), vt.dim()), ((3, 2), 2, (2, 2)));
        assert!(s[0] >= s[1]);
        let r = u.dot(&Array2::from_diag(&s)).dot(&vt);
        assert!((&r - &m).iter().all(|d| d.abs() < 1e-12));
        assert!(matches!(eigh(array![[f64::NAN]].view()), Err(CoreError::NonFinite { .. })));
    }
}
