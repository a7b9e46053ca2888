"""Geodesic epicentral distances (pyproj Geod WGS84, Karney) and ECEF coordinates
(pyproj EPSG:4979 -> EPSG:4978) for seeded points. Writes tests/golden/gmm-residuals/geometry.npz."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oqenv  # noqa: E402,F401

import numpy as np  # noqa: E402
from pyproj import Geod, Transformer  # noqa: E402

OUT = os.path.join("tests", "golden", "gmm-residuals", "geometry.npz")


def main():
    rng = np.random.default_rng(77)
    n = 200
    lat1 = rng.uniform(-80, 80, n)
    lon1 = rng.uniform(-180, 180, n)
    # mix of local (≤ 300 km) and long distances
    lat2 = np.where(np.arange(n) < 150, lat1 + rng.uniform(-2.5, 2.5, n), rng.uniform(-80, 80, n))
    lon2 = np.where(np.arange(n) < 150, lon1 + rng.uniform(-2.5, 2.5, n), rng.uniform(-170, 170, n))
    lat2 = np.clip(lat2, -89.0, 89.0)
    _, _, d = Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)
    h = rng.uniform(-30000.0, 3000.0, n)
    tr = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
    x, y, z = tr.transform(lon1, lat1, h)
    np.savez_compressed(OUT, lat1=lat1, lon1=lon1, lat2=lat2, lon2=lon2, dist_km=d / 1000.0, h=h, x=x, y=y, z=z)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
