//! Single-station residual analysis (Rodriguez-Marek et al. 2011, 2013): site terms δS2S,
//! single-station within-event residuals δWS and the standard deviations φSS and φS2S.

use crate::error::check_len;
use crate::residuals::{ResidualInput, decompose};
use crate::{ResidualsError, Result};

/// Site terms and single-station standard deviations.
#[derive(Debug, Clone, PartialEq)]
pub struct SingleStation {
    /// δS2S per station index (NaN for stations with fewer than `min_records`).
    pub station_terms: Vec<f64>,
    /// Records per station.
    pub station_counts: Vec<usize>,
    /// φSS,s per station (NaN for excluded stations or a single record).
    pub phi_ss_station: Vec<f64>,
    /// δWS per record (NaN for records of excluded stations).
    pub within_station: Vec<f64>,
    /// φSS = √(Σ_s Σ_e δWS² / (N − 1)) over the retained records.
    pub phi_ss: f64,
    /// φS2S = population standard deviation of δS2S across retained stations.
    pub phi_s2s: f64,
    /// Number of retained stations.
    pub n_stations: usize,
}

/// Standard definitions from within-event residuals δW (ln units, from the full-data AY92 split):
/// δS2S_s = mean δW of station s, δWS = δW − δS2S_s, φSS,s = √(Σ δWS²/(n_s − 1)),
/// φSS = √(ΣΣ δWS²/(N − 1)), φS2S = population std of δS2S. Stations with fewer than
/// `min_records` records are excluded (e.g. 10).
pub fn single_station(within: &[f64], station: &[usize], min_records: usize) -> Result<SingleStation> {
    check_len("station", within.len(), station.len())?;
    crate::error::check_finite("within-event residuals", within)?;
    if min_records == 0 {
        return Err(ResidualsError::invalid("min_records", 0, "must be ≥ 1"));
    }
    let ns = station.iter().copied().max().map_or(0, |m| m + 1);
    let mut sum = vec![0.0; ns];
    let mut counts = vec![0usize; ns];
    for (&w, &s) in within.iter().zip(station) {
        sum[s] += w;
        counts[s] += 1;
    }
    let keep: Vec<bool> = counts.iter().map(|&c| c >= min_records).collect();
    let station_terms: Vec<f64> = (0..ns).map(|s| if keep[s] { sum[s] / counts[s] as f64 } else { f64::NAN }).collect();
    let within_station: Vec<f64> = within.iter().zip(station).map(|(&w, &s)| w - station_terms[s]).collect();
    let mut ss = vec![0.0; ns];
    for (&d, &s) in within_station.iter().zip(station) {
        if keep[s] {
            ss[s] += d * d;
        }
    }
    let phi_ss_station: Vec<f64> = (0..ns)
        .map(|s| if keep[s] && counts[s] > 1 { (ss[s] / (counts[s] - 1) as f64).sqrt() } else { f64::NAN })
        .collect();
    let n_kept: usize = (0..ns).filter(|&s| keep[s]).map(|s| counts[s]).sum();
    let n_stations = keep.iter().filter(|&&k| k).count();
    if n_stations == 0 {
        return Err(ResidualsError::invalid("min_records", min_records, "no station has that many records"));
    }
    let total_ss: f64 = (0..ns).filter(|&s| keep[s]).map(|s| ss[s]).sum();
    let phi_ss = if n_kept > 1 { (total_ss / (n_kept - 1) as f64).sqrt() } else { f64::NAN };
    let phi_s2s = crate::residuals::mean_std(&station_terms).std;
    Ok(SingleStation {
        station_terms,
        station_counts: counts,
        phi_ss_station,
        within_station,
        phi_ss,
        phi_s2s,
        n_stations,
    })
}

/// The GEM strong-motion toolkit's variant (for parity): for each station the AY92 split is re-run
/// on that station's records alone, so each event has one record and the "within-event"
/// residual is the normalised (r − τ²r/(τ² + φ²))/φ = r·φ/(τ² + φ²). The same statistics as
/// [`single_station`] are then computed from these dimensionless, shrunk values — they are not
/// the ln-unit quantities of Rodriguez-Marek et al.
pub fn single_station_toolkit(
    input: &ResidualInput<'_>,
    station: &[usize],
    min_records: usize,
) -> Result<SingleStation> {
    let n = input.validate()?;
    check_len("station", n, station.len())?;
    // one "event" per record: the per-station re-run of the toolkit
    let own: Vec<usize> = (0..n).collect();
    let per_record = ResidualInput { event: &own, ..*input };
    let r = decompose(&per_record)?;
    single_station(&r.normalized_within, station, min_records)
}
