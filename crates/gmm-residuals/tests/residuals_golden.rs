//! Residual toolkit quantities, scores and the crossed mixed-effects fit on the project's seeded
//! synthetic flatfile (known τ = 0.45, φS2S = 0.35, φSS = 0.5), against numpy/scipy and
//! statsmodels MixedLM (`xtask/golden/gmm-residuals/gen_residuals.py`). Bar: 1e-6.

use gmm_residuals::Imt;
use gmm_residuals::flatfile::{Flatfile, FlatfileOptions};
use gmm_residuals::gmpe::{RangePolicy, model_by_name};
use gmm_residuals::mixed::{Method, fit_crossed};
use gmm_residuals::residuals::{ResidualInput, decompose, dense_labels};
use gmm_residuals::scores::{self, LlhForm, WeightScheme};
use gmm_residuals::single_station::{single_station, single_station_toolkit};
use ndarray::ArrayView1;
use seisml_testkit::{Golden, Tolerance, golden_path, json};

const TOL: Tolerance = Tolerance::new(1e-9, 1e-6);

fn close(what: &str, a: f64, e: f64) {
    assert!((a - e).abs() <= 1e-9 + 1e-6 * e.abs(), "{what}: {a} vs {e}");
}

fn vclose(what: &str, a: &[f64], e: &[f64]) {
    TOL.assert_close(what, ArrayView1::from(a), ArrayView1::from(e));
}

struct Data {
    ff: Flatfile,
    event: Vec<usize>,
    station: Vec<usize>,
}

fn data() -> Data {
    let ff = Flatfile::from_path(golden_path("gmm-residuals", "synthetic_flatfile.csv"), FlatfileOptions::default())
        .unwrap();
    let model = model_by_name("KothaEtAl2020Site").unwrap();
    // the one record without Vs30 is reported, then dropped
    let err = ff.check_inputs(&model.info().inputs).unwrap_err().to_string();
    assert!(err.contains("vs30: 1 (first at record 3)"), "{err}");
    let keep = ff.usable(&model.info().inputs);
    let ff = ff.select(&keep).unwrap();
    let (event, _) = dense_labels(&ff.event_id);
    let (station, _) = dense_labels(&ff.station_id);
    Data { ff, event, station }
}

#[test]
fn residuals_scores_and_single_station() {
    let d = data();
    let meta = json("gmm-residuals", "residuals.json");
    let mut g = Golden::open("gmm-residuals", "residuals.npz");
    assert_eq!(d.ff.len(), meta["n_records"].as_u64().unwrap() as usize);
    let ev_g: Vec<usize> = g.array1("event").iter().map(|&v| v as usize).collect();
    assert_eq!(d.event, ev_g);
    let min_rec = meta["min_records"].as_u64().unwrap() as usize;
    let z1 = d.ff.z1pt0_or_unknown();
    let region = vec![0u8; d.ff.len()];
    let ctx = d.ff.contexts(&z1).with_region(&region);
    let imts = [Imt::Pga, Imt::Sa(1.0)];
    let models = ["KothaEtAl2020Site", "BooreEtAl2014", "AkkarBommer2010"];
    let mut llh_density = vec![vec![]; 2];
    let (mut edr_k, mut area_k) = (vec![vec![]; 2], vec![vec![]; 2]);
    for name in models {
        let plan = model_by_name(name).unwrap().plan(&imts).unwrap().with_range_policy(RangePolicy::Ignore);
        let p = plan.predict(&ctx).unwrap();
        for (k, imt) in imts.iter().enumerate() {
            let key = format!("{name}__{imt}");
            let arr = |g: &mut Golden, n: &str| g.array1(&format!("{key}__{n}")).to_vec();
            let obs: Vec<f64> = d.ff.observations_of(*imt).unwrap().iter().map(|v| v.ln()).collect();
            vclose(&format!("{key} obs"), &obs, &arr(&mut g, "obs"));
            let row = |a: ndarray::ArrayView2<f64>| a.row(k).to_vec();
            let (mean, sigma, tau, phi) =
                (row(p.mean.view()), row(p.sigma.view()), row(p.tau.view()), row(p.phi.view()));
            Tolerance::new(1e-12, 1e-10).assert_close(
                &format!("{key} mean"),
                ArrayView1::from(&mean),
                ArrayView1::from(&arr(&mut g, "mean")),
            );
            let input =
                ResidualInput { observed: &obs, mean: &mean, sigma: &sigma, tau: &tau, phi: &phi, event: &d.event };
            let r = decompose(&input).unwrap();
            vclose(&format!("{key} total"), &r.total, &arr(&mut g, "total"));
            vclose(&format!("{key} event terms"), &r.event_terms, &arr(&mut g, "event_terms"));
            vclose(&format!("{key} within"), &r.within, &arr(&mut g, "within"));
            vclose(&format!("{key} zt"), &r.normalized_total, &arr(&mut g, "zt"));
            // seed eq. 14 standardised residuals (y − ŷ)/σ̂ = the toolkit's normalised total residual
            let z = scores::standardized_residuals(&obs, &mean, &sigma).unwrap();
            vclose(&format!("{key} standardised (eq. 14)"), &z, &arr(&mut g, "zt"));
            vclose(&format!("{key} zb"), &r.normalized_between, &arr(&mut g, "zb"));
            vclose(&format!("{key} zw"), &r.normalized_within, &arr(&mut g, "zw"));
            let sc = &meta["scores"][&key];
            let f = |n: &str| sc[n].as_f64().unwrap();
            let pair = |n: &str| (sc[n][0].as_f64().unwrap(), sc[n][1].as_f64().unwrap());
            let st = r.stats();
            for (what, got, want) in [
                ("total", st.total, pair("stats_total")),
                ("between", st.between, pair("stats_between")),
                ("within", st.within, pair("stats_within")),
            ] {
                close(&format!("{key} {what} mean"), got.mean, want.0);
                close(&format!("{key} {what} std"), got.std, want.1);
            }
            let ss = single_station(&r.within, &d.station, min_rec).unwrap();
            vclose(&format!("{key} s2s"), &ss.station_terms, &arr(&mut g, "s2s"));
            vclose(&format!("{key} phi_ss,s"), &ss.phi_ss_station, &arr(&mut g, "phi_ss_station"));
            close(&format!("{key} phi_ss"), ss.phi_ss, f("phi_ss"));
            close(&format!("{key} phi_s2s"), ss.phi_s2s, f("phi_s2s"));
            let tk = single_station_toolkit(&input, &d.station, min_rec).unwrap();
            vclose(&format!("{key} s2s toolkit"), &tk.station_terms, &arr(&mut g, "s2s_toolkit"));
            close(&format!("{key} phi_ss toolkit"), tk.phi_ss, f("phi_ss_toolkit"));
            close(&format!("{key} phi_s2s toolkit"), tk.phi_s2s, f("phi_s2s_toolkit"));
            let lh = scores::lh(&r.normalized_total).unwrap();
            close(&format!("{key} LH median"), lh.median, f("lh_median"));
            close(&format!("{key} LH iqr"), lh.iqr, f("lh_iqr"));
            let llh_d = scores::llh(&obs, &mean, &sigma, LlhForm::Density).unwrap();
            close(&format!("{key} LLH density"), llh_d, f("llh_density"));
            close(
                &format!("{key} LLH toolkit"),
                scores::llh(&obs, &mean, &sigma, LlhForm::Toolkit).unwrap(),
                f("llh_toolkit"),
            );
            llh_density[k].push(llh_d);
            let e = scores::edr(&obs, &mean, &sigma, 0.01, 3.0).unwrap();
            close(&format!("{key} MDE"), e.mde_norm, sc["edr"][0].as_f64().unwrap());
            close(&format!("{key} sqrt kappa"), e.sqrt_kappa, sc["edr"][1].as_f64().unwrap());
            close(&format!("{key} EDR"), e.edr, sc["edr"][2].as_f64().unwrap());
            close(&format!("{key} area"), scores::stochastic_area(&obs, &mean).unwrap(), f("stochastic_area"));
            edr_k[k].push(e.edr);
            area_k[k].push(scores::stochastic_area(&obs, &mean).unwrap());
            close(&format!("{key} rmse"), scores::rmse(&obs, &mean).unwrap(), f("rmse"));
            close(&format!("{key} r2"), scores::r2(&obs, &mean).unwrap(), f("r2"));
            let var: Vec<f64> = sigma.iter().map(|s| s * s).collect();
            close(&format!("{key} nll"), scores::gaussian_nll(&obs, &mean, &var, None).unwrap(), f("nll"));
        }
    }
    for (k, imt) in imts.iter().enumerate() {
        let w = scores::weights(&llh_density[k], WeightScheme::Llh).unwrap();
        let want: Vec<f64> =
            meta["llh_weights"][imt.to_string()].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        vclose("llh weights", &w, &want);
        // the toolkit's EDR and stochastic-area weights are ∝ 1/score; ranking orders models by
        // increasing score (golden scores of the three models)
        for (scheme, sc, what) in
            [(WeightScheme::Edr, &edr_k[k], "edr"), (WeightScheme::StochasticArea, &area_k[k], "stochastic_area")]
        {
            let golden: Vec<f64> = models
                .iter()
                .map(|m| {
                    let v = &meta["scores"][format!("{m}__{imt}")];
                    if what == "edr" { v["edr"][2].as_f64().unwrap() } else { v[what].as_f64().unwrap() }
                })
                .collect();
            vclose(what, sc, &golden);
            let inv: f64 = golden.iter().map(|g| 1.0 / g).sum();
            let want: Vec<f64> = golden.iter().map(|g| (1.0 / g) / inv).collect();
            vclose(&format!("{what} weights"), &scores::weights(sc, scheme).unwrap(), &want);
            let rank = scores::ranking(sc).unwrap();
            assert!(rank.windows(2).all(|p| golden[p[0]] <= golden[p[1]]), "{what} ranking {rank:?}");
        }
    }
}

#[test]
fn crossed_mixed_effects_match_statsmodels() {
    let d = data();
    let meta = json("gmm-residuals", "residuals.json");
    let mut g = Golden::open("gmm-residuals", "residuals.npz");
    let r = g.array1("KothaEtAl2020Site__SA(1.0)__total").to_vec();
    let truth: Vec<f64> = meta["mixed"]["truth"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    for (method, key) in [(Method::Ml, "ml"), (Method::Reml, "reml")] {
        let fit = fit_crossed(&r, &d.event, &d.station, method).unwrap();
        let m = &meta["mixed"][key];
        let want = |n: &str| m[n].as_f64().unwrap();
        // statsmodels' llf: the full Gaussian log-likelihood (ML) or the restricted one (REML)
        assert!((fit.log_likelihood - want("llf")).abs() < 1e-6, "{key} llf {} vs {}", fit.log_likelihood, want("llf"));
        for (k, n) in ["tau2", "phi_s2s2", "phi_ss2"].iter().enumerate() {
            let rel = (fit.variances[k] - want(n)).abs() / want(n);
            assert!(rel < 1e-4, "{key} {n}: {} vs {}", fit.variances[k], want(n));
        }
        assert!((fit.intercept - want("intercept")).abs() < 1e-5, "{key} intercept");
        // recovery of the true standard deviations within 2 standard errors
        let est = [fit.tau, fit.phi_s2s, fit.phi_ss];
        for k in 0..3 {
            eprintln!(
                "{key} sd {k}: {:.4} ± {:.4} (truth {}, {:.2} SE)",
                est[k],
                fit.sd_se[k],
                truth[k],
                (est[k] - truth[k]) / fit.sd_se[k]
            );
            assert!(
                (est[k] - truth[k]).abs() < 2.0 * fit.sd_se[k],
                "{key} sd {k}: {} ± {} vs {}",
                est[k],
                fit.sd_se[k],
                truth[k]
            );
        }
        assert_eq!(fit.event_terms.len(), d.event.iter().max().unwrap() + 1);
    }
}
