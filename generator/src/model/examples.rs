//! Example values: a media type's own example where the spec gives one, else a value built from
//! the schema: its `example`, `default` or first enum value, else one member per property, one
//! item per array, and a plain value of each scalar type (shaped by `format` and `minimum`).
//! Below a few references deep, only required members and empty lists.

use serde_json::{Map, Value, json};

use crate::base::pointer::resolve;

/// The example of a media type object (`example`, else the first of `examples`), else a value
/// built from its schema.
pub(crate) fn of_media(doc: &Value, media: &Value) -> Value {
    if let Some(example) = media.get("example") {
        return example.clone();
    }
    let first = media
        .get("examples")
        .and_then(Value::as_object)
        .and_then(|examples| examples.values().next())
        .and_then(|e| resolve(doc, e))
        .and_then(|e| e.get("value"));
    if let Some(value) = first {
        return value.clone();
    }
    media
        .get("schema")
        .map_or(Value::Null, |schema| of_schema(doc, schema))
}

/// A schema reached through at most this many references is built with every property and an
/// item in each list; one reached through more, with its required properties only and empty
/// lists. Without a bound, a description whose schemas refer to one another densely (Microsoft
/// Graph: hundreds of entities, each holding many others) builds values whose size grows
/// exponentially with the depth.
const WHOLE_DEPTH: usize = 2;

/// A value built from `schema`.
pub(crate) fn of_schema(doc: &Value, schema: &Value) -> Value {
    build(doc, schema, &mut Vec::new())
}

fn build(doc: &Value, schema: &Value, stack: &mut Vec<String>) -> Value {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        // A schema that contains itself ends at the second visit.
        if stack.iter().any(|s| s == target) {
            return Value::Null;
        }
        let Some(resolved) = resolve(doc, schema) else {
            return Value::Null;
        };
        stack.push(target.to_string());
        let value = build(doc, resolved, stack);
        stack.pop();
        return value;
    }
    for key in ["example", "default"] {
        if let Some(v) = schema.get(key) {
            return v.clone();
        }
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.iter().find(|v| !v.is_null()))
    {
        return first.clone();
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            match build(doc, part, stack) {
                Value::Object(members) => merged.extend(members),
                other if parts.len() == 1 => return other,
                _ => {}
            }
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(key)
            .and_then(Value::as_array)
            .and_then(|l| l.first())
        {
            return build(doc, first, stack);
        }
    }
    let ty = schema.get("type").and_then(Value::as_str);
    match ty {
        Some("object") | None if schema.get("properties").is_some() => {
            let whole = stack.len() <= WHOLE_DEPTH;
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let members = schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|props| {
                    props
                        .iter()
                        .filter(|(k, _)| whole || required.contains(&k.as_str()))
                        .map(|(k, s)| (k.clone(), build(doc, s, stack)))
                        .collect()
                })
                .unwrap_or_default();
            Value::Object(members)
        }
        Some("object") => json!({}),
        Some("array") if stack.len() > WHOLE_DEPTH => json!([]),
        Some("array") => match schema.get("items").map(|items| build(doc, items, stack)) {
            Some(Value::Null) | None => json!([]),
            Some(item) => json!([item]),
        },
        Some("string") => json!(string_for(schema.get("format").and_then(Value::as_str))),
        Some("integer") => {
            let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
            json!(min.max(0))
        }
        Some("number") => {
            let min = schema.get("minimum").and_then(Value::as_f64).unwrap_or(0.0);
            json!(min.max(0.0))
        }
        Some("boolean") => json!(false),
        _ => Value::Null,
    }
}

fn string_for(format: Option<&str>) -> &'static str {
    match format {
        Some("date-time") => "2024-01-01T00:00:00Z",
        Some("date") => "2024-01-01",
        Some("email") => "someone@example.com",
        Some("uri" | "url") => "https://example.com/",
        Some("uuid") => "00000000-0000-4000-8000-000000000000",
        _ => "string",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_media_types_own_example_wins() {
        let doc = json!({"components": {"examples": {"e": {"value": {"id": "from-ref"}}}}});
        let media = json!({"example": {"id": "inline"}, "schema": {"type": "object"}});
        assert_eq!(of_media(&doc, &media), json!({"id": "inline"}));
        let media = json!({"examples": {"one": {"$ref": "#/components/examples/e"}}});
        assert_eq!(of_media(&doc, &media), json!({"id": "from-ref"}));
    }

    #[test]
    fn values_are_built_from_schemas() {
        let doc = json!({"components": {"schemas": {
            "node": {"type": "object", "properties": {
                "name": {"type": "string", "example": "root"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/node"}},
                "kind": {"type": "string", "enum": ["leaf", "branch"]},
                "size": {"type": "integer", "minimum": 3},
                "at": {"type": "string", "format": "date-time"},
                "open": {"type": "boolean"},
                "meta": {"allOf": [{"type": "object", "properties": {"a": {"type": "number"}}},
                                   {"type": "object", "properties": {"b": {"type": "string"}}}]},
                "either": {"oneOf": [{"type": "integer"}, {"type": "string"}]}
            }}
        }}});
        let value = of_schema(&doc, &json!({"$ref": "#/components/schemas/node"}));
        assert_eq!(
            value,
            json!({
                "name": "root",
                "children": [],
                "kind": "leaf",
                "size": 3,
                "at": "2024-01-01T00:00:00Z",
                "open": false,
                "meta": {"a": 0.0, "b": "string"},
                "either": 0
            })
        );
    }

    #[test]
    fn deep_in_references_only_required_members_are_built() {
        // Each of a..e holds the next twice, optionally, and the next once, as required.
        let mut schemas = Map::new();
        let names = ["a", "b", "c", "d", "e"];
        for (i, name) in names.iter().enumerate() {
            let next = names
                .get(i + 1)
                .map(|n| json!({"$ref": format!("#/components/schemas/{n}")}));
            let schema = match next {
                Some(next) => json!({"type": "object", "required": ["must"], "properties": {
                    "must": next, "may": next, "list": {"type": "array", "items": next}
                }}),
                None => json!({"type": "object", "properties": {"id": {"type": "string"}}}),
            };
            schemas.insert((*name).to_string(), schema);
        }
        let doc = json!({"components": {"schemas": schemas}});
        let value = of_schema(&doc, &json!({"$ref": "#/components/schemas/a"}));
        // a and b (two references deep) are built whole; c and below with what they require.
        let b = &value["must"];
        assert_eq!(b["list"], json!([{"must": {"must": {}}}]), "{value}");
        assert_eq!(b["may"], json!({"must": {"must": {}}}));
        assert_eq!(b["must"], json!({"must": {"must": {}}}));
        assert_eq!(value["may"]["may"], json!({"must": {"must": {}}}));
    }
}
