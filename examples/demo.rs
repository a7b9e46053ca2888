//! The main job on built-in synthetic data (placeholder until the scattering pipeline lands):
//! a synthetic continuous trace is segmented, detrended and tapered with seis-core.

use ndarray::Array1;
use seisml::seis_core::{Detrend, Segmenter, Taper, Trace, UtcTime};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sr = 50.0;
    let n = (3600.0 * sr) as usize;
    let x = Array1::from_iter((0..n).map(|i| (i as f64 * 0.37).sin() + 1e-4 * i as f64));
    let tr = Trace::from_id("XX.SYN..HHZ", x, sr, UtcTime::parse("2017-06-17T00:00:00Z")?)?;
    let seg = Segmenter::from_seconds(60.0, 0.5, sr)?;
    let (windows, times) = seg.segment_trace(&tr)?;
    let taper = Taper::Tukey { alpha: 0.1 };
    let mut energy = Vec::with_capacity(windows.nrows());
    for w in windows.rows() {
        let y = taper.apply(Detrend::Linear.apply(w)?.view())?;
        energy.push(y.mapv(|v| v * v).sum());
    }
    println!("{} windows of 60 s from {} to {}", windows.nrows(), times[0], times[times.len() - 1]);
    println!("mean window energy: {:.3}", energy.iter().sum::<f64>() / energy.len() as f64);
    Ok(())
}
