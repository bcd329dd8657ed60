//! OpenAPI 3.0's schema dialect turned into JSON Schema (draft 2020-12), for the mock server's
//! validators: `nullable` becomes a `null` type (or enum value, or an `anyOf` branch), boolean
//! `exclusiveMinimum`/`exclusiveMaximum` become numbers, references to component schemas point
//! into `$defs`, other references are inlined, and what JSON Schema does not know (`example`,
//! `discriminator`, `xml`, `externalDocs`, `x-…`) is dropped.

use serde_json::{Map, Value, json};

use crate::base::pointer::resolve;

/// Where component schemas live in OpenAPI, and where they go in JSON Schema.
const COMPONENTS: &str = "#/components/schemas/";
const DEFS: &str = "#/$defs/";

/// Inlined references deeper than this are taken as "anything" (a cycle not through
/// `components/schemas`).
const MAX_INLINE_DEPTH: usize = 32;

/// `schema` (of `doc`) as JSON Schema.
pub(crate) fn convert(doc: &Value, schema: &Value) -> Value {
    convert_at(doc, schema, 0)
}

/// Every component schema of `doc` as JSON Schema, by name: the `$defs` the converted schemas
/// point into.
pub(crate) fn defs(doc: &Value) -> Map<String, Value> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .iter()
                .map(|(name, s)| (name.clone(), convert(doc, s)))
                .collect()
        })
        .unwrap_or_default()
}

fn convert_at(doc: &Value, schema: &Value, depth: usize) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    if let Some(target) = map.get("$ref").and_then(Value::as_str) {
        // A reference that points nowhere is any value, as the client types it.
        if target
            .strip_prefix('#')
            .is_none_or(|local| doc.pointer(local).is_none())
        {
            return json!({});
        }
        if let Some(name) = target.strip_prefix(COMPONENTS) {
            return json!({ "$ref": format!("{DEFS}{name}") });
        }
        if depth >= MAX_INLINE_DEPTH {
            return json!({});
        }
        return match resolve(doc, schema) {
            Some(resolved) if resolved != schema => convert_at(doc, resolved, depth + 1),
            _ => json!({}),
        };
    }
    let mut out = Map::new();
    for (key, value) in map {
        let converted = match key.as_str() {
            "nullable" | "example" | "discriminator" | "xml" | "externalDocs" => continue,
            k if k.starts_with("x-") => continue,
            "exclusiveMinimum" | "exclusiveMaximum" if value.is_boolean() => continue,
            "properties" | "patternProperties" => Value::Object(
                value
                    .as_object()
                    .map(|props| {
                        props
                            .iter()
                            .map(|(k, v)| (k.clone(), convert_at(doc, v, depth)))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            "items" | "additionalProperties" | "not" => convert_at(doc, value, depth),
            "allOf" | "oneOf" | "anyOf" => Value::Array(
                value
                    .as_array()
                    .map(|list| list.iter().map(|s| convert_at(doc, s, depth)).collect())
                    .unwrap_or_default(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if map.get(flag) == Some(&Value::Bool(true))
            && let Some(limit) = out.remove(bound)
        {
            out.insert(flag.to_string(), limit);
        }
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        return nullable(out);
    }
    Value::Object(out)
}

/// A converted schema that also accepts `null`.
fn nullable(mut out: Map<String, Value>) -> Value {
    if let Some(Value::Array(values)) = out.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    match out.get("type").cloned() {
        Some(Value::String(t)) => {
            out.insert("type".to_string(), json!([t, "null"]));
            Value::Object(out)
        }
        Some(Value::Array(mut types)) => {
            if !types.contains(&json!("null")) {
                types.push(json!("null"));
            }
            out.insert("type".to_string(), Value::Array(types));
            Value::Object(out)
        }
        _ => json!({ "anyOf": [Value::Object(out), { "type": "null" }] }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({
            "components": {"schemas": {
                "role": {"type": "string", "enum": ["user", "lead"], "nullable": true, "example": "user"},
                "thing": {
                    "type": "object",
                    "required": ["id"],
                    "x-note": "dropped",
                    "properties": {
                        "id": {"type": "string"},
                        "size": {"type": "integer", "minimum": 0, "exclusiveMinimum": true},
                        "owner": {"allOf": [{"$ref": "#/components/schemas/role"}], "nullable": true},
                        "alias": {"$ref": "#/components/parameters/p/schema"}
                    }
                }
            }},
            "components_extra": {},
            "paths": {}
        })
    }

    #[test]
    fn nullable_enum_and_refs_become_json_schema() {
        let mut d = doc();
        d["components"]["parameters"] =
            json!({"p": {"schema": {"type": "string", "nullable": true}}});
        let defs = defs(&d);
        assert_eq!(
            defs["role"],
            json!({"type": ["string", "null"], "enum": ["user", "lead", null]})
        );
        assert_eq!(
            defs["thing"],
            json!({
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "size": {"type": "integer", "exclusiveMinimum": 0},
                    "owner": {"anyOf": [{"allOf": [{"$ref": "#/$defs/role"}]}, {"type": "null"}]},
                    "alias": {"type": ["string", "null"]}
                }
            })
        );
        assert_eq!(
            convert(&d, &json!({"$ref": "#/components/schemas/missing"})),
            json!({})
        );
    }

    #[test]
    fn a_reference_cycle_outside_components_ends() {
        let d = json!({"a": {"items": {"$ref": "#/a"}, "type": "array"}});
        let converted = convert(&d, &json!({"$ref": "#/a"}));
        let mut depth = 0;
        let mut node = &converted;
        while let Some(next) = node.get("items") {
            node = next;
            depth += 1;
        }
        assert_eq!(node, &json!({}));
        assert_eq!(depth, MAX_INLINE_DEPTH);
    }
}
