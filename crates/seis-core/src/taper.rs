//! Taper windows (scipy.signal.windows / ObsPy semantics) and tapering that returns new data.

use crate::validate::check_finite;
use crate::{CoreError, Result};
use ndarray::{Array1, ArrayView1};
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// A taper shape.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Taper {
    /// Tukey (tapered cosine) with `alpha` the fraction of the window inside the cosine lobes
    /// (scipy `tukey(M, alpha, sym=True)`): 0 = rectangular, 1 = Hann.
    Tukey {
        /// Fraction in [0, 1].
        alpha: f64,
    },
    /// Symmetric Hann (scipy `hann(M, sym=True)`).
    Hann,
    /// ObsPy's `cosine_taper(npts, p)`: `p` is the decimal fraction of the trace tapered at
    /// both ends together (split half and half).
    Cosine {
        /// Fraction in [0, 1].
        p: f64,
    },
}

impl Taper {
    fn check(&self) -> Result<()> {
        match *self {
            Taper::Tukey { alpha } if !(0.0..=1.0).contains(&alpha) => {
                Err(CoreError::invalid("alpha", alpha, "must lie in [0, 1]"))
            }
            Taper::Cosine { p } if !(0.0..=1.0).contains(&p) => Err(CoreError::invalid("p", p, "must lie in [0, 1]")),
            _ => Ok(()),
        }
    }

    /// The window of length `n`.
    pub fn window(&self, n: usize) -> Result<Array1<f64>> {
        self.check()?;
        if n == 0 {
            return Err(CoreError::Empty { what: "taper window" });
        }
        Ok(match *self {
            Taper::Tukey { alpha } => tukey(n, alpha),
            Taper::Hann => tukey(n, 1.0),
            Taper::Cosine { p } => cosine_taper(n, p),
        })
    }

    /// Tapered copy of `x` (the input is never modified).
    pub fn apply(&self, x: ArrayView1<f64>) -> Result<Array1<f64>> {
        check_finite("taper input", x.iter())?;
        let w = self.window(x.len())?;
        Ok(&x * &w)
    }
}

fn tukey(m: usize, alpha: f64) -> Array1<f64> {
    if m == 1 {
        return Array1::ones(1);
    }
    if alpha <= 0.0 {
        return Array1::ones(m);
    }
    let mm1 = (m - 1) as f64;
    let width = (alpha * mm1 / 2.0).floor() as usize;
    Array1::from_shape_fn(m, |i| {
        let n = i as f64;
        if i <= width {
            0.5 * (1.0 + (PI * (-1.0 + 2.0 * n / alpha / mm1)).cos())
        } else if i < m - width - 1 {
            1.0
        } else {
            0.5 * (1.0 + (PI * (-2.0 / alpha + 1.0 + 2.0 * n / alpha / mm1)).cos())
        }
    })
}

// ObsPy `obspy.signal.invsim.cosine_taper(npts, p)` (half-cosine, no freqs/flimit, no SAC
// variant), including its index arithmetic for short windows where the segments overlap.
fn cosine_taper(npts: usize, p: f64) -> Array1<f64> {
    let n = npts as i64;
    let frac = if p == 0.0 || p == 1.0 { (npts as f64 * p / 2.0) as i64 } else { (npts as f64 * p / 2.0 + 0.5) as i64 };
    let idx1 = 0i64;
    let mut idx2 = frac - 1;
    let mut idx3 = n - frac;
    let idx4 = n - 1;
    if idx1 == idx2 {
        idx2 += 1;
    }
    if idx3 == idx4 {
        idx3 -= 1;
    }
    let mut w = Array1::zeros(npts);
    let in_range = |i: i64| (0..n).contains(&i);
    for i in (idx1..=idx2).filter(|&i| in_range(i)) {
        w[i as usize] = 0.5 * (1.0 - (PI * (i - idx1) as f64 / (idx2 - idx1) as f64).cos());
    }
    for i in (idx2 + 1..idx3).filter(|&i| in_range(i)) {
        w[i as usize] = 1.0;
    }
    for i in (idx3..=idx4).filter(|&i| in_range(i)) {
        w[i as usize] = 0.5 * (1.0 + (PI * (idx3 - i) as f64 / (idx4 - idx3) as f64).cos());
    }
    w
}
