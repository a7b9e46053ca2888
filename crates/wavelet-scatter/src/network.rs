//! The scatseisnet-compatible scattering network: a cascade of [`GaborBank`] layers applied by
//! circular convolution at full rate to every path of the previous layer, then pooled.
//!
//! The network is a plan: filter spectra, FFT plans and the pooling region are built once for a
//! window length and sampling rate, then [`ScatteringNetwork::transform`] runs over batches
//! shaped (windows, channels, samples) with rayon over windows. Each worker thread owns one
//! workspace (no allocation per window), windows are independent, so results do not depend on
//! the number of threads. The caller's data is never modified (the taper works on a copy).
//!
//! Two execution paths give the same coefficients (within round-off, unit-tested): item by
//! item on rustfft plans (any CPU, `f32` and `f64`, every pooling, taper and window length),
//! and, for `f64` with whole-window mean/max/median pooling, no taper and a window length
//! whose prime factors are 2, 3 and 5, on CPUs with AVX-512, eight (window, channel) items per
//! group through the lanes path (`lanes_net.rs`), about 1.5× faster per item.

use crate::band::{Band, SizeModel};
use crate::float::Sample;
use crate::gabor::{GaborBank, LayerSpec};
use crate::lanes::{Backend, LANES};
use crate::lanes_net::{BandSpec, LanesPlan};
use crate::pooling::Pooling;
use crate::select::Selector;
use crate::{Result, ScatterError};
use ndarray::{Array2, ArrayD, ArrayView1, ArrayView3, IxDyn};
use num_complex::Complex;
use rayon::prelude::*;
use rustfft::{Fft, FftPlanner};
use seis_core::{RealFft, Taper};
use std::sync::Arc;

/// Spectral bins where a filter's analytic Gaussian gain is below this fraction of its peak are
/// skipped: the computed spectra hold only round-off there (1e-17…1e-13 of the peak), so the
/// pruned transform stays within ≈ 1e-14 of each order's maximum of scatseisnet (golden tests)
/// while every inverse DFT shrinks to the filter's band.
const SPECTRUM_FLOOR: f64 = 1e-16;

/// Hyperparameters of a [`ScatteringNetwork`] (builder; [`NetworkBuilder::build`] checks them).
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkBuilder {
    bins: usize,
    sampling_rate: f64,
    layers: Vec<LayerSpec>,
    taper_alpha: Option<f64>,
    allow_truncation: bool,
}

impl NetworkBuilder {
    /// Hyperparameters of a network for windows of `bins` samples at `sampling_rate` Hz, with no
    /// layer yet, no taper and no truncation.
    pub fn new(bins: usize, sampling_rate: f64) -> Self {
        Self { bins, sampling_rate, layers: Vec::new(), taper_alpha: None, allow_truncation: false }
    }

    /// Append a layer.
    pub fn layer(mut self, spec: LayerSpec) -> Self {
        self.layers.push(spec);
        self
    }

    /// Tukey taper of the input (scipy `tukey(N, alpha)`); pooling then uses only the samples
    /// where the taper equals exactly 1 (scatseisnet's `taper_alpha`). `None` = no taper.
    pub fn taper_alpha(mut self, alpha: Option<f64>) -> Self {
        self.taper_alpha = alpha;
        self
    }

    /// Accept wavelets whose support (envelope ≥ 1e-3) exceeds the window; they are then
    /// truncated by the finite grid and wrap around circularly, as scatseisnet silently does.
    pub fn allow_truncation(mut self, allow: bool) -> Self {
        self.allow_truncation = allow;
        self
    }

    /// Check the parameters and build the plan (filters, FFT plans, pooling region).
    pub fn build<T: Sample>(&self) -> Result<ScatteringNetwork<T>> {
        if self.layers.is_empty() {
            return Err(ScatterError::Empty { what: "list of layers" });
        }
        let banks: Vec<GaborBank> =
            self.layers.iter().map(|s| GaborBank::new(*s, self.bins, self.sampling_rate)).collect::<Result<_>>()?;
        let window_s = self.bins as f64 / self.sampling_rate;
        if !self.allow_truncation {
            for (layer, b) in banks.iter().enumerate() {
                let support_s = b.longest_support();
                if support_s > window_s {
                    let frequency = b.centers().iter().copied().fold(f64::INFINITY, f64::min);
                    return Err(ScatterError::WaveletLongerThanWindow { layer, frequency, support_s, window_s });
                }
            }
        }
        let n = self.bins;
        let (taper, region) = match self.taper_alpha {
            None => (None, (0, n)),
            Some(alpha) => {
                let w = Taper::Tukey { alpha }.window(n)?;
                // scatseisnet pools where the taper is exactly 1 (a contiguous run).
                let lo = w.iter().position(|&v| v == 1.0);
                let hi = w.iter().rposition(|&v| v == 1.0);
                match (lo, hi) {
                    (Some(lo), Some(hi)) => (Some(w.iter().map(|&v| T::of(v)).collect::<Vec<T>>()), (lo, hi + 1)),
                    _ => {
                        return Err(ScatterError::invalid(
                            "taper_alpha",
                            alpha,
                            "leaves no sample where the taper equals 1 to pool over",
                        ));
                    }
                }
            }
        };
        // numpy's ifft divides by N: fold it into the filters.
        let scale = 1.0 / n as f64;
        let mut planner = FftPlanner::<T>::new();
        let plans: Vec<LayerPlan<T>> = banks
            .iter()
            .map(|b| {
                let bands: Vec<Band<T>> = b
                    .spectra()
                    .rows()
                    .into_iter()
                    .enumerate()
                    .map(|(k, row)| {
                        Band::new(
                            &row.to_vec(),
                            scale,
                            b.band_mask(k, SPECTRUM_FLOOR),
                            SizeModel::Rustfft,
                            &mut planner,
                        )
                    })
                    .collect();
                let reach = bands.iter().map(Band::end).max().unwrap_or(0);
                LayerPlan { n_filters: b.len(), bands, reach }
            })
            .collect();
        let inverse = planner.plan_fft_inverse(n);
        let rfft = RealFft::<T>::new(n)?;
        let lanes = lanes_plan::<T>(n, &banks, scale);
        Ok(ScatteringNetwork {
            bins: n,
            sampling_rate: self.sampling_rate,
            banks,
            plans,
            inverse,
            rfft,
            taper,
            region,
            lanes,
        })
    }
}

/// The lanes plan, built only where it can run: `f64` samples, a CPU with AVX-512F + FMA (any
/// CPU in the crate's unit tests, which compare the paths), and a window length whose prime
/// factors are 2, 3 and 5 (other lengths would need slow generic radices; rustfft handles them
/// item by item). The bands are the same, with DFT sizes chosen for the lanes transforms.
fn lanes_plan<T: Sample>(n: usize, banks: &[GaborBank], scale: f64) -> Option<LanesPlan> {
    T::as_complex64(&[])?;
    if !(cfg!(test) || Backend::detect() == Backend::Avx512) || !is_5_smooth(n) {
        return None;
    }
    let mut planner = FftPlanner::<f64>::new();
    let bands: Vec<Vec<Band<f64>>> = banks
        .iter()
        .map(|b| {
            b.spectra()
                .rows()
                .into_iter()
                .enumerate()
                .map(|(k, row)| {
                    Band::new(&row.to_vec(), scale, b.band_mask(k, SPECTRUM_FLOOR), SizeModel::Lanes, &mut planner)
                })
                .collect()
        })
        .collect();
    let layers: Vec<Vec<BandSpec<'_>>> =
        bands.iter().map(|l| l.iter().map(|b| (b.geometry(), b.table())).collect()).collect();
    Some(LanesPlan::new(n, &layers, Backend::detect()))
}

/// True when the prime factors of `n` are all 2, 3 or 5.
fn is_5_smooth(mut n: usize) -> bool {
    for p in [2, 3, 5] {
        while n > 1 && n.is_multiple_of(p) {
            n /= p;
        }
    }
    n == 1
}

pub(crate) struct LayerPlan<T> {
    n_filters: usize,
    /// Every filter planned over its band (spectra already divided by N).
    pub(crate) bands: Vec<Band<T>>,
    /// Bins of the extended input spectrum any band reads (`spec[..reach]`).
    reach: usize,
}

/// A scattering network planned for windows of `bins` samples at `sampling_rate` Hz.
///
/// ```
/// use ndarray::Array3;
/// use wavelet_scatter::{LayerSpec, Pooling, ScatteringNetwork};
///
/// let net = ScatteringNetwork::builder(1000, 50.0)
///     .layer(LayerSpec::new(4, 4, 2.0))
///     .layer(LayerSpec::new(4, 1, 2.0))
///     .build::<f64>()?;
/// let x = Array3::from_shape_fn((3, 2, 1000), |(w, c, i)| ((i * (w + 1) + c) as f64 * 0.37).sin());
/// let s = net.transform(x.view(), Pooling::Median)?;
/// assert_eq!(s[0].shape(), &[3, 2, 16]);
/// assert_eq!(s[1].shape(), &[3, 2, 16, 4]);
/// # Ok::<(), wavelet_scatter::ScatterError>(())
/// ```
pub struct ScatteringNetwork<T: Sample = f64> {
    bins: usize,
    sampling_rate: f64,
    banks: Vec<GaborBank>,
    pub(crate) plans: Vec<LayerPlan<T>>,
    inverse: Arc<dyn Fft<T>>,
    rfft: RealFft<T>,
    taper: Option<Vec<T>>,
    region: (usize, usize),
    /// Eight items at a time (`f64` only).
    lanes: Option<LanesPlan>,
}

impl<T: Sample> std::fmt::Debug for ScatteringNetwork<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScatteringNetwork")
            .field("bins", &self.bins)
            .field("sampling_rate", &self.sampling_rate)
            .field("layers", &self.banks.iter().map(|b| *b.spec()).collect::<Vec<_>>())
            .field("pooled_region", &self.region)
            .finish()
    }
}

impl ScatteringNetwork<f64> {
    /// Start the hyperparameters of a network for windows of `bins` samples at `sampling_rate` Hz.
    pub fn builder(bins: usize, sampling_rate: f64) -> NetworkBuilder {
        NetworkBuilder::new(bins, sampling_rate)
    }
}

/// Per-thread buffers of one layer depth.
struct Level<T> {
    /// Spectrum of this layer's input (full length N).
    spec: Vec<Complex<T>>,
    /// Filtered signal (complex, length N).
    y: Vec<Complex<T>>,
    /// Modulus, fftshifted (input of the next layer).
    u: Vec<T>,
    /// Modulus in the band buffer's order (before the reordering into `u`).
    m: Vec<T>,
}

/// Per-thread workspace: every buffer the per-window loop needs.
struct Workspace<T> {
    levels: Vec<Level<T>>,
    x: Vec<T>,
    half: Vec<Complex<T>>,
    fft_scratch: Vec<Complex<T>>,
    rfft_scratch: Vec<Complex<T>>,
    select: Selector<T>,
}

impl<T: Sample> ScatteringNetwork<T> {
    fn workspace(&self) -> Workspace<T> {
        let n = self.bins;
        let zero = Complex::new(T::zero(), T::zero());
        let bands = || self.plans.iter().flat_map(|p| &p.bands);
        let scratch = bands().map(Band::scratch_len).chain([self.inverse.get_inplace_scratch_len()]).max().unwrap_or(0);
        Workspace {
            levels: self
                .plans
                .iter()
                .map(|p| {
                    // The spectrum is extended periodically by the widest band of the layer.
                    let ext = p.bands.iter().map(Band::len).max().unwrap_or(0);
                    Level { spec: vec![zero; n + ext], y: vec![zero; n], u: vec![T::zero(); n], m: vec![T::zero(); n] }
                })
                .collect(),
            x: vec![T::zero(); n],
            half: vec![zero; self.rfft.n_bins()],
            fft_scratch: vec![zero; scratch],
            rfft_scratch: self.rfft.make_scratch(),
            select: Selector::new(),
        }
    }

    /// Window length in samples.
    pub fn bins(&self) -> usize {
        self.bins
    }

    /// Sampling rate in Hz.
    pub fn sampling_rate(&self) -> f64 {
        self.sampling_rate
    }

    /// The filter bank of every layer.
    pub fn banks(&self) -> &[GaborBank] {
        &self.banks
    }

    /// Number of layers (orders).
    pub fn depth(&self) -> usize {
        self.banks.len()
    }

    /// Half-open sample range pooled over (where the taper equals 1; the whole window without taper).
    pub fn pooled_region(&self) -> std::ops::Range<usize> {
        self.region.0..self.region.1
    }

    /// Output shape of every order for a batch of `windows` × `channels`:
    /// (windows, channels, n1[, n2 …][, frames]).
    pub fn output_shapes(&self, windows: usize, channels: usize, pooling: Pooling) -> Result<Vec<Vec<usize>>> {
        let frames = pooling.frames(self.region.1 - self.region.0)?;
        let mut shape = vec![windows, channels];
        Ok(self
            .plans
            .iter()
            .map(|p| {
                shape.push(p.n_filters);
                let mut s = shape.clone();
                if matches!(pooling, Pooling::Average { .. }) {
                    s.push(frames);
                }
                s
            })
            .collect())
    }

    /// Scattering coefficients of a batch `x` shaped (windows, channels, samples): one array per
    /// order shaped (windows, channels, n1[, n2 …]) (plus a frame axis for
    /// [`Pooling::Average`]). Errors on an empty batch, a window length other than
    /// [`ScatteringNetwork::bins`], or a NaN/Inf sample (naming window, channel and time).
    pub fn transform(&self, x: ArrayView3<T>, pooling: Pooling) -> Result<Vec<ArrayD<T>>> {
        let (nw, nc, ns) = x.dim();
        if nw == 0 {
            return Err(ScatterError::Empty { what: "batch of windows" });
        }
        if nc == 0 {
            return Err(ScatterError::Empty { what: "channel axis of the batch" });
        }
        if ns != self.bins {
            return Err(ScatterError::ShapeMismatch {
                what: "samples per window (last axis) vs network bins".into(),
                expected: self.bins.to_string(),
                got: ns.to_string(),
            });
        }
        for ((w, c, i), v) in x.indexed_iter() {
            if !v.is_finite() {
                return Err(ScatterError::NonFiniteWindow {
                    window: w,
                    start: format!("row {w} of the batch"),
                    channel: c,
                    sample: i,
                    offset_s: i as f64 / self.sampling_rate,
                    value: v.to64(),
                });
            }
        }
        self.run(nw, nc, pooling, |w, c, dst: &mut [T]| {
            for (d, s) in dst.iter_mut().zip(x.slice(ndarray::s![w, c, ..])) {
                *d = *s;
            }
        })
    }

    /// Unpooled scalograms of every order, shaped (windows, channels, n1[, …], samples) over the
    /// pooled region (scatseisnet's `reduce_type=None`). Memory grows with every path: use for
    /// inspection of a few windows.
    pub fn scalograms(&self, x: ArrayView3<T>) -> Result<Vec<ArrayD<T>>> {
        self.transform(x, Pooling::Average { width: 1, hop: 1 })
    }

    /// Complex first-layer wavelet transform of one window (after the taper, if any): filters ×
    /// N, fftshifted like scatseisnet's scalograms (whose modulus is the order-1 scalogram).
    pub fn wavelet_transform(&self, x: ArrayView1<T>) -> Result<Array2<Complex<T>>> {
        if x.len() != self.bins {
            return Err(ScatterError::ShapeMismatch {
                what: "window length vs network bins".into(),
                expected: self.bins.to_string(),
                got: x.len().to_string(),
            });
        }
        if let Some(i) = x.iter().position(|v| !v.is_finite()) {
            return Err(ScatterError::NonFiniteWindow {
                window: 0,
                start: "the window".into(),
                channel: 0,
                sample: i,
                offset_s: i as f64 / self.sampling_rate,
                value: x[i].to64(),
            });
        }
        let mut ws = self.workspace();
        ws.x.iter_mut().zip(x).for_each(|(d, s)| *d = *s);
        if let Some(taper) = &self.taper {
            ws.x.iter_mut().zip(taper).for_each(|(v, t)| *v = *v * *t);
        }
        let n = self.bins;
        self.rfft.forward_into(&mut ws.x, &mut ws.half, &mut ws.rfft_scratch)?;
        let mut spec = vec![Complex::new(T::zero(), T::zero()); n];
        extended_spectrum(&ws.half, n, &mut spec, n);
        let bank = &self.banks[0];
        let scale = 1.0 / n as f64;
        let mut out = Array2::from_elem((bank.len(), n), Complex::new(T::zero(), T::zero()));
        for (mut row, psi) in out.rows_mut().into_iter().zip(bank.spectra().rows()) {
            // The phase is part of the result here: full inverse FFT, no band pruning.
            let mut y: Vec<Complex<T>> = spec
                .iter()
                .zip(psi)
                .map(|(a, b)| *a * Complex::new(T::of(b.re * scale), T::of(b.im * scale)))
                .collect();
            self.inverse.process_with_scratch(&mut y, &mut ws.fft_scratch);
            y.rotate_right(n / 2); // numpy fftshift
            row.iter_mut().zip(y).for_each(|(d, v)| *d = v);
        }
        Ok(out)
    }

    /// Core driver: `fill(window, channel, dst)` copies one validated input row into `dst`.
    pub(crate) fn run<F>(&self, nw: usize, nc: usize, pooling: Pooling, fill: F) -> Result<Vec<ArrayD<T>>>
    where
        F: Fn(usize, usize, &mut [T]) + Sync,
    {
        let shapes = self.output_shapes(nw, nc, pooling)?;
        let frames = pooling.frames(self.region.1 - self.region.0)?;
        let per_window: Vec<usize> = shapes.iter().map(|s| s[1..].iter().product()).collect();
        let mut outs: Vec<Vec<T>> = per_window.iter().map(|&p| vec![T::zero(); p * nw]).collect();
        if let Some(lanes) = self.lanes_for(pooling) {
            let paths: Vec<usize> = shapes.iter().map(|s| s[2..].iter().product()).collect();
            let mut rows: Vec<Vec<&mut [T]>> = (0..nw).map(|_| Vec::with_capacity(outs.len())).collect();
            for (o, &p) in outs.iter_mut().zip(&per_window) {
                for (row, chunk) in rows.iter_mut().zip(o.chunks_mut(p)) {
                    row.push(chunk);
                }
            }
            // Chunks of LANES windows: LANES·nc items, in groups of LANES.
            rows.par_chunks_mut(LANES).enumerate().for_each_init(
                || (lanes.workspace(), vec![T::zero(); self.bins]),
                |(ws, xt), (ci, chunk)| {
                    let items = chunk.len() * nc;
                    for g in (0..items).step_by(LANES) {
                        let active = (items - g).min(LANES);
                        for l in 0..LANES {
                            if l < active {
                                let (w, c) = ((g + l) / nc, (g + l) % nc);
                                fill(ci * LANES + w, c, xt);
                                if let Some(taper) = &self.taper {
                                    xt.iter_mut().zip(taper).for_each(|(v, t)| *v = *v * *t);
                                }
                                for (d, s) in ws.x.iter_mut().zip(xt.iter()) {
                                    d[l] = s.to64();
                                }
                            } else {
                                ws.x.iter_mut().for_each(|d| d[l] = 0.0);
                            }
                        }
                        lanes.transform(ws, active, pooling, &mut |l, depth, path, v| {
                            let (w, c) = ((g + l) / nc, (g + l) % nc);
                            chunk[w][depth][c * paths[depth] + path] = T::of(v);
                        });
                    }
                },
            );
        } else {
            let mut rows: Vec<Vec<&mut [T]>> = (0..nw).map(|_| Vec::with_capacity(outs.len())).collect();
            for (o, &p) in outs.iter_mut().zip(&per_window) {
                for (row, chunk) in rows.iter_mut().zip(o.chunks_mut(p)) {
                    row.push(chunk);
                }
            }
            rows.into_par_iter().enumerate().try_for_each_init(
                || self.workspace(),
                |ws, (w, mut dst)| -> Result<()> {
                    for c in 0..nc {
                        fill(w, c, &mut ws.x);
                        self.window_channel(ws, c, &mut dst, pooling, frames)?;
                    }
                    Ok(())
                },
            )?;
        }
        outs.into_iter()
            .zip(shapes)
            .map(|(o, s)| {
                ArrayD::from_shape_vec(IxDyn(&s), o).map_err(|e| ScatterError::ShapeMismatch {
                    what: "scattering output".into(),
                    expected: format!("{s:?}"),
                    got: e.to_string(),
                })
            })
            .collect()
    }

    /// The lanes plan, when it applies: built (see [`lanes_plan`]) and whole-window order-free
    /// pooling without a taper.
    fn lanes_for(&self, pooling: Pooling) -> Option<&LanesPlan> {
        let lanes = self.lanes.as_ref()?;
        (self.region == (0, self.bins) && pooling.is_order_free()).then_some(lanes)
    }

    /// The same network without its lanes plan (every item runs alone): for tests comparing
    /// the two paths.
    #[cfg(test)]
    fn without_lanes(mut self) -> Self {
        self.lanes = None;
        self
    }

    /// Transform the window in `ws.x` (channel `c`) and write every order's coefficients.
    fn window_channel(
        &self,
        ws: &mut Workspace<T>,
        c: usize,
        dst: &mut [&mut [T]],
        pooling: Pooling,
        frames: usize,
    ) -> Result<()> {
        if let Some(taper) = &self.taper {
            ws.x.iter_mut().zip(taper).for_each(|(v, t)| *v = *v * *t);
        }
        let Workspace { levels, x, half, fft_scratch, rfft_scratch, select } = ws;
        self.rfft.forward_into(x, half, rfft_scratch)?;
        if let Some(first) = levels.first_mut() {
            extended_spectrum(half, self.bins, &mut first.spec, self.plans[0].reach);
        }
        let mut bufs = Bufs { half, fft_scratch, rfft_scratch, select };
        self.scatter(0, levels, &mut bufs, 0, c, dst, pooling, frames)
    }

    #[allow(clippy::too_many_arguments)]
    fn scatter(
        &self,
        depth: usize,
        levels: &mut [Level<T>],
        bufs: &mut Bufs<'_, T>,
        parent: usize,
        c: usize,
        dst: &mut [&mut [T]],
        pooling: Pooling,
        frames: usize,
    ) -> Result<()> {
        let Some((lev, deeper)) = levels.split_first_mut() else { return Ok(()) };
        let plan = &self.plans[depth];
        let n = self.bins;
        let shift = n / 2; // numpy fftshift rolls by n // 2
        let (lo, hi) = self.region;
        let paths: usize = self.plans[..=depth].iter().map(|p| p.n_filters).product();
        let last = deeper.is_empty();
        // Whole-window mean/max/median do not depend on the sample order: pool the pruned
        // transform's output as it comes, on squared moduli where the pooling allows it.
        let unordered = (lo, hi) == (0, n) && pooling.is_order_free();
        for (k, band) in plan.bands.iter().enumerate() {
            let path = parent * plan.n_filters + k;
            band.apply(&lev.spec, &mut lev.y, bufs.fft_scratch);
            let out = &mut dst[depth][(c * paths + path) * frames..(c * paths + path + 1) * frames];
            if unordered {
                pooling.apply_complex(&lev.y, bufs.select, out);
                if last {
                    continue;
                }
            }
            band.natural_moduli(&lev.y, shift, &mut lev.u, &mut lev.m);
            if !unordered {
                pooling.apply(&lev.u[lo..hi], bufs.select, out);
            }
            if !last {
                self.rfft.forward_into(&mut lev.u, bufs.half, bufs.rfft_scratch)?;
                extended_spectrum(bufs.half, n, &mut deeper[0].spec, self.plans[depth + 1].reach);
                self.scatter(depth + 1, deeper, bufs, path, c, dst, pooling, frames)?;
            }
        }
        Ok(())
    }
}

struct Bufs<'a, T> {
    half: &'a mut Vec<Complex<T>>,
    fft_scratch: &'a mut Vec<Complex<T>>,
    rfft_scratch: &'a mut Vec<Complex<T>>,
    select: &'a mut Selector<T>,
}

/// Length-N spectrum of a real signal from its `N/2 + 1` rfft bins, continued periodically
/// (`full[N + i] = full[i]`) so every band is one contiguous slice; only `full[..reach]` is
/// written (the bins some band reads).
fn extended_spectrum<T: Sample>(half: &[Complex<T>], n: usize, full: &mut [Complex<T>], reach: usize) {
    let nb = half.len().min(reach);
    full[..nb].copy_from_slice(&half[..nb]);
    for k in nb..reach.min(n) {
        full[k] = half[n - k].conj();
    }
    for k in n..reach {
        full[k] = full[k - n];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array3;

    fn assert_paths_agree(lanes: &ScatteringNetwork<f64>, items: &ScatteringNetwork<f64>, x: &Array3<f64>) {
        for pooling in [Pooling::Median, Pooling::Mean, Pooling::Max] {
            // Both paths round differently (Stockham vs rustfft DFTs); each carries round-off
            // at the scale of the largest signal feeding an order, so the bar is the golden
            // 1e-12 of the largest coefficient of this and earlier orders.
            let a = lanes.transform(x.view(), pooling).expect("lanes");
            let e = items.transform(x.view(), pooling).expect("items");
            let mut max = 0.0f64;
            for (order, (a, e)) in a.iter().zip(&e).enumerate() {
                assert_eq!(a.shape(), e.shape());
                max = e.iter().fold(max, |m, v| m.max(v.abs()));
                for (u, v) in a.iter().zip(e) {
                    assert!((u - v).abs() <= 1e-12 * max, "{pooling:?}, order {order}: {u} vs {v} (max {max})");
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]
        /// Random window lengths 2^a·3^b·5^c (even and odd), depths, filter counts and batch
        /// shapes.
        #[test]
        fn lanes_equal_items_random(
            a in 0u32..8,
            b in 0u32..4,
            c in 0u32..3,
            layers in proptest::collection::vec((1usize..3, 1usize..3, 0.8f64..3.0), 1..4),
            nw in 1usize..11,
            nc in 1usize..4,
            seed in 0u64..1000,
        ) {
            let n = 2usize.pow(a) * 3usize.pow(b) * 5usize.pow(c);
            proptest::prop_assume!((24..=800).contains(&n));
            let mut builder = ScatteringNetwork::builder(n, 20.0).allow_truncation(true);
            for (j, q, quality) in layers {
                builder = builder.layer(LayerSpec::new(j, q, quality));
            }
            let lanes = builder.build::<f64>().expect("network");
            proptest::prop_assert!(lanes.lanes.is_some());
            let items = builder.build::<f64>().expect("network").without_lanes();
            let x = Array3::from_shape_fn((nw, nc, n), |(w, c, i)| {
                let h = (seed + (w * 131 + c * 17 + i) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                (h >> 11) as f64 / (1u64 << 53) as f64 - 0.5 + (i as f64 * 0.2).sin()
            });
            assert_paths_agree(&lanes, &items, &x);
        }
    }

    /// Window lengths with prime factors above 5 run item by item (no lanes plan is built).
    #[test]
    fn lanes_only_for_5_smooth_lengths() {
        assert!(is_5_smooth(3000) && is_5_smooth(1) && is_5_smooth(2 * 3 * 5 * 64));
        assert!(!is_5_smooth(3001) && !is_5_smooth(3002) && !is_5_smooth(7));
        for (n, lanes) in [(3000usize, true), (3001, false), (3002, false)] {
            let net =
                ScatteringNetwork::builder(n, 50.0).layer(LayerSpec::new(4, 2, 2.0)).build::<f64>().expect("network");
            assert_eq!(net.lanes.is_some(), lanes, "n = {n}");
            let net32 =
                ScatteringNetwork::builder(n, 50.0).layer(LayerSpec::new(4, 2, 2.0)).build::<f32>().expect("network");
            assert!(net32.lanes.is_none());
        }
    }

    /// The lanes path (eight items per group) equals the item-by-item path: odd filter counts,
    /// three layers, several channels, a partial last group, every order-free pooling.
    #[test]
    fn lanes_equal_items() {
        let cases = [
            (600usize, 25.0, vec![LayerSpec::new(3, 3, 2.0), LayerSpec::new(3, 1, 2.0)], 11usize, 1usize),
            (512, 40.0, vec![LayerSpec::new(2, 2, 1.5), LayerSpec::new(2, 1, 2.0), LayerSpec::new(2, 1, 1.0)], 5, 3),
            (675, 50.0, vec![LayerSpec::new(4, 2, 2.0)], 9, 2),
        ];
        for (n, fs, layers, nw, nc) in cases {
            let mut b = ScatteringNetwork::builder(n, fs).allow_truncation(true);
            for l in layers {
                b = b.layer(l);
            }
            let lanes = b.build::<f64>().expect("network");
            assert!(lanes.lanes.is_some());
            let items = b.build::<f64>().expect("network").without_lanes();
            let x = Array3::from_shape_fn((nw, nc, n), |(w, c, i)| {
                let t = i as f64;
                (t * (0.3 + 0.05 * w as f64)).sin() * (1.0 + c as f64)
                    + 0.2 * (t * 1.7).cos()
                    + 3.0 * (-((t - 200.0 - 30.0 * w as f64) / 25.0).powi(2)).exp()
            });
            assert_paths_agree(&lanes, &items, &x);
        }
    }
}
