//! Geometry on the WGS84 ellipsoid: ECEF coordinates, hypocentral and epicentral (geodesic)
//! distances, and the point-source distance metrics used by the GMPEs.
//!
//! Conventions: latitudes and longitudes in degrees, depths and distances in km, heights in m.
//! For the ECEF hypocentral distance (seed 004, eq. 7–8) the hypocentre has height −depth and a
//! station or grid point its elevation (or 0).

use crate::{ResidualsError, Result};

/// WGS84 semi-major axis (m).
pub const WGS84_A: f64 = 6_378_137.0;
/// WGS84 flattening.
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// WGS84 first eccentricity as given in seed 004 (e = 8.181919084262e-2).
pub const WGS84_E: f64 = 8.181919084262e-2;

fn finite(name: &'static str, v: f64) -> Result<f64> {
    if v.is_finite() { Ok(v) } else { Err(ResidualsError::invalid(name, v, "must be finite")) }
}

fn latlon(lat: f64, lon: f64) -> Result<(f64, f64)> {
    let lat = finite("latitude", lat)?;
    let lon = finite("longitude", lon)?;
    if !(-90.0..=90.0).contains(&lat) {
        return Err(ResidualsError::invalid("latitude", lat, "must be within [-90, 90] degrees"));
    }
    Ok((lat, lon))
}

/// Earth-centred, earth-fixed (X, Y, Z) in metres of a point at geodetic latitude/longitude
/// (degrees) and ellipsoidal height `h` (m):
/// N = a/√(1 − e² sin²φ), X = (N + h) cos φ cos λ, Y = (N + h) cos φ sin λ,
/// Z = ((1 − e²) N + h) sin φ.
pub fn ecef(lat: f64, lon: f64, h: f64) -> Result<[f64; 3]> {
    let (lat, lon) = latlon(lat, lon)?;
    let h = finite("height", h)?;
    let (phi, lam) = (lat.to_radians(), lon.to_radians());
    let e2 = WGS84_E * WGS84_E;
    let n = WGS84_A / (1.0 - e2 * phi.sin().powi(2)).sqrt();
    Ok([(n + h) * phi.cos() * lam.cos(), (n + h) * phi.cos() * lam.sin(), ((1.0 - e2) * n + h) * phi.sin()])
}

/// Straight-line (ECEF) hypocentral distance in km between an event (depth in km, positive down)
/// and a site at elevation `site_elevation_m` (m above the ellipsoid; 0 if unknown).
pub fn hypocentral_distance(
    ev_lat: f64,
    ev_lon: f64,
    ev_depth_km: f64,
    site_lat: f64,
    site_lon: f64,
    site_elevation_m: f64,
) -> Result<f64> {
    let a = ecef(ev_lat, ev_lon, -1000.0 * finite("depth", ev_depth_km)?)?;
    let b = ecef(site_lat, site_lon, site_elevation_m)?;
    Ok(((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt() / 1000.0)
}

/// Geodesic distance on the WGS84 ellipsoid in km (Vincenty's inverse formula, converged to
/// 1e-12 rad; an error if the iteration does not converge, which only happens for nearly
/// antipodal points).
pub fn epicentral_distance(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> Result<f64> {
    let (lat1, lon1) = latlon(lat1, lon1)?;
    let (lat2, lon2) = latlon(lat2, lon2)?;
    let (a, f) = (WGS84_A, WGS84_F);
    let b = a * (1.0 - f);
    let l = (lon2 - lon1).to_radians();
    let u1 = ((1.0 - f) * lat1.to_radians().tan()).atan();
    let u2 = ((1.0 - f) * lat2.to_radians().tan()).atan();
    let (su1, cu1, su2, cu2) = (u1.sin(), u1.cos(), u2.sin(), u2.cos());
    let mut lam = l;
    for _ in 0..200 {
        let (sl, cl) = (lam.sin(), lam.cos());
        let sin_sigma = ((cu2 * sl).powi(2) + (cu1 * su2 - su1 * cu2 * cl).powi(2)).sqrt();
        if sin_sigma == 0.0 {
            return Ok(0.0); // coincident points
        }
        let cos_sigma = su1 * su2 + cu1 * cu2 * cl;
        let sigma = sin_sigma.atan2(cos_sigma);
        let sin_alpha = cu1 * cu2 * sl / sin_sigma;
        let cos2_alpha = 1.0 - sin_alpha * sin_alpha;
        // equatorial line: cos²α = 0
        let cos_2sm = if cos2_alpha != 0.0 { cos_sigma - 2.0 * su1 * su2 / cos2_alpha } else { 0.0 };
        let c = f / 16.0 * cos2_alpha * (4.0 + f * (4.0 - 3.0 * cos2_alpha));
        let prev = lam;
        lam = l
            + (1.0 - c)
                * f
                * sin_alpha
                * (sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1.0 + 2.0 * cos_2sm * cos_2sm)));
        if (lam - prev).abs() < 1e-12 {
            let u_sq = cos2_alpha * (a * a - b * b) / (b * b);
            let ca = 1.0 + u_sq / 16384.0 * (4096.0 + u_sq * (-768.0 + u_sq * (320.0 - 175.0 * u_sq)));
            let cb = u_sq / 1024.0 * (256.0 + u_sq * (-128.0 + u_sq * (74.0 - 47.0 * u_sq)));
            let ds = cb
                * sin_sigma
                * (cos_2sm
                    + cb / 4.0
                        * (cos_sigma * (-1.0 + 2.0 * cos_2sm * cos_2sm)
                            - cb / 6.0
                                * cos_2sm
                                * (-3.0 + 4.0 * sin_sigma * sin_sigma)
                                * (-3.0 + 4.0 * cos_2sm * cos_2sm)));
            return Ok(b * ca * (sigma - ds) / 1000.0);
        }
    }
    Err(ResidualsError::invalid(
        "epicentral_distance",
        format!("({lat1}, {lon1}) – ({lat2}, {lon2})"),
        "geodesic iteration did not converge (nearly antipodal points)",
    ))
}

/// Great-circle distance in km on a sphere of radius 6371 km (hazardlib's `geodetic.distance`
/// convention), for comparison with hazardlib-computed flatfile distances.
pub fn haversine_distance(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> Result<f64> {
    let (lat1, lon1) = latlon(lat1, lon1)?;
    let (lat2, lon2) = latlon(lat2, lon2)?;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    Ok(2.0 * 6371.0 * h.sqrt().asin())
}

/// Distances of a site from a point source (no finite rupture): R_JB = R_epi and
/// R_rup = R_hypo = √(R_epi² + depth²) (the project's golden-grid convention).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointSourceDistances {
    /// Epicentral distance (km, geodesic).
    pub repi: f64,
    /// Hypocentral distance (km, flat-earth √(repi² + depth²)).
    pub rhypo: f64,
    /// Joyner–Boore distance (km) = repi for a point source.
    pub rjb: f64,
    /// Rupture distance (km) = rhypo for a point source.
    pub rrup: f64,
}

impl PointSourceDistances {
    /// Distances between an event (degrees, depth km) and a site (degrees).
    pub fn new(ev_lat: f64, ev_lon: f64, ev_depth_km: f64, site_lat: f64, site_lon: f64) -> Result<Self> {
        let depth = finite("depth", ev_depth_km)?;
        let repi = epicentral_distance(ev_lat, ev_lon, site_lat, site_lon)?;
        let rhypo = (repi * repi + depth * depth).sqrt();
        Ok(PointSourceDistances { repi, rhypo, rjb: repi, rrup: rhypo })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn simple_cases() {
        let d = epicentral_distance(0.0, 0.0, 0.0, 1.0).unwrap();
        assert!((d - 111.319_490_793).abs() < 1e-6, "{d}");
        assert_eq!(epicentral_distance(10.0, 10.0, 10.0, 10.0).unwrap(), 0.0);
        assert!(ecef(91.0, 0.0, 0.0).is_err());
        assert!(epicentral_distance(f64::NAN, 0.0, 0.0, 0.0).is_err());
        let r = hypocentral_distance(42.0, 13.0, 10.0, 42.0, 13.0, 0.0).unwrap();
        assert!((r - 10.0).abs() < 1e-9);
    }
}
