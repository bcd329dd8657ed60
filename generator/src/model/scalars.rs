//! What a command line can give an operation: the JSON type of each parameter's schema and of
//! each scalar top-level member of its body, and whether the body's object allows members it
//! does not declare.

use serde_json::Value;

use crate::base::pointer::resolve;
use crate::model::operation::{BodyField, Kind};

/// How deep schema references and single-member compositions are followed.
const MAX_DEPTH: usize = 8;

/// The schema as its references and single-member compositions lead to it.
pub(crate) fn schema<'a>(doc: &'a Value, mut s: &'a Value) -> Option<&'a Value> {
    for _ in 0..MAX_DEPTH {
        s = resolve(doc, s)?;
        let single = ["allOf", "oneOf", "anyOf"].iter().find_map(|k| {
            s.get(*k)
                .and_then(Value::as_array)
                .filter(|list| list.len() == 1)
                .and_then(|list| list.first())
        });
        match single {
            Some(inner) => s = inner,
            None => return Some(s),
        }
    }
    None
}

/// What a value of schema `s` is read as: its scalar type, a string for a string enum without
/// a type, JSON text for anything else.
pub(crate) fn kind(doc: &Value, s: &Value) -> Kind {
    let Some(s) = schema(doc, s) else {
        return Kind::Json;
    };
    match s.get("type").and_then(Value::as_str) {
        Some("string") => Kind::String,
        Some("integer") => Kind::Integer,
        Some("number") => Kind::Number,
        Some("boolean") => Kind::Boolean,
        Some(_) => Kind::Json,
        None => match s.get("enum").and_then(Value::as_array) {
            Some(values) if !values.is_empty() && values.iter().all(Value::is_string) => {
                Kind::String
            }
            _ => Kind::Json,
        },
    }
}

/// The scalar top-level members of the body schema `s` (those of another kind are left to
/// whole-body JSON), in name order, and every member's name when the object is closed.
pub(crate) fn fields(doc: &Value, s: &Value) -> (Vec<BodyField>, Option<Vec<String>>) {
    let Some(s) = schema(doc, s) else {
        return (Vec::new(), None);
    };
    let (properties, closed) = properties(doc, s);
    let fields = properties
        .iter()
        .filter_map(|(name, s)| {
            let kind = kind(doc, s);
            (kind != Kind::Json).then(|| BodyField {
                name: name.clone(),
                kind,
                description: schema(doc, s)
                    .and_then(|s| s.get("description"))
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .map(str::to_string),
            })
        })
        .collect();
    let members = closed.then(|| properties.into_iter().map(|(name, _)| name).collect());
    (fields, members)
}

/// The top-level properties of an object schema (through `allOf`), in name order, and whether
/// the object is closed: it declares properties and allows no others.
fn properties<'a>(doc: &'a Value, s: &'a Value) -> (Vec<(String, &'a Value)>, bool) {
    let mut out: Vec<(String, &Value)> = Vec::new();
    let mut open = false;
    let mut pending = vec![(s, 0)];
    while let Some((s, depth)) = pending.pop() {
        let Some(s) = schema(doc, s) else {
            open = true;
            continue;
        };
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            for (name, p) in props {
                if !out.iter().any(|(n, _)| n == name) {
                    out.push((name.clone(), p));
                }
            }
        }
        match s.get("additionalProperties") {
            None | Some(Value::Bool(false)) => {}
            Some(_) => open = true,
        }
        if ["oneOf", "anyOf"].iter().any(|k| s.get(*k).is_some()) {
            open = true;
        }
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            if depth >= MAX_DEPTH {
                open = true;
                continue;
            }
            pending.extend(all.iter().map(|part| (part, depth + 1)));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    let closed = !open && !out.is_empty();
    (out, closed)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn kinds_follow_references_and_enums() {
        let doc = json!({"components": {"schemas": {
            "N": {"type": "integer"},
            "E": {"enum": ["a", "b"]},
            "O": {"type": "object"}}}});
        let of = |s: Value| kind(&doc, &s);
        assert_eq!(of(json!({"$ref": "#/components/schemas/N"})), Kind::Integer);
        assert_eq!(
            of(json!({"allOf": [{"$ref": "#/components/schemas/E"}]})),
            Kind::String
        );
        assert_eq!(of(json!({"$ref": "#/components/schemas/O"})), Kind::Json);
        assert_eq!(
            of(json!({"type": "boolean", "nullable": true})),
            Kind::Boolean
        );
        assert_eq!(of(json!({"$ref": "#/nowhere"})), Kind::Json);
    }

    #[test]
    fn objects_are_closed_unless_they_allow_more() {
        let doc = json!({});
        let both = json!({"allOf": [{"properties": {"b": {}}}, {"properties": {"a": {}}}]});
        let (props, closed) = properties(&doc, &both);
        let names: Vec<&str> = props.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert!(closed);
        let (_, closed) = properties(
            &doc,
            &json!({"properties": {"a": {}}, "additionalProperties": true}),
        );
        assert!(!closed);
        let (_, closed) = properties(&doc, &json!({"type": "object"}));
        assert!(!closed);
    }
}
