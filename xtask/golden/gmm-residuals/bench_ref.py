"""hazardlib timing for the gmm-residuals criterion cases on identical inputs.

Contexts: the same counter-based Weyl sequence as benches/gmm_residuals.rs (1 000 000 pairs,
M 3.5–7.5, Rjb 0–300 km, Vs30 200–1500 m/s, depth 2–30 km, rake −180…180). Times
`gsim.compute` (all outputs), median over repeats. Prints peak RSS on stderr and one JSON object
{case: median seconds} on the last stdout line.
"""
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oqenv  # noqa: E402,F401

import numpy as np  # noqa: E402
from openquake.hazardlib import valid  # noqa: E402
from openquake.hazardlib.imt import from_string  # noqa: E402

N = 1_000_000


def weyl(p):
    i = np.arange(N, dtype=np.float64)
    a = np.sqrt(p) % 1.0
    x = i * a + 0.5
    return x - np.floor(x)


def ctx():
    dt = [(k, float) for k in ("mag", "rjb", "vs30", "hypo_depth", "rake")]
    c = np.recarray(N, dt)
    c.mag = 3.5 + 4.0 * weyl(2.0)
    c.rjb = 300.0 * weyl(3.0)
    c.vs30 = 200.0 + 1300.0 * weyl(5.0)
    c.hypo_depth = 2.0 + 28.0 * weyl(7.0)
    c.rake = -180.0 + 360.0 * weyl(11.0)
    return c


def timed(gsim, c, imts, repeats):
    imts = [from_string(s) for s in imts]
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = [np.zeros((len(imts), N)) for _ in range(4)]
        gsim.compute(c, imts, *out)
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main():
    c = ctx()
    res = {
        "kotha2020_sa1_1m": timed(valid.gsim("[KothaEtAl2020]"), c, ["SA(1.0)"], 7),
        "boore2014_8im_1m": timed(valid.gsim("[BooreEtAl2014]"), c,
                                  ["PGA", "PGV", "SA(0.1)", "SA(0.2)", "SA(0.5)", "SA(1.0)", "SA(2.0)", "SA(3.0)"], 3),
    }
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"peak RSS {rss:.0f} MB", file=sys.stderr)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
