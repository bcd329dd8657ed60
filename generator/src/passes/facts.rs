//! Facts about the API that progenitor ignores and the runtime needs: title, version and its
//! header, servers, authentication, the token's environment variable, and the request bodies
//! whose nullable fields need a third state.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::base::naming;
use crate::base::pointer::resolve;
use crate::load::context::{Ctx, R};
use crate::passes::operation_list::Op;

/// Collects the facts once the passes have run; the API-version header parameter is taken out
/// of every operation here.
pub(crate) fn collect(ctx: &mut Ctx<'_>, doc: &mut Value, ops: Vec<Op>) -> R<ApiFacts> {
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
    let token_env = match info
        .and_then(|i| i.get("x-token-env"))
        .and_then(Value::as_str)
    {
        Some(name) => name.to_string(),
        None => token_env_for(&title),
    };
    let servers = servers(ctx, doc)?;
    let bearer_auth = bearer_auth(doc);
    let nullable_body_fields = nullable_body_fields(doc, &ops);
    Ok(ApiFacts {
        title,
        api_version: header_default.unwrap_or(info_version),
        version_header,
        servers,
        bearer_auth,
        token_env,
        nullable_body_fields,
        fixed_fields: BTreeMap::new(),
        operations: ops.into_iter().map(|op| (op.id, op.pointer)).collect(),
        tagged_unions: Vec::new(),
    })
}

/// The token's environment variable for an API of this title: `Intercom API` reads
/// `INTERCOM_API_KEY`, `Swagger Petstore` reads `SWAGGER_PETSTORE_API_KEY`.
fn token_env_for(title: &str) -> String {
    let base = naming::shouty(title);
    if base.is_empty() {
        "API_KEY".to_string()
    } else if base.ends_with("_API") || base == "API" {
        format!("{base}_KEY")
    } else {
        format!("{base}_API_KEY")
    }
}

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
#[derive(Clone, Debug, Default)]
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
    /// The environment variable the client reads its token from: `info.x-token-env`, else one
    /// named after the title.
    pub token_env: String,
    /// For each component schema used as a JSON request body: its properties that are
    /// `nullable` and not required, which need three states (absent, null, value).
    pub nullable_body_fields: BTreeMap<String, BTreeSet<String>>,
    /// For each component schema, its required properties whose value the spec fixes (a
    /// one-value enum), with that value: a response that leaves one out decodes with it.
    pub fixed_fields: BTreeMap<String, BTreeMap<String, String>>,
    /// JSON pointer of each operation, keyed by operationId.
    pub operations: BTreeMap<String, String>,
    /// The component schemas whose alternatives a property (a `discriminator`) tells apart.
    pub tagged_unions: Vec<crate::passes::tagged_unions::TaggedUnion>,
}

pub(crate) fn value_as_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
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
        let variant = naming::pascal(&name);
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
                // `nullable` beside a `$ref` (as the wrapper pass writes a nullable reference
                // at an optional property), else on the schema itself or the one referenced.
                let nullable = |p: &Value| p.get("nullable").and_then(Value::as_bool) == Some(true);
                !required.contains(k.as_str())
                    && (nullable(p) || resolve(doc, p).is_some_and(nullable))
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
    fn token_env_is_named_after_the_title() {
        assert_eq!(token_env_for("Intercom API"), "INTERCOM_API_KEY");
        assert_eq!(
            token_env_for("Swagger Petstore"),
            "SWAGGER_PETSTORE_API_KEY"
        );
        assert_eq!(token_env_for(""), "API_KEY");
    }
}
