//! Superlets (Moca et al. 2021): geometric means of Morlet transforms with increasing cycles,
//! as implemented by esi-syncopy 2023.9 (`specest/superlet.py`), plus the additive cycle sets.

use ndarray::{Array2, ArrayView1, Axis};
use rayon::prelude::*;

use super::engine::ConvEngine;
use super::morlet::{Normalization, superlet_wavelet};
use super::{check_frequencies, check_signal};
use crate::{Result, ScatterError};

/// How the number of cycles grows with the order `i = 1, 2, …` of a superlet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CycleSet {
    /// `c_i = c_1·i` (esi-syncopy; Moca et al.'s multiplicative superlets).
    #[default]
    Multiplicative,
    /// `c_i = c_1 + i − 1` (Moca et al.'s additive superlets; not in syncopy).
    Additive,
}

impl CycleSet {
    /// Cycles of the wavelet of integer order `i ≥ 1`.
    pub fn cycles(self, c1: f64, i: u32) -> f64 {
        match self {
            CycleSet::Multiplicative => c1 * i as f64,
            CycleSet::Additive => c1 + i as f64 - 1.0,
        }
    }
}

/// Which orders combine at each frequency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderMode {
    /// The same orders `order_min..=order_max` at every frequency (syncopy `adaptive=False`).
    #[default]
    Fixed,
    /// Fractional adaptive superlet (FASLT, syncopy `adaptive=True`): the order grows linearly
    /// with frequency from `order_min` at the lowest to `order_max` at the highest frequency.
    Adaptive,
}

/// Hyperparameters of a superlet transform.
///
/// Frequencies are in Hz; the superlet scale of frequency f is `s = 1/(2πf)`. Defaults follow
/// syncopy: `c_1 = 3`, `order_min = 1`, multiplicative set, fixed orders, syncopy normalisation.
#[derive(Debug, Clone, PartialEq)]
pub struct SuperletParams {
    sampling_rate: f64,
    frequencies: Vec<f64>,
    order_max: u32,
    order_min: u32,
    c1: f64,
    set: CycleSet,
    mode: OrderMode,
    normalization: Normalization,
}

impl SuperletParams {
    /// Superlet of orders `1..=order_max` at `frequencies` (Hz) for data sampled at `sampling_rate`.
    pub fn new(sampling_rate: f64, frequencies: &[f64], order_max: u32) -> Self {
        Self {
            sampling_rate,
            frequencies: frequencies.to_vec(),
            order_max,
            order_min: 1,
            c1: 3.0,
            set: CycleSet::Multiplicative,
            mode: OrderMode::Fixed,
            normalization: Normalization::Syncopy,
        }
    }
    /// Lowest order (syncopy's `order_min`).
    pub fn order_min(mut self, order_min: u32) -> Self {
        self.order_min = order_min;
        self
    }
    /// Cycles of the base wavelet (syncopy's `c_1`).
    pub fn c1(mut self, c1: f64) -> Self {
        self.c1 = c1;
        self
    }
    /// Multiplicative or additive cycle set.
    pub fn cycle_set(mut self, set: CycleSet) -> Self {
        self.set = set;
        self
    }
    /// Fixed or fractional adaptive orders.
    pub fn order_mode(mut self, mode: OrderMode) -> Self {
        self.mode = mode;
        self
    }
    /// Shorthand for `order_mode(OrderMode::Adaptive)`.
    pub fn adaptive(self) -> Self {
        self.order_mode(OrderMode::Adaptive)
    }
    /// Amplitude convention.
    pub fn normalization(mut self, normalization: Normalization) -> Self {
        self.normalization = normalization;
        self
    }

    /// Order of every frequency: fixed, or syncopy's linear map
    /// `o(f) = o_min + (o_max − o_min)(f − f_min)/(f_max − f_min)` with `f_min`, `f_max` the first
    /// and last frequency (which must then be increasing). A single frequency gets `o_min`.
    pub fn orders(&self) -> Vec<f64> {
        let (lo, hi) = (self.order_min as f64, self.order_max as f64);
        match self.mode {
            OrderMode::Fixed => vec![hi; self.frequencies.len()],
            OrderMode::Adaptive => {
                let f = &self.frequencies;
                if f.len() < 2 {
                    return vec![lo; f.len()];
                }
                let (fmin, fmax) = (f[0], f[f.len() - 1]);
                f.iter().map(|&x| lo + (hi - lo) * (x - fmin) / (fmax - fmin)).collect()
            }
        }
    }

    fn validate(&self) -> Result<()> {
        check_frequencies(self.sampling_rate, &self.frequencies)?;
        if self.order_min == 0 {
            return Err(ScatterError::invalid("order_min", self.order_min, "must be >= 1"));
        }
        if self.order_max < self.order_min || self.order_max > 1000 {
            return Err(ScatterError::invalid(
                "order_max",
                self.order_max,
                format!("must lie in {}..=1000 (order_min..)", self.order_min),
            ));
        }
        if !(self.c1.is_finite() && self.c1 > 0.0) {
            return Err(ScatterError::invalid("c1", self.c1, "cycles must be finite and > 0"));
        }
        if self.mode == OrderMode::Adaptive && self.frequencies.windows(2).any(|w| w[1] <= w[0]) {
            return Err(ScatterError::invalid(
                "frequencies",
                format!("{:?}", self.frequencies),
                "the adaptive superlet needs strictly increasing frequencies",
            ));
        }
        Ok(())
    }

    /// Plan the transform for signals of `n` samples: wavelets sampled and their spectra computed.
    pub fn plan(&self, n: usize) -> Result<Superlet> {
        Superlet::new(self.clone(), n)
    }
}

/// One factor `|W_c(f)|^e` of a superlet row.
#[derive(Debug, Clone, Copy)]
struct Factor {
    kernel: usize,
    exponent: f64,
}

/// A planned superlet transform (see [`SuperletParams`]).
///
/// Each output row is `Π_i |W_{c_i}(f)|^{e_i}`: with fixed orders the `n = o_max − o_min + 1`
/// wavelets of cycles `c(o_min)…c(o_max)` with `e_i = 1/n`; in adaptive mode syncopy's FASLT:
/// the wavelets of the integer orders present (`⌊o(f)⌋` over all frequencies, sorted, unique) up
/// to the row's own, each with exponent `1/(o − o_min + 1)`, and the next one with the fractional
/// part `α = o − ⌊o⌋` times that exponent. The modulus of syncopy's complex product is exactly
/// this product of moduli (principal-branch complex powers).
#[derive(Debug, Clone)]
pub struct Superlet {
    params: SuperletParams,
    orders: Vec<f64>,
    rows: Vec<Vec<Factor>>,
    engine: ConvEngine,
}

impl Superlet {
    fn new(params: SuperletParams, n: usize) -> Result<Self> {
        params.validate()?;
        if n == 0 {
            return Err(ScatterError::Empty { what: "superlet signal (length 0)" });
        }
        let dt = 1.0 / params.sampling_rate;
        let orders = params.orders();
        let mut wavelets = Vec::new();
        let mut kernel = |f: f64, order: u32| {
            let scale = 1.0 / (2.0 * std::f64::consts::PI * f);
            let c = params.set.cycles(params.c1, order);
            wavelets.push(superlet_wavelet(scale, c, dt, params.normalization));
            wavelets.len() - 1
        };
        let rows: Vec<Vec<Factor>> = match params.mode {
            OrderMode::Fixed => {
                let e = 1.0 / (params.order_max - params.order_min + 1) as f64;
                params
                    .frequencies
                    .iter()
                    .map(|&f| {
                        (params.order_min..=params.order_max)
                            .map(|o| Factor { kernel: kernel(f, o), exponent: e })
                            .collect()
                    })
                    .collect()
            }
            OrderMode::Adaptive => {
                // The wavelet set: integer parts of all orders, sorted and unique (syncopy).
                let mut set: Vec<u32> = orders.iter().map(|o| o.floor() as u32).collect();
                set.dedup();
                params
                    .frequencies
                    .iter()
                    .zip(&orders)
                    .map(|(&f, &o)| {
                        let e = 1.0 / (o - params.order_min as f64 + 1.0);
                        let fl = o.floor();
                        let rank = set.iter().position(|&s| s as f64 == fl).unwrap_or(0);
                        let mut fs: Vec<Factor> =
                            set[..=rank].iter().map(|&so| Factor { kernel: kernel(f, so), exponent: e }).collect();
                        let alpha = o - fl;
                        if alpha > 0.0
                            && let Some(&next) = set.get(rank + 1)
                        {
                            fs.push(Factor { kernel: kernel(f, next), exponent: alpha * e });
                        }
                        fs
                    })
                    .collect()
            }
        };
        let engine = ConvEngine::new(n, &wavelets)?;
        Ok(Self { params, orders, rows, engine })
    }

    /// The hyperparameters.
    pub fn params(&self) -> &SuperletParams {
        &self.params
    }
    /// Frequencies (Hz) of the output rows.
    pub fn frequencies(&self) -> &[f64] {
        &self.params.frequencies
    }
    /// (Fractional) order used at every frequency.
    pub fn orders(&self) -> &[f64] {
        &self.orders
    }
    /// Signal length the plan was built for.
    pub fn signal_len(&self) -> usize {
        self.engine.signal_len()
    }

    /// Superlet magnitude image of `x`: `(n_frequencies, n_samples)`, rows in the order of the
    /// frequencies, ready to save as an image. Rows are computed in parallel (the result does
    /// not depend on the number of threads).
    pub fn transform(&self, x: ArrayView1<'_, f64>) -> Result<Array2<f64>> {
        let x = check_signal(x, self.signal_len())?;
        let data = self.engine.data_blocks(&x);
        let mut out = Array2::<f64>::zeros((self.rows.len(), x.len()));
        out.axis_iter_mut(Axis(0)).into_par_iter().zip(self.rows.par_iter()).for_each_init(
            || self.engine.work(),
            |w, (mut row, factors)| {
                // Σ e_i ln|W_i|, then one exp: a product of moduli without under/overflow.
                let acc = row.as_slice_mut().expect("rows are contiguous");
                for f in factors {
                    let half_e = 0.5 * f.exponent;
                    self.engine.apply(f.kernel, &data, w, |m, v| acc[m] += half_e * v.norm_sqr().ln());
                }
                acc.iter_mut().for_each(|v| *v = v.exp());
            },
        );
        Ok(out)
    }
}
