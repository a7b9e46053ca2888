//! Project tasks: `cargo xtask <command>`.
//!
//! - `golden [crate…]`  — (re)create `.venv-golden/<crate>`, install `xtask/golden/<crate>/requirements.txt`
//!   and run every `xtask/golden/<crate>/gen_*.py`, which write `tests/golden/<crate>/`.
//! - `bench [crate…]`   — run the crate's criterion benches and its Python reference
//!   (`xtask/golden/<crate>/bench_ref*.py`) on the same input, print the speed ratios and rewrite the
//!   crate's section of `docs/benchmarks.md`.
//! - `demo`             — the main job on built-in synthetic data (`examples/demo.rs` of the root package).
//! - `realdata [dir]`   — real-data checks (`crates/<crate>/examples/<crate_snake>_realdata.rs <dir>`), default `../shared/data`.
//! - `interop <crate>`  — write files with the crate's `examples/interop.rs` and read them back with the
//!   reference (`xtask/golden/<crate>/interop.py`).
//! - `ci`               — what `.ci/run` runs: fmt check, clippy -D warnings, the test suite, real-data checks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Crates with golden scripts / benches, and their criterion bench targets.
const CRATES: &[(&str, &[&str])] = &[
    ("seis-core", &["seis_core"]),
    ("wavelet-scatter", &["wavelet_scatter", "wavelet_scatter_kymatio"]),
    ("gmm", &["gmm"]),
    ("hvsr", &["hvsr"]),
    ("gmm-residuals", &["gmm_residuals"]),
    ("augment", &["augment"]),
    ("seisbench-io", &["seisbench_io"]),
];

type Res<T> = Result<T, String>;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

fn run(cmd: &mut Command) -> Res<()> {
    eprintln!("xtask> {:?}", cmd);
    let st = cmd.status().map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    if st.success() { Ok(()) } else { Err(format!("command failed ({st}): {cmd:?}")) }
}

fn output(cmd: &mut Command) -> Res<String> {
    eprintln!("xtask> {:?}", cmd);
    let out = cmd.output().map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!("command failed ({}): {cmd:?}\n{}", out.status, String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn selected(args: &[String]) -> Res<Vec<&'static (&'static str, &'static [&'static str])>> {
    if args.is_empty() {
        return Ok(CRATES.iter().collect());
    }
    args.iter().map(|a| CRATES.iter().find(|(n, _)| n == a).ok_or_else(|| format!("unknown crate {a:?}"))).collect()
}

/// The venv of a crate's golden scripts, created and filled on first use.
fn venv(krate: &str) -> Res<PathBuf> {
    let dir = root().join(".venv-golden").join(krate);
    let py = dir.join("bin").join("python");
    let req = root().join("xtask/golden").join(krate).join("requirements.txt");
    let stamp = dir.join(".requirements.installed");
    let wanted = std::fs::read_to_string(&req).unwrap_or_default();
    if !py.exists() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&dir))?;
    }
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) && req.exists() {
        run(Command::new(&py).args(["-m", "pip", "install", "--quiet", "--upgrade", "pip"]))?;
        run(Command::new(&py).args(["-m", "pip", "install", "--quiet", "-r"]).arg(&req))?;
        std::fs::write(&stamp, wanted).map_err(|e| e.to_string())?;
    }
    Ok(py)
}

fn scripts(krate: &str, prefix: &str) -> Vec<PathBuf> {
    let dir = root().join("xtask/golden").join(krate);
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(&dir).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    v.retain(|p| {
        let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        n.starts_with(prefix) && n.ends_with(".py")
    });
    v.sort();
    v
}

fn golden(args: &[String]) -> Res<()> {
    for (krate, _) in selected(args)? {
        let gens = scripts(krate, "gen_");
        if gens.is_empty() {
            eprintln!("xtask: {krate}: no golden scripts yet");
            continue;
        }
        let py = venv(krate)?;
        for s in gens {
            run(Command::new(&py).arg(&s).current_dir(root()))?;
        }
    }
    Ok(())
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// Median (seconds) of every criterion benchmark of `group`, from `target/criterion/<group>/<case>/new/estimates.json`,
/// written at or after `since` (cases left over from older bench runs are not reported).
fn criterion_medians(group: &str, since: std::time::SystemTime) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    let dir = target_dir().join("criterion").join(group);
    let Ok(rd) = std::fs::read_dir(&dir) else { return out };
    for e in rd.flatten() {
        let est = e.path().join("new").join("estimates.json");
        let fresh = std::fs::metadata(&est).and_then(|m| m.modified()).is_ok_and(|t| t >= since);
        if !fresh {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&est) else { continue };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
        if let Some(ns) = v["median"]["point_estimate"].as_f64() {
            out.insert(e.file_name().to_string_lossy().into_owned(), ns * 1e-9);
        }
    }
    out
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    format!("{cores} cores, {cpu}")
}

/// The 1-minute load average (how busy the shared machine was).
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn today() -> String {
    output(Command::new("date").args(["-u", "+%Y-%m-%d"])).map(|s| s.trim().to_string()).unwrap_or_default()
}

fn fmt_time(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.3} ms", s * 1e3)
    } else {
        format!("{:.3} µs", s * 1e6)
    }
}

fn bench(args: &[String]) -> Res<()> {
    let mut failures = Vec::new();
    for (krate, benches) in selected(args)? {
        let group = benches[0];
        let since = std::time::SystemTime::now();
        let load_before = load();
        for b in *benches {
            if let Err(e) = run(cargo().args(["bench", "-p", "seisml", "--bench", b, "--", "--noplot"])) {
                failures.push(e);
            }
        }
        let rust = criterion_medians(group, since);
        let load_between = load();
        let mut reference: BTreeMap<String, f64> = BTreeMap::new();
        let refs = scripts(krate, "bench_ref");
        if !refs.is_empty() {
            let py = venv(krate)?;
            for s in refs {
                match output(Command::new(&py).arg(&s).current_dir(root())) {
                    Ok(out) => {
                        let last = out.lines().rev().find(|l| l.trim_start().starts_with('{')).unwrap_or("{}");
                        if let Ok(serde_json::Value::Object(m)) = serde_json::from_str(last) {
                            for (k, v) in m {
                                if let Some(x) = v.as_f64() {
                                    reference.insert(k, x);
                                }
                            }
                        }
                    }
                    Err(e) => failures.push(e),
                }
            }
        }
        let mut table = format!(
            "Measured {} on {} (`cargo xtask bench {krate}`; criterion median vs reference median, \
             same run; 1-min load average {load_before} before criterion, {load_between} before the \
             reference, {} after).\n\n| case | seisml (median) | reference (median) | speed-up |\n|---|---|---|---|\n",
            today(),
            machine(),
            load()
        );
        for (case, t) in &rust {
            let (r, ratio) = match reference.get(case) {
                Some(r) => (fmt_time(*r), format!("{:.1}×", r / t)),
                None => ("—".into(), "—".into()),
            };
            table.push_str(&format!("| {case} | {} | {r} | {ratio} |\n", fmt_time(*t)));
        }
        println!("\n## {krate}\n{table}");
        write_section(krate, &table)?;
    }
    if failures.is_empty() { Ok(()) } else { Err(failures.join("\n")) }
}

/// Replace the text between `<!-- bench:<krate> -->` and `<!-- /bench:<krate> -->`, keeping any
/// hand-written notes below a `<!-- notes -->` line inside the section.
fn write_section(krate: &str, table: &str) -> Res<()> {
    let path = root().join("docs/benchmarks.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| "# Benchmarks\n".into());
    let open = format!("<!-- bench:{krate} -->");
    let close = format!("<!-- /bench:{krate} -->");
    let new = match (text.find(&open), text.find(&close)) {
        (Some(a), Some(b)) if b > a => {
            let inner = &text[a + open.len()..b];
            let notes = inner.find("<!-- notes -->").map(|i| &inner[i..]).unwrap_or("<!-- notes -->\n");
            format!("{}{open}\n### {krate}\n\n{table}\n{notes}{}", &text[..a], &text[b..])
        }
        _ => format!("{text}\n{open}\n### {krate}\n\n{table}\n<!-- notes -->\n{close}\n"),
    };
    std::fs::write(&path, new).map_err(|e| e.to_string())
}

fn realdata(args: &[String]) -> Res<()> {
    let dir = args.first().map(PathBuf::from).unwrap_or_else(|| root().join("../shared/data"));
    if !dir.exists() {
        eprintln!("xtask: no real data at {} — skipping real-data checks", dir.display());
        return Ok(());
    }
    let mut failures = Vec::new();
    for (krate, _) in CRATES {
        let example = format!("{}_realdata", krate.replace('-', "_"));
        if root().join("crates").join(krate).join(format!("examples/{example}.rs")).exists()
            && let Err(e) = run(cargo().args(["run", "-p", krate, "--example", &example, "--"]).arg(&dir))
        {
            failures.push(e);
        }
    }
    if failures.is_empty() { Ok(()) } else { Err(failures.join("\n")) }
}

fn interop(args: &[String]) -> Res<()> {
    for (krate, _) in selected(args)? {
        let ex = root().join("crates").join(krate).join("examples/interop.rs");
        let script = root().join("xtask/golden").join(krate).join("interop.py");
        if !ex.exists() || !script.exists() {
            eprintln!("xtask: {krate}: no interop check");
            continue;
        }
        let tmp = target_dir().join("interop").join(krate);
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
        run(cargo().args(["run", "-p", krate, "--example", "interop", "--"]).arg(&tmp))?;
        let py = venv(krate)?;
        run(Command::new(&py).arg(&script).arg(&tmp).current_dir(root()))?;
    }
    Ok(())
}

fn demo(args: &[String]) -> Res<()> {
    run(cargo().args(["run", "--release", "-p", "seisml", "--example", "demo", "--"]).args(args))
}

fn ci() -> Res<()> {
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    run(cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    run(cargo().args(["test", "--workspace"]))?;
    realdata(&[])
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => ("help", &[][..]),
    };
    let res = match cmd {
        "golden" => golden(rest),
        "bench" => bench(rest),
        "demo" => demo(rest),
        "realdata" => realdata(rest),
        "interop" => interop(rest),
        "ci" => ci(),
        _ => {
            eprintln!(
                "usage: cargo xtask <golden [crate…] | bench [crate…] | demo | realdata [dir] | interop <crate> | ci>"
            );
            return if cmd == "help" { ExitCode::SUCCESS } else { ExitCode::FAILURE };
        }
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
