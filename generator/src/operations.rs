//! The operations of a spec: listing them with their pointers, naming those without an
//! operationId, and the checks each needs before generation (path parameters, body media types).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::ctx::{Ctx, R};
use crate::naming;
use crate::pointer::{escape_token, resolve};

/// HTTP methods an OpenAPI path item may hold, in the order progenitor visits them.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Request body media types progenitor can generate.
const BODY_TYPES: [&str; 4] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
];

/// An operation found under `paths`.
pub(crate) struct Op {
    pub id: String,
    pub path: String,
    pub pointer: String,
}

/// Lists operations, fills in missing operationIds and rejects duplicates (also after the
/// snake_case conversion that names the generated methods).
pub(crate) fn operations(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<Vec<Op>> {
    let mut ops = Vec::new();
    let mut seen: BTreeMap<String, (String, String)> = BTreeMap::new();
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for path in paths {
        let item_ptr = format!("/paths/{}", escape_token(&path));
        if !path.starts_with('/') {
            return Err(ctx.error(&item_ptr, format!("path `{path}` does not start with `/`")));
        }
        let Some(item) = doc["paths"][&path].as_object_mut() else {
            return Err(ctx.error(&item_ptr, "path item is not a mapping"));
        };
        if item.contains_key("$ref") {
            return Err(ctx.error(
                &item_ptr,
                "path item references (`$ref` under `paths`) are not supported",
            ));
        }
        for method in METHODS {
            let Some(op) = item.get_mut(method) else {
                continue;
            };
            let pointer = format!("{item_ptr}/{method}");
            let Some(op) = op.as_object_mut() else {
                return Err(ctx.error(&pointer, "operation is not a mapping"));
            };
            let id = match op.get("operationId") {
                Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
                Some(Value::String(_)) | Some(_) => {
                    return Err(ctx.error(
                        &format!("{pointer}/operationId"),
                        "operationId is not a non-empty string",
                    ));
                }
                None => {
                    let made = synth_operation_id(method, &path);
                    ctx.warn(
                        &pointer,
                        format!("operation has no operationId; named `{made}`"),
                    )?;
                    op.insert("operationId".into(), Value::String(made.clone()));
                    made
                }
            };
            let mut id = id;
            let key = naming::snake(&id);
            if let Some((first_id, first)) = seen.get(&key) {
                if *first_id == id {
                    return Err(ctx.error(
                        &format!("{pointer}/operationId"),
                        format!("operationId `{id}` is used again; it is first used at #{first}"),
                    ));
                }
                // Different ids that sanitise alike: a suffix keeps both operations.
                let mut n = 2;
                while seen.contains_key(&format!("{key}_{n}")) {
                    n += 1;
                }
                let renamed = format!("{key}_{n}");
                ctx.warn(
                    &format!("{pointer}/operationId"),
                    format!(
                        "operationId `{id}` names the same method as `{first_id}` (#{first}); generated as `{renamed}`"
                    ),
                )?;
                op.insert("operationId".into(), Value::String(renamed.clone()));
                id = renamed;
            }
            seen.insert(naming::snake(&id), (id.clone(), pointer.clone()));
            ops.push(Op {
                id,
                path: path.clone(),
                pointer,
            });
        }
    }
    Ok(ops)
}

fn synth_operation_id(method: &str, path: &str) -> String {
    let mut out = String::from(method);
    for part in path.split('/').filter(|p| !p.is_empty()) {
        out.push('_');
        let part = part.trim_start_matches('{').trim_end_matches('}');
        out.extend(part.chars().map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        }));
    }
    out
}

pub(crate) fn is_json(media: &str) -> bool {
    let m = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    m == "application/json" || m.ends_with("+json")
}

/// Request bodies must use a media type progenitor generates; where several are offered the
/// first supported one is kept.
pub(crate) fn check_bodies(ctx: &mut Ctx<'_>, doc: &mut Value, ops: &[Op]) -> R<()> {
    for op in ops {
        let at = format!("{}/requestBody/content", op.pointer);
        let Some(content) = doc.pointer_mut(&at).and_then(Value::as_object_mut) else {
            continue;
        };
        let keep = content
            .keys()
            .find(|m| BODY_TYPES.contains(&m.as_str()))
            .cloned();
        match keep {
            None => {
                let offered: Vec<&str> = content.keys().map(String::as_str).collect();
                return Err(ctx.error(
                    &at,
                    format!(
                        "request body media type {} is not supported (supported: {})",
                        offered
                            .iter()
                            .map(|m| format!("`{m}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        BODY_TYPES.join(", ")
                    ),
                ));
            }
            Some(keep) if content.len() > 1 => {
                content.retain(|m, _| *m == keep);
                ctx.warn(
                    &at,
                    format!("several request body media types; only `{keep}` is generated"),
                )?;
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Every `{name}` in a path needs a path parameter, and every path parameter a `{name}`.
pub(crate) fn check_path_params(ctx: &Ctx<'_>, doc: &Value, ops: &[Op]) -> R<()> {
    for op in ops {
        let mut template = BTreeSet::new();
        let mut rest = op.path.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                return Err(ctx.error(&op.pointer, format!("unclosed `{{` in path `{}`", op.path)));
            };
            template.insert(rest[open + 1..open + close].to_string());
            rest = &rest[open + close + 1..];
        }
        let item_ptr = op
            .pointer
            .rsplit_once('/')
            .map(|(p, _)| p)
            .unwrap_or_default();
        let mut declared = BTreeMap::new();
        for list_ptr in [
            format!("{item_ptr}/parameters"),
            format!("{}/parameters", op.pointer),
        ] {
            let Some(list) = doc.pointer(&list_ptr).and_then(Value::as_array) else {
                continue;
            };
            for (i, p) in list.iter().enumerate() {
                let Some(p) = resolve(doc, p) else { continue };
                if p.get("in").and_then(Value::as_str) == Some("path")
                    && let Some(name) = p.get("name").and_then(Value::as_str)
                {
                    declared.insert(name.to_string(), format!("{list_ptr}/{i}"));
                }
            }
        }
        if let Some(missing) = template.iter().find(|n| !declared.contains_key(*n)) {
            return Err(ctx.error(
                &op.pointer,
                format!("path `{}` uses `{{{missing}}}` but the operation declares no such path parameter", op.path),
            ));
        }
        if let Some((extra, at)) = declared.iter().find(|(n, _)| !template.contains(*n)) {
            return Err(ctx.error(
                at,
                format!(
                    "path parameter `{extra}` does not appear in path `{}`",
                    op.path
                ),
            ));
        }
    }
    Ok(())
}
