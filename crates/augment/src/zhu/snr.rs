//! Signal-to-noise ratio (definition) and real noise added at a target SNR.

use crate::augmentation::Augmentation;
use crate::error::{AugmentError, Result, check_range};
use crate::rng::uniform;
use crate::sample::Sample;
use crate::source::SampleSource;
use ndarray::{ArrayView2, Axis, s};
use rand::{Rng, RngExt};
use std::sync::Arc;

/// The windows around P that define the SNR: `[P − before, P)` for noise and `[P, P + after)` for
/// signal, clipped to the trace.
#[derive(Debug, Clone)]
pub struct SnrWindow {
    /// Arrival key (default `trace_P_arrival_sample`).
    pub key: String,
    /// Noise samples before the arrival.
    pub before: usize,
    /// Signal samples after the arrival.
    pub after: usize,
}

impl Default for SnrWindow {
    fn default() -> Self {
        Self { key: "trace_P_arrival_sample".into(), before: 300, after: 300 }
    }
}

impl SnrWindow {
    fn bounds(&self, sample: &Sample) -> Result<(usize, usize, usize)> {
        let n = sample.len();
        let p = sample.metadata.number(&self.key).ok_or_else(|| AugmentError::Metadata {
            key: self.key.clone(),
            reason: "the SNR needs this arrival".into(),
        })?;
        if !(p >= 2.0 && p <= n as f64 - 2.0) {
            return Err(AugmentError::ArrivalOutside { key: self.key.clone(), value: p, len: n });
        }
        let p = p.floor() as usize;
        Ok((p.saturating_sub(self.before), p, (p + self.after).min(n)))
    }
}

/// Σ over channels of the (population) variance of `x[:, a..b]`, and the per-channel means.
fn pooled_var(x: ArrayView2<f64>) -> f64 {
    x.axis_iter(Axis(0))
        .map(|r| {
            let n = r.len() as f64;
            let m = r.sum() / n;
            r.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n
        })
        .sum()
}

/// Σ over channels of the covariance of `x` and `y` (same shape).
fn pooled_cov(x: ArrayView2<f64>, y: ArrayView2<f64>) -> f64 {
    x.axis_iter(Axis(0))
        .zip(y.axis_iter(Axis(0)))
        .map(|(a, b)| {
            let n = a.len() as f64;
            let (ma, mb) = (a.sum() / n, b.sum() / n);
            a.iter().zip(b.iter()).map(|(u, v)| (u - ma) * (v - mb)).sum::<f64>() / n
        })
        .sum()
}

/// SNR in dB: `10 · log10(Σ_c var(x_c[P, P + after)) / Σ_c var(x_c[P − before, P)))`, i.e. the
/// ratio of the standard deviations after and before the P arrival (pooled over channels) in
/// decibels of amplitude (`20 · log10(std_after / std_before)`).
pub fn snr_db(sample: &Sample, window: &SnrWindow) -> Result<f64> {
    let (a, p, b) = window.bounds(sample)?;
    let x = sample.waveform.view();
    let vs = pooled_var(x.slice(s![.., p..b]));
    let vn = pooled_var(x.slice(s![.., a..p]));
    Ok(10.0 * (vs / vn).log10())
}

/// Adds a real noise record (from `noise`, random record, random crop, demeaned) scaled so that
/// the SNR of the result ([`snr_db`]) equals a target drawn uniformly from `snr_db` — exactly, by
/// solving the quadratic of the variances (signal–noise cross terms included).
///
/// Policy: when the target cannot be reached — the sample's SNR is already at or below it (noise
/// cannot raise the SNR), or the noise record's own after/before variance ratio exceeds it — the
/// sample is left unchanged and `augment_noise_scale = 0` is recorded. The achieved SNR is written
/// into the metadata as `trace_snr_db`, the scale applied as `augment_noise_scale`.
/// Noise records must have the sample's channel count and at least its length.
pub struct AddNoiseAtSnr {
    noise: Arc<dyn SampleSource>,
    snr_db: (f64, f64),
    /// SNR definition windows.
    pub window: SnrWindow,
}

impl std::fmt::Debug for AddNoiseAtSnr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AddNoiseAtSnr").field("snr_db", &self.snr_db).field("window", &self.window).finish()
    }
}

impl AddNoiseAtSnr {
    /// Noise records from `noise`; target SNR range in dB. Errors on an empty noise source or a
    /// bad range.
    pub fn new(noise: Arc<dyn SampleSource>, snr_db: (f64, f64)) -> Result<Self> {
        if noise.is_empty() {
            return Err(AugmentError::Empty { what: "noise source" });
        }
        check_range("snr_db", snr_db)?;
        Ok(Self { noise, snr_db, window: SnrWindow::default() })
    }

    /// Add `noise` (channels × samples of the sample's length) at exactly `target_db`; returns the
    /// scale applied (0 when the sample is already at or below the target).
    pub fn add_at_snr(&self, sample: &mut Sample, noise: ArrayView2<f64>, target_db: f64) -> Result<f64> {
        if noise.dim() != sample.waveform.dim() {
            return Err(AugmentError::ShapeMismatch {
                what: "noise crop vs waveform".into(),
                expected: format!("{:?}", sample.waveform.dim()),
                got: format!("{:?}", noise.dim()),
            });
        }
        let (a, p, b) = self.window.bounds(sample)?;
        let x = sample.waveform.view();
        let (xs, xn) = (x.slice(s![.., p..b]), x.slice(s![.., a..p]));
        let (ns, nn) = (noise.slice(s![.., p..b]), noise.slice(s![.., a..p]));
        let r = 10f64.powf(target_db / 10.0);
        // var_after(k) = r · var_before(k) with var(x + k n) = Vx + 2k C + k² Vn
        let qa = pooled_var(ns) - r * pooled_var(nn);
        let qb = 2.0 * (pooled_cov(xs, ns) - r * pooled_cov(xn, nn));
        let qc = pooled_var(xs) - r * pooled_var(xn);
        // Unreachable targets (already at or below it, or beyond what this noise record's own
        // after/before variance ratio allows) leave the sample unchanged, with scale 0 recorded.
        let k = if qc <= 0.0 { None } else { smallest_positive_root(qa, qb, qc) }.unwrap_or(0.0);
        if k > 0.0 {
            sample.waveform.zip_mut_with(&noise, |v, n| *v += k * n);
        }
        sample.metadata.set_number("augment_noise_scale", k);
        sample.metadata.set_number("trace_snr_db", snr_db(sample, &self.window)?);
        Ok(k)
    }
}

/// Smallest positive root of `a k² + b k + c` (c > 0).
fn smallest_positive_root(a: f64, b: f64, c: f64) -> Option<f64> {
    if a.abs() < 1e-300 {
        return if b < 0.0 { Some(-c / b) } else { None };
    }
    let d = b * b - 4.0 * a * c;
    if d < 0.0 {
        return None;
    }
    // Numerically stable pair of roots.
    let q = -0.5 * (b + b.signum() * d.sqrt());
    let roots = [q / a, if q != 0.0 { c / q } else { f64::NAN }];
    roots.into_iter().filter(|r| r.is_finite() && *r > 0.0).min_by(|x, y| x.total_cmp(y))
}

impl Augmentation for AddNoiseAtSnr {
    fn apply(&self, sample: &mut Sample, rng: &mut dyn Rng) -> Result<()> {
        let target = uniform(rng, self.snr_db);
        let mut rec = self.noise.sample(rng.random_range(0..self.noise.len()))?;
        let n = sample.len();
        if rec.n_channels() != sample.n_channels() || rec.len() < n {
            return Err(AugmentError::ShapeMismatch {
                what: "noise record (channels, samples) vs waveform".into(),
                expected: format!("({}, >= {n})", sample.n_channels()),
                got: format!("{:?}", rec.waveform.dim()),
            });
        }
        let start = rng.random_range(0..=rec.len() - n);
        let mut crop = rec.waveform.slice_mut(s![.., start..start + n]).to_owned();
        for mut row in crop.axis_iter_mut(Axis(0)) {
            let m = row.mean().unwrap_or(0.0);
            row.mapv_inplace(|v| v - m);
        }
        rec.waveform = crop;
        self.add_at_snr(sample, rec.waveform.view(), target)?;
        Ok(())
    }
}
