//! Schema passes before progenitor sees the spec: broken references, names that collide once
//! turned into Rust, nullable components, formats, arrays without items, enums that cannot be
//! Rust enums, responses without a schema and error responses that disagree.
//!
//! One file, at about 500 lines with its unit tests: the passes run in turn over the same
//! component schemas and share their helpers.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::base::naming::{self, Case};
use crate::base::pointer::{self, escape_token, resolve, schema_pointers};
use crate::load::context::{Ctx, R};
use crate::passes::operation_list::{Op, is_json};
use crate::passes::skip;

/// Every `$ref` must be local and resolve. A `$ref` to a schema that is not there, and any
/// broken `$ref` inside a component schema (external, or pointing nowhere), becomes a free-form
/// JSON value with a warning. Any other broken reference inside an operation (or its path item)
/// leaves that operation out; inside a component other than a schema, the component goes, and
/// the operations that use it follow on the next round. Elsewhere it is an error.
pub(crate) fn check_refs(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<()> {
    loop {
        let mut changed = false;
        for (at, target) in pointer::refs(doc) {
            // An earlier fix in this round may have taken the node away.
            if doc.pointer(&at).is_none() {
                continue;
            }
            let local = target.strip_prefix('#');
            if local.is_some_and(|l| doc.pointer(l).is_some()) {
                continue;
            }
            let parent = at.strip_suffix("/$ref").unwrap_or(&at).to_string();
            let problem = match local {
                None => format!(
                    "external reference `{target}` is not supported; only `#/...` references are"
                ),
                Some(_) => format!("reference `{target}` points to nothing"),
            };
            // A schema that points nowhere, or anything a shared schema points to that is
            // missing, costs one value its type rather than every operation that uses it.
            if local.is_some_and(|l| l.starts_with("/components/schemas/"))
                || parent.starts_with("/components/schemas/")
            {
                ctx.warn(
                    &parent,
                    format!("{problem}; typed as a free-form JSON value"),
                )?;
                if let Some(node) = doc.pointer_mut(&parent) {
                    *node = Value::Object(Map::new());
                }
            } else if let Some(op) = skip::operation_of(&parent) {
                skip::drop_operation(ctx, doc, &op, &at, &problem)?;
            } else if let Some(item) = path_item_parameters(&parent) {
                for op in skip::operations_of_item(doc, &item) {
                    skip::drop_operation(ctx, doc, &op, &at, &problem)?;
                }
                skip::remove_path_item(doc, &item);
            } else if let Some(component) = non_schema_component(&parent) {
                ctx.warn(
                    &at,
                    format!("{problem}; component #{component} is left out, and so are the operations that use it"),
                )?;
                remove_at(doc, &component);
            } else {
                return Err(ctx.error(&at, problem));
            }
            changed = true;
        }
        if !changed {
            return Ok(());
        }
    }
}

/// `/paths/~1a` for a pointer under `/paths/~1a/parameters`.
fn path_item_parameters(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("/paths/")?;
    let (path, rest) = rest.split_once('/')?;
    (rest == "parameters" || rest.starts_with("parameters/")).then(|| format!("/paths/{path}"))
}

/// `/components/parameters/x` for a pointer inside that component (schemas excluded).
fn non_schema_component(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("/components/")?;
    let mut tokens = rest.splitn(3, '/');
    let (kind, name) = (tokens.next()?, tokens.next()?);
    (kind != "schemas").then(|| format!("/components/{kind}/{name}"))
}

/// Removes the member a pointer names from its parent mapping.
fn remove_at(doc: &mut Value, pointer: &str) {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return;
    };
    if let Some(map) = doc.pointer_mut(parent).and_then(Value::as_object_mut) {
        map.remove(&pointer::unescape_token(key));
    }
}

/// Makes the component schema `name`, which the type generator cannot type, free-form (any
/// JSON value, keeping its description) with a located warning, so that the operations using it
/// are still generated. A schema already free-form is an error: nothing more can be relaxed.
pub(crate) fn make_free_form(
    ctx: &mut Ctx<'_>,
    doc: &mut Value,
    name: &str,
    reason: &str,
) -> R<()> {
    let at = format!("/components/schemas/{}", escape_token(name));
    let Some(schema) = doc.pointer_mut(&at) else {
        return Err(ctx.error(&at, format!("internal error: no schema here ({reason})")));
    };
    let mut relaxed = Map::new();
    if let Some(description) = schema.get("description") {
        relaxed.insert("description".to_string(), description.clone());
    }
    let relaxed = Value::Object(relaxed);
    if *schema == relaxed {
        return Err(ctx.error(&at, format!("this schema cannot be generated: {reason}")));
    }
    *schema = relaxed;
    ctx.warn(
        &at,
        format!("schema `{name}` cannot be typed, so it is any JSON value: {reason}"),
    )
}

/// Moves `nullable` from each component schema to the places that use it, so that a component
/// is one type under its own name whether or not the spec marks it nullable: `Option<Admin>` at
/// a field, never a newtype of an `Option` of an `AdminInner`. A spec that drops `nullable` from
/// a component in a later version then changes no type name.
///
/// A property that refers to the component (directly or through a one-element `allOf`, `anyOf`
/// or `oneOf`) gets `nullable` beside the reference, which [`super::wrappers::single_refs`]
/// writes as an `Option` whether the property is required or not. Elsewhere (array items, bodies,
/// alternatives, other components) the value is the component's type: that `null` stands for a
/// whole item or body is not what a nullable component says in the descriptions seen.
///
/// Runs before `single_refs`, which normalises the references it marks.
pub(crate) fn nullable_at_use_sites(doc: &mut Value) {
    let Some(names) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect::<Vec<_>>())
    else {
        return;
    };
    let nullable: BTreeSet<String> = names
        .into_iter()
        .map(|name| format!("/components/schemas/{}", escape_token(&name)))
        .filter(|at| {
            doc.pointer(at)
                .and_then(|s| s.get("nullable"))
                .and_then(Value::as_bool)
                == Some(true)
        })
        .collect();
    if nullable.is_empty() {
        return;
    }
    let mut properties = Vec::new();
    for (ref_at, target) in pointer::refs(doc) {
        let Some(target) = target.strip_prefix('#') else {
            continue;
        };
        if !nullable.contains(target) {
            continue;
        }
        let Some(node) = ref_at.strip_suffix("/$ref") else {
            continue;
        };
        if let Some(property) = property_holding(doc, node) {
            properties.push(property);
        }
    }
    for at in properties {
        if let Some(node) = doc.pointer_mut(&at).and_then(Value::as_object_mut) {
            node.insert("nullable".into(), Value::Bool(true));
        }
    }
    for at in nullable {
        if let Some(schema) = doc.pointer_mut(&at).and_then(Value::as_object_mut) {
            schema.remove("nullable");
        }
    }
}

/// A schema without `type` whose only constraints are numeric bounds (`minimum`, `maximum`, …):
/// meant as a number, and refused by the type engine as written.
fn untyped_with_only_numeric_bounds(node: &Map<String, Value>) -> bool {
    const NUMERIC: [&str; 5] = [
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
    ];
    // String constraints do not count: the type engine never sees them (`without_patterns`).
    const SHAPING: [&str; 11] = [
        "type",
        "$ref",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "enum",
        "properties",
        "additionalProperties",
        "items",
        "required",
    ];
    NUMERIC.iter().any(|k| node.contains_key(*k)) && !SHAPING.iter().any(|k| node.contains_key(*k))
}

/// The property whose schema is the reference at `node`, or a one-element combinator of it.
fn property_holding(doc: &Value, node: &str) -> Option<String> {
    let tokens: Vec<&str> = node.rsplitn(3, '/').collect();
    let holder = match tokens.as_slice() {
        ["0", "allOf" | "anyOf" | "oneOf", parent] => {
            let list = doc
                .pointer(&format!("{parent}/{}", tokens[1]))?
                .as_array()?;
            if list.len() != 1 {
                return None;
            }
            (*parent).to_string()
        }
        _ => node.to_string(),
    };
    let (props, _) = holder.rsplit_once('/')?;
    props.ends_with("/properties").then_some(holder)
}

/// Schema-level work-arounds.
///
/// - `format: uuid` and the date formats are dropped: the values stay strings. A format on a
///   schema that is not a string, integer or number is dropped too.
/// - A schema without `type` whose only constraints are numeric bounds is typed as a number.
/// - `title` is dropped: types are named after their component or their place, so a title can
///   neither collide with another name nor make progenitor emit a `nullable` schema twice.
/// - `type: array` without `items` gets `items: {}` (free-form elements).
/// - An enum with a value that has no letter or digit is typed as its base type; a value listed
///   twice is listed once; values that give one variant name are told apart (see
///   `naming::colliding_variants`).
pub(crate) fn fix_schemas(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<()> {
    for at in schema_pointers(doc) {
        let Some(node) = doc.pointer_mut(&at).and_then(Value::as_object_mut) else {
            continue;
        };
        node.remove("title");
        // These formats map to types of crates the client does not depend on (uuid, chrono);
        // the values stay strings, which also keeps ids that are not really UUIDs decodable.
        if matches!(
            node.get("format").and_then(Value::as_str),
            Some("uuid" | "date-time" | "date" | "time")
        ) {
            node.remove("format");
        }
        if untyped_with_only_numeric_bounds(node) {
            node.insert("type".into(), Value::String("number".into()));
            ctx.warn(&at, "numeric bounds without a `type`; typed as a number")?;
        }
        // A format only qualifies strings and numbers (JSON Schema ignores it elsewhere); the
        // type engine gives up on, for one, an object with `format: metadata` (loket.nl).
        if !matches!(
            node.get("type").and_then(Value::as_str),
            Some("string" | "integer" | "number")
        ) {
            node.remove("format");
        }
        if node.get("type").and_then(Value::as_str) == Some("array") && !node.contains_key("items")
        {
            node.insert("items".into(), Value::Object(Map::new()));
            ctx.warn(
                &at,
                "`type: array` without `items`; elements typed as free-form JSON values",
            )?;
        }
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            // The same rule, in the same (name) order, as the rename in the types pass.
            let mut taken = BTreeSet::new();
            let mut first: BTreeMap<String, &String> = BTreeMap::new();
            let mut collisions = Vec::new();
            for name in props.keys() {
                let field = naming::snake(name);
                let unique = naming::unique(&field, Case::Snake, &mut taken);
                if unique == field {
                    first.insert(field, name);
                } else if let Some(first) = first.get(&field) {
                    collisions.push((name.clone(), (*first).clone(), unique));
                }
            }
            for (name, first, renamed) in collisions {
                ctx.warn(
                    &pointer::join(&format!("{at}/properties"), &name),
                    format!("property `{name}` gives the same Rust field name as `{first}`; generated as `{renamed}`"),
                )?;
            }
        }
        for key in ["anyOf", "oneOf"] {
            if only_require_properties(node, key) {
                let alternatives = node.remove(key).unwrap_or_default();
                // What every alternative requires is required whichever one holds.
                let mut always: Option<BTreeSet<String>> = None;
                for alt in alternatives.as_array().into_iter().flatten() {
                    let names: BTreeSet<String> = alt["required"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|n| n.as_str().map(str::to_string))
                        .collect();
                    always = Some(match always {
                        Some(all) => all.intersection(&names).cloned().collect(),
                        None => names,
                    });
                }
                let mut required: BTreeSet<String> = node
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect();
                required.extend(always.unwrap_or_default());
                if !required.is_empty() {
                    node.insert(
                        "required".into(),
                        Value::Array(required.into_iter().map(Value::String).collect()),
                    );
                }
                ctx.warn(
                    &format!("{at}/{key}"),
                    format!("`{key}` alternatives that only say which properties are required; typed as the object, with the properties every alternative requires required and the others optional"),
                )?;
            }
        }
        if let Some(values) = node.get("enum").and_then(Value::as_array) {
            if let Some(reason) = unnameable(values) {
                node.remove("enum");
                ctx.warn(
                    &format!("{at}/enum"),
                    format!("{reason}; typed as a plain value without the enum"),
                )?;
                continue;
            }
            // A value listed twice would be one variant twice.
            let mut seen = BTreeSet::new();
            let mut kept = Vec::new();
            let mut origin = Vec::new();
            let mut repeats = Vec::new();
            for (i, v) in values.iter().enumerate() {
                if seen.insert(v.to_string()) {
                    kept.push(v.clone());
                    origin.push(i);
                } else {
                    repeats.push((i, v.as_str().map_or_else(|| v.to_string(), str::to_string)));
                }
            }
            for r in naming::colliding_variants(&kept) {
                ctx.warn(
                    &format!("{at}/enum/{}", origin[r.index]),
                    format!(
                        "enum value `{}` gives the same variant name as `{}`; generated as `{}`",
                        r.value, r.like, r.ident
                    ),
                )?;
            }
            if !repeats.is_empty() {
                node.insert("enum".into(), Value::Array(kept));
                for (i, v) in repeats {
                    ctx.warn(
                        &format!("{at}/enum/{i}"),
                        format!("enum value `{v}` is listed again; generated once"),
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// Whether every alternative under `key` is an inline object of nothing but `required` (and
/// words about it) naming the node's own properties: a constraint with no shape of its own.
/// Typed as alternatives, some come out as empty types that no value can have (Intercom's
/// `create_data_event_request`), others as variants repeating the object; typed as the object,
/// every such schema is one struct, and the server checks which members are present.
fn only_require_properties(node: &Map<String, Value>, key: &str) -> bool {
    let Some(alternatives) = node.get(key).and_then(Value::as_array) else {
        return false;
    };
    let Some(properties) = node.get("properties").and_then(Value::as_object) else {
        return false;
    };
    !alternatives.is_empty()
        && alternatives.iter().all(|alt| {
            alt.as_object().is_some_and(|alt| {
                alt.keys()
                    .all(|k| matches!(k.as_str(), "required" | "title" | "description"))
                    && alt
                        .get("required")
                        .and_then(Value::as_array)
                        .is_some_and(|names| {
                            names
                                .iter()
                                .all(|n| n.as_str().is_some_and(|n| properties.contains_key(n)))
                        })
            })
        })
}

/// A string enum value without a letter or digit cannot name a variant.
fn unnameable(values: &[Value]) -> Option<String> {
    values.iter().filter_map(Value::as_str).find_map(|s| {
        (!s.chars().any(|c| c.is_ascii_alphanumeric()))
            .then(|| format!("enum value `{s}` has no letter or digit to name a variant"))
    })
}

/// A JSON response without a schema is given a free-form one.
pub(crate) fn fix_responses(ctx: &mut Ctx<'_>, doc: &mut Value, ops: &[Op]) -> R<()> {
    let mut holders = Vec::new();
    for op in ops {
        if let Some(responses) = doc
            .pointer(&format!("{}/responses", op.pointer))
            .and_then(Value::as_object)
        {
            for status in responses.keys() {
                holders.push(format!("{}/responses/{}", op.pointer, escape_token(status)));
            }
        }
    }
    if let Some(responses) = doc
        .pointer("/components/responses")
        .and_then(Value::as_object)
    {
        for name in responses.keys() {
            holders.push(format!("/components/responses/{}", escape_token(name)));
        }
    }
    for at in holders {
        let Some(content) = doc
            .pointer_mut(&format!("{at}/content"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for (media, body) in content.iter_mut() {
            if !is_json(media) {
                continue;
            }
            let Some(body) = body.as_object_mut() else {
                continue;
            };
            if !body.contains_key("schema") {
                body.insert("schema".into(), Value::Object(Map::new()));
                let p = format!("{at}/content/{}", escape_token(media));
                ctx.warn(
                    &p,
                    "JSON response without a schema; typed as a free-form JSON value",
                )?;
            }
        }
    }
    Ok(())
}

/// progenitor needs one type for all error responses of an operation. The runtime decodes every
/// error body itself (as Intercom's error list, else an excerpt), so where an operation's error
/// responses disagree their bodies are dropped from what progenitor sees.
pub(crate) fn unify_error_responses(doc: &mut Value, ops: &[Op]) {
    for op in ops {
        let at = format!("{}/responses", op.pointer);
        let Some(responses) = doc.pointer(&at).and_then(Value::as_object) else {
            continue;
        };
        let mut kinds = BTreeSet::new();
        for (status, r) in responses {
            if status.starts_with('2') {
                continue;
            }
            let r = resolve(doc, r).unwrap_or(r);
            kinds.insert(r.get("content").map(Value::to_string).unwrap_or_default());
        }
        if kinds.len() <= 1 {
            continue;
        }
        let Some(responses) = doc.pointer_mut(&at).and_then(Value::as_object_mut) else {
            continue;
        };
        for (status, r) in responses.iter_mut() {
            if !status.starts_with('2') {
                *r = serde_json::json!({ "description": "error" });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parameters_of_a_path_item_are_told_from_an_operations() {
        assert_eq!(
            path_item_parameters("/paths/~1a/parameters").as_deref(),
            Some("/paths/~1a")
        );
        assert_eq!(
            path_item_parameters("/paths/~1a/parameters/0/schema").as_deref(),
            Some("/paths/~1a")
        );
        assert_eq!(path_item_parameters("/paths/~1a/get/parameters/0"), None);
        assert_eq!(path_item_parameters("/paths/~1a/parametersx"), None);
        assert_eq!(path_item_parameters("/components/parameters/a"), None);
    }

    #[test]
    fn a_broken_reference_inside_a_component_schema_costs_one_value_its_type() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {
            "contact": {"$ref": "contact.yaml#/Contact"},
            "list": {"properties": {
                "pages": {"$ref": "#/components/schemas/offset_pages"},
                "owner": {"$ref": "#/definitions/owner"},
                "id": {"type": "string"}
            }}
        }}});
        let src = crate::load::SpecSource::new("x.yaml", "openapi: 3.0.3\n");
        let mut ctx = Ctx::new(&src, false);
        check_refs(&mut ctx, &mut doc).expect("no error");
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["contact"], json!({}));
        assert_eq!(schemas["list"]["properties"]["pages"], json!({}));
        assert_eq!(schemas["list"]["properties"]["owner"], json!({}));
        assert_eq!(
            schemas["list"]["properties"]["id"],
            json!({"type": "string"})
        );
        let mut warned: Vec<&str> = ctx.warnings.iter().map(|w| w.pointer.as_str()).collect();
        warned.sort_unstable();
        assert_eq!(
            warned,
            [
                "/components/schemas/contact",
                "/components/schemas/list/properties/owner",
                "/components/schemas/list/properties/pages"
            ]
        );
    }

    #[test]
    fn nullability_moves_from_components_to_the_properties_that_use_them() {
        let mut doc = json!({"components": {"schemas": {
            "admin": {"nullable": true, "type": "object", "properties": {"id": {"type": "string"}}},
            "label": {"nullable": true, "type": "string"},
            "plain": {"type": "object"},
            "note": {"type": "object", "required": ["author"], "properties": {
                "author": {"$ref": "#/components/schemas/admin"},
                "editor": {"allOf": [{"$ref": "#/components/schemas/admin"}]},
                "label": {"$ref": "#/components/schemas/label"},
                "plain": {"$ref": "#/components/schemas/plain"},
                "admins": {"type": "array", "items": {"$ref": "#/components/schemas/admin"}},
                "either": {"oneOf": [
                    {"$ref": "#/components/schemas/admin"},
                    {"$ref": "#/components/schemas/plain"}
                ]}
            }}
        }}});
        nullable_at_use_sites(&mut doc);
        let schemas = &doc["components"]["schemas"];
        assert!(schemas["admin"].get("nullable").is_none());
        assert!(schemas["label"].get("nullable").is_none());
        let props = &schemas["note"]["properties"];
        for marked in ["author", "editor", "label"] {
            assert_eq!(props[marked]["nullable"], json!(true), "{marked}");
        }
        for unmarked in ["plain", "admins", "either"] {
            assert!(props[unmarked].get("nullable").is_none(), "{unmarked}");
        }
        assert!(props["admins"]["items"].get("nullable").is_none());
    }

    #[test]
    fn alternatives_that_only_require_properties_are_told_apart() {
        let node = |alternatives: serde_json::Value| {
            let node = serde_json::json!({
                "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                "anyOf": alternatives
            });
            only_require_properties(node.as_object().unwrap(), "anyOf")
        };
        assert!(node(
            serde_json::json!([{"required": ["a"]}, {"required": ["b"], "title": "B"}])
        ));
        assert!(!node(serde_json::json!([])));
        assert!(!node(
            serde_json::json!([{"required": ["a"]}, {"type": "string"}])
        ));
        assert!(!node(serde_json::json!([{"required": ["missing"]}])));
    }

    #[test]
    fn examples_are_data_and_hold_no_schemas() {
        let doc = serde_json::json!({"paths": {"/a": {"get": {"parameters": [{
            "name": "q", "in": "query",
            "schema": {"type": "string"},
            "example": {"schema": {"type": "object"}},
            "examples": {"e": {"value": {"schema": {"type": "object"}}}}
        }]}}}});
        let pointers = schema_pointers(&doc);
        assert_eq!(pointers, ["/paths/~1a/get/parameters/0/schema"]);
    }

    #[test]
    fn a_component_other_than_a_schema_is_named_by_its_kind_and_name() {
        assert_eq!(
            non_schema_component("/components/parameters/page/schema").as_deref(),
            Some("/components/parameters/page")
        );
        assert_eq!(
            non_schema_component("/components/schemas/a/properties"),
            None
        );
        assert_eq!(non_schema_component("/paths/~1a"), None);
    }
}
