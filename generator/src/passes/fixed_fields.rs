//! Fields whose value the description fixes: a string property with a one-value enum
//! (`type: {enum: [contact]}`), the object-kind marker of most Intercom objects. This pass finds
//! them and takes the enum off; `types::fixed_defaults` gives the generated fields their default. The field stays
//! a `String` (an `Option<String>` when optional) rather than becoming an enum of one variant,
//! so that marking a kind in the description changes no type. Servers sometimes leave a
//! required one out; since its value is known, the client decodes the object with that value
//! rather than failing the whole call.

use std::collections::BTreeMap;

use serde_json::Value;

/// For each component schema, its required properties whose value is fixed, with the value.
/// The one-value `enum` is taken off each string property, required or not, so that the
/// property is typed as a plain string.
pub(crate) fn take_fixed_fields(doc: &mut Value) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return out;
    };
    for (name, schema) in schemas.iter_mut() {
        let required: Vec<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        let mut fixed = BTreeMap::new();
        for (prop, p) in props.iter_mut() {
            let Some(p) = p.as_object_mut() else { continue };
            let is_string = p.get("type").is_none_or(|t| t.as_str() == Some("string"));
            let value = match p.get("enum").and_then(Value::as_array).map(Vec::as_slice) {
                Some([Value::String(v)]) if is_string => v.clone(),
                _ => continue,
            };
            p.remove("enum");
            p.insert("type".into(), Value::String("string".into()));
            if required.contains(prop) {
                fixed.insert(prop.clone(), value);
            }
        }
        if !fixed.is_empty() {
            out.insert(name.clone(), fixed);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_a_required_string_with_one_value_is_fixed_and_optional_ones_are_strings() {
        let mut doc = json!({"components": {"schemas": {"thing": {
            "required": ["kind", "untyped", "count", "choice"],
            "properties": {
                "kind": {"type": "string", "enum": ["contact"]},
                "untyped": {"enum": ["z"]},
                "count": {"type": "integer", "enum": ["5"]},
                "choice": {"type": "string", "enum": ["x", "y"]},
                "optional": {"type": "string", "enum": ["o"]}
            }
        }}}});
        let fixed = take_fixed_fields(&mut doc);
        let expected = BTreeMap::from([(
            "thing".to_string(),
            BTreeMap::from([
                ("kind".to_string(), "contact".to_string()),
                ("untyped".to_string(), "z".to_string()),
            ]),
        )]);
        assert_eq!(fixed, expected);
        let props = &doc["components"]["schemas"]["thing"]["properties"];
        assert_eq!(props["untyped"], json!({"type": "string"}));
        assert_eq!(props["count"], json!({"type": "integer", "enum": ["5"]}));
        // An optional marker is a plain string too, without a value to default to.
        assert_eq!(props["optional"], json!({"type": "string"}));
    }
}
