//! Every model against OpenQuake hazardlib 3.26.2 on a seeded grid (golden from
//! `xtask/golden/gmm-residuals/gen_gmpe_grid.py`). Bar: relative 1e-10 (plus 1e-12 absolute for
//! means that cross zero).

use gmm_residuals::Imt;
use gmm_residuals::gmpe::{
    AkkarBommer2010, BindiEtAl2011, BindiSite, BooreBasin, BooreEtAl2014, Contexts, Ec8Class, Eshm20Branch, Gmpe,
    KothaEtAl2020, KothaVariant, RangePolicy, model_by_name,
};
use seisml_testkit::{Golden, Tolerance};

const TOL: Tolerance = Tolerance::new(1e-12, 1e-10);

fn imts(g: &mut Golden) -> Vec<Imt> {
    let kind = g.array1("imt_kind");
    let per = g.array1("imt_periods");
    kind.iter()
        .zip(per.iter())
        .map(|(&k, &p)| match k as i64 {
            0 => Imt::Pga,
            1 => Imt::Pgv,
            _ => Imt::Sa(p),
        })
        .collect()
}

fn check(g: &mut Golden, key: &str, model: &dyn Gmpe, imts: &[Imt]) {
    let col = |g: &mut Golden, n: &str| g.array1(&format!("{key}__{n}")).to_vec();
    let (mag, rake, depth, vs30, rjb, rrup, z1) = (
        col(g, "mag"),
        col(g, "rake"),
        col(g, "hypo_depth"),
        col(g, "vs30"),
        col(g, "rjb"),
        col(g, "rrup"),
        col(g, "z1pt0"),
    );
    let meas: Vec<bool> = col(g, "vs30measured").iter().map(|&v| v != 0.0).collect();
    let region: Vec<u8> = col(g, "region").iter().map(|&v| v as u8).collect();
    let ctx = Contexts::new(&mag)
        .with_rake(&rake)
        .with_hypo_depth(&depth)
        .with_vs30(&vs30)
        .with_rjb(&rjb)
        .with_rrup(&rrup)
        .with_z1pt0(&z1)
        .with_vs30measured(&meas)
        .with_region(&region);
    let plan = model.plan(imts).unwrap().with_range_policy(RangePolicy::Ignore);
    let p = plan.predict(&ctx).unwrap();
    for (what, actual) in
        [("mean", p.mean.view()), ("sigma", p.sigma.view()), ("tau", p.tau.view()), ("phi", p.phi.view())]
    {
        let expected = g.array2(&format!("{key}__{what}"));
        let rel =
            actual.iter().zip(expected.iter()).map(|(a, e)| (a - e).abs() / e.abs().max(1e-300)).fold(0.0, f64::max);
        eprintln!("{key} {what}: worst relative difference {rel:.2e}");
        TOL.assert_close(&format!("{key} {what}"), actual.view(), expected.view());
    }
}

#[test]
fn all_models_match_hazardlib() {
    let mut g = Golden::open("gmm-residuals", "gmpe_grid.npz");
    let imts = imts(&mut g);
    let named = [
        "AkkarBommer2010",
        "BindiEtAl2011",
        "KothaEtAl2020",
        "KothaEtAl2020Site",
        "KothaEtAl2020ESHM20",
        "ESHM20ShallowCrustHighStressFastAtten",
        "ESHM20ShallowCrustVLowStressSlowAtten",
        "BooreEtAl2014",
        "CauzziEtAl2014",
        "CauzziEtAl2014NoSOF",
        "CauzziEtAl2014FixedVs30",
        "CauzziEtAl2014Eurocode8NoSOF",
        "CauzziEtAl2014Eurocode8",
        "CauzziEtAl2014FixedVs30NoSOF",
        "LanzanoEtAl2019_RJB_OMO",
        "LanzanoEtAl2019_RUP_OMO",
    ];
    for key in named {
        let model = model_by_name(key).unwrap();
        check(&mut g, key, model.as_ref(), &imts);
    }
    let eps =
        KothaEtAl2020::new(KothaVariant::Base).with_sigma_mu_epsilon(1.5).with_c3_epsilon(-1.0).with_ergodic(false);
    check(&mut g, "KothaEtAl2020_eps", &eps, &imts);
    check(&mut g, "BooreEtAl2014NoSOF", &BooreEtAl2014 { basin: BooreBasin::None, sof: false }, &imts);
    check(&mut g, "BooreEtAl2014CaliforniaBasin", &BooreEtAl2014 { basin: BooreBasin::California, sof: true }, &imts);
    check(&mut g, "BooreEtAl2014JapanBasin", &BooreEtAl2014 { basin: BooreBasin::Japan, sof: true }, &imts);
    assert!(Eshm20Branch::from_alias("ESHM20ShallowCrustMidStressMidAtten").is_some());
}

#[test]
fn akkar_bommer_sa4_share_extension() {
    let mut g = Golden::open("gmm-residuals", "gmpe_grid.npz");
    let (mag, rake, vs30, rjb) = (
        g.array1("ab4__mag").to_vec(),
        g.array1("ab4__rake").to_vec(),
        g.array1("ab4__vs30").to_vec(),
        g.array1("ab4__rjb").to_vec(),
    );
    let ctx = Contexts::new(&mag).with_rake(&rake).with_vs30(&vs30).with_rjb(&rjb);
    let p = AkkarBommer2010.plan(&[Imt::Sa(3.5), Imt::Sa(4.0)]).unwrap().predict(&ctx).unwrap();
    TOL.assert_close("ab4 mean", p.mean.view(), g.array2("ab4__mean").view());
    TOL.assert_close("ab4 sigma", p.sigma.view(), g.array2("ab4__sigma").view());
}

/// Bindi 2011 EC8 class E: hazardlib's sentinel Vs30 = 0 ⇔ an explicit class-E record here;
/// the other records get their class A–D from Vs30.
#[test]
fn bindi_2011_class_e_from_ec8_column() {
    let mut g = Golden::open("gmm-residuals", "gmpe_grid.npz");
    let imts = imts(&mut g);
    let col = |g: &mut Golden, n: &str| g.array1(&format!("bindiE__{n}")).to_vec();
    let (mag, rake, vs30, rjb) = (col(&mut g, "mag"), col(&mut g, "rake"), col(&mut g, "vs30"), col(&mut g, "rjb"));
    let class: Vec<Ec8Class> =
        vs30.iter().map(|&v| if v == 0.0 { Ec8Class::E } else { Ec8Class::from_vs30(v).unwrap() }).collect();
    assert!(class.iter().filter(|&&c| c == Ec8Class::E).count() > 40, "class E well represented");
    let ctx = Contexts::new(&mag).with_rake(&rake).with_rjb(&rjb).with_ec8_class(&class);
    let model = BindiEtAl2011 { site: BindiSite::Ec8Class };
    let p = model.plan(&imts).unwrap().with_range_policy(RangePolicy::Ignore).predict(&ctx).unwrap();
    for (what, actual) in
        [("mean", p.mean.view()), ("sigma", p.sigma.view()), ("tau", p.tau.view()), ("phi", p.phi.view())]
    {
        TOL.assert_close(&format!("bindiE {what}"), actual.view(), g.array2(&format!("bindiE__{what}")).view());
    }
    // the Vs30 variant refuses the sentinel and names the record
    let e = BindiEtAl2011::default().plan(&imts).unwrap().predict(&ctx.with_vs30(&vs30)).unwrap_err();
    assert!(e.to_string().contains("vs30"), "{e}");
}

/// Kotha ESHM20 with explicit per-IMT tables: the Iceland aliases (δL2L by stress level, no
/// PGV) and user c3 / δL2L dictionaries with SA interpolated in ln T between entries.
#[test]
fn kotha_eshm20_explicit_tables() {
    let mut g = Golden::open("gmm-residuals", "gmpe_grid.npz");
    let all = imts(&mut g);
    let no_pgv: Vec<Imt> = all.iter().copied().filter(|i| *i != Imt::Pgv).collect();
    let t = |v: &[(&str, f64)]| v.iter().map(|(i, x)| (Imt::parse(i).unwrap(), *x)).collect::<Vec<_>>();
    let c3 = t(&[("PGA", -0.5), ("PGV", -0.45), ("SA(0.1)", -0.6), ("SA(0.5)", -0.35), ("SA(3.0)", -0.2)]);
    let dl2l = t(&[("PGA", 0.1), ("PGV", -0.05), ("SA(0.1)", 0.2), ("SA(1.0)", -0.1), ("SA(3.0)", 0.3)]);
    let explicit = KothaEtAl2020::new(KothaVariant::Eshm20).with_c3(&c3).unwrap().with_dl2l(&dl2l).unwrap();
    let iceland = model_by_name("ESHM20IcelandHighStressFastAtten").unwrap();
    for (key, model, imts) in [("iceland", iceland.as_ref(), &no_pgv), ("explicit", &explicit as &dyn Gmpe, &all)] {
        let col = |g: &mut Golden, n: &str| g.array1(&format!("{key}__{n}")).to_vec();
        let (mag, depth, vs30, rjb) =
            (col(&mut g, "mag"), col(&mut g, "hypo_depth"), col(&mut g, "vs30"), col(&mut g, "rjb"));
        let meas: Vec<bool> = col(&mut g, "vs30measured").iter().map(|&v| v != 0.0).collect();
        let region: Vec<u8> = col(&mut g, "region").iter().map(|&v| v as u8).collect();
        let ctx = Contexts::new(&mag)
            .with_hypo_depth(&depth)
            .with_vs30(&vs30)
            .with_rjb(&rjb)
            .with_vs30measured(&meas)
            .with_region(&region);
        let p = model.plan(imts).unwrap().with_range_policy(RangePolicy::Ignore).predict(&ctx).unwrap();
        for (what, actual) in
            [("mean", p.mean.view()), ("sigma", p.sigma.view()), ("tau", p.tau.view()), ("phi", p.phi.view())]
        {
            TOL.assert_close(&format!("{key} {what}"), actual.view(), g.array2(&format!("{key}__{what}")).view());
        }
        // the tables matter: the plain ESHM20 model differs
        let plain = KothaEtAl2020::new(KothaVariant::Eshm20).plan(imts).unwrap().predict(&ctx).unwrap();
        assert!((&plain.mean - &p.mean).iter().all(|d| d.abs() > 1e-6), "{key}");
    }
    // no PGV in the Iceland table; SA outside an explicit table: typed errors at planning
    assert!(model_by_name("ESHM20IcelandVLowStressSlowAtten").unwrap().plan(&[Imt::Pgv]).is_err());
    assert!(explicit.plan(&[Imt::Sa(4.0)]).is_err());
    assert!(KothaEtAl2020::new(KothaVariant::Base).with_dl2l(&[(Imt::Pga, f64::NAN)]).is_err());
}

/// Hand-checkable values of the reference note (§5): M 6, Rjb 10 km, Vs30 760, rake 0, depth 8.
#[test]
fn sanity_values() {
    let (mag, rjb, vs30, rake, depth) = ([6.0], [10.0], [760.0], [0.0], [8.0]);
    let ctx = Contexts::new(&mag).with_rjb(&rjb).with_vs30(&vs30).with_rake(&rake).with_hypo_depth(&depth);
    let cases: [(&str, Imt, [f64; 4]); 4] = [
        ("AkkarBommer2010", Imt::Pga, [-1.74397, 0.64851, 0.24315, 0.60120]),
        ("KothaEtAl2020", Imt::Sa(1.0), [-2.15816, 0.88706, 0.44409, 0.76790]),
        ("BindiEtAl2011", Imt::Sa(3.0), [-4.50376, 0.84607, 0.46422, 0.70845]),
        ("AkkarBommer2010", Imt::Sa(4.0), [-5.20660, 0.77940, 0.41101, 0.66222]),
    ];
    for (name, imt, want) in cases {
        let p = model_by_name(name).unwrap().plan(&[imt]).unwrap().predict(&ctx).unwrap();
        let got = [p.mean[[0, 0]], p.sigma[[0, 0]], p.tau[[0, 0]], p.phi[[0, 0]]];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-5, "{name} {imt}: {got:?} vs {want:?}");
        }
    }
}
