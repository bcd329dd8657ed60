//! The operations of a spec: listing them with their pointers, naming those without an
//! operationId, and the checks each needs before generation (path parameters, body media types).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::base::naming;
use crate::base::pointer::{escape_token, resolve};
use crate::load::context::{Ctx, R};
use crate::passes::skip::{self, METHODS};

/// Request body media types the generator can generate: progenitor types the first four, and
/// `multipart/form-data` is sent as the runtime's `Multipart`. `application/json` with
/// parameters is generated too.
const BODY_TYPES: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    MULTIPART,
];

/// The multipart media type, whose bodies progenitor does not see.
pub(crate) const MULTIPART: &str = "multipart/form-data";

/// An operation found under `paths`.
pub(crate) struct Op {
    pub id: String,
    pub path: String,
    pub pointer: String,
}

/// Lists operations, fills in missing operationIds and tells apart ids that name one method
/// (the same id twice, or ids alike after the snake_case conversion that names the methods).
/// A path item or operation that is not one is left out with a warning.
pub(crate) fn operations(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<Vec<Op>> {
    let mut ops = Vec::new();
    let mut seen: BTreeMap<String, (String, String)> = BTreeMap::new();
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for path in paths {
        let item_ptr = format!("/paths/{}", escape_token(&path));
        let problem = match doc["paths"][&path].as_object() {
            _ if !path.starts_with('/') => Some(format!("path `{path}` does not start with `/`")),
            None => Some("path item is not a mapping".to_string()),
            Some(item) if item.contains_key("$ref") => {
                Some("path item references (`$ref` under `paths`) are not supported".to_string())
            }
            Some(_) => None,
        };
        if let Some(problem) = problem {
            let ops = skip::operations_of_item(doc, &item_ptr);
            let named = ops
                .iter()
                .map(|op| skip::describe(doc, op))
                .collect::<Vec<_>>();
            let what = if named.is_empty() {
                String::new()
            } else {
                format!(" with operation(s) {}", named.join(", "))
            };
            ctx.warn(
                &item_ptr,
                format!("path item `{path}`{what} is left out: {problem}"),
            )?;
            skip::remove_path_item(doc, &item_ptr);
            continue;
        }
        for method in METHODS {
            let pointer = format!("{item_ptr}/{method}");
            let Some(op) = doc["paths"][&path].get(method) else {
                continue;
            };
            if !op.is_object() {
                skip::drop_operation(ctx, doc, &pointer, &pointer, "it is not a mapping")?;
                continue;
            }
            let Some(op) = doc["paths"][&path][method].as_object_mut() else {
                continue;
            };
            let id = match op.get("operationId") {
                Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
                given => {
                    let made = synth_operation_id(method, &path);
                    let (at, message) = match given {
                        None => (
                            pointer.clone(),
                            format!("operation has no operationId; named `{made}`"),
                        ),
                        Some(_) => (
                            format!("{pointer}/operationId"),
                            format!("operationId is not a non-empty string; named `{made}`"),
                        ),
                    };
                    ctx.warn(&at, message)?;
                    op.insert("operationId".into(), Value::String(made.clone()));
                    made
                }
            };
            let mut id = id;
            let key = naming::snake(&id);
            if let Some((first_id, first)) = seen.get(&key) {
                // A suffix keeps both operations.
                let mut n = 2;
                while seen.contains_key(&format!("{key}_{n}")) {
                    n += 1;
                }
                let renamed = format!("{key}_{n}");
                let what = if *first_id == id {
                    format!("operationId `{id}` is used again (first at #{first})")
                } else {
                    format!("operationId `{id}` names the same method as `{first_id}` (#{first})")
                };
                ctx.warn(
                    &format!("{pointer}/operationId"),
                    format!("{what}; generated as `{renamed}`"),
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

/// Each operation, and the parameter list of its path item, must read as OpenAPI 3.0; one that
/// does not is left out, located where the reading failed.
pub(crate) fn check_shapes(ctx: &mut Ctx<'_>, doc: &mut Value, ops: &mut Vec<Op>) -> R<()> {
    let mut bad = Vec::new();
    for op in ops.iter() {
        let item = op.pointer.rsplit_once('/').map_or("", |(i, _)| i);
        let list = format!("{item}/parameters");
        let failure = doc
            .pointer(&list)
            .and_then(|v| shape::<Vec<openapiv3::ReferenceOr<openapiv3::Parameter>>>(v, &list))
            .or_else(|| {
                doc.pointer(&op.pointer)
                    .and_then(|v| shape::<openapiv3::Operation>(v, &op.pointer))
            });
        if let Some((at, message)) = failure {
            bad.push((op.pointer.clone(), at, message));
        }
    }
    for (op, at, message) in bad {
        skip::drop_operation(
            ctx,
            doc,
            &op,
            &at,
            &format!("not valid OpenAPI 3.0 here: {message}"),
        )?;
        ops.retain(|o| o.pointer != op);
    }
    Ok(())
}

/// Where and why `value` (at `at`) does not read as `T`.
fn shape<T: serde::de::DeserializeOwned>(value: &Value, at: &str) -> Option<(String, String)> {
    let err = serde_path_to_error::deserialize::<_, T>(value.clone()).err()?;
    let mut pointer = at.to_string();
    for segment in err.path().iter() {
        use serde_path_to_error::Segment;
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => pointer.push_str(&format!("/{}", escape_token(key))),
            Segment::Enum { variant } => pointer.push_str(&format!("/{}", escape_token(variant))),
            Segment::Unknown => {}
        }
    }
    Some((pointer, err.inner().to_string()))
}

/// Every parameter must be one the client can send: in the path, query or a header, typed by a
/// `schema`, and a path parameter one value. An operation with another is left out. A path
/// parameter not marked required is made required, with a warning.
pub(crate) fn check_parameters(ctx: &mut Ctx<'_>, doc: &mut Value, ops: &mut Vec<Op>) -> R<()> {
    let mut bad = Vec::new();
    let mut optional_path = BTreeSet::new();
    for op in ops.iter() {
        let item = op.pointer.rsplit_once('/').map_or("", |(i, _)| i);
        'lists: for list_ptr in [
            format!("{item}/parameters"),
            format!("{}/parameters", op.pointer),
        ] {
            let Some(list) = doc.pointer(&list_ptr).and_then(Value::as_array) else {
                continue;
            };
            for (i, p) in list.iter().enumerate() {
                let at = format!("{list_ptr}/{i}");
                let Some(p) = resolve(doc, p) else { continue };
                let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
                let problem = if !matches!(location, "path" | "query" | "header") {
                    Some(format!(
                        "`{location}` parameters are not supported (parameter `{name}`)"
                    ))
                } else if p.get("schema").is_none() {
                    Some(format!(
                        "parameter `{name}` has no `schema` to type it (`content` parameters are not supported)"
                    ))
                } else if location == "path"
                    && let Some(kind) = p.get("schema").and_then(|s| unsendable_in_path(doc, s))
                {
                    Some(format!(
                        "path parameter `{name}` is {kind}, which one path segment cannot hold"
                    ))
                } else {
                    None
                };
                if let Some(problem) = problem {
                    bad.push((op.pointer.clone(), at, problem));
                    break 'lists;
                }
                if location == "path" && p.get("required").and_then(Value::as_bool) != Some(true) {
                    // The parameter itself, which may be a component shared by operations.
                    let target = list[i]
                        .get("$ref")
                        .and_then(Value::as_str)
                        .and_then(|r| r.strip_prefix('#'))
                        .map_or(at, str::to_string);
                    optional_path.insert((target, name.to_string()));
                }
            }
        }
    }
    for (at, name) in optional_path {
        ctx.warn(
            &at,
            format!("path parameter `{name}` is not marked `required: true`, as every path parameter is; generated as required"),
        )?;
        if let Some(p) = doc.pointer_mut(&at).and_then(Value::as_object_mut) {
            p.insert("required".into(), Value::Bool(true));
        }
    }
    for (op, at, problem) in bad {
        skip::drop_operation(ctx, doc, &op, &at, &problem)?;
        ops.retain(|o| o.pointer != op);
    }
    Ok(())
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

/// `application/json` with parameters (`application/json;version=2018-01-01`): sent as JSON
/// with the media type as written, which such APIs read (the type engine ignores parameters).
fn is_json_with_parameters(media: &str) -> bool {
    media
        .split_once(';')
        .is_some_and(|(essence, _)| essence.trim() == "application/json")
}

/// Whether a media type is JSON: `application/json` or `…+json`, with or without parameters.
pub(crate) fn is_json(media: &str) -> bool {
    let m = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    m == "application/json" || m.ends_with("+json")
}

/// What a path parameter's schema is when it is not a single value the client can write into
/// a path segment (a string, number, integer or boolean, or a free-form value): `an object`,
/// `a list`, `one of several schemas`.
fn unsendable_in_path(doc: &Value, schema: &Value) -> Option<&'static str> {
    // Through a chain of references (which the reference pass has checked resolve); a chain
    // longer than any sensible one is a cycle, given up on.
    let mut schema = schema;
    for _ in 0..32 {
        if schema.get("$ref").is_none() {
            break;
        }
        schema = resolve(doc, schema)?;
    }
    let kind = schema.get("type").and_then(Value::as_str);
    match kind {
        Some("object") => Some("an object"),
        Some("array") => Some("a list"),
        _ if schema.get("properties").is_some() => Some("an object"),
        None if ["oneOf", "anyOf", "allOf"]
            .iter()
            .any(|k| schema.get(*k).is_some()) =>
        {
            Some("one of several schemas")
        }
        _ => None,
    }
}

/// Request bodies must use a media type progenitor generates; where several are offered the
/// first supported one is kept, and an operation offering none is left out.
pub(crate) fn check_bodies(ctx: &mut Ctx<'_>, doc: &mut Value, ops: &mut Vec<Op>) -> R<()> {
    let mut unsupported = Vec::new();
    for op in ops.iter() {
        let at = format!("{}/requestBody/content", op.pointer);
        let Some(content) = doc.pointer_mut(&at).and_then(Value::as_object_mut) else {
            continue;
        };
        let keep = content
            .keys()
            .find(|m| BODY_TYPES.contains(&m.as_str()))
            .or_else(|| content.keys().find(|m| is_json_with_parameters(m)))
            .cloned();
        match keep {
            None => {
                let offered: Vec<String> = content.keys().map(|m| format!("`{m}`")).collect();
                unsupported.push((
                    op.pointer.clone(),
                    at,
                    format!(
                        "request body media type {} is not supported (supported: {})",
                        offered.join(", "),
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
    for (op, at, reason) in unsupported {
        skip::drop_operation(ctx, doc, &op, &at, &reason)?;
        ops.retain(|o| o.pointer != op);
    }
    Ok(())
}

/// Every `{name}` in a path needs a path parameter, and every path parameter a `{name}`. A
/// name the operation does not declare is declared as a required string; a declared one the
/// path does not use is taken out; an operation whose path does not parse is left out. Each is
/// a warning.
pub(crate) fn check_path_params(ctx: &mut Ctx<'_>, doc: &mut Value, ops: &mut Vec<Op>) -> R<()> {
    let mut unparsable = Vec::new();
    for op in ops.iter() {
        let Some(template) = template_names(&op.path) else {
            unparsable.push(op.pointer.clone());
            continue;
        };
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
                    declared.insert(name.to_string(), (list_ptr.clone(), i));
                }
            }
        }
        let extra: Vec<(String, (String, usize))> = declared
            .iter()
            .filter(|(n, _)| !template.contains(*n))
            .map(|(n, at)| (n.clone(), at.clone()))
            .collect();
        // Last index first, so that the earlier indexes stay valid.
        for (name, (list_ptr, i)) in extra.into_iter().rev() {
            ctx.warn(
                &format!("{list_ptr}/{i}"),
                format!(
                    "path parameter `{name}` does not appear in path `{}`; left out",
                    op.path
                ),
            )?;
            if let Some(list) = doc.pointer_mut(&list_ptr).and_then(Value::as_array_mut)
                && i < list.len()
            {
                list.remove(i);
            }
        }
        for missing in template.iter().filter(|n| !declared.contains_key(*n)) {
            ctx.warn(
                &op.pointer,
                format!(
                    "path `{}` uses `{{{missing}}}` but the operation declares no such path parameter; declared as a required string",
                    op.path
                ),
            )?;
            let Some(node) = doc.pointer_mut(&op.pointer).and_then(Value::as_object_mut) else {
                continue;
            };
            let list = node
                .entry("parameters")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Some(list) = list.as_array_mut() {
                list.push(serde_json::json!({
                    "name": missing,
                    "in": "path",
                    "required": true,
                    "schema": {"type": "string"}
                }));
            }
        }
    }
    for op in unparsable {
        let path = ops
            .iter()
            .find(|o| o.pointer == op)
            .map(|o| o.path.clone())
            .unwrap_or_default();
        skip::drop_operation(
            ctx,
            doc,
            &op,
            &op,
            &format!("unclosed `{{` in path `{path}`"),
        )?;
        ops.retain(|o| o.pointer != op);
    }
    Ok(())
}

/// The `{name}`s of a path template, or `None` when a brace is not closed.
fn template_names(path: &str) -> Option<BTreeSet<String>> {
    let mut names = BTreeSet::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}')?;
        names.insert(rest[open + 1..open + close].to_string());
        rest = &rest[open + close + 1..];
    }
    Some(names)
}
