//! The parts of a `multipart/form-data` request body as the spec describes them, for the docs
//! of the method that sends it: the caller builds the body as the runtime's `Multipart`.

use serde_json::Value;

use crate::base::pointer::resolve;

/// One part of a `multipart/form-data` body, as the spec describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyPart {
    /// The part's name.
    pub name: String,
    /// Whether it holds a file (`format: binary`) rather than text.
    pub file: bool,
    /// Whether the spec requires it.
    pub required: bool,
    /// The spec's description.
    pub description: Option<String>,
}

/// The properties of the body's object schema as parts: a `format: binary` string (or a list of
/// them) is a file, anything else text.
pub(crate) fn parts(doc: &Value, schema: &Value) -> Vec<BodyPart> {
    let Some(schema) = resolve(doc, schema) else {
        return Vec::new();
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    props
        .iter()
        .map(|(name, p)| {
            let p = resolve(doc, p).unwrap_or(p);
            let binary = |s: &Value| s.get("format").and_then(Value::as_str) == Some("binary");
            let file = binary(p) || p.get("items").is_some_and(binary);
            BodyPart {
                name: name.clone(),
                file,
                required: required.contains(&name.as_str()),
                description: p
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .map(str::to_string),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn binary_properties_are_files_and_required_ones_are_marked() {
        let schema = json!({"type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary", "description": "The file."},
            "pages": {"type": "array", "items": {"type": "string", "format": "binary"}},
            "purpose": {"type": "string"}
        }});
        let got: Vec<(String, bool, bool)> = parts(&json!({}), &schema)
            .into_iter()
            .map(|p| (p.name, p.file, p.required))
            .collect();
        assert_eq!(
            got,
            [
                ("file".to_string(), true, true),
                ("pages".to_string(), true, false),
                ("purpose".to_string(), false, false)
            ]
        );
    }
}
