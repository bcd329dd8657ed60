//! An operation whose success responses are of different types is one progenitor cannot
//! generate (it asserts that they share one). Telling these apart from the spec, before the type
//! engine runs, leaves each out with a warning without running the engine again and again to
//! find it by halving the operations.
//!
//! The check is conservative: it names only JSON bodies that plainly differ (references to two
//! schemas, or a reference and an inline schema, or two inline schemas that differ beyond their
//! annotations). Whatever it lets through and the engine still refuses is found as before.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::base::pointer::escape_token;
use crate::load::context::{Ctx, R};
use crate::passes::operation_list::{Op, is_json};
use crate::passes::skip;
use crate::passes::wrappers::ANNOTATIONS;

/// Leaves out each operation among `ops` whose success responses have JSON bodies of different
/// schemas.
pub(crate) fn check(ctx: &mut Ctx<'_>, doc: &mut Value, ops: &mut Vec<Op>) -> R<()> {
    let mut bad = Vec::new();
    for op in ops.iter() {
        let Some(responses) = doc
            .pointer(&format!("{}/responses", op.pointer))
            .and_then(Value::as_object)
        else {
            continue;
        };
        let mut kinds = BTreeSet::new();
        let mut second = None;
        for (status, response) in responses {
            if !status.starts_with('2') {
                continue;
            }
            let Some(kind) = body_kind(doc, response) else {
                continue;
            };
            if kinds.insert(kind) && kinds.len() == 2 {
                second = Some(status.clone());
            }
        }
        if let Some(status) = second {
            bad.push((op.pointer.clone(), status));
        }
    }
    for (op, status) in bad {
        skip::drop_operation(
            ctx,
            doc,
            &op,
            &format!("{op}/responses/{}", escape_token(&status)),
            "its success responses have different types, which progenitor cannot generate",
        )?;
        ops.retain(|o| o.pointer != op);
    }
    Ok(())
}

/// What decides the type of a response's JSON body: the schema it refers to, or its inline
/// schema without annotations. `None` for a response without a JSON body, which this check
/// leaves to the engine.
fn body_kind(doc: &Value, response: &Value) -> Option<String> {
    let response = match response.get("$ref").and_then(Value::as_str) {
        Some(target) => doc.pointer(target.strip_prefix('#')?)?,
        None => response,
    };
    let content = response.get("content")?.as_object()?;
    let (_, body) = content.iter().find(|(media, _)| is_json(media))?;
    let schema = body.get("schema")?;
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        return Some(format!("ref {target}"));
    }
    let mut bare = schema.as_object()?.clone();
    bare.retain(|k, _| !ANNOTATIONS.contains(&k.as_str()));
    Some(format!("inline {}", Value::Object(bare)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::load::SpecSource;

    fn run(doc: &mut Value) -> (Vec<String>, Vec<String>) {
        let src = SpecSource::new("x.yaml", "openapi: 3.0.3\n");
        let mut ctx = Ctx::new(&src, false);
        let mut ops: Vec<Op> = doc["paths"]
            .as_object()
            .expect("paths")
            .iter()
            .map(|(path, _)| Op {
                id: path.trim_start_matches('/').to_string(),
                path: path.clone(),
                pointer: format!("/paths/{}/get", escape_token(path)),
            })
            .collect();
        check(&mut ctx, doc, &mut ops).expect("no error");
        (
            ops.into_iter().map(|o| o.id).collect(),
            ctx.warnings.into_iter().map(|w| w.pointer).collect(),
        )
    }

    fn json_body(schema: Value) -> Value {
        json!({"description": "d", "content": {"application/json": {"schema": schema}}})
    }

    #[test]
    fn success_bodies_of_different_schemas_leave_the_operation_out() {
        let a = json!({"$ref": "#/components/schemas/a"});
        let b = json!({"$ref": "#/components/schemas/b"});
        let inline = json!({"type": "object", "description": "one"});
        let same_inline = json!({"type": "object", "description": "two"});
        let mut doc = json!({
            "paths": {
                "/two_refs": {"get": {"responses": {"200": json_body(a.clone()), "201": json_body(b)}}},
                "/ref_and_inline": {"get": {"responses": {"200": json_body(a.clone()), "202": json_body(inline.clone())}}},
                "/same_ref": {"get": {"responses": {"200": json_body(a.clone()), "201": json_body(a.clone())}}},
                "/same_inline": {"get": {"responses": {"200": json_body(inline), "201": json_body(same_inline)}}},
                "/error_differs": {"get": {"responses": {"200": json_body(a.clone()), "404": json_body(json!({}))}}},
                "/shared": {"get": {"responses": {"200": json_body(a), "201": {"$ref": "#/components/responses/other"}}}},
            },
            "components": {"responses": {"other": json_body(json!({"type": "string"}))}},
        });
        let (kept, warned) = run(&mut doc);
        assert_eq!(kept, ["error_differs", "same_inline", "same_ref"]);
        assert_eq!(
            warned,
            [
                "/paths/~1ref_and_inline/get/responses/202",
                "/paths/~1shared/get/responses/201",
                "/paths/~1two_refs/get/responses/201",
            ]
        );
    }
}
