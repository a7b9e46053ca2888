//! Segmentation of long records into windows of a given length and stride, with start times.

use crate::{CoreError, Result, Trace, UtcTime};
use ndarray::{Array2, ArrayView1};

/// Window layout over a record: length and stride in samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segmenter {
    len: usize,
    stride: usize,
}

impl Segmenter {
    /// Windows of `len` samples every `stride` samples (both > 0).
    pub fn new(len: usize, stride: usize) -> Result<Self> {
        if len == 0 {
            return Err(CoreError::invalid("window_len", len, "must be > 0 samples"));
        }
        if stride == 0 {
            return Err(CoreError::invalid("stride", stride, "must be > 0 samples"));
        }
        Ok(Self { len, stride })
    }

    /// From a window duration in seconds and an overlap fraction in [0, 1), at `sampling_rate`.
    /// The window has `round(duration * sampling_rate)` samples.
    pub fn from_seconds(duration: f64, overlap: f64, sampling_rate: f64) -> Result<Self> {
        crate::validate::check_sampling_rate(sampling_rate)?;
        crate::validate::check_positive("window duration", duration)?;
        if !(0.0..1.0).contains(&overlap) {
            return Err(CoreError::invalid("overlap", overlap, "must lie in [0, 1)"));
        }
        let len = (duration * sampling_rate).round() as usize;
        let stride = ((len as f64) * (1.0 - overlap)).round().max(1.0) as usize;
        Self::new(len, stride)
    }

    /// Window length in samples.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Never true.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Stride in samples.
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// Number of whole windows in `n` samples (0 if the window is longer).
    pub fn count(&self, n: usize) -> usize {
        if n < self.len { 0 } else { (n - self.len) / self.stride + 1 }
    }

    /// Start sample of every whole window in `n` samples; errors if the window is longer than the data.
    pub fn starts(&self, n: usize) -> Result<Vec<usize>> {
        if n < self.len {
            return Err(CoreError::WindowTooLong { what: "segmentation", window: self.len, len: n });
        }
        Ok((0..self.count(n)).map(|i| i * self.stride).collect())
    }

    /// Copy the windows of `x` into a (windows × len) array.
    pub fn segment(&self, x: ArrayView1<f64>) -> Result<Array2<f64>> {
        crate::validate::check_finite("segmentation input", x.iter())?;
        let starts = self.starts(x.len())?;
        let mut out = Array2::zeros((starts.len(), self.len));
        for (mut row, &s) in out.rows_mut().into_iter().zip(&starts) {
            row.assign(&x.slice(ndarray::s![s..s + self.len]));
        }
        Ok(out)
    }

    /// Windows of a trace with the UTC time of each window's first sample.
    pub fn segment_trace(&self, trace: &Trace) -> Result<(Array2<f64>, Vec<UtcTime>)> {
        let w = self.segment(trace.data())?;
        let times = self.starts(trace.len())?.into_iter().map(|s| trace.time_of(s)).collect();
        Ok((w, times))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array1;

    #[test]
    fn counts_and_errors() {
        let s = Segmenter::new(4, 2).unwrap();
        assert_eq!(s.starts(10).unwrap(), vec![0, 2, 4, 6]);
        let x = Array1::from_iter((0..10).map(|v| v as f64));
        let w = s.segment(x.view()).unwrap();
        assert_eq!(w.row(3).to_vec(), vec![6., 7., 8., 9.]);
        assert!(matches!(s.starts(3), Err(CoreError::WindowTooLong { .. })));
        assert!(Segmenter::new(0, 1).is_err());
        assert!(Segmenter::from_seconds(60.0, 1.0, 100.0).is_err());
        assert_eq!(Segmenter::from_seconds(60.0, 0.5, 100.0).unwrap().stride(), 3000);
    }
}
