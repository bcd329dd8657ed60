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
