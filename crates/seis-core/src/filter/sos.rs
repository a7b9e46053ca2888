//! A designed filter as second-order sections, applied causally (`scipy.signal.sosfilt`) or with
//! zero phase (`scipy.signal.sosfiltfilt`, or ObsPy's `zerophase=True`).

use super::design::{Band, butter_sos};
use crate::validate::{check_finite, finite_copy};
use crate::{CoreError, Result, Trace};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2, Axis, s};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// How a zero-phase (forward–backward) pass extends the signal at both ends before filtering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PadType {
    /// Point-symmetric extension `2·x[0] − x[n..1]` (scipy's default `padtype="odd"`).
    #[default]
    Odd,
    /// Mirror extension `x[n..1]` (`padtype="even"`).
    Even,
    /// Repeat the end samples (`padtype="constant"`).
    Constant,
    /// No extension (`padtype=None`); the initial state still follows scipy (steady state of
    /// the first and last sample).
    None,
}

/// How [`SosFilter::apply`] runs the filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// One forward pass from rest (`scipy.signal.sosfilt`, ObsPy `zerophase=False`).
    Causal,
    /// `scipy.signal.sosfiltfilt` with odd padding of the default length and steady-state
    /// initial conditions: the amplitude response is squared, the phase is zero and the ends
    /// show no start-up transient.
    ZeroPhase,
    /// ObsPy's `zerophase=True`: forward pass from rest, then a backward pass from rest, with no
    /// padding. The response is the same as [`Phase::ZeroPhase`] away from the ends; near the
    /// ends the start-up transients of both passes remain, exactly as ObsPy returns them.
    ForwardBackward,
}

/// A digital IIR filter as a cascade of second-order sections: a plan designed once and applied
/// to any number of traces.
///
/// ```
/// use ndarray::Array1;
/// use seis_core::filter::{Band, Phase, SosFilter};
///
/// let f = SosFilter::butter(4, Band::Bandpass(1.0, 20.0), 100.0)?;
/// let x = Array1::from_iter((0..1000).map(|i| (i as f64 * 0.3).sin()));
/// let y = f.apply(x.view(), Phase::ZeroPhase)?;
/// assert_eq!(y.len(), x.len());
/// # Ok::<(), seis_core::CoreError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SosFilter {
    sections: Vec<[f64; 6]>,
    /// Steady-state response to a unit step (`sosfilt_zi`), cached for zero-phase passes.
    zi: Vec<[f64; 2]>,
}

impl SosFilter {
    /// Butterworth filter of `order` for `band` at `sampling_rate`, like
    /// `scipy.signal.butter(order, freqs, btype, output="sos", fs=sampling_rate)`.
    pub fn butter(order: usize, band: Band, sampling_rate: f64) -> Result<Self> {
        Self::from_sos(butter_sos(order, band, sampling_rate)?.view())
    }

    /// From an `n_sections × 6` array of `[b0, b1, b2, a0, a1, a2]` rows with `a0 = 1`.
    pub fn from_sos(sos: ArrayView2<f64>) -> Result<Self> {
        if sos.ncols() != 6 || sos.nrows() == 0 {
            return Err(CoreError::ShapeMismatch {
                what: "second-order sections",
                expected: "(n_sections ≥ 1, 6)".into(),
                got: format!("{:?}", sos.shape()),
            });
        }
        check_finite("sos coefficients", sos.iter())?;
        let mut sections = Vec::with_capacity(sos.nrows());
        for (i, row) in sos.rows().into_iter().enumerate() {
            if row[3] != 1.0 {
                return Err(CoreError::invalid("sos[i, 3]", format!("{} (section {i})", row[3]), "a0 must be 1"));
            }
            sections.push([row[0], row[1], row[2], row[3], row[4], row[5]]);
        }
        let zi = sosfilt_zi(&sections)?;
        Ok(Self { sections, zi })
    }

    /// Number of sections.
    pub fn n_sections(&self) -> usize {
        self.sections.len()
    }

    /// The coefficients as an `n_sections × 6` array (scipy layout).
    pub fn sos(&self) -> Array2<f64> {
        Array2::from_shape_fn((self.sections.len(), 6), |(i, j)| self.sections[i][j])
    }

    /// Initial state for a step response at steady state (`scipy.signal.sosfilt_zi`), shape
    /// `n_sections × 2`. Multiply by the first sample to start a filter without transient.
    pub fn zi(&self) -> Array2<f64> {
        Array2::from_shape_fn((self.zi.len(), 2), |(i, j)| self.zi[i][j])
    }

    /// scipy's default pad length for [`SosFilter::filtfilt`]:
    /// `3 · (2·n_sections + 1 − min(#(b2 = 0), #(a2 = 0)))`.
    pub fn default_padlen(&self) -> usize {
        let nb = self.sections.iter().filter(|s| s[2] == 0.0).count();
        let na = self.sections.iter().filter(|s| s[5] == 0.0).count();
        3 * (2 * self.sections.len() + 1 - nb.min(na))
    }

    /// Causal filtering from rest (`scipy.signal.sosfilt(sos, x)`).
    pub fn sosfilt(&self, x: ArrayView1<f64>) -> Result<Array1<f64>> {
        let mut y = finite_copy("filter input", x)?;
        let mut state = vec![[0.0; 2]; self.sections.len()];
        self.run(&mut state, y.iter_mut());
        Ok(Array1::from(y))
    }

    /// Causal filtering from the initial state `zi` (`n_sections × 2`), returning the output and
    /// the final state (`scipy.signal.sosfilt(sos, x, zi=zi)`), so long records can be filtered
    /// in consecutive chunks.
    pub fn sosfilt_with_state(&self, x: ArrayView1<f64>, zi: ArrayView2<f64>) -> Result<(Array1<f64>, Array2<f64>)> {
        let mut y = finite_copy("filter input", x)?;
        if zi.shape() != [self.sections.len(), 2] {
            return Err(CoreError::ShapeMismatch {
                what: "initial filter state zi",
                expected: format!("[{}, 2]", self.sections.len()),
                got: format!("{:?}", zi.shape()),
            });
        }
        check_finite("initial filter state zi", zi.iter())?;
        let mut state: Vec<[f64; 2]> = zi.rows().into_iter().map(|r| [r[0], r[1]]).collect();
        self.run(&mut state, y.iter_mut());
        let zf = Array2::from_shape_fn((state.len(), 2), |(i, j)| state[i][j]);
        Ok((Array1::from(y), zf))
    }

    /// Zero-phase filtering exactly like `scipy.signal.sosfiltfilt(sos, x)` (odd padding of
    /// [`SosFilter::default_padlen`] samples, steady-state initial conditions).
    pub fn filtfilt(&self, x: ArrayView1<f64>) -> Result<Array1<f64>> {
        self.filtfilt_with(x, PadType::Odd, None)
    }

    /// `scipy.signal.sosfiltfilt(sos, x, padtype, padlen)`; `padlen = None` takes the default.
    /// The signal must be longer than the pad length.
    pub fn filtfilt_with(&self, x: ArrayView1<f64>, padtype: PadType, padlen: Option<usize>) -> Result<Array1<f64>> {
        let edge = if padtype == PadType::None { 0 } else { padlen.unwrap_or_else(|| self.default_padlen()) };
        let mut out = finite_copy("filter input", x)?;
        let mut work = FiltfiltWork::default();
        self.filtfilt_inplace(&mut out, padtype, edge, &mut work)?;
        Ok(Array1::from(out))
    }

    /// ObsPy's `zerophase=True`: forward from rest, reverse, forward from rest, reverse.
    pub fn forward_backward(&self, x: ArrayView1<f64>) -> Result<Array1<f64>> {
        let mut y = finite_copy("filter input", x)?;
        let mut state = vec![[0.0; 2]; self.sections.len()];
        self.forward_backward_inplace(&mut y, &mut state);
        Ok(Array1::from(y))
    }

    /// Filter `x` as [`Phase`] says; the output has the length of the input.
    pub fn apply(&self, x: ArrayView1<f64>, phase: Phase) -> Result<Array1<f64>> {
        match phase {
            Phase::Causal => self.sosfilt(x),
            Phase::ZeroPhase => self.filtfilt(x),
            Phase::ForwardBackward => self.forward_backward(x),
        }
    }

    /// Filtered copy of a trace (header kept), like ObsPy's `Trace.filter`. The filter must have
    /// been designed for the trace's sampling rate; use [`SosFilter::for_trace`] to design and
    /// apply in one call.
    pub fn apply_trace(&self, trace: &Trace, phase: Phase) -> Result<Trace> {
        trace.with_data(self.apply(trace.data(), phase)?)
    }

    /// Design a Butterworth filter for `trace`'s sampling rate and apply it:
    /// `tr.filter("bandpass", freqmin, freqmax, corners=order, zerophase=...)` in ObsPy terms
    /// with `phase = Phase::ForwardBackward` for `zerophase=True`.
    pub fn for_trace(trace: &Trace, order: usize, band: Band, phase: Phase) -> Result<Trace> {
        Self::butter(order, band, trace.sampling_rate())?.apply_trace(trace, phase)
    }

    /// Filter every row (channel) of a `channels × samples` array, in parallel over channels.
    /// Results do not depend on the number of threads.
    pub fn apply_rows(&self, x: ArrayView2<f64>, phase: Phase) -> Result<Array2<f64>> {
        check_finite("filter input", x.iter())?;
        let mut out = Array2::zeros(x.raw_dim());
        out.axis_iter_mut(Axis(0)).into_par_iter().zip(x.axis_iter(Axis(0))).try_for_each(
            |(mut o, row): (ArrayViewMut1<f64>, ArrayView1<f64>)| -> Result<()> {
                o.assign(&self.apply(row, phase)?);
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// Causal filtering in place, continuing from (and updating) `state` (`n_sections` pairs).
    /// No checks, no allocation: for hot loops over buffers the caller owns.
    pub fn sosfilt_inplace(&self, x: &mut [f64], state: &mut [[f64; 2]]) {
        self.run(state, x.iter_mut());
    }

    /// ObsPy-style forward–backward pass in place (states reset to rest before each pass;
    /// `state` is scratch of `n_sections` pairs).
    pub fn forward_backward_inplace(&self, x: &mut [f64], state: &mut [[f64; 2]]) {
        state.iter_mut().for_each(|s| *s = [0.0; 2]);
        self.run(state, x.iter_mut());
        state.iter_mut().for_each(|s| *s = [0.0; 2]);
        self.run(state, x.iter_mut().rev());
    }

    /// Zero-phase filtering of `x` in place, exactly as `sosfiltfilt` with `padtype` and `edge`
    /// pad samples, using `work` for the two short pad buffers (reuse it across calls to avoid
    /// allocation). The padded signal is never materialised: the forward pass runs over the left
    /// pad, the data and the right pad; the backward pass over the right pad and the data only
    /// (its output over the left pad would be discarded). Values are not checked here.
    pub fn filtfilt_inplace(
        &self,
        x: &mut [f64],
        padtype: PadType,
        edge: usize,
        work: &mut FiltfiltWork,
    ) -> Result<()> {
        let n = x.len();
        if n == 0 {
            return Err(CoreError::Empty { what: "filter input" });
        }
        if n <= edge {
            return Err(CoreError::WindowTooLong { what: "zero-phase filter padding (padlen)", window: edge, len: n });
        }
        let FiltfiltWork { left, right, state, .. } = work;
        left.clear();
        right.clear();
        let (first, last) = (x[0], x[n - 1]);
        // left[j] is the pad sample j positions before x[0], right[j] the one after x[n-1].
        for i in 1..=edge {
            let (l, r) = (x[i], x[n - 1 - i]);
            let (lv, rv) = match padtype {
                PadType::Odd => (2.0 * first - l, 2.0 * last - r),
                PadType::Even => (l, r),
                PadType::Constant | PadType::None => (first, last),
            };
            left.push(lv);
            right.push(rv);
        }
        state.resize(self.sections.len(), [0.0; 2]);
        let start = left.last().copied().unwrap_or(first);
        self.steady_state(state, start);
        self.run(state, left.iter_mut().rev());
        self.run(state, x.iter_mut());
        self.run(state, right.iter_mut());
        let end = right.last().copied().unwrap_or(x[n - 1]);
        self.steady_state(state, end);
        self.run(state, right.iter_mut().rev());
        self.run(state, x.iter_mut().rev());
        Ok(())
    }

    /// [`SosFilter::filtfilt_inplace`] of every row of `x` (channels × samples), with the same
    /// result per row bit for bit, up to four rows at a time in interleaved lanes so the
    /// independent recursions overlap instead of running one after another.
    pub fn filtfilt_rows_inplace(
        &self,
        mut x: ArrayViewMut2<f64>,
        padtype: PadType,
        edge: usize,
        work: &mut FiltfiltWork,
    ) -> Result<()> {
        let n = x.ncols();
        if x.nrows() == 0 {
            return Ok(());
        }
        if n == 0 {
            return Err(CoreError::Empty { what: "filter input" });
        }
        if n <= edge {
            return Err(CoreError::WindowTooLong { what: "zero-phase filter padding (padlen)", window: edge, len: n });
        }
        self.filtfilt_rows_impl(x.view_mut(), padtype, edge, work, false);
        Ok(())
    }

    /// The body of [`SosFilter::filtfilt_rows_inplace`] after its checks; `portable` forces the
    /// baseline (non-AVX2) build of the cascade, for tests.
    fn filtfilt_rows_impl(
        &self,
        mut x: ArrayViewMut2<f64>,
        padtype: PadType,
        edge: usize,
        work: &mut FiltfiltWork,
        portable: bool,
    ) {
        // Up to four rows share a pass; three rows use four lanes (one idle lane of zeros),
        // which is one AVX2 vector.
        let mut r0 = 0;
        while r0 < x.nrows() {
            let k = (x.nrows() - r0).min(4);
            let rows = x.slice_mut(s![r0..r0 + k, ..]);
            let buf = &mut work.lanes;
            match k {
                1 => self.filtfilt_lanes(rows, padtype, edge, &mut buf.one, portable),
                2 => self.filtfilt_lanes(rows, padtype, edge, &mut buf.two, portable),
                _ => self.filtfilt_lanes(rows, padtype, edge, &mut buf.four, portable),
            }
            r0 += k;
        }
    }

    /// Zero-phase filtering of the rows of `rows` (at most `L`) interleaved in `buf` (pads
    /// included); unused lanes hold zeros.
    fn filtfilt_lanes<const L: usize>(
        &self,
        mut rows: ArrayViewMut2<f64>,
        padtype: PadType,
        edge: usize,
        buf: &mut Vec<[f64; L]>,
        portable: bool,
    ) where
        [f64; L]: LaneGroup,
    {
        let n = rows.ncols();
        let total = n + 2 * edge;
        buf.clear();
        match rows.as_slice() {
            // Rows of a standard-layout block: written sample by sample, one lane group at a
            // time (lanes beyond the rows read from empty slices and stay zero).
            Some(all) => {
                let r: [&[f64]; L] = std::array::from_fn(|l| all.get(l * n..(l + 1) * n).unwrap_or(&[]));
                let at = |i: usize| -> [f64; L] { std::array::from_fn(|l| r[l].get(i).copied().unwrap_or(0.0)) };
                let (first, last) = (at(0), at(n - 1));
                // buf[edge − i] is the pad sample i before x[0], buf[edge + n − 1 + i] the one after x[n − 1].
                let pad = |end: [f64; L], mirror: [f64; L]| -> [f64; L] {
                    match padtype {
                        PadType::Odd => std::array::from_fn(|l| 2.0 * end[l] - mirror[l]),
                        PadType::Even => mirror,
                        PadType::Constant | PadType::None => end,
                    }
                };
                buf.extend((1..=edge).rev().map(|i| pad(first, at(i))));
                buf.extend((0..n).map(at));
                buf.extend((1..=edge).map(|i| pad(last, at(n - 1 - i))));
            }
            None => {
                buf.resize(total, [0.0; L]);
                for (l, row) in rows.rows().into_iter().enumerate() {
                    let (first, last) = (row[0], row[n - 1]);
                    for i in 1..=edge {
                        let (lv, rv) = match padtype {
                            PadType::Odd => (2.0 * first - row[i], 2.0 * last - row[n - 1 - i]),
                            PadType::Even => (row[i], row[n - 1 - i]),
                            PadType::Constant | PadType::None => (first, last),
                        };
                        buf[edge - i][l] = lv;
                        buf[edge + n - 1 + i][l] = rv;
                    }
                    buf[edge..edge + n].iter_mut().zip(row.iter()).for_each(|(b, v)| b[l] = *v);
                }
            }
        }
        let start = buf[0];
        self.run_lanes(start, &mut buf[..], false, portable);
        let end = buf[total - 1];
        self.run_lanes(end, &mut buf[edge..], true, portable);
        for (l, mut row) in rows.rows_mut().into_iter().enumerate() {
            match row.as_slice_mut() {
                Some(r) => r.iter_mut().zip(&buf[edge..edge + n]).for_each(|(v, b)| *v = b[l]),
                None => row.iter_mut().zip(&buf[edge..edge + n]).for_each(|(v, b)| *v = b[l]),
            }
        }
    }

    /// The cascade over interleaved lanes from steady state at `level`: the AVX2 sample-outer
    /// build for four lanes when the CPU has it (see `lanes.rs`; skipped when `portable`), else
    /// section by section (each section's recursion over all samples, so its state and
    /// coefficients stay in registers). Both equal [`SosFilter::sosfilt_inplace`] per lane
    /// exactly.
    fn run_lanes<const L: usize>(&self, level: [f64; L], x: &mut [[f64; L]], reverse: bool, portable: bool)
    where
        [f64; L]: LaneGroup,
    {
        if !portable && <[f64; L]>::simd(&self.sections, &self.zi, level, x, reverse) {
            return;
        }
        for (s, zi) in self.sections.iter().zip(&self.zi) {
            let z = [level.map(|v| zi[0] * v), level.map(|v| zi[1] * v)];
            if reverse {
                section_lanes(s, z, x.iter_mut().rev());
            } else {
                section_lanes(s, z, x.iter_mut());
            }
        }
    }

    fn steady_state(&self, state: &mut [[f64; 2]], level: f64) {
        for (s, z) in state.iter_mut().zip(&self.zi) {
            *s = [z[0] * level, z[1] * level];
        }
    }

    /// The cascade, sample-outer like scipy's `_sosfilt` (direct form II transposed), over the
    /// samples in the order the iterator yields them (reversed for backward passes). Common
    /// section counts are dispatched to fixed-size loops so the state lives in registers.
    fn run<'a, I: Iterator<Item = &'a mut f64>>(&self, state: &mut [[f64; 2]], x: I) {
        match self.sections.len() {
            1 => run_fixed::<1, I>(&self.sections, state, x),
            2 => run_fixed::<2, I>(&self.sections, state, x),
            3 => run_fixed::<3, I>(&self.sections, state, x),
            4 => run_fixed::<4, I>(&self.sections, state, x),
            5 => run_fixed::<5, I>(&self.sections, state, x),
            6 => run_fixed::<6, I>(&self.sections, state, x),
            8 => run_fixed::<8, I>(&self.sections, state, x),
            _ => run_dyn(&self.sections, state, x),
        }
    }
}

/// Scratch for [`SosFilter::filtfilt_inplace`] and [`SosFilter::filtfilt_rows_inplace`]: pad
/// buffers, filter state and the interleaved rows.
#[derive(Debug, Clone, Default)]
pub struct FiltfiltWork {
    left: Vec<f64>,
    right: Vec<f64>,
    state: Vec<[f64; 2]>,
    lanes: Lanes,
}

/// Interleaved rows of [`SosFilter::filtfilt_rows_inplace`], one buffer per lane count.
#[derive(Debug, Clone, Default)]
struct Lanes {
    one: Vec<[f64; 1]>,
    two: Vec<[f64; 2]>,
    four: Vec<[f64; 4]>,
}

/// A group of interleaved lanes with an optional SIMD build of the whole cascade.
trait LaneGroup: Sized {
    /// Run the cascade from steady state `zi · level` with a SIMD build; `false` when there is
    /// none for this group, section count or CPU (then `x` is untouched).
    fn simd(sections: &[[f64; 6]], zi: &[[f64; 2]], level: Self, x: &mut [Self], reverse: bool) -> bool;
}

impl LaneGroup for [f64; 1] {
    fn simd(_: &[[f64; 6]], _: &[[f64; 2]], _: Self, _: &mut [Self], _: bool) -> bool {
        false
    }
}

impl LaneGroup for [f64; 2] {
    fn simd(_: &[[f64; 6]], _: &[[f64; 2]], _: Self, _: &mut [Self], _: bool) -> bool {
        false
    }
}

impl LaneGroup for [f64; 4] {
    fn simd(sections: &[[f64; 6]], zi: &[[f64; 2]], level: Self, x: &mut [Self], reverse: bool) -> bool {
        super::lanes::cascade4(sections, zi, level, x, reverse)
    }
}

/// One section over interleaved lanes from state `z` (the operations of [`step`], per lane).
fn section_lanes<'a, const L: usize, I: Iterator<Item = &'a mut [f64; L]>>(s: &[f64; 6], z: [[f64; L]; 2], x: I) {
    let [b0, b1, b2, _, a1, a2] = *s;
    let [mut z0, mut z1] = z;
    for v in x {
        let xv = *v;
        // Isomorphic statements grouped across lanes, so they can share vector instructions.
        let y: [f64; L] = std::array::from_fn(|l| b0 * xv[l] + z0[l]);
        z0 = std::array::from_fn(|l| b1 * xv[l] - a1 * y[l] + z1[l]);
        z1 = std::array::from_fn(|l| b2 * xv[l] - a2 * y[l]);
        *v = y;
    }
}

#[inline(always)]
fn step(s: &[f64; 6], z: &mut [f64; 2], x: f64) -> f64 {
    let y = s[0] * x + z[0];
    z[0] = s[1] * x - s[4] * y + z[1];
    z[1] = s[2] * x - s[5] * y;
    y
}

fn run_fixed<'a, const N: usize, I: Iterator<Item = &'a mut f64>>(sections: &[[f64; 6]], state: &mut [[f64; 2]], x: I) {
    // Local copies so coefficients and state stay in registers; callers guarantee len == N.
    let mut sos = [[0.0; 6]; N];
    let mut z = [[0.0; 2]; N];
    sos.copy_from_slice(&sections[..N]);
    z.copy_from_slice(&state[..N]);
    for v in x {
        let mut cur = *v;
        for k in 0..N {
            cur = step(&sos[k], &mut z[k], cur);
        }
        *v = cur;
    }
    state[..N].copy_from_slice(&z);
}

fn run_dyn<'a, I: Iterator<Item = &'a mut f64>>(sections: &[[f64; 6]], state: &mut [[f64; 2]], x: I) {
    for v in x {
        let mut cur = *v;
        for (s, z) in sections.iter().zip(state.iter_mut()) {
            cur = step(s, z, cur);
        }
        *v = cur;
    }
}

/// `scipy.signal.lfilter_zi` of one section: solve `(I − Aᵀ) zi = b[1:] − a[1:]·b0` (`A` the
/// companion matrix of `a`) by LU with partial pivoting, the way LAPACK's `gesv` does, because
/// for low corner frequencies the system is ill-conditioned and the rounding pattern matters.
fn section_zi(s: &[f64; 6]) -> Result<[f64; 2]> {
    let (b0, b1, b2, a1, a2) = (s[0], s[1], s[2], s[4], s[5]);
    let mut m = [[1.0 + a1, -1.0], [a2, 1.0]];
    let mut r = [b1 - a1 * b0, b2 - a2 * b0];
    if m[1][0].abs() > m[0][0].abs() {
        m.swap(0, 1);
        r.swap(0, 1);
    }
    let l = m[1][0] * (1.0 / m[0][0]);
    let u11 = m[1][1] - l * m[0][1];
    if u11 == 0.0 || !u11.is_finite() || m[0][0] == 0.0 {
        return Err(CoreError::invalid("sos", format!("a = [1, {a1}, {a2}]"), "section has a pole at z = 1"));
    }
    let z1 = (r[1] - l * r[0]) / u11;
    let z0 = (r[0] - z1 * m[0][1]) / m[0][0];
    Ok([z0, z1])
}

/// `scipy.signal.sosfilt_zi`: each section's state scaled by the DC gain of the sections before it.
fn sosfilt_zi(sections: &[[f64; 6]]) -> Result<Vec<[f64; 2]>> {
    let mut scale = 1.0;
    let mut out = Vec::with_capacity(sections.len());
    for s in sections {
        let z = section_zi(s)?;
        out.push([scale * z[0], scale * z[1]]);
        scale *= (s[0] + s[1] + s[2]) / (s[3] + s[4] + s[5]);
    }
    Ok(out)
}

#[cfg(test)]
mod lanes_tests {
    use super::*;
    use ndarray::ShapeBuilder;

    /// Every row filtered one by one with the scalar path.
    fn one_by_one(f: &SosFilter, x: &Array2<f64>, padtype: PadType) -> Array2<f64> {
        let mut out = x.clone();
        let mut work = FiltfiltWork::default();
        for mut r in out.rows_mut() {
            let mut one = r.to_vec();
            f.filtfilt_inplace(&mut one, padtype, f.default_padlen(), &mut work).expect("row");
            r.assign(&Array1::from(one));
        }
        out
    }

    #[test]
    fn rows_in_lanes_equal_rows_one_by_one_in_both_builds() {
        // 1..=5 rows cover one, two and four lanes (three rows with an idle lane) and a second
        // pass; band-passes of order 1..=9 have 1..=9 sections (the AVX2 build up to 8, the
        // portable section-outer path beyond).
        for order in 1..=9 {
            let f = SosFilter::butter(order, Band::Bandpass(1.0, 30.0), 100.0).expect("design");
            for nrows in 1..=5 {
                let x = Array2::from_shape_fn((nrows, 700), |(c, i)| ((i * (c + 3)) as f64 * 0.013).sin() + c as f64);
                for padtype in [PadType::Odd, PadType::Even, PadType::Constant] {
                    let want = one_by_one(&f, &x, padtype);
                    let mut work = FiltfiltWork::default();
                    let mut best = x.clone();
                    f.filtfilt_rows_inplace(best.view_mut(), padtype, f.default_padlen(), &mut work).expect("rows");
                    let mut portable = x.clone();
                    f.filtfilt_rows_impl(portable.view_mut(), padtype, f.default_padlen(), &mut work, true);
                    // Bit for bit: same operations in the same order on every path.
                    assert_eq!(best, want, "order {order}, {nrows} rows, {padtype:?}");
                    assert_eq!(portable, want, "order {order}, {nrows} rows, {padtype:?} (portable)");
                    // Rows that are not one contiguous block take the strided copy path.
                    let mut strided = Array2::from_shape_fn((nrows, 700).f(), |(c, i)| x[[c, i]]);
                    f.filtfilt_rows_inplace(strided.view_mut(), padtype, f.default_padlen(), &mut work).expect("rows");
                    assert_eq!(strided, want, "order {order}, {nrows} rows, {padtype:?} (strided)");
                }
            }
        }
    }
}
