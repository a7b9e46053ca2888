//! Real-data check on the strong-motion flatfiles of the shared data folder (not committed):
//! reads the ESM web-service and GEM homogenised flatfiles, predicts with several GMPEs,
//! decomposes residuals and scores the models. Exits non-zero when a file cannot be processed or
//! the results are implausible (normalised residual std outside 0.3–3, non-finite scores).
//!
//! `cargo run --release -p gmm-residuals --example gmm_residuals_realdata -- ../shared/data`

use gmm_residuals::Imt;
use gmm_residuals::flatfile::{Flatfile, FlatfileOptions, HorizontalComponent};
use gmm_residuals::gmpe::{RangePolicy, model_by_name};
use gmm_residuals::residuals::{ResidualInput, decompose, dense_labels};
use gmm_residuals::scores::{self, LlhForm};
use std::path::PathBuf;
use std::process::ExitCode;

fn run(path: &PathBuf, component: HorizontalComponent, models: &[&str]) -> Result<(), String> {
    let ff =
        Flatfile::from_path(path, FlatfileOptions { component, ..Default::default() }).map_err(|e| e.to_string())?;
    let mut ff = ff;
    let filled = ff.fill_point_source_distances();
    let rakes = ff.fill_rake_from_mechanism();
    println!("{}: {} records ({:?}), {filled} distances and {rakes} rakes filled", path.display(), ff.len(), ff.format);
    for name in models {
        let model = model_by_name(name).map_err(|e| e.to_string())?;
        let inputs = model.info().inputs;
        let missing: Vec<String> =
            ff.missing_values(&inputs).iter().filter(|m| m.1 > 0).map(|m| format!("{} {}", m.0, m.1)).collect();
        let sub = ff.select(&ff.usable(&inputs)).map_err(|e| e.to_string())?;
        if sub.len() < 20 {
            println!("  {name}: only {} usable records (missing: {missing:?}), skipped", sub.len());
            continue;
        }
        for imt in [Imt::Pga, Imt::Sa(1.0)] {
            let obs = sub.observations_of(imt).map_err(|e| e.to_string())?;
            let keep: Vec<bool> = obs.iter().map(|v| v.is_finite()).collect();
            let s2 = sub.select(&keep).map_err(|e| e.to_string())?;
            let z1 = s2.z1pt0_or_unknown();
            let region = vec![0u8; s2.len()];
            let ctx2 = s2.contexts(&z1).with_region(&region);
            let plan = model.plan(&[imt]).map_err(|e| e.to_string())?.with_range_policy(RangePolicy::Flag);
            let p = plan.predict(&ctx2).map_err(|e| e.to_string())?;
            let lnobs: Vec<f64> = s2.observations_of(imt).map_err(|e| e.to_string())?.iter().map(|v| v.ln()).collect();
            let (event, _) = dense_labels(&s2.event_id);
            let (mean, sigma, tau, phi) =
                (p.mean.row(0).to_vec(), p.sigma.row(0).to_vec(), p.tau.row(0).to_vec(), p.phi.row(0).to_vec());
            let r = decompose(&ResidualInput {
                observed: &lnobs,
                mean: &mean,
                sigma: &sigma,
                tau: &tau,
                phi: &phi,
                event: &event,
            })
            .map_err(|e| e.to_string())?;
            let st = r.stats();
            let llh = scores::llh(&lnobs, &mean, &sigma, LlhForm::Density).map_err(|e| e.to_string())?;
            let edr = scores::edr(&lnobs, &mean, &sigma, 0.01, 3.0).map_err(|e| e.to_string())?;
            let flagged = p.out_of_range.iter().filter(|&&f| f).count();
            println!(
                "  {name:<26} {imt:<8} n={:<5} zT mean {:+.3} std {:.3} | zB std {:.3} | zW std {:.3} | LLH {:.3} | EDR {:.3} | out of range {flagged}",
                s2.len(),
                st.total.mean,
                st.total.std,
                st.between.std,
                st.within.std,
                llh,
                edr.edr
            );
            if !(0.3..3.0).contains(&st.total.std) || !llh.is_finite() || !edr.edr.is_finite() {
                return Err(format!("{name} {imt}: implausible residual statistics"));
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: realdata <shared data folder>");
        return ExitCode::FAILURE;
    };
    let dir = PathBuf::from(root).join("flatfiles");
    let cases = [
        (
            "oqmbtk_demo_flatfile_esm_url.csv",
            HorizontalComponent::GeometricMean,
            vec!["KothaEtAl2020", "AkkarBommer2010", "BindiEtAl2011", "CauzziEtAl2014"],
        ),
        ("oqmbtk_residual_tests_esm_url.csv", HorizontalComponent::RotD50, vec!["KothaEtAl2020", "BooreEtAl2014"]),
        (
            "oqmbtk_gem_flatfile_sample.csv",
            HorizontalComponent::RotD50,
            vec!["BooreEtAl2014", "KothaEtAl2020ESHM20", "LanzanoEtAl2019_RJB_OMO"],
        ),
    ];
    let mut failed = false;
    for (file, comp, models) in cases {
        if let Err(e) = run(&dir.join(file), comp, &models) {
            eprintln!("FAILED {file}: {e}");
            failed = true;
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
