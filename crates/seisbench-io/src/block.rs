//! A waveform block (`/data/<name>`) planned once for many reads.
//!
//! When a block is first used its storage is resolved: shape, layout, element type and byte
//! order. Contiguous, unfiltered blocks of a plain numeric type (what seisbench's writer
//! produces) are then read with one positioned read (`pread`) per trace covering exactly the
//! trace's bytes, decoded straight to `f64`; no HDF5 machinery runs per read. Every other layout
//! (chunked, compressed, compact, exotic types) goes through hdf5-pure, reading only the rows of
//! the first dimension the trace lives in.

use crate::output::{Seq, Slot};
use crate::trace_name::{Resolved, select};
use crate::{IoError, Result};
use hdf5_pure::{Datatype, DatatypeByteOrder, FixedPointLayout, FloatingPointLayout, Layout};
use std::cell::RefCell;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Element types decoded on the direct path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Elem {
    F32,
    F64,
    I16,
    I32,
}

impl Elem {
    fn size(self) -> usize {
        match self {
            Elem::I16 => 2,
            Elem::F32 | Elem::I32 => 4,
            Elem::F64 => 8,
        }
    }

    fn of(dt: &Datatype) -> Option<(Elem, bool)> {
        let little = |o: &DatatypeByteOrder| match o {
            DatatypeByteOrder::LittleEndian => Some(true),
            DatatypeByteOrder::BigEndian => Some(false),
            DatatypeByteOrder::Vax => None,
        };
        match dt {
            Datatype::FloatingPoint { size: 4, byte_order, layout }
                if *layout == FloatingPointLayout::IEEE754_BINARY32 =>
            {
                Some((Elem::F32, little(byte_order)?))
            }
            Datatype::FloatingPoint { size: 8, byte_order, layout }
                if *layout == FloatingPointLayout::IEEE754_BINARY64 =>
            {
                Some((Elem::F64, little(byte_order)?))
            }
            Datatype::FixedPoint { size, byte_order, layout: FixedPointLayout { signed: true, .. } } => {
                let e = match size {
                    2 => Elem::I16,
                    4 => Elem::I32,
                    _ => return None,
                };
                // only full-width integers: a partial bit precision needs masking
                match dt {
                    Datatype::FixedPoint { layout: l, .. }
                        if l.bit_offset == 0 && l.bit_precision as u32 == size * 8 =>
                    {
                        Some((e, little(byte_order)?))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// Element types the waveform getters return: `f64` (the default) or `f32` (what seisbench
/// returns for float32 datasets, half the memory). Sealed.
pub trait SampleType: Copy + Default + Send + Sync + 'static + private::Sealed {
    /// From a computed (`f64`) value; `f32` rounds like numpy's `astype(float32)`.
    fn from_f64(x: f64) -> Self;
    /// From a stored `f32` (exact for both types).
    fn from_f32(x: f32) -> Self;
}

impl SampleType for f64 {
    fn from_f64(x: f64) -> Self {
        x
    }
    fn from_f32(x: f32) -> Self {
        f64::from(x)
    }
}

impl SampleType for f32 {
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    fn from_f32(x: f32) -> Self {
        x
    }
}

mod private {
    pub trait Sealed {}
    impl Sealed for f64 {}
    impl Sealed for f32 {}
}

/// Append the elements of `bytes` (of type `elem` in the given byte order) to `seq`.
fn decode<T: SampleType, S: Slot<T>>(bytes: &[u8], elem: Elem, little: bool, seq: &mut Seq<T, S>) {
    // fixed-size chunks and a branch-free loop body, so the conversion vectorises
    macro_rules! run {
        ($t:ty, $n:literal, $conv:expr) => {{
            let (chunks, _) = bytes.as_chunks::<$n>();
            if little {
                seq.extend(chunks.iter().map(|b| $conv(<$t>::from_le_bytes(*b))));
            } else {
                seq.extend(chunks.iter().map(|b| $conv(<$t>::from_be_bytes(*b))));
            }
        }};
    }
    match elem {
        Elem::F32 => run!(f32, 4, T::from_f32),
        Elem::F64 => run!(f64, 8, T::from_f64),
        Elem::I16 => run!(i16, 2, |x: i16| T::from_f32(f32::from(x))),
        Elem::I32 => run!(i32, 4, |x: i32| T::from_f64(f64::from(x))),
    }
}

/// One innermost run of a direct read: `len` elements from element `first` of `buf`, `step`
/// elements apart.
pub(crate) struct Run<'a> {
    buf: &'a [u8],
    first: usize,
    step: isize,
    len: usize,
    elem: Elem,
    little: bool,
}

impl Run<'_> {
    /// Number of elements.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Append the run's elements to `seq`.
    pub(crate) fn write_to<T: SampleType, S: Slot<T>>(&self, seq: &mut Seq<T, S>) {
        let es = self.elem.size();
        if self.len == 0 {
            return;
        }
        if self.step == 1 {
            let a = self.first * es;
            decode(&self.buf[a..a + self.len * es], self.elem, self.little, seq);
        } else {
            for k in 0..self.len {
                let a = (self.first as isize + k as isize * self.step) as usize * es;
                decode(&self.buf[a..a + es], self.elem, self.little, seq);
            }
        }
    }
}

/// The innermost runs of one selection read into memory, by row-major index.
pub(crate) struct Runs<'a> {
    buf: &'a [u8],
    sel: &'a [Resolved],
    strides: &'a [usize],
    lo: usize,
    elem: Elem,
    little: bool,
    count: usize,
}

impl Runs<'_> {
    /// Number of runs (the product of the selected lengths of all but the last dimension).
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// Run `k` (`None` past the end).
    pub(crate) fn get(&self, k: usize) -> Option<Run<'_>> {
        if k >= self.count {
            return None;
        }
        let nd = self.sel.len();
        let last = self.sel[nd - 1];
        // row-major position of run k over dimensions 0..nd-1
        let mut first = last.start as isize - self.lo as isize;
        let mut rem = k;
        for d in (0..nd - 1).rev() {
            let i = rem % self.sel[d].len;
            rem /= self.sel[d].len;
            first += (self.sel[d].start as isize + i as isize * self.sel[d].step) * self.strides[d] as isize;
        }
        Some(Run {
            buf: self.buf,
            first: first as usize,
            step: last.step,
            len: last.len,
            elem: self.elem,
            little: self.little,
        })
    }
}

enum Storage {
    /// Contiguous raw bytes at `address` of `file`.
    Direct { file: Arc<std::fs::File>, address: u64, elem: Elem, little: bool },
    /// Anything else, read through hdf5-pure.
    Library(hdf5_pure::Dataset),
}

/// A planned block.
pub(crate) struct Block {
    pub(crate) shape: Vec<usize>,
    storage: Storage,
    path: PathBuf,
    object: String,
}

/// Above this many bytes the per-thread buffers are released after use.
const KEEP_BYTES: usize = 1 << 22;

/// Release a per-thread buffer that an unusually large read grew.
pub(crate) fn release_if_large<T>(buf: &mut Vec<T>) {
    if buf.capacity() * std::mem::size_of::<T>() > KEEP_BYTES {
        *buf = Vec::new();
    }
}

thread_local! {
    // Per-thread read buffer reused across traces, so the hot path does not allocate for it.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

impl Block {
    /// Plan block `object` of an open HDF5 file. `raw` is the same file opened for positioned
    /// reads and `file_len` its length.
    pub(crate) fn plan(
        h5: &hdf5_pure::File,
        raw: &Arc<std::fs::File>,
        file_len: u64,
        path: &Path,
        object: &str,
    ) -> Result<Block> {
        let err = |e: hdf5_pure::Error| IoError::hdf5(path, object, e);
        let ds = h5.dataset(object).map_err(err)?;
        let shape: Vec<usize> =
            ds.shape().map_err(err)?.into_iter().map(|d| usize::try_from(d).unwrap_or(usize::MAX)).collect();
        let n_elem = shape.iter().try_fold(1u64, |a, &d| a.checked_mul(d as u64));
        let direct = match (ds.layout().map_err(err)?, ds.filters().is_empty(), Elem::of(&ds.datatype().map_err(err)?))
        {
            (Layout::Contiguous { address: Some(address), size }, true, Some((elem, little))) => {
                let want = n_elem.and_then(|n| n.checked_mul(elem.size() as u64));
                if want != Some(size) {
                    return Err(IoError::Hdf5 {
                        path: path.to_path_buf(),
                        object: object.to_string(),
                        message: format!("contiguous storage of {size} bytes does not match shape {shape:?}"),
                    });
                }
                if address.checked_add(size).is_none_or(|end| end > file_len) {
                    return Err(IoError::Hdf5 {
                        path: path.to_path_buf(),
                        object: object.to_string(),
                        message: format!(
                            "data at bytes {address}..{} lie beyond the end of the file ({file_len} bytes): truncated?",
                            address.saturating_add(size)
                        ),
                    });
                }
                Some(Storage::Direct { file: raw.clone(), address, elem, little })
            }
            _ => None,
        };
        let storage = direct.unwrap_or(Storage::Library(ds));
        Ok(Block { shape, storage, path: path.to_path_buf(), object: object.to_string() })
    }

    /// Whether reads bypass the HDF5 library.
    #[cfg(test)]
    pub(crate) fn is_direct(&self) -> bool {
        matches!(self.storage, Storage::Direct { .. })
    }

    /// Read the selection `sel` (resolved against [`Block::shape`]): the selected elements in
    /// row-major order and the output shape (single-index dimensions dropped).
    /// `out` is overwritten (its allocation is reused).
    pub(crate) fn read_into(&self, name: &str, sel: &[Resolved], out: &mut Vec<f64>) -> Result<Vec<usize>> {
        let out_shape: Vec<usize> = sel.iter().filter(|r| r.keep).map(|r| r.len).collect();
        if matches!(self.storage, Storage::Direct { .. }) && !sel.is_empty() {
            out.clear();
            out.resize(sel.iter().map(|r| r.len).product(), 0.0);
            let mut seq = Seq::new(out.as_mut_slice());
            self.with_runs(sel, |runs| {
                (0..runs.count()).filter_map(|k| runs.get(k)).for_each(|run| run.write_to(&mut seq));
            })?;
            seq.finish()?;
            return Ok(out_shape);
        }
        let Storage::Library(ds) = &self.storage else { unreachable!("direct storage handled above") };
        let (data, shape) = self.read_library(ds, name, sel)?;
        *out = data;
        Ok(shape)
    }

    /// Direct storage only, and only when the selection is one contiguous span of the file whose
    /// elements are stored exactly as `T` is in memory: read the span straight into the next
    /// slots of `seq` (no decoding pass). Returns `Ok(false)`, writing nothing, otherwise.
    pub(crate) fn read_raw_into<T: SampleType, S: Slot<T>>(
        &self,
        sel: &[Resolved],
        seq: &mut Seq<T, S>,
    ) -> Result<bool> {
        let Storage::Direct { file, address, elem, little } = &self.storage else { return Ok(false) };
        let native = matches!(elem, Elem::F32 | Elem::F64)
            && elem.size() == std::mem::size_of::<T>()
            && *little == cfg!(target_endian = "little");
        if !native || sel.len() != self.shape.len() || sel.iter().any(|r| r.len == 0) {
            return Ok(false);
        }
        // contiguous: after the first dimension with more than one selected index, every
        // dimension is taken whole, with step 1
        let mut offset = 0usize;
        let mut stride = 1usize;
        let mut whole = true;
        for (r, &n) in sel.iter().zip(&self.shape).rev() {
            if !whole && r.len > 1 {
                return Ok(false);
            }
            if r.len > 1 && r.step != 1 {
                return Ok(false);
            }
            offset += r.start * stride;
            whole &= r.start == 0 && r.len == n;
            stride *= n;
        }
        let n: usize = sel.iter().map(|r| r.len).product();
        let at = address + (offset * elem.size()) as u64;
        seq.read_raw(n, file, at).map_err(|e| IoError::Hdf5 {
            path: self.path.clone(),
            object: self.object.clone(),
            message: format!("reading {} bytes at {at}: {e}", n * elem.size()),
        })
    }

    /// Direct storage only: read the selection with one positioned read and call `f` with its
    /// innermost runs (the last dimension's selection). Returns `Ok(false)`, calling nothing,
    /// when the block is not read directly.
    pub(crate) fn with_runs(&self, sel: &[Resolved], f: impl FnOnce(&Runs)) -> Result<bool> {
        let Storage::Direct { file, address, elem, little } = &self.storage else { return Ok(false) };
        let (address, elem, little) = (*address, *elem, *little);
        let nd = self.shape.len();
        if nd == 0 || sel.len() != nd {
            return Ok(false);
        }
        let mut strides = vec![1usize; nd];
        for d in (0..nd - 1).rev() {
            strides[d] = strides[d + 1] * self.shape[d + 1];
        }
        let count = sel[..nd - 1].iter().map(|r| r.len).product();
        if sel.iter().any(|r| r.len == 0) {
            f(&Runs { buf: &[], sel, strides: &strides, lo: 0, elem, little, count: 0 });
            return Ok(true);
        }
        // The elements between the lowest and highest selected offsets: one read.
        let (mut lo, mut hi) = (0usize, 0usize);
        for (r, s) in sel.iter().zip(&strides) {
            let last = (r.start as isize + (r.len as isize - 1) * r.step) as usize;
            lo += r.start.min(last) * s;
            hi += r.start.max(last) * s;
        }
        let es = elem.size();
        let result = SCRATCH.with(|scratch| -> Result<()> {
            let mut buf = scratch.borrow_mut();
            let span = (hi - lo + 1) * es;
            if buf.len() < span {
                buf.resize(span, 0);
            }
            let buf = &mut buf[..span];
            let at = address + (lo * es) as u64;
            file.read_exact_at(buf, at).map_err(|e| IoError::Hdf5 {
                path: self.path.clone(),
                object: self.object.clone(),
                message: format!("reading {span} bytes at {at}: {e}"),
            })?;
            f(&Runs { buf, sel, strides: &strides, lo, elem, little, count });
            Ok(())
        });
        SCRATCH.with(|scratch| release_if_large(&mut scratch.borrow_mut()));
        result?;
        Ok(true)
    }

    fn read_library(&self, ds: &hdf5_pure::Dataset, name: &str, sel: &[Resolved]) -> Result<(Vec<f64>, Vec<usize>)> {
        let err = |e| IoError::hdf5(&self.path, &self.object, e);
        match sel.first() {
            Some(first) if self.shape.len() > 1 && first.step == 1 => {
                // Read only the rows of the first dimension the trace lives in.
                let raw = ds.read_f64_rows(first.start as u64, first.len as u64).map_err(err)?;
                let mut sub_shape = self.shape.clone();
                sub_shape[0] = first.len;
                check_len(&raw, &sub_shape, name)?;
                let mut sub_sel = sel.to_vec();
                sub_sel[0] = Resolved { start: 0, ..*first };
                select(&raw, &sub_shape, &sub_sel)
            }
            _ => {
                let raw = ds.read_f64().map_err(err)?;
                check_len(&raw, &self.shape, name)?;
                select(&raw, &self.shape, sel)
            }
        }
    }
}

fn check_len(raw: &[f64], shape: &[usize], name: &str) -> Result<()> {
    let want: usize = shape.iter().product();
    if raw.len() != want {
        return Err(IoError::ShapeMismatch {
            what: format!("data read for trace {name:?}"),
            expected: want.to_string(),
            got: raw.len().to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_both_byte_orders() {
        let v = [1.5f32, -2.25, 3.0e10];
        let le: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        let be: Vec<u8> = v.iter().flat_map(|x| x.to_be_bytes()).collect();
        let mut a = [0.0; 3];
        let mut b = [0.0; 3];
        decode(&le, Elem::F32, true, &mut Seq::new(&mut a));
        decode(&be, Elem::F32, false, &mut Seq::new(&mut b));
        assert_eq!(a, [1.5, -2.25, f64::from(3.0e10f32)]);
        assert_eq!(a, b);
        let w: Vec<u8> = [-7i16, 300].iter().flat_map(|x| x.to_be_bytes()).collect();
        let mut c = [0.0; 2];
        decode(&w, Elem::I16, false, &mut Seq::new(&mut c));
        assert_eq!(c, [-7.0, 300.0]);
    }

    /// `read_raw_into` as f32 and as f64 into dirty buffers of `n + 1` slots: whether either
    /// read, and the buffers.
    fn raw_read(block: &Block, sel: &[Resolved], n: usize) -> (bool, Vec<f32>, Vec<f64>) {
        let (mut a, mut b) = (vec![f32::NAN; n + 1], vec![f64::NAN; n + 1]);
        let ra = block.read_raw_into(sel, &mut Seq::new(&mut a[..])).unwrap();
        let rb = block.read_raw_into(sel, &mut Seq::new(&mut b[..])).unwrap();
        (ra || rb, a, b)
    }

    #[test]
    fn direct_reads_match_numpy_slicing_for_any_selection() {
        let shape = [4usize, 3, 7];
        let data: Vec<f64> = (0..84).map(|i| i as f64 * 0.5 - 3.0).collect();
        let path = std::env::temp_dir().join(format!("sbio-block-{}.h5", std::process::id()));
        let mut fb = hdf5_pure::FileBuilder::new();
        let mut g = fb.create_group("data");
        let f32s: Vec<f32> = data.iter().map(|&x| x as f32).collect();
        g.create_dataset("a32").with_f32_data(&f32s).with_shape(&[4, 3, 7]);
        g.create_dataset("a64").with_f64_data(&data).with_shape(&[4, 3, 7]);
        fb.add_group(g.finish());
        fb.write(&path).unwrap();
        let h5 = hdf5_pure::File::open_streaming(&path).unwrap();
        let raw = Arc::new(std::fs::File::open(&path).unwrap());
        let len = raw.metadata().unwrap().len();
        for obj in ["data/a32", "data/a64"] {
            let block = Block::plan(&h5, &raw, len, &path, obj).unwrap();
            assert!(block.is_direct(), "{obj}");
            let mut buf = Vec::new();
            for name in ["b$2,:3,:7", "b$1", "b$-1,::-1,2:6", "b$:,1,::3", "b$1:4:2,0:2,-1::-2", "b$0,2:1,:"] {
                let sel = crate::trace_name::parse_trace_name(name).unwrap().resolve(name, &shape).unwrap();
                let (want, want_shape) = select(&data, &shape, &sel).unwrap();
                let got_shape = block.read_into(name, &sel, &mut buf).unwrap();
                assert_eq!(got_shape, want_shape, "{obj} {name}");
                assert_eq!(buf, want, "{obj} {name}");
                // straight into the output bytes when the selection is one contiguous span of
                // the stored type, in a dirty buffer with one slot to spare
                let n = want.len();
                let (contiguous, f32s, f64s) = raw_read(&block, &sel, n);
                let expect_contiguous = ["b$2,:3,:7", "b$1"].contains(&name);
                let native = (obj == "data/a32", obj == "data/a64");
                assert_eq!(contiguous, expect_contiguous && (native.0 || native.1), "{obj} {name}");
                if contiguous && native.0 {
                    assert_eq!(f32s[..n], want.iter().map(|&x| x as f32).collect::<Vec<_>>()[..], "{obj} {name}");
                    assert!(f32s[n].is_nan(), "{obj} {name}: wrote past the span");
                }
                if contiguous && native.1 {
                    assert_eq!(f64s[..n], want[..], "{obj} {name}");
                    assert!(f64s[n].is_nan(), "{obj} {name}: wrote past the span");
                }
            }
        }
        // a file cut inside the data is refused when the block is planned
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 8]).unwrap();
        let raw = Arc::new(std::fs::File::open(&path).unwrap());
        let len = raw.metadata().unwrap().len();
        if let Ok(h5) = hdf5_pure::File::open_streaming(&path) {
            for obj in ["data/a32", "data/a64"] {
                let planned = Block::plan(&h5, &raw, len, &path, obj);
                if let Ok(b) = planned {
                    // the data of this block lies before the cut
                    let sel = crate::trace_name::parse_trace_name("b").unwrap().resolve("b", &shape).unwrap();
                    b.read_into("b", &sel, &mut Vec::new()).unwrap();
                }
            }
        }
        std::fs::remove_file(&path).ok();
    }
}
