"""hvsrpy timing for `cargo xtask bench hvsr` (same record and settings as benches/hvsr.rs).

Workload (issue 5): one hour of 3-C data at 100 Hz, 60 s windows, linear detrend, Tukey 0.1,
nfft 32768, geometric mean, Konno-Ohmachi b=40 at 256 log-spaced frequencies 0.2-20 Hz,
FDWRA n=2, SESAME.
- hvsr_1h_steady: in-process median of 5 runs of hvsrpy.read (ObsPy) of the miniSEED file +
  preprocess + process + FDWRA + SESAME (numba already compiled) — the steady-state figure of
  the reference notes (section 9).
- hvsr_1h_process: the same with the record already in memory (no file read).
- hvsr_1h_whole: median of 3 fresh Python processes doing import + read + the pipeline (what a
  user waits for).
Prints the CPU times (process_time) on the line before the JSON object (wall medians, seconds)
on the last line.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_data import FS, bench_record, mseed_path  # noqa: E402

PIPELINE = r'''
import numpy as np
import hvsrpy
from hvsrpy import sesame

def pipeline(rec):
    pre = hvsrpy.HvsrPreProcessingSettings(window_length_in_seconds=60.0, detrend="linear")
    recs = hvsrpy.preprocess(rec, pre)
    settings = hvsrpy.HvsrTraditionalProcessingSettings(
        smoothing=dict(operator="konno_and_ohmachi", bandwidth=40, center_frequencies_in_hz=np.geomspace(0.2, 20, 256)),
        method_to_combine_horizontals="geometric_mean")
    hv = hvsrpy.process(recs, settings)
    hvsrpy.frequency_domain_window_rejection(hv, n=2, max_iterations=50)
    mean, std = hv.mean_curve("lognormal"), hv.std_curve("lognormal")
    nvalid = int(np.sum(hv.valid_window_boolean_mask))
    sesame.reliability(60.0, nvalid, hv.frequency, mean, std, verbose=0)
    sesame.clarity(hv.frequency, mean, std, hv.std_fn_frequency("normal"), verbose=0)
    return hv

def from_file(path):
    return pipeline(hvsrpy.read([path])[0])

def from_arrays(ns, ew, vt, fs):
    dt = 1.0 / fs
    return pipeline(hvsrpy.SeismicRecording3C(hvsrpy.TimeSeries(ns, dt), hvsrpy.TimeSeries(ew, dt),
                                              hvsrpy.TimeSeries(vt, dt)))
'''


def timed(fn, repeats=5):
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return float(np.median(wall)), float(np.median(cpu))


def main():
    ns, ew, vt = bench_record()
    path = mseed_path((ns, ew, vt))
    env = {}
    exec(PIPELINE, env)
    hv = env["from_file"](path)  # warm-up (numba compile / cache)
    print(f"hvsrpy: {len(hv.valid_window_boolean_mask)} windows, {int(np.sum(hv.valid_window_boolean_mask))} valid "
          f"({path})")
    steady, steady_cpu = timed(lambda: env["from_file"](path))
    process, process_cpu = timed(lambda: env["from_arrays"](ns.copy(), ew.copy(), vt.copy(), FS))

    with tempfile.TemporaryDirectory() as d:
        script = os.path.join(d, "whole.py")
        with open(script, "w") as f:
            f.write(PIPELINE + f"\nfrom_file({path!r})\n")
        whole, whole_cpu = [], []
        for _ in range(3):
            t0 = time.perf_counter()
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([sys.executable, script], check=True)
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            whole.append(time.perf_counter() - t0)
            whole_cpu.append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
    # CPU seconds (less sensitive to a shared machine than wall time), for the notes
    print(f"cpu: steady {steady_cpu:.4f} s, process {process_cpu:.4f} s, whole {np.median(whole_cpu):.3f} s")
    print(json.dumps({"hvsr_1h_steady": steady, "hvsr_1h_process": process, "hvsr_1h_whole": float(np.median(whole))}))


if __name__ == "__main__":
    main()
