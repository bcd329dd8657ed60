//! `cargo xtask bench`: runs the benches of `benches/` (`cargo bench -p intercom-benches`),
//! measures the crate-only compile time and the dependency count of `intercom-client`, and
//! prints every figure beside its baseline — as a Markdown table, or with `--json` as one JSON
//! object.
//!
//! The benches write their figures to `target/bench/<name>.json`; this command only runs them
//! and reads those files, so the measuring code lives in one place.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

use serde_json::{Map, Value, json};

use crate::paths::Paths;

/// The bench targets of `intercom-benches`, each writing `target/bench/<name>.json`.
const BENCHES: [&str; 3] = ["decode", "generate", "requests"];

/// Each figure's goal, `(key, at most)`. A missed one is reported, not an error: benchmarks
/// inform, they do not gate.
const TARGETS: [(&str, f64); 6] = [
    ("decode_ratio", 1.0),
    ("decode_ratio_example", 1.05),
    ("request_ratio_1", 1.02),
    ("request_ratio_64", 1.02),
    ("gen_ours_ms", 1000.0),
    ("gen_full_ms", 1000.0),
];

/// The most a generation may take, as a multiple of the type engine's own time on the same
/// description in the same run.
const GENERATION_RATIO: f64 = 1.5;

/// The keys of the generation ratios among `f` (`gen_<id>_ratio`), in key order.
fn generation_ratios(f: &Map<String, Value>) -> Vec<String> {
    f.keys()
        .filter(|k| k.starts_with("gen_") && k.ends_with("_ratio"))
        .cloned()
        .collect()
}

/// Runs the benches and the measurements and prints the report: a Markdown table, or with
/// `as_json` one JSON object on stdout (and the table on stderr).
pub fn run(as_json: bool, paths: &Paths) -> Result<(), String> {
    let root = paths.root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let results = target_dir(paths).join("bench");
    // A bench that fails must not leave the previous run's figures to be reported as this one's.
    for name in BENCHES {
        let _ = std::fs::remove_file(results.join(format!("{name}.json")));
    }

    // Everything cargo and the benches print goes to stderr: with `--json`, stdout carries only
    // the JSON object.
    // The three largest descriptions of the corpus are timed beside Intercom's.
    let extra = crate::corpus::largest(paths, 3, &results.join("specs"))?;
    let extra = extra
        .iter()
        .map(|(name, file)| format!("{name}={}", file.display()))
        .collect::<Vec<_>>()
        .join(",");
    let status = Command::new(&cargo)
        .args(["bench", "-p", "intercom-benches", "--", "--noplot"])
        .env("GEN_EXTRA_SPECS", extra)
        .current_dir(root)
        .stdout(Stdio::from(std::io::stderr()))
        .status()
        .map_err(|e| format!("error: cannot run cargo bench: {e}"))?;
    if !status.success() {
        return Err("error: cargo bench -p intercom-benches failed".to_string());
    }
    let mut figures = Map::new();
    for name in BENCHES {
        let path = results.join(format!("{name}.json"));
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("error: bench `{name}` left no {}: {e}", path.display()))?;
        let Value::Object(map) = serde_json::from_str(&text)
            .map_err(|e| format!("error: {} is not JSON: {e}", path.display()))?
        else {
            return Err(format!("error: {} is not a JSON object", path.display()));
        };
        figures.extend(map);
    }

    eprintln!("measuring the crate-only compile time of intercom-client (dev profile)…");
    let compile = compile_seconds(paths, &cargo)?;
    figures.insert("compile_client_s".into(), json!(round(compile, 2)));
    figures.insert("compile_profile".into(), json!("dev, not incremental"));
    // The client's own package is not one of its dependencies.
    figures.insert(
        "client_deps".into(),
        json!(dependency_count(root, &cargo, &["-p", "intercom-client"])? - 1),
    );
    figures.insert(
        "client_deps_no_default_features".into(),
        json!(
            dependency_count(
                root,
                &cargo,
                &["-p", "intercom-client", "--no-default-features"]
            )? - 1
        ),
    );
    // What a hand-written client cannot do without: reqwest (with the workspace's features),
    // serde, serde_json and tokio, themselves included.
    figures.insert(
        "baseline_deps".into(),
        json!(dependency_count(
            root,
            &cargo,
            &[
                "-p",
                "reqwest",
                "-p",
                "serde",
                "-p",
                "serde_json",
                "-p",
                "tokio"
            ]
        )?),
    );
    let mut missed: Vec<&str> = TARGETS
        .iter()
        .filter(|(key, limit)| number(&figures, key).is_none_or(|v| v > *limit))
        .map(|(key, _)| *key)
        .collect();
    let ratios: Vec<String> = generation_ratios(&figures)
        .into_iter()
        .filter(|key| number(&figures, key).is_none_or(|v| v > GENERATION_RATIO))
        .collect();
    missed.extend(ratios.iter().map(String::as_str));
    figures.insert("targets_missed".into(), json!(missed));
    figures.insert("machine".into(), machine(&cargo));

    if as_json {
        // The table too, on stderr, so a log of the run shows the same figures readably.
        eprint!("{}", table(&figures));
        let text = serde_json::to_string_pretty(&Value::Object(figures))
            .map_err(|e| format!("error: {e}"))?;
        println!("{text}");
    } else {
        print!("{}", table(&figures));
    }
    Ok(())
}

/// `CARGO_TARGET_DIR`, else the workspace's `target/`.
fn target_dir(paths: &Paths) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| paths.target())
}

/// Seconds of `cargo build -p intercom-client --lib` (dev profile, not incremental: the crate is
/// compiled whole, as a project depending on it compiles it) after touching its `lib.rs`, so
/// only the crate itself compiles. The first build may also compile dependencies; a later one
/// is taken, and only one that compiled nothing but `intercom-client` and did not wait for
/// another cargo's lock.
fn compile_seconds(paths: &Paths, cargo: &str) -> Result<f64, String> {
    let lib = paths.client_lib();
    for attempt in 0..5 {
        // The modification time alone: the contents stay as they are.
        std::fs::File::options()
            .write(true)
            .open(&lib)
            .and_then(|f| f.set_modified(SystemTime::now()))
            .map_err(|e| format!("error: cannot touch {}: {e}", lib.display()))?;
        let started = Instant::now();
        let out = Command::new(cargo)
            .args(["build", "-p", "intercom-client", "--lib"])
            .env("CARGO_INCREMENTAL", "0")
            .current_dir(paths.root())
            .output()
            .map_err(|e| format!("error: cannot run cargo build: {e}"))?;
        let seconds = started.elapsed().as_secs_f64();
        let log = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            return Err(format!(
                "error: cargo build -p intercom-client failed:\n{log}"
            ));
        }
        let compiled = log
            .lines()
            .filter(|l| l.trim_start().starts_with("Compiling "))
            .count();
        let waited = log.contains("Blocking waiting");
        eprintln!(
            "  build {}: {seconds:.2} s, {compiled} crate(s) compiled{}",
            attempt + 1,
            if waited { ", waited for a lock" } else { "" }
        );
        if attempt > 0 && compiled == 1 && !waited {
            return Ok(seconds);
        }
    }
    Err("error: no build of intercom-client alone without waiting for another cargo".into())
}

/// Distinct packages (name and version) in the normal-dependency trees that `cargo tree` prints
/// for `selection`, the roots included.
fn dependency_count(root: &Path, cargo: &str, selection: &[&str]) -> Result<usize, String> {
    let out = Command::new(cargo)
        .args(["tree", "-e", "normal", "--prefix", "none"])
        .args(selection)
        .current_dir(root)
        .output()
        .map_err(|e| format!("error: cannot run cargo tree: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "error: cargo tree failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(count_tree(&String::from_utf8_lossy(&out.stdout)))
}

/// Counts the distinct `name version` pairs of `cargo tree --prefix none` output; a package
/// repeated (marked `(*)`) or in several trees counts once.
fn count_tree(text: &str) -> usize {
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some((words.next()?, words.next()?))
        })
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

fn machine(cargo: &str) -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|s| s.trim().to_string());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_gib = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map(|kib| round(kib / 1024.0 / 1024.0, 1));
    let rustc = Command::new("rustc")
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let cargo_version = Command::new(cargo)
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    json!({
        "cpus": std::thread::available_parallelism().map(usize::from).ok(),
        "cpu": cpu,
        "memory_gib": memory_gib,
        "rustc": rustc,
        "cargo": cargo_version,
        "bench_profile": "bench (release)",
    })
}

fn number(figures: &Map<String, Value>, key: &str) -> Option<f64> {
    figures.get(key).and_then(Value::as_f64)
}

fn round(x: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (x * scale).round() / scale
}

/// The report: one Markdown row per figure, its baseline beside it.
fn table(f: &Map<String, Value>) -> String {
    let show = |key: &str, unit: &str| match number(f, key) {
        Some(v) => format!("{v} {unit}").trim_end().to_string(),
        None => "–".to_string(),
    };
    let ratio = |key: &str| number(f, key).map_or("–".to_string(), |v| format!("{v:.3}"));
    let target = |key: &str| match TARGETS.iter().find(|(k, _)| *k == key) {
        Some((_, limit)) => {
            let met = number(f, key).is_some_and(|v| v <= *limit);
            format!("≤ {limit} — {}", if met { "met" } else { "**missed**" })
        }
        None => String::new(),
    };
    let mut rows: Vec<[String; 5]> = Vec::new();
    for (name, suffix) in [("example", "_example"), ("large", "")] {
        let bytes = show(&format!("decode_{name}_bytes"), "B");
        let generated = show(&format!("decode_{name}_generated_us"), "µs");
        rows.push([
            format!("decode {name} contact ({bytes}), vs hand-written struct"),
            generated.clone(),
            show(&format!("decode_{name}_hand_written_us"), "µs"),
            ratio(&format!("decode_ratio{suffix}")),
            target(&format!("decode_ratio{suffix}")),
        ]);
        rows.push([
            format!("decode {name} contact, vs `serde_json::Value`"),
            generated,
            show(&format!("decode_{name}_value_us"), "µs"),
            ratio(&format!("decode_ratio_value{suffix}")),
            String::new(),
        ]);
    }
    for n in [1, 64] {
        // The headline ratio is against the hand-written client with the same timeout, which
        // does the same work; the bare hand-written client (no timeout) is shown beside it.
        for (baseline, suffix, what) in [
            ("raw_timeout", "", "raw reqwest with the same timeout"),
            ("raw", "_bare", "raw reqwest without a timeout"),
        ] {
            for (stat, ratio_key) in [("median", "request_ratio"), ("p99", "request_p99_ratio")] {
                let key = format!("{ratio_key}_{n}{suffix}");
                rows.push([
                    format!("GET /contacts/{{id}}, {n} in flight, {stat} latency vs {what}"),
                    show(&format!("request_{stat}_us_{n}_generated"), "µs"),
                    show(&format!("request_{stat}_us_{n}_{baseline}"), "µs"),
                    ratio(&key),
                    target(&key),
                ]);
            }
        }
    }
    rows.push([
        "generate from our spec, every file (in-process)".into(),
        show("gen_ours_ms", "ms"),
        "–".into(),
        String::new(),
        target("gen_ours_ms"),
    ]);
    rows.push([
        "generate from Intercom's published spec (in-process)".into(),
        show("gen_full_ms", "ms"),
        "–".into(),
        String::new(),
        target("gen_full_ms"),
    ]);
    for key in generation_ratios(f) {
        let id = &key["gen_".len()..key.len() - "_ratio".len()];
        let met = number(f, &key).is_some_and(|v| v <= GENERATION_RATIO);
        rows.push([
            format!(
                "generate `{id}` ({} warnings), vs the type engine alone on it",
                show(&format!("gen_{id}_warnings"), "")
            ),
            show(&format!("gen_{id}_ms"), "ms"),
            show(&format!("gen_{id}_engine_ms"), "ms"),
            ratio(&key),
            format!(
                "≤ {GENERATION_RATIO} — {}",
                if met { "met" } else { "**missed**" }
            ),
        ]);
    }
    rows.push([
        "compile intercom-client alone (dev profile, not incremental)".into(),
        show("compile_client_s", "s"),
        "–".into(),
        String::new(),
        String::new(),
    ]);
    for (key, label) in [
        ("client_deps", "default features"),
        ("client_deps_no_default_features", "no default features"),
    ] {
        rows.push([
            format!("normal dependencies of intercom-client, {label}, vs reqwest + serde + serde_json + tokio"),
            show(key, ""),
            show("baseline_deps", ""),
            // Extra packages rather than a ratio: each one is a crate to compile and audit.
            number(f, key)
                .zip(number(f, "baseline_deps"))
                .map_or("–".to_string(), |(a, b)| format!("{:+}", a - b)),
            String::new(),
        ]);
    }
    let mut out = String::from(
        "| figure | generated client | baseline | ratio | target |\n|---|---:|---:|---:|---|\n",
    );
    for row in rows {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    let loads: Vec<String> = ["decode", "gen", "request"]
        .iter()
        .filter_map(|b| {
            let start = number(f, &format!("{b}_load_start"))?;
            let end = number(f, &format!("{b}_load_end"))?;
            Some(format!("{b} {start}→{end}"))
        })
        .collect();
    out.push_str(&format!(
        "\nload average (1 min) during the benches: {}\n",
        loads.join(", ")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_count_counts_each_package_once() {
        let text = "intercom-client v0.1.0 (/w/generated-client)\nbytes v1.0.0\nserde v1.0.1\n\
                    bytes v1.0.0 (*)\n\nreqwest v0.13.5\nbytes v1.0.0\nhyper v1.0.0\n";
        assert_eq!(count_tree(text), 5);
    }

    #[test]
    fn table_marks_missed_targets() {
        let figures = json!({
            "decode_ratio": 1.2,
            "gen_ours_ms": 5.0,
            "gen_preview_ms": 300.0,
            "gen_preview_engine_ms": 100.0,
            "gen_preview_ratio": 3.0,
            "gen_preview_warnings": 26,
        });
        let Value::Object(f) = figures else {
            unreachable!()
        };
        let out = table(&f);
        assert!(out.contains("≤ 1.05 — **missed**"), "{out}");
        assert!(out.contains("| 5 ms | – |  | ≤ 1000 — met |"), "{out}");
        assert!(
            out.contains("| generate `preview` (26 warnings), vs the type engine alone on it | 300 ms | 100 ms | 3.000 | ≤ 1.5 — **missed** |"),
            "{out}"
        );
    }
}
