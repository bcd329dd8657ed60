//! The generator in-process: `intercom_generator::generate` for our spec (`gen_ours`, its files
//! read from memory) and for Intercom's published spec (`gen_full`), each from a fresh
//! `SpecSource`, after warm-up.
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
    SPEC, UPSTREAM_SPEC, criterion_median_ns, load_average, read_workspace_file, round, spec_files,
    write_result,
};
use intercom_generator::{Options, SpecSource, generate};
use serde_json::{Value, json};

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
    for (id, name, files) in &specs {
        // A spec that does not generate would time the error path.
        let generated = generate(&source(name, files), &options)
            .unwrap_or_else(|e| panic!("{name} does not generate: {e}"));
        warnings.insert(
            format!("gen_{id}_warnings"),
            json!(generated.warnings.len()),
        );
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
    }
    figures.insert("gen_load_start".into(), json!(load_start));
    figures.insert("gen_load_end".into(), json!(load_average()));
    write_result("generate", &Value::Object(figures));
}
