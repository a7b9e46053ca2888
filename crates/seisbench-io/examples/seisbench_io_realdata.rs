//! Real-data check (`cargo xtask realdata`): reads the real SeisBench dataset and the miniSEED
//! recordings of the shared data folder given as argv[1] and checks facts documented in its
//! README. Exits non-zero on any failure.

use seisbench_io::{DatasetOptions, WaveformDataset, WaveformOptions, read_mseed_file};
use std::path::Path;
use std::process::ExitCode;

fn check(ok: bool, what: &str, failures: &mut Vec<String>) {
    if ok {
        println!("ok   {what}");
    } else {
        println!("FAIL {what}");
        failures.push(what.to_string());
    }
}

fn run(root: &Path, failures: &mut Vec<String>) -> seisbench_io::Result<()> {
    // SeisBench's dummy dataset: 100 traces × (3, 1200) at 20 Hz, float64, train/dev/test buckets
    let ds_dir = root.join("waveforms/seisbench_repo/dummydataset");
    if ds_dir.exists() {
        let ds = WaveformDataset::open_with(&ds_dir, DatasetOptions::default().cache_bytes(8 << 20))?;
        check(ds.len() == 100, &format!("dummydataset has 100 traces (got {})", ds.len()), failures);
        let all: Vec<usize> = (0..ds.len()).collect();
        let b = ds.get_waveforms_batch(&all, &WaveformOptions::default())?;
        check(b.dim() == (100, 3, 1200), &format!("batch shape (100, 3, 1200) (got {:?})", b.dim()), failures);
        check(
            b.iter().all(|x| x.is_finite()) && b.iter().any(|x| *x != 0.0),
            "dummydataset samples finite and non-zero",
            failures,
        );
        let (tr, dv, te) = (ds.train()?.len(), ds.dev()?.len(), ds.test()?.len());
        check(
            tr + dv + te == 100 && tr > 0 && dv > 0 && te > 0,
            &format!("splits {tr}/{dv}/{te} cover the dataset"),
            failures,
        );
        check(ds.sampling_rate(0)? == 20.0, "sampling rate 20 Hz", failures);
        let r = ds.get_waveforms(0, &WaveformOptions::resampled(10.0));
        match r {
            Ok(x) => check(x.dim() == (3, 600), "decimation 20 → 10 Hz gives 600 samples", failures),
            Err(e) => println!("skip resampling check: {e}"),
        }
    } else {
        println!("skip {} (absent)", ds_dir.display());
    }

    // miniSEED: documented sample counts
    let cases: &[(&str, &str, usize)] = &[
        ("continuous/obspy_IU.ANMO.00.LHZ_1Hz_1day.mseed", "IU.ANMO.00.LHZ", 86400),
        ("continuous/obspy_ref_STS2_CA.STS2..EHZ_200Hz_1h.mseed", "CA.STS2..EHZ", 720001),
        ("continuous/obspy_IU.ANMO.00.BHZ_20Hz_600s.mseed", "IU.ANMO.00.BHZ", 12000),
        ("microtremor/UT.STN11.A2_C50.miniseed", "UT.STN11..BHZ", 180001),
    ];
    for (file, id, npts) in cases {
        let p = root.join(file);
        if !p.exists() {
            println!("skip {file} (absent)");
            continue;
        }
        let d = read_mseed_file(&p)?;
        let n: usize = d.traces.iter().filter(|t| t.trace.stats().id() == *id).map(|t| t.trace.len()).sum();
        check(n == *npts, &format!("{file}: {id} has {npts} samples (got {n}, {} gaps)", d.gaps.len()), failures);
    }
    let p = root.join("continuous/covseisnet_aegean_sea_example.mseed");
    if p.exists() {
        let d = read_mseed_file(&p)?;
        let hort = d.traces.iter().filter(|t| t.trace.stats().station == "HORT").count();
        check(hort == 10, &format!("covseisnet HT.HORT has 10 gappy pieces (got {hort})"), failures);
        check(d.gaps.iter().any(|g| g.id.contains("HORT")), "covseisnet gaps reported for HORT", failures);
        let merged = d.merged(0.0)?;
        check(
            merged.traces.iter().any(|t| t.stats().station == "HORT"),
            "covseisnet merges into one trace per id",
            failures,
        );
    }
    for f in [
        "microtremor/SampleHVSRSite08.MSEED",
        "waveforms/obspy/2005-07-23-1452-04S.CER___030.mseed",
        "microtremor/SampleHVSRSite05.MSEED",
    ] {
        let p = root.join(f);
        if p.exists() {
            let d = read_mseed_file(&p)?;
            check(!d.traces.is_empty(), &format!("{f}: {} traces decoded", d.traces.len()), failures);
        }
    }
    let obs = root.join("waveforms/seisbench_repo/obs1");
    if obs.exists() {
        for e in
            std::fs::read_dir(&obs).map_err(|e| seisbench_io::IoError::Io { path: obs.clone(), source: e })?.flatten()
        {
            let d = read_mseed_file(e.path())?;
            let n: usize = d.traces.iter().map(|t| t.trace.len()).sum();
            check(n >= 3700, &format!("{}: {n} samples (50 Hz, 75 s)", e.file_name().to_string_lossy()), failures);
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let root = std::env::args().nth(1).unwrap_or_else(|| "../shared/data".into());
    let mut failures = Vec::new();
    if let Err(e) = run(Path::new(&root), &mut failures) {
        println!("FAIL error: {e}");
        failures.push(e.to_string());
    }
    if failures.is_empty() {
        println!("seisbench-io real-data checks passed");
        ExitCode::SUCCESS
    } else {
        println!("{} real-data check(s) failed", failures.len());
        ExitCode::FAILURE
    }
}
