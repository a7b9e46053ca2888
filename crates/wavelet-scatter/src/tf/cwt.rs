//! Continuous Morlet wavelet transform with the superlet Morlet (a superlet of order 1).

use ndarray::{Array2, ArrayView1, Axis};
use num_complex::Complex;
use rayon::prelude::*;

use super::engine::ConvEngine;
use super::morlet::{Normalization, superlet_wavelet};
use super::{check_frequencies, check_signal};
use crate::{Result, ScatterError};

/// Hyperparameters of a continuous Morlet wavelet transform.
///
/// The wavelet at frequency f (Hz) has scale `s = 1/(2πf)` and `cycles` cycles within ±2.5
/// standard deviations of its Gaussian envelope (Moca et al.'s formulation, as in esi-syncopy's
/// `cwtSL`); a CWT with 3 cycles is syncopy's superlet of order 1.
#[derive(Debug, Clone, PartialEq)]
pub struct CwtParams {
    sampling_rate: f64,
    frequencies: Vec<f64>,
    cycles: f64,
    normalization: Normalization,
}

impl CwtParams {
    /// Morlet CWT at `frequencies` (Hz) for data sampled at `sampling_rate`, 3 cycles.
    pub fn new(sampling_rate: f64, frequencies: &[f64]) -> Self {
        Self { sampling_rate, frequencies: frequencies.to_vec(), cycles: 3.0, normalization: Normalization::Syncopy }
    }
    /// Number of cycles of every wavelet.
    pub fn cycles(mut self, cycles: f64) -> Self {
        self.cycles = cycles;
        self
    }
    /// Amplitude convention.
    pub fn normalization(mut self, normalization: Normalization) -> Self {
        self.normalization = normalization;
        self
    }
    /// Plan for signals of `n` samples.
    pub fn plan(&self, n: usize) -> Result<MorletCwt> {
        check_frequencies(self.sampling_rate, &self.frequencies)?;
        if !(self.cycles.is_finite() && self.cycles > 0.0) {
            return Err(ScatterError::invalid("cycles", self.cycles, "must be finite and > 0"));
        }
        if n == 0 {
            return Err(ScatterError::Empty { what: "CWT signal (length 0)" });
        }
        let dt = 1.0 / self.sampling_rate;
        let wavelets: Vec<Vec<Complex<f64>>> = self
            .frequencies
            .iter()
            .map(|&f| superlet_wavelet(1.0 / (2.0 * std::f64::consts::PI * f), self.cycles, dt, self.normalization))
            .collect();
        Ok(MorletCwt { params: self.clone(), engine: ConvEngine::new(n, &wavelets)? })
    }
}

/// A planned continuous Morlet wavelet transform (see [`CwtParams`]).
#[derive(Debug, Clone)]
pub struct MorletCwt {
    params: CwtParams,
    engine: ConvEngine,
}

impl MorletCwt {
    /// Frequencies (Hz) of the output rows.
    pub fn frequencies(&self) -> &[f64] {
        &self.params.frequencies
    }
    /// Signal length the plan was built for.
    pub fn signal_len(&self) -> usize {
        self.engine.signal_len()
    }

    /// Complex coefficients `(n_frequencies, n_samples)`: `fftconvolve(x, ψ_f, mode="same")`.
    pub fn transform_complex(&self, x: ArrayView1<'_, f64>) -> Result<Array2<Complex<f64>>> {
        let x = check_signal(x, self.signal_len())?;
        let data = self.engine.data_blocks(&x);
        let mut out = Array2::<Complex<f64>>::zeros((self.params.frequencies.len(), x.len()));
        out.axis_iter_mut(Axis(0)).into_par_iter().enumerate().for_each_init(
            || self.engine.work(),
            |w, (k, mut row)| {
                let r = row.as_slice_mut().expect("rows are contiguous");
                self.engine.apply(k, &data, w, |m, v| r[m] = v);
            },
        );
        Ok(out)
    }

    /// Magnitude image `|W|` of shape `(n_frequencies, n_samples)`.
    pub fn transform(&self, x: ArrayView1<'_, f64>) -> Result<Array2<f64>> {
        let x = check_signal(x, self.signal_len())?;
        let data = self.engine.data_blocks(&x);
        let mut out = Array2::<f64>::zeros((self.params.frequencies.len(), x.len()));
        out.axis_iter_mut(Axis(0)).into_par_iter().enumerate().for_each_init(
            || self.engine.work(),
            |w, (k, mut row)| {
                let r = row.as_slice_mut().expect("rows are contiguous");
                self.engine.apply(k, &data, w, |m, v| r[m] = v.norm_sqr().sqrt());
            },
        );
        Ok(out)
    }
}
