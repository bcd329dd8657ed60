//! References spelled as URI fragments or without the `/` after `#`, and references into the
//! document outside `#/components`: made into the form every later pass (and the type
//! generator) reads.

use serde_json::Value;

use crate::base::pointer::escape_token;
use crate::load::context::{Ctx, R};

/// How many rounds of inlining: a reference to a reference is followed this deep.
const MAX_DEPTH: usize = 8;

/// Percent-decodes local references (`#/paths/~1v2~1%7Bid%7D/…`, as RFC 6901 spells a pointer
/// inside a URI fragment) and replaces each reference to a node outside `#/components` (a
/// parameter of another operation, say) by a copy of that node: the type generator resolves
/// references into the components only. A reference written without the `/` after `#`
/// (`#components/schemas/offset_pages`, as some vendors write them) is read with it, with a
/// warning. A reference that points nowhere is left for the reference check to report.
pub(crate) fn normalize(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<()> {
    let mut refs = Vec::new();
    collect(doc, String::new(), &mut refs);
    for (at, target) in &refs {
        let slashed = slash_added(target);
        if let Some(fixed) = &slashed {
            ctx.warn(
                &format!("{at}/$ref"),
                format!("reference `{target}` lacks the `/` after `#`; read as `{fixed}`"),
            )?;
        }
        let target = slashed.as_deref().unwrap_or(target);
        let decoded = decoded(target).or(slashed.clone());
        if let Some(decoded) = decoded
            && let Some(Value::Object(node)) = doc.pointer_mut(at)
        {
            node.insert("$ref".into(), Value::String(decoded));
        }
    }
    hoist_schemas_in_paths(doc);
    hoist_nested_schemas(doc);
    for _ in 0..MAX_DEPTH {
        let mut refs = Vec::new();
        collect(doc, String::new(), &mut refs);
        let mut changed = false;
        for (at, target) in refs {
            let Some(pointer) = target.strip_prefix('#') else {
                continue;
            };
            if pointer.starts_with("/components/") || at.starts_with(pointer) {
                continue;
            }
            let Some(copy) = doc.pointer(pointer).cloned() else {
                continue;
            };
            if let Some(node) = doc.pointer_mut(&at) {
                *node = copy;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    Ok(())
}

/// A schema inside an operation that other places refer to (`#/paths/~1v2~1apps/post/…/schema/
/// properties/spec`, as descriptions written without components do) moves to a component named
/// as the type generator would name it in its own place (`AppsCreateBodySpec`), and its place
/// and every reference to it point there: one type for all of them, under the name it has where
/// it is written, rather than a copy per place. A schema the name of which cannot be told before
/// the type generator runs (inside an `allOf`, say), or whose name a component has, is copied
/// to each place as any other reference into the paths is.
fn hoist_schemas_in_paths(doc: &mut Value) {
    let mut refs = Vec::new();
    collect(doc, String::new(), &mut refs);
    let mut targets: Vec<String> = refs
        .into_iter()
        .map(|(_, t)| t)
        .filter(|t| t.starts_with("#/paths/") && t.split('/').any(|token| token == "schema"))
        .collect();
    if targets.is_empty() {
        return;
    }
    targets.sort();
    targets.dedup();
    // The deepest first: a schema that moves takes the references to those inside it along.
    targets.sort_by_key(|t| std::cmp::Reverse(t.matches('/').count()));
    let names = crate::passes::collisions::inline_type_names(doc);
    for target in targets {
        let pointer = &target[1..];
        let Some(name) = names.get(pointer) else {
            continue;
        };
        if doc
            .pointer(pointer)
            .is_none_or(|node| !node.is_object() || node.get("$ref").is_some())
        {
            continue;
        }
        if doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .is_some_and(|schemas| schemas.contains_key(name))
        {
            continue;
        }
        let to = format!("#/components/schemas/{}", escape_token(name));
        let Some(node) = doc.pointer_mut(pointer) else {
            continue;
        };
        let schema = std::mem::replace(node, serde_json::json!({ "$ref": to }));
        let Some(schemas) = component_schemas(doc) else {
            return;
        };
        schemas.insert(name.clone(), schema);
        retarget_under(doc, &target, &to);
    }
}

/// `components/schemas` of `doc`, made empty where the description has none; `None` when either
/// is there but not a mapping.
fn component_schemas(doc: &mut Value) -> Option<&mut serde_json::Map<String, Value>> {
    let mut node = doc;
    for key in ["components", "schemas"] {
        node = node
            .as_object_mut()?
            .entry(key)
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
    }
    node.as_object_mut()
}

/// Points every `$ref` to `from`, or to a node inside it, at the same place under `to`.
fn retarget_under(doc: &mut Value, from: &str, to: &str) {
    crate::base::pointer::walk_mut(doc, &mut |_, v| {
        if let Some(r) = v.get_mut("$ref")
            && let Some(target) = r.as_str()
            && let Some(rest) = target.strip_prefix(from)
            && (rest.is_empty() || rest.starts_with('/'))
        {
            *r = Value::String(format!("{to}{rest}"));
        }
        crate::base::pointer::Walk::Descend
    });
}

/// A reference to a schema nested inside a component (`#/components/schemas/Bill/definitions/
/// line`, or a property of one) is one the type engine cannot follow: it resolves references
/// to components only. Each such schema is copied to a component of its own, named after the
/// component and the names on the way (`Bill_line`), and the references point there.
fn hoist_nested_schemas(doc: &mut Value) {
    for _ in 0..MAX_DEPTH {
        let mut refs = Vec::new();
        collect(doc, String::new(), &mut refs);
        let mut targets: Vec<String> = refs
            .into_iter()
            .map(|(_, t)| t)
            .filter(|t| nested_schema(t).is_some())
            .collect();
        targets.sort();
        targets.dedup();
        let mut moved = Vec::new();
        for target in targets {
            let Some(copy) = doc.pointer(&target[1..]).cloned() else {
                continue;
            };
            let Some(schemas) = doc
                .pointer_mut("/components/schemas")
                .and_then(Value::as_object_mut)
            else {
                return;
            };
            let Some(name) = nested_schema(&target) else {
                continue;
            };
            let mut free = name.clone();
            let mut n = 2;
            while schemas.get(&free).is_some_and(|s| *s != copy) {
                free = format!("{name}{n}");
                n += 1;
            }
            schemas.insert(free.clone(), copy);
            moved.push((
                target,
                format!("#/components/schemas/{}", escape_token(&free)),
            ));
        }
        if moved.is_empty() {
            return;
        }
        for (from, to) in moved {
            crate::base::pointer::retarget_refs(doc, &from, &to);
        }
    }
}

/// For a reference to a schema nested in a component, the name of the component it becomes:
/// `Bill_line` for `#/components/schemas/Bill/definitions/line`, `companyId` for the schema of
/// the parameter `#/components/parameters/companyId/schema`. `None` for any other reference.
fn nested_schema(target: &str) -> Option<String> {
    let rest = target.strip_prefix("#/components/")?;
    let (kind, rest) = rest.split_once('/')?;
    let tokens: Vec<String> = rest
        .split('/')
        .map(crate::base::pointer::unescape_token)
        .collect();
    let nested = match kind {
        "schemas" => tokens.len() > 1,
        // The schema of a parameter, header, body or response, or one inside it.
        _ => tokens.iter().skip(1).any(|t| t == "schema"),
    };
    if !nested {
        return None;
    }
    let name: Vec<&str> = tokens
        .iter()
        .map(String::as_str)
        .filter(|t| {
            !matches!(
                *t,
                "definitions" | "$defs" | "properties" | "schema" | "content"
            ) && !t.contains('/')
        })
        .collect();
    Some(name.join("_"))
}

/// `#/components/x` for `#components/x`: a local reference whose fragment is not a JSON
/// pointer (which starts with `/`) but reads as one with the slash added.
fn slash_added(target: &str) -> Option<String> {
    let rest = target.strip_prefix('#')?;
    (!rest.is_empty() && !rest.starts_with('/')).then(|| format!("#/{rest}"))
}

/// The reference with its fragment percent-decoded, when decoding changes it.
fn decoded(target: &str) -> Option<String> {
    if !target.starts_with('#') || !target.contains('%') {
        return None;
    }
    let text = percent_encoding::percent_decode_str(target)
        .decode_utf8()
        .ok()?
        .into_owned();
    (text != target).then_some(text)
}

/// Every `$ref` string in the document: (pointer of the object holding it, the reference).
fn collect(node: &Value, at: String, out: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                out.push((at.clone(), target.clone()));
            }
            for (key, child) in map {
                let at = format!("{at}/{}", escape_token(key));
                match (key.as_str(), child) {
                    // Values, not schemas: a `$ref` member in one is data.
                    ("example" | "default" | "enum", _) => {}
                    // Example objects: each may be a reference; its `value` is data.
                    ("examples", Value::Object(examples)) => {
                        for (name, example) in examples {
                            if let Some(Value::String(target)) = example.get("$ref") {
                                out.push((format!("{at}/{}", escape_token(name)), target.clone()));
                            }
                        }
                    }
                    _ => collect(child, at, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::load::SpecSource;

    fn ctx() -> Ctx<'static> {
        static SRC: std::sync::LazyLock<SpecSource> =
            std::sync::LazyLock::new(|| SpecSource::new("x.yaml", "openapi: 3.0.3\n"));
        Ctx::new(&SRC, false)
    }

    #[test]
    fn a_reference_without_the_slash_after_the_hash_is_read_with_it() {
        let mut doc = json!({
            "paths": {},
            "components": {"schemas": {
                "pages": {"type": "object"},
                "list": {"properties": {
                    "pages": {"$ref": "#components/schemas/pages"},
                    "same": {"$ref": "#/components/schemas/pages"},
                    "spaced": {"$ref": "#components/schemas/a%20b"},
                }},
            }},
        });
        let mut ctx = ctx();
        normalize(&mut ctx, &mut doc).expect("no error");
        let props = &doc["components"]["schemas"]["list"]["properties"];
        assert_eq!(
            props["pages"],
            json!({"$ref": "#/components/schemas/pages"})
        );
        assert_eq!(props["same"], json!({"$ref": "#/components/schemas/pages"}));
        assert_eq!(props["spaced"], json!({"$ref": "#/components/schemas/a b"}));
        let warned: Vec<&str> = ctx.warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(
            warned,
            [
                "/components/schemas/list/properties/pages/$ref",
                "/components/schemas/list/properties/spaced/$ref"
            ]
        );
        assert!(
            ctx.warnings[0]
                .message
                .contains("read as `#/components/schemas/pages`")
        );
    }

    #[test]
    fn schemas_nested_in_components_become_components_of_their_own() {
        let mut doc = json!({
            "paths": {},
            "components": {"schemas": {
                "Bill": {
                    "definitions": {"line": {"type": "object", "properties": {
                        "currency": {"$ref": "#/components/schemas/Bill/properties/currency"}
                    }}},
                    "properties": {
                        "currency": {"type": "string"},
                        "lines": {"type": "array", "items": {"$ref": "#/components/schemas/Bill/definitions/line"}}
                    }
                },
                "Other": {"properties": {"line": {"$ref": "#/components/schemas/Bill/definitions/line"}}}
            }}
        });
        normalize(&mut ctx(), &mut doc).expect("no error");
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Bill"]["properties"]["lines"]["items"],
            json!({"$ref": "#/components/schemas/Bill_line"})
        );
        assert_eq!(
            schemas["Other"]["properties"]["line"],
            json!({"$ref": "#/components/schemas/Bill_line"})
        );
        assert_eq!(
            schemas["Bill_line"]["properties"]["currency"],
            json!({"$ref": "#/components/schemas/Bill_currency"})
        );
        assert_eq!(schemas["Bill_currency"], json!({"type": "string"}));
    }

    #[test]
    fn the_schema_of_a_parameter_referred_to_from_a_schema_becomes_a_component() {
        let mut doc = json!({
            "paths": {},
            "components": {
                "parameters": {"companyId": {"name": "companyId", "in": "path", "schema": {"type": "string", "format": "uuid"}}},
                "schemas": {"Summary": {"properties": {
                    "companyId": {"$ref": "#/components/parameters/companyId/schema"},
                    "param": {"$ref": "#/components/parameters/companyId"}
                }}}
            }
        });
        normalize(&mut ctx(), &mut doc).expect("no error");
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Summary"]["properties"]["companyId"],
            json!({"$ref": "#/components/schemas/companyId"})
        );
        assert_eq!(
            schemas["companyId"],
            json!({"type": "string", "format": "uuid"})
        );
        // A reference to the parameter itself is not a schema's.
        assert_eq!(
            schemas["Summary"]["properties"]["param"],
            json!({"$ref": "#/components/parameters/companyId"})
        );
        assert_eq!(nested_schema("#/components/schemas/a"), None);
        assert_eq!(
            nested_schema("#/components/responses/ok/content/application~1json/schema"),
            Some("ok".into())
        );
    }

    #[test]
    fn fragments_are_decoded_and_references_into_paths_inlined() {
        let mut doc = json!({
            "paths": {
                "/v2/{id}": {"get": {"parameters": [{"name": "id", "in": "path"}]}},
                "/v2/{id}/keys": {"get": {"parameters": [
                    {"$ref": "#/paths/~1v2~1%7Bid%7D/get/parameters/0"},
                    {"$ref": "#/components/parameters/page"},
                    {"$ref": "#/paths/~1nowhere/get"},
                ]}},
            },
            "components": {
                // Data that looks like references stays as written.
                "schemas": {"a": {"example": {"$ref": "#/x%7B"}}},
                "examples": {"b c": {"value": {"$ref": "#/x%7B"}}},
                "responses": {"ok": {"content": {"application/json": {"examples": {
                    "one": {"$ref": "#/components/examples/b%20c"},
                }}}}},
            },
        });
        normalize(&mut ctx(), &mut doc).expect("no error");
        assert_eq!(
            doc["paths"]["/v2/{id}/keys"]["get"]["parameters"],
            json!([
                {"name": "id", "in": "path"},
                {"$ref": "#/components/parameters/page"},
                {"$ref": "#/paths/~1nowhere/get"},
            ])
        );
        assert_eq!(
            doc["components"]["schemas"]["a"]["example"],
            json!({"$ref": "#/x%7B"})
        );
        assert_eq!(
            doc["components"]["responses"]["ok"]["content"]["application/json"]["examples"]["one"],
            json!({"$ref": "#/components/examples/b c"})
        );
        assert_eq!(
            doc["components"]["examples"]["b c"]["value"],
            json!({"$ref": "#/x%7B"})
        );
    }

    #[test]
    fn only_local_references_are_decoded() {
        assert_eq!(decoded("#/a%20b"), Some("#/a b".to_string()));
        assert_eq!(decoded("#/a"), None);
        assert_eq!(decoded("other.yaml#/a%20b"), None);
    }

    #[test]
    fn a_reference_to_a_reference_into_paths_is_followed() {
        let mut doc = json!({
            "paths": {
                "/a": {"get": {"parameters": [{"$ref": "#/paths/~1b/get/parameters/0"}]}},
                "/b": {"get": {"parameters": [{"$ref": "#/paths/~1c/get/parameters/0"}]}},
                "/c": {"get": {"parameters": [{"name": "id", "in": "query"}]}},
            },
        });
        normalize(&mut ctx(), &mut doc).expect("no error");
        for path in ["/a", "/b"] {
            assert_eq!(
                doc["paths"][path]["get"]["parameters"][0],
                json!({"name": "id", "in": "query"}),
                "{path}"
            );
        }
    }

    #[test]
    fn a_reference_to_itself_ends() {
        let mut doc = json!({"paths": {"/a": {"get": {"$ref": "#/paths/~1a/get"}}}});
        normalize(&mut ctx(), &mut doc).expect("no error");
        assert_eq!(
            doc,
            json!({"paths": {"/a": {"get": {"$ref": "#/paths/~1a/get"}}}})
        );
    }
}
