//! Rough timings in the test profile (run with `--ignored --nocapture`); the criterion bench
//! `benches/wavelet_scatter_kymatio.rs` is the reference measurement.

use ndarray::{Array1, Array2};
use std::time::Instant;
use wavelet_scatter::kymatio::Scattering1DParams;
use wavelet_scatter::tf::SuperletParams;

fn noise(n: usize) -> Array1<f64> {
    let mut s = 0x2545F4914F6CDD1Du64;
    Array1::from_shape_fn(n, |_| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    })
}

#[test]
#[ignore]
fn time_kymatio_day_and_superlet_hour() {
    let day = noise(1440 * 3000);
    let windows = Array2::from_shape_vec((1440, 3000), day.to_vec()).unwrap();
    let plan = Scattering1DParams::new(8).q(&[8, 1]).plan(3000).unwrap();
    for _ in 0..2 {
        let t = Instant::now();
        let s = plan.transform(windows.view().into_dyn()).unwrap();
        eprintln!("kymatio day J=8 Q=(8,1): {:.3} s, shape {:?}", t.elapsed().as_secs_f64(), s.shape());
    }
    let hour = noise(360_000);
    let freqs: Vec<f64> = (0..48).map(|k| (40f64.ln() * k as f64 / 47.0).exp()).collect();
    let t = Instant::now();
    let sl = SuperletParams::new(100.0, &freqs, 8).adaptive().plan(hour.len()).unwrap();
    eprintln!("superlet plan: {:.3} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let img = sl.transform(hour.view()).unwrap();
    eprintln!("superlet adaptive 1 h 100 Hz: {:.3} s, shape {:?}", t.elapsed().as_secs_f64(), img.shape());
}
