//! Planned linear convolution of one real signal with many complex wavelets (overlap-save).
//!
//! Equivalent to `scipy.signal.fftconvolve(x, w, mode="same")` for every wavelet, but with small
//! power-of-two blocks: wavelets are grouped by block size `B ≥ 2(L − 1)` (hop `B/2`), the signal's
//! block spectra are computed once per group and shared by all wavelets of the group, and the
//! wavelet spectra are computed once in the plan.

use std::sync::Arc;

use num_complex::Complex;
use rayon::prelude::*;
use rustfft::{Fft, FftPlanner};
use seis_core::RealFft;

use crate::Result;

type C64 = Complex<f64>;

/// Smallest block used (tiny FFTs cost more in overhead than they save).
const MIN_BLOCK: usize = 256;

#[derive(Clone)]
struct Class {
    block: usize,
    fwd: RealFft<f64>,
    inv: Arc<dyn Fft<f64>>,
}

#[derive(Clone)]
struct Kernel {
    class: usize,
    /// `(L − 1) / 2`: the 'same' output starts this many samples into the full convolution.
    delay: usize,
    /// Wavelet spectrum on the class's block length.
    spectrum: Vec<C64>,
}

/// Spectra of the signal's overlapping blocks, one set per block class.
pub(crate) struct DataBlocks {
    blocks: Vec<Vec<Vec<C64>>>,
}

/// Per-thread buffers.
pub(crate) struct EngineWork {
    buf: Vec<C64>,
    scratch: Vec<C64>,
}

/// Convolution plan for signals of `n` samples and a fixed list of wavelets.
#[derive(Clone)]
pub(crate) struct ConvEngine {
    n: usize,
    classes: Vec<Class>,
    kernels: Vec<Kernel>,
    scratch_len: usize,
}

impl std::fmt::Debug for ConvEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConvEngine")
            .field("n", &self.n)
            .field("blocks", &self.classes.iter().map(|c| c.block).collect::<Vec<_>>())
            .field("kernels", &self.kernels.len())
            .finish()
    }
}

impl ConvEngine {
    /// Plan the convolution of `n`-sample signals with each of `wavelets`.
    pub fn new(n: usize, wavelets: &[Vec<C64>]) -> Result<Self> {
        let mut planner = FftPlanner::<f64>::new();
        let mut classes: Vec<Class> = Vec::new();
        let mut kernels = Vec::with_capacity(wavelets.len());
        let mut scratch_len = 0;
        for w in wavelets {
            let l = w.len();
            let block = (2 * l.saturating_sub(1)).next_power_of_two().max(MIN_BLOCK);
            let class = match classes.iter().position(|c| c.block == block) {
                Some(i) => i,
                None => {
                    let fwd = RealFft::<f64>::new(block)?;
                    let inv = planner.plan_fft_inverse(block);
                    scratch_len = scratch_len.max(fwd.make_scratch().len()).max(inv.get_inplace_scratch_len());
                    classes.push(Class { block, fwd, inv });
                    classes.len() - 1
                }
            };
            let mut spectrum = vec![C64::default(); block];
            spectrum[..l].copy_from_slice(w);
            planner.plan_fft_forward(block).process(&mut spectrum);
            // Fold the inverse FFT's 1/B into the kernel.
            let inv_b = 1.0 / block as f64;
            spectrum.iter_mut().for_each(|v| *v *= inv_b);
            kernels.push(Kernel { class, delay: (l - 1) / 2, spectrum });
        }
        Ok(Self { n, classes, kernels, scratch_len })
    }

    pub fn signal_len(&self) -> usize {
        self.n
    }

    pub fn work(&self) -> EngineWork {
        let b = self.classes.iter().map(|c| c.block).max().unwrap_or(1);
        EngineWork { buf: vec![C64::default(); b], scratch: vec![C64::default(); self.scratch_len] }
    }

    /// Block spectra of `x` for every class (parallel over blocks).
    pub fn data_blocks(&self, x: &[f64]) -> DataBlocks {
        let n = self.n;
        let blocks = self
            .classes
            .iter()
            .map(|c| {
                let s = c.block / 2;
                // Largest delay is ≤ s/2; the last output sample needs y_full[n − 1 + delay].
                let count = (n - 1 + s / 2) / s + 1;
                (0..count)
                    .into_par_iter()
                    .map_init(
                        || (vec![0.0; c.block], c.fwd.make_scratch()),
                        |(seg, scratch), k| {
                            // Block k holds x[kS − S .. kS + S) (zeros outside the signal).
                            let first = (k * s) as isize - s as isize;
                            for (i, v) in seg.iter_mut().enumerate() {
                                let idx = first + i as isize;
                                *v = if idx >= 0 && (idx as usize) < n { x[idx as usize] } else { 0.0 };
                            }
                            let mut out = vec![C64::default(); c.block / 2 + 1];
                            c.fwd.forward_into(seg, &mut out, scratch).expect("sizes fixed by the plan");
                            out
                        },
                    )
                    .collect()
            })
            .collect();
        DataBlocks { blocks }
    }

    /// Convolve with wavelet `k` ('same' mode) and hand every output sample `(m, value)` to `sink`
    /// in increasing `m`.
    pub fn apply(&self, k: usize, data: &DataBlocks, w: &mut EngineWork, mut sink: impl FnMut(usize, C64)) {
        let kern = &self.kernels[k];
        let class = &self.classes[kern.class];
        let b = class.block;
        let s = b / 2;
        let n = self.n;
        let d = kern.delay;
        let first_block = d / s;
        let last_block = (d + n - 1) / s;
        let buf = &mut w.buf[..b];
        for kb in first_block..=last_block {
            let u = &data.blocks[kern.class][kb];
            // Full spectrum of the real block from its half spectrum, times the wavelet's.
            for i in 0..=s {
                buf[i] = u[i] * kern.spectrum[i];
            }
            for i in s + 1..b {
                buf[i] = u[b - i].conj() * kern.spectrum[i];
            }
            class.inv.process_with_scratch(buf, &mut w.scratch);
            // Valid outputs: y_full[kb·S + r] = buf[S + r], r in 0..S.
            let base = kb * s;
            let r0 = d.saturating_sub(base);
            let r1 = (d + n - base).min(s);
            for r in r0..r1 {
                sink(base + r - d, buf[s + r]);
            }
        }
    }
}
