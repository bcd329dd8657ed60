//! Snapshots a reviewer reads when the spec changes: the public API surface of the generated
//! client, the generated code of one-construct fixture specs, and what a version bump changes.

use intercom_generator::{Options, SpecSource, generate};
use intercom_tests::{SPEC, regen_options, spec_document, spec_source, workspace_root};

fn generate_named(name: &str, text: &str) -> intercom_generator::Generated {
    generate(&SpecSource::new(name, text), &Options::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// The client generated from the project's spec, as `cargo xtask regen` generates it.
fn generate_spec() -> intercom_generator::Generated {
    generate(&spec_source(), &regen_options()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn spec_surface() {
    let out = generate_spec();
    assert!(
        out.warnings.is_empty(),
        "the project spec has warnings: {:?}",
        out.warnings
    );
    insta::assert_snapshot!("surface", out.surface.to_string());
}

#[test]
fn spec_has_the_documented_operations_servers_and_fields() {
    let out = generate_spec();
    // Every operation of Intercom's published 2.10 description, by its operationId.
    let published: serde_json::Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(
            workspace_root().join("../shared/upstream/intercom-openapi-2.10.yaml"),
        )
        .expect("the published description is beside the repository"),
    )
    .expect("the published description is YAML");
    let mut expected: Vec<&str> = published["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().into_iter().flatten())
        .filter_map(|(_, op)| op["operationId"].as_str())
        .collect();
    expected.sort_unstable();
    let ops: Vec<&str> = out.facts.operations.keys().map(String::as_str).collect();
    assert_eq!(ops.len(), 108);
    assert_eq!(ops, expected);
    let urls: Vec<&str> = out.facts.servers.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://api.intercom.io",
            "https://api.eu.intercom.io",
            "https://api.au.intercom.io"
        ]
    );
    assert!(out.facts.bearer_auth);
    assert_eq!(
        out.facts.version_header.as_deref(),
        Some("Intercom-Version")
    );
    assert_eq!(out.facts.api_version, "2.10");
    let contact_fields = out
        .surface
        .items
        .keys()
        .filter(|k| k.as_str().starts_with("field Contact."))
        .count();
    assert_eq!(contact_fields, 52);
}

#[test]
fn generation_is_deterministic() {
    let a = generate_spec();
    let b = generate_spec();
    assert_eq!(a.source, b.source);
}

#[test]
fn checked_in_client_is_fresh() {
    let out = generate_spec();
    let path = workspace_root().join("generated-client/src/generated.rs");
    let checked_in = std::fs::read_to_string(&path).expect("generated.rs is readable");
    assert!(
        checked_in == out.source,
        "generated-client/src/generated.rs is stale: run `cargo xtask regen` and commit the result"
    );
}

#[test]
fn construct_fixtures() {
    insta::glob!("../fixtures/constructs", "*.yaml", |path| {
        let name = format!(
            "tests/fixtures/constructs/{}",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
        );
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let out = generate_named(&name, &text);
        let warnings: Vec<String> = out.warnings.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(format!(
            "warnings:\n{}\n\nsurface:\n{}\nsource:\n{}",
            warnings.join("\n"),
            out.surface,
            out.source
        ));
    });
}

/// Bumping the version in the spec changes only version-related lines of the generated code.
#[test]
fn version_bump_changes_only_version_lines() {
    // The whole spec as one document, in which the version is in three places.
    let text = serde_json::to_string_pretty(&spec_document()).expect("serialises");
    let bumped = text
        .replace("\"version\": \"2.10\"", "\"version\": \"2.11\"")
        .replace("\"default\": \"2.10\"", "\"default\": \"2.11\"")
        .replace("\"example\": \"2.10\"", "\"example\": \"2.11\"");
    assert_eq!(
        bumped.matches("2.11").count(),
        text.matches("2.11").count() + 3,
        "the spec no longer spells its version as expected"
    );
    let old = generate_named(SPEC, &text);
    let new = generate_named(SPEC, &bumped);
    let diff = similar::TextDiff::from_lines(&old.source, &new.source);
    let mut changed = Vec::new();
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Equal => {}
            similar::ChangeTag::Delete => changed.push(format!("-{}", change.value().trim_end())),
            similar::ChangeTag::Insert => changed.push(format!("+{}", change.value().trim_end())),
        }
    }
    for line in &changed {
        assert!(
            line.contains("2.10") || line.contains("2.11"),
            "not a version line: {line}"
        );
    }
    insta::assert_snapshot!("version_bump", changed.join("\n"));
}
