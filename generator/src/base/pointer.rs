//! JSON pointers (RFC 6901): escaping reference tokens, and the one walker over a document that
//! every pass uses to visit nodes with their pointers.

use serde_json::Value;

/// Escapes one JSON-pointer reference token.
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Reverses [`escape_token`].
pub(crate) fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `pointer` with one more reference token.
pub(crate) fn join(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}

/// Whether the walker goes into a node's children.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Walk {
    Descend,
    Skip,
}

/// Visits `value` and, unless the visitor says [`Walk::Skip`], its descendants, parents before
/// children, members in document order, each with its pointer relative to `value`.
pub(crate) fn walk(value: &Value, visit: &mut impl FnMut(&str, &Value) -> Walk) {
    fn go(at: &mut String, v: &Value, visit: &mut impl FnMut(&str, &Value) -> Walk) {
        if visit(at, v) == Walk::Skip {
            return;
        }
        let len = at.len();
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    at.push('/');
                    at.push_str(&escape_token(k));
                    go(at, child, visit);
                    at.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    at.push('/');
                    at.push_str(&i.to_string());
                    go(at, child, visit);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }
    go(&mut String::new(), value, visit);
}

/// [`walk`] with mutable access; the visitor runs before the children are visited, so it may
/// replace a node and the walker then visits the replacement's children.
pub(crate) fn walk_mut(value: &mut Value, visit: &mut impl FnMut(&str, &mut Value) -> Walk) {
    fn go(at: &mut String, v: &mut Value, visit: &mut impl FnMut(&str, &mut Value) -> Walk) {
        if visit(at, v) == Walk::Skip {
            return;
        }
        let len = at.len();
        match v {
            Value::Object(map) => {
                for (k, child) in map.iter_mut() {
                    at.push('/');
                    at.push_str(&escape_token(k));
                    go(at, child, visit);
                    at.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    at.push('/');
                    at.push_str(&i.to_string());
                    go(at, child, visit);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }
    go(&mut String::new(), value, visit);
}

/// Every `$ref` in the document: the pointer of the `$ref` member and its target.
pub(crate) fn refs(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(doc, &mut |at, v| {
        if let Some(target) = v.get("$ref").and_then(Value::as_str) {
            out.push((format!("{at}/$ref"), target.to_string()));
        }
        Walk::Descend
    });
    out
}

/// Points every `$ref` to `from` at `to` instead.
pub(crate) fn retarget_refs(doc: &mut Value, from: &str, to: &str) {
    walk_mut(doc, &mut |_, v| {
        if let Some(r) = v.get_mut("$ref")
            && r.as_str() == Some(from)
        {
            *r = Value::String(to.to_string());
        }
        Walk::Descend
    });
}

/// Resolves a local `$ref` node to its target; any other node is itself.
pub(crate) fn resolve<'a>(doc: &'a Value, v: &'a Value) -> Option<&'a Value> {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.pointer(r.strip_prefix('#')?),
        None => Some(v),
    }
}

/// Pointers of every schema node in the document, parents before children.
pub(crate) fn schema_pointers(doc: &Value) -> Vec<String> {
    let mut roots = Vec::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for k in schemas.keys() {
            roots.push(format!("/components/schemas/{}", escape_token(k)));
        }
    }
    // Schemas inside parameters, bodies, responses and headers, wherever they are declared.
    walk(doc, &mut |at, v| {
        if at == "/components/schemas" {
            return Walk::Skip;
        }
        // Examples are data, not schemas.
        if at.ends_with("/example") || at.ends_with("/examples") {
            return Walk::Skip;
        }
        if at.ends_with("/schema") && v.is_object() {
            roots.push(at.to_string());
            return Walk::Skip;
        }
        Walk::Descend
    });
    let mut out = Vec::new();
    for root in roots {
        walk_schema(doc, &root, &mut out);
    }
    out
}

fn walk_schema(doc: &Value, at: &str, out: &mut Vec<String>) {
    let Some(node) = doc.pointer(at).and_then(Value::as_object) else {
        return;
    };
    if node.contains_key("$ref") {
        return;
    }
    out.push(at.to_string());
    if let Some(props) = node.get("properties").and_then(Value::as_object) {
        for k in props.keys() {
            walk_schema(doc, &format!("{at}/properties/{}", escape_token(k)), out);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if node.get(key).is_some_and(Value::is_object) {
            walk_schema(doc, &format!("{at}/{key}"), out);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = node.get(key).and_then(Value::as_array) {
            for i in 0..list.len() {
                walk_schema(doc, &format!("{at}/{key}/{i}"), out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_token_escapes_slash_and_tilde() {
        assert_eq!(escape_token("/contacts/{id}"), "~1contacts~1{id}");
        assert_eq!(escape_token("a~b"), "a~0b");
        assert_eq!(unescape_token(&escape_token("a~/b")), "a~/b");
    }

    #[test]
    fn refs_are_found_with_their_pointers() {
        let doc = serde_json::json!({"a": [{"$ref": "#/x"}], "b~c": {"$ref": "#/y"}});
        assert_eq!(
            refs(&doc),
            [
                ("/a/0/$ref".to_string(), "#/x".to_string()),
                ("/b~0c/$ref".to_string(), "#/y".to_string())
            ]
        );
    }
}
