//! FFT resampling (`scipy.signal.resample`) and decimation with an anti-alias filter (ObsPy's
//! `Trace.decimate` and `scipy.signal.decimate(ftype="iir")`).

use crate::fft::RealFft;
use crate::filter::{SosFilter, cheb2ord_lowpass, cheby1_lowpass_sos, cheby2_lowpass_sos};
use crate::validate::{check_finite_view, check_sampling_rate, finite_copy};
use crate::{CoreError, Result, Trace};
use ndarray::{Array1, ArrayView1};
use num_complex::Complex64;

/// Plan for FFT resampling from `n_in` to `n_out` samples: forward and inverse real FFT plans
/// built once, applied to any number of equally long records.
///
/// The spectrum is truncated (down-sampling) or zero-padded (up-sampling) exactly as
/// `scipy.signal.resample(x, n_out)` does, including its treatment of the Nyquist bin of an
/// even length: split in half when up-sampling, doubled when down-sampling to an even length.
/// The signal is assumed periodic, as with any FFT method.
#[derive(Debug, Clone)]
pub struct Resampler {
    fwd: RealFft<f64>,
    inv: RealFft<f64>,
}

impl Resampler {
    /// Plan resampling of `n_in` samples to `n_out` samples (both > 0).
    pub fn new(n_in: usize, n_out: usize) -> Result<Self> {
        if n_in == 0 {
            return Err(CoreError::Empty { what: "resample input" });
        }
        if n_out == 0 {
            return Err(CoreError::invalid("num", n_out, "number of output samples must be > 0"));
        }
        Ok(Self { fwd: RealFft::new(n_in)?, inv: RealFft::new(n_out)? })
    }

    /// Input length.
    pub fn n_in(&self) -> usize {
        self.fwd.len()
    }

    /// Output length.
    pub fn n_out(&self) -> usize {
        self.inv.len()
    }

    /// Resample `x` (length [`Resampler::n_in`]).
    pub fn apply(&self, x: ArrayView1<f64>) -> Result<Array1<f64>> {
        if x.len() != self.n_in() {
            return Err(CoreError::ShapeMismatch {
                what: "resample input",
                expected: self.n_in().to_string(),
                got: x.len().to_string(),
            });
        }
        let mut buf = finite_copy("resample input", x)?;
        let mut out = vec![0.0; self.n_out()];
        let mut work = ResampleWork::new(self);
        self.apply_into(&mut buf, &mut out, &mut work)?;
        Ok(Array1::from(out))
    }

    /// Resample without allocating: `input` (length `n_in`, overwritten) → `output` (length
    /// `n_out`), with buffers from [`ResampleWork::new`]. Values are not checked here.
    pub fn apply_into(&self, input: &mut [f64], output: &mut [f64], work: &mut ResampleWork) -> Result<()> {
        let (nx, num) = (self.n_in(), self.n_out());
        self.fwd.forward_into(input, &mut work.spec_in, &mut work.scratch)?;
        let n = nx.min(num);
        let nyq = n / 2 + 1;
        let zero = Complex64::new(0.0, 0.0);
        work.spec_out.iter_mut().for_each(|v| *v = zero);
        work.spec_out[..nyq].copy_from_slice(&work.spec_in[..nyq]);
        if n % 2 == 0 {
            if num < nx {
                work.spec_out[n / 2] *= 2.0;
            } else if nx < num {
                work.spec_out[n / 2] *= 0.5;
            }
        }
        self.inv.inverse_into(&mut work.spec_out, output, &mut work.scratch)?;
        // inverse_into scales by 1/num (numpy's irfft); scipy then scales by num/nx.
        let scale = num as f64 / nx as f64;
        output.iter_mut().for_each(|v| *v *= scale);
        Ok(())
    }
}

/// Reusable buffers for [`Resampler::apply_into`] (one per thread).
#[derive(Debug, Clone)]
pub struct ResampleWork {
    spec_in: Vec<Complex64>,
    spec_out: Vec<Complex64>,
    scratch: Vec<Complex64>,
}

impl ResampleWork {
    /// Buffers sized for `plan`.
    pub fn new(plan: &Resampler) -> Self {
        let a = plan.fwd.make_scratch();
        let b = plan.inv.make_scratch();
        let zero = Complex64::new(0.0, 0.0);
        Self {
            spec_in: vec![zero; plan.fwd.n_bins()],
            spec_out: vec![zero; plan.inv.n_bins()],
            scratch: if a.len() >= b.len() { a } else { b },
        }
    }
}

/// `scipy.signal.resample(x, num)`: FFT resampling of `x` to `num` samples.
pub fn resample(x: ArrayView1<f64>, num: usize) -> Result<Array1<f64>> {
    Resampler::new(x.len(), num)?.apply(x)
}

/// FFT-resample a trace to `sampling_rate` (Hz). The output has `⌊npts · new / old⌋` samples,
/// as ObsPy's `Trace.resample` counts them; the spectrum is handled like
/// `scipy.signal.resample` (no window, no anti-alias filter: low-pass first when
/// down-sampling a record with energy above the new Nyquist frequency). The start time is kept.
pub fn resample_trace(trace: &Trace, sampling_rate: f64) -> Result<Trace> {
    check_sampling_rate(sampling_rate)?;
    let factor = trace.sampling_rate() / sampling_rate;
    let num = (trace.len() as f64 / factor) as usize;
    if num == 0 {
        return Err(CoreError::invalid(
            "sampling_rate",
            sampling_rate,
            format!("resampled trace of {} samples would have no sample", trace.len()),
        ));
    }
    let mut out = trace.with_data(resample(trace.data(), num)?)?;
    out.set_sampling_rate(sampling_rate)?;
    Ok(out)
}

/// ObsPy's `Trace.resample(new_rate, window="hann" | None)` on samples taken at
/// `sampling_rate`: the real spectrum is multiplied by a periodic Hann window centred on zero
/// frequency (`hann = true`, ObsPy's default) and linearly interpolated onto the bins of the new
/// length `⌊npts · new_rate / sampling_rate⌋` (bins above the old Nyquist frequency take its
/// value, as `numpy.interp` does), then transformed back. The window makes this a smooth
/// low-pass; without it the method is close to [`resample`] but not identical to it.
pub fn resample_obspy(x: ArrayView1<f64>, sampling_rate: f64, new_rate: f64, hann: bool) -> Result<Array1<f64>> {
    check_finite_view("resample input", x.view())?;
    check_sampling_rate(sampling_rate)?;
    check_sampling_rate(new_rate)?;
    let npts = x.len();
    let factor = sampling_rate / new_rate;
    let num = (npts as f64 / factor) as usize;
    if num == 0 {
        return Err(CoreError::invalid(
            "sampling_rate",
            new_rate,
            format!("resampled trace of {npts} samples would have no sample"),
        ));
    }
    let fwd = RealFft::<f64>::new(npts)?;
    let inv = RealFft::<f64>::new(num)?;
    let mut spec = fwd.forward(x.as_slice().map_or_else(|| x.to_vec(), |s| s.to_vec()).as_slice())?;
    if hann {
        // ifftshift(periodic Hann): bin k takes w[(k + npts/2) % npts].
        let n = npts as f64;
        for (k, v) in spec.iter_mut().enumerate() {
            let j = ((k + npts / 2) % npts) as f64;
            *v *= 0.5 - 0.5 * (2.0 * std::f64::consts::PI * j / n).cos();
        }
    }
    let df = 1.0 / (npts as f64 * (1.0 / sampling_rate));
    let d_large_f = 1.0 / num as f64 * new_rate;
    let mut out_spec: Vec<Complex64> = (0..inv.n_bins()).map(|k| interp_bin(&spec, df, d_large_f * k as f64)).collect();
    let mut y = vec![0.0; num];
    let mut scratch = inv.make_scratch();
    inv.inverse_into(&mut out_spec, &mut y, &mut scratch)?;
    let scale = num as f64 / npts as f64;
    Ok(y.into_iter().map(|v| v * scale).collect())
}

/// `numpy.interp(f, df · [0, 1, …], spec)` for complex values: linear between grid points,
/// clamped to the end values outside the grid.
fn interp_bin(spec: &[Complex64], df: f64, f: f64) -> Complex64 {
    let last = spec.len() - 1;
    let grid = |j: usize| df * j as f64;
    if f <= 0.0 {
        return spec[0];
    }
    if f >= grid(last) {
        return spec[last];
    }
    // Interval j with grid(j) <= f < grid(j + 1); the division only guesses it.
    let mut j = ((f / df).floor() as usize).min(last - 1);
    while j > 0 && grid(j) > f {
        j -= 1;
    }
    while j + 1 < last && grid(j + 1) <= f {
        j += 1;
    }
    let (x0, x1) = (grid(j), grid(j + 1));
    if f == x0 {
        return spec[j];
    }
    let lerp = |a: f64, b: f64| (b - a) / (x1 - x0) * (f - x0) + a;
    Complex64::new(lerp(spec[j].re, spec[j + 1].re), lerp(spec[j].im, spec[j + 1].im))
}

/// [`resample_obspy`] for a trace: ObsPy's `tr.resample(sampling_rate)` (with `hann = true`).
pub fn resample_trace_obspy(trace: &Trace, sampling_rate: f64, hann: bool) -> Result<Trace> {
    let mut out = trace.with_data(resample_obspy(trace.data(), trace.sampling_rate(), sampling_rate, hann)?)?;
    out.set_sampling_rate(sampling_rate)?;
    Ok(out)
}

/// Order and normalised stop-band edge of ObsPy's automatic decimation filter
/// (`lowpass_cheby_2(freq = fs/2/factor, maxorder=12)`): Chebyshev II with 96 dB stop-band
/// attenuation, stop-band edge at the new Nyquist frequency and the pass-band edge lowered by 1 %
/// steps until the order is at most 12.
pub fn obspy_decimation_design(factor: usize) -> Result<(usize, f64)> {
    if !(2..=16).contains(&factor) {
        return Err(CoreError::invalid(
            "factor",
            factor,
            "ObsPy's automatic anti-alias filter is defined for factors 2..=16",
        ));
    }
    let ws = 1.0 / factor as f64;
    let mut wp = ws;
    loop {
        wp *= 0.99;
        let (order, wn) = cheb2ord_lowpass(wp, ws, 1.0, 96.0)?;
        if order <= 12 {
            return Ok((order, wn));
        }
    }
}

/// ObsPy's `Trace.decimate(factor)` on samples: causal Chebyshev II low-pass (see
/// [`obspy_decimation_design`]; note the filter's phase delay, as in ObsPy), then every
/// `factor`-th sample starting with the first. `factor = 1` returns a copy; factors above 16 are
/// an error (ObsPy: "automatic filter design is unstable").
pub fn decimate(x: ArrayView1<f64>, factor: usize) -> Result<Array1<f64>> {
    check_finite_view("decimate input", x.view())?;
    if factor == 1 {
        return Ok(x.to_owned());
    }
    let (order, wn) = obspy_decimation_design(factor)?;
    let f = SosFilter::from_sos(cheby2_lowpass_sos(order, 96.0, wn)?.view())?;
    let y = f.sosfilt(x)?;
    Ok(y.iter().step_by(factor).copied().collect())
}

/// [`decimate`] for a trace: the sampling rate is divided by `factor`, the start time is kept.
pub fn decimate_trace(trace: &Trace, factor: usize) -> Result<Trace> {
    let mut out = trace.with_data(decimate(trace.data(), factor)?)?;
    out.set_sampling_rate(trace.sampling_rate() / factor as f64)?;
    Ok(out)
}

/// `scipy.signal.decimate(x, q, ftype="iir", zero_phase=...)`: order-8 Chebyshev I low-pass
/// (0.05 dB ripple, corner at 0.8 × the new Nyquist frequency), applied with
/// `sosfiltfilt` (`zero_phase = true`, scipy's default) or causally, then every `q`-th sample.
pub fn decimate_iir(x: ArrayView1<f64>, q: usize, zero_phase: bool) -> Result<Array1<f64>> {
    check_finite_view("decimate input", x.view())?;
    if q == 0 {
        return Err(CoreError::invalid("q", q, "decimation factor must be ≥ 1"));
    }
    let f = SosFilter::from_sos(cheby1_lowpass_sos(8, 0.05, 0.8 / q as f64)?.view())?;
    let y = if zero_phase { f.filtfilt(x)? } else { f.sosfilt(x)? };
    Ok(y.iter().step_by(q).copied().collect())
}
