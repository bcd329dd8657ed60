//! Driving progenitor: typing the prepared spec, the generation settings, and turning
//! progenitor's errors and panics into located diagnostics.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;
use std::time::Instant;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::base::diag::Diagnostic;
use crate::base::pointer::escape_token;
use crate::base::timings::Timings;
use crate::load::context::Ctx;
use crate::passes::operation_list::MULTIPART;
use crate::passes::skip::METHODS;

/// Deserializes the prepared document into openapiv3's model; a mismatch is located by the
/// path serde was at.
pub(crate) fn typed_spec(ctx: &Ctx<'_>, doc: Value) -> Result<openapiv3::OpenAPI, Box<Diagnostic>> {
    serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(doc).map_err(|err| {
        let mut pointer = String::new();
        for segment in err.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
                Segment::Map { key } => pointer.push_str(&format!("/{}", escape_token(key))),
                Segment::Enum { variant } => {
                    pointer.push_str(&format!("/{}", escape_token(variant)))
                }
                Segment::Unknown => {}
            }
        }
        ctx.error(
            &pointer,
            format!("not a valid OpenAPI 3.0 document here: {}", err.inner()),
        )
    })
}

/// Takes the `multipart/form-data` request bodies out of what progenitor sees: it cannot generate
/// them, and the operation model gives those operations the runtime's `Multipart` instead.
pub(crate) fn without_multipart_bodies(doc: &mut Value) {
    let snapshot = doc.clone();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let multipart = op
                .get("requestBody")
                .and_then(|b| crate::base::pointer::resolve(&snapshot, b))
                .and_then(|b| b.get("content"))
                .and_then(Value::as_object)
                .is_some_and(|c| c.contains_key(MULTIPART));
            if multipart {
                op.remove("requestBody");
            }
        }
    }
}

/// Takes the `default` response out of what progenitor sees for an operation that lists a 2xx
/// response: progenitor counts `default` as a success, so an error schema under `default` would
/// be a second success type. The operation model still lists it among the documented errors,
/// and the runtime treats every status outside 2xx as an error.
pub(crate) fn without_default_beside_success(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            let Some(responses) = item
                .get_mut(method)
                .and_then(|op| op.get_mut("responses"))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            if responses.keys().any(|status| status.starts_with('2')) {
                responses.remove("default");
            }
        }
    }
}

/// Takes serialization styles out of what progenitor sees, which refuses an operation with a
/// `deepObject` query parameter or a body media type with an `encoding` map. The operation model
/// keeps the style (see `model::Param::deep`) and the runtime writes such parameters and form
/// bodies with brackets (`created[gt]=10`, `metadata[plan]=pro`).
pub(crate) fn without_serialization_styles(node: &mut Value) {
    match node {
        Value::Object(map) => {
            if map.get("style").and_then(Value::as_str) == Some("deepObject") {
                map.remove("style");
                map.remove("explode");
            }
            if map.get("encoding").is_some_and(Value::is_object) && map.contains_key("schema") {
                map.remove("encoding");
            }
            for (key, child) in map.iter_mut() {
                if !matches!(key.as_str(), "example" | "examples" | "default" | "enum") {
                    without_serialization_styles(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(without_serialization_styles),
        _ => {}
    }
}

/// Takes string `pattern`s out of what the type generator sees. It would make each patterned
/// string a newtype that checks the pattern with a regular-expression crate the client does not
/// depend on, and panics on a pattern that crate cannot compile; the API checks its own patterns,
/// and a client that refuses a value the server would take is worse than one that sends it.
/// Values (`example`, `default`, `enum`) are left alone.
///
/// String lengths (`minLength`, `maxLength`) go for the same reason: each would make its
/// string a newtype with a checking constructor and eight impls, so a field the server sends one
/// character longer than described would fail to decode, and callers would wrap every value.
/// Stripe's description bounds nearly every string at 5,000 characters: 3,504 such newtypes,
/// about a third of what its crate took to compile. The mock server still checks lengths, from
/// the description as written.
pub(crate) fn without_patterns(node: &mut Value) {
    match node {
        Value::Object(map) => {
            if map.get("pattern").is_some_and(Value::is_string) {
                map.remove("pattern");
            }
            for bound in ["minLength", "maxLength"] {
                if map.get(bound).is_some_and(Value::is_u64) {
                    map.remove(bound);
                }
            }
            for (key, child) in map.iter_mut() {
                if !matches!(key.as_str(), "example" | "examples" | "default" | "enum") {
                    without_patterns(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(without_patterns),
        _ => {}
    }
}

fn settings() -> progenitor::GenerationSettings {
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        .with_tag(progenitor::TagStyle::Merged)
        .with_hooks(progenitor::HooksMode::Expected)
        .with_inner_type(quote!(crate::runtime::Runtime))
        // Ordered maps keep serialized output, and so snapshots, stable.
        .with_map_type("::std::collections::BTreeMap")
        .with_derive("PartialEq");
    settings
}

/// Why progenitor produced no code.
pub(crate) enum Failure {
    /// These operations fail on their own, with the reason: (operation pointer, message).
    Operations(Vec<(String, String)>),
    /// These component schemas fail on their own, with the reason: (schema name, message).
    Schemas(Vec<(String, String)>),
    /// No single operation or schema is to blame.
    Whole(Box<Diagnostic>),
}

/// Runs progenitor. Its errors and panics become diagnostics; when it fails, the operations
/// that fail on their own are found by halving the operation list until each culprit stands
/// alone, so that the caller can leave them out and try again. When the component schemas fail
/// without any operation, the schemas that fail on their own are found the same way.
pub(crate) fn run_progenitor(
    ctx: &Ctx<'_>,
    spec: &openapiv3::OpenAPI,
    t: &mut Timings,
) -> Result<TokenStream, Failure> {
    let failed = match guarded(t, spec) {
        Ok(Ok(tokens)) => return Ok(tokens),
        Ok(Err(err)) => format!("progenitor: {err}"),
        Err(panic) => format!("progenitor failed: {panic}"),
    };
    // A failure without any operation is the component schemas' own: no operation is to blame.
    let all = operations(spec);
    let schemas_only = with_only(spec, &[]);
    let culprits = if !matches!(guarded(t, &schemas_only), Ok(Ok(_))) {
        let names: Vec<String> = spec
            .components
            .as_ref()
            .map(|c| c.schemas.keys().cloned().collect())
            .unwrap_or_default();
        let bad = bad_schemas(t, &schemas_only, &names);
        if !bad.is_empty() {
            return Err(Failure::Schemas(bad));
        }
        Vec::new()
    } else if all.len() > 1 {
        let (left, right) = all.split_at(all.len() / 2);
        let mut found = culprits(t, spec, left);
        found.extend(culprits(t, spec, right));
        found
    } else {
        culprits(t, spec, &all)
    };
    if culprits.is_empty() {
        Err(Failure::Whole(ctx.error(
            "/components/schemas",
            format!("{failed} while generating the component schemas"),
        )))
    } else {
        Err(Failure::Operations(culprits))
    }
}

/// Every operation of the spec as (path, method).
fn operations(spec: &openapiv3::OpenAPI) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for (path, item) in spec.paths.paths.iter() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        let mut item = item.clone();
        for method in METHODS {
            if slot(&mut item, method).is_some() {
                out.push((path.clone(), method));
            }
        }
    }
    out
}

/// The operation of `method` in a path item.
fn slot<'a>(
    item: &'a mut openapiv3::PathItem,
    method: &str,
) -> &'a mut Option<openapiv3::Operation> {
    match method {
        "get" => &mut item.get,
        "put" => &mut item.put,
        "post" => &mut item.post,
        "delete" => &mut item.delete,
        "options" => &mut item.options,
        "head" => &mut item.head,
        "patch" => &mut item.patch,
        _ => &mut item.trace,
    }
}

/// `spec` with only the operations `keep`.
fn with_only(spec: &openapiv3::OpenAPI, keep: &[(String, &'static str)]) -> openapiv3::OpenAPI {
    let mut out = spec.clone();
    out.paths.paths.clear();
    for (path, item) in spec.paths.paths.iter() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        let mut one = item.clone();
        for method in METHODS {
            if !keep.iter().any(|(p, m)| p == path && *m == method) {
                *slot(&mut one, method) = None;
            }
        }
        if one.iter().next().is_some() {
            out.paths
                .paths
                .insert(path.clone(), openapiv3::ReferenceOr::Item(one));
        }
    }
    out
}

/// The operations among `ops` that fail on their own, with progenitor's reason.
fn culprits(
    t: &mut Timings,
    spec: &openapiv3::OpenAPI,
    ops: &[(String, &'static str)],
) -> Vec<(String, String)> {
    if ops.is_empty() {
        return Vec::new();
    }
    let reason = match guarded(t, &with_only(spec, ops)) {
        Ok(Ok(_)) => return Vec::new(),
        Ok(Err(err)) => err.to_string(),
        Err(panic) => panic,
    };
    if let [(path, method)] = ops {
        let reason = if reason.contains("response_types.len() <= 1") {
            format!(
                "its success responses have different types, which progenitor cannot generate ({reason})"
            )
        } else {
            format!("progenitor cannot generate it: {reason}")
        };
        return vec![(format!("/paths/{}/{method}", escape_token(path)), reason)];
    }
    let (left, right) = ops.split_at(ops.len() / 2);
    let mut found = culprits(t, spec, left);
    found.extend(culprits(t, spec, right));
    found
}

/// The schemas among `keep` that fail on their own, with progenitor's reason: each half is
/// tried with every other schema made free-form (so that references to them still resolve).
fn bad_schemas(
    t: &mut Timings,
    base: &openapiv3::OpenAPI,
    keep: &[String],
) -> Vec<(String, String)> {
    if keep.is_empty() {
        return Vec::new();
    }
    let reason = match guarded(t, &keeping_schemas(base, keep)) {
        Ok(Ok(_)) => return Vec::new(),
        Ok(Err(err)) => format!("progenitor: {err}"),
        Err(panic) => format!("progenitor failed: {panic}"),
    };
    if let [one] = keep {
        return vec![(one.clone(), reason)];
    }
    let (left, right) = keep.split_at(keep.len() / 2);
    let mut found = bad_schemas(t, base, left);
    found.extend(bad_schemas(t, base, right));
    found
}

/// `spec` with every component schema but those in `keep` replaced by a free-form schema.
fn keeping_schemas(spec: &openapiv3::OpenAPI, keep: &[String]) -> openapiv3::OpenAPI {
    let mut out = spec.clone();
    if let Some(components) = &mut out.components {
        for (name, schema) in components.schemas.iter_mut() {
            if !keep.contains(name) {
                *schema = openapiv3::ReferenceOr::Item(free_form());
            }
        }
    }
    out
}

/// A schema any JSON value satisfies.
fn free_form() -> openapiv3::Schema {
    openapiv3::Schema {
        schema_data: openapiv3::SchemaData::default(),
        schema_kind: openapiv3::SchemaKind::Any(openapiv3::AnySchema::default()),
    }
}

thread_local! {
    static CAPTURE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs progenitor with panics caught; the panic message is returned instead of printed. Each
/// run is counted and timed in `t`; one that succeeds is the engine's final time.
fn guarded(
    t: &mut Timings,
    spec: &openapiv3::OpenAPI,
) -> Result<Result<TokenStream, progenitor::Error>, String> {
    let started = Instant::now();
    let result = guarded_run(spec);
    let took = started.elapsed();
    t.engine_runs += 1;
    t.engine += took;
    if matches!(result, Ok(Ok(_))) {
        t.engine_final = took;
    }
    result
}

fn guarded_run(
    spec: &openapiv3::OpenAPI,
) -> Result<Result<TokenStream, progenitor::Error>, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let captured = CAPTURE.with(|c| {
                let mut c = c.borrow_mut();
                match c.as_mut() {
                    Some(slot) => {
                        let msg = info
                            .payload()
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| info.payload().downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "unknown panic".to_string());
                        *slot = msg;
                        true
                    }
                    None => false,
                }
            });
            if !captured {
                previous(info);
            }
        }));
    });
    CAPTURE.with(|c| *c.borrow_mut() = Some(String::new()));
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut generator = progenitor::Generator::new(&settings());
        generator.generate_tokens(spec)
    }));
    let message = CAPTURE.with(|c| c.borrow_mut().take()).unwrap_or_default();
    result.map_err(|_| message)
}

/// progenitor's `types` module, with its docs and without its lint allowance (the crate's
/// `lib.rs` decides lints for the whole generated module).
#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn string_lengths_go_and_values_stay() {
        let mut doc = json!({"properties": {
            "any": {"type": "string", "minLength": 0},
            "bounded": {"type": "string", "minLength": 1, "maxLength": 5000},
            "a_property_named_like_a_bound": {"type": "object", "properties": {
                "maxLength": {"type": "integer"}
            }}
        }});
        without_patterns(&mut doc);
        assert_eq!(doc["properties"]["any"], json!({"type": "string"}));
        assert_eq!(doc["properties"]["bounded"], json!({"type": "string"}));
        assert_eq!(
            doc["properties"]["a_property_named_like_a_bound"]["properties"]["maxLength"],
            json!({"type": "integer"})
        );
    }

    #[test]
    fn patterns_go_and_values_stay() {
        let mut doc = json!({
            "components": {"schemas": {
                "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
                "rule": {
                    "type": "object",
                    "properties": {"pattern": {"type": "string", "pattern": "^x"}},
                    "example": {"pattern": "^kept$"},
                    "default": {"pattern": "kept"},
                },
            }}
        });
        without_patterns(&mut doc);
        assert_eq!(
            doc,
            json!({
                "components": {"schemas": {
                    "code": {"type": "string"},
                    "rule": {
                        "type": "object",
                        "properties": {"pattern": {"type": "string"}},
                        "example": {"pattern": "^kept$"},
                        "default": {"pattern": "kept"},
                    },
                }}
            })
        );
    }

    #[test]
    fn default_goes_only_beside_a_success() {
        let mut doc = json!({"paths": {"/a": {
            "get": {"responses": {"200": {}, "default": {}}},
            "delete": {"responses": {"default": {}}},
        }}});
        without_default_beside_success(&mut doc);
        assert_eq!(
            doc,
            json!({"paths": {"/a": {
                "get": {"responses": {"200": {}}},
                "delete": {"responses": {"default": {}}},
            }}})
        );
    }
}
