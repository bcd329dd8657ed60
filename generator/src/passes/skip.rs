//! Leaving one operation out: whatever cannot be generated for one operation drops that
//! operation with a located warning naming it, and the rest of the spec is generated. With
//! `strict` the warning is the error that stops generation.

use serde_json::Value;

use crate::base::pointer::unescape_token;
use crate::load::context::{Ctx, R};

/// HTTP methods an OpenAPI path item may hold, in the order progenitor visits them.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The path item and method of an operation pointer (`/paths/~1a/get` → `/paths/~1a`, `get`).
pub(crate) fn split(op_pointer: &str) -> Option<(&str, &str)> {
    let (item, method) = op_pointer.rsplit_once('/')?;
    let rest = item.strip_prefix("/paths/")?;
    (!rest.contains('/') && METHODS.contains(&method)).then_some((item, method))
}

/// The operation a pointer lies in (`/paths/~1a/get/responses/200` → `/paths/~1a/get`).
pub(crate) fn operation_of(pointer: &str) -> Option<String> {
    let mut tokens = pointer.split('/');
    let (Some(""), Some("paths"), Some(path), Some(method)) =
        (tokens.next(), tokens.next(), tokens.next(), tokens.next())
    else {
        return None;
    };
    METHODS
        .contains(&method)
        .then(|| format!("/paths/{path}/{method}"))
}

/// The operations of the path item at `item` (`/paths/~1a`), as pointers.
pub(crate) fn operations_of_item(doc: &Value, item: &str) -> Vec<String> {
    let Some(node) = doc.pointer(item).and_then(Value::as_object) else {
        return Vec::new();
    };
    METHODS
        .iter()
        .filter(|m| node.contains_key(**m))
        .map(|m| format!("{item}/{m}"))
        .collect()
}

/// How a warning names an operation: `` `createContact` (POST /contacts) ``, or the method and
/// path alone when it has no usable operationId.
pub(crate) fn describe(doc: &Value, op_pointer: &str) -> String {
    let Some((item, method)) = split(op_pointer) else {
        return format!("at #{op_pointer}");
    };
    let path = unescape_token(item.trim_start_matches("/paths/"));
    let what = format!("{} {path}", method.to_ascii_uppercase());
    match doc
        .pointer(&format!("{op_pointer}/operationId"))
        .and_then(Value::as_str)
        .filter(|id| !id.trim().is_empty())
    {
        Some(id) => format!("`{id}` ({what})"),
        None => what,
    }
}

/// Drops the operation at `op_pointer` from `doc`, warning at `at` (the node that is wrong,
/// inside or beside the operation) with `reason`. A path item left without operations goes too.
pub(crate) fn drop_operation(
    ctx: &mut Ctx<'_>,
    doc: &mut Value,
    op_pointer: &str,
    at: &str,
    reason: &str,
) -> R<()> {
    ctx.warn(
        at,
        format!(
            "operation {} is left out: {reason}",
            describe(doc, op_pointer)
        ),
    )?;
    remove_operation(doc, op_pointer);
    Ok(())
}

/// Removes an operation, and its path item when no operation is left in it.
pub(crate) fn remove_operation(doc: &mut Value, op_pointer: &str) {
    let Some((item, method)) = split(op_pointer) else {
        return;
    };
    let Some(node) = doc.pointer_mut(item).and_then(Value::as_object_mut) else {
        return;
    };
    node.remove(method);
    if !METHODS.iter().any(|m| node.contains_key(*m)) {
        remove_path_item(doc, item);
    }
}

/// Removes a whole path item.
pub(crate) fn remove_path_item(doc: &mut Value, item: &str) {
    let path = unescape_token(item.trim_start_matches("/paths/"));
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        paths.remove(&path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_inside_an_operation_name_it() {
        assert_eq!(
            operation_of("/paths/~1a~1{id}/get/responses/200").as_deref(),
            Some("/paths/~1a~1{id}/get")
        );
        assert_eq!(operation_of("/paths/~1a/parameters/0"), None);
        assert_eq!(operation_of("/components/schemas/a"), None);
        assert_eq!(split("/paths/~1a/post"), Some(("/paths/~1a", "post")));
        assert_eq!(split("/paths/~1a/servers"), None);
    }

    #[test]
    fn a_dropped_operation_takes_an_empty_path_item_with_it() {
        let mut doc = json!({"paths": {
            "/a": {"get": {"operationId": "getA"}, "post": {}},
            "/b": {"get": {}, "parameters": []}
        }});
        assert_eq!(describe(&doc, "/paths/~1a/get"), "`getA` (GET /a)");
        assert_eq!(describe(&doc, "/paths/~1a/post"), "POST /a");
        remove_operation(&mut doc, "/paths/~1a/get");
        remove_operation(&mut doc, "/paths/~1b/get");
        assert_eq!(doc, json!({"paths": {"/a": {"post": {}}}}));
    }
}
