//! The H/V plan: FFT, taper and smoothing operator built once for a sampling rate and a window
//! length, then applied to any number of 3-component records.
//!
//! Per window (in parallel over windows; each window is independent, so results do not depend
//! on the thread count): detrend → Tukey taper → zero-padded rFFT → |X| → horizontal
//! combination → smoothing at the output frequencies → H/V.

use crate::analysis::{ComponentSpectra, Hvsr};
use crate::azimuthal::AzimuthalHvsr;
use crate::params::{CheckedHvsrParams, FftLength, Horizontal, Order, Windowing};
use crate::pruned_fft::PrunedRfft;
use crate::rejection::{PreRejection, RejectionReason, WindowStatus, sta_lta_extremes};
use crate::smoothing::SmoothingOperator;
use crate::{HvsrError, Result};
use ndarray::{Array1, Array2, ArrayView1};
use num_complex::Complex;
use rayon::prelude::*;
use seis_core::fft::{RealFft, rfftfreq};
use seis_core::filter::SosFilter;
use seis_core::{Components, Segmenter, Stream, Taper};

/// A planned H/V computation for one sampling rate (see the module documentation).
#[derive(Debug, Clone)]
pub struct HvsrPlan {
    params: CheckedHvsrParams,
    sampling_rate: f64,
    window_samples: usize,
    stride: usize,
    nfft: usize,
    fft: RealFft<f64>,
    fft_frequencies: Vec<f64>,
    smoother: SmoothingOperator,
    taper: Vec<f64>,
    rotations: Vec<(f64, f64)>,
    /// FFT bins the smoothing operator reads; magnitudes are only formed there.
    support: std::ops::Range<usize>,
    /// The FFT with its zero padding and unread bins pruned, when the padding allows it.
    pruned: Option<PrunedRfft>,
    /// Zero-phase pre-filter of the whole record.
    prefilter: Option<SosFilter>,
    /// Frequencies the smoother evaluates (the output frequencies, or FFT bins around them).
    smoothed_frequencies: Vec<f64>,
    /// Linear interpolation from `smoothed_frequencies` to the output frequencies: (i, w) gives
    /// `(1 − w)·x[i] + w·x[i + 1]`; `None` when they coincide.
    interpolation: Option<Vec<(usize, f64)>>,
    /// Window-loop buffers of earlier calls, reused (see [`ScratchPool`]).
    pool: ScratchPool,
}

/// Buffers of finished jobs, handed to the next job (of this or a later call) instead of
/// allocating and page-faulting ≈ 0.5 MB per rayon job. Holds at most one set per thread that
/// ran concurrently; every buffer is overwritten before it is read, so results do not depend
/// on which set a job gets. A clone of the plan starts with an empty pool.
#[derive(Default)]
struct ScratchPool(std::sync::Mutex<Vec<Scratch>>);

impl Clone for ScratchPool {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for ScratchPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ScratchPool")
    }
}

/// A scratch set on loan from the pool; returned when the job's folder is dropped.
struct Pooled<'a> {
    scratch: Option<Scratch>,
    pool: &'a ScratchPool,
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        if let (Some(s), Ok(mut v)) = (self.scratch.take(), self.pool.0.lock()) {
            v.push(s);
        }
    }
}

impl std::ops::Deref for Pooled<'_> {
    type Target = Scratch;
    fn deref(&self) -> &Scratch {
        self.scratch.as_ref().expect("scratch present until drop")
    }
}

impl std::ops::DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Scratch {
        self.scratch.as_mut().expect("scratch present until drop")
    }
}

/// |z| as √(re² + im²) (hypot is several times slower; the difference is an ulp or two).
#[inline]
fn abs(z: Complex<f64>) -> f64 {
    (z.re * z.re + z.im * z.im).sqrt()
}

/// hvsrpy's FFT length: the smallest power of two strictly greater than `n`, at least `minimum`.
pub fn hvsrpy_nfft(n: usize, minimum: usize) -> usize {
    let mut p = minimum.max(1);
    while p <= n {
        p *= 2;
    }
    p
}

/// Per-thread buffers of the window loop. The full-length spectra (`spec`, `mag`, `h`) are
/// only allocated by the paths that need them; the default path works on the smoothing
/// support alone.
struct Scratch {
    /// Detrended, tapered samples of one component (zero-padded to nfft without pruning).
    time: Vec<f64>,
    spec: [Vec<Complex<f64>>; 3],
    fft: Vec<Complex<f64>>,
    /// Sub-transform buffer and scratch of the pruned FFT.
    pruned: (Vec<Complex<f64>>, Vec<Complex<f64>>),
    mag: [Vec<f64>; 3],
    h: Vec<f64>,
    smooth_az: Vec<Vec<f64>>,
    col: Vec<f64>,
    /// |X|² of the three components on the smoothing support.
    power: [Vec<f64>; 3],
    /// The spectra of a chunk, bin-major (see `SmoothingOperator::apply_interleaved`).
    inter: Vec<f64>,
    /// Their smoothed values, frequency-major.
    smoothed: Vec<f64>,
    /// The combined horizontal magnitude on the smoothing support.
    h_support: Vec<f64>,
}

impl Scratch {
    /// Allocate the full-length spectra (first call only).
    fn full(&mut self, nb: usize) {
        if self.mag[0].len() != nb {
            self.spec = [(); 3].map(|_| vec![Complex::new(0.0, 0.0); nb]);
            self.mag = [(); 3].map(|_| vec![0.0; nb]);
            self.h = vec![0.0; nb];
        }
    }
}

/// Windows per parallel job (30 even jobs for an hour of 60 s windows).
const CHUNK: usize = 2;

/// Results of one window.
struct WindowOut {
    hv: Vec<f64>,
    h: Vec<f64>,
    comps: Option<[Vec<f64>; 3]>,
    pre: PreStats,
}

/// Time-domain statistics of one window for the pre-rejection tests.
struct PreStats {
    sta_lta: Vec<(char, f64, f64)>,
    max_abs: f64,
}

impl HvsrPlan {
    pub(crate) fn new(params: CheckedHvsrParams, sampling_rate: f64) -> Result<Self> {
        if !(sampling_rate.is_finite() && sampling_rate > 0.0) {
            return Err(HvsrError::invalid("sampling_rate", sampling_rate, "must be finite and > 0 Hz"));
        }
        let dt = 1.0 / sampling_rate;
        let (window_samples, stride) = match params.windowing {
            // hvsrpy: int(T/dt) + 1 samples, the boundary sample shared.
            Windowing::SharedBoundary => {
                let spw = (params.window_length / dt) as usize + 1;
                (spw, spw.saturating_sub(1))
            }
            Windowing::Overlap { fraction } => {
                let s = Segmenter::from_seconds(params.window_length, fraction, sampling_rate)?;
                (s.len(), s.stride())
            }
        };
        if window_samples < 4 || stride == 0 {
            return Err(HvsrError::invalid(
                "window_length",
                params.window_length,
                format!("gives {window_samples} samples at {sampling_rate} Hz; need at least 4"),
            ));
        }
        let nfft = match params.fft_length {
            FftLength::Hvsrpy { minimum } => hvsrpy_nfft(window_samples, minimum),
            FftLength::WindowLength => window_samples,
            FftLength::Exact(n) if n >= window_samples => n,
            FftLength::Exact(n) => {
                return Err(HvsrError::invalid(
                    "fft_length",
                    n,
                    format!("must be ≥ the window length ({window_samples} samples)"),
                ));
            }
        };
        let nyquist = sampling_rate / 2.0;
        if let Some(&f) = params.frequencies.iter().find(|&&f| f > nyquist) {
            return Err(HvsrError::invalid("frequencies", f, format!("exceeds the Nyquist frequency {nyquist} Hz")));
        }
        let fft = RealFft::new(nfft)?;
        let fft_frequencies = rfftfreq(nfft, sampling_rate);
        let (smoothed_frequencies, interpolation) = if params.smooth_at_fft_bins {
            bins_around(&fft_frequencies, &params.frequencies)?
        } else {
            (params.frequencies.clone(), None)
        };
        let smoother = params.smoothing.plan(&fft_frequencies, &smoothed_frequencies)?;
        if let Some(j) = smoother.empty_rows().next() {
            return Err(HvsrError::invalid(
                "frequencies",
                smoothed_frequencies[j],
                format!(
                    "no FFT bin inside the {:?} window (FFT resolution {} Hz)",
                    params.smoothing,
                    sampling_rate / nfft as f64
                ),
            ));
        }
        let taper = Taper::Tukey { alpha: params.taper_width }.window(window_samples)?.to_vec();
        let rotations =
            params.horizontal.azimuths().iter().map(|a| (a.to_radians().cos(), a.to_radians().sin())).collect();
        let support = smoother.support();
        let pruned = PrunedRfft::new(nfft, window_samples, support.clone());
        let prefilter = match params.prefilter {
            Some(band) => Some(SosFilter::butter(params.prefilter_order, band, sampling_rate)?),
            None => None,
        };
        Ok(Self {
            smoothed_frequencies,
            interpolation,
            pool: ScratchPool::default(),
            prefilter,
            pruned,
            support,
            params,
            sampling_rate,
            window_samples,
            stride,
            nfft,
            fft,
            fft_frequencies,
            smoother,
            taper,
            rotations,
        })
    }

    /// Sampling rate the plan was built for.
    pub fn sampling_rate(&self) -> f64 {
        self.sampling_rate
    }

    /// Samples per (full) window.
    pub fn window_samples(&self) -> usize {
        self.window_samples
    }

    /// FFT length.
    pub fn nfft(&self) -> usize {
        self.nfft
    }

    /// Frequencies of the FFT bins.
    pub fn fft_frequencies(&self) -> &[f64] {
        &self.fft_frequencies
    }

    /// The planned smoothing operator.
    pub fn smoother(&self) -> &SmoothingOperator {
        &self.smoother
    }

    /// The parameters.
    pub fn params(&self) -> &CheckedHvsrParams {
        &self.params
    }

    /// (start, length) in samples of every window of a record of `n` samples.
    pub fn windows(&self, n: usize) -> Result<Vec<(usize, usize)>> {
        match self.params.windowing {
            Windowing::SharedBoundary => {
                let count = n / self.stride;
                if count == 0 {
                    return Err(HvsrError::WindowTooLong { window: self.window_samples, record: n });
                }
                // hvsrpy slices with numpy: the last window may be one sample short.
                Ok((0..count)
                    .map(|i| {
                        let s = i * self.stride;
                        (s, self.window_samples.min(n - s))
                    })
                    .collect())
            }
            Windowing::Overlap { .. } => {
                if n < self.window_samples {
                    return Err(HvsrError::WindowTooLong { window: self.window_samples, record: n });
                }
                let count = (n - self.window_samples) / self.stride + 1;
                Ok((0..count).map(|i| (i * self.stride, self.window_samples)).collect())
            }
        }
    }

    /// Process a stream holding one trace per component (N, E, Z; or 1, 2, Z), trimmed to the
    /// span common to the three traces.
    pub fn process_stream(&self, stream: &Stream) -> Result<Hvsr> {
        // Views trimmed to the common span: no copy of the hour of samples.
        let views = match stream.component_views("NEZ") {
            Ok(v) => v,
            Err(seis_core::CoreError::MissingComponent { component: 'N' | 'E', .. })
                if stream.select_component('1').next().is_some() =>
            {
                stream.component_views("12Z")?
            }
            Err(e) => return Err(e.into()),
        };
        self.check_rate(views.sampling_rate)?;
        let [ns, ew, z] = [0, 1, 2].map(|i| views.rows[i].view());
        // a Trace holds finite samples by construction: no second scan of the hour
        self.process_checked([ns, ew, z], false)
    }

    /// Process a 3-component record (component codes N, E, Z or 1, 2, Z in any row order).
    pub fn process(&self, record: &Components) -> Result<Hvsr> {
        let [ns, ew, z] = self.rows(record)?;
        // Components holds finite samples by construction
        self.process_checked([ns, ew, z], false)
    }

    /// The NS, EW and vertical rows of a record sampled at the plan's rate.
    fn rows<'a>(&self, record: &'a Components) -> Result<[ArrayView1<'a, f64>; 3]> {
        self.check_rate(record.sampling_rate())?;
        let order = record.order();
        let (n, e) =
            if order.index_of('N').is_some() || order.index_of('E').is_some() { ('N', 'E') } else { ('1', '2') };
        Ok([record.component(n)?, record.component(e)?, record.component('Z')?])
    }

    /// The record must be sampled at the plan's rate.
    fn check_rate(&self, sampling_rate: f64) -> Result<()> {
        let rel = (sampling_rate - self.sampling_rate).abs() / self.sampling_rate;
        if rel > 1e-9 {
            return Err(HvsrError::SamplingRateMismatch { plan: self.sampling_rate, record: sampling_rate });
        }
        Ok(())
    }

    /// Equal, non-empty lengths and (when `finite_check`) finite samples.
    fn check_arrays(data: &[ArrayView1<f64>; 3], finite_check: bool) -> Result<usize> {
        let n = data[2].len();
        // the scan is memory-bound: the components in parallel
        let finite: Vec<bool> = if finite_check { data.par_iter().map(all_finite).collect() } else { vec![true; 3] };
        for ((what, c), finite) in
            ["NS component", "EW component", "vertical component"].into_iter().zip(data).zip(finite)
        {
            if c.is_empty() {
                return Err(HvsrError::Empty { what });
            }
            if c.len() != n {
                return Err(HvsrError::ShapeMismatch {
                    what: format!("{what} length"),
                    expected: n.to_string(),
                    got: c.len().to_string(),
                });
            }
            if !finite && let Some((index, &value)) = c.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                return Err(HvsrError::NonFinite { what: what.to_string(), index, value });
            }
        }
        Ok(n)
    }

    /// Process three equally long component arrays (NS, EW, vertical) sampled at the plan's rate.
    pub fn process_arrays(&self, ns: ArrayView1<f64>, ew: ArrayView1<f64>, z: ArrayView1<f64>) -> Result<Hvsr> {
        self.process_checked([ns, ew, z], true)
    }

    /// [`Self::process_arrays`], the finiteness scan only when the data may hold NaN or ±∞.
    fn process_checked(&self, raw: [ArrayView1<f64>; 3], finite_check: bool) -> Result<Hvsr> {
        let n = Self::check_arrays(&raw, finite_check)?;
        let pre = self.preprocess(&raw)?;
        let data = [0, 1, 2].map(|c| pre[c].as_ref().map_or(raw[c], |a| a.view()));
        let windows = self.windows(n)?;
        // Fixed chunks of windows (not thread-dependent): each job allocates its buffers once
        // and streams the smoothing weights once for all the windows of its chunk.
        let outs: Vec<WindowOut> = windows
            .par_chunks(CHUNK)
            .map_init(|| self.pooled_scratch(), |s, chunk| self.window_chunk(&data, chunk, &mut *s))
            .collect::<Vec<Result<Vec<_>>>>()
            .into_iter()
            .collect::<Result<Vec<_>>>()? // first error in window order, whatever the threads did
            .into_iter()
            .flatten()
            .collect();

        let nw = windows.len();
        let nf = self.params.frequencies.len();
        let mut amplitude = Array2::zeros((nw, nf));
        let mut horizontal = Array2::zeros((nw, nf));
        let mut comps = self.params.component_spectra.then(|| [(); 3].map(|_| Array2::<f64>::zeros((nw, nf))));
        for (i, o) in outs.iter().enumerate() {
            amplitude.row_mut(i).assign(&ArrayView1::from(&o.hv[..]));
            horizontal.row_mut(i).assign(&ArrayView1::from(&o.h[..]));
            if let (Some(dst), Some(src)) = (comps.as_mut(), o.comps.as_ref()) {
                for c in 0..3 {
                    dst[c].row_mut(i).assign(&ArrayView1::from(&src[c][..]));
                }
            }
        }
        let status = self.pre_reject(outs.iter().map(|o| &o.pre));
        let spectra = comps.map(|[ns, ew, vertical]| ComponentSpectra { ns, ew, vertical, horizontal });
        let starts = windows.iter().map(|w| w.0).collect();
        Hvsr::analyze(
            &self.params,
            self.params.frequencies.clone().into(),
            self.params.window_length,
            starts,
            amplitude,
            spectra,
            status,
        )
    }

    /// Azimuthal processing (hvsrpy `HvsrAzimuthal`): the single-azimuth H/V
    /// (`ns·cos θ + ew·sin θ`, smoothed, over the smoothed vertical) of every window at every
    /// azimuth (degrees in [0, 180]), analysed per azimuth with the plan's rejection settings,
    /// then combined with Cheng et al. (2020) weights. The plan's horizontal combination is
    /// not used. The FFTs are computed once per window for all azimuths.
    pub fn process_azimuthal(&self, record: &Components, azimuths: &[f64]) -> Result<AzimuthalHvsr> {
        let raw = self.rows(record)?;
        let n = Self::check_arrays(&raw, true)?;
        let pre = self.preprocess(&raw)?;
        let data = [0, 1, 2].map(|c| pre[c].as_ref().map_or(raw[c], |a| a.view()));
        if azimuths.is_empty() {
            return Err(HvsrError::Empty { what: "azimuths" });
        }
        if let Some(a) = azimuths.iter().find(|a| !(0.0..=180.0).contains(*a)) {
            return Err(HvsrError::invalid("azimuth", a, "must lie in [0, 180] degrees"));
        }
        let rot: Vec<(f64, f64)> = azimuths.iter().map(|a| (a.to_radians().cos(), a.to_radians().sin())).collect();
        let windows = self.windows(n)?;
        let nf = self.smoother.n_out();
        let outs: Vec<(Vec<Vec<f64>>, PreStats)> = windows
            .par_iter()
            .with_min_len(4) // fewer jobs: each one allocates its FFT buffers once
            .enumerate()
            .map_init(
                || self.pooled_scratch(),
                |s, (w, &(start, len))| {
                    let s: &mut Scratch = s;
                    let pre = self.transform(&data, start, len, s)?;
                    let mut vz = vec![0.0; nf];
                    self.smoother.apply_unchecked(&s.mag[2], &mut vz);
                    if let Some(j) = vz.iter().position(|v| !(*v > 0.0 && v.is_finite())) {
                        return Err(HvsrError::ZeroVertical { window: w, frequency: self.smoothed_frequencies[j] });
                    }
                    let mut curves = Vec::with_capacity(rot.len());
                    for &(cs, sn) in &rot {
                        for (hk, (xn, xe)) in s.h[self.support.clone()]
                            .iter_mut()
                            .zip(s.spec[0][self.support.clone()].iter().zip(&s.spec[1][self.support.clone()]))
                        {
                            *hk = abs(xn * cs + xe * sn);
                        }
                        let mut hv = vec![0.0; nf];
                        self.smoother.apply_unchecked(&s.h, &mut hv);
                        hv.iter_mut().zip(&vz).for_each(|(h, v)| *h /= v);
                        curves.push(self.resample(hv));
                    }
                    Ok((curves, pre))
                },
            )
            .collect::<Vec<Result<_>>>()
            .into_iter()
            .collect::<Result<Vec<_>>>()?; // first error in window order, whatever the threads did
        let status = self.pre_reject(outs.iter().map(|o| &o.1));
        let starts: Vec<usize> = windows.iter().map(|w| w.0).collect();
        let per_azimuth = (0..azimuths.len())
            .map(|a| {
                let mut amp = Array2::zeros((windows.len(), nf));
                for (i, o) in outs.iter().enumerate() {
                    amp.row_mut(i).assign(&ArrayView1::from(&o.0[a][..]));
                }
                Hvsr::analyze(
                    &self.params,
                    self.params.frequencies.clone().into(),
                    self.params.window_length,
                    starts.clone(),
                    amp,
                    None,
                    status.clone(),
                )
            })
            .collect::<Result<Vec<_>>>()?;
        AzimuthalHvsr::new(azimuths.to_vec(), per_azimuth, self.params.distribution, self.params.search_range)
    }

    /// Orientation correction and pre-filter of the whole record (hvsrpy order); `None` for a
    /// component left as it is.
    fn preprocess(&self, data: &[ArrayView1<f64>; 3]) -> Result<[Option<Array1<f64>>; 3]> {
        let mut out: [Option<Array1<f64>>; 3] = [None, None, None];
        let theta = self.params.sensor_azimuth.to_radians();
        if theta.rem_euclid(std::f64::consts::TAU) != 0.0 {
            let (s, c) = theta.sin_cos();
            // hvsrpy orient_sensor_to(0): ew·cos θ + ns·sin θ, −ew·sin θ + ns·cos θ.
            out[0] = Some(ndarray::Zip::from(&data[0]).and(&data[1]).map_collect(|&n, &e| e * -s + n * c));
            out[1] = Some(ndarray::Zip::from(&data[0]).and(&data[1]).map_collect(|&n, &e| e * c + n * s));
        }
        if let Some(f) = &self.prefilter {
            for c in 0..3 {
                let src = out[c].as_ref().map_or(data[c], |a| a.view());
                out[c] = Some(f.filtfilt(src)?);
            }
        }
        Ok(out)
    }

    /// A scratch set from the pool, or a new one.
    fn pooled_scratch(&self) -> Pooled<'_> {
        let reused = self.pool.0.lock().ok().and_then(|mut v| v.pop());
        Pooled { scratch: Some(reused.unwrap_or_else(|| self.scratch())), pool: &self.pool }
    }

    fn scratch(&self) -> Scratch {
        let naz = self.rotations.len();
        let ns = self.support.len();
        Scratch {
            time: vec![0.0; if self.pruned.is_some() { self.window_samples } else { self.nfft }],
            spec: Default::default(),
            fft: if self.pruned.is_some() { Vec::new() } else { self.fft.make_scratch() },
            pruned: self.pruned.as_ref().map(|p| p.make_buffers()).unwrap_or_default(),
            mag: Default::default(),
            h: Vec::new(),
            smooth_az: vec![vec![0.0; self.smoother.n_out()]; naz],
            col: Vec::with_capacity(naz),
            power: [(); 3].map(|_| vec![0.0; ns]),
            inter: Vec::new(),
            smoothed: Vec::new(),
            h_support: Vec::with_capacity(ns),
        }
    }

    /// Detrend, pre-rejection statistics and taper of component `c` of one window into
    /// `s.time[..len]`.
    #[allow(clippy::too_many_arguments)]
    fn prepare(
        &self,
        data: &[ArrayView1<f64>; 3],
        c: usize,
        start: usize,
        taper: &[f64],
        s: &mut Scratch,
        sta_lta: &mut Vec<(char, f64, f64)>,
        max_abs: &mut f64,
    ) -> Result<()> {
        let p = &self.params;
        let len = taper.len();
        let buf = &mut s.time[..len];
        let src = data[c].slice(ndarray::s![start..start + len]);
        if p.pre_rejection.is_empty()
            && let Some(x) = src.as_slice()
        {
            // one pass: trend, then detrend + taper straight from the record
            p.detrend.fit(x).remove_tapered(x, taper, buf)?;
            return Ok(());
        }
        match src.as_slice() {
            Some(x) => buf.copy_from_slice(x),
            None => buf.iter_mut().zip(src.iter()).for_each(|(b, &x)| *b = x),
        }
        p.detrend.apply_inplace(buf);
        let code = ['N', 'E', 'Z'][c];
        for t in &p.pre_rejection {
            match t {
                PreRejection::StaLta(q) if q.components.contains(&code) => {
                    let (lo, hi) = sta_lta_extremes(buf, self.sampling_rate, q.sta, q.lta)?;
                    sta_lta.push((code, lo, hi));
                }
                PreRejection::MaxAmplitude { .. } => {
                    *max_abs = buf.iter().fold(*max_abs, |m, v| m.max(v.abs()));
                }
                _ => {}
            }
        }
        for (b, w) in buf.iter_mut().zip(taper) {
            *b *= w;
        }
        Ok(())
    }

    /// The taper of a window of `len` samples (the planned one unless the window is short).
    fn taper_for(&self, len: usize) -> Result<std::borrow::Cow<'_, [f64]>> {
        Ok(if len == self.window_samples {
            std::borrow::Cow::Borrowed(&self.taper[..])
        } else {
            std::borrow::Cow::Owned(Taper::Tukey { alpha: self.params.taper_width }.window(len)?.to_vec())
        })
    }

    /// Detrend, pre-rejection statistics, taper and |rFFT|² on the smoothing support of the
    /// three components of one window into `s.power`.
    fn transform_power(
        &self,
        data: &[ArrayView1<f64>; 3],
        start: usize,
        len: usize,
        s: &mut Scratch,
    ) -> Result<PreStats> {
        let taper = self.taper_for(len)?;
        let (mut sta_lta, mut max_abs) = (Vec::new(), 0.0f64);
        let b = self.support.clone();
        for c in 0..3 {
            self.prepare(data, c, start, &taper, s, &mut sta_lta, &mut max_abs)?;
            if let Some(pf) = &self.pruned {
                let (zb, zs) = &mut s.pruned;
                pf.forward_power(&s.time[..len], &mut s.power[c], zb, zs);
            } else {
                s.full(self.fft.n_bins());
                s.time[len..].fill(0.0);
                self.fft.forward_into(&mut s.time, &mut s.spec[c], &mut s.fft)?;
                for (m, x) in s.power[c].iter_mut().zip(&s.spec[c][b.clone()]) {
                    *m = x.re * x.re + x.im * x.im;
                }
            }
        }
        Ok(PreStats { sta_lta, max_abs })
    }

    /// Detrend, pre-rejection statistics, taper and rFFT of the three components of one
    /// window into `s.spec` / `s.mag`. Returns the STA/LTA extremes and the maximum |amplitude|.
    fn transform(&self, data: &[ArrayView1<f64>; 3], start: usize, len: usize, s: &mut Scratch) -> Result<PreStats> {
        let taper = self.taper_for(len)?;
        let (mut sta_lta, mut max_abs) = (Vec::new(), 0.0f64);
        s.full(self.fft.n_bins());
        for c in 0..3 {
            self.prepare(data, c, start, &taper, s, &mut sta_lta, &mut max_abs)?;
            let b = self.support.clone();
            if let Some(pf) = &self.pruned {
                let (zb, zs) = &mut s.pruned;
                pf.forward(&s.time[..len], &mut s.spec[c][b.clone()], zb, zs);
            } else {
                s.time[len..].fill(0.0);
                self.fft.forward_into(&mut s.time, &mut s.spec[c], &mut s.fft)?;
            }
            for (m, x) in s.mag[c][b.clone()].iter_mut().zip(&s.spec[c][b]) {
                *m = abs(*x);
            }
        }
        Ok(PreStats { sta_lta, max_abs })
    }

    /// Windows of one chunk. In the default order (combine, then smooth) the smoothing of all
    /// the chunk's spectra is one pass over the operator's weights.
    fn window_chunk(
        &self,
        data: &[ArrayView1<f64>; 3],
        chunk: &[(usize, usize)],
        s: &mut Scratch,
    ) -> Result<Vec<WindowOut>> {
        let p = &self.params;
        if p.order != Order::CombineThenSmooth || !self.rotations.is_empty() {
            return chunk.iter().map(|&(start, len)| self.window(data, start, len, s)).collect();
        }
        let nsup = self.support.len();
        let per = if p.component_spectra { 4 } else { 2 };
        let ns = per * chunk.len();
        s.inter.resize(nsup * ns, 0.0);
        let mut pres = Vec::with_capacity(chunk.len());
        for (i, &(start, len)) in chunk.iter().enumerate() {
            pres.push(self.transform_power(data, start, len, s)?);
            // magnitudes and the combination in contiguous (vectorisable) passes, then one
            // scatter into the chunk's bin-major layout
            let (power, hz, inter) = (&mut s.power, &mut s.h_support, &mut s.inter);
            crate::simd::dispatch(
                #[inline(always)]
                || {
                    let [pn, pe, pz] = power;
                    if per == 4 {
                        // the horizontal magnitudes are returned too
                        for v in [&mut *pn, &mut *pe] {
                            v.iter_mut().for_each(|x| *x = x.sqrt());
                        }
                        hz.clear();
                        hz.extend(pn.iter().zip(pe.iter()).map(|(&a, &b)| p.horizontal.combine(a, b)));
                    } else {
                        p.horizontal.combine_powers(pn, pe, hz);
                    }
                    pz.iter_mut().for_each(|x| *x = x.sqrt());
                    // this window's slots of every bin row (one bounds check per row)
                    let rows = inter[per * i..].chunks_mut(ns).zip(hz.iter().zip(pz.iter()));
                    if per == 4 {
                        for ((o, (&h, &v)), (&n, &e)) in rows.zip(pn.iter().zip(pe.iter())) {
                            o[..4].copy_from_slice(&[h, v, n, e]);
                        }
                    } else {
                        for (o, (&h, &v)) in rows {
                            o[..2].copy_from_slice(&[h, v]);
                        }
                    }
                },
            );
        }
        let nf = self.smoother.n_out();
        s.smoothed.resize(nf * ns, 0.0);
        self.smoother.apply_interleaved(&s.inter, self.support.start, ns, &mut s.smoothed);
        let column = |slot: usize| -> Vec<f64> { s.smoothed.chunks_exact(ns).map(|r| r[slot]).collect() };
        let mut result = Vec::with_capacity(chunk.len());
        for (i, (&(start, len), pre)) in chunk.iter().zip(pres).enumerate() {
            let (h, vz) = (column(per * i), column(per * i + 1));
            let comps = p.component_spectra.then(|| [column(per * i + 2), column(per * i + 3), vz.clone()]);
            let hv = self.ratio(&h, &vz, data, (start, len))?;
            result.push(self.resampled(WindowOut { hv, h, comps, pre }));
        }
        Ok(result)
    }

    /// H/V, with a typed error where the smoothed vertical spectrum vanishes. A non-finite
    /// spectrum is traced back to the window's samples (records whose finiteness was not
    /// scanned up front, e.g. a deserialised trace, still get the `NonFinite` error).
    fn ratio(&self, h: &[f64], vz: &[f64], data: &[ArrayView1<f64>; 3], window: (usize, usize)) -> Result<Vec<f64>> {
        let (start, len) = window;
        h.iter()
            .zip(vz)
            .enumerate()
            .map(|(j, (a, b))| {
                if !(a.is_finite() && b.is_finite()) {
                    let names = ["NS component", "EW component", "vertical component"];
                    for (what, c) in names.into_iter().zip(data) {
                        let w = c.slice(ndarray::s![start..start + len]);
                        if let Some((i, &value)) = w.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                            return Err(HvsrError::NonFinite { what: what.to_string(), index: start + i, value });
                        }
                    }
                }
                if *b <= 0.0 || !b.is_finite() {
                    Err(HvsrError::ZeroVertical {
                        window: start / self.stride.max(1),
                        frequency: self.smoothed_frequencies[j],
                    })
                } else if !a.is_finite() {
                    Err(HvsrError::NonFinite { what: "smoothed horizontal spectrum".into(), index: j, value: *a })
                } else {
                    Ok(a / b)
                }
            })
            .collect()
    }

    fn window(&self, data: &[ArrayView1<f64>; 3], start: usize, len: usize, s: &mut Scratch) -> Result<WindowOut> {
        let p = &self.params;
        let pre = self.transform(data, start, len, s)?;
        let nf = self.smoother.n_out();
        let mut h = vec![0.0; nf];
        let mut vz = vec![0.0; nf];
        let mut comps = p.component_spectra.then(|| [vec![0.0; nf], vec![0.0; nf]]);
        let rotated = !self.rotations.is_empty();
        let smooth_components = p.component_spectra || (p.order == Order::SmoothThenCombine && !rotated);
        if rotated {
            for (a, &(cs, sn)) in self.rotations.iter().enumerate() {
                for (hk, (xn, xe)) in s.h[self.support.clone()]
                    .iter_mut()
                    .zip(s.spec[0][self.support.clone()].iter().zip(&s.spec[1][self.support.clone()]))
                {
                    *hk = abs(xn * cs + xe * sn);
                }
                self.smoother.apply_unchecked(&s.h, &mut s.smooth_az[a]);
            }
            if let Horizontal::RotD { percentile, .. } = &p.horizontal {
                for (j, hj) in h.iter_mut().enumerate() {
                    s.col.clear();
                    s.col.extend(s.smooth_az.iter().map(|v| v[j]));
                    *hj = percentile_linear(&mut s.col, *percentile);
                }
            } else {
                h.copy_from_slice(&s.smooth_az[0]);
            }
        }
        match (p.order, rotated) {
            (Order::CombineThenSmooth, false) => {
                let b = self.support.clone();
                for (hk, (a, b)) in s.h[b.clone()].iter_mut().zip(s.mag[0][b.clone()].iter().zip(&s.mag[1][b])) {
                    *hk = p.horizontal.combine(*a, *b);
                }
                if let Some([cn, ce]) = comps.as_mut() {
                    self.smoother.apply_many(
                        &[&s.h, &s.mag[2], &s.mag[0], &s.mag[1]],
                        &mut [&mut h[..], &mut vz[..], &mut cn[..], &mut ce[..]],
                    );
                } else {
                    self.smoother.apply_many(&[&s.h, &s.mag[2]], &mut [&mut h[..], &mut vz[..]]);
                }
            }
            _ => {
                if smooth_components {
                    let [cn, ce] = comps.get_or_insert_with(|| [vec![0.0; nf], vec![0.0; nf]]);
                    self.smoother
                        .apply_many(&[&s.mag[2], &s.mag[0], &s.mag[1]], &mut [&mut vz[..], &mut cn[..], &mut ce[..]]);
                    if !rotated {
                        for (hj, (a, b)) in h.iter_mut().zip(cn.iter().zip(ce.iter())) {
                            *hj = p.horizontal.combine(*a, *b);
                        }
                    }
                } else {
                    self.smoother.apply_unchecked(&s.mag[2], &mut vz);
                }
            }
        }
        let hv = self.ratio(&h, &vz, data, (start, len))?;
        let comps = if p.component_spectra { comps.map(|[cn, ce]| [cn, ce, vz]) } else { None };
        Ok(self.resampled(WindowOut { hv, h, comps, pre }))
    }

    /// A curve at the smoothed frequencies, interpolated to the output frequencies.
    fn resample(&self, x: Vec<f64>) -> Vec<f64> {
        match &self.interpolation {
            None => x,
            Some(t) => t.iter().map(|&(i, w)| if w == 0.0 { x[i] } else { (1.0 - w) * x[i] + w * x[i + 1] }).collect(),
        }
    }

    fn resampled(&self, o: WindowOut) -> WindowOut {
        if self.interpolation.is_none() {
            return o;
        }
        WindowOut {
            hv: self.resample(o.hv),
            h: self.resample(o.h),
            comps: o.comps.map(|c| c.map(|v| self.resample(v))),
            pre: o.pre,
        }
    }

    fn pre_reject<'a>(&self, pre: impl ExactSizeIterator<Item = &'a PreStats> + Clone) -> Vec<WindowStatus> {
        let outs = pre;
        let mut status = vec![WindowStatus::Valid; outs.len()];
        for t in &self.params.pre_rejection {
            match t {
                PreRejection::StaLta(q) => {
                    for (s, o) in status.iter_mut().zip(outs.clone()) {
                        if !s.is_valid() {
                            continue;
                        }
                        if let Some(&(component, lo, hi)) =
                            o.sta_lta.iter().find(|(_, lo, hi)| *hi > q.max_ratio || *lo < q.min_ratio)
                        {
                            *s = WindowStatus::Rejected(RejectionReason::StaLta {
                                component,
                                min_ratio: lo,
                                max_ratio: hi,
                            });
                        }
                    }
                }
                PreRejection::MaxAmplitude { threshold, normalized } => {
                    let top = outs.clone().fold(0.0f64, |m, o| m.max(o.max_abs));
                    for (s, o) in status.iter_mut().zip(outs.clone()) {
                        let v = if *normalized && top > 0.0 { o.max_abs / top } else { o.max_abs };
                        if s.is_valid() && v >= *threshold {
                            *s = WindowStatus::Rejected(RejectionReason::MaxAmplitude { value: v });
                        }
                    }
                }
            }
        }
        status
    }
}

/// The FFT bins (above 0 Hz) from the one at or below the lowest output frequency to the one
/// at or above the highest, and the linear interpolation from them to the output frequencies.
#[allow(clippy::type_complexity)]
fn bins_around(fft: &[f64], out: &[f64]) -> Result<(Vec<f64>, Option<Vec<(usize, f64)>>)> {
    let (lo, hi) = (out[0], out[out.len() - 1]);
    if fft.len() < 2 || lo < fft[1] {
        let df = fft.get(1).copied().unwrap_or(0.0);
        return Err(HvsrError::invalid("frequencies", lo, format!("below the first FFT bin ({df} Hz)")));
    }
    let first = fft.partition_point(|&f| f <= lo) - 1;
    let last = fft.partition_point(|&f| f < hi).min(fft.len() - 1);
    let bins = fft[first..=last].to_vec();
    let table = out
        .iter()
        .map(|&f| {
            let i = (bins.partition_point(|&b| b <= f).max(1) - 1).min(bins.len().saturating_sub(2));
            if bins.len() < 2 {
                return (0, 0.0);
            }
            (i, ((f - bins[i]) / (bins[i + 1] - bins[i])).clamp(0.0, 1.0))
        })
        .collect();
    Ok((bins, Some(table)))
}

/// Whether every sample is finite. x·0 is NaN exactly for NaN and ±Inf; eight independent
/// branch-free sums vectorise (the index of a bad sample is searched for only on failure).
fn all_finite(x: &ArrayView1<f64>) -> bool {
    let Some(s) = x.as_slice() else { return x.iter().all(|v| v.is_finite()) };
    let (chunks, rest) = s.as_chunks::<8>();
    let mut acc = [0.0f64; 8];
    for c in chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a += v * 0.0;
        }
    }
    acc.iter().chain(rest).all(|v| v.is_finite())
}

/// numpy `percentile(..., method="linear")` of `v` (reordered in place).
pub(crate) fn percentile_linear(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let pos = q / 100.0 * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    let t = pos - lo as f64;
    let (a, b) = (v[lo], v[hi]);
    let d = b - a;
    // numpy's _lerp: a + d·t, or b − d·(1 − t) for t ≥ 0.5.
    if t >= 0.5 { b - d * (1.0 - t) } else { a + d * t }
}

#[cfg(test)]
mod tests {
    use crate::{HvsrError, HvsrParams};
    use ndarray::Array1;

    /// Unscanned records (a deserialised trace) still report a non-finite sample by index.
    #[test]
    fn unscanned_non_finite_samples_are_reported() {
        let n = 2000;
        let x = |k: usize| Array1::from_iter((0..n).map(|i| ((i * (7 + k)) % 13) as f64 - 6.0));
        let plan = HvsrParams::new().window_length(5.0).frequencies(vec![1.0, 2.0, 4.0]).plan(100.0).unwrap();
        for (c, bad) in [(0, f64::NAN), (1, f64::INFINITY), (2, f64::NEG_INFINITY)] {
            let mut d = [x(0), x(1), x(2)];
            d[c][1234] = bad;
            let e = plan.process_checked([d[0].view(), d[1].view(), d[2].view()], false).unwrap_err();
            assert!(matches!(e, HvsrError::NonFinite { index: 1234, .. }), "{e}");
            let e = plan.process_arrays(d[0].view(), d[1].view(), d[2].view()).unwrap_err();
            assert!(matches!(e, HvsrError::NonFinite { index: 1234, .. }), "{e}");
        }
    }
}
