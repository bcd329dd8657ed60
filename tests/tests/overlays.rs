//! Patching the spec before generation: OpenAPI Overlay 1.0 actions (update, remove), Fern-style
//! override files (deep merge, `null` removes), the warnings and errors they give, and where
//! diagnostics about the patched spec point.

use intercom_generator::{Options, Patch, Severity, SpecSource, generate, generate_patched, patch};
use intercom_tests::workspace_root;
use serde_json::json;

const DIR: &str = "tests/fixtures/overlays";

fn source(file: &str) -> SpecSource {
    let name = format!("{DIR}/{file}");
    let text = std::fs::read_to_string(workspace_root().join(&name))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    SpecSource::new(name, text)
}

fn strict() -> Options {
    Options {
        strict: true,
        ..Options::default()
    }
}

#[test]
fn update_merges_into_mappings_and_appends_to_lists() {
    let out = patch(
        &source("spec.yaml"),
        &[Patch::overlay(source("update.yaml"))],
        &Options::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let doc = &out.document;
    let list = &doc["paths"]["/things"]["get"];
    assert_eq!(list["summary"], "List every thing.");
    assert_eq!(list["description"], "Things in the order they were made.");
    // Members not named in the update stay.
    assert_eq!(list["operationId"], "listThings");
    let props = &doc["components"]["schemas"]["thing"]["properties"];
    assert_eq!(props["colour"]["type"], "string");
    assert_eq!(
        props["name"],
        json!({"type": "string", "description": "What the thing is called."})
    );
    assert_eq!(
        doc["tags"],
        json!([{"name": "things"}, {"name": "colours"}])
    );

    let generated = generate_patched(
        &source("spec.yaml"),
        &[Patch::overlay(source("update.yaml"))],
        &Options::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(generated.surface.items.contains_key("field Thing.colour"));
    assert!(generated.source.contains("/// List every thing."));
}

#[test]
fn remove_takes_out_every_node_the_target_selects() {
    let plain = generate(&source("spec.yaml"), &Options::default()).unwrap();
    assert!(plain.surface.items.contains_key("op delete_thing"));
    assert!(
        plain
            .surface
            .origins
            .contains_key("param list_things.debug")
    );
    let out = generate_patched(
        &source("spec.yaml"),
        &[Patch::overlay(source("remove.yaml"))],
        &Options::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert!(!out.surface.items.contains_key("op delete_thing"));
    assert!(out.surface.items.contains_key("op get_thing"));
    assert!(!out.surface.origins.contains_key("param list_things.debug"));
    // `per_page` moved up the list; it is still found where the spec file has it.
    let origin = &out.surface.origins["param list_things.per_page"];
    assert_eq!(origin.file, format!("{DIR}/spec.yaml"));
    assert_eq!(origin.pointer, "/paths/~1things/get/parameters/1");
    assert_eq!(origin.position.map(|p| p.line), Some(13));
}

#[test]
fn a_target_that_matches_nothing_is_a_warning_and_an_error_when_strict() {
    let patches = [Patch::overlay(source("no_match.yaml"))];
    let out = generate_patched(&source("spec.yaml"), &patches, &Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let [warning] = out.warnings.as_slice() else {
        panic!("one warning expected: {:?}", out.warnings)
    };
    assert_eq!(warning.file, format!("{DIR}/no_match.yaml"));
    assert_eq!(warning.pointer, "/actions/0");
    assert_eq!(warning.position.map(|p| p.line), Some(4));
    assert_eq!(
        warning.message,
        "target `$.paths['/widgets'].get` matches nothing in the spec; the action changes nothing"
    );
    let err = generate_patched(&source("spec.yaml"), &patches, &strict())
        .expect_err("strict generation fails");
    let error = err.error().expect("an error");
    assert_eq!(error.severity, Severity::Error);
    assert_eq!(
        (&error.file, &error.pointer, &error.message),
        (&warning.file, &warning.pointer, &warning.message)
    );
}

#[test]
fn a_file_that_is_not_an_overlay_is_a_located_error() {
    for (file, pointer, line, message) in [
        (
            "invalid_target.yaml",
            "/actions/0/target",
            4,
            "target `$.paths[/things]` is not a JSONPath expression",
        ),
        (
            "invalid_version.json",
            "/overlay",
            2,
            "overlay version `2.0.0` is not supported",
        ),
    ] {
        let err = generate_patched(
            &source("spec.yaml"),
            &[Patch::overlay(source(file))],
            &Options::default(),
        )
        .expect_err("an invalid overlay fails");
        let error = err.error().expect("an error");
        assert_eq!(error.file, format!("{DIR}/{file}"));
        assert_eq!(error.pointer, pointer);
        assert_eq!(error.position.map(|p| p.line), Some(line), "{error}");
        assert!(error.message.starts_with(message), "{error}");
    }
}

#[test]
fn overrides_merge_mappings_replace_lists_and_remove_nulls() {
    let out = patch(
        &source("spec.yaml"),
        &[
            Patch::overrides(source("overrides.yml")),
            Patch::overrides(source("overrides.json")),
        ],
        &Options::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let doc = &out.document;
    let list = &doc["paths"]["/things"]["get"];
    assert_eq!(list["x-fern-sdk-method-name"], "list");
    assert_eq!(list["summary"], "List things.");
    // A list replaces the list: `debug` is gone.
    assert_eq!(
        list["parameters"],
        json!([{"name": "per_page", "in": "query", "schema": {"type": "integer"}}])
    );
    let thing = &doc["components"]["schemas"]["thing"];
    assert_eq!(thing["required"], json!(["id", "name"]));
    assert_eq!(
        thing["properties"]["name"],
        json!({"type": "string", "description": "The name, always sent."})
    );
    let props = thing["properties"].as_object().unwrap();
    assert!(!props.contains_key("legacy_code"), "null removes the key");
    assert!(
        !props.contains_key("labels"),
        "the JSON file applies second"
    );
    assert!(props.contains_key("id"));

    let generated = generate_patched(
        &source("spec.yaml"),
        &[Patch::overrides(source("overrides.yml"))],
        &Options::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        generated
            .surface
            .items
            .get("field Thing.name")
            .map(ToString::to_string)
            .as_deref(),
        Some("String")
    );
    assert!(
        !generated
            .surface
            .items
            .contains_key("field Thing.legacy_code")
    );
}

#[test]
fn diagnostics_about_added_nodes_point_into_the_patch_file() {
    let out = generate_patched(
        &source("spec.yaml"),
        &[Patch::overlay(source("adds_bad_operation.yaml"))],
        &Options::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let [warning] = out.warnings.as_slice() else {
        panic!("one warning expected: {:?}", out.warnings)
    };
    assert_eq!(warning.file, format!("{DIR}/adds_bad_operation.yaml"));
    assert_eq!(
        warning.pointer,
        "/actions/0/update/~1uploads/post/requestBody/content"
    );
    assert_eq!(warning.position.map(|p| (p.line, p.column)), Some((10, 13)));
    assert!(
        warning
            .message
            .starts_with("operation `upload` (POST /uploads) is left out"),
        "{warning}"
    );
    assert!(
        warning
            .message
            .ends_with("(#/paths/~1uploads/post/requestBody/content in the patched spec)"),
        "{warning}"
    );
    assert!(out.surface.items.contains_key("op list_things"));
}

#[test]
fn removed_list_items_are_taken_from_the_end_by_number() {
    let tags: Vec<String> = (0..12).map(|i| format!("{{name: t{i}}}")).collect();
    let spec = SpecSource::new(
        "spec.yaml",
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ntags: [{}]\n",
            tags.join(", ")
        ),
    );
    // Index 10 must go before index 2 (and 10 sorts before 2 as text).
    let overlay = SpecSource::new(
        "remove.yaml",
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.tags[?@.name == 't2' || @.name == 't10']\n    remove: true\n",
    );
    let out = patch(&spec, &[Patch::overlay(overlay)], &Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let left: Vec<&str> = out.document["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        left,
        ["t0", "t1", "t3", "t4", "t5", "t6", "t7", "t8", "t9", "t11"]
    );
}

#[test]
fn an_update_that_is_not_a_mapping_leaves_a_mapping_alone_with_a_warning() {
    let spec = source("spec.yaml");
    let overlay = SpecSource::new(
        "update.yaml",
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    update: just text\n",
    );
    let out = patch(&spec, &[Patch::overlay(overlay)], &Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let [warning] = out.warnings.as_slice() else {
        panic!("one warning expected: {:?}", out.warnings)
    };
    assert_eq!(
        (warning.file.as_str(), warning.pointer.as_str()),
        ("update.yaml", "/actions/0/update")
    );
    assert_eq!(
        warning.message,
        "`update` of the mapping at #/info is not a mapping; not applied there"
    );
    assert!(out.document["info"].is_object());
}

#[test]
fn an_update_reaches_into_a_list_item() {
    let spec = SpecSource::new(
        "spec.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ntags: [{name: a}, {name: b}]\n",
    );
    let overlay = SpecSource::new(
        "update.yaml",
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.tags[1]\n    update: {description: the second}\n",
    );
    let out = patch(&spec, &[Patch::overlay(overlay)], &Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_eq!(
        out.document["tags"],
        json!([{"name": "a"}, {"name": "b", "description": "the second"}])
    );
}
