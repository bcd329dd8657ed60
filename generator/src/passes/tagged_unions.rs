//! Alternatives told apart by a property: a component schema with `oneOf` (or `anyOf`) of
//! references and a `discriminator` (`message_type`: `close`, `snoozed`, …) becomes an enum that
//! serializes each variant with its tag and decodes by the tag, not by trying each shape.
//!
//! The type engine makes every `oneOf` an untagged enum. Before it runs, [`prepare`] finds each
//! discriminated union and its variants. When the variants' schemas serve this union alone, the
//! tag property is taken off them, and `types::tagged_enums` makes the enum internally tagged
//! (`#[serde(tag = "message_type")]`, a `rename` per variant): the tag cannot be set wrong. When
//! a variant's schema is used elsewhere too (a `company` that is also returned on its own), its
//! type keeps the property, and the enum gets a `Deserialize` that reads the tag first and decodes
//! that variant alone (trying each in turn only when a body lacks the tag).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::base::pointer::{self, escape_token};
use crate::load::context::{Ctx, R};

/// A component schema whose alternatives a property tells apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaggedUnion {
    /// The component's name in the spec.
    pub schema: String,
    /// The property that holds the tag.
    pub property: String,
    /// Each alternative: the component it refers to and its tag.
    pub variants: Vec<(String, String)>,
    /// Whether the alternatives' types keep the tag property (some serve elsewhere too), so
    /// that the enum decodes by reading the tag rather than being internally tagged.
    pub by_marker: bool,
}

const SCHEMAS: &str = "/components/schemas/";

/// Finds the discriminated unions among the component schemas and, where the alternatives serve
/// the union alone, takes the tag property off them. A discriminator that cannot be honoured (no
/// alternatives by reference, a tag that contradicts an alternative's own values) is a warning,
/// and its union stays one decoded by shape.
pub(crate) fn prepare(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<Vec<TaggedUnion>> {
    let mut out = Vec::new();
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Ok(out);
    };
    let mut found = Vec::new();
    for (name, schema) in schemas {
        let Some(disc) = schema.get("discriminator") else {
            continue;
        };
        let at = format!("{SCHEMAS}{}/discriminator", escape_token(name));
        match union(doc, name, schema, disc) {
            Ok(u) => found.push(u),
            Err(why) => ctx.warn(
                &at,
                format!("{why}; the alternatives are told apart by their shape"),
            )?,
        }
    }
    let refs = pointer::refs(doc);
    for (mut u, leaves) in found {
        // The union's own schemas, from which references to its alternatives do not count.
        let own: BTreeSet<String> = std::iter::once(u.schema.clone())
            .chain(leaves.iter().flat_map(|(_, via)| via.iter().cloned()))
            .collect();
        let exclusive = leaves.iter().all(|(leaf, _)| {
            let target = format!("#{SCHEMAS}{}", escape_token(leaf));
            refs.iter().filter(|(_, t)| *t == target).all(|(at, _)| {
                own.iter()
                    .any(|s| at.starts_with(&format!("{SCHEMAS}{}/", escape_token(s))))
            })
        });
        u.by_marker = !exclusive;
        if exclusive {
            for (leaf, _) in &leaves {
                remove_property(doc, leaf, &u.property);
            }
        }
        out.push(u);
    }
    Ok(out)
}

/// The union of the component `name`, and its leaves: the object schemas its alternatives come
/// down to (an alternative may itself be a union by shape), each with the unions it is reached
/// through. `Err` says why the discriminator cannot be honoured.
#[allow(clippy::type_complexity)]
fn union(
    doc: &Value,
    name: &str,
    schema: &Value,
    disc: &Value,
) -> Result<(TaggedUnion, Vec<(String, Vec<String>)>), String> {
    let property = disc
        .get("propertyName")
        .and_then(Value::as_str)
        .ok_or("the discriminator has no `propertyName`")?
        .to_string();
    let alternatives = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
        .ok_or("a discriminator without `oneOf` or `anyOf` alternatives is not supported")?;
    let mapping: BTreeMap<String, String> = disc
        .get("mapping")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(tag, target)| {
                    let target = target.as_str()?;
                    let component = target
                        .strip_prefix(&format!("#{SCHEMAS}"))
                        .unwrap_or(target);
                    Some((component.to_string(), tag.clone()))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut variants = Vec::new();
    let mut leaves = Vec::new();
    for alt in alternatives {
        let component = alt
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(&format!("#{SCHEMAS}")))
            .ok_or("an alternative that is not a reference to a component schema")?
            .to_string();
        let mut mine = Vec::new();
        collect_leaves(doc, &component, &mut Vec::new(), &mut mine)?;
        let values: BTreeSet<Option<String>> = mine
            .iter()
            .map(|(leaf, _)| single_value(doc, leaf, &property))
            .collect();
        let tag = match mapping.get(&component) {
            Some(tag) => tag.clone(),
            None => match values.iter().next() {
                Some(Some(v)) if values.len() == 1 => v.clone(),
                _ => component.clone(),
            },
        };
        if values.iter().flatten().any(|v| *v != tag) {
            return Err(format!(
                "the alternative `{component}` is tagged `{tag}`, but its `{property}` says otherwise"
            ));
        }
        variants.push((component, tag));
        leaves.extend(mine);
    }
    let tags: BTreeSet<&String> = variants.iter().map(|(_, t)| t).collect();
    if tags.len() != variants.len() {
        return Err("two alternatives have the same tag".to_string());
    }
    Ok((
        TaggedUnion {
            schema: name.to_string(),
            property,
            variants,
            by_marker: false,
        },
        leaves,
    ))
}

/// The object schemas the component `name` comes down to, through unions by shape of
/// references, each with the unions passed through (`via`).
fn collect_leaves(
    doc: &Value,
    name: &str,
    via: &mut Vec<String>,
    out: &mut Vec<(String, Vec<String>)>,
) -> Result<(), String> {
    if via.iter().any(|v| v == name) || via.len() > 8 {
        return Err(format!("the alternative `{name}` contains itself"));
    }
    let schema = doc
        .pointer(&format!("{SCHEMAS}{}", escape_token(name)))
        .ok_or_else(|| format!("the alternative `{name}` is not a component schema"))?;
    if let Some(alts) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        via.push(name.to_string());
        for alt in alts {
            let inner = alt
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(&format!("#{SCHEMAS}")))
                .ok_or_else(|| format!("an alternative of `{name}` is not a reference"))?;
            collect_leaves(doc, inner, via, out)?;
        }
        via.pop();
        return Ok(());
    }
    if !schema.get("properties").is_some_and(Value::is_object) {
        return Err(format!("the alternative `{name}` is not an object"));
    }
    out.push((name.to_string(), via.clone()));
    Ok(())
}

/// The one value the property `property` of the component `leaf` may take, if it says.
fn single_value(doc: &Value, leaf: &str, property: &str) -> Option<String> {
    let p = doc.pointer(&format!(
        "{SCHEMAS}{}/properties/{}",
        escape_token(leaf),
        escape_token(property)
    ))?;
    match p.get("enum").and_then(Value::as_array).map(Vec::as_slice) {
        Some([Value::String(v)]) => Some(v.clone()),
        _ => None,
    }
}

/// Takes the property `property` off the component `leaf`, and out of its `required`.
fn remove_property(doc: &mut Value, leaf: &str, property: &str) {
    let Some(schema) = doc
        .pointer_mut(&format!("{SCHEMAS}{}", escape_token(leaf)))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        props.remove(property);
    }
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|r| r.as_str() != Some(property));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec() -> Value {
        json!({"components": {"schemas": {
            "manage": {
                "oneOf": [{"$ref": "#/components/schemas/close"}, {"$ref": "#/components/schemas/snooze"}],
                "discriminator": {"propertyName": "message_type", "mapping": {
                    "close": "#/components/schemas/close", "snoozed": "#/components/schemas/snooze"
                }}
            },
            "close": {"required": ["message_type", "admin_id"], "properties": {
                "message_type": {"type": "string", "enum": ["close"]}, "admin_id": {"type": "string"}
            }},
            "snooze": {"required": ["message_type"], "properties": {
                "message_type": {"type": "string", "enum": ["snoozed"]}, "until": {"type": "integer"}
            }},
            "lookup": {
                "oneOf": [{"$ref": "#/components/schemas/one"}, {"$ref": "#/components/schemas/many"}],
                "discriminator": {"propertyName": "type"}
            },
            "one": {"properties": {"type": {"type": "string", "enum": ["one"]}}},
            "many": {"properties": {"type": {"type": "string", "enum": ["list"]}, "data": {
                "type": "array", "items": {"$ref": "#/components/schemas/one"}
            }}},
            "bad": {"oneOf": [{"type": "object"}], "discriminator": {"propertyName": "kind"}}
        }}})
    }

    #[test]
    fn unions_are_found_with_their_tags_and_exclusive_alternatives_lose_the_tag() {
        let mut doc = spec();
        let src = crate::load::SpecSource::new("x.yaml", "openapi: 3.0.3\n");
        let mut ctx = Ctx::new(&src, false);
        let unions = prepare(&mut ctx, &mut doc).expect("no error");
        assert_eq!(
            unions,
            [
                TaggedUnion {
                    schema: "lookup".into(),
                    property: "type".into(),
                    variants: vec![("one".into(), "one".into()), ("many".into(), "list".into())],
                    // `one` is also the items of `many`.
                    by_marker: true,
                },
                TaggedUnion {
                    schema: "manage".into(),
                    property: "message_type".into(),
                    variants: vec![
                        ("close".into(), "close".into()),
                        ("snooze".into(), "snoozed".into())
                    ],
                    by_marker: false,
                },
            ]
        );
        assert_eq!(
            doc.pointer("/components/schemas/close"),
            Some(
                &json!({"required": ["admin_id"], "properties": {"admin_id": {"type": "string"}}})
            )
        );
        assert!(
            doc.pointer("/components/schemas/one/properties/type")
                .is_some()
        );
        let warnings: Vec<String> = ctx.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            warnings,
            [
                "warning: x.yaml:1:8: #/components/schemas/bad/discriminator: an alternative that is not a reference to a component schema; the alternatives are told apart by their shape"
            ]
        );
    }

    #[test]
    fn a_tag_that_contradicts_the_alternative_is_a_warning() {
        let mut doc = spec();
        doc["components"]["schemas"]["manage"]["discriminator"]["mapping"]["open"] =
            json!("#/components/schemas/close");
        doc["components"]["schemas"]["manage"]["discriminator"]["mapping"]
            .as_object_mut()
            .map(|m| m.remove("close"));
        let src = crate::load::SpecSource::new("x.yaml", "openapi: 3.0.3\n");
        let mut ctx = Ctx::new(&src, false);
        let unions = prepare(&mut ctx, &mut doc).expect("no error");
        assert!(unions.iter().all(|u| u.schema != "manage"));
        assert!(
            ctx.warnings
                .iter()
                .any(|w| w.message.contains("`close` is tagged `open`")),
            "{:?}",
            ctx.warnings
        );
    }
}
