//! Passes over the raw spec, before progenitor sees it: reject what cannot be generated, work
//! around what progenitor mishandles (each work-around is a located warning), and pull out what
//! progenitor ignores (servers, security, the API-version header).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::diag::{Diagnostic, Severity, escape_token};
use crate::load::SpecSource;

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

/// A server from the spec's `servers` list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    /// Base URL without a trailing slash, variables replaced by their defaults.
    pub url: String,
    /// The spec's description of the server.
    pub description: Option<String>,
    /// Rust variant name for the server in the generated `Region` enum.
    pub variant: String,
}

/// What the passes learn about the API beyond what progenitor generates.
#[derive(Clone, Debug)]
pub struct ApiFacts {
    /// `info.title`.
    pub title: String,
    /// The default value of the API-version header, else `info.version`.
    pub api_version: String,
    /// Name of the API-version header parameter removed from every operation, if any.
    pub version_header: Option<String>,
    /// Servers, in spec order.
    pub servers: Vec<Server>,
    /// Whether the spec declares HTTP bearer authentication.
    pub bearer_auth: bool,
    /// For each component schema used as a JSON request body: its properties that are
    /// `nullable` and not required, which need three states (absent, null, value).
    pub nullable_body_fields: BTreeMap<String, BTreeSet<String>>,
    /// JSON pointer of each operation, keyed by operationId.
    pub operations: BTreeMap<String, String>,
}

/// Shared state of the passes: the source for locations, strictness, and warnings so far.
pub(crate) struct Ctx<'a> {
    pub src: &'a SpecSource,
    pub strict: bool,
    pub warnings: Vec<Diagnostic>,
}

impl Ctx<'_> {
    pub fn error(&self, pointer: &str, message: impl Into<String>) -> Box<Diagnostic> {
        Box::new(self.src.diag(Severity::Error, pointer, message))
    }

    /// Records a worked-around problem; in strict mode it stops generation instead.
    pub fn warn(
        &mut self,
        pointer: &str,
        message: impl Into<String>,
    ) -> Result<(), Box<Diagnostic>> {
        if self.strict {
            return Err(self.error(pointer, message));
        }
        let d = self.src.diag(Severity::Warning, pointer, message);
        self.warnings.push(d);
        Ok(())
    }
}

type R<T> = Result<T, Box<Diagnostic>>;

/// Runs every pass over `doc` in place and returns what progenitor will not see.
pub(crate) fn prepare(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<ApiFacts> {
    check_version(ctx, doc)?;
    check_refs(ctx, doc)?;
    relax_nullable_components(doc);
    let ops = operations(ctx, doc)?;
    fix_schemas(ctx, doc)?;
    fix_responses(ctx, doc, &ops)?;
    unify_error_responses(doc, &ops);
    check_bodies(ctx, doc, &ops)?;
    check_path_params(ctx, doc, &ops)?;
    // Last of the schema passes, so that their warnings name the schemas as the file does.
    rename_colliding_components(ctx, doc)?;
    let (version_header, header_default) = strip_version_header(doc, &ops);
    let info = doc.get("info");
    let title = info
        .and_then(|i| i.get("title"))
        .and_then(Value::as_str)
        .unwrap_or("API")
        .to_string();
    let info_version = info
        .and_then(|i| i.get("version"))
        .and_then(value_as_string)
        .unwrap_or_default();
    let servers = servers(ctx, doc)?;
    let bearer_auth = bearer_auth(doc);
    let nullable_body_fields = nullable_body_fields(doc, &ops);
    Ok(ApiFacts {
        title,
        api_version: header_default.unwrap_or(info_version),
        version_header,
        servers,
        bearer_auth,
        nullable_body_fields,
        operations: ops.into_iter().map(|op| (op.id, op.pointer)).collect(),
    })
}

fn value_as_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn check_version(ctx: &Ctx<'_>, doc: &Value) -> R<()> {
    let Some(obj) = doc.as_object() else {
        return Err(ctx.error(
            "",
            "the document is not a mapping; expected an OpenAPI 3.0 description",
        ));
    };
    if let Some(v) = obj.get("swagger") {
        let v = value_as_string(v).unwrap_or_default();
        return Err(ctx.error(
            "/swagger",
            format!("Swagger {v} is not supported; convert the description to OpenAPI 3.0"),
        ));
    }
    let Some(version) = obj.get("openapi").and_then(value_as_string) else {
        return Err(ctx.error(
            "",
            "missing `openapi` version field; expected OpenAPI 3.0.x",
        ));
    };
    if !version.starts_with("3.0.") && version != "3.0" {
        return Err(ctx.error(
            "/openapi",
            format!("OpenAPI {version} is not supported; only OpenAPI 3.0.x is"),
        ));
    }
    for key in ["info", "paths"] {
        if !obj.get(key).is_some_and(Value::is_object) {
            return Err(ctx.error("", format!("missing `{key}` mapping")));
        }
    }
    Ok(())
}

/// Every `$ref` must be local and resolve. A schema `$ref` that points nowhere becomes a
/// free-form JSON value; any other broken reference is an error.
fn check_refs(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<()> {
    let mut refs = Vec::new();
    collect_refs(doc, &mut String::new(), &mut refs);
    for (at, target) in refs {
        let Some(local) = target.strip_prefix('#') else {
            return Err(ctx.error(
                &at,
                format!(
                    "external reference `{target}` is not supported; only `#/...` references are"
                ),
            ));
        };
        if doc.pointer(local).is_some() {
            continue;
        }
        let parent = at.strip_suffix("/$ref").unwrap_or(&at).to_string();
        if local.starts_with("/components/schemas/") {
            ctx.warn(
                &parent,
                format!("reference `{target}` points to nothing; typed as a free-form JSON value"),
            )?;
            if let Some(node) = doc.pointer_mut(&parent) {
                *node = Value::Object(Map::new());
            }
        } else {
            return Err(ctx.error(&parent, format!("reference `{target}` points to nothing")));
        }
    }
    Ok(())
}

fn collect_refs(v: &Value, at: &mut String, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let len = at.len();
                at.push('/');
                at.push_str(&escape_token(k));
                if k == "$ref" {
                    if let Value::String(target) = child {
                        out.push((at.clone(), target.clone()));
                    }
                } else {
                    collect_refs(child, at, out);
                }
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = at.len();
                at.push('/');
                at.push_str(&i.to_string());
                collect_refs(child, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// Component schemas whose names give the same Rust type name (`contact_tags`, `ContactTags`)
/// would become one type twice; later ones are renamed with a numeric suffix and every `$ref`
/// to them follows.
fn rename_colliding_components(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<()> {
    let Some(names) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect::<Vec<_>>())
    else {
        return Ok(());
    };
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut renames = Vec::new();
    for name in &names {
        let rust = pascal_case(name);
        if taken.insert(rust.clone()) {
            continue;
        }
        let mut n = 2;
        while taken.contains(&format!("{rust}{n}")) || names.contains(&format!("{name}_{n}")) {
            n += 1;
        }
        taken.insert(format!("{rust}{n}"));
        renames.push((name.clone(), format!("{name}_{n}")));
    }
    for (old, new) in renames {
        let at = format!("/components/schemas/{}", escape_token(&old));
        ctx.warn(
            &at,
            format!("schema name `{old}` gives the same Rust type name as another schema; generated as `{}`", pascal_case(&new)),
        )?;
        if let Some(schemas) = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            && let Some(schema) = schemas.remove(&old)
        {
            schemas.insert(new.clone(), schema);
        }
        let from = format!("#/components/schemas/{}", escape_token(&old));
        let to = format!("#/components/schemas/{}", escape_token(&new));
        retarget_refs(doc, &from, &to);
    }
    Ok(())
}

fn retarget_refs(v: &mut Value, from: &str, to: &str) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if k == "$ref" && child.as_str() == Some(from) {
                    *child = Value::String(to.to_string());
                } else {
                    retarget_refs(child, from, to);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|c| retarget_refs(c, from, to)),
        _ => {}
    }
}

/// A `nullable` component schema referenced only from optional properties gains nothing from
/// `nullable`: the optional field is already an `Option` and decodes `null` as `None`. Dropping
/// it spares callers an `Option` of a newtype of an `Option`.
fn relax_nullable_components(doc: &mut Value) {
    let Some(names) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect::<Vec<_>>())
    else {
        return;
    };
    let mut refs = Vec::new();
    collect_refs(doc, &mut String::new(), &mut refs);
    for name in names {
        let at = format!("/components/schemas/{}", escape_token(&name));
        let is_nullable_object = doc.pointer(&at).is_some_and(|s| {
            s.get("nullable").and_then(Value::as_bool) == Some(true)
                && (s.get("type").and_then(Value::as_str) == Some("object")
                    || s.get("properties").is_some())
        });
        if !is_nullable_object {
            continue;
        }
        let target = format!("#{at}");
        let all_optional = refs.iter().filter(|(_, t)| *t == target).all(|(ptr, _)| {
            let Some(prop_ptr) = ptr.strip_suffix("/$ref") else {
                return false;
            };
            let Some((props_ptr, prop)) = prop_ptr.rsplit_once('/') else {
                return false;
            };
            let Some(schema_ptr) = props_ptr.strip_suffix("/properties") else {
                return false;
            };
            let prop = prop.replace("~1", "/").replace("~0", "~");
            let required = doc
                .pointer(&format!("{schema_ptr}/required"))
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|v| v.as_str() == Some(prop.as_str())));
            !required
        });
        if all_optional && let Some(schema) = doc.pointer_mut(&at).and_then(Value::as_object_mut) {
            schema.remove("nullable");
        }
    }
}

/// An operation found under `paths`.
pub(crate) struct Op {
    pub id: String,
    pub path: String,
    pub pointer: String,
}

/// Lists operations, fills in missing operationIds and rejects duplicates (also after the
/// snake_case conversion that names the generated methods).
fn operations(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<Vec<Op>> {
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
            let key = snake_case(&id);
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
            seen.insert(snake_case(&id), (id.clone(), pointer.clone()));
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

/// snake_case as progenitor and typify apply it to method and field names.
pub(crate) fn snake_case(s: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower {
                out.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    out.trim_end_matches('_').to_string()
}

/// Pointers of every schema node in the document, parents before children.
fn schema_pointers(doc: &Value) -> Vec<String> {
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
    let mut holders = Vec::new();
    find_schema_holders(doc, &mut String::new(), &mut holders, false);
    roots.extend(holders);
    let mut out = Vec::new();
    for root in roots {
        walk_schema(doc, &root, &mut out);
    }
    out
}

fn find_schema_holders(
    v: &Value,
    at: &mut String,
    out: &mut Vec<String>,
    in_components_schemas: bool,
) {
    let Value::Object(map) = v else {
        if let Value::Array(items) = v {
            for (i, child) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                find_schema_holders(child, at, out, false);
                at.truncate(len);
            }
        }
        return;
    };
    for (k, child) in map {
        let len = at.len();
        at.push('/');
        at.push_str(&escape_token(k));
        if at == "/components/schemas" || in_components_schemas {
            // Component schemas are roots of their own; examples are data, not schemas.
        } else if k == "schema" && child.is_object() {
            out.push(at.clone());
        } else if k != "example" && k != "examples" {
            find_schema_holders(child, at, out, false);
        }
        at.truncate(len);
    }
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

/// Schema-level work-arounds.
///
/// - `format: uuid` and the date formats are dropped: the values stay strings.
/// - `format: uuid` and the date formats are dropped: the values stay strings.
/// - `title` is dropped: types are named after their component or their place, so a title can
///   neither collide with another name nor make progenitor emit a `nullable` schema twice.
/// - `type: array` without `items` gets `items: {}` (free-form elements).
/// - An enum whose values cannot all become distinct Rust variants is typed as its base type.
fn fix_schemas(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<()> {
    for at in schema_pointers(doc) {
        let Some(node) = doc.pointer_mut(&at).and_then(Value::as_object_mut) else {
            continue;
        };
        node.remove("title");
        // These formats map to types of crates the client does not depend on (uuid, chrono);
        // the values stay strings, which also keeps ids that are not really UUIDs decodable.
        if matches!(
            node.get("format").and_then(Value::as_str),
            Some("uuid" | "date-time" | "date" | "time")
        ) {
            node.remove("format");
        }
        if node.get("type").and_then(Value::as_str) == Some("array") && !node.contains_key("items")
        {
            node.insert("items".into(), Value::Object(Map::new()));
            ctx.warn(
                &at,
                "`type: array` without `items`; elements typed as free-form JSON values",
            )?;
        }
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            let mut seen: BTreeMap<String, (&String, usize)> = BTreeMap::new();
            let mut collisions = Vec::new();
            for name in props.keys() {
                let field = snake_case(name);
                match seen.get_mut(&field) {
                    Some((first, count)) => {
                        *count += 1;
                        collisions.push((
                            name.clone(),
                            (*first).clone(),
                            format!("{field}_{count}"),
                        ));
                    }
                    None => {
                        seen.insert(field, (name, 1));
                    }
                }
            }
            for (name, first, renamed) in collisions {
                ctx.warn(
                    &format!("{at}/properties/{}", escape_token(&name)),
                    format!("property `{name}` gives the same Rust field name as `{first}`; generated as `{renamed}`"),
                )?;
            }
        }
        if let Some(values) = node.get("enum").and_then(Value::as_array)
            && let Some(reason) = enum_problem(values)
        {
            node.remove("enum");
            ctx.warn(
                &format!("{at}/enum"),
                format!("{reason}; typed as a plain value without the enum"),
            )?;
        }
    }
    Ok(())
}

fn enum_problem(values: &[Value]) -> Option<String> {
    let mut names = BTreeSet::new();
    for v in values {
        let Value::String(s) = v else { continue };
        let name: String = s
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            return Some(format!(
                "enum value `{s}` has no letter or digit to name a variant"
            ));
        }
        if !names.insert(name) {
            return Some(format!(
                "enum value `{s}` names the same variant as another value"
            ));
        }
    }
    None
}

/// A JSON response without a schema is given a free-form one.
fn fix_responses(ctx: &mut Ctx<'_>, doc: &mut Value, ops: &[Op]) -> R<()> {
    let mut holders = Vec::new();
    for op in ops {
        if let Some(responses) = doc
            .pointer(&format!("{}/responses", op.pointer))
            .and_then(Value::as_object)
        {
            for status in responses.keys() {
                holders.push(format!("{}/responses/{}", op.pointer, escape_token(status)));
            }
        }
    }
    if let Some(responses) = doc
        .pointer("/components/responses")
        .and_then(Value::as_object)
    {
        for name in responses.keys() {
            holders.push(format!("/components/responses/{}", escape_token(name)));
        }
    }
    for at in holders {
        let Some(content) = doc
            .pointer_mut(&format!("{at}/content"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for (media, body) in content.iter_mut() {
            if !is_json(media) {
                continue;
            }
            let Some(body) = body.as_object_mut() else {
                continue;
            };
            if !body.contains_key("schema") {
                body.insert("schema".into(), Value::Object(Map::new()));
                let p = format!("{at}/content/{}", escape_token(media));
                ctx.warn(
                    &p,
                    "JSON response without a schema; typed as a free-form JSON value",
                )?;
            }
        }
    }
    Ok(())
}

/// progenitor needs one type for all error responses of an operation. The runtime decodes every
/// error body itself (as Intercom's error list, else an excerpt), so where an operation's error
/// responses disagree their bodies are dropped from what progenitor sees.
fn unify_error_responses(doc: &mut Value, ops: &[Op]) {
    for op in ops {
        let at = format!("{}/responses", op.pointer);
        let Some(responses) = doc.pointer(&at).and_then(Value::as_object) else {
            continue;
        };
        let mut kinds = BTreeSet::new();
        for (status, r) in responses {
            if status.starts_with('2') {
                continue;
            }
            let r = resolve(doc, r).unwrap_or(r);
            kinds.insert(r.get("content").map(Value::to_string).unwrap_or_default());
        }
        if kinds.len() <= 1 {
            continue;
        }
        let Some(responses) = doc.pointer_mut(&at).and_then(Value::as_object_mut) else {
            continue;
        };
        for (status, r) in responses.iter_mut() {
            if !status.starts_with('2') {
                *r = serde_json::json!({ "description": "error" });
            }
        }
    }
}

fn is_json(media: &str) -> bool {
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
fn check_bodies(ctx: &mut Ctx<'_>, doc: &mut Value, ops: &[Op]) -> R<()> {
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

/// Resolves a parameter (possibly a `$ref`) to its object.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> Option<&'a Value> {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.pointer(r.strip_prefix('#')?),
        None => Some(v),
    }
}

/// Every `{name}` in a path needs a path parameter, and every path parameter a `{name}`.
fn check_path_params(ctx: &Ctx<'_>, doc: &Value, ops: &[Op]) -> R<()> {
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

/// Removes the API-version header parameter (a header parameter whose name ends in `version`)
/// from every operation: the client runtime sends it on every request, with the spec's default
/// as its default. Returns the header name and the default, if any.
fn strip_version_header(doc: &mut Value, ops: &[Op]) -> (Option<String>, Option<String>) {
    let mut name = None;
    let mut default = None;
    let snapshot = doc.clone();
    let is_version_header = |p: &Value| {
        let p = resolve(&snapshot, p)?;
        if p.get("in").and_then(Value::as_str) != Some("header") {
            return None;
        }
        let n = p.get("name").and_then(Value::as_str)?;
        if !n.to_ascii_lowercase().ends_with("version") {
            return None;
        }
        let schema = p.get("schema").and_then(|s| resolve(&snapshot, s));
        let d = schema
            .and_then(|s| s.get("default").or_else(|| s.get("example")))
            .and_then(value_as_string);
        Some((n.to_string(), d))
    };
    let mut lists = Vec::new();
    for op in ops {
        let item_ptr = op
            .pointer
            .rsplit_once('/')
            .map(|(p, _)| p.to_string())
            .unwrap_or_default();
        lists.push(format!("{item_ptr}/parameters"));
        lists.push(format!("{}/parameters", op.pointer));
    }
    lists.sort();
    lists.dedup();
    for list_ptr in lists {
        let Some(list) = doc.pointer_mut(&list_ptr).and_then(Value::as_array_mut) else {
            continue;
        };
        list.retain(|p| match is_version_header(p) {
            Some((n, d)) => {
                name.get_or_insert(n);
                if default.is_none() {
                    default = d;
                }
                false
            }
            None => true,
        });
    }
    (name, default)
}

fn servers(ctx: &mut Ctx<'_>, doc: &Value) -> R<Vec<Server>> {
    let mut out: Vec<Server> = Vec::new();
    let Some(list) = doc.get("servers").and_then(Value::as_array) else {
        return Ok(out);
    };
    for (i, s) in list.iter().enumerate() {
        let at = format!("/servers/{i}");
        let Some(mut url) = s.get("url").and_then(Value::as_str).map(str::to_string) else {
            return Err(ctx.error(&at, "server has no `url`"));
        };
        if let Some(vars) = s.get("variables").and_then(Value::as_object) {
            for (k, v) in vars {
                let d = v
                    .get("default")
                    .and_then(value_as_string)
                    .unwrap_or_default();
                url = url.replace(&format!("{{{k}}}"), &d);
            }
        }
        let url = url.trim_end_matches('/').to_string();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            ctx.warn(
                &format!("{at}/url"),
                format!("server url `{url}` is not absolute; left out of `Region`"),
            )?;
            continue;
        }
        let name = s
            .get("x-region")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("server{}", i + 1));
        let variant = pascal_case(&name);
        if variant.is_empty() || out.iter().any(|o| o.variant == variant) {
            return Err(ctx.error(&at, format!("server name `{name}` is empty or used twice")));
        }
        out.push(Server {
            url,
            description: s
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string),
            variant,
        });
    }
    Ok(out)
}

pub(crate) fn pascal_case(s: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'S');
    }
    out
}

fn bearer_auth(doc: &Value) -> bool {
    doc.pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .is_some_and(|schemes| {
            schemes.values().any(|s| {
                s.get("type").and_then(Value::as_str) == Some("http")
                    && s.get("scheme")
                        .and_then(Value::as_str)
                        .map(str::to_ascii_lowercase)
                        .as_deref()
                        == Some("bearer")
            })
        })
}

/// For each component schema used as a JSON request body, the properties that are nullable but
/// not required.
fn nullable_body_fields(doc: &Value, ops: &[Op]) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for op in ops {
        let Some(body) = doc
            .pointer(&format!("{}/requestBody", op.pointer))
            .and_then(|b| resolve(doc, b))
        else {
            continue;
        };
        let Some(r) = body
            .pointer("/content/application~1json/schema/$ref")
            .and_then(Value::as_str)
        else {
            continue;
        };
        let Some(name) = r.strip_prefix("#/components/schemas/") else {
            continue;
        };
        let Some(schema) = doc.pointer(&r[1..]) else {
            continue;
        };
        let required: BTreeSet<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(props) = schema.get("properties").and_then(Value::as_object) else {
            continue;
        };
        let fields: BTreeSet<String> = props
            .iter()
            .filter(|(k, p)| {
                !required.contains(k.as_str())
                    && resolve(doc, p)
                        .and_then(|p| p.get("nullable"))
                        .and_then(Value::as_bool)
                        == Some(true)
            })
            .map(|(k, _)| k.clone())
            .collect();
        if !fields.is_empty() {
            out.insert(name.to_string(), fields);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_matches_method_names() {
        assert_eq!(snake_case("ShowContact"), "show_contact");
        assert_eq!(
            snake_case("detachTagFromContact"),
            "detach_tag_from_contact"
        );
        assert_eq!(snake_case("get_contacts-id"), "get_contacts_id");
    }

    #[test]
    fn pascal_case_names_variants() {
        assert_eq!(pascal_case("us"), "Us");
        assert_eq!(pascal_case("server1"), "Server1");
        assert_eq!(pascal_case("eu-west"), "EuWest");
    }

    #[test]
    fn punctuation_enum_is_a_problem() {
        let v: Vec<Value> = ["=", "!="]
            .iter()
            .map(|s| Value::String((*s).into()))
            .collect();
        assert!(enum_problem(&v).is_some());
        let v: Vec<Value> = ["user", "lead"]
            .iter()
            .map(|s| Value::String((*s).into()))
            .collect();
        assert!(enum_problem(&v).is_none());
    }
}
