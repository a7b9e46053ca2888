//! Output arrays written front to back, once.
//!
//! Waveform getters write each output element exactly once, in order, through a [`Seq`]
//! writer: samples, then row padding, then padding rows. The same code fills a caller's buffer
//! (`Seq<T, T>`) or a fresh array that was never zeroed (`Seq<T, MaybeUninit<T>>`, see
//! [`fresh`]). Zeroing a fresh 14 MB batch before overwriting it, plus the page traffic that
//! causes, cost about a fifth of a batch read, and it ran serially before the parallel reads.
//!
//! [`fresh`] holds the crate's only `unsafe` block: it marks the vector initialised after every
//! piece went through [`Seq::finish`], which writes (zeros) any slot the reader left unwritten,
//! so the guarantee does not depend on the readers being right.

use crate::IoError;
use crate::block::SampleType;

type Result<T, E = IoError> = std::result::Result<T, E>;
use rayon::prelude::*;
use std::marker::PhantomData;
use std::mem::MaybeUninit;

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
        // zip of two exactly-sized iterators: a counted loop the compiler vectorises
        rest[..n].iter_mut().zip(it).for_each(|(s, v)| s.put(v));
        self.pos += n;
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

    /// Let `read` fill the next `n` slots with raw bytes in native byte order (slots not
    /// initialised yet are zeroed first, so `read` only ever sees initialised memory). Returns `Ok(false)`, writing
    /// nothing, when fewer than `n` slots remain.
    #[allow(unsafe_code)]
    pub(crate) fn read_raw<E>(&mut self, n: usize, read: impl FnOnce(&mut [u8]) -> Result<(), E>) -> Result<bool, E> {
        const { assert!(std::mem::size_of::<S>() == std::mem::size_of::<T>()) };
        if n > self.slots.len() - self.pos {
            return Ok(false);
        }
        let slots = &mut self.slots[self.pos..self.pos + n];
        if !S::INIT {
            slots.iter_mut().for_each(|s| s.put(T::default()));
        }
        // SAFETY: `S` is `T` (`INIT`, initialised) or `MaybeUninit<T>` (just zeroed) — the only
        // `Slot` impls; same size, checked above — with `T` an `f32` or `f64` (`SampleType` is
        // sealed): every byte of `slots` is initialised, the types have no padding, any bytes
        // form a valid value, and `u8` has alignment 1. The byte slice borrows `slots` mutably for its life.
        let bytes =
            unsafe { std::slice::from_raw_parts_mut(slots.as_mut_ptr().cast::<u8>(), std::mem::size_of_val(slots)) };
        read(bytes)?;
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
}
