//! What the spec as written (before the passes that make the client lenient) says each
//! operation takes and answers: its declared parameters, body and success answer, with their
//! schemas in JSON Schema's dialect, and the component schemas. This is the data the mock
//! server serves, so the server validates what the spec says.

use intercom_contract::mock::{
    Echo, MockBody, MockOperation, MockParam, MockResponse, MockSpec, ParamIn,
};
use serde_json::Value;

use crate::base::pointer::{escape_token, resolve};
use crate::model::operation::{Location, Operation, Success};
use crate::model::{examples, json_schema};
use crate::passes::facts::ApiFacts;
use crate::passes::operation_list::is_json;

/// What `raw` (the spec as read) says of each of `operations`.
pub(crate) fn spec(raw: &Value, facts: &ApiFacts, operations: &[Operation]) -> MockSpec {
    let mut version_header = None;
    let ops = operations
        .iter()
        .map(|op| {
            let mut parameters = Vec::new();
            for p in declared_params(raw, &op.pointer) {
                let Some(param) = param(raw, p) else { continue };
                if param.location == ParamIn::Header
                    && facts.version_header.as_deref() == Some(param.name.as_str())
                {
                    version_header.get_or_insert(param);
                } else {
                    parameters.push(param);
                }
            }
            let item = raw.pointer(&op.pointer);
            MockOperation::new(
                op.id.clone(),
                op.ident.to_string(),
                op.method.as_str().to_string(),
                op.path.clone(),
                parameters,
                body(raw, op, item),
                response(raw, op, item),
            )
        })
        .collect();
    MockSpec::new(
        facts.bearer_auth,
        version_header,
        ops,
        json_schema::defs(raw),
    )
}

/// The parameters an operation declares, references resolved; operation-level ones replace
/// path-level ones of the same name and location.
fn declared_params<'a>(raw: &'a Value, pointer: &str) -> Vec<&'a Value> {
    let item_ptr = pointer.rsplit_once('/').map_or("", |(p, _)| p);
    let mut out: Vec<&Value> = Vec::new();
    for list in [
        raw.pointer(&format!("{item_ptr}/parameters")),
        raw.pointer(&format!("{pointer}/parameters")),
    ] {
        for p in list.and_then(Value::as_array).into_iter().flatten() {
            let Some(p) = resolve(raw, p) else { continue };
            let key = |v: &Value| (v.get("name").cloned(), v.get("in").cloned());
            out.retain(|q| key(q) != key(p));
            out.push(p);
        }
    }
    out
}

/// A declared parameter of a location the mock routes (path, query, header).
fn param(raw: &Value, p: &Value) -> Option<MockParam> {
    let name = p.get("name").and_then(Value::as_str)?;
    let location = match p.get("in").and_then(Value::as_str)? {
        "path" => ParamIn::Path,
        "query" => ParamIn::Query,
        "header" => ParamIn::Header,
        _ => return None,
    };
    Some(MockParam::new(
        name.to_string(),
        location,
        location == ParamIn::Path || p.get("required") == Some(&Value::Bool(true)),
        p.get("schema").map(|s| json_schema::convert(raw, s)),
    ))
}

fn body(raw: &Value, op: &Operation, item: Option<&Value>) -> Option<MockBody> {
    let model = op.body.as_ref()?;
    let body = item
        .and_then(|i| i.get("requestBody"))
        .and_then(|b| resolve(raw, b))?;
    let schema = body
        .get("content")
        .and_then(|c| c.get(&model.media_type))
        .and_then(|m| m.get("schema"))
        .map(|s| json_schema::convert(raw, s));
    Some(MockBody::new(
        model.media_type.clone(),
        body.get("required") == Some(&Value::Bool(true)),
        schema,
    ))
}

/// The success answer: the first 2xx status (else 200), its example (or a value built from its
/// schema), and the members the path parameters are copied into.
fn response(raw: &Value, op: &Operation, item: Option<&Value>) -> MockResponse {
    let responses = item
        .and_then(|i| i.get("responses"))
        .and_then(Value::as_object);
    let (status, declared) = responses
        .and_then(|r| {
            r.iter()
                .find(|(status, _)| status.len() == 3 && status.starts_with('2'))
                .map(|(status, r)| (status.parse::<u16>().unwrap_or(200), Some(r)))
        })
        .or_else(|| {
            responses
                .and_then(|r| r.get("2XX").or_else(|| r.get("default")))
                .map(|r| (200, Some(r)))
        })
        .unwrap_or((200, None));
    let content = declared
        .and_then(|r| resolve(raw, r))
        .and_then(|r| r.get("content"))
        .and_then(Value::as_object);
    let media = content.and_then(|c| {
        c.iter()
            .find(|(m, _)| is_json(m))
            .or_else(|| c.iter().next())
    });
    match (&op.success, media) {
        (Success::Empty, _) | (_, None) => MockResponse::new(status, None, None, Vec::new()),
        (Success::Json(_), Some((media_type, media))) => {
            let body = examples::of_media(raw, media);
            let echo = echo(raw, op, media.get("schema"), &body);
            MockResponse::new(status, Some(media_type.clone()), Some(body), echo)
        }
        (Success::Bytes, Some((media_type, media))) => {
            let body = match examples::of_media(raw, media) {
                Value::String(s) => s,
                Value::Null => String::new(),
                other => other.to_string(),
            };
            MockResponse::new(
                status,
                Some(media_type.clone()),
                Some(Value::String(body)),
                Vec::new(),
            )
        }
    }
}

/// Where the path parameters go in the answer: a top-level member of the same name, and `id`
/// for the parameter that ends the path (`/contacts/{contact_id}/tags/{tag_id}` answers the tag
/// `tag_id`). Only text members take a parameter: a member the answer gives as a number
/// (`ticket_type_id: 22`) keeps its value, which the path's text may not fit.
fn echo(raw: &Value, op: &Operation, schema: Option<&Value>, body: &Value) -> Vec<Echo> {
    let Some(members) = body.as_object() else {
        return Vec::new();
    };
    let properties = schema
        .map(|s| top_level_properties(raw, s))
        .unwrap_or_default();
    let scalar = |name: &str| match members.get(name) {
        Some(v) => v.is_string(),
        None => properties
            .iter()
            .any(|(p, ty)| p == name && ty.as_deref().is_none_or(|t| t == "string")),
    };
    let path_params: Vec<&str> = op
        .params
        .iter()
        .filter(|p| p.location == Location::Path)
        .map(|p| p.api_name.as_str())
        .collect();
    let mut out: Vec<Echo> = path_params
        .iter()
        .filter(|name| scalar(name))
        .map(|name| Echo::new(name.to_string(), format!("/{}", escape_token(name))))
        .collect();
    let last = op
        .path
        .rsplit('/')
        .next()
        .and_then(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')));
    if let Some(last) = last
        && path_params.contains(&last)
        && scalar("id")
        && !out.iter().any(|e| e.pointer == "/id")
    {
        out.push(Echo::new(last.to_string(), "/id".to_string()));
    }
    out
}

/// The property names an object schema declares at its top level, through references and
/// `allOf`, each with its `type` where it says one.
fn top_level_properties(raw: &Value, schema: &Value) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut todo = vec![schema];
    let mut seen = 0;
    while let Some(s) = todo.pop() {
        seen += 1;
        if seen > 64 {
            break;
        }
        let Some(s) = resolve(raw, s) else { continue };
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            out.extend(props.iter().map(|(name, p)| {
                let ty = resolve(raw, p)
                    .and_then(|p| p.get("type"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                (name.clone(), ty)
            }));
        }
        if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
            todo.extend(parts);
        }
    }
    out
}
