//! Lognormal / normal statistics in hvsrpy's conventions: mean = exp(mean ln x) (lognormal) or
//! the arithmetic mean; standard deviation with the N − 1 denominator, of ln x (lognormal,
//! reported in ln units) or of x.

use crate::Distribution;
use ndarray::{Array1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

/// Mean of `values` under `dist` (NaN when empty).
pub fn mean(dist: Distribution, values: &[f64]) -> f64 {
    let n = values.len() as f64;
    match dist {
        Distribution::LogNormal => (values.iter().map(|v| v.ln()).sum::<f64>() / n).exp(),
        Distribution::Normal => values.iter().sum::<f64>() / n,
    }
}

/// Sample standard deviation of `values` under `dist` (ln units for lognormal; NaN for < 2 values).
pub fn std(dist: Distribution, values: &[f64]) -> f64 {
    let n = values.len();
    if n < 2 {
        return f64::NAN;
    }
    // hvsrpy takes the log of the (exponentiated) mean again; keep that for bit parity.
    let m = match dist {
        Distribution::LogNormal => mean(dist, values).ln(),
        Distribution::Normal => mean(dist, values),
    };
    let ss: f64 = values
        .iter()
        .map(|&v| {
            let d = match dist {
                Distribution::LogNormal => v.ln() - m,
                Distribution::Normal => v - m,
            };
            d * d
        })
        .sum();
    (ss / (n as f64 - 1.0)).sqrt()
}

/// [`mean`] and [`std`] together, the logarithms taken once (`buf` is scratch): the same
/// operations in the same order, so bit-identical to calling both.
pub fn mean_std(dist: Distribution, values: &[f64], buf: &mut Vec<f64>) -> (f64, f64) {
    let n = values.len();
    let t: &[f64] = match dist {
        Distribution::LogNormal => {
            buf.clear();
            buf.extend(values.iter().map(|v| v.ln()));
            buf
        }
        Distribution::Normal => values,
    };
    let m = t.iter().sum::<f64>() / n as f64;
    let m = if dist == Distribution::LogNormal { m.exp() } else { m };
    if n < 2 {
        return (m, f64::NAN);
    }
    let c = if dist == Distribution::LogNormal { m.ln() } else { m };
    let ss: f64 = t.iter().map(|&v| (v - c) * (v - c)).sum();
    (m, (ss / (n as f64 - 1.0)).sqrt())
}

/// `n` standard deviations from the mean: exp(ln μ + nσ) (lognormal) or μ + nσ (normal).
pub fn nth_std(dist: Distribution, mean: f64, std: f64, n: f64) -> f64 {
    match dist {
        Distribution::LogNormal => (mean.ln() + n * std).exp(),
        Distribution::Normal => mean + n * std,
    }
}

/// Per-frequency statistics of a set of curves (rows = windows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurveStatistics {
    /// Distribution the statistics assume.
    pub distribution: Distribution,
    /// Number of curves averaged.
    pub n_curves: usize,
    /// Mean curve.
    pub mean: Array1<f64>,
    /// Standard deviation curve (ln units for lognormal); `None` for a single curve.
    pub std: Option<Array1<f64>>,
    /// Median curve.
    pub median: Array1<f64>,
}

impl CurveStatistics {
    /// Statistics of the rows of `curves` selected by `rows`.
    pub fn new(dist: Distribution, curves: ArrayView2<f64>, rows: &[usize]) -> Self {
        let sel = curves.select(Axis(0), rows);
        let nf = curves.ncols();
        let mut mean_c = Array1::zeros(nf);
        let mut std_c = Array1::zeros(nf);
        let mut median = Array1::zeros(nf);
        let mut col: Vec<f64> = Vec::with_capacity(rows.len());
        let mut logs = Vec::with_capacity(rows.len());
        for j in 0..nf {
            col.clear();
            col.extend(sel.column(j).iter().copied());
            let (m, s) = mean_std(dist, &col, &mut logs);
            mean_c[j] = if col.len() == 1 { col[0] } else { m };
            std_c[j] = s;
            col.sort_by(f64::total_cmp);
            let k = col.len();
            median[j] = if k == 0 {
                f64::NAN
            } else if k % 2 == 1 {
                col[k / 2]
            } else {
                0.5 * (col[k / 2 - 1] + col[k / 2])
            };
        }
        Self { distribution: dist, n_curves: rows.len(), mean: mean_c, std: (rows.len() > 1).then_some(std_c), median }
    }

    /// The curve `n` standard deviations from the mean (`None` without a std curve).
    pub fn nth_std(&self, n: f64) -> Option<Array1<f64>> {
        let s = self.std.as_ref()?;
        Some(ndarray::Zip::from(&self.mean).and(s).map_collect(|&m, &s| nth_std(self.distribution, m, s, n)))
    }
}

/// Statistics of the peak frequencies and amplitudes of the individual windows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeakStatistics {
    /// Number of windows with a valid peak.
    pub n: usize,
    /// Lognormal mean frequency exp(mean ln f0,i).
    pub frequency_lognormal_mean: f64,
    /// Std of ln f0,i (ddof 1).
    pub frequency_lognormal_std: f64,
    /// Arithmetic mean of f0,i.
    pub frequency_normal_mean: f64,
    /// Std of f0,i (ddof 1); SESAME clarity criterion v uses this one.
    pub frequency_normal_std: f64,
    /// Lognormal mean amplitude.
    pub amplitude_lognormal_mean: f64,
    /// Std of ln A0,i.
    pub amplitude_lognormal_std: f64,
    /// Arithmetic mean amplitude.
    pub amplitude_normal_mean: f64,
    /// Std of A0,i.
    pub amplitude_normal_std: f64,
    /// Covariance matrix of (f0, A0) under the analysis distribution (ln values for lognormal), ddof 1.
    pub covariance: [[f64; 2]; 2],
}

impl PeakStatistics {
    /// From the (frequency, amplitude) peaks of the valid windows.
    pub fn new(dist: Distribution, f: &[f64], a: &[f64]) -> Self {
        let (x, y): (Vec<f64>, Vec<f64>) = match dist {
            Distribution::LogNormal => (f.iter().map(|v| v.ln()).collect(), a.iter().map(|v| v.ln()).collect()),
            Distribution::Normal => (f.to_vec(), a.to_vec()),
        };
        let n = x.len() as f64;
        let mx = x.iter().sum::<f64>() / n;
        let my = y.iter().sum::<f64>() / n;
        let c = |u: &[f64], mu: f64, v: &[f64], mv: f64| {
            u.iter().zip(v).map(|(a, b)| (a - mu) * (b - mv)).sum::<f64>() / (n - 1.0)
        };
        let cxy = c(&x, mx, &y, my);
        Self {
            n: f.len(),
            frequency_lognormal_mean: mean(Distribution::LogNormal, f),
            frequency_lognormal_std: std(Distribution::LogNormal, f),
            frequency_normal_mean: mean(Distribution::Normal, f),
            frequency_normal_std: std(Distribution::Normal, f),
            amplitude_lognormal_mean: mean(Distribution::LogNormal, a),
            amplitude_lognormal_std: std(Distribution::LogNormal, a),
            amplitude_normal_mean: mean(Distribution::Normal, a),
            amplitude_normal_std: std(Distribution::Normal, a),
            covariance: [[c(&x, mx, &x, mx), cxy], [cxy, c(&y, my, &y, my)]],
        }
    }

    /// Mean frequency under `dist`.
    pub fn frequency_mean(&self, dist: Distribution) -> f64 {
        match dist {
            Distribution::LogNormal => self.frequency_lognormal_mean,
            Distribution::Normal => self.frequency_normal_mean,
        }
    }

    /// Frequency std under `dist`.
    pub fn frequency_std(&self, dist: Distribution) -> f64 {
        match dist {
            Distribution::LogNormal => self.frequency_lognormal_std,
            Distribution::Normal => self.frequency_normal_std,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn lognormal_and_normal() {
        let v = [1.0, 2.0, 4.0];
        assert!((mean(Distribution::LogNormal, &v) - 2.0).abs() < 1e-12);
        assert!((std(Distribution::LogNormal, &v) - 2f64.ln()).abs() < 1e-12);
        for d in [Distribution::LogNormal, Distribution::Normal] {
            for w in [&v[..1], &v[..]] {
                let (m, s) = mean_std(d, w, &mut Vec::new());
                assert_eq!(m.to_bits(), mean(d, w).to_bits());
                assert_eq!(s.is_nan(), std(d, w).is_nan());
                if !s.is_nan() {
                    assert_eq!(s.to_bits(), std(d, w).to_bits());
                }
            }
        }
        assert!((mean(Distribution::Normal, &v) - 7.0 / 3.0).abs() < 1e-12);
        assert!(std(Distribution::Normal, &[1.0]).is_nan());
        let c = array![[1.0, 2.0], [4.0, 8.0], [100.0, 0.0]];
        let s = CurveStatistics::new(Distribution::LogNormal, c.view(), &[0, 1]);
        assert!((s.mean[0] - 2.0).abs() < 1e-12 && (s.median[1] - 5.0).abs() < 1e-12);
        assert!((s.nth_std(1.0).unwrap()[0] - 2.0 * 2f64.powf(2f64.sqrt())).abs() < 1e-9);
    }
}
