//! Short-term / long-term average ratios and trigger onsets, as `obspy.signal.trigger`.

use crate::validate::check_finite_view;
use crate::{CoreError, Result};
use ndarray::{Array1, ArrayView1};

fn check_windows(n: usize, nsta: usize, nlta: usize) -> Result<()> {
    if nsta == 0 {
        return Err(CoreError::invalid("nsta", nsta, "STA window must be ≥ 1 sample"));
    }
    if nlta <= nsta {
        return Err(CoreError::invalid("nlta", nlta, format!("LTA window must be longer than nsta = {nsta}")));
    }
    if nlta > n {
        return Err(CoreError::WindowTooLong { what: "STA/LTA (nlta)", window: nlta, len: n });
    }
    Ok(())
}

/// Classic STA/LTA like `obspy.signal.trigger.classic_sta_lta(a, nsta, nlta)`: mean of `a²`
/// over the last `nsta` samples divided by the mean over the last `nlta` samples (both windows
/// end at the current sample). The first `nlta − 1` values are 0 (the LTA window is not full).
/// Running sums are used, as in ObsPy's C routine.
pub fn classic_sta_lta(a: ArrayView1<f64>, nsta: usize, nlta: usize) -> Result<Array1<f64>> {
    check_finite_view("STA/LTA input", a.view())?;
    check_windows(a.len(), nsta, nlta)?;
    let mut out = Array1::zeros(a.len());
    let (mut sta, mut lta) = (0.0, 0.0);
    let ratio = nlta as f64 / nsta as f64;
    let sq = |i: usize| a[i] * a[i];
    for i in 0..nsta {
        sta += sq(i);
    }
    lta += sta;
    for i in nsta..nlta {
        let e = sq(i);
        lta += e;
        sta += e - sq(i - nsta);
    }
    // Index nlta − 1 closes the first full LTA window; ObsPy reports it too.
    out[nlta - 1] = sta / lta * ratio;
    for i in nlta..a.len() {
        let e = sq(i);
        sta += e - sq(i - nsta);
        lta += e - sq(i - nlta);
        out[i] = sta / lta * ratio;
    }
    Ok(out)
}

/// Recursive STA/LTA (Withers et al. 1998) like `obspy.signal.trigger.recursive_sta_lta(a,
/// nsta, nlta)`: exponential averages of `a²` with weights `1/nsta` and `1/nlta`, starting from
/// zero at the second sample; the first `nlta` values are set to 0 (for `nlta = len` all of
/// them, as `recursive_sta_lta_py` does; ObsPy's C routine skips the zeroing in that case).
pub fn recursive_sta_lta(a: ArrayView1<f64>, nsta: usize, nlta: usize) -> Result<Array1<f64>> {
    check_finite_view("STA/LTA input", a.view())?;
    check_windows(a.len(), nsta, nlta)?;
    let csta = 1.0 / nsta as f64;
    let clta = 1.0 / nlta as f64;
    let (icsta, iclta) = (1.0 - csta, 1.0 - clta);
    let mut out = Array1::zeros(a.len());
    let (mut sta, mut lta) = (0.0, 1e-99);
    for i in 1..a.len() {
        let sq = a[i] * a[i];
        sta = csta * sq + icsta * sta;
        lta = clta * sq + iclta * lta;
        out[i] = sta / lta;
    }
    out.slice_mut(ndarray::s![..nlta]).fill(0.0);
    Ok(out)
}

/// Trigger on/off sample pairs from a characteristic function, like
/// `obspy.signal.trigger.trigger_onset(charfct, thres1, thres2, max_len, max_len_delete)`:
/// a trigger turns on where `charfct ≥ thres1` and off at the last sample of the run where
/// `charfct ≥ thres2`. Triggers longer than `max_len` samples are cut to `max_len`
/// (`max_len_delete = false`) or dropped (`true`). Use `max_len = None` for no limit.
pub fn trigger_onset(
    charfct: ArrayView1<f64>,
    thres1: f64,
    thres2: f64,
    max_len: Option<usize>,
    max_len_delete: bool,
) -> Result<Vec<(usize, usize)>> {
    check_finite_view("characteristic function", charfct.view())?;
    if !thres1.is_finite() {
        return Err(CoreError::invalid("thres1", thres1, "must be finite"));
    }
    if !thres2.is_finite() {
        return Err(CoreError::invalid("thres2", thres2, "must be finite"));
    }
    let n = charfct.len();
    let ind1: Vec<usize> = (0..n).filter(|&i| charfct[i] >= thres1).collect();
    if ind1.is_empty() {
        return Ok(vec![]);
    }
    let ind2: Vec<usize> = (0..n).filter(|&i| charfct[i] >= thres2).collect();
    if ind2.is_empty() {
        // Only possible with thres2 > thres1; ObsPy fails here as well.
        return Err(CoreError::invalid(
            "thres2",
            thres2,
            format!("no sample reaches it although some reach thres1 = {thres1}"),
        ));
    }
    // Work in i128 so the sentinels of ObsPy's algorithm (−1, "infinity") fit.
    const INF: i128 = i128::MAX / 4;
    let mut on: std::collections::VecDeque<i128> = [ind1[0] as i128].into();
    let mut of: std::collections::VecDeque<i128> = [-1].into();
    // Ends of runs of consecutive indices above thres2 (the last one included).
    for (k, &i) in ind2.iter().enumerate() {
        if k + 1 == ind2.len() || ind2[k + 1] - i > 1 {
            of.push_back(i as i128);
        }
    }
    // Starts of runs above thres1.
    for w in ind1.windows(2) {
        if w[1] - w[0] > 1 {
            on.push_back(w[1] as i128);
        }
    }
    if max_len_delete {
        of.push_back(INF);
        on.push_back(*on.back().unwrap_or(&0));
    } else if let Some(&last) = ind2.last() {
        of.push_back(last as i128);
    }
    of.push_back(n as i128);
    let max_len = max_len.map_or(INF, |m| m as i128);
    let mut picks = Vec::new();
    while let (Some(&last_on), Some(&first_of)) = (on.back(), of.front()) {
        if last_on <= first_of {
            break;
        }
        while on.front().is_some_and(|&o| of.front().is_some_and(|&f| o <= f)) {
            on.pop_front();
        }
        while of.front().is_some_and(|&f| on.front().is_some_and(|&o| f < o)) {
            of.pop_front();
        }
        let (Some(&o), Some(&f)) = (on.front(), of.front()) else { break };
        if f - o > max_len {
            if max_len_delete {
                on.pop_front();
                continue;
            }
            of.push_front(o + max_len);
        }
        let (Some(&o), Some(&f)) = (on.front(), of.front()) else { break };
        picks.push((o as usize, f.min(n as i128) as usize));
    }
    Ok(picks)
}
