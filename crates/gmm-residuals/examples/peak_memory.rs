//! Peak-memory probe for the benchmark workload (run under `/usr/bin/time -v`): one million
//! site–scenario pairs (the Weyl-sequence contexts of `benches/gmm_residuals.rs`) evaluated with
//! BooreEtAl2014 for 8 IMTs or KothaEtAl2020 SA(1 s), either materialising every output
//! (`full`) or streaming through caller-owned buffers of 65 536 contexts (`chunked`).
//!
//! `cargo run --release -p gmm-residuals --example peak_memory -- boore full`

use gmm_residuals::Imt;
use gmm_residuals::gmpe::{BooreEtAl2014, Contexts, Gmpe, KothaEtAl2020, KothaVariant, PredictionsMut, RangePolicy};
use std::process::ExitCode;

const N: usize = 1_000_000;
const CHUNK: usize = 65_536;

fn weyl(i: usize, p: f64) -> f64 {
    let x = i as f64 * p.sqrt().fract() + 0.5;
    x - x.floor()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (model, mode) = (args.get(1).map_or("boore", |s| s.as_str()), args.get(2).map_or("full", |s| s.as_str()));
    let mag: Vec<f64> = (0..N).map(|i| 3.5 + 4.0 * weyl(i, 2.0)).collect();
    let rjb: Vec<f64> = (0..N).map(|i| 300.0 * weyl(i, 3.0)).collect();
    let vs30: Vec<f64> = (0..N).map(|i| 200.0 + 1300.0 * weyl(i, 5.0)).collect();
    let depth: Vec<f64> = (0..N).map(|i| 2.0 + 28.0 * weyl(i, 7.0)).collect();
    let rake: Vec<f64> = (0..N).map(|i| -180.0 + 360.0 * weyl(i, 11.0)).collect();
    let ctx = Contexts::new(&mag).with_rjb(&rjb).with_vs30(&vs30).with_hypo_depth(&depth).with_rake(&rake);
    let plan = match model {
        "kotha" => KothaEtAl2020::new(KothaVariant::Base).plan(&[Imt::Sa(1.0)]),
        _ => BooreEtAl2014::default().plan(&[
            Imt::Pga,
            Imt::Pgv,
            Imt::Sa(0.1),
            Imt::Sa(0.2),
            Imt::Sa(0.5),
            Imt::Sa(1.0),
            Imt::Sa(2.0),
            Imt::Sa(3.0),
        ]),
    };
    let plan = match plan {
        Ok(p) => p.with_range_policy(RangePolicy::Ignore),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let k = plan.imts().len();
    let t0 = std::time::Instant::now();
    let checksum = if mode == "chunked" {
        let (mut m, mut s, mut t, mut p) =
            (vec![0.0; k * CHUNK], vec![0.0; k * CHUNK], vec![0.0; k * CHUNK], vec![0.0; k * CHUNK]);
        let mut sum = 0.0;
        for start in (0..N).step_by(CHUNK) {
            let sub = ctx.slice(start..(start + CHUNK).min(N));
            let len = k * sub.len();
            let out =
                PredictionsMut { mean: &mut m[..len], sigma: &mut s[..len], tau: &mut t[..len], phi: &mut p[..len] };
            if let Err(e) = plan.predict_into(&sub, out) {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
            sum += m[..len].iter().sum::<f64>();
        }
        sum
    } else {
        match plan.predict(&ctx) {
            Ok(p) => p.mean.sum(),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    };
    println!("{model} {mode}: {:.3} s, checksum {checksum:.6e}", t0.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}
