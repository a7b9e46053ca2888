//! The hvsr bench record, shared by `benches/hvsr.rs` and `crates/hvsr/examples/hvsr_timing.rs`
//! (`#[path]` module, std only): one hour of 3-component noise at 100 Hz from the LCG +
//! resonator recurrences of `xtask/golden/hvsr/bench_data.py`, quantised to integer counts.

pub const FS: f64 = 100.0;
pub const N: usize = 360_001;
/// Counts per unit of the generated noise (bench_data.py `SCALE`).
pub const SCALE: f64 = 1e5;

fn lcg_noise(seed: u64, n: usize) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        })
        .collect()
}

fn resonate(x: &[f64]) -> Vec<f64> {
    let r = 0.995f64;
    let c1 = 2.0 * r * (2.0 * std::f64::consts::PI * 2.0 / FS).cos();
    let c2 = r * r;
    let (mut y1, mut y2) = (0.0, 0.0);
    x.iter()
        .map(|&v| {
            let y0 = v + c1 * y1 - c2 * y2;
            y2 = y1;
            y1 = y0;
            y0
        })
        .collect()
}

/// NS, EW, Z in integer counts (floor(x·SCALE + 0.5), as bench_data.py).
pub fn channels() -> [Vec<f64>; 3] {
    let h = |a: u64, b: u64| {
        let r = resonate(&lcg_noise(a, N));
        let w = lcg_noise(b, N);
        r.iter().zip(&w).map(|(r, w)| 0.05 * r + 0.5 * w).collect::<Vec<_>>()
    };
    let q = |v: Vec<f64>| v.into_iter().map(|x| (x * SCALE + 0.5).floor()).collect::<Vec<_>>();
    [q(h(1, 2)), q(h(3, 4)), q(lcg_noise(5, N).iter().map(|v| 0.5 * v).collect())]
}
