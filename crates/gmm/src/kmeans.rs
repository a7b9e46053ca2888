//! K-means clustering (Lloyd's algorithm with k-means++ seeding), as scikit-learn's `KMeans`.

use crate::estep::CHUNK;
use crate::validate::{check_features, check_matrix};
use crate::{GmmError, Result};
use ndarray::{Array1, Array2, ArrayView2};
use rand::{Rng, RngExt};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// How the k-means centres are seeded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub enum KMeansInit {
    /// Greedy k-means++ (`2 + ⌊ln k⌋` local trials per centre, as scikit-learn).
    #[default]
    KMeansPlusPlus,
    /// `k` distinct rows chosen at random.
    Random,
    /// Given centres (`k × d`); `n_init` is then 1.
    Centers(Array2<f64>),
}

/// Hyperparameters of [`KMeans`] (builder; validated by [`KMeansParams::check`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KMeansParams {
    n_clusters: usize,
    n_init: Option<usize>,
    max_iter: usize,
    tol: f64,
    init: KMeansInit,
}

/// Validated [`KMeansParams`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KMeansValidParams(KMeansParams);

impl KMeansParams {
    /// Defaults of scikit-learn: k-means++, `n_init` "auto" (1 for k-means++ and given centres,
    /// 10 for random), `max_iter` 300, `tol` 1e-4 (relative to the mean feature variance).
    pub fn new(n_clusters: usize) -> Self {
        Self { n_clusters, n_init: None, max_iter: 300, tol: 1e-4, init: KMeansInit::KMeansPlusPlus }
    }
    /// Number of seedings; the run with the lowest inertia is kept.
    pub fn n_init(mut self, n: usize) -> Self {
        self.n_init = Some(n);
        self
    }
    /// Maximum Lloyd iterations per run.
    pub fn max_iter(mut self, n: usize) -> Self {
        self.max_iter = n;
        self
    }
    /// Convergence tolerance on the squared centre shift, relative to the mean feature variance.
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }
    /// Seeding method.
    pub fn init(mut self, init: KMeansInit) -> Self {
        self.init = init;
        self
    }

    /// Validate the parameters.
    pub fn check(self) -> Result<KMeansValidParams> {
        if self.n_clusters == 0 {
            return Err(GmmError::invalid("n_clusters", 0, "must be >= 1"));
        }
        if self.n_init == Some(0) {
            return Err(GmmError::invalid("n_init", 0, "must be >= 1"));
        }
        if self.max_iter == 0 {
            return Err(GmmError::invalid("max_iter", 0, "must be >= 1"));
        }
        crate::validate::check_nonneg("tol", self.tol, true)?;
        if let KMeansInit::Centers(c) = &self.init {
            if c.nrows() != self.n_clusters {
                return Err(GmmError::ShapeMismatch {
                    what: "initial centres rows".into(),
                    expected: self.n_clusters.to_string(),
                    got: c.nrows().to_string(),
                });
            }
            check_matrix("initial centres", c.view())?;
        }
        Ok(KMeansValidParams(self))
    }

    /// Validate and fit.
    pub fn fit<R: Rng + ?Sized>(self, x: ArrayView2<f64>, rng: &mut R) -> Result<KMeans> {
        self.check()?.fit(x, rng)
    }
}

/// A fitted k-means clustering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KMeans {
    centers: Array2<f64>,
    labels: Array1<usize>,
    inertia: f64,
    n_iter: usize,
}

impl KMeans {
    /// Start building the hyperparameters.
    pub fn params(n_clusters: usize) -> KMeansParams {
        KMeansParams::new(n_clusters)
    }
    /// Cluster centres (`k × d`).
    pub fn centers(&self) -> &Array2<f64> {
        &self.centers
    }
    /// Labels of the training rows.
    pub fn labels(&self) -> &Array1<usize> {
        &self.labels
    }
    /// Sum of squared distances of the training rows to their centres.
    pub fn inertia(&self) -> f64 {
        self.inertia
    }
    /// Lloyd iterations of the kept run.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }
    /// Index of the nearest centre for each row.
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<usize>> {
        let x = check_features("k-means data", x, self.centers.ncols())?;
        let xs = x.as_slice().expect("standard layout");
        let c: Vec<f64> = self.centers.iter().copied().collect();
        let (labels, _) = assign(xs, &c, self.centers.ncols(), self.centers.nrows());
        Ok(Array1::from(labels))
    }
}

/// Squared Euclidean distance.
#[inline]
fn dist2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Nearest centre and its squared distance for every row (parallel over fixed chunks).
fn assign(x: &[f64], centers: &[f64], d: usize, k: usize) -> (Vec<usize>, Vec<f64>) {
    let n = x.len() / d;
    let mut labels = vec![0usize; n];
    let mut dists = vec![0.0; n];
    labels.par_chunks_mut(CHUNK).zip(dists.par_chunks_mut(CHUNK)).zip(x.par_chunks(CHUNK * d)).for_each(
        |((l, dd), xc)| {
            for ((row, li), di) in xc.chunks_exact(d).zip(l.iter_mut()).zip(dd.iter_mut()) {
                let mut best = (0, f64::INFINITY);
                for c in 0..k {
                    let v = dist2(row, &centers[c * d..(c + 1) * d]);
                    if v < best.1 {
                        best = (c, v);
                    }
                }
                *li = best.0;
                *di = best.1;
            }
        },
    );
    (labels, dists)
}

/// k-means++ seeding (scikit-learn's greedy variant); returns the chosen row indices.
pub(crate) fn kmeans_plusplus<R: Rng + ?Sized>(x: &[f64], d: usize, k: usize, rng: &mut R) -> Vec<usize> {
    let n = x.len() / d;
    let trials = 2 + (k as f64).ln() as usize;
    let row = |i: usize| &x[i * d..(i + 1) * d];
    let first = rng.random_range(0..n);
    let mut idx = vec![first];
    let mut closest: Vec<f64> = (0..n).map(|i| dist2(row(i), row(first))).collect();
    let mut pot: f64 = closest.iter().sum();
    let mut cand_d = vec![0.0; n];
    let mut best_d = vec![0.0; n];
    for _ in 1..k {
        let mut cum = Vec::with_capacity(n);
        let mut s = 0.0;
        for &v in &closest {
            s += v;
            cum.push(s);
        }
        let mut best: Option<(f64, usize)> = None;
        for _ in 0..trials {
            let u: f64 = rng.random::<f64>() * pot;
            let c = cum.partition_point(|&v| v < u).min(n - 1);
            let cr = row(c);
            cand_d.par_iter_mut().zip(closest.par_iter()).enumerate().for_each(|(i, (o, &cl))| {
                *o = cl.min(dist2(&x[i * d..(i + 1) * d], cr));
            });
            let p: f64 = cand_d.iter().sum();
            if best.is_none_or(|(bp, _)| p < bp) {
                best = Some((p, c));
                best_d.copy_from_slice(&cand_d);
            }
        }
        let (p, c) = best.expect("at least one trial");
        pot = p;
        closest.copy_from_slice(&best_d);
        idx.push(c);
    }
    idx
}

impl KMeansValidParams {
    /// Fit on the rows of `x` (`n × d`, `n >= n_clusters`).
    pub fn fit<R: Rng + ?Sized>(&self, x: ArrayView2<f64>, rng: &mut R) -> Result<KMeans> {
        let p = &self.0;
        let x = check_matrix("k-means data", x)?;
        let (n, d) = x.dim();
        let k = p.n_clusters;
        if n < k {
            return Err(GmmError::TooFewSamples { what: "k-means", needed: k, got: n });
        }
        if let KMeansInit::Centers(c) = &p.init
            && c.ncols() != d
        {
            return Err(GmmError::FeatureMismatch { expected: d, got: c.ncols() });
        }
        let xs = x.as_slice().expect("standard layout");
        // Tolerance relative to the mean feature variance, as scikit-learn.
        let var_mean = x.var_axis(ndarray::Axis(0), 0.0).mean().unwrap_or(0.0);
        let tol = p.tol * var_mean;
        let n_init = p.n_init.unwrap_or(match p.init {
            KMeansInit::Random => 10,
            _ => 1,
        });
        let mut best: Option<KMeans> = None;
        for _ in 0..n_init {
            let centers: Vec<f64> = match &p.init {
                KMeansInit::Centers(c) => c.iter().copied().collect(),
                KMeansInit::KMeansPlusPlus => {
                    kmeans_plusplus(xs, d, k, rng).iter().flat_map(|&i| xs[i * d..(i + 1) * d].to_vec()).collect()
                }
                KMeansInit::Random => rand::seq::index::sample(rng, n, k)
                    .into_iter()
                    .flat_map(|i| xs[i * d..(i + 1) * d].to_vec())
                    .collect(),
            };
            let run = lloyd(xs, d, k, centers, p.max_iter, tol);
            if best.as_ref().is_none_or(|b| run.inertia < b.inertia) {
                best = Some(run);
            }
        }
        Ok(best.expect("n_init >= 1"))
    }
}

/// One Lloyd run from given centres (scikit-learn's `_kmeans_single_lloyd`).
fn lloyd(x: &[f64], d: usize, k: usize, mut centers: Vec<f64>, max_iter: usize, tol: f64) -> KMeans {
    let n = x.len() / d;
    let mut labels_old: Vec<usize> = vec![usize::MAX; n];
    let mut strict = false;
    let mut n_iter = 0;
    let mut labels = Vec::new();
    for it in 0..max_iter {
        n_iter = it + 1;
        let (l, dists) = assign(x, &centers, d, k);
        labels = l;
        let mut sums = vec![0.0; k * d];
        let mut counts = vec![0usize; k];
        for (row, &c) in x.chunks_exact(d).zip(&labels) {
            counts[c] += 1;
            sums[c * d..(c + 1) * d].iter_mut().zip(row).for_each(|(s, v)| *s += v);
        }
        // Empty clusters take the points farthest from their centres.
        let empty: Vec<usize> = (0..k).filter(|&c| counts[c] == 0).collect();
        if !empty.is_empty() {
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&a, &b| dists[b].total_cmp(&dists[a]));
            for (&c, &i) in empty.iter().zip(&order) {
                let old = labels[i];
                let row = &x[i * d..(i + 1) * d];
                counts[old] -= 1;
                sums[old * d..(old + 1) * d].iter_mut().zip(row).for_each(|(s, v)| *s -= v);
                counts[c] = 1;
                sums[c * d..(c + 1) * d].copy_from_slice(row);
            }
        }
        let mut shift = 0.0;
        for c in 0..k {
            if counts[c] > 0 {
                for j in 0..d {
                    let v = sums[c * d + j] / counts[c] as f64;
                    shift += (v - centers[c * d + j]).powi(2);
                    centers[c * d + j] = v;
                }
            }
        }
        if labels == labels_old {
            strict = true;
            break;
        }
        if shift <= tol {
            break;
        }
        labels_old.clone_from(&labels);
    }
    let (l, dists) = assign(x, &centers, d, k);
    if !strict {
        labels = l;
    }
    let inertia = if strict {
        x.chunks_exact(d).zip(&labels).map(|(row, &c)| dist2(row, &centers[c * d..(c + 1) * d])).sum()
    } else {
        dists.iter().sum()
    };
    KMeans {
        centers: Array2::from_shape_vec((k, d), centers).expect("k × d"),
        labels: Array1::from(labels),
        inertia,
        n_iter,
    }
}
