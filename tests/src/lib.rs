//! Shared helpers for the workspace tests: where things are, and the spec and its examples.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// The path of the spec's root file relative to the workspace root, as diagnostics and headers
/// name it.
pub const SPEC: &str = "spec/intercom-2.10.yaml";

/// The project's spec: its root file and the files its references reach, named relative to the
/// workspace root.
pub fn spec_source() -> intercom_generator::SpecSource {
    let root = workspace_root();
    intercom_generator::SpecSource::read(SPEC, |name| {
        std::fs::read_to_string(root.join(name)).map_err(|e| e.to_string())
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The options `cargo xtask regen` generates the checked-in client with: a Cargo feature per
/// resource.
pub fn regen_options() -> intercom_generator::Options {
    intercom_generator::Options {
        features_per_tag: true,
        ..intercom_generator::Options::default()
    }
}

/// The project's spec as one document, its files' references made references within it.
pub fn spec_document() -> serde_json::Value {
    intercom_generator::patch(&spec_source(), &[], &intercom_generator::Options::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .document
}

/// The operation `id` (an operationId) of the spec document `spec`.
pub fn operation<'a>(spec: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    spec["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .flat_map(|item| item.as_object().into_iter().flat_map(|m| m.values()))
        .find(|op| op["operationId"] == id)
        .unwrap_or_else(|| panic!("no operation {id} in the spec"))
}

/// The operations of the project's spec tagged with one of `tags`, with the components they
/// reach and no others: a smaller spec for tests that generate it many times.
pub fn spec_document_for(tags: &[&str]) -> serde_json::Value {
    use serde_json::Value;
    let mut doc = spec_document();
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            if let Value::Object(ops) = item {
                ops.retain(|_, op| {
                    op.get("tags")
                        .and_then(Value::as_array)
                        .is_some_and(|t| t.iter().any(|t| tags.contains(&t.as_str().unwrap_or(""))))
                });
            }
        }
        paths.retain(|_, item| item.as_object().is_some_and(|ops| !ops.is_empty()));
    }
    // The components reached from the paths, through references, until nothing new is found.
    let mut reached = std::collections::BTreeSet::new();
    let mut frontier = references(doc.get("paths").unwrap_or(&Value::Null));
    while let Some(target) = frontier.pop() {
        if reached.insert(target.clone())
            && let Some(node) = doc.pointer(target.trim_start_matches('#'))
        {
            frontier.extend(references(node));
        }
    }
    if let Some(Value::Object(components)) = doc.get_mut("components") {
        for (kind, members) in components.iter_mut() {
            if kind == "securitySchemes" {
                continue;
            }
            if let Value::Object(members) = members {
                members.retain(|name, _| {
                    let at = format!(
                        "#/components/{kind}/{}",
                        name.replace('~', "~0").replace('/', "~1")
                    );
                    reached.contains(&at)
                });
            }
        }
    }
    doc
}

/// Every `$ref` string under `node`, component references cut to the component.
fn references(node: &serde_json::Value) -> Vec<String> {
    use serde_json::Value;
    let mut out = Vec::new();
    match node {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                let component: Vec<&str> = r.splitn(5, '/').take(4).collect();
                out.push(component.join("/"));
            }
            for child in map.values() {
                out.extend(references(child));
            }
        }
        Value::Array(items) => items.iter().for_each(|i| out.extend(references(i))),
        _ => {}
    }
    out
}
