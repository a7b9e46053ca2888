//! Invariants of the residual decomposition, single-station terms and scores.

use gmm_residuals::residuals::{ResidualInput, decompose, dense_labels};
use gmm_residuals::scores::{self, LlhForm, WeightScheme};
use gmm_residuals::single_station::single_station;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn ay92_split_is_consistent(r in proptest::collection::vec(-3.0f64..3.0, 4..60), tau in 0.1f64..1.0, phi in 0.1f64..1.0, ne in 1usize..6) {
        let n = r.len();
        let event: Vec<usize> = (0..n).map(|i| i % ne.min(n)).collect();
        let zeros = vec![0.0; n];
        let (t, p) = (vec![tau; n], vec![phi; n]);
        let s: Vec<f64> = (0..n).map(|_| (tau * tau + phi * phi).sqrt()).collect();
        let res = decompose(&ResidualInput { observed: &r, mean: &zeros, sigma: &s, tau: &t, phi: &p, event: &event }).unwrap();
        for e in 0..ne.min(n) {
            let idx: Vec<usize> = (0..n).filter(|&i| event[i] == e).collect();
            let k = idx.len() as f64;
            let sr: f64 = idx.iter().map(|&i| r[i]).sum();
            let sw: f64 = idx.iter().map(|&i| res.within[i]).sum();
            // Σ δW = Σ r · φ²/(n τ² + φ²)
            prop_assert!((sw - sr * phi * phi / (k * tau * tau + phi * phi)).abs() < 1e-9);
            for &i in &idx {
                prop_assert!((res.between[i] + res.within[i] - r[i]).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn station_terms_absorb_station_means(w in proptest::collection::vec(-2.0f64..2.0, 10..80), ns in 2usize..5) {
        let station: Vec<usize> = (0..w.len()).map(|i| i % ns).collect();
        let ss = single_station(&w, &station, 1).unwrap();
        for s in 0..ns {
            let sum: f64 = (0..w.len()).filter(|&i| station[i] == s).map(|i| ss.within_station[i]).sum();
            prop_assert!(sum.abs() < 1e-9);
        }
        prop_assert!(ss.phi_ss >= 0.0 && ss.phi_s2s >= 0.0);
    }

    #[test]
    fn llh_forms_differ_by_mean_log2_sigma(r in proptest::collection::vec(-2.0f64..2.0, 2..40), sd in 0.2f64..2.0) {
        let m = vec![0.0; r.len()];
        let s = vec![sd; r.len()];
        let d = scores::llh(&r, &m, &s, LlhForm::Density).unwrap();
        let t = scores::llh(&r, &m, &s, LlhForm::Toolkit).unwrap();
        prop_assert!((d - (t + sd.log2())).abs() < 1e-10);
        let w = scores::weights(&[d, t], WeightScheme::Llh).unwrap();
        prop_assert!((w[0] + w[1] - 1.0).abs() < 1e-12);
    }
}

#[test]
fn lh_is_half_at_quartile_and_labels_are_dense() {
    // LH(z) = 2(1 − Φ(|z|)) = 0.5 at the quartile z = 0.6744897501960817
    let v = scores::lh_values(&[0.674_489_750_196_081_7]).unwrap();
    assert!((v[0] - 0.5).abs() < 1e-12);
    let (idx, uniq) = dense_labels(&["b", "a", "b", "c"]);
    assert_eq!(idx, vec![0, 1, 0, 2]);
    assert_eq!(uniq, vec!["b", "a", "c"]);
    assert!(scores::rmse(&[1.0, f64::NAN], &[1.0, 1.0]).is_err());
    assert!(scores::gaussian_nll(&[1.0], &[1.0], &[0.0], None).is_err());
    assert!(scores::edr(&[1.0, 2.0], &[1.0], &[1.0, 1.0], 0.01, 3.0).is_err());
}
