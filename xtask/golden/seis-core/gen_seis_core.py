"""Golden data for seis-core: filters, resampling, decimation, STA/LTA, envelope, detrend, tapers.

Run from the repository root (``cargo xtask golden seis-core`` does this in the pinned venv):

    python xtask/golden/seis-core/gen_seis_core.py

Every input is generated here from a fixed seed and stored next to the reference output, so the Rust
tests read the exact same samples. References: scipy.signal and obspy (versions in requirements.txt).
"""

import json
import os
import warnings

import numpy as np
import obspy
import scipy
from obspy import Trace, UTCDateTime
from obspy.signal import filter as ofilt
from obspy.signal import trigger as otrig
from obspy.signal.invsim import cosine_taper
from scipy import signal

OUT = os.path.join("tests", "golden", "seis-core")
os.makedirs(OUT, exist_ok=True)
SEED = 20260601


def save(name, **arrays):
    np.savez_compressed(os.path.join(OUT, name), **{k: np.asarray(v) for k, v in arrays.items()})


def save_json(name, obj):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def signal_like(rng, n, fs):
    """Noise plus a few sines plus a slow trend: exercises every band of the filters."""
    t = np.arange(n) / fs
    x = rng.standard_normal(n)
    x += 3.0 * np.sin(2 * np.pi * 1.3 * t) + 2.0 * np.sin(2 * np.pi * 11.0 * t + 0.4)
    x += 0.02 * np.arange(n) + 5.0
    return x


def gen_filters(rng):
    fs = 100.0
    x = signal_like(rng, 800, fs)
    cases = [
        dict(name="lp4", order=4, btype="lowpass", freqs=[10.0]),
        dict(name="lp1", order=1, btype="lowpass", freqs=[2.5]),
        dict(name="lp5", order=5, btype="lowpass", freqs=[30.0]),
        dict(name="hp2", order=2, btype="highpass", freqs=[1.0]),
        dict(name="hp3", order=3, btype="highpass", freqs=[0.5]),
        dict(name="bp4", order=4, btype="bandpass", freqs=[1.0, 20.0]),
        dict(name="bp3", order=3, btype="bandpass", freqs=[0.2, 45.0]),
        dict(name="bp2_narrow", order=2, btype="bandpass", freqs=[9.0, 11.0]),
        dict(name="bp8", order=8, btype="bandpass", freqs=[0.05, 2.0]),
        dict(name="bs4", order=4, btype="bandstop", freqs=[5.0, 15.0]),
        dict(name="bs3", order=3, btype="bandstop", freqs=[20.0, 30.0]),
    ]
    arrays = {"x": x}
    for c in cases:
        wn = c["freqs"][0] if len(c["freqs"]) == 1 else c["freqs"]
        sos = signal.butter(c["order"], wn, btype=c["btype"], output="sos", fs=fs)
        n = c["name"]
        arrays[f"{n}_sos"] = sos
        arrays[f"{n}_zi"] = signal.sosfilt_zi(sos)
        arrays[f"{n}_sosfilt"] = signal.sosfilt(sos, x)
        y, zf = signal.sosfilt(sos, x, zi=signal.sosfilt_zi(sos) * x[0])
        arrays[f"{n}_sosfilt_zi"] = y
        arrays[f"{n}_sosfilt_zf"] = zf
        arrays[f"{n}_sosfiltfilt"] = signal.sosfiltfilt(sos, x)
        arrays[f"{n}_sosfiltfilt_pad10"] = signal.sosfiltfilt(sos, x, padlen=10)
        arrays[f"{n}_sosfiltfilt_even"] = signal.sosfiltfilt(sos, x, padtype="even")
        arrays[f"{n}_sosfiltfilt_const"] = signal.sosfiltfilt(sos, x, padtype="constant")
        arrays[f"{n}_sosfiltfilt_nopad"] = signal.sosfiltfilt(sos, x, padtype=None)
        # ObsPy convenience functions (causal and zerophase=True = forward-backward without padding).
        f = c["freqs"]
        kw = dict(df=fs, corners=c["order"])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            if c["btype"] == "lowpass":
                fn = lambda zp: ofilt.lowpass(x, f[0], zerophase=zp, **kw)  # noqa: E731
            elif c["btype"] == "highpass":
                fn = lambda zp: ofilt.highpass(x, f[0], zerophase=zp, **kw)  # noqa: E731
            elif c["btype"] == "bandpass":
                fn = lambda zp: ofilt.bandpass(x, f[0], f[1], zerophase=zp, **kw)  # noqa: E731
            else:
                fn = lambda zp: ofilt.bandstop(x, f[0], f[1], zerophase=zp, **kw)  # noqa: E731
            arrays[f"{n}_obspy"] = fn(False)
            arrays[f"{n}_obspy_zerophase"] = fn(True)
    # Multi-channel (channels x samples) filtering along the last axis.
    x2 = np.stack([x, x[::-1] * 0.5, rng.standard_normal(x.size)])
    sos = signal.butter(4, [1.0, 20.0], btype="bandpass", output="sos", fs=fs)
    arrays["multi_x"] = x2
    arrays["multi_sosfiltfilt"] = signal.sosfiltfilt(sos, x2, axis=-1)
    save("filters.npz", **arrays)
    save_json("filters.json", dict(sampling_rate=fs, cases=cases, multi=dict(order=4, freqs=[1.0, 20.0])))


def gen_cheby(rng):
    """Chebyshev designs used by decimation (scipy.signal.decimate and ObsPy's lowpass_cheby_2)."""
    arrays = {}
    cases = []
    for i, (order, rp, wn) in enumerate([(8, 0.05, 0.4), (8, 0.05, 0.16), (4, 1.0, 0.3), (5, 0.5, 0.7)]):
        arrays[f"cheby1_{i}"] = signal.cheby1(order, rp, wn, output="sos")
        cases.append(dict(kind="cheby1", name=f"cheby1_{i}", order=order, ripple=rp, wn=wn))
    for i, (order, rs, wn) in enumerate([(12, 96.0, 0.45), (7, 60.0, 0.2), (6, 40.0, 0.6)]):
        arrays[f"cheby2_{i}"] = signal.cheby2(order, rs, wn, output="sos")
        cases.append(dict(kind="cheby2", name=f"cheby2_{i}", order=order, ripple=rs, wn=wn))
    # ObsPy's automatic anti-alias filter of Trace.decimate: lowpass_cheby_2(freq = fs/2/factor, maxorder=12).
    for factor in [2, 3, 4, 5, 10, 16]:
        ba = ofilt.lowpass_cheby_2(np.zeros(4), 0.5 / factor, 1.0, maxorder=12, ba=True)
        # Recover order and wn the same way ObsPy does to store them alongside.
        rp, rs, order = 1, 96, 1e99
        ws = 1.0 / factor
        wp = ws
        while order > 12:
            wp = wp * 0.99
            order, wn = signal.cheb2ord(wp, ws, rp, rs, analog=0)
        arrays[f"obspy_cheby2_{factor}"] = signal.cheby2(order, rs, wn, btype="low", analog=0, output="sos")
        cases.append(dict(kind="obspy_decimate", name=f"obspy_cheby2_{factor}", factor=factor, order=int(order), wn=float(wn)))
        del ba
    save("cheby.npz", **arrays)
    save_json("cheby.json", cases)


def gen_resample(rng):
    arrays = {}
    cases = []
    x_even = signal_like(rng, 1000, 100.0)
    x_odd = signal_like(rng, 999, 100.0)
    arrays["x_even"] = x_even
    arrays["x_odd"] = x_odd
    for src, x in (("even", x_even), ("odd", x_odd)):
        for num in [1, 2, 333, 500, 501, 998, 999, 1000, 1001, 1500, 1501, 2000, 2001]:
            name = f"{src}_{num}"
            arrays[name] = signal.resample(x, num)
            cases.append(dict(name=name, input=f"x_{src}", num=num))
    save("resample.npz", **arrays)
    save_json("resample.json", cases)


def gen_decimate(rng):
    fs = 100.0
    x = signal_like(rng, 3001, fs)
    arrays = {"x": x}
    cases = []
    for factor in [2, 3, 4, 5, 10, 16]:
        tr = Trace(data=x.copy(), header=dict(sampling_rate=fs, starttime=UTCDateTime(2020, 1, 1)))
        tr.decimate(factor)
        arrays[f"obspy_{factor}"] = tr.data
        cases.append(dict(kind="obspy", factor=factor, name=f"obspy_{factor}", sampling_rate=tr.stats.sampling_rate))
    for q in [2, 3, 5, 8]:
        for zp in [True, False]:
            name = f"scipy_iir_{q}_{'zp' if zp else 'causal'}"
            arrays[name] = signal.decimate(x, q, ftype="iir", zero_phase=zp)
            cases.append(dict(kind="scipy", q=q, zero_phase=zp, name=name))
    save("decimate.npz", **arrays)
    save_json("decimate.json", dict(sampling_rate=fs, cases=cases))


def gen_stalta(rng):
    fs = 100.0
    n = 3000
    x = 0.5 * rng.standard_normal(n)
    # two "events": decaying bursts
    for onset, amp in [(1000, 8.0), (2100, 4.0)]:
        m = n - onset
        x[onset:] += amp * np.exp(-np.arange(m) / 150.0) * rng.standard_normal(m)
    arrays = {"x": x}
    cases = []
    for nsta, nlta in [(50, 500), (10, 100), (1, 2), (100, 1000), (300, 3000)]:
        arrays[f"classic_{nsta}_{nlta}"] = otrig.classic_sta_lta(x, nsta, nlta)
        arrays[f"classic_py_{nsta}_{nlta}"] = otrig.classic_sta_lta_py(x, nsta, nlta)
        # ObsPy's C routine leaves the output unzeroed (and element 0 uninitialised) when
        # nlta = len(x); the pure-Python routine defines that case (all zeros).
        recursive = otrig.recursive_sta_lta if nlta < n else otrig.recursive_sta_lta_py
        arrays[f"recursive_{nsta}_{nlta}"] = recursive(x, nsta, nlta)
        cases.append(dict(nsta=nsta, nlta=nlta))
    triggers = []
    cft = arrays["recursive_50_500"]
    for thr_on, thr_off, max_len, delete in [
        (3.0, 1.5, 9e99, False),
        (2.0, 0.8, 9e99, False),
        (3.0, 1.5, 100, False),
        (3.0, 1.5, 100, True),
        (1.2, 1.1, 50, False),
        (1.2, 1.1, 50, True),
        (100.0, 1.0, 9e99, False),
        (2.0, 3.0, 9e99, False),
    ]:
        on_off = otrig.trigger_onset(cft, thr_on, thr_off, max_len=max_len, max_len_delete=delete)
        triggers.append(dict(thres1=thr_on, thres2=thr_off, max_len=max_len, max_len_delete=delete,
                             on_off=np.asarray(on_off, dtype=np.int64).reshape(-1, 2).tolist()))
    save("stalta.npz", **arrays)
    save_json("stalta.json", dict(cases=cases, trigger_input="recursive_50_500", triggers=triggers))


def gen_envelope(rng):
    arrays = {}
    for n in [1, 2, 7, 512, 1001]:
        x = signal_like(rng, n, 100.0)
        a = signal.hilbert(x)
        arrays[f"x_{n}"] = x
        arrays[f"analytic_re_{n}"] = a.real
        arrays[f"analytic_im_{n}"] = a.imag
        arrays[f"envelope_{n}"] = ofilt.envelope(x)
    save("envelope.npz", **arrays)


def gen_detrend_taper(rng):
    arrays = {}
    for n in [1, 2, 3, 100, 1001]:
        x = signal_like(rng, n, 100.0)
        arrays[f"x_{n}"] = x
        arrays[f"constant_{n}"] = signal.detrend(x, type="constant")
        arrays[f"linear_{n}"] = signal.detrend(x, type="linear")
    for m in [1, 2, 3, 5, 10, 101, 1000]:
        for alpha in [0.0, 0.05, 0.1, 0.5, 0.99, 1.0]:
            arrays[f"tukey_{m}_{alpha}"] = signal.windows.tukey(m, alpha, sym=True)
        arrays[f"hann_{m}"] = signal.windows.hann(m, sym=True)
    for npts in [2, 3, 10, 11, 100, 1001]:
        for p in [0.0, 0.05, 0.1, 0.2, 0.5, 1.0]:
            arrays[f"cosine_{npts}_{p}"] = cosine_taper(npts, p)
    save("detrend_taper.npz", **arrays)
    save_json("detrend_taper.json", dict(
        detrend_n=[1, 2, 3, 100, 1001], tukey_m=[1, 2, 3, 5, 10, 101, 1000],
        tukey_alpha=[0.0, 0.05, 0.1, 0.5, 0.99, 1.0], cosine_npts=[2, 3, 10, 11, 100, 1001],
        cosine_p=[0.0, 0.05, 0.1, 0.2, 0.5, 1.0]))


def gen_obspy_resample(rng):
    """ObsPy's Trace.resample: windowed spectrum, linear interpolation onto the new bins."""
    arrays = {}
    cases = []
    for npts in [1000, 999]:
        x = signal_like(rng, npts, 100.0)
        arrays[f"x_{npts}"] = x
        for new_rate in [50.0, 40.0, 250.0, 33.3, 99.0, 100.0]:
            for window in ["hann", None]:
                tr = Trace(data=x.copy(), header=dict(sampling_rate=100.0))
                tr.resample(new_rate, window=window)
                name = f"obspy_{npts}_{new_rate}_{window}"
                arrays[name] = tr.data
                cases.append(dict(name=name, input=f"x_{npts}", sampling_rate=100.0, new_rate=new_rate,
                                  window=window, npts_out=int(tr.stats.npts)))
    save("obspy_resample.npz", **arrays)
    save_json("obspy_resample.json", cases)


def main():
    rng = np.random.default_rng(SEED)
    gen_filters(rng)
    gen_cheby(rng)
    gen_resample(rng)
    gen_decimate(rng)
    gen_stalta(rng)
    gen_envelope(rng)
    gen_detrend_taper(rng)
    gen_obspy_resample(rng)
    save_json("versions.json", dict(numpy=np.__version__, scipy=scipy.__version__, obspy=obspy.__version__,
                                    seed=SEED))


if __name__ == "__main__":
    main()
