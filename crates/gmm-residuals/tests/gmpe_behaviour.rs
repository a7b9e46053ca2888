//! Typed errors on bad input, range policies, chunked evaluation and invariants of the GMPE plans.

use gmm_residuals::gmpe::{Contexts, PredictionsMut, RangePolicy, model_by_name};
use gmm_residuals::{Imt, ResidualsError};
use proptest::prelude::*;

const ALL: [&str; 9] = [
    "AkkarBommer2010",
    "BindiEtAl2011",
    "KothaEtAl2020",
    "KothaEtAl2020Site",
    "KothaEtAl2020ESHM20",
    "BooreEtAl2014",
    "CauzziEtAl2014",
    "LanzanoEtAl2019_RJB_OMO",
    "LanzanoEtAl2019_RUP_OMO",
];

#[test]
fn bad_inputs_are_typed_errors() {
    let plan = model_by_name("BooreEtAl2014").unwrap().plan(&[Imt::Pga]).unwrap();
    let (mag, rake, vs30) = ([6.0, 5.0], [0.0, 90.0], [760.0, 400.0]);
    // missing column
    let ctx = Contexts::new(&mag).with_rake(&rake).with_vs30(&vs30);
    assert!(matches!(plan.predict(&ctx), Err(ResidualsError::MissingInput { input: "rjb", .. })));
    // NaN distance names record and column
    let rjb = [10.0, f64::NAN];
    let e = plan.predict(&ctx.with_rjb(&rjb)).unwrap_err();
    assert!(matches!(&e, ResidualsError::InvalidInput { record: 1, column, .. } if column == "rjb"), "{e}");
    // Vs30 ≤ 0
    let bad_vs = [760.0, 0.0];
    let rjb = [10.0, 20.0];
    let e = plan.predict(&Contexts::new(&mag).with_rake(&rake).with_vs30(&bad_vs).with_rjb(&rjb)).unwrap_err();
    assert!(matches!(&e, ResidualsError::InvalidInput { record: 1, column, .. } if column == "vs30"), "{e}");
    // mismatched lengths
    let short = [10.0];
    assert!(matches!(
        plan.predict(&Contexts::new(&mag).with_rake(&rake).with_vs30(&vs30).with_rjb(&short)),
        Err(ResidualsError::ShapeMismatch { .. })
    ));
    // empty contexts
    assert!(plan.predict(&Contexts::new(&[])).is_err());
    // period outside the table: never extrapolated
    for (name, imt) in
        [("BindiEtAl2011", Imt::Sa(0.02)), ("AkkarBommer2010", Imt::Sa(5.0)), ("KothaEtAl2020", Imt::Sa(9.0))]
    {
        let e = model_by_name(name).unwrap().plan(&[imt]).unwrap_err();
        assert!(matches!(e, ResidualsError::UnsupportedImt { .. }), "{e}");
    }
    assert!(model_by_name("NoSuchModel").is_err());
    assert!(Imt::parse("SA(-1)").is_err());
    assert_eq!(Imt::parse("sa(0.2)").unwrap(), Imt::Sa(0.2));
    // ESHM20 region outside 0…5
    let depth = [5.0, 5.0];
    let meas = [true, false];
    let region = [0u8, 7];
    let e = model_by_name("KothaEtAl2020ESHM20")
        .unwrap()
        .plan(&[Imt::Pga])
        .unwrap()
        .predict(
            &Contexts::new(&mag)
                .with_hypo_depth(&depth)
                .with_vs30(&vs30)
                .with_vs30measured(&meas)
                .with_region(&region)
                .with_rjb(&rjb),
        )
        .unwrap_err();
    assert!(matches!(&e, ResidualsError::InvalidInput { record: 1, .. }), "{e}");
}

#[test]
fn range_policy_flags_or_errors() {
    let (mag, rake, vs30, rjb) = ([6.0, 8.0], [0.0, 0.0], [760.0, 760.0], [10.0, 20.0]);
    let ctx = Contexts::new(&mag).with_rake(&rake).with_vs30(&vs30).with_rjb(&rjb);
    let m = model_by_name("AkkarBommer2010").unwrap();
    let p = m.plan(&[Imt::Pga]).unwrap().predict(&ctx).unwrap();
    assert_eq!(p.out_of_range, vec![false, true]);
    let e = m.plan(&[Imt::Pga]).unwrap().with_range_policy(RangePolicy::Error).predict(&ctx).unwrap_err();
    assert!(matches!(e, ResidualsError::OutOfRange { record: 1, column: "mag", .. }), "{e}");
}

/// Inputs are validated chunk by chunk inside the parallel evaluation: errors still name the
/// global record, the first bad chunk wins, and every entry point reports them.
#[test]
fn errors_in_later_chunks_name_the_global_record() {
    let n = 20_000;
    let (mag, mut rjb, _, _, vs30, rake) = contexts(n);
    rjb[17_001] = f64::INFINITY;
    rjb[9_000] = -1.0;
    let ctx = Contexts::new(&mag).with_rjb(&rjb).with_vs30(&vs30).with_rake(&rake);
    let plan = model_by_name("BooreEtAl2014").unwrap().plan(&[Imt::Pga, Imt::Pgv]).unwrap();
    let is_9000 =
        |e: &ResidualsError| matches!(e, ResidualsError::InvalidInput { record: 9_000, column, .. } if column == "rjb");
    let e = plan.predict(&ctx).unwrap_err();
    assert!(is_9000(&e), "{e}");
    assert!(is_9000(&plan.predict_mean(&ctx).unwrap_err()));
    assert!(is_9000(&plan.predict_mean_sigma(&ctx).unwrap_err()));
    assert!(is_9000(&plan.map_chunks(&ctx, |_, _| ()).unwrap_err()));
    let mut buf = vec![0.0; 2 * n];
    assert!(is_9000(&plan.predict_into(&ctx, PredictionsMut::mean(&mut buf)).unwrap_err()));
    rjb[9_000] = 1.0;
    let e = plan.predict(&Contexts::new(&mag).with_rjb(&rjb).with_vs30(&vs30).with_rake(&rake)).unwrap_err();
    assert!(matches!(&e, ResidualsError::InvalidInput { record: 17_001, .. }), "{e}");
    // range policy Error: first out-of-range record of the first chunk holding one
    rjb[17_001] = 1.0;
    let mut mag = mag;
    mag[12_345] = 9.0;
    let ctx = Contexts::new(&mag).with_rjb(&rjb).with_vs30(&vs30).with_rake(&rake);
    let e = model_by_name("BooreEtAl2014")
        .unwrap()
        .plan(&[Imt::Pga])
        .unwrap()
        .with_range_policy(RangePolicy::Error)
        .predict(&ctx)
        .unwrap_err();
    assert!(matches!(e, ResidualsError::OutOfRange { record: 12_345, column: "mag", .. }), "{e}");
}

type Columns = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>);

fn contexts(n: usize) -> Columns {
    let f = |i: usize, a: f64| ((i as f64 * a).fract() + 0.5).fract();
    let mag = (0..n).map(|i| 3.5 + 4.0 * f(i, 0.414)).collect();
    let rjb: Vec<f64> = (0..n).map(|i| 300.0 * f(i, 0.732)).collect();
    let depth: Vec<f64> = (0..n).map(|i| 2.0 + 28.0 * f(i, 0.236)).collect();
    let rrup = rjb.iter().zip(&depth).map(|(r, d)| (r * r + d * d).sqrt()).collect();
    let vs30 = (0..n).map(|i| 150.0 + 1400.0 * f(i, 0.645)).collect();
    let rake = (0..n).map(|i| -180.0 + 360.0 * f(i, 0.317)).collect();
    (mag, rjb, rrup, depth, vs30, rake)
}

#[test]
fn chunked_and_single_thread_results_are_identical() {
    let n = 10_000;
    let (mag, rjb, rrup, depth, vs30, rake) = contexts(n);
    let meas = vec![true; n];
    let region = vec![2u8; n];
    let ctx = Contexts::new(&mag)
        .with_rjb(&rjb)
        .with_rrup(&rrup)
        .with_hypo_depth(&depth)
        .with_vs30(&vs30)
        .with_rake(&rake)
        .with_vs30measured(&meas)
        .with_region(&region);
    let imts = [Imt::Pga, Imt::Sa(0.3)];
    for name in ALL {
        let plan = model_by_name(name).unwrap().plan(&imts).unwrap();
        let full = plan.predict(&ctx).unwrap();
        let one =
            rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(|| plan.predict(&ctx).unwrap());
        assert_eq!(full.mean, one.mean, "{name}");
        // bounded-memory evaluation in chunks of 3000 into caller buffers
        let mut mean = vec![0.0; 2 * 3000];
        let (mut s, mut t, mut p) = (vec![0.0; 6000], vec![0.0; 6000], vec![0.0; 6000]);
        let sub = ctx.slice(3000..6000);
        plan.predict_into(&sub, PredictionsMut::all(&mut mean, &mut s, &mut t, &mut p)).unwrap();
        assert_eq!(&mean[..3000], &full.mean.row(0).as_slice().unwrap()[3000..6000], "{name}");
        assert_eq!(&mean[3000..], &full.mean.row(1).as_slice().unwrap()[3000..6000], "{name}");
        assert_eq!(&p[3000..], &full.phi.row(1).to_vec()[3000..6000], "{name}");
        // mean only / mean and σ: identical numbers, less memory
        mean.fill(0.0);
        plan.predict_into(&sub, PredictionsMut::mean(&mut mean)).unwrap();
        assert_eq!(&mean[3000..], &full.mean.row(1).as_slice().unwrap()[3000..6000], "{name}");
        assert_eq!(plan.predict_mean(&ctx).unwrap(), full.mean, "{name}");
        let (m, s) = plan.predict_mean_sigma(&ctx).unwrap();
        assert_eq!((m, s), (full.mean.clone(), full.sigma.clone()), "{name}");
        // streaming: every chunk equals the materialised predictions, in order, with its flags
        let pieces = plan
            .map_chunks(&ctx, |sub, c| {
                assert_eq!(sub.len(), c.len());
                let r = c.start..c.start + c.len();
                for k in 0..2 {
                    assert_eq!(c.mean(k), &full.mean.row(k).as_slice().unwrap()[r.clone()]);
                    assert_eq!(c.sigma(k), &full.sigma.row(k).to_vec()[r.clone()]);
                    assert_eq!(c.tau(k), &full.tau.row(k).to_vec()[r.clone()]);
                    assert_eq!(c.phi(k), &full.phi.row(k).to_vec()[r.clone()]);
                }
                assert_eq!(c.out_of_range, &full.out_of_range[r.clone()]);
                (c.start, c.len())
            })
            .unwrap();
        assert_eq!(pieces.iter().map(|p| p.1).sum::<usize>(), n, "{name}");
        assert!(pieces.windows(2).all(|w| w[0].0 + w[0].1 == w[1].0), "{name}: chunks in order");
        // a wrong buffer length is a typed error, not a panic
        let mut short = vec![0.0; 10];
        assert!(plan.predict_into(&sub, PredictionsMut::mean_sigma(&mut mean, &mut short)).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn predictions_are_finite_and_sigma_consistent(
        mag in 3.0f64..8.5, rjb in 0.0f64..400.0, depth in 0.0f64..40.0, vs30 in 100.0f64..2500.0,
        rake in -180.0f64..180.0, t in 0.05f64..2.9, region in 0u8..6, meas in any::<bool>(),
    ) {
        let rrup = (rjb * rjb + depth * depth).sqrt();
        let (m, r, rr, d, v, rk, me, re) = ([mag], [rjb], [rrup], [depth], [vs30], [rake], [meas], [region]);
        let ctx = Contexts::new(&m).with_rjb(&r).with_rrup(&rr).with_hypo_depth(&d).with_vs30(&v).with_rake(&rk)
            .with_vs30measured(&me).with_region(&re);
        for name in ALL {
            let model = model_by_name(name).unwrap();
            let (lo, _) = model.info().sa_periods;
            let imts = [Imt::Pga, Imt::Pgv, Imt::Sa(t.max(lo))];
            let p = model.plan(&imts).unwrap().predict(&ctx).unwrap();
            for (k, imt) in imts.iter().enumerate() {
                prop_assert!(p.mean[[k, 0]].is_finite(), "{} {:?}", name, imt);
                let (s, ta, ph) = (p.sigma[[k, 0]], p.tau[[k, 0]], p.phi[[k, 0]]);
                prop_assert!(s > 0.0 && ta > 0.0 && ph > 0.0);
                // σ² = τ² + φ² up to the rounding of the published σ columns
                prop_assert!((s * s - ta * ta - ph * ph).abs() < 1e-2 * s * s, "{} σ {} τ {} φ {}", name, s, ta, ph);
            }
        }
    }
}

/// σ, τ, φ of homoskedastic models are stored once per IMT (hazardlib: they do not depend on the
/// context) and read back as full (n_imts, n_contexts) arrays; the heteroskedastic models
/// (BSSA14: τ(M), φ(M, Rjb, Vs30); Kotha ESHM20: τ(M), φ0(M)) store every value.
#[test]
fn homoskedastic_stds_are_stored_once_per_imt() {
    let n = 50;
    let mag: Vec<f64> = (0..n).map(|i| 3.6 + 0.08 * i as f64).collect();
    let rjb: Vec<f64> = (0..n).map(|i| 2.0 + 5.0 * i as f64).collect();
    let (vs30, depth, rake) = (vec![220.0; n], vec![12.0; n], vec![-90.0; n]);
    let (meas, region) = (vec![true; n], vec![1u8; n]);
    let ctx = Contexts::new(&mag)
        .with_rjb(&rjb)
        .with_rrup(&rjb)
        .with_vs30(&vs30)
        .with_hypo_depth(&depth)
        .with_rake(&rake)
        .with_vs30measured(&meas)
        .with_region(&region);
    let imts = [Imt::Pga, Imt::Pgv, Imt::Sa(1.0)];
    for name in ALL {
        let plan = model_by_name(name).unwrap().plan(&imts).unwrap().with_range_policy(RangePolicy::Ignore);
        let p = plan.predict(&ctx).unwrap();
        let hetero = matches!(name, "BooreEtAl2014" | "KothaEtAl2020ESHM20");
        for s in [&p.sigma, &p.tau, &p.phi] {
            assert_eq!(s.is_homoskedastic(), !hetero, "{name}");
            assert_eq!(s.per_imt().is_some(), !hetero, "{name}");
            assert_eq!(s.dim(), (3, n), "{name}");
            assert_eq!(s.view().dim(), (3, n), "{name}");
            assert_eq!(s.get(2, n), None, "{name}");
            assert_eq!(s.get(3, 0), None, "{name}");
            let full = s.to_array();
            for m in 0..3 {
                assert_eq!(s.row(m), full.row(m), "{name}");
                for i in [0, n / 2, n - 1] {
                    assert_eq!(s[[m, i]], full[[m, i]], "{name}");
                    assert_eq!(s.get(m, i), Some(full[[m, i]]), "{name}");
                }
            }
        }
        // σ² = τ² + φ² (to the rounding of the published σ columns of AB2010 and Bindi 2011)
        let (s, t, f) = (p.sigma.view(), p.tau.view(), p.phi.view());
        for ((s, t), f) in s.iter().zip(t.iter()).zip(f.iter()) {
            assert!((s - (t * t + f * f).sqrt()).abs() < 5e-3 * s, "{name}: σ {s}, τ {t}, φ {f}");
        }
        if hetero {
            assert!(p.tau.row(0).iter().any(|&t| t != p.tau[[0, 0]]), "{name}: τ(M) varies");
        }
    }
}

#[test]
#[should_panic(expected = "out of bounds")]
fn std_dev_index_checks_the_context() {
    let (mag, depth, rjb) = ([6.0], [8.0], [10.0]);
    let p = model_by_name("KothaEtAl2020")
        .unwrap()
        .plan(&[Imt::Pga])
        .unwrap()
        .predict(&Contexts::new(&mag).with_hypo_depth(&depth).with_rjb(&rjb))
        .unwrap();
    let _ = p.sigma[[0, 1]];
}
