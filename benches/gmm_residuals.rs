//! GMPE evaluation speed on one million site–scenario pairs (issue 6): KothaEtAl2020 SA(1 s) and
//! BooreEtAl2014 with 8 IMTs. Inputs come from a counter-based Weyl sequence that
//! `xtask/golden/gmm-residuals/bench_ref.py` reproduces exactly, so hazardlib is timed on
//! identical contexts. The timed call is the whole `predict` (validation + all outputs).

use criterion::{Criterion, criterion_group, criterion_main};
use gmm_residuals::Imt;
use gmm_residuals::gmpe::{BooreEtAl2014, Contexts, Gmpe, KothaEtAl2020, KothaVariant, RangePolicy};
use std::time::Duration;

const N: usize = 1_000_000;

/// frac(i·α + ½) for the fractional part α of √p: a deterministic, reproducible uniform stream.
fn weyl(i: usize, p: f64) -> f64 {
    let a = p.sqrt().fract();
    let x = i as f64 * a + 0.5;
    x - x.floor()
}

struct Inputs {
    mag: Vec<f64>,
    rjb: Vec<f64>,
    vs30: Vec<f64>,
    depth: Vec<f64>,
    rake: Vec<f64>,
}

fn inputs() -> Inputs {
    Inputs {
        mag: (0..N).map(|i| 3.5 + 4.0 * weyl(i, 2.0)).collect(),
        rjb: (0..N).map(|i| 300.0 * weyl(i, 3.0)).collect(),
        vs30: (0..N).map(|i| 200.0 + 1300.0 * weyl(i, 5.0)).collect(),
        depth: (0..N).map(|i| 2.0 + 28.0 * weyl(i, 7.0)).collect(),
        rake: (0..N).map(|i| -180.0 + 360.0 * weyl(i, 11.0)).collect(),
    }
}

fn bench(c: &mut Criterion) {
    let x = inputs();
    let ctx = Contexts::new(&x.mag).with_rjb(&x.rjb).with_vs30(&x.vs30).with_hypo_depth(&x.depth).with_rake(&x.rake);
    let mut group = c.benchmark_group("gmm_residuals");
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    let kotha =
        KothaEtAl2020::new(KothaVariant::Base).plan(&[Imt::Sa(1.0)]).unwrap().with_range_policy(RangePolicy::Ignore);
    group.bench_function("kotha2020_sa1_1m", |b| b.iter(|| kotha.predict(&ctx).unwrap()));
    let imts = [Imt::Pga, Imt::Pgv, Imt::Sa(0.1), Imt::Sa(0.2), Imt::Sa(0.5), Imt::Sa(1.0), Imt::Sa(2.0), Imt::Sa(3.0)];
    let boore = BooreEtAl2014::default().plan(&imts).unwrap().with_range_policy(RangePolicy::Ignore);
    group.bench_function("boore2014_8im_1m", |b| b.iter(|| boore.predict(&ctx).unwrap()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
