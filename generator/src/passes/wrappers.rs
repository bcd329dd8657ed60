//! A schema pass that gives one schema one Rust name and shape whatever spelling the spec uses
//! to point at it: `oneOf: [$ref]`, `anyOf: [$ref]` and `allOf: [$ref]` wrappers become the
//! `$ref` itself, and a nullable reference is written one way per place.
//!
//! Without it the type generator names a wrapped response after the first operation returning
//! it (`CreateConversationResponse` instead of `Message`), and a wrapped request body escapes
//! the three-state pass, so a new spec version that merely respells a reference breaks callers.

use serde_json::{Map, Value};

use crate::base::pointer::schema_pointers;
use crate::base::pointer::{self, unescape_token};
use crate::load::context::{Ctx, R};

/// Keys beside a wrapper that document it without changing the type.
pub(crate) const ANNOTATIONS: [&str; 8] = [
    "description",
    "title",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
];

/// The combinators a one-element list of which is just its element.
const COMBINATORS: [&str; 3] = ["oneOf", "anyOf", "allOf"];

/// Where a schema sits, which decides how a nullable reference is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// A property its object does not require: absent and `null` are both `None`.
    OptionalProperty,
    /// A property its object requires.
    RequiredProperty,
    /// The schema of a response body.
    Response,
    /// Anywhere else: a component, a request body, array items, a parameter.
    Other,
}

/// The alternative some converters (Microsoft Graph's, throughout) write beside a reference to
/// say that the value may be `null`: an object schema with nothing in it but `nullable`.
fn is_null_alternative(node: &Value) -> bool {
    node.as_object().is_some_and(|n| {
        n.get("nullable") == Some(&Value::Bool(true))
            && n.keys().all(|k| k == "nullable" || k == "type")
            && n.get("type").is_none_or(|t| t == "object")
    })
}

/// `anyOf` or `oneOf` of a reference and a null alternative (`{type: object, nullable: true}`)
/// becomes a nullable wrapper of the reference, which [`single_refs`] then writes one way per
/// place: `Option<Referenced>` instead of a union type of the referenced type and any object,
/// named after each place it is written. One warning, at the first, counts them.
pub(crate) fn null_alternatives(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<()> {
    let mut rewritten = Vec::new();
    for at in schema_pointers(doc) {
        let Some(node) = doc.pointer_mut(&at).and_then(Value::as_object_mut) else {
            continue;
        };
        for key in ["anyOf", "oneOf"] {
            let Some(list) = node.get_mut(key).and_then(Value::as_array_mut) else {
                continue;
            };
            let [a, b] = list.as_slice() else { continue };
            let reference = match (is_null_alternative(a), is_null_alternative(b)) {
                (true, false) => b,
                (false, true) => a,
                _ => continue,
            };
            if reference.get("$ref").is_none() {
                continue;
            }
            let reference = reference.clone();
            *list = vec![reference];
            node.insert("nullable".into(), Value::Bool(true));
            rewritten.push(format!("{at}/{key}"));
            break;
        }
    }
    if let Some(first) = rewritten.first() {
        let others = match rewritten.len() - 1 {
            0 => String::new(),
            1 => " (here and in 1 other place)".to_string(),
            n => format!(" (here and in {n} other places)"),
        };
        ctx.warn(
            first,
            format!(
                "a reference beside an empty nullable object{others} is read as a nullable reference; any other object there does not decode"
            ),
        )?;
    }
    Ok(())
}

/// Normalises every wrapper of a single reference, innermost first.
///
/// - Not nullable: the wrapper becomes `{$ref}` (its description kept beside, where OpenAPI 3.0
///   ignores it and the types pass documents the field from the referenced type).
/// - Nullable, at an optional property: `{$ref, nullable: true}`; the field is an `Option` either
///   way, and the three-state pass reads the `nullable` beside the reference.
/// - Nullable, at a required property: `{allOf: [{$ref}], nullable: true}`, which the type
///   generator types as an `Option` of the referenced type, so `null` decodes; a `$ref` with
///   `nullable` beside it is rewritten to this form too.
/// - Nullable anywhere else: left as written.
///
/// A `required` list beside a wrapper in a response makes the type generator invent a type named
/// after the operation; it is dropped with a warning, and the response is the referenced type.
pub(crate) fn single_refs(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<()> {
    let mut pointers = schema_pointers(doc);
    // `$ref` nodes are not schema pointers of their own; nullable ones may need rewriting.
    pointers.extend(
        pointer::refs(doc)
            .into_iter()
            .filter_map(|(at, _)| at.strip_suffix("/$ref").map(str::to_string))
            .filter(|at| {
                doc.pointer(at)
                    .and_then(|n| n.get("nullable"))
                    .and_then(Value::as_bool)
                    == Some(true)
            }),
    );
    // Children before parents, so that a wrapper of a wrapper unwraps in one pass.
    pointers.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    pointers.dedup();
    for at in pointers {
        let place = place_of(doc, &at);
        let Some(node) = doc.pointer(&at).and_then(Value::as_object) else {
            continue;
        };
        let Some((target, dropped_required)) = single_ref(doc, node, place) else {
            continue;
        };
        let nullable = node.get("nullable").and_then(Value::as_bool) == Some(true);
        let mut out = Map::new();
        if let Some(d) = node.get("description") {
            out.insert("description".into(), d.clone());
        }
        let reference = Value::Object(Map::from_iter([(
            "$ref".to_string(),
            Value::String(target.clone()),
        )]));
        match (nullable, place) {
            (false, _) => {
                out.insert("$ref".into(), Value::String(target.clone()));
            }
            (true, Place::OptionalProperty) => {
                out.insert("$ref".into(), Value::String(target.clone()));
                out.insert("nullable".into(), Value::Bool(true));
            }
            (true, Place::RequiredProperty) => {
                out.insert("allOf".into(), Value::Array(vec![reference]));
                out.insert("nullable".into(), Value::Bool(true));
            }
            (true, Place::Response | Place::Other) => continue,
        }
        let out = Value::Object(out);
        if doc.pointer(&at) == Some(&out) {
            continue;
        }
        if dropped_required {
            ctx.warn(
                &format!("{at}/required"),
                format!(
                    "`required` beside a single `{target}` in a response is left out; the response is typed as the referenced schema"
                ),
            )?;
        }
        if let Some(slot) = doc.pointer_mut(&at) {
            *slot = out;
        }
    }
    Ok(())
}

/// The reference a node wraps, if it is a wrapper of one reference (or a reference) with
/// nothing beside it that changes the type; and whether a `required` list beside it is dropped.
fn single_ref(doc: &Value, node: &Map<String, Value>, place: Place) -> Option<(String, bool)> {
    let mut target = node.get("$ref").and_then(Value::as_str).map(str::to_string);
    for key in COMBINATORS {
        let Some(list) = node.get(key) else { continue };
        let [only] = list.as_array()?.as_slice() else {
            return None;
        };
        let only = only.as_object()?;
        let r = only.get("$ref")?.as_str()?;
        let plain = only
            .keys()
            .all(|k| k == "$ref" || ANNOTATIONS.contains(&k.as_str()));
        if !plain || target.replace(r.to_string()).is_some() {
            return None;
        }
    }
    let target = target?;
    let mut dropped_required = false;
    for (key, value) in node {
        match key.as_str() {
            "$ref" | "nullable" => {}
            k if COMBINATORS.contains(&k) || ANNOTATIONS.contains(&k) || k.starts_with("x-") => {}
            // `type: object` beside a reference to an object schema says nothing new.
            "type" => {
                let referenced = doc.pointer(target.strip_prefix('#')?)?;
                let same = match referenced.get("type") {
                    Some(t) => t == value,
                    None => value == "object" && referenced.get("properties").is_some(),
                };
                if !same {
                    return None;
                }
            }
            "required" if place == Place::Response => dropped_required = true,
            _ => return None,
        }
    }
    Some((target, dropped_required))
}

/// The place of the schema at `at`.
fn place_of(doc: &Value, at: &str) -> Place {
    let tokens: Vec<&str> = at.split('/').collect();
    if let [.., "responses", _, "content", _, "schema"] = tokens.as_slice() {
        return Place::Response;
    }
    if let [parent @ .., "properties", name] = tokens.as_slice() {
        let name = unescape_token(name);
        let Some(object) = doc.pointer(&parent.join("/")) else {
            return Place::Other;
        };
        let required = object
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|v| v.as_str() == Some(name.as_str())));
        return if required {
            Place::RequiredProperty
        } else {
            Place::OptionalProperty
        };
    }
    Place::Other
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::SpecSource;
    use serde_json::json;

    fn run(mut doc: Value) -> (Value, usize) {
        let src = SpecSource::new("x.yaml", "openapi: 3.0.3\n");
        let mut ctx = Ctx::new(&src, false);
        single_refs(&mut ctx, &mut doc).expect("the pass runs");
        (doc, ctx.warnings.len())
    }

    fn thing(props: Value, required: Value) -> Value {
        json!({"components": {"schemas": {
            "inner": {"type": "object", "properties": {"x": {"type": "string"}}},
            "thing": {"type": "object", "required": required, "properties": props}
        }}})
    }

    #[test]
    fn a_reference_beside_a_null_alternative_becomes_an_option_of_it() {
        let r = json!({"$ref": "#/components/schemas/inner"});
        let empty = json!({"type": "object", "nullable": true});
        let mut doc = thing(
            json!({
                "a": {"anyOf": [r, empty]},
                "b": {"oneOf": [empty, r], "description": "d"},
                "c": {"anyOf": [r, {"type": "object", "nullable": true, "properties": {}}]},
                "d": {"anyOf": [{"type": "string"}, empty]}
            }),
            json!(["b"]),
        );
        let src = SpecSource::new("x.yaml", "openapi: 3.0.3\n");
        let mut ctx = Ctx::new(&src, false);
        null_alternatives(&mut ctx, &mut doc).expect("the pass runs");
        assert_eq!(ctx.warnings.len(), 1, "{:?}", ctx.warnings);
        assert!(
            ctx.warnings[0]
                .message
                .contains("here and in 1 other place"),
            "{}",
            ctx.warnings[0].message
        );
        single_refs(&mut ctx, &mut doc).expect("the pass runs");
        let props = &doc["components"]["schemas"]["thing"]["properties"];
        // Optional: the reference, nullable; required: an `Option` of the referenced type.
        assert_eq!(props["a"], json!({"$ref": r["$ref"], "nullable": true}));
        assert_eq!(
            props["b"],
            json!({"allOf": [r], "nullable": true, "description": "d"})
        );
        // Anything more than `nullable` in the other alternative, or no reference: unchanged.
        assert_eq!(props["c"]["anyOf"].as_array().map(Vec::len), Some(2));
        assert_eq!(props["d"]["anyOf"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn every_spelling_of_one_reference_becomes_the_reference() {
        let r = json!({"$ref": "#/components/schemas/inner"});
        for wrapper in [
            json!({"oneOf": [r]}),
            json!({"anyOf": [r], "description": "d"}),
            json!({"allOf": [r], "type": "object"}),
        ] {
            let (doc, warnings) = run(thing(json!({ "a": wrapper }), json!([])));
            let a = &doc["components"]["schemas"]["thing"]["properties"]["a"];
            assert_eq!(a["$ref"], "#/components/schemas/inner", "{a}");
            assert!(a.get("allOf").is_none() && a.get("type").is_none());
            assert_eq!(warnings, 0);
        }
    }

    #[test]
    fn nullable_references_are_written_one_way_per_place() {
        let r = json!({"$ref": "#/components/schemas/inner"});
        let props = json!({
            "opt_wrapped": {"allOf": [r], "nullable": true},
            "opt_sibling": {"$ref": "#/components/schemas/inner", "nullable": true},
            "req_wrapped": {"oneOf": [r], "nullable": true},
            "req_sibling": {"$ref": "#/components/schemas/inner", "nullable": true},
        });
        let (doc, _) = run(thing(props, json!(["req_wrapped", "req_sibling"])));
        let p = &doc["components"]["schemas"]["thing"]["properties"];
        let optional = json!({"$ref": "#/components/schemas/inner", "nullable": true});
        let required = json!({"allOf": [r], "nullable": true});
        assert_eq!(p["opt_wrapped"], optional);
        assert_eq!(p["opt_sibling"], optional);
        assert_eq!(p["req_wrapped"], required);
        assert_eq!(p["req_sibling"], required);
    }

    #[test]
    fn a_type_beside_a_reference_goes_only_when_the_target_has_it() {
        let wrap = |target: &str, ty: &str| json!({"allOf": [{"$ref": format!("#/components/schemas/{target}")}], "type": ty});
        let doc = json!({"components": {"schemas": {
            "untyped": {"properties": {"x": {"type": "string"}}},
            "bare": {"description": "anything"},
            "thing": {"type": "object", "properties": {
                "object": wrap("untyped", "object"),
                "string": wrap("untyped", "string"),
                "bare": wrap("bare", "object"),
            }}
        }}});
        let (doc, _) = run(doc);
        let p = &doc["components"]["schemas"]["thing"]["properties"];
        assert_eq!(p["object"], json!({"$ref": "#/components/schemas/untyped"}));
        assert_eq!(p["string"], wrap("untyped", "string"));
        assert_eq!(p["bare"], wrap("bare", "object"));
    }

    #[test]
    fn wrappers_that_change_the_type_stay() {
        let r = json!({"$ref": "#/components/schemas/inner"});
        let props = json!({
            "two": {"oneOf": [r, {"type": "string"}]},
            "typed": {"allOf": [r], "type": "string"},
            "more": {"allOf": [r], "properties": {"y": {"type": "string"}}},
            "required": {"allOf": [r], "required": ["x"]},
        });
        let (doc, _) = run(thing(props.clone(), json!([])));
        assert_eq!(doc["components"]["schemas"]["thing"]["properties"], props);
    }

    #[test]
    fn a_required_list_beside_a_wrapped_response_is_dropped_with_a_warning() {
        let doc = json!({"paths": {"/m": {"post": {"responses": {"200": {"content": {
            "application/json": {"schema": {
                "allOf": [{"$ref": "#/components/schemas/inner"}], "required": ["x"]
            }}
        }}}}}}, "components": {"schemas": {"inner": {"type": "object"}}}});
        let (doc, warnings) = run(doc);
        assert_eq!(
            doc.pointer("/paths/~1m/post/responses/200/content/application~1json/schema"),
            Some(&json!({"$ref": "#/components/schemas/inner"}))
        );
        assert_eq!(warnings, 1);
    }
}
