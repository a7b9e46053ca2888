"""Golden miniSEED and SAC files written by ObsPy (small, seeded) and what ObsPy reads back.

Writes tests/golden/seisbench-io/mseed/*.mseed, sac/*.sac and waveforms_expected.json/.npz.
Run from the repository root."""
import json
from pathlib import Path

import numpy as np
from obspy import Stream, Trace, UTCDateTime, read

OUT = Path("tests/golden/seisbench-io")
(OUT / "mseed").mkdir(parents=True, exist_ok=True)
(OUT / "sac").mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(7)


def tr(net, sta, loc, cha, data, sr, t0):
    t = Trace(data=data)
    t.stats.network, t.stats.station, t.stats.location, t.stats.channel = net, sta, loc, cha
    t.stats.sampling_rate = sr
    t.stats.starttime = UTCDateTime(t0)
    return t


ints = np.cumsum(rng.integers(-200, 201, 3000)).astype(np.int32)
big = (rng.integers(-2**27, 2**27, 700)).astype(np.int32)
floats = (rng.standard_normal(1500) * 1e3).astype(np.float32)
doubles = rng.standard_normal(900) * 1e-3

files = {
    # name: (stream, write kwargs)
    "steim1_512": (Stream([tr("XX", "STA1", "00", "HHZ", ints, 100.0, "2020-01-02T03:04:05.123400")]), dict(encoding="STEIM1", reclen=512)),
    "steim2_4096": (Stream([tr("XX", "STA1", "", "HHN", ints, 100.0, "2020-01-02T03:04:05.000000")]), dict(encoding="STEIM2", reclen=4096)),
    "steim2_big": (Stream([tr("IU", "ANMO", "10", "BHZ", big, 20.0, "2019-12-31T23:59:59.950000")]), dict(encoding="STEIM2", reclen=512)),
    "int32_512": (Stream([tr("XX", "STA2", "01", "EHE", ints[:1000], 200.0, "2021-06-30T12:00:00.005000")]), dict(encoding="INT32", reclen=512)),
    "float32_512": (Stream([tr("XX", "STA3", "", "BHZ", floats, 40.0, "2022-02-28T23:59:30.000000")]), dict(encoding="FLOAT32", reclen=512)),
    "float64_1024": (Stream([tr("XX", "STA3", "", "LHZ", doubles, 1.0, "2022-03-01T00:00:00.000000")]), dict(encoding="FLOAT64", reclen=1024)),
    "subhz_steim1": (Stream([tr("XX", "STA4", "", "VHZ", ints[:400], 0.1, "2018-05-05T05:05:05.000000")]), dict(encoding="STEIM1", reclen=512)),
    "frac_rate": (Stream([tr("XX", "STA5", "", "HHZ", ints[:800], 12.5, "2018-05-05T05:05:05.000000")]), dict(encoding="STEIM2", reclen=512)),
    "usec_start": (Stream([tr("XX", "STA6", "", "HHZ", ints[:600], 100.0, "2018-05-05T05:05:05.123456")]), dict(encoding="STEIM2", reclen=512)),
}

# a gap and an overlap: three pieces of one channel, plus a second channel
a = tr("XX", "GAP", "", "HHZ", ints[:1000], 100.0, "2020-05-01T00:00:00")
b = tr("XX", "GAP", "", "HHZ", ints[1000:2000], 100.0, "2020-05-01T00:00:12")  # gap of 2 s after a (a ends 9.99)
c = tr("XX", "GAP", "", "HHZ", ints[2000:2500], 100.0, "2020-05-01T00:00:21")  # overlap of 1 s with b (b ends 21.99)
d = tr("XX", "GAP", "", "HHE", ints[:700], 100.0, "2020-05-01T00:00:00")
files["gaps_overlaps"] = (Stream([a, b, c, d]), dict(encoding="STEIM2", reclen=512))

expected = {}
arrays = {}
for name, (st, kw) in files.items():
    path = OUT / "mseed" / f"{name}.mseed"
    st.write(str(path), format="MSEED", byteorder=">", **kw)
    back = read(str(path), format="MSEED")
    traces = []
    for k, t in enumerate(back):
        traces.append({
            "id": t.id, "network": t.stats.network, "station": t.stats.station,
            "location": t.stats.location, "channel": t.stats.channel,
            "sampling_rate": float(t.stats.sampling_rate),
            "starttime_ns": int(t.stats.starttime.ns), "npts": int(t.stats.npts),
            "dtype": str(t.data.dtype), "encoding": t.stats.mseed.encoding,
            "record_length": int(t.stats.mseed.record_length),
            "number_of_records": int(t.stats.mseed.number_of_records),
        })
        arrays[f"{name}/{k}"] = t.data.astype(np.float64)
    gaps = []
    for g in back.get_gaps():
        gaps.append({"id": ".".join(g[:4]), "start_ns": int(g[4].ns), "end_ns": int(g[5].ns), "delta_s": float(g[6]), "samples": int(g[7])})
    expected[name] = {"traces": traces, "gaps": gaps, "size": path.stat().st_size}

# SAC: float data, millisecond start time, with codes
sac = tr("XX", "SAC1", "00", "BHZ", floats[:800], 50.0, "2017-06-17T23:48:30.120000")
sac.write(str(OUT / "sac" / "float.sac"), format="SAC")
sac2 = tr("GL", "NUUG", "", "HHE", (ints[:500] / 3.0).astype(np.float32), 100.0, "2017-06-17T23:00:00.000000")
sac2.write(str(OUT / "sac" / "nuug.sac"), format="SAC", byteorder=">")
sac_exp = {}
for name in ["float", "nuug"]:
    t = read(str(OUT / "sac" / f"{name}.sac"), format="SAC")[0]
    sac_exp[name] = {
        "id": t.id, "sampling_rate": float(t.stats.sampling_rate), "delta": float(t.stats.delta),
        "starttime_ns": int(t.stats.starttime.ns), "npts": int(t.stats.npts),
    }
    arrays[f"sac/{name}"] = t.data.astype(np.float64)

np.savez_compressed(OUT / "waveforms_expected.npz", **arrays)
(OUT / "waveforms_expected.json").write_text(json.dumps({"mseed": expected, "sac": sac_exp}, indent=1, sort_keys=True))
print("ok")
