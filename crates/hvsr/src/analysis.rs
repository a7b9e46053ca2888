//! The result of H/V processing and its analysis: window peaks, spectral rejection, curve and
//! peak statistics, ranked mean-curve peaks, SESAME criteria and peak features.

use crate::features::PeakFeatures;
use crate::params::CheckedHvsrParams;
use crate::peaks::{Peak, highest_peak, prominent_peaks, ranked_peaks, search_indices};
use crate::rejection::{FdwraReport, RejectionReason, SpectralRejection, WindowStatus, fdwra, two_sigma};
use crate::sesame::Sesame;
use crate::stats::{CurveStatistics, PeakStatistics};
use crate::{Distribution, HvsrError, Result};
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// Smoothed spectra of every window (windows × output frequencies).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentSpectra {
    /// North–south (or "1") component.
    pub ns: Array2<f64>,
    /// East–west (or "2") component.
    pub ew: Array2<f64>,
    /// Vertical component.
    pub vertical: Array2<f64>,
    /// The combined horizontal spectrum (the numerator of H/V).
    pub horizontal: Array2<f64>,
}

/// Window-averaged component spectra (under the analysis distribution, valid windows only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeanSpectra {
    /// NS.
    pub ns: Array1<f64>,
    /// EW.
    pub ew: Array1<f64>,
    /// Vertical.
    pub vertical: Array1<f64>,
}

/// H/V of a record: per-window curves, rejection, statistics, peaks, SESAME and features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hvsr {
    /// Output frequencies (Hz).
    pub frequencies: Array1<f64>,
    /// Window length (s).
    pub window_length: f64,
    /// First sample of each window in the (trimmed) record.
    pub window_starts: Vec<usize>,
    /// H/V of every window (windows × frequencies).
    pub amplitude: Array2<f64>,
    /// Smoothed component spectra of every window, when requested.
    pub spectra: Option<ComponentSpectra>,
    /// Highest peak (frequency, amplitude) of each window's H/V in the search range.
    pub window_peaks: Vec<Option<(f64, f64)>>,
    /// Valid or rejected (with the reason), per window.
    pub status: Vec<WindowStatus>,
    /// Report of the last FDWRA step, if one ran.
    pub fdwra: Option<FdwraReport>,
    /// Mean, std and median curves of the valid windows.
    pub curve: CurveStatistics,
    /// Statistics of the valid windows' peaks (`None` when fewer than one window has a peak).
    pub peak_statistics: Option<PeakStatistics>,
    /// The highest peak of the mean curve in the search range.
    pub f0: Option<Peak>,
    /// Every peak of the mean curve in the search range, ranked by prominence.
    pub peaks: Vec<Peak>,
    /// The prominent peaks (≥ the prominence fraction of the largest, at most `max_peaks`).
    pub prominent: Vec<Peak>,
    /// Window-averaged component spectra, when component spectra were kept.
    pub mean_spectra: Option<MeanSpectra>,
    /// SESAME criteria of the mean-curve peak (lognormal statistics, as hvsrpy), when enabled
    /// and defined (≥ 2 valid windows and a peak).
    pub sesame: Option<Sesame>,
    /// Features of each prominent peak (needs component spectra).
    pub features: Vec<PeakFeatures>,
}

impl Hvsr {
    /// Indices of the valid windows.
    pub fn valid_windows(&self) -> Vec<usize> {
        self.status.iter().enumerate().filter(|(_, s)| s.is_valid()).map(|(i, _)| i).collect()
    }

    /// Analyse per-window H/V curves (rows of `amplitude`, sampled at `frequencies`) with the
    /// analysis parameters of `params` (distribution, search range, rejection, SESAME, peaks,
    /// features). `status` carries earlier (time-domain) rejections, one per window.
    pub fn analyze(
        params: &CheckedHvsrParams,
        frequencies: Array1<f64>,
        window_length: f64,
        window_starts: Vec<usize>,
        amplitude: Array2<f64>,
        spectra: Option<ComponentSpectra>,
        mut status: Vec<WindowStatus>,
    ) -> Result<Self> {
        let (nw, nf) = amplitude.dim();
        if nw == 0 || nf == 0 {
            return Err(HvsrError::Empty { what: "H/V curves" });
        }
        if frequencies.len() != nf || status.len() != nw || window_starts.len() != nw {
            return Err(HvsrError::ShapeMismatch {
                what: "frequencies / status / window starts vs curves".into(),
                expected: format!("{nf} / {nw} / {nw}"),
                got: format!("{} / {} / {}", frequencies.len(), status.len(), window_starts.len()),
            });
        }
        if let Some((index, &value)) = amplitude.iter().enumerate().find(|(_, v)| !(v.is_finite() && **v > 0.0)) {
            return Err(HvsrError::NonFinite { what: "H/V amplitude (must be finite and > 0)".into(), index, value });
        }
        let freqs = frequencies.as_slice().ok_or(HvsrError::Empty { what: "contiguous frequencies" })?.to_vec();
        let search = search_indices(&freqs, params.search_range)?;
        let window_peaks: Vec<Option<(f64, f64)>> = amplitude
            .rows()
            .into_iter()
            .map(|r| {
                let r = r.to_vec();
                highest_peak(&r, search.0, search.1).map(|i| (freqs[i], r[i]))
            })
            .collect();
        // hvsrpy: a window without a peak is invalid, unless no window has one.
        if window_peaks.iter().any(Option::is_some) {
            for (s, p) in status.iter_mut().zip(&window_peaks) {
                if s.is_valid() && p.is_none() {
                    *s = WindowStatus::Rejected(RejectionReason::NoPeak);
                }
            }
        }
        let mut fdwra_report = None;
        for step in &params.rejection {
            match step {
                SpectralRejection::Fdwra(p) => {
                    fdwra_report = Some(fdwra(p, &freqs, amplitude.view(), &window_peaks, &mut status, search));
                }
                SpectralRejection::TwoSigma(p) => {
                    let sets: Vec<ArrayView2<f64>> = match (&spectra, p.on_components) {
                        (Some(s), true) => vec![s.ns.view(), s.ew.view(), s.vertical.view()],
                        _ => vec![amplitude.view()],
                    };
                    two_sigma(p, &sets, &mut status, search);
                }
            }
        }
        let valid: Vec<usize> = status.iter().enumerate().filter(|(_, s)| s.is_valid()).map(|(i, _)| i).collect();
        if valid.is_empty() {
            return Err(HvsrError::AllWindowsRejected { n_windows: nw, summary: summarize(&status) });
        }
        let dist = params.distribution;
        let curve = CurveStatistics::new(dist, amplitude.view(), &valid);
        let (pf, pa): (Vec<f64>, Vec<f64>) = valid.iter().filter_map(|&i| window_peaks[i]).unzip();
        let peak_statistics = (!pf.is_empty()).then(|| PeakStatistics::new(dist, &pf, &pa));
        let mean = curve.mean.to_vec();
        let peaks = ranked_peaks(&freqs, &mean, search.0, search.1);
        let f0 = highest_peak(&mean, search.0, search.1).and_then(|i| peaks.iter().find(|p| p.index == i).copied());
        let prominent = prominent_peaks(&peaks, params.prominence_fraction, params.max_peaks);

        let sesame = if params.sesame && valid.len() > 1 {
            let ln = if dist == Distribution::LogNormal {
                curve.clone()
            } else {
                CurveStatistics::new(Distribution::LogNormal, amplitude.view(), &valid)
            };
            let sigma_f = peak_statistics.as_ref().map_or(f64::NAN, |p| p.frequency_normal_std);
            ln.std.as_ref().and_then(|s| {
                Sesame::evaluate(
                    &freqs,
                    ln.mean.as_slice().unwrap_or(&[]),
                    s.as_slice().unwrap_or(&[]),
                    window_length,
                    valid.len(),
                    sigma_f,
                    params.search_range,
                )
            })
        } else {
            None
        };

        let mean_spectra = spectra.as_ref().map(|s| {
            let m = |a: &Array2<f64>| CurveStatistics::new(dist, a.view(), &valid).mean;
            MeanSpectra { ns: m(&s.ns), ew: m(&s.ew), vertical: m(&s.vertical) }
        });
        let features = match &mean_spectra {
            Some(m) => prominent
                .iter()
                .map(|p| {
                    PeakFeatures::new(
                        &freqs,
                        m.ns.as_slice().unwrap_or(&[]),
                        m.ew.as_slice().unwrap_or(&[]),
                        m.vertical.as_slice().unwrap_or(&[]),
                        p.frequency,
                        params.feature_points,
                    )
                })
                .collect::<Result<Vec<_>>>()?,
            None => Vec::new(),
        };
        Ok(Self {
            frequencies,
            window_length,
            window_starts,
            amplitude,
            spectra,
            window_peaks,
            status,
            fdwra: fdwra_report,
            curve,
            peak_statistics,
            f0,
            peaks,
            prominent,
            mean_spectra,
            sesame,
            features,
        })
    }
}

fn summarize(status: &[WindowStatus]) -> String {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for s in status {
        let k = match s {
            WindowStatus::Valid => "valid",
            WindowStatus::Rejected(RejectionReason::StaLta { .. }) => "STA/LTA",
            WindowStatus::Rejected(RejectionReason::MaxAmplitude { .. }) => "maximum amplitude",
            WindowStatus::Rejected(RejectionReason::NoPeak) => "no peak",
            WindowStatus::Rejected(RejectionReason::Fdwra { .. }) => "FDWRA",
            WindowStatus::Rejected(RejectionReason::TwoSigma { .. }) => "2σ",
        };
        match counts.iter_mut().find(|(n, _)| *n == k) {
            Some((_, c)) => *c += 1,
            None => counts.push((k, 1)),
        }
    }
    counts.iter().map(|(k, c)| format!("{c} {k}")).collect::<Vec<_>>().join(", ")
}
