//! A standard-deviation output (σ, τ or φ) that stores one value per IMT when the model is
//! homoskedastic, instead of n_contexts copies of it.

use ndarray::{Array2, ArrayView1, ArrayView2, Axis};

/// σ, τ or φ of [`super::Predictions`], logically of shape (n_imts, n_contexts).
///
/// Homoskedastic models (Akkar & Bommer 2010, Bindi et al. 2011, Kotha et al. 2020 base and Site,
/// Cauzzi et al. 2014, Lanzano et al. 2019 — as in hazardlib) have one value per IMT whatever the
/// context, so only those values are stored ([`StdDev::per_imt`]); a million contexts then cost
/// nothing extra. Heteroskedastic models (BSSA14, Kotha ESHM20) store every value. Either way
/// [`StdDev::view`] is the full (n_imts, n_contexts) array (a zero-copy broadcast for constant
/// rows) and `s[[m, i]]` indexes it.
///
/// ```
/// use gmm_residuals::gmpe::{Contexts, Gmpe, KothaEtAl2020, KothaVariant};
/// use gmm_residuals::Imt;
/// let plan = KothaEtAl2020::new(KothaVariant::Base).plan(&[Imt::Sa(1.0)])?;
/// let (mag, depth, rjb) = ([6.0, 5.0], [8.0, 12.0], [10.0, 50.0]);
/// let p = plan.predict(&Contexts::new(&mag).with_hypo_depth(&depth).with_rjb(&rjb))?;
/// assert!(p.sigma.is_homoskedastic());
/// assert_eq!(p.sigma.view().dim(), (1, 2));
/// assert_eq!(p.sigma[[0, 0]], p.sigma[[0, 1]]);
/// # Ok::<(), gmm_residuals::ResidualsError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct StdDev {
    /// (n_imts, n_contexts), or (n_imts, 1) when homoskedastic.
    values: Array2<f64>,
    n_contexts: usize,
    homoskedastic: bool,
}

impl StdDev {
    /// One value per IMT for `n_contexts` contexts.
    pub(crate) fn constant(per_imt: Vec<f64>, n_contexts: usize) -> Self {
        let k = per_imt.len();
        StdDev { values: Array2::from_shape_vec((k, 1), per_imt).unwrap_or_default(), n_contexts, homoskedastic: true }
    }

    /// Every value, shape (n_imts, n_contexts).
    pub(crate) fn full(values: Array2<f64>) -> Self {
        let n_contexts = values.ncols();
        StdDev { values, n_contexts, homoskedastic: false }
    }

    /// True when each IMT has one value for all contexts (nothing of size n_contexts stored).
    pub fn is_homoskedastic(&self) -> bool {
        self.homoskedastic
    }

    /// The per-IMT values of a homoskedastic model (None when they vary between contexts).
    pub fn per_imt(&self) -> Option<ArrayView1<'_, f64>> {
        self.homoskedastic.then(|| self.values.column(0))
    }

    /// Logical shape (n_imts, n_contexts).
    pub fn dim(&self) -> (usize, usize) {
        (self.values.nrows(), self.n_contexts)
    }

    /// The full (n_imts, n_contexts) array; homoskedastic rows are broadcast without copying.
    pub fn view(&self) -> ArrayView2<'_, f64> {
        let dim = self.dim();
        self.values.broadcast(dim).unwrap_or_else(|| self.values.view())
    }

    /// Row of IMT number `m` (n_contexts values; panics when `m` ≥ n_imts, as ndarray does).
    pub fn row(&self, m: usize) -> ArrayView1<'_, f64> {
        self.view().index_axis_move(Axis(0), m)
    }

    /// Value of IMT `m` at context `i` (None when out of bounds).
    pub fn get(&self, m: usize, i: usize) -> Option<f64> {
        if i >= self.n_contexts {
            return None;
        }
        self.values.get([m, i.min(self.values.ncols() - 1)]).copied()
    }

    /// An owned (n_imts, n_contexts) array (materialises constant rows).
    pub fn to_array(&self) -> Array2<f64> {
        self.view().to_owned()
    }
}

impl std::ops::Index<[usize; 2]> for StdDev {
    type Output = f64;

    /// `s[[m, i]]`: value of IMT `m` at context `i`; panics when out of bounds, like ndarray.
    fn index(&self, [m, i]: [usize; 2]) -> &f64 {
        assert!(i < self.n_contexts, "context index {i} out of bounds for {} contexts", self.n_contexts);
        &self.values[[m, i.min(self.values.ncols() - 1)]]
    }
}
