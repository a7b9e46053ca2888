//! Geometry against pyproj (geodesic distances, ECEF) and the data-driven map inputs.

use gmm_residuals::geometry::{PointSourceDistances, ecef, epicentral_distance, hypocentral_distance};
use gmm_residuals::maps::{
    Channel, Grid, MapEvent, MapStackPlan, MinMax, Raster, SEED_CHANNELS, SiteRasters, StationMask, binned_table,
};
use ndarray::{Array2, Array3};
use proptest::prelude::*;
use seisml_testkit::Golden;

#[test]
fn geodesic_and_ecef_match_pyproj() {
    let mut g = Golden::open("gmm-residuals", "geometry.npz");
    let (lat1, lon1, lat2, lon2, d) =
        (g.array1("lat1"), g.array1("lon1"), g.array1("lat2"), g.array1("lon2"), g.array1("dist_km"));
    for i in 0..d.len() {
        let got = epicentral_distance(lat1[i], lon1[i], lat2[i], lon2[i]).unwrap();
        // Vincenty vs Karney: sub-millimetre agreement
        assert!((got - d[i]).abs() < 1e-6, "{i}: {got} vs {}", d[i]);
    }
    let (h, x, y, z) = (g.array1("h"), g.array1("x"), g.array1("y"), g.array1("z"));
    for i in 0..h.len() {
        let p = ecef(lat1[i], lon1[i], h[i]).unwrap();
        for (a, e) in p.iter().zip([x[i], y[i], z[i]]) {
            assert!((a - e).abs() < 1e-3, "ecef {i}: {a} vs {e}");
        }
    }
}

#[test]
fn hypocentral_distance_close_to_flat_earth_nearby() {
    // ECEF vs √(repi² + depth²): differences ≲ 1 km within 200 km (reference note §7)
    let ps = PointSourceDistances::new(42.35, 13.38, 9.5, 43.0, 14.2).unwrap();
    let ecef_d = hypocentral_distance(42.35, 13.38, 9.5, 43.0, 14.2, 0.0).unwrap();
    assert!((ps.rhypo - ecef_d).abs() < 1.0, "{} vs {}", ps.rhypo, ecef_d);
    assert_eq!(ps.rjb, ps.repi);
}

#[test]
fn map_stack_normalisation_masks_and_bins() {
    let grid = Grid::with_cell_size_km(12.0, 42.0, 0.7, 40, 30).unwrap();
    let (lo, la) = grid.center(0, 1);
    assert!((lo - 12.0 - 1.5 * grid.dlon).abs() < 1e-12 && (la - 42.0 - 0.5 * grid.dlat).abs() < 1e-12);
    // cell sizes are ~0.7 km in both directions
    let dx = epicentral_distance(la, lo, la, lo + grid.dlon).unwrap();
    let dy = epicentral_distance(la, lo, la + grid.dlat, lo).unwrap();
    assert!((dx - 0.7).abs() < 2e-3 && (dy - 0.7).abs() < 1e-3, "{dx} {dy}");
    let rgrid = Grid::new(11.9, 41.9, 0.05, 0.05, 20, 20).unwrap();
    let vel =
        Raster::new(rgrid, Array2::from_shape_fn((20, 20), |(i, _)| if i < 10 { 300.0 } else { 1600.0 })).unwrap();
    let topo = Raster::new(rgrid, Array2::from_shape_fn((20, 20), |(i, j)| (i * 20 + j) as f64)).unwrap();
    let plan = MapStackPlan::new(
        grid,
        &SEED_CHANNELS,
        SiteRasters { velocity: Some(&vel), topography: Some(&topo), slope: None },
    )
    .unwrap();
    let ev = MapEvent { mw: 5.5, lon: 12.2, lat: 42.1, depth_km: 10.0 };
    let stack = plan.build(&ev).unwrap();
    assert_eq!(stack.dim(), (7, 30, 40));
    assert!(stack.index_axis(ndarray::Axis(0), 0).iter().all(|&v| v == 5.5));
    // ln r_hypo at the cell nearest the epicentre is about ln(depth)
    let (iy, ix) = grid.locate(12.2, 42.1).unwrap();
    let r = stack[[1, iy, ix]].exp();
    assert!((10.0..10.7).contains(&r), "{r}");
    let ev2 = MapEvent { mw: 4.0, lon: 12.5, lat: 42.2, depth_km: 5.0 };
    let stacks = vec![stack.clone(), plan.build(&ev2).unwrap()];
    let mm = MinMax::fit(&stacks).unwrap();
    let mut s: Array3<f64> = stack.clone();
    mm.transform(&mut s).unwrap();
    assert!(s.iter().all(|v| (0.0..=1.0).contains(v)));
    mm.inverse(&mut s).unwrap();
    assert!(s.iter().zip(stack.iter()).all(|(a, b)| (a - b).abs() < 1e-9 * (1.0 + b.abs())));
    assert!(MapStackPlan::new(grid, &[Channel::Slope], SiteRasters::default()).is_err());
    // masks: two stations in one cell are averaged, one outside is reported
    let (c0, c1) = grid.center(3, 4);
    let m = StationMask::new(&grid, &[c0, c0 + 1e-4, 50.0], &[c1, c1, 42.1], &[1.0, 3.0, 9.0]).unwrap();
    assert_eq!(m.mask.iter().filter(|&&v| v).count(), 1);
    assert_eq!(m.target[[3, 4]], 2.0);
    assert_eq!(m.outside, vec![2]);
    let mean = Array2::from_elem((30, 40), 1.0);
    let var = Array2::from_elem((30, 40), 2.0);
    let nll = m.gaussian_nll(mean.view(), var.view()).unwrap();
    assert!((nll - (2f64.ln() + 0.5)).abs() < 1e-12);
    // binned table
    let rows = binned_table(
        &[4.2, 4.3, 5.0],
        &[15.0, 25.0, 15.0],
        &[&[1.0, 3.0, 5.0]],
        &[(4.0, 4.4), (4.5, 4.9)],
        &[10.0, 20.0, 30.0],
    )
    .unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!((rows[0].count, rows[0].means[0]), (1, 1.0));
    assert_eq!(rows[2].count, 0);
    assert!(rows[2].means[0].is_nan());
}

proptest! {
    #[test]
    fn distance_is_symmetric_and_triangle(lat1 in -80.0f64..80.0, lon1 in -179.0f64..179.0, dlat in -3.0f64..3.0, dlon in -3.0f64..3.0) {
        let (lat2, lon2) = (lat1 + dlat, lon1 + dlon);
        let a = epicentral_distance(lat1, lon1, lat2, lon2).unwrap();
        let b = epicentral_distance(lat2, lon2, lat1, lon1).unwrap();
        prop_assert!((a - b).abs() < 1e-6);
        prop_assert!(a >= 0.0);
        let m = epicentral_distance(lat1, lon1, (lat1 + lat2) / 2.0, (lon1 + lon2) / 2.0).unwrap();
        let n = epicentral_distance((lat1 + lat2) / 2.0, (lon1 + lon2) / 2.0, lat2, lon2).unwrap();
        prop_assert!(a <= m + n + 1e-6);
    }

    #[test]
    fn minmax_round_trip(v in proptest::collection::vec(-1e3f64..1e3, 2..50)) {
        let mm = MinMax::fit_values(&v).unwrap();
        let t = mm.transform_values(0, &v);
        let back = mm.inverse_values(0, &t);
        for (a, b) in back.iter().zip(&v) {
            prop_assert!((a - b).abs() < 1e-9);
        }
    }
}

/// The seed's grid: 768 × 400 cells of 700 m over northern–central Italy; the 7-channel input
/// stack of one event has that shape, ln r_hypo is finite everywhere and grows away from the
/// epicentre, and normalisation (eq. 11) maps every channel into [0, 1] and back.
#[test]
fn seed_grid_768_by_400_cells_of_700_m() {
    let grid = Grid::with_cell_size_km(9.5, 41.0, 0.7, 768, 400).unwrap();
    assert_eq!((grid.nx, grid.ny), (768, 400));
    let (lo, la) = grid.center(200, 384);
    let dx = epicentral_distance(la, lo, la, lo + grid.dlon).unwrap();
    let dy = epicentral_distance(la, lo, la + grid.dlat, lo).unwrap();
    assert!((dx - 0.7).abs() < 5e-3 && (dy - 0.7).abs() < 5e-3, "{dx} {dy}");
    let rgrid = Grid::new(9.0, 40.5, 0.1, 0.1, 120, 80).unwrap();
    let vel =
        Raster::new(rgrid, Array2::from_shape_fn((80, 120), |(i, j)| [300.0, 1600.0, 2400.0][(i + j) % 3])).unwrap();
    let topo = Raster::new(rgrid, Array2::from_shape_fn((80, 120), |(i, j)| 10.0 * (i + j) as f64)).unwrap();
    let plan = MapStackPlan::new(
        grid,
        &SEED_CHANNELS,
        SiteRasters { velocity: Some(&vel), topography: Some(&topo), slope: None },
    )
    .unwrap();
    let ev = MapEvent { mw: 6.1, lon: 13.38, lat: 42.35, depth_km: 8.3 };
    let stack = plan.build(&ev).unwrap();
    assert_eq!(stack.dim(), (7, 400, 768));
    let lnr = stack.index_axis(ndarray::Axis(0), 1);
    assert!(lnr.iter().all(|v| v.is_finite()));
    let (iy, ix) = grid.locate(ev.lon, ev.lat).unwrap();
    assert!(lnr[[iy, ix]] < lnr[[0, 0]] && lnr[[iy, ix]] < lnr[[399, 767]]);
    let mm = MinMax::fit(std::slice::from_ref(&stack)).unwrap();
    let mut s = stack.clone();
    mm.transform(&mut s).unwrap();
    assert!(s.iter().all(|v| (0.0..=1.0).contains(v)));
    mm.inverse(&mut s).unwrap();
    assert!(s.iter().zip(stack.iter()).all(|(a, b)| (a - b).abs() < 1e-9 * (1.0 + b.abs())));
}
