//! Peak-memory probe for the benchmark workload: one million site–scenario pairs (the
//! Weyl-sequence contexts of `benches/gmm_residuals.rs`) evaluated with BooreEtAl2014 for 8 IMTs
//! or KothaEtAl2020 SA(1 s), the way a user would call the library:
//!
//! - `full`: [`GmpePlan::predict`] materialises mean, σ, τ and φ (4 × n_imts × 10⁶ values);
//! - `mean-sigma`: [`GmpePlan::predict_mean_sigma`] (what hazard/scenario work needs);
//! - `mean`: [`GmpePlan::predict_mean`];
//! - `into`: [`GmpePlan::predict_into`] all four outputs into buffers reused across repeats;
//! - `stream`: [`GmpePlan::map_chunks`] reduces every chunk (here: sums of mean and σ, and the
//!   number of medians above 0.1 g per IMT) without any output array of size 10⁶.
//!
//! Only the context columns the model reads are built (Kotha: mag, hypo_depth, rjb; BSSA14: mag,
//! rake, vs30, rjb). Prints the elapsed time, a checksum and the process's peak RSS (VmHWM).
//!
//! `cargo run --release -p gmm-residuals --example peak_memory -- boore stream`
//!
//! [`GmpePlan::predict`]: gmm_residuals::gmpe::GmpePlan::predict
//! [`GmpePlan::predict_mean_sigma`]: gmm_residuals::gmpe::GmpePlan::predict_mean_sigma
//! [`GmpePlan::predict_mean`]: gmm_residuals::gmpe::GmpePlan::predict_mean
//! [`GmpePlan::map_chunks`]: gmm_residuals::gmpe::GmpePlan::map_chunks

use gmm_residuals::Imt;
use gmm_residuals::gmpe::{
    BooreEtAl2014, Contexts, Gmpe, GmpePlan, KothaEtAl2020, KothaVariant, PredictionsMut, RangePolicy,
};
use std::process::ExitCode;

const N: usize = 1_000_000;

fn weyl(i: usize, p: f64) -> f64 {
    let x = i as f64 * p.sqrt().fract() + 0.5;
    x - x.floor()
}

fn column(p: f64, lo: f64, width: f64) -> Vec<f64> {
    (0..N).map(|i| lo + width * weyl(i, p)).collect()
}

/// CPU time (user + system, s) of the whole process so far, from /proc/self/stat (all threads).
fn process_cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // fields after the parenthesised command name; utime and stime are fields 14 and 15
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0) // USER_HZ is 100 on Linux
}

/// Peak resident set size of this process (MB), from /proc/self/status.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Caller-owned output buffers reused across calls (`into` mode).
type Buffers = [Vec<f64>; 4];

fn run(plan: &GmpePlan, ctx: &Contexts<'_>, mode: &str, bufs: &mut Buffers) -> gmm_residuals::Result<f64> {
    let ln_a = 0.1f64.ln();
    Ok(match mode {
        "full" => {
            let p = plan.predict(ctx)?;
            p.mean.sum() + p.sigma.view().sum()
        }
        "mean-sigma" => {
            let (m, s) = plan.predict_mean_sigma(ctx)?;
            m.sum() + s.view().sum()
        }
        "mean" => plan.predict_mean(ctx)?.sum(),
        "into" => {
            let len = plan.imts().len() * ctx.len();
            for b in bufs.iter_mut() {
                b.resize(len, 0.0);
            }
            let [m, s, t, p] = bufs;
            plan.predict_into(ctx, PredictionsMut::all(m, s, t, p))?;
            m.iter().sum::<f64>() + s.iter().sum::<f64>()
        }
        "stream" => {
            let k = plan.imts().len();
            let per_chunk = plan.map_chunks(ctx, |_, c| {
                let (mut sum, mut exceed) = (0.0, vec![0usize; k]);
                for (m, e) in exceed.iter_mut().enumerate() {
                    sum += c.mean(m).iter().sum::<f64>() + c.sigma(m).iter().sum::<f64>();
                    *e = c.mean(m).iter().filter(|&&mu| mu > ln_a).count();
                }
                (sum, exceed)
            })?;
            let mut exceed = vec![0usize; k];
            for (_, e) in &per_chunk {
                exceed.iter_mut().zip(e).for_each(|(a, b)| *a += b);
            }
            let frac: Vec<String> = exceed.iter().map(|&e| format!("{:.4}", e as f64 / N as f64)).collect();
            println!("fraction of medians above 0.1 g per IMT: {}", frac.join(" "));
            per_chunk.iter().map(|(s, _)| s).sum()
        }
        other => {
            return Err(gmm_residuals::ResidualsError::invalid(
                "mode",
                other,
                "full | mean-sigma | mean | into | stream",
            ));
        }
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (model, mode) = (args.get(1).map_or("boore", |s| s.as_str()), args.get(2).map_or("full", |s| s.as_str()));
    let mag = column(2.0, 3.5, 4.0);
    let rjb = column(3.0, 0.0, 300.0);
    let (vs30, depth, rake);
    let (plan, ctx) = if model == "kotha" {
        depth = column(7.0, 2.0, 28.0);
        let ctx = Contexts::new(&mag).with_rjb(&rjb).with_hypo_depth(&depth);
        (KothaEtAl2020::new(KothaVariant::Base).plan(&[Imt::Sa(1.0)]), ctx)
    } else {
        vs30 = column(5.0, 200.0, 1300.0);
        rake = column(11.0, -180.0, 360.0);
        let ctx = Contexts::new(&mag).with_rjb(&rjb).with_vs30(&vs30).with_rake(&rake);
        let imts =
            [Imt::Pga, Imt::Pgv, Imt::Sa(0.1), Imt::Sa(0.2), Imt::Sa(0.5), Imt::Sa(1.0), Imt::Sa(2.0), Imt::Sa(3.0)];
        (BooreEtAl2014::default().plan(&imts), ctx)
    };
    let repeats: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1).max(1);
    let plan = match plan {
        Ok(p) => p.with_range_policy(RangePolicy::Ignore),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let (mut times, mut checksum) = (Vec::with_capacity(repeats), 0.0);
    let mut bufs: Buffers = Default::default();
    let cpu0 = process_cpu_s();
    for _ in 0..repeats {
        let t0 = std::time::Instant::now();
        checksum = match run(&plan, &ctx, mode, &mut bufs) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        times.push(t0.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let cpu = match (cpu0, process_cpu_s()) {
        (Some(a), Some(b)) => format!("{:.4} s", (b - a) / repeats as f64),
        _ => "unknown".into(),
    };
    let rss = peak_rss_mb().map_or("unknown".to_string(), |r| format!("{r:.0} MB"));
    println!(
        "{model} {mode}: median {:.4} s wall, {cpu} CPU per call ({repeats} calls), checksum {checksum:.9e}, peak RSS {rss}",
        times[repeats / 2]
    );
    ExitCode::SUCCESS
}
