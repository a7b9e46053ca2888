//! Peaks of a curve: scipy `find_peaks` (local maxima, plateaus at their middle, never the
//! end points), scipy/MATLAB prominence, hvsrpy's highest peak within a search range, and
//! the seed document's ranking by prominence.

use crate::{HvsrError, Result};
use serde::{Deserialize, Serialize};

/// Indices of the local maxima of `x` (scipy `find_peaks` without conditions): a sample larger
/// than its left neighbour and larger than the first different sample to its right; for a
/// flat top the middle (rounded down) is reported. The first and last samples are never peaks.
pub fn find_peaks(x: &[f64]) -> Vec<usize> {
    let mut peaks = Vec::new();
    if x.len() < 3 {
        return peaks;
    }
    let i_max = x.len() - 1;
    let mut i = 1;
    while i < i_max {
        if x[i - 1] < x[i] {
            let mut ahead = i + 1;
            while ahead < i_max && x[ahead] == x[i] {
                ahead += 1;
            }
            if x[ahead] < x[i] {
                peaks.push((i + ahead - 1) / 2);
                i = ahead;
            }
        }
        i += 1;
    }
    peaks
}

/// Prominence of each peak (scipy `peak_prominences` without `wlen`): from the peak go left and
/// right until the curve rises above the peak or ends; the higher of the two minima found is
/// the reference; prominence = peak height − reference.
pub fn prominences(x: &[f64], peaks: &[usize]) -> Vec<f64> {
    peaks
        .iter()
        .map(|&p| {
            let h = x[p];
            let mut left_min = h;
            let mut i = p as isize;
            while i >= 0 && x[i as usize] <= h {
                left_min = left_min.min(x[i as usize]);
                i -= 1;
            }
            let mut right_min = h;
            let mut j = p;
            while j < x.len() && x[j] <= h {
                right_min = right_min.min(x[j]);
                j += 1;
            }
            h - left_min.max(right_min)
        })
        .collect()
}

/// Index of the highest `find_peaks` peak of `x[lo..hi]` (as an index into `x`), `None` when
/// that slice has no peak. Ties keep the first (numpy `argmax`).
pub fn highest_peak(x: &[f64], lo: usize, hi: usize) -> Option<usize> {
    let hi = hi.min(x.len());
    if lo >= hi {
        return None;
    }
    let sub = &x[lo..hi];
    let mut best: Option<usize> = None;
    for p in find_peaks(sub) {
        if best.is_none_or(|b| sub[p] > sub[b]) {
            best = Some(p);
        }
    }
    best.map(|p| p + lo)
}

/// Index of the element of `freqs` nearest `f` (first on ties, numpy `argmin`).
pub(crate) fn nearest_index(freqs: &[f64], f: f64) -> usize {
    let mut best = 0;
    let mut d = f64::INFINITY;
    for (i, &v) in freqs.iter().enumerate() {
        let di = (v - f).abs();
        if di < d {
            d = di;
            best = i;
        }
    }
    best
}

/// hvsrpy's search-range indices: nearest bins to the limits, the upper one exclusive
/// (`None` = the curve end). Errors when the range holds no frequency.
pub fn search_indices(freqs: &[f64], range: (Option<f64>, Option<f64>)) -> Result<(usize, usize)> {
    let lo = range.0.map_or(0, |f| nearest_index(freqs, f));
    let hi = range.1.map_or(freqs.len(), |f| nearest_index(freqs, f));
    if lo >= hi {
        return Err(HvsrError::EmptySearchRange {
            low: range.0.unwrap_or(freqs.first().copied().unwrap_or(0.0)),
            high: range.1.unwrap_or(freqs.last().copied().unwrap_or(0.0)),
        });
    }
    Ok((lo, hi))
}

/// A peak of a curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Peak {
    /// Index into the curve's frequencies.
    pub index: usize,
    /// Frequency (Hz).
    pub frequency: f64,
    /// Amplitude.
    pub amplitude: f64,
    /// Prominence (scipy definition, computed on the curve restricted to the search range).
    pub prominence: f64,
}

/// Every peak of `curve[lo..hi]`, ranked by decreasing prominence (ties: lower frequency first).
pub fn ranked_peaks(freqs: &[f64], curve: &[f64], lo: usize, hi: usize) -> Vec<Peak> {
    let hi = hi.min(curve.len()).min(freqs.len());
    if lo >= hi {
        return Vec::new();
    }
    let sub = &curve[lo..hi];
    let idx = find_peaks(sub);
    let prom = prominences(sub, &idx);
    let mut peaks: Vec<Peak> = idx
        .iter()
        .zip(&prom)
        .map(|(&i, &p)| Peak { index: i + lo, frequency: freqs[i + lo], amplitude: sub[i], prominence: p })
        .collect();
    peaks.sort_by(|a, b| b.prominence.total_cmp(&a.prominence).then(a.index.cmp(&b.index)));
    peaks
}

/// The seed document's selection: the first `max` ranked peaks whose prominence reaches
/// `fraction` of the largest.
pub fn prominent_peaks(ranked: &[Peak], fraction: f64, max: usize) -> Vec<Peak> {
    let Some(top) = ranked.first() else { return Vec::new() };
    ranked.iter().take_while(|p| p.prominence >= fraction * top.prominence).take(max).copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scipy_examples() {
        // plateau 2..4 -> middle 3; edges never peaks
        let x = [3.0, 1.0, 2.0, 2.0, 2.0, 1.0, 0.0, 5.0, 4.0, 4.0, 6.0];
        assert_eq!(find_peaks(&x), vec![3, 7]);
        let p = prominences(&x, &[3, 7]);
        assert_eq!(p, vec![1.0, 1.0]); // 5.0 sits on 0 (left) and 4 (right): 5 - 4
        assert_eq!(highest_peak(&x, 0, x.len()), Some(7));
        assert_eq!(highest_peak(&x, 0, 7), Some(3));
        assert_eq!(highest_peak(&[1.0, 2.0, 3.0], 0, 3), None);
        // a plateau that runs into the end is no peak
        assert_eq!(find_peaks(&[0.0, 1.0, 1.0]), Vec::<usize>::new());
    }

    #[test]
    fn ranking_and_selection() {
        let f: Vec<f64> = (0..9).map(|i| i as f64).collect();
        let c = [0.0, 3.0, 1.0, 2.9, 0.5, 1.0, 0.8, 2.0, 0.0];
        let r = ranked_peaks(&f, &c, 0, 9);
        assert_eq!(r.iter().map(|p| p.index).collect::<Vec<_>>(), vec![1, 3, 7, 5]);
        assert_eq!(prominent_peaks(&r, 0.7, 3).len(), 1);
        assert_eq!(prominent_peaks(&r, 0.5, 3).len(), 3);
        assert_eq!(prominent_peaks(&r, 0.5, 2).len(), 2);
        assert!(search_indices(&f, (Some(4.0), Some(4.2))).is_err());
        assert_eq!(search_indices(&f, (Some(1.2), None)).unwrap(), (1, 9));
    }
}
