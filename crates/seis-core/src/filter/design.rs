//! IIR filter design in zeros/poles/gain form and its conversion to second-order sections,
//! following `scipy.signal.iirfilter` step for step (analog prototype → frequency transform →
//! bilinear transform → `zpk2sos` with scipy's "nearest" pairing), so the coefficients agree
//! with scipy to rounding.

use crate::{CoreError, Result};
use ndarray::Array2;
use num_complex::Complex64;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// Pass/stop band of a filter, with corner frequencies in Hz.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Band {
    /// Pass below the corner.
    Lowpass(f64),
    /// Pass above the corner.
    Highpass(f64),
    /// Pass between the two corners (low, high).
    Bandpass(f64, f64),
    /// Stop between the two corners (low, high).
    Bandstop(f64, f64),
}

impl Band {
    /// Corner frequencies divided by the Nyquist frequency, checked to lie in (0, 1) and,
    /// for two corners, to be increasing.
    pub fn normalized(&self, sampling_rate: f64) -> Result<Vec<f64>> {
        crate::validate::check_sampling_rate(sampling_rate)?;
        let nyquist = 0.5 * sampling_rate;
        let (freqs, names): (Vec<f64>, &[&'static str]) = match *self {
            Band::Lowpass(f) | Band::Highpass(f) => (vec![f], &["freq"]),
            Band::Bandpass(lo, hi) | Band::Bandstop(lo, hi) => (vec![lo, hi], &["freqmin", "freqmax"]),
        };
        for (&f, &name) in freqs.iter().zip(names) {
            if !(f.is_finite() && f > 0.0 && f < nyquist) {
                return Err(CoreError::invalid(
                    name,
                    f,
                    format!("corner frequency must lie in (0, Nyquist = {nyquist}) Hz"),
                ));
            }
        }
        if freqs.len() == 2 && freqs[0] >= freqs[1] {
            return Err(CoreError::invalid("freqmin", freqs[0], format!("must be < freqmax = {}", freqs[1])));
        }
        Ok(freqs.iter().map(|f| f / nyquist).collect())
    }
}

/// A filter as zeros, poles and gain (analog or digital, depending on the stage).
#[derive(Debug, Clone, PartialEq)]
pub struct Zpk {
    /// Zeros.
    pub zeros: Vec<Complex64>,
    /// Poles.
    pub poles: Vec<Complex64>,
    /// Gain.
    pub gain: f64,
}

/// The analog lowpass prototype family.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Prototype {
    Butterworth,
    /// Chebyshev type I with passband ripple in dB.
    Chebyshev1(f64),
    /// Chebyshev type II with stopband attenuation in dB.
    Chebyshev2(f64),
}

fn check_order(order: usize) -> Result<()> {
    if order == 0 {
        return Err(CoreError::invalid("order", order, "filter order must be ≥ 1"));
    }
    Ok(())
}

/// `scipy.signal.buttap`.
fn buttap(n: usize) -> Zpk {
    let poles = (0..n)
        .map(|i| {
            let m = -(n as f64) + 1.0 + 2.0 * i as f64;
            let theta = PI * m / (2.0 * n as f64);
            -Complex64::new(theta.cos(), theta.sin())
        })
        .collect();
    Zpk { zeros: vec![], poles, gain: 1.0 }
}

/// `scipy.signal.cheb1ap`.
fn cheb1ap(n: usize, rp: f64) -> Zpk {
    let eps = (10f64.powf(0.1 * rp) - 1.0).sqrt();
    let mu = 1.0 / n as f64 * (1.0 / eps).asinh();
    let poles: Vec<Complex64> = (0..n)
        .map(|i| {
            let m = -(n as f64) + 1.0 + 2.0 * i as f64;
            let theta = PI * m / (2.0 * n as f64);
            -Complex64::new(mu, theta).sinh()
        })
        .collect();
    let mut gain = poles.iter().fold(Complex64::new(1.0, 0.0), |acc, p| acc * -p).re;
    if n.is_multiple_of(2) {
        gain /= (1.0 + eps * eps).sqrt();
    }
    Zpk { zeros: vec![], poles, gain }
}

/// `scipy.signal.cheb2ap`.
fn cheb2ap(n: usize, rs: f64) -> Zpk {
    let de = 1.0 / (10f64.powf(0.1 * rs) - 1.0).sqrt();
    let mu = (1.0 / de).asinh() / n as f64;
    let ms: Vec<f64> = (0..n)
        .map(|i| -(n as f64) + 1.0 + 2.0 * i as f64)
        .filter(|&m| n.is_multiple_of(2) || m != 0.0) // odd orders: no zero for m = 0 (it is at infinity)
        .collect();
    let zeros: Vec<Complex64> =
        ms.iter().map(|&m| Complex64::new(0.0, 1.0 / (m * PI / (2.0 * n as f64)).sin())).collect();
    let poles: Vec<Complex64> =
        buttap(n).poles.into_iter().map(|p| Complex64::new(mu.sinh() * p.re, mu.cosh() * p.im).inv()).collect();
    let num = poles.iter().fold(Complex64::new(1.0, 0.0), |acc, p| acc * -p);
    let den = zeros.iter().fold(Complex64::new(1.0, 0.0), |acc, z| acc * -z);
    Zpk { zeros, poles, gain: (num / den).re }
}

/// Principal complex square root with C99 `csqrt` branch-cut conventions (sign of a zero
/// imaginary part is honoured), as numpy computes it.
fn csqrt(z: Complex64) -> Complex64 {
    let (a, b) = (z.re, z.im);
    if a == 0.0 && b == 0.0 {
        return Complex64::new(0.0, b);
    }
    let t = ((a.abs() + z.norm()) / 2.0).sqrt();
    if a >= 0.0 { Complex64::new(t, b / (2.0 * t)) } else { Complex64::new(b.abs() / (2.0 * t), t.copysign(b)) }
}

fn relative_degree(z: &Zpk) -> usize {
    z.poles.len() - z.zeros.len()
}

fn lp2lp(f: Zpk, wo: f64) -> Zpk {
    let degree = relative_degree(&f);
    Zpk {
        zeros: f.zeros.iter().map(|z| z * wo).collect(),
        poles: f.poles.iter().map(|p| p * wo).collect(),
        gain: f.gain * wo.powi(degree as i32),
    }
}

fn prod_neg(v: &[Complex64]) -> Complex64 {
    v.iter().fold(Complex64::new(1.0, 0.0), |acc, x| acc * -x)
}

fn lp2hp(f: Zpk, wo: f64) -> Zpk {
    let degree = relative_degree(&f);
    let mut zeros: Vec<Complex64> = f.zeros.iter().map(|z| Complex64::new(wo, 0.0) / z).collect();
    zeros.extend(std::iter::repeat_n(Complex64::new(0.0, 0.0), degree));
    let gain = f.gain * (prod_neg(&f.zeros) / prod_neg(&f.poles)).re;
    Zpk { zeros, poles: f.poles.iter().map(|p| Complex64::new(wo, 0.0) / p).collect(), gain }
}

/// Duplicate each root and shift it to ±wo: `r ± sqrt(r² − wo²)`.
fn shift_pairs(roots: &[Complex64], wo: f64) -> Vec<Complex64> {
    let plus = roots.iter().map(|&r| r + csqrt(r * r - wo * wo));
    let minus = roots.iter().map(|&r| r - csqrt(r * r - wo * wo));
    plus.chain(minus).collect()
}

fn lp2bp(f: Zpk, wo: f64, bw: f64) -> Zpk {
    let degree = relative_degree(&f);
    let z: Vec<Complex64> = f.zeros.iter().map(|z| z * bw / 2.0).collect();
    let p: Vec<Complex64> = f.poles.iter().map(|p| p * bw / 2.0).collect();
    let mut zeros = shift_pairs(&z, wo);
    zeros.extend(std::iter::repeat_n(Complex64::new(0.0, 0.0), degree));
    Zpk { zeros, poles: shift_pairs(&p, wo), gain: f.gain * bw.powi(degree as i32) }
}

fn lp2bs(f: Zpk, wo: f64, bw: f64) -> Zpk {
    let degree = relative_degree(&f);
    let half = Complex64::new(bw / 2.0, 0.0);
    let z: Vec<Complex64> = f.zeros.iter().map(|z| half / z).collect();
    let p: Vec<Complex64> = f.poles.iter().map(|p| half / p).collect();
    let mut zeros = shift_pairs(&z, wo);
    zeros.extend(std::iter::repeat_n(Complex64::new(0.0, wo), degree));
    zeros.extend(std::iter::repeat_n(Complex64::new(0.0, -wo), degree));
    let gain = f.gain * (prod_neg(&f.zeros) / prod_neg(&f.poles)).re;
    Zpk { zeros, poles: shift_pairs(&p, wo), gain }
}

/// `scipy.signal.bilinear_zpk` with `fs`.
fn bilinear(f: Zpk, fs: f64) -> Zpk {
    let degree = relative_degree(&f);
    let fs2 = Complex64::new(2.0 * fs, 0.0);
    let mut zeros: Vec<Complex64> = f.zeros.iter().map(|&z| (fs2 + z) / (fs2 - z)).collect();
    zeros.extend(std::iter::repeat_n(Complex64::new(-1.0, 0.0), degree));
    let poles = f.poles.iter().map(|&p| (fs2 + p) / (fs2 - p)).collect();
    let num = f.zeros.iter().fold(Complex64::new(1.0, 0.0), |acc, &z| acc * (fs2 - z));
    let den = f.poles.iter().fold(Complex64::new(1.0, 0.0), |acc, &p| acc * (fs2 - p));
    Zpk { zeros, poles, gain: f.gain * (num / den).re }
}

/// Digital IIR design like `scipy.signal.iirfilter(order, wn, btype, ftype, output="zpk")` with
/// `wn` already normalised to the Nyquist frequency (each in (0, 1)).
pub(crate) fn iirfilter_zpk(order: usize, wn: &[f64], highpass_or_stop: bool, proto: Prototype) -> Result<Zpk> {
    check_order(order)?;
    for &w in wn {
        if !(w.is_finite() && w > 0.0 && w < 1.0) {
            return Err(CoreError::invalid("wn", w, "normalised corner must lie in (0, 1)"));
        }
    }
    let analog = match proto {
        Prototype::Butterworth => buttap(order),
        Prototype::Chebyshev1(rp) => {
            crate::validate::check_positive("rp", rp)?;
            cheb1ap(order, rp)
        }
        Prototype::Chebyshev2(rs) => {
            crate::validate::check_positive("rs", rs)?;
            cheb2ap(order, rs)
        }
    };
    // Pre-warp for the bilinear transform at fs = 2 (scipy's normalised convention).
    let fs = 2.0;
    let warped: Vec<f64> = wn.iter().map(|w| 2.0 * fs * (PI * w / fs).tan()).collect();
    let zpk = match (warped.as_slice(), highpass_or_stop) {
        (&[w], false) => lp2lp(analog, w),
        (&[w], true) => lp2hp(analog, w),
        (&[lo, hi], stop) => {
            if lo >= hi {
                return Err(CoreError::invalid("wn", wn[0], format!("must be < {}", wn[1])));
            }
            let bw = hi - lo;
            let wo = (lo * hi).sqrt();
            if stop { lp2bs(analog, wo, bw) } else { lp2bp(analog, wo, bw) }
        }
        _ => return Err(CoreError::invalid("wn", wn.len(), "one or two corner frequencies")),
    };
    Ok(bilinear(zpk, fs))
}

/// Butterworth design as zeros/poles/gain: `scipy.signal.butter(order, freqs, btype, output="zpk", fs)`.
pub fn butter_zpk(order: usize, band: Band, sampling_rate: f64) -> Result<Zpk> {
    check_order(order)?;
    let wn = band.normalized(sampling_rate)?;
    iirfilter_zpk(order, &wn, matches!(band, Band::Highpass(_) | Band::Bandstop(..)), Prototype::Butterworth)
}

/// Butterworth design as second-order sections, identical to
/// `scipy.signal.butter(order, freqs, btype, output="sos", fs=sampling_rate)`: an
/// `n_sections × 6` array of `[b0, b1, b2, 1, a1, a2]` rows.
pub fn butter_sos(order: usize, band: Band, sampling_rate: f64) -> Result<Array2<f64>> {
    Ok(zpk2sos(&butter_zpk(order, band, sampling_rate)?))
}

/// Chebyshev type I lowpass with `ripple_db` of passband ripple and corner `wn` as a fraction of
/// Nyquist: `scipy.signal.cheby1(order, ripple_db, wn, output="sos")`.
pub fn cheby1_lowpass_sos(order: usize, ripple_db: f64, wn: f64) -> Result<Array2<f64>> {
    Ok(zpk2sos(&iirfilter_zpk(order, &[wn], false, Prototype::Chebyshev1(ripple_db))?))
}

/// Chebyshev type II lowpass with `atten_db` of stopband attenuation and stopband edge `wn` as a
/// fraction of Nyquist: `scipy.signal.cheby2(order, atten_db, wn, output="sos")`.
pub fn cheby2_lowpass_sos(order: usize, atten_db: f64, wn: f64) -> Result<Array2<f64>> {
    Ok(zpk2sos(&iirfilter_zpk(order, &[wn], false, Prototype::Chebyshev2(atten_db))?))
}

/// Minimum Chebyshev II lowpass order and natural frequency for a digital passband edge `wp`,
/// stopband edge `ws` (fractions of Nyquist, `wp < ws`), `gpass` dB of passband loss and
/// `gstop` dB of stopband attenuation: `scipy.signal.cheb2ord` for the lowpass case.
pub fn cheb2ord_lowpass(wp: f64, ws: f64, gpass: f64, gstop: f64) -> Result<(usize, f64)> {
    if !(wp > 0.0 && wp < ws && ws <= 1.0) {
        return Err(CoreError::invalid("wp", wp, format!("need 0 < wp < ws = {ws} ≤ 1")));
    }
    crate::validate::check_positive("gpass", gpass)?;
    crate::validate::check_positive("gstop", gstop)?;
    let passb = (PI * wp / 2.0).tan();
    let stopb = (PI * ws / 2.0).tan();
    let nat = (stopb / passb).abs();
    let g_stop = 10f64.powf(0.1 * gstop.abs());
    let g_pass = 10f64.powf(0.1 * gpass.abs());
    let v_pass_stop = ((g_stop - 1.0) / (g_pass - 1.0)).sqrt().acosh();
    let order = (v_pass_stop / nat.acosh()).ceil() as usize;
    let new_freq = 1.0 / (1.0 / order as f64 * v_pass_stop).cosh();
    let nat = passb / new_freq;
    Ok((order, nat.atan() * 2.0 / PI))
}

/// Split roots into complex pairs (one of each, positive imaginary part) and real roots, sorted
/// like scipy's `_cplxreal`.
fn cplxreal(z: &[Complex64]) -> Result<(Vec<Complex64>, Vec<f64>)> {
    let tol = 100.0 * f64::EPSILON;
    let mut z = z.to_vec();
    z.sort_by(|a, b| a.re.total_cmp(&b.re).then(a.im.abs().total_cmp(&b.im.abs())));
    let is_real = |v: &Complex64| v.im.abs() <= tol * v.norm();
    let zr: Vec<f64> = z.iter().filter(|v| is_real(v)).map(|v| v.re).collect();
    let zc: Vec<Complex64> = z.into_iter().filter(|v| !is_real(v)).collect();
    let mut zp: Vec<Complex64> = zc.iter().copied().filter(|v| v.im > 0.0).collect();
    let mut zn: Vec<Complex64> = zc.iter().copied().filter(|v| v.im < 0.0).collect();
    if zp.len() != zn.len() {
        return Err(CoreError::invalid("roots", zc.len(), "complex value without a matching conjugate"));
    }
    // Runs of (nearly) equal real part are ordered by |imag|.
    let mut start = 0;
    while start < zp.len() {
        let mut stop = start + 1;
        while stop < zp.len() && zp[stop].re - zp[stop - 1].re <= tol * zp[stop - 1].norm() {
            stop += 1;
        }
        zp[start..stop].sort_by(|a, b| a.im.abs().total_cmp(&b.im.abs()));
        zn[start..stop].sort_by(|a, b| a.im.abs().total_cmp(&b.im.abs()));
        start = stop;
    }
    let mut pairs = Vec::with_capacity(zp.len());
    for (p, n) in zp.iter().zip(&zn) {
        if (p - n.conj()).norm() > tol * n.norm() {
            return Err(CoreError::invalid("roots", p, "complex value without a matching conjugate"));
        }
        pairs.push((p + n.conj()) / 2.0);
    }
    Ok((pairs, zr))
}

#[derive(Clone, Copy, PartialEq)]
enum Which {
    Real,
    Complex,
    Any,
}

fn is_real(v: Complex64) -> bool {
    v.im == 0.0
}

/// Index of the element of `from` nearest to `to` among the real, complex or all elements.
fn nearest_idx(from: &[Complex64], to: Complex64, which: Which) -> Option<usize> {
    let mut order: Vec<usize> = (0..from.len()).collect();
    order.sort_by(|&a, &b| (from[a] - to).norm().total_cmp(&(from[b] - to).norm()));
    order.into_iter().find(|&i| match which {
        Which::Any => true,
        Which::Real => is_real(from[i]),
        Which::Complex => !is_real(from[i]),
    })
}

/// Digital "worst" pole: the one closest to the unit circle (first on ties, like `argmin`).
fn idx_worst(p: &[Complex64]) -> usize {
    let mut best = 0;
    for (i, v) in p.iter().enumerate() {
        if (1.0 - v.norm()).abs() < (1.0 - p[best].norm()).abs() {
            best = i;
        }
    }
    best
}

/// Coefficients of the monic polynomial with the given roots, highest power first (`numpy.poly`).
fn poly(roots: &[Complex64]) -> Vec<f64> {
    let mut a = vec![Complex64::new(1.0, 0.0)];
    for &r in roots {
        let mut next = vec![Complex64::new(0.0, 0.0); a.len() + 1];
        for (i, &c) in a.iter().enumerate() {
            next[i] += c;
            next[i + 1] += c * -r;
        }
        a = next;
    }
    a.into_iter().map(|c| c.re).collect()
}

fn single_section(z: &[Complex64], p: &[Complex64]) -> [f64; 6] {
    let mut sos = [0.0; 6];
    let b = poly(z);
    let a = poly(p);
    sos[3 - b.len()..3].copy_from_slice(&b);
    sos[6 - a.len()..6].copy_from_slice(&a);
    sos
}

/// Second-order sections of a digital zpk filter with scipy's default `pairing="nearest"`
/// (`scipy.signal.zpk2sos`): poles closest to the unit circle go to the last sections, each
/// paired with its nearest zeros; the gain goes into the first section.
pub fn zpk2sos(f: &Zpk) -> Array2<f64> {
    let (mut z, mut p) = (f.zeros.clone(), f.poles.clone());
    if z.is_empty() && p.is_empty() {
        return ndarray::arr2(&[[f.gain, 0.0, 0.0, 1.0, 0.0, 0.0]]);
    }
    let zero = Complex64::new(0.0, 0.0);
    let (nz, np) = (z.len(), p.len());
    p.extend(std::iter::repeat_n(zero, nz.saturating_sub(np)));
    z.extend(std::iter::repeat_n(zero, np.saturating_sub(nz)));
    let n_sections = p.len().max(z.len()).div_ceil(2);
    if p.len() % 2 == 1 {
        p.push(zero);
        z.push(zero);
    }
    // Design routines only produce conjugate-symmetric roots, so cplxreal cannot fail here;
    // fall back to the unsplit roots if it ever did.
    let split = |v: &Vec<Complex64>| match cplxreal(v) {
        Ok((c, r)) => c.into_iter().chain(r.into_iter().map(|x| Complex64::new(x, 0.0))).collect(),
        Err(_) => v.clone(),
    };
    let mut z: Vec<Complex64> = split(&z);
    let mut p: Vec<Complex64> = split(&p);

    let mut sos = Array2::<f64>::zeros((n_sections, 6));
    for si in (0..n_sections).rev() {
        let worst = idx_worst(&p);
        let p1 = p.remove(worst);
        let n_real_p = p.iter().filter(|v| is_real(**v)).count();
        let section = if is_real(p1) && n_real_p == 0 {
            // Last remaining real pole: pair with the nearest real zero in a first-order section.
            let z1 = nearest_idx(&z, p1, Which::Real).map(|i| z.remove(i)).unwrap_or(zero);
            single_section(&[z1, zero], &[p1, zero])
        } else if p.len() + 1 == z.len()
            && !is_real(p1)
            && n_real_p == 1
            && z.iter().filter(|v| is_real(**v)).count() == 1
        {
            // One real pole and one real zero left: this complex pole must take a complex zero.
            let z1 = nearest_idx(&z, p1, Which::Complex).map(|i| z.remove(i)).unwrap_or(zero);
            single_section(&[z1, z1.conj()], &[p1, p1.conj()])
        } else {
            let p2 = if is_real(p1) {
                let real_idx: Vec<usize> = (0..p.len()).filter(|&i| is_real(p[i])).collect();
                let reals: Vec<Complex64> = real_idx.iter().map(|&i| p[i]).collect();
                p.remove(real_idx[idx_worst(&reals)])
            } else {
                p1.conj()
            };
            match nearest_idx(&z, p1, Which::Any) {
                Some(i) => {
                    let z1 = z.remove(i);
                    if !is_real(z1) {
                        single_section(&[z1, z1.conj()], &[p1, p2])
                    } else if let Some(j) = nearest_idx(&z, p1, Which::Real) {
                        let z2 = z.remove(j);
                        single_section(&[z1, z2], &[p1, p2])
                    } else {
                        single_section(&[z1], &[p1, p2])
                    }
                }
                None => single_section(&[], &[p1, p2]),
            }
        };
        sos.row_mut(si).assign(&ndarray::ArrayView1::from(&section));
    }
    sos.row_mut(0).slice_mut(ndarray::s![..3]).mapv_inplace(|v| v * f.gain);
    sos
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csqrt_branch_cut_follows_zero_sign() {
        let s = csqrt(Complex64::new(-4.0, -0.0));
        assert_eq!(s, Complex64::new(0.0, -2.0));
        let s = csqrt(Complex64::new(-4.0, 0.0));
        assert_eq!(s, Complex64::new(0.0, 2.0));
        let s = csqrt(Complex64::new(3.0, 4.0));
        assert!((s - Complex64::new(2.0, 1.0)).norm() < 1e-15);
    }

    #[test]
    fn poly_of_conjugate_pair_is_real() {
        let r = Complex64::new(0.5, 0.5);
        assert_eq!(poly(&[r, r.conj()]), vec![1.0, -1.0, 0.5]);
    }

    #[test]
    fn bad_designs_are_errors() {
        assert!(butter_sos(0, Band::Lowpass(1.0), 100.0).is_err());
        assert!(butter_sos(4, Band::Lowpass(50.0), 100.0).is_err());
        assert!(butter_sos(4, Band::Lowpass(-1.0), 100.0).is_err());
        assert!(butter_sos(4, Band::Bandpass(10.0, 5.0), 100.0).is_err());
        assert!(butter_sos(4, Band::Bandpass(1.0, 5.0), 0.0).is_err());
        assert!(cheb2ord_lowpass(0.5, 0.4, 1.0, 96.0).is_err());
    }
}
