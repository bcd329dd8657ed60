//! The generator on specs as vendors publish them: broken specs give located errors (never a
//! panic), problems it can work around give located warnings, one operation that cannot be
//! generated is left out with a located warning (an error with `strict`) while the rest is
//! generated, and Intercom's own published description generates every operation.

use intercom_generator::{Options, Patch, Severity, SpecSource, generate, generate_patched};
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
fn one_bad_operation_never_sinks_the_spec() {
    insta::glob!("../fixtures/per_operation", "*.yaml", |path| {
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let name = fixture_name(path);
        let src = SpecSource::new(name.clone(), text);
        let out = generate(&src, &Options::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            out.surface.items.contains_key("op list_things"),
            "{name}: the good operation is missing"
        );
        assert!(!out.warnings.is_empty(), "{name}: no warning");
        for w in &out.warnings {
            assert_eq!(w.severity, Severity::Warning);
            assert_eq!(w.file, name);
            assert!(w.position.is_some(), "no line:column in {w}");
        }
        let strict = Options {
            strict: true,
            ..Options::default()
        };
        let err = generate(&src, &strict).expect_err("strict generation fails");
        let error = err.error().expect("an error");
        assert_eq!(
            (&error.pointer, &error.message, error.position),
            (
                &out.warnings[0].pointer,
                &out.warnings[0].message,
                out.warnings[0].position
            )
        );
        let ops: Vec<&str> = out
            .surface
            .items
            .keys()
            .filter_map(|k| k.as_str().strip_prefix("op "))
            .collect();
        let warnings: Vec<String> = out.warnings.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(format!(
            "operations: {}\n\n{}",
            ops.join(", "),
            warnings.join("\n")
        ));
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

/// Names the passes foresee take one round; a component whose type name the type engine gives
/// an inline schema as well (merging an `allOf` reference) is renamed in exactly one more.
#[test]
fn a_component_name_the_type_engine_takes_costs_one_more_round() {
    for (fixture, rounds, renamed) in [
        ("collision_all_of_member.yaml", 1, None),
        (
            "collision_all_of_reference.yaml",
            2,
            Some("/components/schemas/graph.attendeeType"),
        ),
    ] {
        let name = format!("tests/fixtures/constructs/{fixture}");
        let text = std::fs::read_to_string(workspace_root().join(&name)).expect("readable");
        let out = generate(&SpecSource::new(name, text), &Options::default())
            .unwrap_or_else(|e| panic!("{fixture} generates: {e}"));
        assert_eq!(out.timings.rounds, rounds, "{fixture}");
        assert_eq!(out.timings.engine_runs, rounds, "{fixture}");
        let renames: Vec<&str> = out
            .warnings
            .iter()
            .filter(|w| w.message.contains("the schema is generated as"))
            .map(|w| w.pointer.as_str())
            .collect();
        assert_eq!(renames, Vec::from_iter(renamed), "{fixture}");
    }
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
        .filter(|k| matches!(k.kind(), intercom_generator::KeyKind::Operation(_)))
        .count();
    assert_eq!(ops, 108);
    // Counted from the file itself: every operation it declares is generated.
    let raw: serde_json::Value = serde_yaml_ng::from_str(&std::fs::read_to_string(&path).unwrap())
        .expect("the published spec parses");
    let declared = raw["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().expect("a path item").keys())
        .filter(|k| {
            [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ]
            .contains(&k.as_str())
        })
        .count();
    assert_eq!(declared, 108);
    assert_eq!(out.operations.len(), declared);
    assert!(
        out.warnings
            .iter()
            .all(|w| !w.message.starts_with("operation ")),
        "an operation was left out: {:#?}",
        out.warnings
    );
    assert_eq!(out.facts.servers.len(), 3);
    let warnings: Vec<String> = out.warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(warnings.join("\n"));
}

/// The published 2.10 description with the problems of newer Intercom descriptions brought in by
/// an overlay: a colliding inline type name, an undeclared path name, a multipart body (which
/// generates) and success responses of two types. It generates, with a located warning for each
/// problem, and every other operation is kept.
#[test]
fn newer_description_problems_are_warnings_not_failures() {
    let root = workspace_root();
    let read = |p: &str| {
        std::fs::read_to_string(root.join(p)).unwrap_or_else(|e| panic!("{p} is needed: {e}"))
    };
    let spec = SpecSource::new(
        "shared/upstream/intercom-openapi-2.10.yaml",
        read("../shared/upstream/intercom-openapi-2.10.yaml"),
    );
    let overlay = "tests/fixtures/overlays/newer_intercom.yaml";
    let patches = [Patch::overlay(SpecSource::new(overlay, read(overlay)))];
    let out =
        generate_patched(&spec, &patches, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.operations.len(), 108 + 2);
    assert!(out.surface.items.contains_key("op show_export_job"));
    assert_eq!(
        out.surface
            .items
            .get("op create_upload")
            .map(ToString::to_string)
            .as_deref(),
        Some("(body: &Multipart) -> Result<Response<()>, Error>")
    );
    // `ticket.type` is a one-value kind marker, typed as a string: no inline type is named
    // after it, so none collides with `TicketType` (collisions are the construct fixtures').
    assert!(!out.surface.items.contains_key("model TicketType2"));
    assert!(out.surface.items.contains_key("model TicketType"));
    let new: Vec<String> = out
        .warnings
        .iter()
        .filter(|w| {
            w.message.contains("TicketType2")
                || w.message.contains("job_identifier")
                || w.message.contains("createUpload")
                || w.message.contains("upsertContactTwoWays")
        })
        .map(ToString::to_string)
        .collect();
    insta::assert_snapshot!(new.join("\n"));
    let strict = Options {
        strict: true,
        ..Options::default()
    };
    assert!(generate_patched(&spec, &patches, &strict).is_err());
}
