//! GMPE evaluation speed on one million site–scenario pairs (issue 6): KothaEtAl2020 SA(1 s) and
//! BooreEtAl2014 with 8 IMTs. Inputs come from a counter-based Weyl sequence that
//! `xtask/golden/gmm-residuals/bench_ref.py` reproduces exactly, so hazardlib is timed on
//! identical contexts. Three ways a user calls the plan, each against hazardlib's `gsim.compute`:
//!
//! - `<case>` (the call a user makes, reported first): [`GmpePlan::predict`] returns mean, σ, τ, φ
//!   (σ, τ, φ of homoskedastic Kotha stored once per IMT, BSSA14's allocated in full) vs
//!   `compute` into freshly allocated arrays, i.e. `get_mean_stds`;
//! - `<case>_into`: [`GmpePlan::predict_into`] reusing caller buffers (vs `compute` into
//!   preallocated arrays, hazardlib's own calling convention);
//! - `<case>_stream`: [`GmpePlan::map_chunks`] reducing every chunk (sum of mean and σ) without
//!   any output array of size 10⁶ (hazardlib has no streaming mode: same reference as `<case>`).
//!
//! Validation of every input is included in all timings.

use criterion::{Criterion, criterion_group, criterion_main};
use gmm_residuals::Imt;
use gmm_residuals::gmpe::{
    BooreEtAl2014, Contexts, Gmpe, GmpePlan, KothaEtAl2020, KothaVariant, PredictionsMut, RangePolicy,
};
use std::hint::black_box;
use std::time::Duration;

const N: usize = 1_000_000;

/// frac(i·α + ½) for the fractional part α of √p: a deterministic, reproducible uniform stream.
fn weyl(i: usize, p: f64) -> f64 {
    let a = p.sqrt().fract();
    let x = i as f64 * a + 0.5;
    x - x.floor()
}

fn column(p: f64, lo: f64, width: f64) -> Vec<f64> {
    (0..N).map(|i| lo + width * weyl(i, p)).collect()
}

fn cases(c: &mut Criterion, group_name: &str, ctx: &Contexts<'_>, case: &str, plan: &GmpePlan) {
    let mut group = c.benchmark_group(group_name);
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    group.bench_function(case, |b| b.iter(|| plan.predict(ctx).unwrap()));
    let len = plan.imts().len() * ctx.len();
    let (mut m, mut s, mut t, mut p) = (vec![0.0; len], vec![0.0; len], vec![0.0; len], vec![0.0; len]);
    group.bench_function(format!("{case}_into"), |b| {
        b.iter(|| plan.predict_into(ctx, PredictionsMut::all(&mut m, &mut s, &mut t, &mut p)).unwrap())
    });
    let k = plan.imts().len();
    group.bench_function(format!("{case}_stream"), |b| {
        b.iter(|| {
            let parts = plan
                .map_chunks(ctx, |_, c| (0..k).map(|j| c.mean(j).iter().chain(c.sigma(j)).sum::<f64>()).sum::<f64>())
                .unwrap();
            black_box(parts.iter().sum::<f64>())
        })
    });
    group.finish();
}

fn bench(c: &mut Criterion) {
    let mag = column(2.0, 3.5, 4.0);
    let rjb = column(3.0, 0.0, 300.0);
    let vs30 = column(5.0, 200.0, 1300.0);
    let depth = column(7.0, 2.0, 28.0);
    let rake = column(11.0, -180.0, 360.0);
    // each model gets the columns it reads, as a user would pass them
    let kotha_ctx = Contexts::new(&mag).with_rjb(&rjb).with_hypo_depth(&depth);
    let kotha =
        KothaEtAl2020::new(KothaVariant::Base).plan(&[Imt::Sa(1.0)]).unwrap().with_range_policy(RangePolicy::Ignore);
    cases(c, "gmm_residuals", &kotha_ctx, "kotha2020_sa1_1m", &kotha);
    let boore_ctx = Contexts::new(&mag).with_rjb(&rjb).with_vs30(&vs30).with_rake(&rake);
    let imts = [Imt::Pga, Imt::Pgv, Imt::Sa(0.1), Imt::Sa(0.2), Imt::Sa(0.5), Imt::Sa(1.0), Imt::Sa(2.0), Imt::Sa(3.0)];
    let boore = BooreEtAl2014::default().plan(&imts).unwrap().with_range_policy(RangePolicy::Ignore);
    cases(c, "gmm_residuals", &boore_ctx, "boore2014_8im_1m", &boore);
}

criterion_group!(benches, bench);
criterion_main!(benches);
