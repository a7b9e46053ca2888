//! Hyperparameters of the H/V pipeline: a builder ([`HvsrParams`]) validated into
//! [`CheckedHvsrParams`], from which an [`HvsrPlan`](crate::HvsrPlan) is built for one sampling rate.

use crate::rejection::{FdwraParams, PreRejection, SpectralRejection};
use crate::smoothing::Smoothing;
use crate::{HvsrError, HvsrPlan, Result};
use seis_core::Detrend;
use seis_core::filter::Band;
use serde::{Deserialize, Serialize};

/// How the two horizontal components are combined into one horizontal spectrum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub enum Horizontal {
    /// √(NS·EW) (hvsrpy default and the seed document's choice).
    #[default]
    GeometricMean,
    /// (NS + EW)/2.
    ArithmeticMean,
    /// √((NS² + EW²)/2) (quadratic mean, Geopsy "Squared").
    SquaredAverage,
    /// √(NS² + EW²) (vector summation).
    TotalHorizontalEnergy,
    /// max(NS, EW) per frequency.
    Maximum,
    /// The horizontal motion along one azimuth (degrees clockwise from north):
    /// `ns·cos θ + ew·sin θ` in the time domain.
    SingleAzimuth {
        /// Azimuth in degrees from north.
        degrees: f64,
    },
    /// RotD-pp: the pp-th percentile (numpy's linear interpolation) over azimuths of the
    /// smoothed single-azimuth spectra (hvsrpy default: 50 over 0:5:175).
    RotD {
        /// Percentile in [0, 100].
        percentile: f64,
        /// Azimuths in degrees.
        azimuths: Vec<f64>,
    },
}

impl Horizontal {
    /// RotD50 over hvsrpy's default azimuths 0, 5, …, 175 degrees.
    pub fn rotd50() -> Self {
        Horizontal::RotD { percentile: 50.0, azimuths: (0..36).map(|i| 5.0 * i as f64).collect() }
    }

    /// Combine two magnitudes (only for the magnitude-based combinations).
    #[inline]
    pub(crate) fn combine(&self, ns: f64, ew: f64) -> f64 {
        match self {
            Horizontal::GeometricMean => (ns * ew).sqrt(),
            Horizontal::ArithmeticMean => (ns + ew) / 2.0,
            Horizontal::SquaredAverage => ((ns * ns + ew * ew) / 2.0).sqrt(),
            Horizontal::TotalHorizontalEnergy => (ns * ns + ew * ew).sqrt(),
            Horizontal::Maximum => {
                if ns > ew {
                    ns
                } else {
                    ew
                }
            }
            Horizontal::SingleAzimuth { .. } | Horizontal::RotD { .. } => f64::NAN,
        }
    }

    /// The combination of the magnitudes √pn, √pe given the powers |X|² (`out` cleared and
    /// refilled): one pass per combination, with the square roots it needs only — the
    /// geometric mean is (pn·pe)^¼, the energy-based ones take one root of the summed powers.
    #[inline(always)] // compiled into the caller's AVX2 dispatch
    pub(crate) fn combine_powers(&self, pn: &[f64], pe: &[f64], out: &mut Vec<f64>) {
        out.clear();
        let pairs = pn.iter().zip(pe);
        match self {
            Horizontal::GeometricMean => out.extend(pairs.map(|(a, b)| (a * b).sqrt().sqrt())),
            Horizontal::ArithmeticMean => out.extend(pairs.map(|(a, b)| (a.sqrt() + b.sqrt()) / 2.0)),
            Horizontal::SquaredAverage => out.extend(pairs.map(|(a, b)| ((a + b) / 2.0).sqrt())),
            Horizontal::TotalHorizontalEnergy => out.extend(pairs.map(|(a, b)| (a + b).sqrt())),
            Horizontal::Maximum => out.extend(pairs.map(|(a, b)| if a > b { a.sqrt() } else { b.sqrt() })),
            Horizontal::SingleAzimuth { .. } | Horizontal::RotD { .. } => out.extend(pairs.map(|_| f64::NAN)),
        }
    }

    /// Azimuths (degrees) the combination rotates to, empty for the magnitude-based ones.
    pub(crate) fn azimuths(&self) -> Vec<f64> {
        match self {
            Horizontal::SingleAzimuth { degrees } => vec![*degrees],
            Horizontal::RotD { azimuths, .. } => azimuths.clone(),
            _ => Vec::new(),
        }
    }
}

/// Order of combination and smoothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Order {
    /// Combine the raw |FFT| of the horizontals, then smooth H and V (hvsrpy and Geopsy).
    #[default]
    CombineThenSmooth,
    /// Smooth each component first, then combine the smoothed horizontals.
    SmoothThenCombine,
}

/// How windows are laid out over the record.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Windowing {
    /// hvsrpy: `int(T/dt) + 1` samples per window, consecutive windows share their boundary
    /// sample, `int(n/(spw − 1))` windows (the last one may be one sample short).
    SharedBoundary,
    /// `round(T·fs)` samples per window, consecutive windows overlapping by a fraction in [0, 1)
    /// (0 = Geopsy's non-overlapping windows).
    Overlap {
        /// Overlap fraction in [0, 1).
        fraction: f64,
    },
}

/// FFT length rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FftLength {
    /// hvsrpy: the smallest power of two strictly greater than the window length, but at
    /// least `minimum` (hvsrpy: 2^15).
    Hvsrpy {
        /// Minimum length (hvsrpy: 32768).
        minimum: usize,
    },
    /// No zero padding: the FFT length is the window length (Geopsy).
    WindowLength,
    /// A fixed length (≥ the window length).
    Exact(usize),
}

impl Default for FftLength {
    fn default() -> Self {
        FftLength::Hvsrpy { minimum: 1 << 15 }
    }
}

/// Statistical distribution assumed for curves and peak frequencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Distribution {
    /// Statistics of ln(x) (hvsrpy default).
    #[default]
    LogNormal,
    /// Statistics of x.
    Normal,
}

/// `n` geometrically spaced frequencies from `fmin` to `fmax` (numpy `geomspace`).
pub fn log_frequencies(fmin: f64, fmax: f64, n: usize) -> Vec<f64> {
    if n == 1 {
        return vec![fmin];
    }
    let (a, b) = (fmin.log10(), fmax.log10());
    let step = (b - a) / (n - 1) as f64;
    let mut v: Vec<f64> = (0..n).map(|i| 10f64.powf(a + i as f64 * step)).collect();
    v[0] = fmin;
    if let Some(last) = v.last_mut() {
        *last = fmax;
    }
    v
}

/// `n` linearly spaced frequencies from `fmin` to `fmax` (numpy `linspace`).
pub fn linear_frequencies(fmin: f64, fmax: f64, n: usize) -> Vec<f64> {
    if n == 1 {
        return vec![fmin];
    }
    let step = (fmax - fmin) / (n - 1) as f64;
    let mut v: Vec<f64> = (0..n).map(|i| fmin + i as f64 * step).collect();
    if let Some(last) = v.last_mut() {
        *last = fmax;
    }
    v
}

/// Hyperparameters of the whole H/V pipeline (builder). Defaults reproduce hvsrpy 2.1:
/// 60 s windows with shared boundaries, linear detrend, Tukey 0.1, hvsrpy zero padding,
/// geometric-mean horizontals, Konno–Ohmachi b = 40 at 200 log-spaced frequencies 0.1–50 Hz,
/// combine-then-smooth, lognormal statistics, no window rejection, SESAME on, up to 3 prominent
/// peaks (≥ 70 % of the largest prominence) with 30-point features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HvsrParams {
    pub(crate) sensor_azimuth: f64,
    pub(crate) prefilter: Option<Band>,
    pub(crate) prefilter_order: usize,
    pub(crate) window_length: f64,
    pub(crate) windowing: Windowing,
    pub(crate) detrend: Detrend,
    pub(crate) taper_width: f64,
    pub(crate) fft_length: FftLength,
    pub(crate) horizontal: Horizontal,
    pub(crate) smoothing: Smoothing,
    pub(crate) frequencies: Vec<f64>,
    pub(crate) smooth_at_fft_bins: bool,
    pub(crate) order: Order,
    pub(crate) component_spectra: bool,
    pub(crate) pre_rejection: Vec<PreRejection>,
    pub(crate) rejection: Vec<SpectralRejection>,
    pub(crate) distribution: Distribution,
    pub(crate) search_range: (Option<f64>, Option<f64>),
    pub(crate) sesame: bool,
    pub(crate) max_peaks: usize,
    pub(crate) prominence_fraction: f64,
    pub(crate) feature_points: usize,
}

impl Default for HvsrParams {
    fn default() -> Self {
        Self {
            sensor_azimuth: 0.0,
            prefilter: None,
            prefilter_order: 5,
            window_length: 60.0,
            windowing: Windowing::SharedBoundary,
            detrend: Detrend::Linear,
            taper_width: 0.1,
            fft_length: FftLength::default(),
            horizontal: Horizontal::GeometricMean,
            smoothing: Smoothing::default(),
            frequencies: log_frequencies(0.1, 50.0, 200),
            smooth_at_fft_bins: false,
            order: Order::CombineThenSmooth,
            component_spectra: true,
            pre_rejection: Vec::new(),
            rejection: Vec::new(),
            distribution: Distribution::LogNormal,
            search_range: (None, None),
            sesame: true,
            max_peaks: 3,
            prominence_fraction: 0.7,
            feature_points: 30,
        }
    }
}

impl HvsrParams {
    /// hvsrpy defaults (see the type's documentation).
    pub fn new() -> Self {
        Self::default()
    }

    /// Orientation of the sensor: azimuth of its NS (or "1") component in degrees clockwise
    /// from north (hvsrpy `degrees_from_north`; default 0). The horizontals are rotated to
    /// geographic north and east, `N = ns·cos θ − ew·sin θ`, `E = ns·sin θ + ew·cos θ`, on the
    /// whole record before anything else.
    pub fn sensor_azimuth(mut self, degrees: f64) -> Self {
        self.sensor_azimuth = degrees;
        self
    }

    /// Zero-phase Butterworth pre-filter applied to each whole component (after the
    /// orientation correction, before windowing), as hvsrpy's `filter_corner_frequencies_in_hz`:
    /// `Band::Highpass(f)`, `Band::Lowpass(f)` or `Band::Bandpass(f1, f2)`, filtered forward and
    /// backward like `scipy.signal.sosfiltfilt` (odd padding). Default: no filter.
    pub fn prefilter(mut self, band: Band) -> Self {
        self.prefilter = Some(band);
        self
    }

    /// Order of the Butterworth pre-filter (hvsrpy: 5; the zero-phase response has twice the
    /// roll-off).
    pub fn prefilter_order(mut self, order: usize) -> Self {
        self.prefilter_order = order;
        self
    }

    /// Window length in seconds (> 0).
    pub fn window_length(mut self, seconds: f64) -> Self {
        self.window_length = seconds;
        self
    }

    /// Window layout.
    pub fn windowing(mut self, windowing: Windowing) -> Self {
        self.windowing = windowing;
        self
    }

    /// Detrend applied to each window.
    pub fn detrend(mut self, detrend: Detrend) -> Self {
        self.detrend = detrend;
        self
    }

    /// Tukey taper width (fraction of the window inside the cosine lobes, in [0, 1]).
    pub fn taper_width(mut self, alpha: f64) -> Self {
        self.taper_width = alpha;
        self
    }

    /// FFT length rule.
    pub fn fft_length(mut self, rule: FftLength) -> Self {
        self.fft_length = rule;
        self
    }

    /// Horizontal combination.
    pub fn horizontal(mut self, horizontal: Horizontal) -> Self {
        self.horizontal = horizontal;
        self
    }

    /// Smoothing operator.
    pub fn smoothing(mut self, smoothing: Smoothing) -> Self {
        self.smoothing = smoothing;
        self
    }

    /// Output (centre) frequencies in Hz, ascending (log or linear spacing).
    pub fn frequencies(mut self, frequencies: Vec<f64>) -> Self {
        self.frequencies = frequencies;
        self
    }

    /// Smooth at the FFT bin frequencies covering the output range and interpolate every
    /// window's curves linearly in frequency to the output frequencies, as Geopsy's H/V tool
    /// does (its curves have kinks where an output frequency crosses an FFT bin). Default
    /// false: smooth directly at the output frequencies (hvsrpy).
    pub fn smooth_at_fft_bins(mut self, on: bool) -> Self {
        self.smooth_at_fft_bins = on;
        self
    }

    /// Order of combination and smoothing.
    pub fn order(mut self, order: Order) -> Self {
        self.order = order;
        self
    }

    /// Whether to return the smoothed NS, EW and Z spectra of every window (default true).
    pub fn component_spectra(mut self, keep: bool) -> Self {
        self.component_spectra = keep;
        self
    }

    /// Time-domain pre-rejection tests (STA/LTA, maximum amplitude), applied to each window.
    pub fn pre_rejection(mut self, tests: Vec<PreRejection>) -> Self {
        self.pre_rejection = tests;
        self
    }

    /// Spectral window rejection steps, applied in order.
    pub fn rejection(mut self, steps: Vec<SpectralRejection>) -> Self {
        self.rejection = steps;
        self
    }

    /// Shorthand: FDWRA (Cox et al. 2020) with hvsrpy's defaults as the only rejection step.
    pub fn fdwra(self) -> Self {
        self.rejection(vec![SpectralRejection::Fdwra(FdwraParams::default())])
    }

    /// Distribution of curves and peak frequencies.
    pub fn distribution(mut self, distribution: Distribution) -> Self {
        self.distribution = distribution;
        self
    }

    /// Peak search range in Hz; `None` leaves a side open.
    pub fn search_range(mut self, low: Option<f64>, high: Option<f64>) -> Self {
        self.search_range = (low, high);
        self
    }

    /// Whether to evaluate the SESAME (2004) criteria.
    pub fn sesame(mut self, on: bool) -> Self {
        self.sesame = on;
        self
    }

    /// Maximum number of prominent peaks reported with features (seed document: 3).
    pub fn max_peaks(mut self, n: usize) -> Self {
        self.max_peaks = n;
        self
    }

    /// Minimum prominence of a reported peak as a fraction of the largest (seed document: 0.7).
    pub fn prominence_fraction(mut self, fraction: f64) -> Self {
        self.prominence_fraction = fraction;
        self
    }

    /// Points per component in the peak features (seed document: 30).
    pub fn feature_points(mut self, n: usize) -> Self {
        self.feature_points = n;
        self
    }

    /// Validate every parameter.
    pub fn check(self) -> Result<CheckedHvsrParams> {
        if !self.sensor_azimuth.is_finite() {
            return Err(HvsrError::invalid("sensor_azimuth", self.sensor_azimuth, "must be finite"));
        }
        if !(1..=20).contains(&self.prefilter_order) {
            return Err(HvsrError::invalid("prefilter_order", self.prefilter_order, "must lie in 1..=20"));
        }
        if let Some(Band::Bandstop(..)) = self.prefilter {
            return Err(HvsrError::invalid("prefilter", "Bandstop", "use a high-, low- or band-pass"));
        }
        if !(self.window_length.is_finite() && self.window_length > 0.0) {
            return Err(HvsrError::invalid("window_length", self.window_length, "must be finite and > 0 s"));
        }
        if let Windowing::Overlap { fraction } = self.windowing
            && !(0.0..1.0).contains(&fraction)
        {
            return Err(HvsrError::invalid("overlap", fraction, "must lie in [0, 1)"));
        }
        if !(0.0..=1.0).contains(&self.taper_width) {
            return Err(HvsrError::invalid("taper_width", self.taper_width, "must lie in [0, 1]"));
        }
        match self.fft_length {
            FftLength::Hvsrpy { minimum } if minimum == 0 => {
                return Err(HvsrError::invalid("fft minimum", minimum, "must be > 0"));
            }
            FftLength::Exact(0) => return Err(HvsrError::invalid("fft_length", 0, "must be > 0")),
            _ => {}
        }
        match &self.horizontal {
            Horizontal::SingleAzimuth { degrees } if !degrees.is_finite() => {
                return Err(HvsrError::invalid("azimuth", degrees, "must be finite"));
            }
            Horizontal::RotD { percentile, azimuths } => {
                if !(0.0..=100.0).contains(percentile) {
                    return Err(HvsrError::invalid("rotd percentile", percentile, "must lie in [0, 100]"));
                }
                if azimuths.is_empty() {
                    return Err(HvsrError::Empty { what: "RotD azimuths" });
                }
                if let Some(a) = azimuths.iter().find(|a| !a.is_finite()) {
                    return Err(HvsrError::invalid("rotd azimuth", a, "must be finite"));
                }
            }
            _ => {}
        }
        self.smoothing.check()?;
        if self.frequencies.is_empty() {
            return Err(HvsrError::Empty { what: "output frequencies" });
        }
        for (index, &f) in self.frequencies.iter().enumerate() {
            if !f.is_finite() {
                return Err(HvsrError::NonFinite { what: "output frequencies".into(), index, value: f });
            }
            if f <= 0.0 {
                return Err(HvsrError::invalid("frequencies", f, "must be > 0 Hz"));
            }
            if index > 0 && f <= self.frequencies[index - 1] {
                return Err(HvsrError::invalid("frequencies", f, "must be strictly ascending"));
            }
        }
        for t in &self.pre_rejection {
            t.check()?;
        }
        for r in &self.rejection {
            r.check()?;
        }
        let (lo, hi) = self.search_range;
        for v in [lo, hi].into_iter().flatten() {
            if !v.is_finite() || v < 0.0 {
                return Err(HvsrError::invalid("search_range", v, "limits must be finite and ≥ 0 Hz"));
            }
        }
        if let (Some(l), Some(h)) = (lo, hi)
            && l >= h
        {
            return Err(HvsrError::EmptySearchRange { low: l, high: h });
        }
        if !(0.0..=1.0).contains(&self.prominence_fraction) {
            return Err(HvsrError::invalid("prominence_fraction", self.prominence_fraction, "must lie in [0, 1]"));
        }
        if self.feature_points < 2 {
            return Err(HvsrError::invalid("feature_points", self.feature_points, "must be ≥ 2"));
        }
        Ok(CheckedHvsrParams(self))
    }

    /// Validate and plan for records sampled at `sampling_rate` Hz.
    pub fn plan(self, sampling_rate: f64) -> Result<HvsrPlan> {
        self.check()?.plan(sampling_rate)
    }
}

/// Validated hyperparameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckedHvsrParams(pub(crate) HvsrParams);

impl CheckedHvsrParams {
    /// The parameters.
    pub fn params(&self) -> &HvsrParams {
        &self.0
    }

    /// Build the plan (FFT, taper and smoothing operator) for one sampling rate.
    pub fn plan(&self, sampling_rate: f64) -> Result<HvsrPlan> {
        HvsrPlan::new(self.clone(), sampling_rate)
    }
}

impl std::ops::Deref for CheckedHvsrParams {
    type Target = HvsrParams;
    fn deref(&self) -> &HvsrParams {
        &self.0
    }
}

impl HvsrParams {
    /// Window length in seconds.
    pub fn get_window_length(&self) -> f64 {
        self.window_length
    }

    /// Output frequencies.
    pub fn get_frequencies(&self) -> &[f64] {
        &self.frequencies
    }

    /// Distribution of curves.
    pub fn get_distribution(&self) -> Distribution {
        self.distribution
    }

    /// Peak search range.
    pub fn get_search_range(&self) -> (Option<f64>, Option<f64>) {
        self.search_range
    }
}
