//! One miniSEED 2 record: bounds-checked header parsing (fixed header, blockettes 100, 1000 and
//! 1001, time correction) and decoding of its samples straight into a caller's `f64` slice.
//!
//! Parsing validates every header field and offset, including that the data section can hold the
//! announced samples, so decoding only has to deal with the content of Steim frames (invalid
//! sub-codes, too few differences) and non-finite floats. Records are independent (each Steim
//! record carries its own first sample X0), which lets the reader decode them in parallel into
//! disjoint parts of the output.

use crate::mseed::{Encoding, RecordHeader};
use crate::{IoError, Result};
use seis_core::UtcTime;
use std::ops::Range;

/// A parsed record: its header and where its samples are.
#[derive(Debug, Clone)]
pub(crate) struct RecordPlan {
    pub header: RecordHeader,
    /// The data section as a byte range of the whole input (empty for records without samples).
    pub data: Range<usize>,
    /// Byte order of the data section (blockette 1000 word order).
    pub data_little: bool,
}

fn be16(b: &[u8], o: usize, little: bool) -> u16 {
    let a = [b[o], b[o + 1]];
    if little { u16::from_le_bytes(a) } else { u16::from_be_bytes(a) }
}

fn be32(b: &[u8], o: usize, little: bool) -> u32 {
    let a = [b[o], b[o + 1], b[o + 2], b[o + 3]];
    if little { u32::from_le_bytes(a) } else { u32::from_be_bytes(a) }
}

fn header_time_ok(b: &[u8], little: bool) -> bool {
    let year = be16(b, 20, little);
    let day = be16(b, 22, little);
    (1900..=2200).contains(&year) && (1..=366).contains(&day)
}

fn code<'a>(b: &'a [u8], offset: usize, what: &str) -> Result<&'a str> {
    let s = std::str::from_utf8(b).map_err(|_| IoError::mseed(offset, format!("{what} code is not ASCII")))?;
    if !s.is_ascii() {
        return Err(IoError::mseed(offset, format!("{what} code is not ASCII")));
    }
    Ok(s.trim())
}

fn sample_rate(factor: i16, mult: i16) -> f64 {
    let (f, m) = (f64::from(factor), f64::from(mult));
    match (factor, mult) {
        (0, _) | (_, 0) => 0.0,
        (f_, m_) if f_ > 0 && m_ > 0 => f * m,
        (f_, _) if f_ > 0 => -f / m,
        (_, m_) if m_ > 0 => -m / f,
        _ => 1.0 / (f * m),
    }
}

/// Parse the header of the record starting at `offset` of `buf` and check that its data section
/// can hold its samples.
pub(crate) fn parse_record(buf: &[u8], offset: usize) -> Result<RecordPlan> {
    let b = &buf[offset..];
    let err = |r: String| IoError::mseed(offset, r);
    if b.len() < 48 {
        return Err(err(format!("truncated: {} bytes left, a header needs 48", b.len())));
    }
    if b[0] == b'M' && b[1] == b'S' && b[2] == 3 {
        return Err(err("miniSEED 3 records are not supported".into()));
    }
    if !b[..6].iter().all(|c| c.is_ascii_digit() || *c == b' ' || *c == 0) || !matches!(b[6], b'D' | b'R' | b'Q' | b'M')
    {
        return Err(err("not a miniSEED 2 record (bad sequence number or quality indicator)".into()));
    }
    // Header byte order: big-endian unless the time fields only make sense little-endian.
    let little = if header_time_ok(b, false) {
        false
    } else if header_time_ok(b, true) {
        true
    } else {
        return Err(err(format!("implausible start time (year {}, day {})", be16(b, 20, false), be16(b, 22, false))));
    };
    let station = code(&b[8..13], offset, "station")?;
    let location = code(&b[13..15], offset, "location")?;
    let channel = code(&b[15..18], offset, "channel")?;
    let network = code(&b[18..20], offset, "network")?;
    let (year, doy, hour, minute, second, fract) =
        (be16(b, 20, little), be16(b, 22, little), b[24], b[25], b[26], be16(b, 28, little));
    if hour > 23 || minute > 59 || second > 60 || fract > 9999 {
        return Err(err(format!("invalid start time {year}-{doy:03} {hour}:{minute}:{second}.{fract:04}")));
    }
    let n_samples = be16(b, 30, little) as usize;
    let factor = be16(b, 32, little) as i16;
    let mult = be16(b, 34, little) as i16;
    let activity = b[36];
    let time_correction = be32(b, 40, little) as i32;
    let data_offset = be16(b, 44, little) as usize;
    let mut blockette = be16(b, 46, little) as usize;
    let mut b1000: Option<(u8, u8, u8)> = None;
    let mut micro: i8 = 0;
    let mut rate_b100: Option<f32> = None;
    let mut hops = 0;
    while blockette != 0 {
        hops += 1;
        if hops > 32 || blockette < 48 || blockette + 4 > b.len() {
            return Err(err(format!("blockette chain points outside the record (offset {blockette})")));
        }
        let kind = be16(b, blockette, little);
        let next = be16(b, blockette + 2, little) as usize;
        match kind {
            1000 if blockette + 8 <= b.len() => b1000 = Some((b[blockette + 4], b[blockette + 5], b[blockette + 6])),
            1001 if blockette + 8 <= b.len() => micro = b[blockette + 5] as i8,
            100 if blockette + 8 <= b.len() => {
                rate_b100 = Some(f32::from_bits(be32(b, blockette + 4, little)));
            }
            _ => {}
        }
        if next != 0 && next <= blockette {
            return Err(err(format!("blockette chain goes backwards ({blockette} -> {next})")));
        }
        blockette = next;
    }
    let (enc_code, word_order, power) = b1000.ok_or_else(|| err("no blockette 1000".into()))?;
    if !(7..=20).contains(&power) {
        return Err(err(format!("record length 2^{power} out of range")));
    }
    let record_length = 1usize << power;
    if record_length > b.len() {
        return Err(err(format!("truncated: record length {record_length} but {} bytes left", b.len())));
    }
    let encoding = Encoding::from_code(enc_code).ok_or_else(|| err(format!("unsupported encoding {enc_code}")))?;
    let mut rate = rate_b100.map(f64::from).filter(|r| r.is_finite() && *r > 0.0).unwrap_or(sample_rate(factor, mult));
    // Blockette 100 carries a float32; prefer the exact factor/multiplier rate when they agree.
    let fm = sample_rate(factor, mult);
    if fm > 0.0 && (rate / fm - 1.0).abs() < 1e-6 {
        rate = fm;
    }
    // Rates below 1e-4 Hz would put a record's end beyond the representable time range.
    if n_samples > 0 && !(rate.is_finite() && (1e-4..=1e7).contains(&rate)) {
        return Err(err(format!("{n_samples} samples but sampling rate {rate} Hz (supported: 1e-4 to 1e7)")));
    }
    let data = if n_samples == 0 {
        offset..offset
    } else {
        if data_offset < 48 || data_offset >= record_length {
            return Err(err(format!("data offset {data_offset} outside record of {record_length} bytes")));
        }
        offset + data_offset..offset + record_length
    };
    check_data_size(data.len(), encoding, n_samples).map_err(err)?;
    let mut start = UtcTime::from_year_doy(i32::from(year), u32::from(doy), u32::from(hour), u32::from(minute), 0, 0)
        .map_err(|e| err(e.to_string()))?;
    let mut ns = i64::from(second) * 1_000_000_000 + i64::from(fract) * 100_000 + i64::from(micro) * 1_000;
    if activity & 0x02 == 0 {
        ns += i64::from(time_correction) * 100_000;
    }
    start = UtcTime::from_nanos(start.nanos() + ns);
    let header = RecordHeader {
        offset,
        record_length,
        id: [network, ".", station, ".", location, ".", channel].concat(),
        starttime: start,
        sampling_rate: rate,
        n_samples,
        encoding,
        quality: b[6] as char,
    };
    Ok(RecordPlan { header, data, data_little: word_order == 0 })
}

/// Whether `len` data bytes can hold `n` samples of `enc` (Steim: at least one frame).
fn check_data_size(len: usize, enc: Encoding, n: usize) -> std::result::Result<(), String> {
    let size = match enc {
        Encoding::Int16 => 2,
        Encoding::Int32 | Encoding::Float32 => 4,
        Encoding::Float64 => 8,
        Encoding::Steim1 | Encoding::Steim2 => {
            return if len < 64 { Err("no Steim frame in the data section".into()) } else { Ok(()) };
        }
    };
    if n.checked_mul(size).is_none_or(|b| b > len) {
        Err(format!("{n} samples of {size} bytes do not fit in {len} data bytes"))
    } else {
        Ok(())
    }
}

/// Decode the samples of a parsed record of `buf` into `out` (`out.len()` = its sample count).
/// Returns a warning for a failed Steim integrity check.
pub(crate) fn decode_into(buf: &[u8], plan: &RecordPlan, out: &mut [f64]) -> Result<Option<String>> {
    let d = &buf[plan.data.clone()];
    let little = plan.data_little;
    let err = |r: String| IoError::mseed(plan.header.offset, r);
    match plan.header.encoding {
        Encoding::Int16 => {
            fill::<2>(out, d, |a| f64::from(if little { i16::from_le_bytes(a) } else { i16::from_be_bytes(a) }))
        }
        Encoding::Int32 => {
            fill::<4>(out, d, |a| f64::from(if little { i32::from_le_bytes(a) } else { i32::from_be_bytes(a) }))
        }
        Encoding::Float32 => {
            fill::<4>(out, d, |a| f64::from(if little { f32::from_le_bytes(a) } else { f32::from_be_bytes(a) }));
            if let Some(i) = out.iter().position(|x| !x.is_finite()) {
                return Err(err(format!("non-finite float32 sample at index {i}")));
            }
        }
        Encoding::Float64 => {
            fill::<8>(out, d, |a| if little { f64::from_le_bytes(a) } else { f64::from_be_bytes(a) });
            if let Some(i) = out.iter().position(|x| !x.is_finite()) {
                return Err(err(format!("non-finite float64 sample at index {i}")));
            }
        }
        Encoding::Steim1 => return decode_steim_into(d, little, false, out).map_err(err),
        Encoding::Steim2 => return decode_steim_into(d, little, true, out).map_err(err),
    }
    Ok(None)
}

/// Fixed-width samples of `W` bytes each (the data section was checked to hold `out.len()`).
fn fill<const W: usize>(out: &mut [f64], d: &[u8], conv: impl Fn([u8; W]) -> f64) {
    for (o, c) in out.iter_mut().zip(d.chunks_exact(W)) {
        let mut a = [0u8; W];
        a.copy_from_slice(c);
        *o = conv(a);
    }
}

/// Steim-1/2 frames integrated straight into `out` with wrapping arithmetic; the last sample is
/// checked against the reverse integration constant Xn (a mismatch is a warning, as in libmseed).
fn decode_steim_into(
    d: &[u8],
    little: bool,
    steim2: bool,
    out: &mut [f64],
) -> std::result::Result<Option<String>, String> {
    let word = |f: &[u8], o: usize| -> u32 {
        let a = [f[o], f[o + 1], f[o + 2], f[o + 3]];
        if little { u32::from_le_bytes(a) } else { u32::from_be_bytes(a) }
    };
    let n = out.len();
    if d.len() < 64 {
        return Err("no Steim frame in the data section".into());
    }
    let x0 = word(d, 4) as i32;
    let xn = word(d, 8) as i32;
    let mut acc = x0;
    let mut k = 0usize;
    'frames: for (f, frame) in d.chunks_exact(64).enumerate() {
        let ctrl = word(frame, 0);
        // Words 1 and 2 of the first frame hold X0 and Xn.
        for w in if f == 0 { 3 } else { 1 }..16 {
            if k >= n {
                break 'frames;
            }
            let wd = word(frame, 4 * w);
            let (o, a) = (&mut *out, &mut acc);
            match ((ctrl >> (30 - 2 * w)) & 3, steim2) {
                (0, _) => {}
                (1, _) => integrate(&unpack::<8, 4>(wd), o, &mut k, a, x0),
                (2, false) => integrate(&unpack::<16, 2>(wd), o, &mut k, a, x0),
                (_, false) => integrate(&[wd as i32], o, &mut k, a, x0),
                (2, true) => match wd >> 30 {
                    1 => integrate(&unpack::<30, 1>(wd), o, &mut k, a, x0),
                    2 => integrate(&unpack::<15, 2>(wd), o, &mut k, a, x0),
                    3 => integrate(&unpack::<10, 3>(wd), o, &mut k, a, x0),
                    dn => return Err(format!("invalid Steim2 sub-code {dn} for nibble 2")),
                },
                (_, true) => match wd >> 30 {
                    0 => integrate(&unpack::<6, 5>(wd), o, &mut k, a, x0),
                    1 => integrate(&unpack::<5, 6>(wd), o, &mut k, a, x0),
                    2 => integrate(&unpack::<4, 7>(wd), o, &mut k, a, x0),
                    dn => return Err(format!("invalid Steim2 sub-code {dn} for nibble 3")),
                },
            }
        }
    }
    if k < n {
        return Err(format!("Steim data holds {k} samples, header says {n}"));
    }
    Ok((n > 0 && acc != xn)
        .then(|| format!("Steim integrity check failed: last sample {acc} != reverse integration constant {xn}")))
}

/// The `COUNT` sign-extended `BITS`-wide differences packed in a Steim word, leftmost first.
#[inline(always)]
fn unpack<const BITS: u32, const COUNT: usize>(wd: u32) -> [i32; COUNT] {
    std::array::from_fn(|j| {
        let v = wd >> (BITS * (COUNT - 1 - j) as u32);
        ((v << (32 - BITS)) as i32) >> (32 - BITS)
    })
}

/// Integrate `diffs` into `out[k..]` (at most up to its end), advancing `k`.
#[inline(always)]
fn integrate(diffs: &[i32], out: &mut [f64], k: &mut usize, acc: &mut i32, x0: i32) {
    if *k == 0 {
        // The first sample is X0 itself: its difference (to the previous record) is unused.
        *acc = x0.wrapping_sub(diffs[0]);
    }
    let m = diffs.len().min(out.len() - *k);
    let mut a = *acc;
    if m == diffs.len() {
        // the common case, with a length known at compile time once inlined
        for (o, &dv) in out[*k..*k + m].iter_mut().zip(diffs) {
            a = a.wrapping_add(dv);
            *o = f64::from(a);
        }
    } else {
        for (o, &dv) in out[*k..*k + m].iter_mut().zip(diffs) {
            a = a.wrapping_add(dv);
            *o = f64::from(a);
        }
    }
    *acc = a;
    *k += m;
}
