//! UTC time stamps with nanosecond precision (ObsPy's `UTCDateTime` role).
//!
//! Stored as signed nanoseconds since 1970-01-01T00:00:00Z (±292 years), ignoring leap seconds
//! as ObsPy and miniSEED do.

use crate::{CoreError, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

const NS_PER_S: i64 = 1_000_000_000;
const NS_PER_DAY: i64 = 86_400 * NS_PER_S;

/// A UTC instant with nanosecond resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct UtcTime {
    ns: i64,
}

// Howard Hinnant's civil-calendar algorithms (proleptic Gregorian).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

impl UtcTime {
    /// The Unix epoch.
    pub const EPOCH: UtcTime = UtcTime { ns: 0 };

    /// From nanoseconds since the epoch.
    pub const fn from_nanos(ns: i64) -> Self {
        Self { ns }
    }

    /// Nanoseconds since the epoch.
    pub const fn nanos(self) -> i64 {
        self.ns
    }

    /// From (possibly fractional) seconds since the epoch, rounded to the nearest nanosecond.
    pub fn from_timestamp(seconds: f64) -> Result<Self> {
        if !seconds.is_finite() || seconds.abs() > 9.2e9 {
            return Err(CoreError::InvalidTime { input: seconds.to_string(), reason: "out of range".into() });
        }
        let whole = seconds.floor();
        let frac = ((seconds - whole) * 1e9).round() as i64;
        Ok(Self { ns: whole as i64 * NS_PER_S + frac })
    }

    /// Seconds since the epoch as f64 (loses sub-microsecond precision for present-day times).
    pub fn timestamp(self) -> f64 {
        self.ns.div_euclid(NS_PER_S) as f64 + self.ns.rem_euclid(NS_PER_S) as f64 * 1e-9
    }

    /// From calendar fields. `nanosecond` < 1e9.
    pub fn from_ymd_hms(
        year: i32,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
        nanosecond: u32,
    ) -> Result<Self> {
        let bad = |r: &str| CoreError::InvalidTime {
            input: format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{nanosecond:09}"),
            reason: r.to_string(),
        };
        if !(1..=12).contains(&month) {
            return Err(bad("month must be 1..=12"));
        }
        if day == 0 || day > days_in_month(year as i64, month) {
            return Err(bad("day out of range for month"));
        }
        if hour > 23 || minute > 59 || second > 60 || nanosecond >= 1_000_000_000 {
            return Err(bad("time of day out of range"));
        }
        let days = days_from_civil(year as i64, month, day);
        let ns = days * NS_PER_DAY
            + (hour as i64 * 3600 + minute as i64 * 60 + second as i64) * NS_PER_S
            + nanosecond as i64;
        Ok(Self { ns })
    }

    /// From year and day of year (1-based), as in miniSEED/SAC headers.
    pub fn from_year_doy(year: i32, doy: u32, hour: u32, minute: u32, second: u32, nanosecond: u32) -> Result<Self> {
        let ndays = if is_leap(year as i64) { 366 } else { 365 };
        if doy == 0 || doy > ndays {
            return Err(CoreError::InvalidTime {
                input: format!("{year}-{doy:03}"),
                reason: format!("day of year must be 1..={ndays}"),
            });
        }
        let jan1 = Self::from_ymd_hms(year, 1, 1, 0, 0, 0, 0)?;
        let t = Self::from_ymd_hms(1970, 1, 1, hour, minute, second.min(59), nanosecond)?;
        Ok(Self { ns: jan1.ns + (doy as i64 - 1) * NS_PER_DAY + t.ns + if second == 60 { NS_PER_S } else { 0 } })
    }

    /// Calendar fields `(year, month, day, hour, minute, second, nanosecond)`.
    pub fn to_ymd_hms(self) -> (i32, u32, u32, u32, u32, u32, u32) {
        let days = self.ns.div_euclid(NS_PER_DAY);
        let rem = self.ns.rem_euclid(NS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        let secs = rem / NS_PER_S;
        let nano = (rem % NS_PER_S) as u32;
        (y as i32, m, d, (secs / 3600) as u32, ((secs % 3600) / 60) as u32, (secs % 60) as u32, nano)
    }

    /// Day of year (1-based).
    pub fn day_of_year(self) -> u32 {
        let (y, m, d, ..) = self.to_ymd_hms();
        let jan1 = days_from_civil(y as i64, 1, 1);
        (days_from_civil(y as i64, m, d) - jan1 + 1) as u32
    }

    /// Parse ISO-8601-like strings as ObsPy prints them: `2017-06-17T23:39:12.123456Z`,
    /// with or without the `Z`, fraction, or time part; a space may replace the `T`.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = |r: &str| CoreError::InvalidTime { input: s.to_string(), reason: r.to_string() };
        let t = s.trim().trim_end_matches('Z');
        let (date, time) = match t.find(['T', ' ']) {
            Some(i) => (&t[..i], &t[i + 1..]),
            None => (t, ""),
        };
        let mut dp = date.split('-');
        let num = |p: Option<&str>, what: &str| -> Result<i64> {
            p.filter(|x| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|x| x.parse::<i64>().ok())
                .ok_or_else(|| bad(&format!("bad {what}")))
        };
        let year = num(dp.next(), "year")?;
        let month = num(dp.next(), "month")?;
        let day = num(dp.next(), "day")?;
        if dp.next().is_some() {
            return Err(bad("trailing date fields"));
        }
        let (mut h, mut mi, mut sec, mut nano) = (0i64, 0i64, 0i64, 0i64);
        if !time.is_empty() {
            let (hms, frac) = match time.find('.') {
                Some(i) => (&time[..i], &time[i + 1..]),
                None => (time, ""),
            };
            let mut tp = hms.split(':');
            h = num(tp.next(), "hour")?;
            mi = tp.next().map(|x| num(Some(x), "minute")).transpose()?.unwrap_or(0);
            sec = tp.next().map(|x| num(Some(x), "second")).transpose()?.unwrap_or(0);
            if tp.next().is_some() {
                return Err(bad("trailing time fields"));
            }
            if !frac.is_empty() {
                if !frac.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad("bad fraction of second"));
                }
                let digits: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
                nano = digits.parse::<i64>().map_err(|_| bad("bad fraction of second"))?;
                // round on the 10th digit
                if frac.len() > 9 && frac.as_bytes()[9] >= b'5' {
                    nano += 1;
                }
            }
        }
        if year.abs() > 9999 || !(0..=23).contains(&h) || !(0..=59).contains(&mi) || !(0..=60).contains(&sec) {
            return Err(bad("field out of range"));
        }
        let base = Self::from_ymd_hms(
            year as i32,
            month.clamp(0, 99) as u32,
            day.clamp(0, 99) as u32,
            h as u32,
            mi as u32,
            sec.min(59) as u32,
            0,
        )?;
        Ok(Self { ns: base.ns + if sec == 60 { NS_PER_S } else { 0 } + nano })
    }

    /// This time shifted by `seconds` (rounded to the nearest nanosecond).
    pub fn add_seconds(self, seconds: f64) -> Self {
        Self { ns: self.ns + (seconds * 1e9).round() as i64 }
    }

    /// This time shifted by `n` samples at `sampling_rate` Hz (exact to the nanosecond).
    pub fn add_samples(self, n: i64, sampling_rate: f64) -> Self {
        Self { ns: self.ns + ((n as f64) * 1e9 / sampling_rate).round() as i64 }
    }

    /// `self - other` in seconds.
    pub fn seconds_since(self, other: UtcTime) -> f64 {
        (self.ns - other.ns) as f64 * 1e-9
    }
}

impl fmt::Display for UtcTime {
    /// ObsPy style: `2017-06-17T23:39:12.123456Z` (microseconds; nanoseconds shown when non-zero).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s, ns) = self.to_ymd_hms();
        if ns % 1000 == 0 {
            write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:06}Z", ns / 1000)
        } else {
            write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ns:09}Z")
        }
    }
}

impl std::str::FromStr for UtcTime {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_known_values() {
        let t = UtcTime::parse("2017-06-17T23:39:12.123456789Z").unwrap();
        assert_eq!(t.to_string(), "2017-06-17T23:39:12.123456789Z");
        assert_eq!(UtcTime::parse("1970-01-01").unwrap(), UtcTime::EPOCH);
        assert_eq!(UtcTime::parse("2000-03-01T00:00:00").unwrap().timestamp(), 951_868_800.0);
        assert_eq!(
            UtcTime::from_year_doy(2016, 185, 22, 50, 26, 0).unwrap(),
            UtcTime::parse("2016-07-03T22:50:26").unwrap()
        );
        assert_eq!(UtcTime::parse("2016-12-31").unwrap().day_of_year(), 366);
        assert_eq!(UtcTime::parse("1969-12-31T23:59:59.5").unwrap().nanos(), -500_000_000);
        assert!(UtcTime::parse("2017-02-29").is_err());
        assert!(UtcTime::parse("2017-13-01").is_err());
        assert!(UtcTime::parse("garbage").is_err());
        assert!(UtcTime::parse("2017-01-01T25:00").is_err());
    }

    #[test]
    fn sample_offsets() {
        let t = UtcTime::EPOCH.add_samples(3, 3.0);
        assert_eq!(t.nanos(), 1_000_000_000);
        assert!((t.seconds_since(UtcTime::EPOCH) - 1.0).abs() < 1e-12);
    }
}
