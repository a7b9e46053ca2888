"""Reference timing for benches/augment.rs: seisbench 0.12.6 GenericGenerator, seconds per sample.

Same 200 traces (3 x 6000 float32, 100 Hz; same formula as the Rust bench), written with
seisbench's WaveformDataWriter to a temporary directory and loaded with cache="full" (preloaded),
same pipelines: phasenet_pipeline = WindowAroundSample([P, S], 3000 before, 6000, random,
variable) -> RandomWindow(3001, pad) -> Normalize(demean, peak per channel) -> float32 ->
ProbabilisticLabeller(sigma=30, dim=0); phasenet_pipeline_full adds a 4th-order 1-30 Hz zero-phase
band-pass, OneOf channel dropout (0.3), gap (0.2) and Gaussian noise (0.5) after the windows.
Prints one JSON object {case: median seconds per sample} on its last line.
"""

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import seisbench
import seisbench.data as sbd
import seisbench.generate as sbg

N_TRACES, N = 200, 6000


def traces():
    i = np.arange(N, dtype=np.float64)
    for k in range(N_TRACES):
        p = 1000 + (17 * k) % 3000
        s = p + 300 + (31 * k) % 500
        x = np.empty((3, N))
        for c in range(3):
            v = 0.1 * np.sin(0.37 * i + c + 0.1 * k)
            v += np.where(i >= p, np.exp(-(i - p) / 300.0) * np.sin(0.9 * i + c), 0.0)
            v += np.where(i >= s, 2.0 * np.exp(-(i - s) / 500.0) * np.sin(0.4 * i + c), 0.0)
            x[c] = v
        meta = {"trace_name": f"b{k:03d}", "trace_sampling_rate_hz": 100.0, "trace_component_order": "ZNE",
                "trace_P_arrival_sample": float(p), "trace_S_arrival_sample": float(s)}
        yield meta, x.astype(np.float32)


def pipeline(full):
    augs = [
        sbg.WindowAroundSample(["trace_P_arrival_sample", "trace_S_arrival_sample"], samples_before=3000,
                               windowlen=6000, selection="random", strategy="variable"),
        sbg.RandomWindow(windowlen=3001, strategy="pad"),
    ]
    if full:
        augs += [
            sbg.Filter(4, [1.0, 30.0], btype="bandpass", forward_backward=True),
            sbg.OneOf([sbg.ChannelDropout(), sbg.NullAugmentation()], [0.3, 0.7]),
            sbg.OneOf([sbg.AddGap(), sbg.NullAugmentation()], [0.2, 0.8]),
            sbg.OneOf([sbg.GaussianNoise(), sbg.NullAugmentation()], [0.5, 0.5]),
        ]
    augs += [
        sbg.Normalize(demean_axis=-1, amp_norm_axis=-1, amp_norm_type="peak"),
        sbg.ChangeDtype(np.float32),
        sbg.ProbabilisticLabeller(sigma=30, dim=0),
    ]
    return augs


def main():
    seisbench.logger.setLevel("ERROR")
    np.random.seed(1)
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with sbd.WaveformDataWriter(tmp / "metadata.csv", tmp / "waveforms.hdf5") as w:
            w.data_format = {"dimension_order": "CW", "component_order": "ZNE", "sampling_rate": 100.0}
            for meta, x in traces():
                w.add_trace(meta, x)
        ds = sbd.WaveformDataset(tmp, component_order="ZNE", cache="full")
        ds.preload_waveforms()
        for case, full in [("phasenet_pipeline", False), ("phasenet_pipeline_full", True)]:
            gen = sbg.GenericGenerator(ds)
            gen.add_augmentations(pipeline(full))
            gen[0]  # warm-up
            times, cpu = [], []
            for _ in range(reps):
                t, c = time.perf_counter(), time.process_time()
                for i in range(N_TRACES):
                    gen[i]
                times.append((time.perf_counter() - t) / N_TRACES)
                cpu.append((time.process_time() - c) / N_TRACES)
            out[case] = float(np.median(times))
            # CPU time of the process too: on a loaded machine wall time is inflated by waiting.
            print(f"{case}: {1 / out[case]:.0f} samples/s wall, {np.median(cpu) * 1e6:.0f} µs CPU per sample",
                  file=sys.stderr)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
