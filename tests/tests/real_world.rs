//! The generator on specs as vendors publish them: broken specs give located errors (never a
//! panic), problems it can work around give located warnings, and Intercom's own published
//! description generates every operation.

use intercom_generator::{Options, Severity, SpecSource, generate};
use intercom_tests::workspace_root;

fn fixture_name(path: &std::path::Path) -> String {
    let rel = path.strip_prefix(workspace_root()).unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}

#[test]
fn broken_specs_give_located_errors() {
    insta::glob!("../fixtures/broken", "*.yaml", |path| {
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let name = fixture_name(path);
        let err = match generate(&SpecSource::new(name.clone(), text), &Options::default()) {
            Ok(_) => panic!("{name} generated, but it is broken"),
            Err(e) => e,
        };
        let error = err.error().expect("an error diagnostic");
        assert_eq!(error.file, name);
        // Every error points into the document; the empty file's at its start.
        assert!(error.position.is_some(), "no line:column in {error}");
        insta::assert_snapshot!(err.to_string());
    });
}

#[test]
fn lenient_problems_are_warnings_and_strict_makes_them_errors() {
    let path = workspace_root().join("tests/fixtures/constructs/lenient.yaml");
    let text = std::fs::read_to_string(&path).expect("fixture is readable");
    let src = SpecSource::new("tests/fixtures/constructs/lenient.yaml", text);
    let ok = generate(&src, &Options::default()).expect("lenient generation succeeds");
    assert_eq!(ok.warnings.len(), 8, "{:#?}", ok.warnings);
    assert!(
        ok.warnings
            .iter()
            .all(|w| w.severity == Severity::Warning && w.position.is_some())
    );
    let strict = Options {
        strict: true,
        ..Options::default()
    };
    let err = generate(&src, &strict).expect_err("strict generation fails");
    let first = err.error().expect("an error");
    assert_eq!(first.pointer, ok.warnings[0].pointer);
    assert_eq!(first.message, ok.warnings[0].message);
}

/// Intercom's published 2.10 description: 108 operations, and the warnings for its known
/// defects. It lives in `../shared/upstream`, beside the repository.
#[test]
fn intercom_published_spec_generates_every_operation() {
    let path = workspace_root().join("../shared/upstream/intercom-openapi-2.10.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} is needed beside the repository: {e}", path.display()));
    let out = generate(
        &SpecSource::new("shared/upstream/intercom-openapi-2.10.yaml", text),
        &Options::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let ops = out
        .surface
        .items
        .keys()
        .filter(|k| k.starts_with("op "))
        .count();
    assert_eq!(ops, 108);
    assert_eq!(out.facts.servers.len(), 3);
    let warnings: Vec<String> = out.warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(warnings.join("\n"));
}
