//! Output arrays written front to back, once.
//!
//! Waveform getters write each output element exactly once, in order, through a [`Seq`]
//! writer: samples, then row padding, then padding rows. The same code fills a caller's buffer
//! (`Seq<T, T>`) or a fresh array that was never zeroed (`Seq<T, MaybeUninit<T>>`, see
//! [`fresh`]). Zeroing a fresh 14 MB batch before overwriting it, plus the page traffic that
//! causes, cost about a fifth of a batch read, and it ran serially before the parallel reads.
//!
//! This file holds the crate's only `unsafe` code, three small blocks:
//! - [`fresh`] marks the vector initialised after every piece went through [`Seq::finish`],
//!   which writes (zeros) any slot the reader left unwritten, so the guarantee does not depend
//!   on the readers being right;
//! - [`Seq::read_raw`] views initialised `f32`/`f64` slots as bytes (what `bytemuck` does) so a
//!   float block whose bytes are the output's bytes is read straight into the output;
//! - on 64-bit Linux, `sys::pread_exact` hands slots not initialised yet to `pread(2)` as raw
//!   memory, which skips zeroing them first (a tenth of a fresh float32 batch's CPU time).

use crate::IoError;
use crate::block::SampleType;
use rayon::prelude::*;
use std::marker::PhantomData;
use std::mem::MaybeUninit;

type Result<T, E = IoError> = std::result::Result<T, E>;

/// A destination element: an initialised `T`, or a `MaybeUninit<T>` not written yet.
pub(crate) trait Slot<T>: Send {
    /// Whether a slot holds a value before it is written.
    const INIT: bool;
    fn put(&mut self, v: T);
}

impl<T: SampleType> Slot<T> for T {
    const INIT: bool = true;
    #[inline(always)]
    fn put(&mut self, v: T) {
        *self = v;
    }
}

impl<T: SampleType> Slot<T> for MaybeUninit<T> {
    const INIT: bool = false;
    #[inline(always)]
    fn put(&mut self, v: T) {
        self.write(v);
    }
}

/// Writes a slice of slots front to back; writes past the end are dropped and make
/// [`Seq::finish`] report an incomplete write.
pub(crate) struct Seq<'a, T, S> {
    slots: &'a mut [S],
    pos: usize,
    overflow: bool,
    _t: PhantomData<T>,
}

impl<'a, T: SampleType, S: Slot<T>> Seq<'a, T, S> {
    pub(crate) fn new(slots: &'a mut [S]) -> Self {
        Self { slots, pos: 0, overflow: false, _t: PhantomData }
    }

    /// Append the values of `it`.
    #[inline]
    pub(crate) fn extend<I: ExactSizeIterator<Item = T>>(&mut self, it: I) {
        let rest = &mut self.slots[self.pos..];
        let n = it.len();
        if n > rest.len() {
            self.overflow = true;
        }
        let n = n.min(rest.len());
        // zip of two exactly-sized iterators: a counted loop the compiler vectorises. The
        // count is of the values actually written, not `it.len()`: soundness of `fresh` must
        // not rest on a (safe) `ExactSizeIterator` telling the truth.
        let mut written = 0;
        rest[..n].iter_mut().zip(it).for_each(|(s, v)| {
            s.put(v);
            written += 1;
        });
        // a short iterator leaves `pos` behind: `finish` zero-fills the rest and reports it
        self.pos += written;
    }

    /// Append `n` zeros.
    pub(crate) fn zeros(&mut self, n: usize) {
        let rest = self.slots.len() - self.pos;
        if n > rest {
            self.overflow = true;
        }
        let n = n.min(rest);
        self.slots[self.pos..self.pos + n].iter_mut().for_each(|s| s.put(T::default()));
        self.pos += n;
    }

    /// Read the next `n` slots' bytes (native byte order) from `file` at byte `at`. Slots that
    /// are not initialised yet are handed to the kernel as raw memory (Linux, 64-bit), which
    /// skips zeroing them first; elsewhere they are zeroed, then read into. Returns `Ok(false)`,
    /// reading nothing, when fewer than `n` slots remain.
    #[allow(unsafe_code)]
    pub(crate) fn read_raw(&mut self, n: usize, file: &std::fs::File, at: u64) -> std::io::Result<bool> {
        const { assert!(std::mem::size_of::<S>() == std::mem::size_of::<T>()) };
        if n > self.slots.len() - self.pos {
            return Ok(false);
        }
        let slots = &mut self.slots[self.pos..self.pos + n];
        let len = std::mem::size_of_val(slots);
        if !S::INIT {
            #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
            {
                // SAFETY: the pointer and `len` cover exactly `slots`, borrowed mutably here.
                unsafe { sys::pread_exact(file, slots.as_mut_ptr().cast::<u8>(), len, at)? };
                self.pos += n;
                return Ok(true);
            }
            #[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
            slots.iter_mut().for_each(|s| s.put(T::default()));
        }
        // SAFETY: `S` is `T` (`INIT`, initialised) or `MaybeUninit<T>` (just zeroed) — the only
        // `Slot` impls; same size, checked above — with `T` an `f32` or `f64` (`SampleType` is
        // sealed): every byte of `slots` is initialised, the types have no padding, any bytes
        // form a valid value, and `u8` has alignment 1. The byte slice borrows `slots` mutably
        // for its life.
        let bytes = unsafe { std::slice::from_raw_parts_mut(slots.as_mut_ptr().cast::<u8>(), len) };
        std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)?;
        self.pos += n;
        Ok(true)
    }

    /// Zero what was not written; `Ok` when the writes filled the slots exactly.
    pub(crate) fn finish(mut self) -> Result<()> {
        let (pos, len, overflow) = (self.pos, self.slots.len(), self.overflow);
        self.zeros(len - pos);
        if pos != len || overflow {
            return Err(IoError::ShapeMismatch {
                what: "elements written for one output trace".into(),
                expected: len.to_string(),
                got: if overflow { format!("more than {len}") } else { pos.to_string() },
            });
        }
        Ok(())
    }
}

/// Fill `out` in pieces of `piece` elements, in parallel when there are several: `f(i, seq)`
/// writes piece `i`.
pub(crate) fn fill_pieces<T, S>(
    out: &mut [S],
    piece: usize,
    f: impl Fn(usize, &mut Seq<'_, T, S>) -> Result<()> + Sync,
) -> Result<()>
where
    T: SampleType,
    S: Slot<T>,
{
    let run = |i: usize, chunk: &mut [S]| {
        let mut seq = Seq::new(chunk);
        let written = f(i, &mut seq);
        // finish even after an error, so every slot is written whatever `f` did
        let complete = seq.finish();
        written.and(complete)
    };
    if out.is_empty() {
        return Ok(());
    }
    if piece == 0 || piece >= out.len() {
        return run(0, out);
    }
    out.par_chunks_mut(piece).enumerate().try_for_each(|(i, chunk)| run(i, chunk))
}

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
#[allow(unsafe_code)]
mod sys {
    use std::os::fd::AsRawFd;

    unsafe extern "C" {
        // POSIX pread(2); on 64-bit Linux `off_t` is 64 bits.
        fn pread(fd: std::ffi::c_int, buf: *mut std::ffi::c_void, count: usize, offset: i64) -> isize;
    }

    /// Read exactly `len` bytes at `at` into the memory at `buf`, which need not be initialised.
    ///
    /// # Safety
    /// `buf` must be valid for writes of `len` bytes, and nothing else may access that memory
    /// during the call.
    pub(super) unsafe fn pread_exact(file: &std::fs::File, buf: *mut u8, len: usize, at: u64) -> std::io::Result<()> {
        let mut done = 0usize;
        while done < len {
            let offset = at
                .checked_add(done as u64)
                .and_then(|o| i64::try_from(o).ok())
                .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "offset too large"))?;
            // SAFETY: `buf + done .. buf + len` lies inside the memory the caller vouched for
            // (`done < len`); the kernel writes at most `len - done` bytes there and reads none.
            let r = unsafe { pread(file.as_raw_fd(), buf.add(done).cast(), len - done, offset) };
            match r {
                0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                r if r > 0 => done += r as usize,
                _ => {
                    let e = std::io::Error::last_os_error();
                    if e.kind() != std::io::ErrorKind::Interrupted {
                        return Err(e);
                    }
                }
            }
        }
        Ok(())
    }
}

/// A fresh vector of `n` elements filled by [`fill_pieces`], never zeroed first.
#[allow(unsafe_code)]
pub(crate) fn fresh<T: SampleType>(
    n: usize,
    piece: usize,
    f: impl Fn(usize, &mut Seq<'_, T, MaybeUninit<T>>) -> Result<()> + Sync,
) -> Result<Vec<T>> {
    let mut v: Vec<T> = Vec::with_capacity(n);
    let spare = &mut v.spare_capacity_mut()[..n];
    // On an error the vector is dropped with length 0 (T is Copy: nothing to drop).
    fill_pieces(spare, piece, f)?;
    // SAFETY: `fill_pieces` returned Ok, so every chunk of `spare` (together exactly the first
    // `n` slots of the capacity) went through `Seq::finish`, which writes every slot of its chunk
    // not written before; a panic would have unwound past this point. So the first `n` elements
    // are initialised, and `n <= capacity`.
    unsafe { v.set_len(n) };
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_reads_fill_fresh_and_initialised_slots_and_report_short_files() {
        let path = std::env::temp_dir().join(format!("sbio-output-{}.bin", std::process::id()));
        let vals: Vec<f32> = (0..1000).map(|i| i as f32 * 0.25 - 7.0).collect();
        let bytes: Vec<u8> = vals.iter().flat_map(|x| x.to_ne_bytes()).collect();
        std::fs::write(&path, &bytes).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        // fresh slots, two pieces, from an offset; then what is left of the file
        let v = fresh::<f32>(998, 499, |i, s| {
            let ok = s.read_raw(499, &file, 8 + i as u64 * 499 * 4).unwrap();
            assert!(ok);
            Ok(())
        })
        .unwrap();
        assert_eq!(v, vals[2..]);
        // initialised slots
        let mut buf = vec![f32::NAN; 10];
        assert!(Seq::new(&mut buf[..]).read_raw(10, &file, 40).unwrap());
        assert_eq!(buf, vals[10..20]);
        // more slots than remain: nothing read
        assert!(!Seq::new(&mut buf[..]).read_raw(11, &file, 0).unwrap());
        // past the end of the file: an error, for fresh and initialised slots alike
        let past = fresh::<f32>(10, 10, |_, s| {
            s.read_raw(10, &file, 3990).map_err(|e| IoError::invalid("read", e, "short"))?;
            Ok(())
        });
        assert!(matches!(past, Err(IoError::InvalidParameter { .. })), "{past:?}");
        assert!(Seq::new(&mut buf[..]).read_raw(10, &file, 3990).is_err());
        std::fs::remove_file(&path).ok();
    }

    #[test]
    fn fresh_vectors_are_fully_written_whatever_the_writer_does() {
        // exact writes
        let v = fresh::<f32>(12, 4, |i, s| {
            s.extend((0..3).map(|k| (i * 10 + k) as f32));
            s.zeros(1);
            Ok(())
        })
        .unwrap();
        assert_eq!(v, [0., 1., 2., 0., 10., 11., 12., 0., 20., 21., 22., 0.]);
        // short writes are zero-filled and reported; overlong writes are cut and reported
        let short = fresh::<f64>(8, 4, |_, s| {
            s.extend([1.0, 2.0].into_iter());
            Ok(())
        });
        assert!(matches!(short, Err(IoError::ShapeMismatch { .. })));
        let long = fresh::<f64>(8, 4, |_, s| {
            s.extend([1.0; 5].into_iter());
            Ok(())
        });
        assert!(matches!(long, Err(IoError::ShapeMismatch { .. })));
        // an error of the writer is returned
        let err = fresh::<f32>(8, 2, |i, s| {
            s.zeros(2);
            if i == 3 { Err(IoError::invalid("piece", i, "test")) } else { Ok(()) }
        });
        assert!(matches!(err, Err(IoError::InvalidParameter { .. })), "{err:?}");
        // one piece, and nothing at all
        assert_eq!(
            fresh::<f32>(3, 3, |_, s| {
                s.zeros(3);
                Ok(())
            })
            .unwrap(),
            [0.0; 3]
        );
        assert!(fresh::<f32>(0, 0, |_, _| Ok(())).unwrap().is_empty());
        // the same writer fills an initialised buffer
        let mut buf = [f32::NAN; 6];
        fill_pieces(&mut buf, 3, |i, s| {
            s.extend(std::iter::repeat_n(i as f32, 3));
            Ok(())
        })
        .unwrap();
        assert_eq!(buf, [0., 0., 0., 1., 1., 1.]);
    }

    /// An `ExactSizeIterator` that claims more items than it yields (allowed in safe code).
    struct Liar(usize);
    impl Iterator for Liar {
        type Item = f32;
        fn next(&mut self) -> Option<f32> {
            (self.0 > 0).then(|| {
                self.0 -= 1;
                7.0
            })
        }
    }
    impl ExactSizeIterator for Liar {
        fn len(&self) -> usize {
            self.0 + 2
        }
    }

    #[test]
    fn an_iterator_that_lies_about_its_length_is_an_error_not_uninitialised_memory() {
        let r = fresh::<f32>(5, 5, |_, s| {
            s.extend(Liar(3));
            Ok(())
        });
        assert!(matches!(r, Err(IoError::ShapeMismatch { .. })), "{r:?}");
        // and a caller's buffer is zero-filled behind the short write
        let mut buf = [f32::NAN; 5];
        let r = fill_pieces(&mut buf, 5, |_, s| {
            s.extend(Liar(3));
            Ok(())
        });
        assert!(r.is_err());
        assert_eq!(buf, [7.0, 7.0, 7.0, 0.0, 0.0]);
    }
}
