"""hazardlib timing for the gmm-residuals criterion cases on identical inputs.

Contexts: the same counter-based Weyl sequence as benches/gmm_residuals.rs (1 000 000 pairs,
M 3.5–7.5, Rjb 0–300 km, Vs30 200–1500 m/s, depth 2–30 km, rake −180…180). Times
`gsim.compute` (all outputs), median over repeats, into arrays allocated per call (`<case>`,
as `get_mean_stds`) or once (`<case>_into`); `<case>_stream` (seisml's chunked reduction) has no
hazardlib counterpart and reuses the `<case>` time. Prints peak RSS on stderr and one JSON object
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


def timed(gsim, c, imts, repeats, prealloc):
    """Median wall time of gsim.compute; outputs allocated per call (as get_mean_stds) or once."""
    imts = [from_string(s) for s in imts]
    times, cpu = [], []
    out = [np.zeros((len(imts), N)) for _ in range(4)]
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.thread_time()
        if not prealloc:
            out = [np.zeros((len(imts), N)) for _ in range(4)]
        gsim.compute(c, imts, *out)
        times.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
    print(f"{gsim.__class__.__name__} {len(imts)} IMTs prealloc={prealloc}: median wall "
          f"{np.median(times):.4f} s, thread CPU {np.median(cpu):.4f} s", file=sys.stderr)
    return float(np.median(times))


def main():
    c = ctx()
    kotha = (valid.gsim("[KothaEtAl2020]"), ["SA(1.0)"], 7)
    boore = (valid.gsim("[BooreEtAl2014]"),
             ["PGA", "PGV", "SA(0.1)", "SA(0.2)", "SA(0.5)", "SA(1.0)", "SA(2.0)", "SA(3.0)"], 3)
    res = {}
    for case, (gsim, imts, repeats) in [("kotha2020_sa1_1m", kotha), ("boore2014_8im_1m", boore)]:
        res[case] = timed(gsim, c, imts, repeats, prealloc=False)
        res[f"{case}_into"] = timed(gsim, c, imts, repeats, prealloc=True)
        # hazardlib has no streaming evaluation: the same full computation is the reference
        res[f"{case}_stream"] = res[case]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"peak RSS {rss:.0f} MB", file=sys.stderr)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
