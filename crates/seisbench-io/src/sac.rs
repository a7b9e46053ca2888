//! SAC waveforms: evenly sampled time series read into seis-core [`Trace`]s (either byte order)
//! and written with `sacio`.
//!
//! Header words are checked before any data is read (version, file type, evenly sampled, npts
//! against the file size, reference time fields), so a truncated or corrupted file gives an
//! [`IoError::Sac`], never a panic. As in ObsPy, the start time is the reference time
//! (`nz*` fields) plus `b`, the sampling rate is `1 / delta`, and float32 header values are
//! taken at their shortest decimal representation (a stored `0.01` is 0.01 s, not
//! 0.009999999776).

use crate::{IoError, Result};
use ndarray::Array1;
use seis_core::{Stats, Trace, UtcTime};
use std::path::Path;

const HEADER: usize = 632;
const UNDEF_I: i32 = -12345;
const UNDEF_F: f32 = -12345.0;

// word indices (floats 0..70, ints 70..110, strings from byte 440)
const F_DELTA: usize = 0;
const F_B: usize = 5;
const I_NZYEAR: usize = 70;
const I_NVHDR: usize = 76;
const I_NPTS: usize = 79;
const I_IFTYPE: usize = 85;
const I_LEVEN: usize = 105;

/// Header values read besides the trace itself.
#[derive(Debug, Clone, PartialEq)]
pub struct SacHeader {
    /// Begin time relative to the reference time (s).
    pub b: f64,
    /// Reference time (`nz*`), if defined.
    pub reference_time: Option<UtcTime>,
    /// Whether the file was big-endian.
    pub big_endian: bool,
}

struct Words<'a> {
    b: &'a [u8],
    big: bool,
}

impl Words<'_> {
    fn i(&self, w: usize) -> i32 {
        let a = [self.b[4 * w], self.b[4 * w + 1], self.b[4 * w + 2], self.b[4 * w + 3]];
        if self.big { i32::from_be_bytes(a) } else { i32::from_le_bytes(a) }
    }
    fn f(&self, w: usize) -> f32 {
        f32::from_bits(self.i(w) as u32)
    }
    fn s(&self, byte: usize, len: usize) -> String {
        let raw = String::from_utf8_lossy(&self.b[byte..byte + len]).trim_end_matches(['\0', ' ']).trim().to_string();
        if raw == "-12345" { String::new() } else { raw }
    }
}

/// f32 header value at its shortest decimal representation, as f64.
fn f32_decimal(x: f32) -> f64 {
    format!("{x}").parse().unwrap_or(f64::from(x))
}

/// Decode a SAC file held in memory.
pub fn read_sac(bytes: &[u8]) -> Result<(Trace, SacHeader)> {
    if bytes.len() < HEADER {
        return Err(IoError::sac(format!("truncated: {} bytes, the header needs {HEADER}", bytes.len())));
    }
    let nv = |big| Words { b: bytes, big }.i(I_NVHDR);
    let big = match (nv(false), nv(true)) {
        (6 | 7, _) => false,
        (_, 6 | 7) => true,
        (a, _) => return Err(IoError::sac(format!("header version {a} is not 6 or 7 in either byte order"))),
    };
    let w = Words { b: bytes, big };
    if w.i(I_NVHDR) == 7 {
        return Err(IoError::sac("header version 7 (footer with f64 values) is not supported"));
    }
    let iftype = w.i(I_IFTYPE);
    if iftype != 1 {
        return Err(IoError::sac(format!("file type {iftype} is not a time series (ITIME = 1)")));
    }
    if w.i(I_LEVEN) != 1 {
        return Err(IoError::sac("unevenly sampled data are not supported"));
    }
    let npts = w.i(I_NPTS);
    if npts < 0 {
        return Err(IoError::sac(format!("npts = {npts}")));
    }
    let need = HEADER + 4 * npts as usize;
    if bytes.len() < need {
        return Err(IoError::sac(format!("truncated: npts = {npts} needs {need} bytes, file has {}", bytes.len())));
    }
    let delta = w.f(F_DELTA);
    if !(delta.is_finite() && delta > 0.0) {
        return Err(IoError::sac(format!("delta = {delta} is not a positive interval")));
    }
    let b_raw = w.f(F_B);
    let b = if b_raw == UNDEF_F || !b_raw.is_finite() { 0.0 } else { f32_decimal(b_raw) };
    let nz: Vec<i32> = (0..6).map(|k| w.i(I_NZYEAR + k)).collect();
    let reference_time = if nz.contains(&UNDEF_I) {
        None
    } else {
        let bad = || IoError::sac(format!("invalid reference time fields {nz:?}"));
        let (y, d, h, mi, s, ms) = (nz[0], nz[1], nz[2], nz[3], nz[4], nz[5]);
        if !(1..=366).contains(&d)
            || !(0..24).contains(&h)
            || !(0..60).contains(&mi)
            || !(0..=60).contains(&s)
            || !(0..1000).contains(&ms)
        {
            return Err(bad());
        }
        let t = UtcTime::from_year_doy(y, d as u32, h as u32, mi as u32, s as u32, ms as u32 * 1_000_000)
            .map_err(|_| bad())?;
        Some(t)
    };
    let start = reference_time.unwrap_or(UtcTime::EPOCH).add_seconds(b);
    // Data through sacio (header validated above, so its reader cannot hit a bad case).
    let mut cursor = std::io::Cursor::new(&bytes[..need]);
    let sac = sacio::Sac::read(&mut cursor).map_err(|e| IoError::sac(format!("{e:?}")))?;
    if let Some(i) = sac.y.iter().position(|x| !x.is_finite()) {
        return Err(IoError::sac(format!("non-finite sample at index {i}")));
    }
    let data = Array1::from_iter(sac.y.iter().map(|&x| f64::from(x)));
    if data.is_empty() {
        return Err(IoError::Empty { what: "SAC data" });
    }
    let mut stats = Stats::new(1.0 / f32_decimal(delta), start)?;
    stats.station = w.s(440, 8);
    stats.location = w.s(464, 8);
    stats.channel = w.s(600, 8);
    stats.network = w.s(608, 8);
    Ok((Trace::new(data, stats)?, SacHeader { b, reference_time, big_endian: big }))
}

/// Read a SAC file.
pub fn read_sac_file(path: impl AsRef<Path>) -> Result<(Trace, SacHeader)> {
    let p = path.as_ref();
    let bytes = std::fs::read(p).map_err(|e| IoError::io(p, e))?;
    read_sac(&bytes)
}

/// Encode a trace as SAC (native byte order, float32 samples). The reference time is the start
/// time truncated to the millisecond and `b` holds the rest, as ObsPy writes it.
pub fn write_sac(trace: &Trace) -> Result<Vec<u8>> {
    let st = trace.stats();
    let mut y = Vec::with_capacity(trace.len());
    for (i, &x) in trace.data().iter().enumerate() {
        let v = x as f32;
        if !v.is_finite() {
            return Err(IoError::NotRepresentable { what: st.id(), index: i, value: x, encoding: "SAC float32" });
        }
        y.push(v);
    }
    for (what, v) in
        [("network", &st.network), ("station", &st.station), ("location", &st.location), ("channel", &st.channel)]
    {
        if v.len() > 8 || !v.is_ascii() {
            return Err(IoError::invalid("trace code", format!("{what} {v:?}"), "SAC allows up to 8 ASCII characters"));
        }
    }
    let t = trace.starttime();
    let ms_ns = t.nanos().div_euclid(1_000_000) * 1_000_000;
    let reference = UtcTime::from_nanos(ms_ns);
    let b = (t.nanos() - ms_ns) as f64 * 1e-9;
    let mut sac = sacio::Sac::from_amp(y, b, st.delta());
    sac.set_string(sacio::SacString::Network, &st.network);
    sac.set_string(sacio::SacString::Station, &st.station);
    sac.set_string(sacio::SacString::Location, &st.location);
    sac.set_string(sacio::SacString::Component, &st.channel);
    let mut buf = Vec::with_capacity(HEADER + 4 * trace.len());
    sac.write(&mut buf).map_err(|e| IoError::sac(format!("{e:?}")))?;
    if buf.len() < HEADER {
        return Err(IoError::sac("sacio wrote a short header"));
    }
    // Reference time (sacio sets it through chrono types; write the words directly).
    let (year, _, _, hour, minute, second, ns) = reference.to_ymd_hms();
    let words =
        [year, reference.day_of_year() as i32, hour as i32, minute as i32, second as i32, (ns / 1_000_000) as i32];
    for (k, v) in words.iter().enumerate() {
        let o = 4 * (I_NZYEAR + k);
        buf[o..o + 4].copy_from_slice(&v.to_ne_bytes());
    }
    Ok(buf)
}
