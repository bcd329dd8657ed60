//! The mock data the generator writes is served as it is: for our spec, Intercom's published
//! one and every construct fixture, the runtime's engine reads it and compiles every schema
//! (routes that do not clash, validators that build), and every answer is a value.

use intercom_generator::{Options, SpecSource, generate};
use intercom_runtime::mock::Spec;

/// The workspace root, from this test's own package.
fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn check(rel: &str) -> usize {
    let root = workspace_root();
    let source = SpecSource::read(rel, |name| {
        std::fs::read_to_string(root.join(name)).map_err(|e| e.to_string())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let generated = generate(&source, &Options::default()).unwrap_or_else(|e| panic!("{rel}: {e}"));
    if let Err(e) = Spec::parse(&generated.mock_data) {
        panic!("{rel}: the engine rejects the mock data: {e}");
    }
    let data: serde_json::Value =
        serde_json::from_str(&generated.mock_data).expect("the data is JSON");
    let operations = data["operations"].as_array().expect("a list of operations");
    assert_eq!(operations.len(), generated.operations.len(), "{rel}");
    operations.len()
}

#[test]
fn our_specs_mock_data_is_served() {
    assert_eq!(check("spec/intercom-2.10.yaml"), 108);
}

#[test]
fn the_published_specs_mock_data_is_served() {
    assert!(check("../shared/upstream/intercom-openapi-2.10.yaml") > 100);
}

#[test]
fn every_fixtures_mock_data_is_served() {
    let dir = workspace_root().join("tests/fixtures/constructs");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the fixtures are listed")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for name in names {
        check(&format!("tests/fixtures/constructs/{name}"));
    }
}
