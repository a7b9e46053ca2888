//! Class rebalancing: over/under-sampling by metadata bins, and SMOTE on feature vectors.

use crate::error::{AugmentError, Result, check_finite};
use crate::sample::{Metadata, Sample};
use crate::source::{SampleSource, check_index};
use ndarray::{Array2, ArrayView2, Axis};
use rand::{Rng, RngExt};

/// The numeric metadata `key` of every sample of a source (NaN where missing).
pub fn metadata_values<S: SampleSource + ?Sized>(source: &S, key: &str) -> Result<Vec<f64>> {
    (0..source.len()).map(|i| Ok(source.metadata(i)?.number(key).unwrap_or(f64::NAN))).collect()
}

/// Result of [`rebalance_by_bins`].
#[derive(Debug, Clone, PartialEq)]
pub struct Rebalanced {
    /// Sample indices of the rebalanced epoch (each bin contributes `per_bin` of them).
    pub indices: Vec<usize>,
    /// Samples per bin before rebalancing.
    pub counts: Vec<usize>,
    /// Samples outside every bin or with a NaN value (not used; reported, not silently dropped).
    pub excluded: Vec<usize>,
}

/// Over- and under-sampling so that every non-empty bin `[edges[i], edges[i+1])` (the last bin
/// includes its upper edge) contributes `per_bin` indices: bins with more samples are drawn
/// without replacement, bins with fewer keep all their samples and draw the rest with replacement.
pub fn rebalance_by_bins(values: &[f64], edges: &[f64], per_bin: usize, rng: &mut dyn Rng) -> Result<Rebalanced> {
    if values.is_empty() {
        return Err(AugmentError::Empty { what: "values to rebalance" });
    }
    if edges.len() < 2 {
        return Err(AugmentError::invalid("edges", edges.len(), "need at least two bin edges"));
    }
    check_finite("bin edges", edges.iter())?;
    if let Some(w) = edges.windows(2).position(|w| w[0] >= w[1]) {
        return Err(AugmentError::invalid("edges", edges[w + 1], "bin edges must increase strictly"));
    }
    if per_bin == 0 {
        return Err(AugmentError::invalid("per_bin", 0, "must be > 0"));
    }
    let nb = edges.len() - 1;
    let mut bins: Vec<Vec<usize>> = vec![Vec::new(); nb];
    let mut excluded = Vec::new();
    for (i, &v) in values.iter().enumerate() {
        let last = edges[nb];
        let b = if v.is_nan() || v < edges[0] || v > last {
            None
        } else if v == last {
            Some(nb - 1)
        } else {
            Some(edges.partition_point(|&e| e <= v) - 1)
        };
        match b {
            Some(b) => bins[b].push(i),
            None => excluded.push(i),
        }
    }
    let counts = bins.iter().map(Vec::len).collect();
    let mut indices = Vec::new();
    for mut bin in bins.into_iter().filter(|b| !b.is_empty()) {
        if bin.len() >= per_bin {
            for i in 0..per_bin {
                let j = rng.random_range(i..bin.len());
                bin.swap(i, j);
            }
            indices.extend_from_slice(&bin[..per_bin]);
        } else {
            indices.extend_from_slice(&bin);
            for _ in bin.len()..per_bin {
                indices.push(bin[rng.random_range(0..bin.len())]);
            }
        }
    }
    Ok(Rebalanced { indices, counts, excluded })
}

/// A source viewing `indices` of another source (e.g. a rebalanced epoch).
pub struct Subset<S> {
    inner: S,
    indices: Vec<usize>,
}

impl<S: SampleSource> Subset<S> {
    /// Errors on an index outside the inner source.
    pub fn new(inner: S, indices: Vec<usize>) -> Result<Self> {
        for &i in &indices {
            check_index(i, inner.len())?;
        }
        Ok(Self { inner, indices })
    }
}

impl<S: SampleSource> SampleSource for Subset<S> {
    fn len(&self) -> usize {
        self.indices.len()
    }
    fn sample(&self, index: usize) -> Result<Sample> {
        check_index(index, self.indices.len())?;
        self.inner.sample(self.indices[index])
    }
    fn metadata(&self, index: usize) -> Result<Metadata> {
        check_index(index, self.indices.len())?;
        self.inner.metadata(self.indices[index])
    }
    fn pending(&self, index: usize) -> Result<Option<crate::PendingWindow>> {
        check_index(index, self.indices.len())?;
        self.inner.pending(self.indices[index])
    }
    fn sample_window(&self, index: usize, window: crate::PendingWindow) -> Result<Sample> {
        check_index(index, self.indices.len())?;
        self.inner.sample_window(self.indices[index], window)
    }
}

/// SMOTE (Chawla et al. 2002) on feature vectors (rows of `x`, classes `y`): every class is
/// oversampled to the size of the largest one with points `x_i + u (x_nn − x_i)`, `u ~ U(0, 1)`,
/// `x_nn` one of the `k` nearest same-class neighbours (Euclidean) of a random class member
/// `x_i`. Returns the original rows followed by the synthetic ones, with their classes.
/// Classes with a single member cannot be interpolated and are reported as an error.
pub fn smote(x: ArrayView2<f64>, y: &[usize], k: usize, rng: &mut dyn Rng) -> Result<(Array2<f64>, Vec<usize>)> {
    if x.nrows() == 0 {
        return Err(AugmentError::Empty { what: "SMOTE features" });
    }
    if x.nrows() != y.len() {
        return Err(AugmentError::ShapeMismatch {
            what: "SMOTE features vs classes".into(),
            expected: x.nrows().to_string(),
            got: y.len().to_string(),
        });
    }
    if k == 0 {
        return Err(AugmentError::invalid("k", 0, "must be >= 1"));
    }
    check_finite("SMOTE features", x.iter())?;
    let n_classes = y.iter().copied().max().map_or(0, |m| m + 1);
    let members: Vec<Vec<usize>> = (0..n_classes).map(|c| (0..y.len()).filter(|&i| y[i] == c).collect()).collect();
    let target = members.iter().map(Vec::len).max().unwrap_or(0);
    let mut rows: Vec<f64> = x.iter().copied().collect();
    let mut classes = y.to_vec();
    let d = x.ncols();
    for (c, m) in members.iter().enumerate() {
        if m.is_empty() || m.len() == target {
            continue;
        }
        if m.len() < 2 {
            return Err(AugmentError::invalid("y", c, "class has a single member; SMOTE needs two"));
        }
        let kk = k.min(m.len() - 1);
        // k nearest neighbours within the class, brute force.
        let neighbours: Vec<Vec<usize>> = m
            .iter()
            .map(|&i| {
                let mut dist: Vec<(f64, usize)> = m
                    .iter()
                    .filter(|&&j| j != i)
                    .map(|&j| {
                        let dd = x.row(i).iter().zip(x.row(j).iter()).map(|(a, b)| (a - b) * (a - b)).sum::<f64>();
                        (dd, j)
                    })
                    .collect();
                dist.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                dist.into_iter().take(kk).map(|(_, j)| j).collect()
            })
            .collect();
        for _ in m.len()..target {
            let a = rng.random_range(0..m.len());
            let nn = neighbours[a][rng.random_range(0..kk)];
            let u: f64 = rng.random();
            let (xi, xn) = (x.row(m[a]), x.row(nn));
            rows.extend(xi.iter().zip(xn.iter()).map(|(p, q)| p + u * (q - p)));
            classes.push(c);
        }
    }
    let out = Array2::from_shape_vec((classes.len(), d), rows)
        .map_err(|e| AugmentError::Source(format!("SMOTE output shape: {e}")))?;
    debug_assert_eq!(out.len_of(Axis(0)), classes.len());
    Ok((out, classes))
}
