//! OpenAPI Overlay 1.0: an ordered list of actions, each selecting nodes of the spec with a
//! JSONPath expression (RFC 9535) and updating or removing them.
//!
//! - `update` on a mapping merges into it: members of two mappings merge recursively, any other
//!   value replaces the member of its name.
//! - `update` on a list appends to it (each element, when the update is itself a list).
//! - `remove: true` removes each selected node from its parent; it wins over `update`.
//!
//! The file is checked whole before any action is applied; a file that is not an overlay is a
//! located error in that file. An action whose target selects nothing is a located warning (an
//! error with `strict`), at the action.

use serde_json::Value;
use serde_json_path::JsonPath;

use crate::base::diag::Severity;
use crate::load::SpecSource;
use crate::load::context::{Ctx, R};
use crate::load::provenance::{self, Prov};

/// One checked action.
struct Action<'a> {
    at: String,
    target: &'a str,
    path: JsonPath,
    update: Option<&'a Value>,
    remove: bool,
}

/// Applies the overlay in `source` (file number `file`) to `doc`, keeping `prov` in step.
pub(crate) fn apply(
    ctx: &mut Ctx<'_>,
    file: usize,
    source: &SpecSource,
    doc: &mut Value,
    prov: &mut Prov,
) -> R<()> {
    let overlay = source.parse()?;
    let actions = check(source, &overlay)?;
    for action in actions {
        let mut pointers: Vec<String> = action
            .path
            .query_located(doc)
            .locations()
            .map(|l| l.to_json_pointer())
            .collect();
        if pointers.is_empty() {
            ctx.warn_in(
                source,
                &action.at,
                format!(
                    "target `{}` matches nothing in the spec; the action changes nothing",
                    action.target
                ),
            )?;
            continue;
        }
        if action.remove {
            // Later list elements first, so that the indexes of earlier ones stay valid.
            pointers.sort_by_key(|p| std::cmp::Reverse(sort_key(p)));
            for p in pointers {
                if p.is_empty() {
                    ctx.warn_in(
                        source,
                        &format!("{}/target", action.at),
                        "the whole document cannot be removed; the action skips it",
                    )?;
                    continue;
                }
                provenance::remove(doc, prov, &p);
            }
            continue;
        }
        let Some(update) = action.update else {
            continue;
        };
        let from = Prov::of(update, file, &format!("{}/update", action.at));
        for p in pointers {
            let Some((target, origin)) = provenance::at_mut(doc, prov, &p) else {
                continue;
            };
            match (&*target, update) {
                (Value::Object(_), Value::Object(_)) => {
                    provenance::merge(target, origin, update, &from, false);
                }
                (Value::Array(_), _) => provenance::append(target, origin, update, &from),
                (Value::Object(_), _) => ctx.warn_in(
                    source,
                    &format!("{}/update", action.at),
                    format!("`update` of the mapping at #{p} is not a mapping; not applied there"),
                )?,
                _ => ctx.warn_in(
                    source,
                    &format!("{}/target", action.at),
                    format!(
                        "target selects #{p}, which is neither a mapping nor a list; not updated"
                    ),
                )?,
            }
        }
    }
    Ok(())
}

/// The pointer's tokens, list indexes compared as numbers.
fn sort_key(pointer: &str) -> Vec<(u8, usize, String)> {
    pointer
        .split('/')
        .map(|t| match t.parse::<usize>() {
            Ok(n) => (0, n, String::new()),
            Err(_) => (1, 0, t.to_string()),
        })
        .collect()
}

/// The overlay's actions, checked: version, `info`, and each action's target and operation.
fn check<'a>(source: &SpecSource, overlay: &'a Value) -> R<Vec<Action<'a>>> {
    let error = |at: &str, message: String| Box::new(source.diag(Severity::Error, at, message));
    let Some(root) = overlay.as_object() else {
        return Err(error(
            "",
            "an overlay is a mapping with `overlay`, `info` and `actions`".into(),
        ));
    };
    match root.get("overlay") {
        Some(Value::String(v)) if v == "1.0" || v.starts_with("1.0.") => {}
        Some(v) => {
            let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            return Err(error(
                "/overlay",
                format!("overlay version `{v}` is not supported; only Overlay 1.0.x is"),
            ));
        }
        None => {
            return Err(error(
                "",
                "missing `overlay` version field; expected an OpenAPI Overlay 1.0 document".into(),
            ));
        }
    }
    if !root.get("info").is_some_and(Value::is_object) {
        return Err(error("", "missing `info` mapping".into()));
    }
    let Some(list) = root.get("actions").and_then(Value::as_array) else {
        return Err(error("", "missing `actions` list".into()));
    };
    let mut actions = Vec::new();
    for (i, action) in list.iter().enumerate() {
        let at = format!("/actions/{i}");
        let Some(action) = action.as_object() else {
            return Err(error(
                &at,
                "an action is a mapping with `target` and `update` or `remove`".into(),
            ));
        };
        let Some(target) = action.get("target").and_then(Value::as_str) else {
            return Err(error(&at, "action has no `target` string".into()));
        };
        let path = JsonPath::parse(target).map_err(|e| {
            error(
                &format!("{at}/target"),
                format!("target `{target}` is not a JSONPath expression (RFC 9535): {e}"),
            )
        })?;
        let remove = match action.get("remove") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                return Err(error(
                    &format!("{at}/remove"),
                    "`remove` is not `true` or `false`".into(),
                ));
            }
        };
        let update = action.get("update");
        if !remove && update.is_none() {
            return Err(error(
                &at,
                "action has neither `update` nor `remove: true`".into(),
            ));
        }
        actions.push(Action {
            at,
            target,
            path,
            update,
            remove,
        });
    }
    Ok(actions)
}
