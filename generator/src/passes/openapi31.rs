//! OpenAPI 3.1 read as the 3.0 the type engine knows. A 3.1 schema is JSON Schema 2020-12;
//! what 3.0 can say is rewritten in 3.0's words, and what it cannot is left out with a located
//! warning:
//!
//! - `type: [T, "null"]` is `type: T` with `nullable: true`; several types are alternatives
//!   (`oneOf`), one per type; `type: "null"` beside alternatives (`anyOf: [{$ref}, {type: null}]`)
//!   makes the rest nullable.
//! - `const` is a one-value `enum`; `examples` (a list) is `example`, its first value.
//! - Numeric `exclusiveMinimum`/`exclusiveMaximum` are the bound with the 3.0 flag.
//! - A `$ref` with keywords beside it that change the type is `allOf: [{$ref}]` with them.
//! - `contentEncoding: base64` is `format: byte`; a binary `contentMediaType` is
//!   `format: binary`.
//! - Path items in `components/pathItems` are copied where `paths` refers to them.
//! - `webhooks` describe requests the API sends, not operations a client calls: left out.
//! - Keywords with no 3.0 counterpart (`prefixItems`, `if`/`then`/`else`, `patternProperties`,
//!   …) are left out.
//!
//! One file, at about 500 lines with its unit tests: the rewrites are one translation between
//! two versions of one language, run over the same schemas in one walk.

use serde_json::{Map, Value, json};

use crate::base::pointer::escape_token;
use crate::load::context::{Ctx, R};
use crate::passes::wrappers::ANNOTATIONS;

/// Whether `key` documents a schema without changing its type.
fn is_annotation(key: &str) -> bool {
    ANNOTATIONS.contains(&key) || key == "$comment"
}

/// JSON Schema keywords OpenAPI 3.0 has no counterpart for; left out with a warning.
const UNSUPPORTED: [&str; 12] = [
    "prefixItems",
    "if",
    "then",
    "else",
    "patternProperties",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "propertyNames",
    "$dynamicRef",
];

/// Keys whose value is a schema.
const ONE_SCHEMA: [&str; 3] = ["items", "additionalProperties", "not"];
/// Keys whose value is a list of schemas.
const SCHEMA_LISTS: [&str; 3] = ["allOf", "anyOf", "oneOf"];

/// Whether `doc` says it is OpenAPI 3.1.
pub(crate) fn is_3_1(doc: &Value) -> bool {
    doc.get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v == "3.1" || v.starts_with("3.1."))
}

/// Rewrites a 3.1 document in place into 3.0 (and says it is 3.0.3); any other is left as is.
pub(crate) fn downgrade(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<()> {
    if !is_3_1(doc) {
        return Ok(());
    }
    let Some(root) = doc.as_object_mut() else {
        return Ok(());
    };
    root.insert("openapi".into(), json!("3.0.3"));
    root.remove("jsonSchemaDialect");
    // A 3.1 description may have webhooks and components only.
    root.entry("paths").or_insert_with(|| json!({}));
    if let Some(hooks) = root.get("webhooks").and_then(Value::as_object)
        && !hooks.is_empty()
    {
        ctx.warn(
            "/webhooks",
            format!(
                "{} webhook{} left out: a webhook is a request the API sends, not an operation a client calls (schemas they refer to in components are still types)",
                hooks.len(),
                if hooks.len() == 1 { " is" } else { "s are" }
            ),
        )?;
    }
    root.remove("webhooks");
    path_items(ctx, doc)?;
    let mut found = Vec::new();
    schemas_in(doc, "", false, &mut found);
    for at in found {
        let Some(Value::Object(schema)) = doc.pointer_mut(&at) else {
            continue;
        };
        for (key, why) in rewrite(schema) {
            ctx.warn(&format!("{at}/{}", escape_token(&key)), why)?;
        }
    }
    Ok(())
}

/// Copies each path item of `components/pathItems` where `paths` refers to it.
fn path_items(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<()> {
    let items = doc
        .pointer("/components/pathItems")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for path in paths {
        let at = format!("/paths/{}", escape_token(&path));
        let Some(target) = doc
            .pointer(&format!("{at}/$ref"))
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            continue;
        };
        let Some(name) = target.strip_prefix("#/components/pathItems/") else {
            continue;
        };
        match items.get(&crate::base::pointer::unescape_token(name)) {
            Some(item) => {
                if let Some(slot) = doc.pointer_mut(&at) {
                    *slot = item.clone();
                }
            }
            None => ctx.warn(
                &format!("{at}/$ref"),
                format!("path item `{target}` is not in the components; the path is left out"),
            )?,
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        paths.retain(|_, item| {
            item.get("$ref")
                .and_then(Value::as_str)
                .is_none_or(|t| !t.starts_with("#/components/pathItems/"))
        });
    }
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        components.remove("pathItems");
    }
    Ok(())
}

/// Pointers of every schema under `node` (at `at`), parents before children. `in_schema` says
/// whether `node` is itself a schema.
fn schemas_in(node: &Value, at: &str, in_schema: bool, out: &mut Vec<String>) {
    let Value::Object(map) = node else {
        if let Value::Array(items) = node
            && !in_schema
        {
            for (i, item) in items.iter().enumerate() {
                schemas_in(item, &format!("{at}/{i}"), false, out);
            }
        }
        return;
    };
    if in_schema {
        out.push(at.to_string());
    }
    for (key, child) in map {
        let child_at = format!("{at}/{}", escape_token(key));
        if in_schema {
            match key.as_str() {
                "properties" | "$defs" | "definitions" | "patternProperties" => {
                    if let Value::Object(props) = child {
                        for (name, schema) in props {
                            schemas_in(
                                schema,
                                &format!("{child_at}/{}", escape_token(name)),
                                true,
                                out,
                            );
                        }
                    }
                }
                k if ONE_SCHEMA.contains(&k) && child.is_object() => {
                    schemas_in(child, &child_at, true, out);
                }
                k if SCHEMA_LISTS.contains(&k) || k == "prefixItems" => {
                    if let Value::Array(list) = child {
                        for (i, schema) in list.iter().enumerate() {
                            schemas_in(schema, &format!("{child_at}/{i}"), true, out);
                        }
                    }
                }
                _ => {}
            }
            continue;
        }
        match key.as_str() {
            // Data, not schemas.
            "example" | "examples" | "default" | "enum" => {}
            "schema" => schemas_in(child, &child_at, true, out),
            "schemas" if at == "/components" => {
                if let Value::Object(all) = child {
                    for (name, schema) in all {
                        schemas_in(
                            schema,
                            &format!("{child_at}/{}", escape_token(name)),
                            true,
                            out,
                        );
                    }
                }
            }
            _ => schemas_in(child, &child_at, false, out),
        }
    }
}

/// Rewrites one schema (not its children) and returns what it left out: (key, why).
fn rewrite(schema: &mut Map<String, Value>) -> Vec<(String, String)> {
    let mut dropped = Vec::new();
    types(schema, &mut dropped);
    null_alternatives(schema);
    if let Some(value) = schema.remove("const")
        && !schema.contains_key("enum")
    {
        if !schema.contains_key("type")
            && let Some(t) = type_of(&value)
        {
            schema.insert("type".into(), json!(t));
        }
        schema.insert("enum".into(), Value::Array(vec![value]));
    }
    if let Some(Value::Array(examples)) = schema.get("examples") {
        let first = examples.first().cloned();
        schema.remove("examples");
        if let Some(first) = first {
            schema.entry("example").or_insert(first);
        }
    }
    for (bound, flag) in [
        ("minimum", "exclusiveMinimum"),
        ("maximum", "exclusiveMaximum"),
    ] {
        if let Some(n) = schema.get(flag).filter(|v| v.is_number()).cloned() {
            schema.insert(bound.into(), n);
            schema.insert(flag.into(), Value::Bool(true));
        }
    }
    content(schema);
    for key in UNSUPPORTED {
        if schema.remove(key).is_some() {
            dropped.push((
                key.to_string(),
                format!("`{key}` has no OpenAPI 3.0 counterpart and is left out"),
            ));
        }
    }
    ref_with_siblings(schema);
    dropped
}

/// `type` as a list: `null` among them makes the schema nullable; one other type is the type,
/// several are alternatives.
fn types(schema: &mut Map<String, Value>, dropped: &mut Vec<(String, String)>) {
    let list: Vec<String> = match schema.get("type") {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(Value::String(t)) if t == "null" => vec![t.clone()],
        _ => return,
    };
    schema.remove("type");
    let nullable = list.iter().any(|t| t == "null");
    let others: Vec<&String> = list.iter().filter(|t| *t != "null").collect();
    if nullable {
        schema.insert("nullable".into(), Value::Bool(true));
    }
    match others.as_slice() {
        [] => {
            if nullable {
                dropped.push((
                    "type".into(),
                    "a schema that is only `null` cannot be typed in OpenAPI 3.0; it is any JSON value (absent or null)".into(),
                ));
            }
        }
        [one] => {
            schema.insert("type".into(), json!(one));
        }
        several => {
            let alternatives = several.iter().map(|t| json!({"type": t})).collect();
            schema.insert("oneOf".into(), Value::Array(alternatives));
        }
    }
}

/// `{type: "null"}` among alternatives: the rest are the alternatives of a nullable schema.
fn null_alternatives(schema: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(list)) = schema.get_mut(key) else {
            continue;
        };
        let before = list.len();
        list.retain(|member| !is_null_schema(member));
        if list.len() < before {
            schema.insert("nullable".into(), Value::Bool(true));
        }
    }
}

/// `{type: "null"}` (or `nullable: true` with no type, as [`types`] leaves it).
fn is_null_schema(v: &Value) -> bool {
    let Some(map) = v.as_object() else {
        return false;
    };
    let only_null = map.get("type").and_then(Value::as_str) == Some("null")
        || (map.get("type").is_none() && map.get("nullable") == Some(&Value::Bool(true)));
    only_null
        && map
            .keys()
            .all(|k| k == "type" || k == "nullable" || is_annotation(k))
}

/// `contentEncoding` and `contentMediaType` as 3.0's string formats.
fn content(schema: &mut Map<String, Value>) {
    let encoding = schema.remove("contentEncoding");
    let media = schema.remove("contentMediaType");
    if schema.contains_key("format") {
        return;
    }
    if encoding.as_ref().and_then(Value::as_str) == Some("base64") {
        schema.insert("format".into(), json!("byte"));
    } else if let Some(media) = media.as_ref().and_then(Value::as_str)
        && !media.starts_with("text/")
        && !media.contains("json")
    {
        schema.insert("format".into(), json!("binary"));
    }
}

/// A `$ref` with keywords beside it that change the type: `allOf: [{$ref}]` with them.
/// Annotations stay beside the `$ref`, where the passes read them.
fn ref_with_siblings(schema: &mut Map<String, Value>) {
    if !schema.contains_key("$ref") {
        return;
    }
    let changes_type = schema
        .keys()
        .any(|k| k != "$ref" && k != "nullable" && !is_annotation(k));
    if !changes_type {
        return;
    }
    if let Some(target) = schema.remove("$ref") {
        let reference = json!({"$ref": target});
        match schema.get_mut("allOf") {
            Some(Value::Array(list)) => list.insert(0, reference),
            _ => {
                schema.insert("allOf".into(), json!([reference]));
            }
        }
    }
}

/// The JSON Schema type of a value.
fn type_of(v: &Value) -> Option<&'static str> {
    match v {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        Value::Object(_) => Some("object"),
        Value::Array(_) => Some("array"),
        Value::Null => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::SpecSource;

    fn downgraded(mut doc: Value) -> (Value, Vec<String>) {
        let src = SpecSource::new("x.yaml", "openapi: 3.1.0\n");
        let mut ctx = Ctx::new(&src, false);
        downgrade(&mut ctx, &mut doc).expect("no error");
        let warned = ctx.warnings.into_iter().map(|w| w.pointer).collect();
        (doc, warned)
    }

    fn schema(s: Value) -> Value {
        let (doc, _) = downgraded(json!({
            "openapi": "3.1.0", "info": {}, "paths": {},
            "components": {"schemas": {"s": s}}
        }));
        doc["components"]["schemas"]["s"].clone()
    }

    #[test]
    fn each_3_1_construct_reads_as_3_0() {
        assert_eq!(
            schema(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            schema(json!({"type": ["string", "integer"]})),
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]})
        );
        assert_eq!(
            schema(json!({"const": "card"})),
            json!({"type": "string", "enum": ["card"]})
        );
        assert_eq!(
            schema(json!({"type": "string", "examples": ["a", "b"]})),
            json!({"type": "string", "example": "a"})
        );
        assert_eq!(
            schema(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1})),
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1, "exclusiveMaximum": true})
        );
        assert_eq!(
            schema(json!({"anyOf": [{"$ref": "#/components/schemas/a"}, {"type": "null"}]})),
            json!({"anyOf": [{"$ref": "#/components/schemas/a"}], "nullable": true})
        );
        assert_eq!(
            schema(json!({"$ref": "#/components/schemas/a", "description": "d"})),
            json!({"$ref": "#/components/schemas/a", "description": "d"})
        );
        assert_eq!(
            schema(json!({"$ref": "#/components/schemas/a", "required": ["x"]})),
            json!({"allOf": [{"$ref": "#/components/schemas/a"}], "required": ["x"]})
        );
        assert_eq!(
            schema(json!({"type": "string", "contentEncoding": "base64"})),
            json!({"type": "string", "format": "byte"})
        );
        assert_eq!(
            schema(json!({"type": "string", "contentMediaType": "image/png"})),
            json!({"type": "string", "format": "binary"})
        );
        // Children too: properties, items, alternatives.
        assert_eq!(
            schema(json!({"properties": {"a": {"type": "array", "items": {"const": 1}}}})),
            json!({"properties": {"a": {"type": "array", "items": {"type": "integer", "enum": [1]}}}})
        );
    }

    #[test]
    fn webhooks_path_items_and_unsupported_keywords_are_told() {
        let (doc, warned) = downgraded(json!({
            "openapi": "3.1.0",
            "info": {},
            "paths": {
                "/a": {"$ref": "#/components/pathItems/a"},
                "/b": {"$ref": "#/components/pathItems/missing"},
                "/c": {"get": {"parameters": [{"name": "x", "in": "query", "schema": {"type": ["integer", "null"]}}]}}
            },
            "webhooks": {"created": {"post": {}}},
            "components": {
                "pathItems": {"a": {"get": {"operationId": "getA"}}},
                "schemas": {"t": {"type": "array", "prefixItems": [{"type": "string"}]}}
            }
        }));
        assert_eq!(doc["openapi"], json!("3.0.3"));
        assert!(doc.get("webhooks").is_none());
        assert_eq!(doc["paths"]["/a"], json!({"get": {"operationId": "getA"}}));
        assert!(doc["paths"].get("/b").is_none());
        assert_eq!(
            doc["paths"]["/c"]["get"]["parameters"][0]["schema"],
            json!({"type": "integer", "nullable": true})
        );
        assert!(doc["components"].get("pathItems").is_none());
        assert_eq!(
            warned,
            [
                "/webhooks",
                "/paths/~1b/$ref",
                "/components/schemas/t/prefixItems"
            ]
        );
    }

    #[test]
    fn a_3_0_document_is_left_as_it_is() {
        let doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {"s": {"const": 1}}}});
        assert_eq!(downgraded(doc.clone()).0, doc);
    }

    #[test]
    fn examples_of_media_types_stay_maps() {
        let (doc, _) = downgraded(json!({
            "openapi": "3.1.0", "info": {},
            "paths": {"/a": {"get": {"responses": {"200": {"description": "d", "content": {
                "application/json": {
                    "schema": {"type": "object"},
                    "examples": {"one": {"value": {"const": 1}}}
                }
            }}}}}}
        }));
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["examples"],
            json!({"one": {"value": {"const": 1}}})
        );
    }
}
