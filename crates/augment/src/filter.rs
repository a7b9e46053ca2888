//! Butterworth filtering (SeisBench `Filter`), through seis-core's SOS filters.

use crate::augmentation::Augmentation;
use crate::error::{AugmentError, Result};
use crate::sample::Sample;
use ndarray::Axis;
use rand::Rng;
use seis_core::filter::{Band, FiltfiltWork, PadType, SosFilter};
use std::sync::{Arc, RwLock};

thread_local! {
    /// Per-thread scratch of the zero-phase filter (interleaved channels), reused across samples.
    static WORK: std::cell::RefCell<FiltfiltWork> = std::cell::RefCell::new(FiltfiltWork::default());
}

/// `scipy.signal.butter(order, band, output="sos", fs=sampling_rate)` applied per channel with
/// `sosfilt` (causal, default) or `sosfiltfilt` (`zero_phase`, seisbench `forward_backward=True`).
/// The design is planned once per sampling rate and reused.
#[derive(Debug)]
pub struct Filter {
    order: usize,
    band: Band,
    zero_phase: bool,
    plans: RwLock<Vec<(f64, Arc<SosFilter>)>>,
}

impl Clone for Filter {
    fn clone(&self) -> Self {
        Self::new(self.order, self.band, self.zero_phase).unwrap_or_else(|_| Self {
            order: self.order,
            band: self.band,
            zero_phase: self.zero_phase,
            plans: RwLock::new(Vec::new()),
        })
    }
}

impl Filter {
    /// Errors on order 0 or corner frequencies that are not positive and increasing (the Nyquist
    /// bound is checked per sample, against its sampling rate).
    pub fn new(order: usize, band: Band, zero_phase: bool) -> Result<Self> {
        if order == 0 {
            return Err(AugmentError::invalid("order", 0, "must be >= 1"));
        }
        // A very high rate validates everything but the Nyquist bound.
        band.normalized(1e12)?;
        Ok(Self { order, band, zero_phase, plans: RwLock::new(Vec::new()) })
    }

    fn plan(&self, sampling_rate: f64) -> Result<Arc<SosFilter>> {
        if let Ok(p) = self.plans.read()
            && let Some((_, f)) = p.iter().find(|(sr, _)| *sr == sampling_rate)
        {
            return Ok(f.clone());
        }
        let f = Arc::new(SosFilter::butter(self.order, self.band, sampling_rate)?);
        if let Ok(mut p) = self.plans.write() {
            p.push((sampling_rate, f.clone()));
        }
        Ok(f)
    }
}

impl Augmentation for Filter {
    fn apply(&self, sample: &mut Sample, _rng: &mut dyn Rng) -> Result<()> {
        let f = self.plan(sample.sampling_rate)?;
        if self.zero_phase {
            // All channels at once, interleaved (same result per channel as one by one).
            WORK.with_borrow_mut(|work| {
                f.filtfilt_rows_inplace(sample.waveform.view_mut(), PadType::Odd, f.default_padlen(), work)
            })?;
            return Ok(());
        }
        let n = sample.len();
        // Rows of a narrowed window are contiguous; other layouts go through a buffer.
        let mut buf = Vec::new();
        let mut state = vec![[0.0; 2]; f.n_sections()];
        for mut row in sample.waveform.axis_iter_mut(Axis(0)) {
            let mut run = |x: &mut [f64]| {
                state.iter_mut().for_each(|s| *s = [0.0; 2]);
                f.sosfilt_inplace(x, &mut state);
            };
            match row.as_slice_mut() {
                Some(x) => run(x),
                None => {
                    buf.clear();
                    buf.extend(row.iter().copied());
                    run(&mut buf[..n]);
                    row.iter_mut().zip(&buf).for_each(|(o, v)| *o = *v);
                }
            }
        }
        Ok(())
    }
}
