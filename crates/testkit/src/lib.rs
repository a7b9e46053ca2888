//! Test support shared by the seisml crates: load golden cases written by the Python reference
//! scripts under `xtask/golden/` and compare arrays with a combined absolute + relative tolerance.
//!
//! Golden files live in `tests/golden/<crate>/` at the workspace root: `.npz` archives
//! (`numpy.savez_compressed`) for arrays and `.json` files for parameters and scalars.
//!
//! ```no_run
//! use seisml_testkit::{Golden, Tolerance};
//! let mut g = Golden::open("seis-core", "detrend.npz");
//! let x = g.array1("x");
//! let expected = g.array1("linear");
//! Tolerance::new(1e-12, 1e-10).assert_close("detrend", expected.view(), expected.view());
//! # let _ = x;
//! ```

use ndarray::{Array, ArrayView, Dimension, IxDyn};
use ndarray_npy::{NpzReader, ReadableElement};
use std::fs::File;
use std::path::PathBuf;

/// Workspace root (the directory holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // crates/testkit -> workspace root
    here.parent().and_then(|p| p.parent()).map(|p| p.to_path_buf()).expect("testkit lives in crates/testkit")
}

/// Directory with the golden files of one crate: `tests/golden/<crate_name>/`.
pub fn golden_dir(crate_name: &str) -> PathBuf {
    workspace_root().join("tests").join("golden").join(crate_name)
}

/// Path to one golden file of a crate.
pub fn golden_path(crate_name: &str, file: &str) -> PathBuf {
    golden_dir(crate_name).join(file)
}

/// Read a JSON golden file.
pub fn json(crate_name: &str, file: &str) -> serde_json::Value {
    let path = golden_path(crate_name, file);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read golden file {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad JSON in {}: {e}", path.display()))
}

/// An open `.npz` golden archive.
pub struct Golden {
    path: PathBuf,
    npz: NpzReader<File>,
}

impl Golden {
    /// Open `tests/golden/<crate_name>/<file>` (an `.npz`).
    pub fn open(crate_name: &str, file: &str) -> Self {
        let path = golden_path(crate_name, file);
        let f = File::open(&path).unwrap_or_else(|e| panic!("cannot open golden file {}: {e}", path.display()));
        let npz = NpzReader::new(f).unwrap_or_else(|e| panic!("not an npz archive {}: {e}", path.display()));
        Self { path, npz }
    }

    /// Names of the arrays in the archive (without the `.npy` suffix).
    pub fn names(&mut self) -> Vec<String> {
        self.npz.names().unwrap_or_default().into_iter().map(|n| n.trim_end_matches(".npy").to_string()).collect()
    }

    /// Read an array of any dimension.
    pub fn array<T: ReadableElement>(&mut self, name: &str) -> Array<T, IxDyn> {
        self.npz
            .by_name(name)
            .or_else(|_| self.npz.by_name(&format!("{name}.npy")))
            .unwrap_or_else(|e| panic!("array {name:?} missing in {}: {e}", self.path.display()))
    }

    /// Read an f64 array of fixed dimension.
    pub fn array_d<D: Dimension>(&mut self, name: &str) -> Array<f64, D> {
        let a: Array<f64, IxDyn> = self.array(name);
        a.into_dimensionality::<D>().unwrap_or_else(|e| panic!("array {name:?} in {}: {e}", self.path.display()))
    }

    /// Read a 1-D f64 array.
    pub fn array1(&mut self, name: &str) -> ndarray::Array1<f64> {
        self.array_d(name)
    }

    /// Read a 2-D f64 array.
    pub fn array2(&mut self, name: &str) -> ndarray::Array2<f64> {
        self.array_d(name)
    }

    /// Read a 3-D f64 array.
    pub fn array3(&mut self, name: &str) -> ndarray::Array3<f64> {
        self.array_d(name)
    }

    /// Read a scalar stored as a 0-d or 1-element array.
    pub fn scalar(&mut self, name: &str) -> f64 {
        let a: Array<f64, IxDyn> = self.array(name);
        assert_eq!(a.len(), 1, "{name:?} in {} is not a scalar", self.path.display());
        a.iter().copied().next().unwrap_or(f64::NAN)
    }
}

/// Combined tolerance: `|actual - expected| <= abs + rel * |expected|`, element-wise.
#[derive(Debug, Clone, Copy)]
pub struct Tolerance {
    pub abs: f64,
    pub rel: f64,
}

impl Tolerance {
    pub const fn new(abs: f64, rel: f64) -> Self {
        Self { abs, rel }
    }

    /// Absolute part scaled by the largest magnitude of `expected` (`abs_of_max * max|expected|`).
    pub fn scaled<D: Dimension>(abs_of_max: f64, rel: f64, expected: ArrayView<f64, D>) -> Self {
        let m = expected.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        Self::new(abs_of_max * m, rel)
    }

    /// Worst violation ratio (`|a-e| / (abs + rel|e|)`); ≤ 1 passes.
    pub fn worst<D: Dimension>(&self, actual: ArrayView<f64, D>, expected: ArrayView<f64, D>) -> (f64, usize) {
        assert_eq!(actual.shape(), expected.shape(), "shape mismatch");
        let mut worst = (0.0f64, 0usize);
        for (i, (a, e)) in actual.iter().zip(expected.iter()).enumerate() {
            let ratio = if a.is_nan() && e.is_nan() {
                0.0
            } else if !a.is_finite() || !e.is_finite() {
                if a == e { 0.0 } else { f64::INFINITY }
            } else {
                let bound = self.abs + self.rel * e.abs();
                let d = (a - e).abs();
                if d == 0.0 {
                    0.0
                } else if bound == 0.0 {
                    f64::INFINITY
                } else {
                    d / bound
                }
            };
            if ratio > worst.0 || ratio.is_nan() {
                worst = (ratio, i);
            }
        }
        worst
    }

    /// Panic with a readable message when any element is out of tolerance.
    #[track_caller]
    pub fn assert_close<D: Dimension>(&self, what: &str, actual: ArrayView<f64, D>, expected: ArrayView<f64, D>) {
        assert_eq!(
            actual.shape(),
            expected.shape(),
            "{what}: shape {:?} != expected {:?}",
            actual.shape(),
            expected.shape()
        );
        let (ratio, i) = self.worst(actual.view(), expected.view());
        if ratio > 1.0 || ratio.is_nan() {
            let a = actual.iter().nth(i).copied().unwrap_or(f64::NAN);
            let e = expected.iter().nth(i).copied().unwrap_or(f64::NAN);
            panic!(
                "{what}: element {i} (flat) = {a:e}, expected {e:e}; |diff| = {:e} exceeds abs {:e} + rel {:e} (ratio {ratio:.3})",
                (a - e).abs(),
                self.abs,
                self.rel
            );
        }
    }

    /// Scalar comparison.
    #[track_caller]
    pub fn assert_scalar(&self, what: &str, actual: f64, expected: f64) {
        let a = ndarray::arr0(actual);
        let e = ndarray::arr0(expected);
        self.assert_close(what, a.view(), e.view());
    }
}
