//! Training a learnable Hermite-spline scattering network (Seydoux et al. 2020) on built-in
//! synthetic data, with the original loop: every epoch, features of all patches → PCA (5
//! components) → Gaussian mixture (full covariances, warm-started from the previous epoch) →
//! one Adam step per batch on the clustering loss with PCA and mixture held fixed; the learning
//! rate is divided by 5 at half and again at three quarters of the epochs.
//!
//! `cargo run --release --example learnable_scattering [epochs]` — prints the mean clustering loss
//! per epoch and how well the mixture separates patches with and without repeating events.

use ndarray::{Array3, Axis, s};
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;
use seisml::gmm::{CovarianceType, GaussianMixture, Pca};
use seisml::wavelet_scatter::learnable::{Adam, LearnableScattering, MixtureDensity, Projection, SplineLayerSpec};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const PATCH: usize = 4096;
const PATCHES: usize = 48;
const BATCH: usize = 8;

/// Noise patches; every other one carries a repeating event (the same wavelet train) at a random
/// position. Returns the patches and, per patch, the sample range of its event.
fn synthetic_patches(rng: &mut Pcg64) -> (Array3<f64>, Vec<Option<(usize, usize)>>) {
    let tau = std::f64::consts::TAU;
    let template: Vec<f64> = (0..400)
        .map(|i| {
            let t = i as f64 / 50.0;
            (t / 0.2).min(1.0) * (-t / 1.5).exp() * ((4.0 * tau * t).sin() + 0.6 * (9.0 * tau * t).sin())
        })
        .collect();
    let mut x = Array3::zeros((PATCHES, 1, PATCH));
    let mut has_event = Vec::with_capacity(PATCHES);
    for p in 0..PATCHES {
        for v in x.slice_mut(s![p, 0, ..]).iter_mut() {
            *v = rng.random::<f64>() - 0.5;
        }
        if p % 2 == 0 {
            let at = rng.random_range(0..PATCH - template.len());
            for (i, w) in template.iter().enumerate() {
                x[[p, 0, at + i]] += 4.0 * w;
            }
            has_event.push(Some((at, at + template.len())));
        } else {
            has_event.push(None);
        }
    }
    // the original divides all data by its global maximum
    let peak = x.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    x.mapv_inplace(|v| v / peak);
    (x, has_event)
}

fn main() -> Res<()> {
    let epochs: usize = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(6);
    let mut rng = Pcg64::seed_from_u64(2017);
    let (x, events) = synthetic_patches(&mut rng);
    let mut net = LearnableScattering::params()
        .layer(SplineLayerSpec::new(4, 4, 7))
        .layer(SplineLayerSpec::new(5, 2, 7))
        .decimation(4)
        .pooling(256)
        .build(PATCH)?;
    let frames = net.frames();
    let frame_len = PATCH / frames;
    // a frame (one feature row) is an "event" frame when it overlaps the patch's event
    let frame_has_event: Vec<bool> = (0..PATCHES * frames)
        .map(|row| {
            let (p, f) = (row / frames, row % frames);
            events[p].is_some_and(|(a, b)| a < (f + 1) * frame_len && b > f * frame_len)
        })
        .collect();
    println!("{PATCHES} patches × {PATCH} samples, {} frames each, {} features per frame", frames, net.n_features(1));
    let base_rate = 1e-2;
    let mut adam = Adam::new(base_rate)?;
    let mut mixture: Option<GaussianMixture> = None;
    let mut order: Vec<usize> = (0..PATCHES).collect();
    for epoch in 0..epochs {
        let feats = net.features(x.view())?;
        let pca = Pca::params(5).fit(feats.view())?;
        let z = pca.transform(feats.view())?;
        let gm = match &mixture {
            Some(prev) => prev.warm_fit(z.view())?,
            None => GaussianMixture::params(4)
                .covariance_type(CovarianceType::Full)
                .max_iter(1000)
                .fit(z.view(), &mut rng)?,
        };
        let k = gm.n_components();
        let d = z.ncols();
        let precisions = Array3::from_shape_fn((k, d, d), |(c, i, j)| gm.precisions().component_matrix(c, d)[[i, j]]);
        let projection = Projection::new(pca.mean().view(), pca.components().view())?;
        let density = MixtureDensity::from_precisions(gm.weights().view(), gm.means().view(), precisions.view())?;
        adam.learning_rate = Adam::scheduled_rate(base_rate, epoch, epochs);
        order.shuffle(&mut rng);
        let mut losses = Vec::new();
        for chunk in order.chunks(BATCH) {
            let xb = x.select(Axis(0), chunk);
            let (loss, grads) = net.loss_and_gradient(xb.view(), &projection, &density)?;
            adam.step(&mut net, &grads)?;
            losses.push(loss);
        }
        // how pure are the clusters with respect to event / noise frames? (majority label per cluster)
        let labels = gm.predict(z.view())?;
        let mut counts = vec![[0usize; 2]; k];
        for (row, &c) in labels.iter().enumerate() {
            counts[c][frame_has_event[row] as usize] += 1;
        }
        let n_event = frame_has_event.iter().filter(|e| **e).count();
        let baseline = n_event.max(labels.len() - n_event) as f64 / labels.len() as f64;
        let purity = counts.iter().map(|c| c[0].max(c[1])).sum::<usize>() as f64 / labels.len() as f64;
        println!(
            "epoch {epoch}: rate {:.0e}, mean clustering loss {:.4}, cluster purity {:.3} (one-cluster baseline {:.3})",
            adam.learning_rate,
            losses.iter().sum::<f64>() / losses.len() as f64,
            purity,
            baseline
        );
        mixture = Some(gm);
    }
    Ok(())
}
