//! The generator in-process: `intercom_generator::generate` for our spec (`gen_ours`, its files
//! read from memory) and for Intercom's published spec (`gen_full`), each from a fresh
//! `SpecSource`, after warm-up.
//!
//! Intercom's Preview description (`gen_preview`) is timed too. Each spec's time is set beside
//! the type engine's own time on the same description in the same run (`gen_<id>_engine_ms`:
//! the median over a few generations of the engine's final run, which `Timings` reports), as
//! `gen_<id>_ratio`.
//!
//! Further specs are timed when `GEN_EXTRA_SPECS` lists them as `id=path` pairs separated by
//! commas (e.g. a large description of the corpus, extracted from its tarball), each as
//! `gen_<id>_ms`.
//!
//! Criterion measures; afterwards the medians of this run are copied from criterion's
//! `estimates.json` files into `target/bench/generate.json` for `cargo xtask bench`.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{BatchSize, Criterion, SamplingMode};
use std::collections::BTreeMap;

use intercom_benches::{
    PREVIEW_SPEC, SPEC, UPSTREAM_SPEC, criterion_median_ns, load_average, read_workspace_file,
    round, spec_files, write_result,
};
use intercom_generator::{Options, SpecSource, generate};
use serde_json::{Value, json};

/// Generations whose type-engine time gives the median baseline.
const ENGINE_SAMPLES: usize = 5;

fn main() {
    let started = SystemTime::now();
    let load_start = load_average();
    // (id, the root file's name, every file by name)
    let one = |name: &str, text: String| BTreeMap::from([(name.to_string(), text)]);
    let mut specs: Vec<(String, String, BTreeMap<String, String>)> = vec![
        ("ours".into(), SPEC.into(), spec_files()),
        (
            "full".into(),
            UPSTREAM_SPEC.into(),
            one(UPSTREAM_SPEC, read_workspace_file(UPSTREAM_SPEC)),
        ),
        (
            "preview".into(),
            PREVIEW_SPEC.into(),
            one(PREVIEW_SPEC, read_workspace_file(PREVIEW_SPEC)),
        ),
    ];
    for pair in std::env::var("GEN_EXTRA_SPECS")
        .unwrap_or_default()
        .split(',')
        .filter(|p| !p.is_empty())
    {
        let (id, path) = pair
            .split_once('=')
            .unwrap_or_else(|| panic!("GEN_EXTRA_SPECS: `{pair}` is not id=path"));
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("GEN_EXTRA_SPECS: cannot read {path}: {e}"));
        specs.push((id.into(), path.into(), one(path, text)));
    }
    let options = Options::default();
    // The spec's files, unparsed: generation parses them, as a real run does.
    let source = |name: &str, files: &BTreeMap<String, String>| {
        files.iter().filter(|(file, _)| *file != name).fold(
            SpecSource::new(name, files[name].clone()),
            |s, (file, text)| s.with_file(file.as_str(), text.as_str()),
        )
    };
    let mut warnings = serde_json::Map::new();
    let mut engine_ms = BTreeMap::new();
    for (id, name, files) in &specs {
        // A spec that does not generate would time the error path.
        let generated = generate(&source(name, files), &options)
            .unwrap_or_else(|e| panic!("{name} does not generate: {e}"));
        warnings.insert(
            format!("gen_{id}_warnings"),
            json!(generated.warnings.len()),
        );
        // The type engine's own time on this description: its final run, over a few
        // generations, the median.
        let mut runs: Vec<f64> = (0..ENGINE_SAMPLES)
            .map(|_| {
                let out = generate(&source(name, files), &options).expect("spec generates");
                out.timings.engine_final.as_secs_f64() * 1e3
            })
            .collect();
        runs.sort_by(f64::total_cmp);
        engine_ms.insert(id.clone(), runs[runs.len() / 2]);
    }

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("generate");
    // One run of the full spec takes long enough that criterion's default of 100 growing
    // samples would take minutes; ten equal samples of a few iterations give a stable median.
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    for (id, name, files) in &specs {
        group.bench_function(id.as_str(), |b| {
            // The `SpecSource` caches a line index and the parsed files, so each iteration gets
            // a fresh one, as a real run does; building it (copies of the text) is outside the
            // timing.
            b.iter_batched(
                || source(name, files),
                |source| generate(black_box(&source), &options).expect("spec generates"),
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
    c.final_summary();

    let mut figures = warnings;
    for (id, _, _) in &specs {
        let median = criterion_median_ns("generate", id.as_str(), started);
        figures.insert(
            format!("gen_{id}_ms"),
            json!(median.map(|ns| round(ns / 1e6, 2))),
        );
        let engine = engine_ms[id];
        figures.insert(format!("gen_{id}_engine_ms"), json!(round(engine, 2)));
        figures.insert(
            format!("gen_{id}_ratio"),
            json!(median.map(|ns| round(ns / 1e6 / engine, 3))),
        );
    }
    figures.insert("gen_load_start".into(), json!(load_start));
    figures.insert("gen_load_end".into(), json!(load_average()));
    write_result("generate", &Value::Object(figures));
}
