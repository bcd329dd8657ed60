//! The smallest value a schema accepts, as far as it says: required members only, the first
//! enum value or alternative (with its tag, for alternatives a discriminator tells apart), empty
//! arrays, strings of the least length allowed. A test sends and answers these to exercise an
//! operation with the least the spec allows.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::base::pointer::{escape_token, resolve};

/// Depth past which a value is cut short (recursive schemas).
const MAX_DEPTH: usize = 8;

/// `doc` with each field whose value the spec fixes (a kind marker) given that one value as its
/// enum, so that samples carry it.
pub(crate) fn with_fixed_fields(
    doc: &Value,
    fixed: &BTreeMap<String, BTreeMap<String, String>>,
) -> Value {
    let mut doc = doc.clone();
    for (schema, fields) in fixed {
        for (field, value) in fields {
            let at = format!(
                "/components/schemas/{}/properties/{}",
                escape_token(schema),
                escape_token(field)
            );
            if let Some(Value::Object(property)) = doc.pointer_mut(&at) {
                property.insert(
                    "enum".into(),
                    Value::Array(vec![Value::String(value.clone())]),
                );
            }
        }
    }
    doc
}

/// The smallest value of `schema` (of `doc`).
pub(crate) fn sample(doc: &Value, schema: &Value) -> Value {
    example(doc, schema, 0)
}

/// The example of a union with a discriminator: its first alternative's, with the tag that
/// names that alternative (the mapping's, else the alternative's component name).
fn tagged_example(doc: &Value, schema: &Value, depth: usize) -> Option<Value> {
    let property = schema.pointer("/discriminator/propertyName")?.as_str()?;
    let first = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))?
        .as_array()?
        .first()?;
    let target = first.get("$ref")?.as_str()?;
    let tag = schema
        .pointer("/discriminator/mapping")
        .and_then(Value::as_object)
        .and_then(|m| m.iter().find(|(_, t)| t.as_str() == Some(target)))
        .map(|(tag, _)| tag.clone())
        .unwrap_or_else(|| target.rsplit('/').next().unwrap_or(target).to_string());
    let mut value = example(doc, first, depth + 1);
    value
        .as_object_mut()?
        .insert(property.to_string(), Value::String(tag));
    Some(value)
}

/// The smallest value `schema` accepts, as far as it says: required members only, the first
/// enum value or alternative (with its tag, for alternatives a discriminator tells apart), empty
/// arrays, strings of the least length allowed.
fn example(doc: &Value, schema: &Value, depth: usize) -> Value {
    let Some(schema) = resolve(doc, schema) else {
        return Value::Null;
    };
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    if let Some(value) = tagged_example(doc, schema, depth) {
        return value;
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    // `allOf: [one]` wraps a reference, whatever its type.
    if let Some([one]) = schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        && schema.get("properties").is_none()
        && schema.get("type").is_none()
    {
        return example(doc, one, depth + 1);
    }
    let object = Object::of(doc, schema, depth);
    if let Some(alternative) = object.alternative {
        return example(doc, alternative, depth + 1);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => {
            let least = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0);
            let text = match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => "2024-05-29T22:29:51Z".to_string(),
                Some("date") => "2024-05-29".to_string(),
                Some("uuid") => "6657ac5e-6abd-4166-b52a-e24100000000".to_string(),
                Some("email") => "joe@example.com".to_string(),
                Some("uri" | "url") => "https://example.com/".to_string(),
                _ => "x".repeat(usize::try_from(least.max(4)).unwrap_or(4)),
            };
            Value::from(text)
        }
        Some("integer") => schema
            .get("minimum")
            .filter(|m| m.is_i64() || m.is_u64())
            .cloned()
            .unwrap_or_else(|| Value::from(1)),
        Some("number") => Value::from(1.5),
        Some("boolean") => Value::Bool(true),
        Some("array") => {
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let item = schema
                .get("items")
                .map_or(Value::Null, |i| example(doc, i, depth + 1));
            Value::Array((0..min.min(1)).map(|_| item.clone()).collect())
        }
        _ => {
            let members = object
                .required
                .iter()
                .map(|name| {
                    let property = object.properties.get(name).copied().unwrap_or(&Value::Null);
                    (name.clone(), example(doc, property, depth + 1))
                })
                .collect();
            Value::Object(members)
        }
    }
}

/// A schema's object members with its `allOf` parts and first `oneOf`/`anyOf` alternative
/// folded in: an alternative may only name which of the parent's properties it requires.
#[derive(Default)]
struct Object<'a> {
    properties: BTreeMap<String, &'a Value>,
    required: std::collections::BTreeSet<String>,
    /// A first alternative that is not an object, whose example stands for the whole.
    alternative: Option<&'a Value>,
}

impl<'a> Object<'a> {
    fn of(doc: &'a Value, schema: &'a Value, depth: usize) -> Self {
        let mut object = Object::default();
        object.fold(doc, schema, depth);
        object
    }

    fn fold(&mut self, doc: &'a Value, schema: &'a Value, depth: usize) {
        let Some(schema) = resolve(doc, schema) else {
            return;
        };
        if depth > MAX_DEPTH {
            return;
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                self.properties.entry(name.clone()).or_insert(property);
            }
        }
        let required = schema.get("required").and_then(Value::as_array);
        self.required.extend(
            required
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string),
        );
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.fold(doc, part, depth + 1);
        }
        for key in ["oneOf", "anyOf"] {
            let Some(first) = schema
                .get(key)
                .and_then(Value::as_array)
                .and_then(|a| a.first())
            else {
                continue;
            };
            let resolved = resolve(doc, first).unwrap_or(first);
            let is_object = resolved.get("properties").is_some()
                || resolved.get("required").is_some()
                || resolved.get("allOf").is_some()
                || resolved.get("type").and_then(Value::as_str) == Some("object");
            if is_object {
                self.fold(doc, first, depth + 1);
            } else {
                self.alternative = Some(first);
            }
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn examples_hold_required_members_only() {
        let doc = json!({"components": {"schemas": {
            "role": {"type": "string", "enum": ["user", "lead"]},
            "contact": {
                "type": "object",
                "required": ["id", "role", "tags", "at"],
                "properties": {
                    "id": {"type": "string"},
                    "role": {"$ref": "#/components/schemas/role"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "at": {"type": "integer", "minimum": 5},
                    "email": {"type": "string"}
                }
            }
        }}});
        let contact = json!({"$ref": "#/components/schemas/contact"});
        assert_eq!(
            example(&doc, &contact, 0),
            json!({"id": "xxxx", "role": "user", "tags": [], "at": 5})
        );
        // An alternative that only names which property it requires.
        let user = json!({
            "type": "object",
            "properties": {"id": {"type": "string", "minLength": 6}, "user_id": {"type": "string"}},
            "anyOf": [{"required": ["id"]}, {"required": ["user_id"]}]
        });
        assert_eq!(example(&doc, &user, 0), json!({"id": "xxxxxx"}));
        let both = json!({"allOf": [contact, {"required": ["n"], "properties": {"n": {"type": "boolean"}}}]});
        assert_eq!(example(&doc, &both, 0)["n"], json!(true));
        let either = json!({"oneOf": [{"type": "number"}, {"type": "string"}]});
        assert_eq!(example(&doc, &either, 0), json!(1.5));
    }

    #[test]
    fn recursive_schemas_are_cut_short() {
        let doc = json!({"components": {"schemas": {"node": {
            "type": "object",
            "required": ["next"],
            "properties": {"next": {"$ref": "#/components/schemas/node"}}
        }}}});
        let value = example(&doc, &json!({"$ref": "#/components/schemas/node"}), 0);
        let mut depth = 0;
        let mut at = &value;
        while let Some(next) = at.get("next") {
            depth += 1;
            at = next;
        }
        assert_eq!(depth, MAX_DEPTH + 1);
        assert_eq!(*at, Value::Null);
    }
}
