//! CPU time per window of the scatseisnet tutorial network (single thread unless argv[2] says
//! otherwise): `cargo run --release -p wavelet-scatter --example scatter_timing -- [windows] [threads]`.
//! Process CPU time (user + system from /proc/self/stat) is the figure to compare on a shared
//! machine; the wall time is printed as well.

use ndarray::Array3;
use std::time::Instant;
use wavelet_scatter::{LayerSpec, NetworkBuilder, Pooling};

fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name: utime and stime are fields 14 and 15.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = rest.split_whitespace().map(|v| v.parse().unwrap_or(0.0)).collect();
    if f.len() < 13 { f64::NAN } else { (f[11] + f[12]) / 100.0 }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let windows: usize = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(400);
    let threads: usize = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(1);
    let pooling = match args.get(3).map(String::as_str) {
        Some("mean") => Pooling::Mean,
        Some("max") => Pooling::Max,
        _ => Pooling::Median,
    };
    let mut s = 0x2545_F491_4F6C_DD1Du64;
    let x = Array3::from_shape_fn((windows, 1, 3000), |(_, _, i)| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
            + 3.0 * ((i as f64) * 0.6).sin() * (-(((i as f64) - 1500.0) / 200.0).powi(2)).exp()
    });
    let net = NetworkBuilder::new(3000, 50.0)
        .layer(LayerSpec::new(6, 4, 2.0))
        .layer(LayerSpec::new(6, 1, 2.0))
        .build::<f64>()
        .expect("network");
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
    pool.install(|| {
        let _ = net.transform(x.slice(ndarray::s![..4.min(windows), .., ..]), pooling);
        for _ in 0..3 {
            let (c0, t0) = (cpu_seconds(), Instant::now());
            let out = net.transform(x.view(), pooling).expect("transform");
            let (c1, t1) = (cpu_seconds(), t0.elapsed().as_secs_f64());
            let checksum: f64 = out.iter().map(|a| a.sum()).sum();
            println!(
                "{windows} windows, {threads} thread(s): CPU {:.3} ms/window, wall {:.3} ms/window, checksum {checksum:.12e}",
                (c1 - c0) * 1e3 / windows as f64,
                t1 * 1e3 / windows as f64
            );
        }
    });
}
