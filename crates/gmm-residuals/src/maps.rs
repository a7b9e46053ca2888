//! Inputs of data-driven (U-Net style) ground-motion models (seed 004): a regular lon/lat grid,
//! the per-event input map stack, min–max normalisation and its inverse, station masks so that a
//! loss is evaluated only at observed cells, and binned comparison tables by magnitude and
//! distance.

use crate::error::{check_finite, check_len};
use crate::geometry::{WGS84_A, WGS84_E, ecef};
use crate::{ResidualsError, Result};
use ndarray::{Array2, Array3, ArrayView2, Axis, Zip};
use rayon::prelude::*;

/// A regular grid in longitude/latitude; cell (iy, ix) has its centre at
/// (lon_min + (ix + ½)·dlon, lat_min + (iy + ½)·dlat). Arrays over the grid are (ny, nx).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    /// Western edge (degrees).
    pub lon_min: f64,
    /// Southern edge (degrees).
    pub lat_min: f64,
    /// Cell width in longitude (degrees).
    pub dlon: f64,
    /// Cell height in latitude (degrees).
    pub dlat: f64,
    /// Columns.
    pub nx: usize,
    /// Rows.
    pub ny: usize,
}

impl Grid {
    /// Grid from edges and cell sizes in degrees.
    pub fn new(lon_min: f64, lat_min: f64, dlon: f64, dlat: f64, nx: usize, ny: usize) -> Result<Self> {
        for (n, v) in [("lon_min", lon_min), ("lat_min", lat_min)] {
            if !v.is_finite() {
                return Err(ResidualsError::invalid(n, v, "must be finite"));
            }
        }
        for (n, v) in [("dlon", dlon), ("dlat", dlat)] {
            if !(v.is_finite() && v > 0.0) {
                return Err(ResidualsError::invalid(n, v, "must be > 0"));
            }
        }
        if nx == 0 || ny == 0 {
            return Err(ResidualsError::invalid("nx/ny", format!("{nx}×{ny}"), "grid must have cells"));
        }
        if lat_min < -90.0 || lat_min + ny as f64 * dlat > 90.0 {
            return Err(ResidualsError::invalid("lat_min", lat_min, "grid extends beyond the poles"));
        }
        Ok(Grid { lon_min, lat_min, dlon, dlat, nx, ny })
    }

    /// Grid of `nx × ny` cells of about `cell_km` × `cell_km` at the grid's central latitude
    /// (WGS84 meridional and prime-vertical radii), e.g. the seed's 768 × 400 cells of 0.7 km.
    pub fn with_cell_size_km(lon_min: f64, lat_min: f64, cell_km: f64, nx: usize, ny: usize) -> Result<Self> {
        if !(cell_km.is_finite() && cell_km > 0.0) {
            return Err(ResidualsError::invalid("cell_km", cell_km, "must be > 0"));
        }
        let e2 = WGS84_E * WGS84_E;
        // first guess of the extent, then radii at the central latitude
        let mut lat_c = lat_min + ny as f64 * cell_km / 111.0 / 2.0;
        let mut dlat = 0.0;
        let mut dlon = 0.0;
        for _ in 0..3 {
            let s = lat_c.to_radians().sin();
            let w = (1.0 - e2 * s * s).sqrt();
            let m = WGS84_A * (1.0 - e2) / (w * w * w) / 1000.0; // meridional radius, km
            let n = WGS84_A / w / 1000.0; // prime vertical radius, km
            dlat = (cell_km / m).to_degrees();
            dlon = (cell_km / (n * lat_c.to_radians().cos())).to_degrees();
            lat_c = lat_min + ny as f64 * dlat / 2.0;
        }
        Grid::new(lon_min, lat_min, dlon, dlat, nx, ny)
    }

    /// Centre (lon, lat) of cell (iy, ix).
    pub fn center(&self, iy: usize, ix: usize) -> (f64, f64) {
        (self.lon_min + (ix as f64 + 0.5) * self.dlon, self.lat_min + (iy as f64 + 0.5) * self.dlat)
    }

    /// Cell (iy, ix) containing (lon, lat), or None outside the grid.
    pub fn locate(&self, lon: f64, lat: f64) -> Option<(usize, usize)> {
        let fx = (lon - self.lon_min) / self.dlon;
        let fy = (lat - self.lat_min) / self.dlat;
        if !(fx >= 0.0 && fy >= 0.0 && fx < self.nx as f64 && fy < self.ny as f64) {
            return None;
        }
        Some((fy as usize, fx as usize))
    }
}

/// A georeferenced raster (e.g. Vs30 class or topography) on its own regular lon/lat grid,
/// sampled by nearest cell.
#[derive(Debug, Clone)]
pub struct Raster {
    /// Geometry.
    pub grid: Grid,
    /// Values, shape (ny, nx); NaN = no data.
    pub values: Array2<f64>,
}

impl Raster {
    /// Raster with values of shape (grid.ny, grid.nx).
    pub fn new(grid: Grid, values: Array2<f64>) -> Result<Self> {
        if values.dim() != (grid.ny, grid.nx) {
            return Err(ResidualsError::ShapeMismatch {
                what: "raster values vs grid".into(),
                expected: format!("({}, {})", grid.ny, grid.nx),
                got: format!("{:?}", values.dim()),
            });
        }
        Ok(Raster { grid, values })
    }

    /// Value of the cell containing (lon, lat); NaN outside the raster.
    pub fn sample(&self, lon: f64, lat: f64) -> f64 {
        self.grid.locate(lon, lat).map_or(f64::NAN, |(iy, ix)| self.values[[iy, ix]])
    }
}

/// One channel of the input map stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Event Mw (constant map).
    Magnitude,
    /// ln of the ECEF hypocentral distance (km) from the event to each cell (height = topography
    /// if given, else 0).
    LnHypocentralDistance,
    /// Event depth (km, constant map).
    Depth,
    /// Event longitude (constant map).
    EventLongitude,
    /// Event latitude (constant map).
    EventLatitude,
    /// Site velocity class / Vs30 from the velocity raster.
    Velocity,
    /// Topography (m) from the elevation raster.
    Topography,
    /// Slope from the slope raster.
    Slope,
}

/// The seed's best configuration: M, ln r, depth, lon, lat, velocity, topography (7 inputs).
pub const SEED_CHANNELS: [Channel; 7] = [
    Channel::Magnitude,
    Channel::LnHypocentralDistance,
    Channel::Depth,
    Channel::EventLongitude,
    Channel::EventLatitude,
    Channel::Velocity,
    Channel::Topography,
];

/// An event for the map stack.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapEvent {
    /// Moment magnitude.
    pub mw: f64,
    /// Epicentre longitude (degrees).
    pub lon: f64,
    /// Epicentre latitude (degrees).
    pub lat: f64,
    /// Hypocentral depth (km).
    pub depth_km: f64,
}

/// Rasters the stack may sample.
#[derive(Debug, Clone, Copy, Default)]
pub struct SiteRasters<'a> {
    /// Velocity class or Vs30.
    pub velocity: Option<&'a Raster>,
    /// Elevation (m).
    pub topography: Option<&'a Raster>,
    /// Slope.
    pub slope: Option<&'a Raster>,
}

/// Site rasters resampled once onto a grid (plan once, reuse for every event).
#[derive(Debug, Clone)]
pub struct MapStackPlan {
    grid: Grid,
    channels: Vec<Channel>,
    /// ECEF of every cell centre (height = topography or 0), shape (ny, nx) per coordinate.
    ecef: [Array2<f64>; 3],
    velocity: Option<Array2<f64>>,
    topography: Option<Array2<f64>>,
    slope: Option<Array2<f64>>,
}

fn resample(grid: &Grid, r: &Raster) -> Array2<f64> {
    Array2::from_shape_fn((grid.ny, grid.nx), |(iy, ix)| {
        let (lon, lat) = grid.center(iy, ix);
        r.sample(lon, lat)
    })
}

impl MapStackPlan {
    /// Resample the rasters needed by `channels` onto `grid` and precompute cell coordinates.
    pub fn new(grid: Grid, channels: &[Channel], rasters: SiteRasters<'_>) -> Result<Self> {
        if channels.is_empty() {
            return Err(ResidualsError::Empty { what: "channel list".into() });
        }
        let need = |c: Channel, r: Option<&Raster>, name: &'static str| -> Result<Option<Array2<f64>>> {
            if channels.contains(&c) {
                let r = r.ok_or(ResidualsError::MissingInput { model: "map stack", input: name })?;
                Ok(Some(resample(&grid, r)))
            } else {
                Ok(None)
            }
        };
        let velocity = need(Channel::Velocity, rasters.velocity, "velocity raster")?;
        let slope = need(Channel::Slope, rasters.slope, "slope raster")?;
        let topography = match rasters.topography {
            Some(r) => Some(resample(&grid, r)),
            None => need(Channel::Topography, None, "topography raster")?,
        };
        let mut xyz =
            [Array2::zeros((grid.ny, grid.nx)), Array2::zeros((grid.ny, grid.nx)), Array2::zeros((grid.ny, grid.nx))];
        for iy in 0..grid.ny {
            for ix in 0..grid.nx {
                let (lon, lat) = grid.center(iy, ix);
                let h = topography.as_ref().map_or(0.0, |t| t[[iy, ix]]);
                let h = if h.is_finite() { h } else { 0.0 };
                let p = ecef(lat, lon, h)?;
                for k in 0..3 {
                    xyz[k][[iy, ix]] = p[k];
                }
            }
        }
        Ok(MapStackPlan { grid, channels: channels.to_vec(), ecef: xyz, velocity, topography, slope })
    }

    /// The grid.
    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// Input stack of one event, shape (n_channels, ny, nx).
    pub fn build(&self, ev: &MapEvent) -> Result<Array3<f64>> {
        for (n, v) in [("mw", ev.mw), ("lon", ev.lon), ("lat", ev.lat), ("depth_km", ev.depth_km)] {
            if !v.is_finite() {
                return Err(ResidualsError::invalid(n, v, "must be finite"));
            }
        }
        let src = ecef(ev.lat, ev.lon, -1000.0 * ev.depth_km)?;
        let (ny, nx) = (self.grid.ny, self.grid.nx);
        let mut out = Array3::zeros((self.channels.len(), ny, nx));
        out.axis_iter_mut(Axis(0)).into_par_iter().zip(self.channels.par_iter()).for_each(|(mut map, ch)| {
            let fill = |v: f64| v;
            match ch {
                Channel::Magnitude => map.fill(fill(ev.mw)),
                Channel::Depth => map.fill(ev.depth_km),
                Channel::EventLongitude => map.fill(ev.lon),
                Channel::EventLatitude => map.fill(ev.lat),
                Channel::LnHypocentralDistance => Zip::from(&mut map)
                    .and(&self.ecef[0])
                    .and(&self.ecef[1])
                    .and(&self.ecef[2])
                    .for_each(|m, &x, &y, &z| {
                        let d = ((x - src[0]).powi(2) + (y - src[1]).powi(2) + (z - src[2]).powi(2)).sqrt() / 1000.0;
                        *m = d.ln();
                    }),
                Channel::Velocity => map.assign(self.velocity.as_ref().map_or(&Array2::zeros((ny, nx)), |v| v)),
                Channel::Topography => map.assign(self.topography.as_ref().map_or(&Array2::zeros((ny, nx)), |v| v)),
                Channel::Slope => map.assign(self.slope.as_ref().map_or(&Array2::zeros((ny, nx)), |v| v)),
            }
        });
        Ok(out)
    }
}

/// Per-channel min–max normalisation x_n = (x − min)/(max − min) (seed 004, eq. 11) and its
/// inverse; a constant channel (max = min) maps to 0 and back to min.
#[derive(Debug, Clone, PartialEq)]
pub struct MinMax {
    /// Minimum per channel.
    pub min: Vec<f64>,
    /// Maximum per channel.
    pub max: Vec<f64>,
}

impl MinMax {
    /// Fit over stacks of shape (n_channels, ny, nx) (NaN cells ignored).
    pub fn fit(stacks: &[Array3<f64>]) -> Result<Self> {
        let first = stacks.first().ok_or(ResidualsError::Empty { what: "stacks".into() })?;
        let c = first.dim().0;
        let mut min = vec![f64::INFINITY; c];
        let mut max = vec![f64::NEG_INFINITY; c];
        for s in stacks {
            if s.dim().0 != c {
                return Err(ResidualsError::shape("channels of stack", c, s.dim().0));
            }
            for (k, ch) in s.axis_iter(Axis(0)).enumerate() {
                for &v in ch.iter().filter(|v| v.is_finite()) {
                    min[k] = min[k].min(v);
                    max[k] = max[k].max(v);
                }
            }
        }
        if let Some(k) = min.iter().position(|v| !v.is_finite()) {
            return Err(ResidualsError::Empty { what: format!("finite values of channel {k}") });
        }
        Ok(MinMax { min, max })
    }

    /// Fit a single-channel range from values (e.g. the target ln SA).
    pub fn fit_values(values: &[f64]) -> Result<Self> {
        check_finite("values", values)?;
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Ok(MinMax { min: vec![min], max: vec![max] })
    }

    fn span(&self, k: usize) -> f64 {
        self.max[k] - self.min[k]
    }

    /// Normalise a stack in place.
    pub fn transform(&self, stack: &mut Array3<f64>) -> Result<()> {
        check_len("channels", self.min.len(), stack.dim().0)?;
        for (k, mut ch) in stack.axis_iter_mut(Axis(0)).enumerate() {
            let (lo, s) = (self.min[k], self.span(k));
            ch.mapv_inplace(|v| if s > 0.0 { (v - lo) / s } else { 0.0 });
        }
        Ok(())
    }

    /// Undo [`MinMax::transform`] in place.
    pub fn inverse(&self, stack: &mut Array3<f64>) -> Result<()> {
        check_len("channels", self.min.len(), stack.dim().0)?;
        for (k, mut ch) in stack.axis_iter_mut(Axis(0)).enumerate() {
            let (lo, s) = (self.min[k], self.span(k));
            ch.mapv_inplace(|v| lo + v * s);
        }
        Ok(())
    }

    /// Normalise values of channel `k`.
    pub fn transform_values(&self, k: usize, v: &[f64]) -> Vec<f64> {
        let (lo, s) = (self.min[k], self.span(k));
        v.iter().map(|x| if s > 0.0 { (x - lo) / s } else { 0.0 }).collect()
    }

    /// Undo [`MinMax::transform_values`].
    pub fn inverse_values(&self, k: usize, v: &[f64]) -> Vec<f64> {
        let (lo, s) = (self.min[k], self.span(k));
        v.iter().map(|x| lo + x * s).collect()
    }
}

/// Observations rasterised onto the grid: the target map and the mask of observed cells.
#[derive(Debug, Clone)]
pub struct StationMask {
    /// True at cells holding at least one station.
    pub mask: Array2<bool>,
    /// Mean observed value of the stations in each cell (NaN elsewhere).
    pub target: Array2<f64>,
    /// Indices of stations outside the grid (not rasterised).
    pub outside: Vec<usize>,
}

impl StationMask {
    /// Rasterise station observations; several stations in one cell are averaged.
    pub fn new(grid: &Grid, lon: &[f64], lat: &[f64], values: &[f64]) -> Result<Self> {
        check_len("lat", lon.len(), lat.len())?;
        check_len("values", lon.len(), values.len())?;
        check_finite("station longitudes", lon)?;
        check_finite("station latitudes", lat)?;
        check_finite("station values", values)?;
        let mut sum = Array2::<f64>::zeros((grid.ny, grid.nx));
        let mut cnt = Array2::<f64>::zeros((grid.ny, grid.nx));
        let mut outside = Vec::new();
        for i in 0..lon.len() {
            match grid.locate(lon[i], lat[i]) {
                Some(c) => {
                    sum[c] += values[i];
                    cnt[c] += 1.0;
                }
                None => outside.push(i),
            }
        }
        let mask = cnt.mapv(|c| c > 0.0);
        let target = Zip::from(&sum).and(&cnt).map_collect(|&s, &c| if c > 0.0 { s / c } else { f64::NAN });
        Ok(StationMask { mask, target, outside })
    }

    /// Seed 004's Gaussian NLL (eq. 10) of predicted mean and variance maps at the observed cells.
    pub fn gaussian_nll(&self, mean: ArrayView2<f64>, variance: ArrayView2<f64>) -> Result<f64> {
        if mean.dim() != self.mask.dim() || variance.dim() != self.mask.dim() {
            return Err(ResidualsError::ShapeMismatch {
                what: "prediction maps vs mask".into(),
                expected: format!("{:?}", self.mask.dim()),
                got: format!("{:?} / {:?}", mean.dim(), variance.dim()),
            });
        }
        let idx: Vec<(usize, usize)> = self.mask.indexed_iter().filter(|(_, m)| **m).map(|(i, _)| i).collect();
        let y: Vec<f64> = idx.iter().map(|&i| self.target[i]).collect();
        let m: Vec<f64> = idx.iter().map(|&i| mean[i]).collect();
        let v: Vec<f64> = idx.iter().map(|&i| variance[i]).collect();
        crate::scores::gaussian_nll(&y, &m, &v, None)
    }
}

/// One bin of a comparison table.
#[derive(Debug, Clone, PartialEq)]
pub struct BinRow {
    /// Magnitude bin [lo, hi] (inclusive).
    pub mag_bin: (f64, f64),
    /// Distance bin [lo, hi).
    pub dist_bin: (f64, f64),
    /// Records in the bin.
    pub count: usize,
    /// Mean of each series over the bin's records (NaN when empty).
    pub means: Vec<f64>,
}

/// Binned comparison table (seed 004, Figure 55): for each magnitude bin (inclusive bounds, e.g.
/// 4–4.4, 4.5–4.9, …) × distance bin (edges, [lo, hi)), the number of records and the mean of
/// every series (e.g. ln SA of observations, the data-driven model and each GMPE).
pub fn binned_table(
    mag: &[f64],
    distance: &[f64],
    series: &[&[f64]],
    mag_bins: &[(f64, f64)],
    dist_edges: &[f64],
) -> Result<Vec<BinRow>> {
    check_len("distance", mag.len(), distance.len())?;
    check_finite("magnitudes", mag)?;
    check_finite("distances", distance)?;
    for s in series {
        check_len("series", mag.len(), s.len())?;
    }
    if dist_edges.len() < 2 || dist_edges.windows(2).any(|w| w[0].partial_cmp(&w[1]) != Some(std::cmp::Ordering::Less))
    {
        return Err(ResidualsError::invalid("dist_edges", format!("{dist_edges:?}"), "need ≥ 2 increasing edges"));
    }
    let mut rows = Vec::new();
    for &(mlo, mhi) in mag_bins {
        for w in dist_edges.windows(2) {
            let idx: Vec<usize> = (0..mag.len())
                .filter(|&i| mag[i] >= mlo && mag[i] <= mhi && distance[i] >= w[0] && distance[i] < w[1])
                .collect();
            let means = series
                .iter()
                .map(|s| {
                    let v: Vec<f64> = idx.iter().map(|&i| s[i]).filter(|v| v.is_finite()).collect();
                    if v.is_empty() { f64::NAN } else { v.iter().sum::<f64>() / v.len() as f64 }
                })
                .collect();
            rows.push(BinRow { mag_bin: (mlo, mhi), dist_bin: (w[0], w[1]), count: idx.len(), means });
        }
    }
    Ok(rows)
}
