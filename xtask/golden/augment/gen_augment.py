"""Golden data for the `augment` crate, from seisbench 0.12.6 (pinned in requirements.txt).

1. Writes a tiny SeisBench dataset with seisbench's own WaveformDataWriter to
   tests/golden/augment/tiny/ (metadata.csv + waveforms.hdf5) and the same traces to
   tests/golden/augment/dataset.npz (+ dataset.json metadata) so Rust tests can read them
   without an HDF5 reader.
2. Runs deterministic seisbench.generate cases on it (windows, Normalize, Filter, labellers,
   rotation; random augmentations with their numpy draws pinned by monkeypatching) and writes
   the outputs to tests/golden/augment/cases.npz + cases.json.

Run from the repository root: python xtask/golden/augment/gen_augment.py
"""

import json
import shutil
from pathlib import Path

import numpy as np
import seisbench.data as sbd
import seisbench.generate as sbg

OUT = Path("tests/golden/augment")
TINY = OUT / "tiny"
SR = 100.0
N_TRACES = 12


def make_traces(rng):
    traces = []
    for i in range(N_TRACES):
        n = int(rng.integers(1500, 3001))
        t = np.arange(n) / SR
        p = float(rng.integers(300, n - 700))
        s = p + float(rng.integers(100, 500))
        if i == 5:
            p += 0.5  # fractional pick: int() truncation
        x = rng.normal(0.0, 0.05, (3, n)) + 0.001 * t  # noise + small trend
        for c in range(3):
            amp_p = (1.0 if c == 0 else 0.4) * rng.uniform(0.5, 2.0)
            amp_s = (0.5 if c == 0 else 1.5) * rng.uniform(0.5, 2.0)
            tp = np.clip(t - p / SR, 0, None)
            ts = np.clip(t - s / SR, 0, None)
            x[c] += amp_p * (t >= p / SR) * np.exp(-tp / 1.5) * np.sin(2 * np.pi * 6.0 * tp)
            x[c] += amp_s * (t >= s / SR) * np.exp(-ts / 2.5) * np.sin(2 * np.pi * 3.0 * ts + c)
        meta = {
            "trace_name": f"tiny_{i:02d}",
            "trace_sampling_rate_hz": SR,
            "trace_component_order": "ZNE",
            "trace_P_arrival_sample": p,
            "trace_S_arrival_sample": s,
            "trace_snr_db": float(rng.uniform(5, 40)),
            "source_magnitude": float(rng.uniform(0.5, 5.0)),
            "split": ["train", "dev", "test"][i % 3],
        }
        if i % 4 == 3:
            meta["trace_S_arrival_sample"] = np.nan
        if i == 7:
            meta["trace_P_arrival_sample"] = np.nan
            meta["trace_S_arrival_sample"] = np.nan
        traces.append((meta, x.astype(np.float32)))
    return traces


def write_dataset(traces):
    if TINY.exists():
        shutil.rmtree(TINY)
    TINY.mkdir(parents=True)
    with sbd.WaveformDataWriter(TINY / "metadata.csv", TINY / "waveforms.hdf5") as w:
        w.data_format = {"dimension_order": "CW", "component_order": "ZNE", "sampling_rate": SR,
                         "measurement": "velocity", "unit": "counts", "instrument_response": "not restituted"}
        for meta, x in traces:
            w.add_trace(meta, x)
    np.savez_compressed(OUT / "dataset.npz", **{f"wf{i}": x for i, (_, x) in enumerate(traces)})
    metas = [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in m.items()} for m, _ in traces]
    (OUT / "dataset.json").write_text(json.dumps(metas, indent=1))


class Pinned:
    """Replace numpy's global random draws used by seisbench with pinned values."""

    def __init__(self, randint=(), perm=None):
        self.randint = list(randint)
        self.perm = perm

    def __enter__(self):
        self._ri, self._sh = np.random.randint, np.random.shuffle
        vals = self.randint

        def randint(*a, **k):
            return vals.pop(0)

        def shuffle(arr):
            arr[:] = self.perm

        np.random.randint = randint
        np.random.shuffle = shuffle
        return self

    def __exit__(self, *exc):
        np.random.randint, np.random.shuffle = self._ri, self._sh


LABELLERS = {"prob", "point", "step", "detection", "standard"}
P, S = "trace_P_arrival_sample", "trace_S_arrival_sample"


def build(op):
    """seisbench augmentation for one op description (the Rust test builds the same)."""
    k = op["op"]
    if k == "fixed":
        return sbg.FixedWindow(p0=op["p0"], windowlen=op["windowlen"], strategy=op["strategy"])
    if k == "around":
        return sbg.WindowAroundSample(op["keys"], samples_before=op["samples_before"], windowlen=op["windowlen"],
                                      selection="first", strategy=op["strategy"])
    if k == "random_window":
        return sbg.RandomWindow(low=op.get("low"), high=op.get("high"), windowlen=op["windowlen"],
                                strategy=op["strategy"])
    if k == "normalize":
        return sbg.Normalize(demean_axis=op.get("demean"), detrend_axis=op.get("detrend"),
                             amp_norm_axis=op.get("amp"), amp_norm_type=op.get("type", "peak"))
    if k == "filter":
        return sbg.Filter(op["N"], op["Wn"], btype=op["btype"], forward_backward=op["zero_phase"])
    if k == "prob":
        kw = dict(shape=op["shape"], sigma=op["sigma"], dim=0)
        if "columns" in op:
            kw["label_columns"] = op["columns"]
        if "noise" in op:
            kw["noise_column"] = op["noise"]
        if "model_labels" in op:
            kw["model_labels"] = op["model_labels"]
        return sbg.ProbabilisticLabeller(**kw)
    if k == "point":
        return sbg.ProbabilisticPointLabeller(position=op["position"], shape=op["shape"], sigma=op["sigma"])
    if k == "step":
        return sbg.StepLabeller(key=("X", "y"))
    if k == "detection":
        return sbg.DetectionLabeller(P, s_phases=S if op.get("fixed") is None else None, factor=op.get("factor", 1.4),
                                     fixed_window=op.get("fixed"), key=("X", "detections"))
    if k == "standard":
        return sbg.StandardLabeller(on_overlap=op["on_overlap"], low=op.get("low"), high=op.get("high"))
    if k == "rotate_ne":
        return sbg.RotateHorizontalComponents(alpha=op["alpha"])
    if k == "dropout":
        aug = sbg.ChannelDropout(check_meta_picks_in_gap=True, label_keys="y")
        return lambda sd: _pinned(aug, sd, randint=[op["n_drop"]], perm=op["perm"])
    if k == "gap":
        aug = sbg.AddGap(metadata_picks_in_gap_threshold=op.get("threshold"), label_keys="y")
        return lambda sd: _pinned(aug, sd, randint=[op["start"], op["end"]])
    if k == "roll":
        aug = sbg.RandomArrayRotation(keys=["X", "y"])
        return lambda sd: _pinned(aug, sd, randint=[op["shift"]])
    if k == "random_window_at":
        aug = sbg.RandomWindow(low=op.get("low"), high=op.get("high"), windowlen=op["windowlen"],
                               strategy=op["strategy"])
        return lambda sd: _pinned(aug, sd, randint=[op["p0"]])
    if k == "steered":
        def steer(sd):
            sd["_control_"] = {"start_sample": op["start"], "end_sample": op["end"]}
            sbg.SteeredWindow(windowlen=op["windowlen"], strategy=op["strategy"])(sd)
            del sd["_control_"]
        return steer
    raise ValueError(k)


def _pinned(aug, sd, **kw):
    with Pinned(**kw):
        aug(sd)


def main():
    rng = np.random.default_rng(20201)
    traces = make_traces(rng)
    write_dataset(traces)
    ds = sbd.WaveformDataset(TINY, component_order="ZNE", cache="full")
    ds.preload_waveforms()
    # check the reader returns exactly what was written
    for i, (_, x) in enumerate(traces):
        assert np.array_equal(ds.get_waveforms(i), x)

    win = lambda strat, p0=100, wl=800: {"op": "fixed", "p0": p0, "windowlen": wl, "strategy": strat}
    around = lambda strat, sb=300, wl=800: {"op": "around", "keys": [P, S], "samples_before": sb, "windowlen": wl,
                                            "strategy": strat}
    cases = []

    def case(name, trace, ops):
        cases.append({"name": name, "trace": trace, "ops": ops})

    # windows
    for strat in ["fail", "pad", "move", "variable"]:
        case(f"fixed_{strat}", 0, [win(strat)])
        if strat != "fail":
            case(f"fixed_{strat}_neg", 1, [win(strat, p0=-150)])
            case(f"fixed_{strat}_end", 2, [win(strat, p0=2800, wl=800)])
            case(f"fixed_{strat}_far", 3, [win(strat, p0=-1000, wl=600)])
    for strat in ["pad", "variable"]:
        for t in [4, 5, 7, 8]:
            case(f"around_{strat}_{t}", t, [around(strat)])
        case(f"around_{strat}_long_{9}", 9, [around(strat, sb=3000, wl=6000)])
    case("random_window_fit", 6, [{"op": "random_window_at", "windowlen": 700, "strategy": "pad", "p0": 123}])
    case("random_window_low_high", 6, [{"op": "random_window_at", "low": 200, "high": 1400, "windowlen": 700,
                                        "strategy": "fail", "p0": 321}])
    case("random_window_pad", 6, [{"op": "random_window_at", "low": 200, "high": 700, "windowlen": 800,
                                   "strategy": "pad", "p0": 50}])
    case("random_window_variable", 6, [{"op": "random_window", "low": 200, "high": 700, "windowlen": 800,
                                        "strategy": "variable"}])
    for t, st, en, wl, strat in [(2, 500, 700, 600, "fail"), (2, 100, 300, 600, "fail"), (2, 1800, 2000, 900, "pad"),
                                 (4, 200, 1000, 800, "fail"), (4, 300, 500, None, "fail"), (0, 10, 50, 3500, "pad")]:
        case(f"steered_{t}_{st}_{wl}", t, [{"op": "steered", "start": st, "end": en, "windowlen": wl, "strategy": strat}])
    # normalisation
    for name, op in [("demean", {"demean": -1}), ("detrend", {"detrend": -1}), ("peak", {"amp": -1}),
                     ("std", {"amp": -1, "type": "std"}), ("peak_global", {"amp": (0, 1)}),
                     ("std_global", {"amp": (0, 1), "type": "std"}), ("demean_global", {"demean": (0, 1)}),
                     ("all", {"demean": -1, "detrend": -1, "amp": -1})]:
        case(f"normalize_{name}", 10, [win("pad", 200, 900), dict({"op": "normalize"}, **op)])
    # filters
    for name, op in [("low4", {"N": 4, "Wn": 10.0, "btype": "lowpass"}), ("high2", {"N": 2, "Wn": 2.0, "btype": "highpass"}),
                     ("band4", {"N": 4, "Wn": [1.0, 30.0], "btype": "bandpass"})]:
        for zp in [False, True]:
            case(f"filter_{name}_{'zp' if zp else 'causal'}", 11,
                 [win("pad", 100, 1200), dict({"op": "filter", "zero_phase": zp}, **op)])
    # labellers (after a window so arrivals move)
    for t in [0, 3, 5, 7]:
        for shape, sigma in [("gaussian", 10), ("gaussian", 30), ("triangle", 20), ("box", 15)]:
            case(f"prob_{shape}{sigma}_{t}", t, [around("pad"), {"op": "prob", "shape": shape, "sigma": sigma}])
    case("prob_model_labels", 0, [around("pad"), {"op": "prob", "shape": "gaussian", "sigma": 20,
                                                  "model_labels": ["P", "S", "N"]}])
    case("prob_model_labels_rev", 0, [around("pad"), {"op": "prob", "shape": "triangle", "sigma": 20,
                                                      "model_labels": ["N", "S", "P"]}])
    case("prob_no_noise", 0, [around("pad"), {"op": "prob", "shape": "gaussian", "sigma": 20, "noise": False}])
    case("prob_overlap", 4, [win("pad", 0, 3000), {"op": "prob", "shape": "box", "sigma": 400}])
    case("prob_columns", 0, [around("pad"), {"op": "prob", "shape": "gaussian", "sigma": 20, "columns": [S]}])
    for t in [0, 3, 7]:
        case(f"step_{t}", t, [around("pad"), {"op": "step"}])
        case(f"detection_{t}", t, [around("pad", sb=100), {"op": "detection"}])
        case(f"detection_fixed_{t}", t, [around("pad", sb=100), {"op": "detection", "fixed": 150}])
        for pos in [0.0, 0.3, 0.5, 1.0]:
            case(f"point_{t}_{pos}", t, [around("pad", sb=50, wl=200), {"op": "point", "position": pos,
                                                                           "shape": "gaussian", "sigma": 30}])
    for t in [0, 2, 3, 7]:
        for ov in ["label-first", "fixed-relevance"]:
            case(f"standard_{ov}_{t}", t, [around("pad", sb=100), {"op": "standard", "on_overlap": ov}])
        case(f"standard_lowhigh_{t}", t, [around("pad", sb=100), {"op": "standard", "on_overlap": "label-first",
                                                                   "low": 150, "high": -100}])
    # rotation / dropout / gap / roll with pinned draws
    case("rotate_ne", 2, [win("pad", 100, 700), {"op": "rotate_ne", "alpha": 0.7}])
    lab = {"op": "prob", "shape": "gaussian", "sigma": 20}
    case("dropout_1", 0, [around("pad"), lab, {"op": "dropout", "n_drop": 1, "perm": [2, 0, 1]}])
    case("dropout_2", 0, [around("pad"), lab, {"op": "dropout", "n_drop": 2, "perm": [1, 2, 0]}])
    case("dropout_0", 0, [around("pad"), lab, {"op": "dropout", "n_drop": 0, "perm": [0, 1, 2]}])
    case("gap", 1, [around("pad"), lab, {"op": "gap", "start": 250, "end": 420}])
    case("gap_threshold", 1, [around("pad"), lab, {"op": "gap", "start": 250, "end": 420, "threshold": 5}])
    case("roll", 1, [around("pad"), lab, {"op": "roll", "shift": 333}])

    arrays = {}
    out_cases = []
    for ci, c in enumerate(cases):
        sd = {"X": ds.get_sample(c["trace"])}
        sbg.ChangeDtype(np.float64)(sd)
        for op in c["ops"]:
            build(op)(sd)
        x, meta = sd["X"]
        if "window_borders" in sd:
            borders = sd.pop("window_borders")[0]
            c["borders"] = [int(b) for b in borders]
        # labeller cases: the window itself is covered by the window cases; keep the file small
        store_x = c["ops"][-1]["op"] not in LABELLERS
        if store_x:
            arrays[f"c{ci}_x"] = x
        outputs = {}
        for key in ["y", "detections"]:
            if key in sd:
                y = np.atleast_1d(np.asarray(sd[key][0]))
                arrays[f"c{ci}_{key}"] = y.astype(np.float64)
                outputs[key] = list(y.shape)
        mo = {}
        for k in [P, S]:
            v = meta.get(k)
            mo[k] = None if v is None or (isinstance(v, float) and np.isnan(v)) else float(v)
        out_cases.append(dict(c, meta_out=mo, outputs=outputs, shape=list(x.shape), has_x=store_x))
    sliding = []
    for t, step, wl in [(2, 300, 500), (6, 250, 700), (0, 1000, 1200)]:
        sd = {"X": ds.get_sample(t)}
        sbg.ChangeDtype(np.float64)(sd)
        sbg.SlidingWindow(timestep=step, windowlen=wl)(sd)
        x, meta = sd["X"]
        arrays[f"sliding{len(sliding)}_x"] = x
        sliding.append({"trace": t, "timestep": step, "windowlen": wl, "shape": list(x.shape),
                        "P": [None if np.isnan(v) else float(v) for v in np.atleast_1d(meta[P])]})
    np.savez_compressed(OUT / "cases.npz", **arrays)
    (OUT / "cases.json").write_text(json.dumps({"seisbench": "0.12.6", "cases": out_cases, "sliding": sliding}, indent=1))
    print(f"{len(cases)} cases written")


if __name__ == "__main__":
    main()
