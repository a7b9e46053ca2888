//! SeisBench trace names: `bucket3$17,:3,:6000` addresses the numpy slice `[17, :3, :6000]` of the
//! block `/data/bucket3`; a name without `$` is a block of its own.
//!
//! The location follows numpy's basic indexing as seisbench parses it: comma-separated integers
//! (negative counts from the end) and `start:stop[:step]` slices with optional parts. Anything
//! else is a [`IoError::MalformedTraceName`]. Resolving a location against a block's shape checks
//! every index, so a bad name is an error, never a silent wrong read.

use crate::{IoError, Result};

/// One dimension of a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SliceSpec {
    /// A single index; the dimension is dropped.
    Index(i64),
    /// `start:stop:step`, each optional as in numpy.
    Range {
        /// First index (default 0, or the end for a negative step).
        start: Option<i64>,
        /// One past the last index.
        stop: Option<i64>,
        /// Step (default 1; never 0).
        step: Option<i64>,
    },
}

/// A parsed trace name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceLocation {
    /// Name of the HDF5 dataset under `/data`.
    pub block: String,
    /// Per-dimension selection; dimensions beyond the list are taken whole.
    pub slices: Vec<SliceSpec>,
}

/// A dimension after resolving a [`SliceSpec`] against a length: the selected indices are
/// `start, start + step, …` (`len` of them); `keep` is false for a single index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    /// First index.
    pub start: usize,
    /// Number of selected elements.
    pub len: usize,
    /// Step between them.
    pub step: isize,
    /// Whether the dimension stays in the output.
    pub keep: bool,
}

fn malformed(name: &str, reason: impl Into<String>) -> IoError {
    IoError::MalformedTraceName { name: name.to_string(), reason: reason.into() }
}

fn parse_int(name: &str, s: &str) -> Result<Option<i64>> {
    if s.is_empty() {
        return Ok(None);
    }
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed(name, format!("{s:?} is not an integer")));
    }
    s.parse::<i64>().map(Some).map_err(|_| malformed(name, format!("{s:?} is out of range")))
}

/// Parse a trace name. Whitespace inside the location is ignored, as in seisbench.
pub fn parse_trace_name(name: &str) -> Result<TraceLocation> {
    let (block, location) = match name.split_once('$') {
        None => return Ok(TraceLocation { block: name.to_string(), slices: Vec::new() }),
        Some((b, l)) => (b, l),
    };
    if location.contains('$') {
        return Err(malformed(name, "more than one '$'"));
    }
    if block.is_empty() {
        return Err(malformed(name, "empty block name"));
    }
    let loc: String = location.chars().filter(|c| !c.is_whitespace()).collect();
    if loc.is_empty() {
        return Err(malformed(name, "empty location after '$'"));
    }
    let mut slices = Vec::new();
    for part in loc.split(',') {
        let fields: Vec<&str> = part.split(':').collect();
        let spec = match fields.as_slice() {
            [one] => match parse_int(name, one)? {
                Some(i) => SliceSpec::Index(i),
                None => return Err(malformed(name, "empty index")),
            },
            [a, b] => SliceSpec::Range { start: parse_int(name, a)?, stop: parse_int(name, b)?, step: None },
            [a, b, c] => {
                let step = parse_int(name, c)?;
                if step == Some(0) {
                    return Err(malformed(name, "slice step is zero"));
                }
                SliceSpec::Range { start: parse_int(name, a)?, stop: parse_int(name, b)?, step }
            }
            _ => return Err(malformed(name, format!("invalid slice {part:?}"))),
        };
        slices.push(spec);
    }
    Ok(TraceLocation { block: block.to_string(), slices })
}

impl SliceSpec {
    /// Resolve against a dimension of length `n` with numpy semantics (`slice.indices`).
    pub fn resolve(&self, n: usize) -> std::result::Result<Resolved, String> {
        let n_i = i64::try_from(n).map_err(|_| "dimension too large".to_string())?;
        match *self {
            SliceSpec::Index(i) => {
                let j = if i < 0 { i.checked_add(n_i) } else { Some(i) };
                match j {
                    Some(j) if (0..n_i).contains(&j) => {
                        Ok(Resolved { start: j as usize, len: 1, step: 1, keep: false })
                    }
                    _ => Err(format!("index {i} out of range for length {n}")),
                }
            }
            SliceSpec::Range { start, stop, step } => {
                let step = step.unwrap_or(1);
                if step == 0 {
                    return Err("slice step is zero".into());
                }
                // numpy's PySlice_AdjustIndices
                let clamp = |v: Option<i64>, default: i64, lo: i64, hi: i64| -> i64 {
                    match v {
                        None => default,
                        Some(x) if x < 0 => {
                            let y = x.saturating_add(n_i);
                            if y < lo { lo } else { y }
                        }
                        Some(x) => {
                            if x > hi {
                                hi
                            } else {
                                x
                            }
                        }
                    }
                };
                let (s, e) = if step > 0 {
                    (clamp(start, 0, 0, n_i), clamp(stop, n_i, 0, n_i))
                } else {
                    (clamp(start, n_i - 1, -1, n_i - 1), clamp(stop, -1, -1, n_i - 1))
                };
                let len = if step > 0 {
                    if e > s { (e - s - 1) / step + 1 } else { 0 }
                } else if s > e {
                    (s - e - 1) / (-step) + 1
                } else {
                    0
                };
                let step_isize = isize::try_from(step).map_err(|_| "step too large".to_string())?;
                Ok(Resolved {
                    start: if len == 0 { 0 } else { s as usize },
                    len: len as usize,
                    step: step_isize,
                    keep: true,
                })
            }
        }
    }
}

impl TraceLocation {
    /// Resolve every dimension against a block shape. `name` is used in error messages.
    pub fn resolve(&self, name: &str, shape: &[usize]) -> Result<Vec<Resolved>> {
        if self.slices.len() > shape.len() {
            return Err(IoError::TraceOutOfBounds {
                name: name.to_string(),
                shape: shape.to_vec(),
                reason: format!("{} indices for a {}-dimensional block", self.slices.len(), shape.len()),
            });
        }
        shape
            .iter()
            .enumerate()
            .map(|(d, &n)| {
                let spec =
                    self.slices.get(d).copied().unwrap_or(SliceSpec::Range { start: None, stop: None, step: None });
                spec.resolve(n).map_err(|reason| IoError::TraceOutOfBounds {
                    name: name.to_string(),
                    shape: shape.to_vec(),
                    reason: format!("dimension {d}: {reason}"),
                })
            })
            .collect()
    }
}

/// Apply resolved selections (from [`TraceLocation::resolve`]) to a row-major array of `shape`;
/// returns the selected elements in row-major order and the output shape (dimensions with
/// `keep == false` dropped). Errors when the data, shape and selections do not fit together.
pub fn select<T: Copy>(data: &[T], shape: &[usize], sel: &[Resolved]) -> Result<(Vec<T>, Vec<usize>)> {
    let total_in = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
    let fits = sel.len() == shape.len()
        && total_in == Some(data.len())
        && sel.iter().zip(shape).all(|(r, &n)| {
            r.len == 0 || {
                let last = r.start as i128 + (r.len as i128 - 1) * r.step as i128;
                (r.start as i128) < n as i128 && (0..n as i128).contains(&last)
            }
        });
    if !fits {
        return Err(IoError::ShapeMismatch {
            what: "selection of a block".into(),
            expected: format!("data of shape {shape:?} and selections within it"),
            got: format!("{} elements, {} selections", data.len(), sel.len()),
        });
    }
    Ok(select_unchecked(data, shape, sel))
}

fn select_unchecked<T: Copy>(data: &[T], shape: &[usize], sel: &[Resolved]) -> (Vec<T>, Vec<usize>) {
    let out_shape: Vec<usize> = sel.iter().filter(|r| r.keep).map(|r| r.len).collect();
    let total: usize = sel.iter().map(|r| r.len).product();
    let mut out = Vec::with_capacity(total);
    if total == 0 {
        return (out, out_shape);
    }
    let nd = shape.len();
    let mut strides = vec![1usize; nd];
    for d in (0..nd.saturating_sub(1)).rev() {
        strides[d] = strides[d + 1] * shape[d + 1];
    }
    // Innermost dimension copied as a run when contiguous; odometer over the others.
    let mut counter = vec![0usize; nd];
    loop {
        let mut base = 0isize;
        for d in 0..nd.saturating_sub(1) {
            base += (sel[d].start as isize + counter[d] as isize * sel[d].step) * strides[d] as isize;
        }
        if nd == 0 {
            out.push(data[0]);
            return (out, out_shape);
        }
        let last = sel[nd - 1];
        if last.step == 1 {
            let a = base as usize + last.start;
            out.extend_from_slice(&data[a..a + last.len]);
        } else {
            for k in 0..last.len {
                out.push(data[(base + last.start as isize + k as isize * last.step) as usize]);
            }
        }
        // advance odometer over dims 0..nd-1
        let mut d = nd - 1;
        loop {
            if d == 0 {
                return (out, out_shape);
            }
            d -= 1;
            counter[d] += 1;
            if counter[d] < sel[d].len {
                break;
            }
            counter[d] = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bucket_names() {
        let t = parse_trace_name("bucket3$17,:3,:6000").unwrap();
        assert_eq!(t.block, "bucket3");
        assert_eq!(
            t.slices,
            vec![
                SliceSpec::Index(17),
                SliceSpec::Range { start: None, stop: Some(3), step: None },
                SliceSpec::Range { start: None, stop: Some(6000), step: None }
            ]
        );
        let t = parse_trace_name("odd_two_comp").unwrap();
        assert!(t.slices.is_empty());
        assert!(parse_trace_name("b$1,x").is_err());
        assert!(parse_trace_name("b$1$2").is_err());
        assert!(parse_trace_name("b$::0").is_err());
        assert!(parse_trace_name("b$").is_err());
        assert!(parse_trace_name("b$1:2:3:4").is_err());
    }

    #[test]
    fn numpy_slice_semantics() {
        let r = |s: Option<i64>, e: Option<i64>, st: Option<i64>, n| {
            let x = SliceSpec::Range { start: s, stop: e, step: st }.resolve(n).unwrap();
            (x.start, x.len)
        };
        assert_eq!(r(None, Some(3), None, 5), (0, 3));
        assert_eq!(r(None, Some(30), None, 5), (0, 5));
        assert_eq!(r(Some(-2), None, None, 5), (3, 2));
        assert_eq!(r(None, None, Some(-1), 5), (4, 5));
        assert_eq!(r(None, None, Some(2), 5), (0, 3));
        assert_eq!(r(Some(4), Some(1), None, 5).1, 0);
        assert!(SliceSpec::Index(5).resolve(5).is_err());
        assert_eq!(SliceSpec::Index(-1).resolve(5).unwrap().start, 4);
    }

    #[test]
    fn gather_matches_manual_slicing() {
        let shape = [2usize, 3, 4];
        let data: Vec<i32> = (0..24).collect();
        let loc = parse_trace_name("b$1,:2,1::2").unwrap();
        let sel = loc.resolve("b", &shape).unwrap();
        let (out, sh) = select(&data, &shape, &sel).unwrap();
        assert_eq!(sh, vec![2, 2]);
        assert_eq!(out, vec![13, 15, 17, 19]);
    }
}
