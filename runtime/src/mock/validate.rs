//! Checking a routed request against its operation, in the order Prism checks: the bearer
//! token (401), then the API-version header, the parameters and the body (400). Parameters are
//! read as the scalar their schema names and checked, like bodies, by the schema's compiled
//! JSON Schema validator; each problem becomes one entry naming its field.

use std::collections::BTreeMap;

use bytes::Bytes;
use hyper::HeaderMap;
use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::reply::{ErrorEntry, MockError};
use super::spec::{Operation, Param, ParamIn, Scalar, Spec};

/// At most this many entries in one 400 answer.
const MAX_ERRORS: usize = 10;

/// A request that passed validation, as an override sees it.
#[derive(Debug)]
pub struct Call {
    operation: String,
    params: BTreeMap<String, Value>,
    body: Option<Value>,
    raw_body: Bytes,
}

impl Call {
    /// The operationId of the operation called.
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// The parameter named `name` in the spec, read as `T`; an absent parameter reads as JSON
    /// `null` (so as `None` for an `Option`).
    pub fn param<T: DeserializeOwned>(&self, name: &str) -> Result<T, MockError> {
        let value = self.params.get(name).cloned().unwrap_or(Value::Null);
        serde_json::from_value(value).map_err(|e| {
            MockError::invalid(
                name,
                format!("{name} cannot be read as the client's type: {e}"),
            )
        })
    }

    /// The JSON body read as `T`.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, MockError> {
        let value = self.body.clone().unwrap_or(Value::Null);
        serde_json::from_value(value).map_err(|e| {
            MockError::invalid(
                "body",
                format!("the body cannot be read as the client's type: {e}"),
            )
        })
    }

    /// The `application/x-www-form-urlencoded` body read as `T`.
    pub fn form_body<T: DeserializeOwned>(&self) -> Result<T, MockError> {
        serde_urlencoded::from_bytes(&self.raw_body).map_err(|e| {
            MockError::invalid(
                "body",
                format!("the body cannot be read as the client's type: {e}"),
            )
        })
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text_body(&self) -> Result<String, MockError> {
        Ok(String::from_utf8_lossy(&self.raw_body).into_owned())
    }

    /// The body as sent.
    pub fn raw_body(&self) -> &Bytes {
        &self.raw_body
    }

    /// The path parameters' values, for echoing into an answer.
    pub(crate) fn path_value(&self, name: &str) -> Option<&Value> {
        self.params.get(name)
    }
}

/// A request's parts that validation reads.
pub(crate) struct Incoming<'a> {
    pub(crate) path_params: &'a BTreeMap<String, String>,
    pub(crate) query: &'a [(String, String)],
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a Bytes,
}

/// Checks `request` against `op` of `spec`.
pub(crate) fn validate(
    spec: &Spec,
    op: &Operation,
    request: &Incoming<'_>,
) -> Result<Call, MockError> {
    if spec.bearer_auth {
        check_bearer(request.headers)?;
    }
    let mut errors: Vec<ErrorEntry> = Vec::new();
    if let Some(version) = &spec.version_header
        && let Err(mut found) = read_param(version, request)
    {
        for e in &mut found {
            e.code = "intercom_version_invalid".to_string();
        }
        errors.extend(found);
    }
    let mut params = BTreeMap::new();
    for param in &op.params {
        match read_param(param, request) {
            Ok(Some(value)) => {
                params.insert(param.name.clone(), value);
            }
            Ok(None) => {}
            Err(found) => errors.extend(found),
        }
    }
    let body = match &op.body {
        Some(b) => match read_body(b, request.body) {
            Ok(v) => v,
            Err(found) => {
                errors.extend(found);
                None
            }
        },
        None => None,
    };
    if errors.is_empty() {
        Ok(Call {
            operation: op.id.clone(),
            params,
            body,
            raw_body: request.body.clone(),
        })
    } else {
        errors.truncate(MAX_ERRORS);
        Err(MockError {
            status: 400,
            errors,
            headers: Vec::new(),
        })
    }
}

/// `Authorization: Bearer <token>` with a token of visible characters.
fn check_bearer(headers: &HeaderMap) -> Result<(), MockError> {
    let unauthorized = |message: &str| {
        Err(MockError::new(401, "unauthorized", message).with_field("Authorization"))
    };
    let Some(value) = headers.get(hyper::header::AUTHORIZATION) else {
        return unauthorized("Access Token Required: send `Authorization: Bearer <token>`");
    };
    let Ok(value) = value.to_str() else {
        return unauthorized("Access Token Invalid: the header is not text");
    };
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => return unauthorized("Access Token Invalid: the scheme must be Bearer"),
    };
    if token.is_empty() || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return unauthorized("Access Token Invalid: the token is empty or malformed");
    }
    Ok(())
}

/// The parameter's value as JSON, `None` when it is absent and optional.
fn read_param(param: &Param, request: &Incoming<'_>) -> Result<Option<Value>, Vec<ErrorEntry>> {
    let texts: Vec<String> = match param.location {
        ParamIn::Path => request
            .path_params
            .get(&param.name)
            .cloned()
            .into_iter()
            .collect(),
        ParamIn::Query => request
            .query
            .iter()
            .filter(|(k, _)| *k == param.name)
            .map(|(_, v)| v.clone())
            .collect(),
        ParamIn::Header => request
            .headers
            .get_all(param.name.as_str())
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect(),
    };
    if texts.is_empty() {
        return if param.required {
            Err(vec![ErrorEntry {
                code: "parameter_not_found".to_string(),
                message: format!("{} is required", param.name),
                field: Some(param.name.clone()),
            }])
        } else {
            Ok(None)
        };
    }
    let value = if param.repeated {
        Value::Array(texts.iter().map(|t| scalar(t, param.scalar)).collect())
    } else {
        scalar(&texts[0], param.scalar)
    };
    if let Some(validator) = &param.validator {
        let found: Vec<ErrorEntry> = validator
            .iter_errors(&value)
            .map(|e| ErrorEntry {
                code: "parameter_invalid".to_string(),
                message: format!("{}: {e}", param.name),
                field: Some(param.name.clone()),
            })
            .collect();
        if !found.is_empty() {
            return Err(found);
        }
    }
    Ok(Some(value))
}

/// A parameter's text as the scalar its schema names; text that is not one stays text, for the
/// schema to reject.
fn scalar(text: &str, kind: Scalar) -> Value {
    let parsed = match kind {
        Scalar::String => None,
        Scalar::Integer => text.parse::<i64>().ok().map(Value::from),
        Scalar::Number => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        Scalar::Boolean => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
    };
    parsed.unwrap_or_else(|| Value::String(text.to_string()))
}

/// The JSON body, checked against its schema; `None` for an absent optional body or a body of
/// another media type.
fn read_body(body: &super::spec::Body, bytes: &Bytes) -> Result<Option<Value>, Vec<ErrorEntry>> {
    let entry = |code: &str, message: String, field: &str| ErrorEntry {
        code: code.to_string(),
        message,
        field: Some(field.to_string()),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return if body.required {
            Err(vec![entry(
                "parameter_not_found",
                format!("a {} body is required", body.media_type),
                "body",
            )])
        } else {
            Ok(None)
        };
    }
    if !body.json {
        return Ok(None);
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        vec![entry(
            "parameter_invalid",
            format!("the body is not JSON: {e}"),
            "body",
        )]
    })?;
    if let Some(validator) = &body.validator {
        let mut found: Vec<ErrorEntry> = validator
            .iter_errors(&value)
            .map(|e| {
                let mut path: Vec<String> = e
                    .instance_path()
                    .iter()
                    .map(|s| match s {
                        LocationSegment::Property(p) => p.to_string(),
                        LocationSegment::Index(i) => i.to_string(),
                    })
                    .collect();
                let code = match e.kind() {
                    ValidationErrorKind::Required { property } => {
                        path.push(
                            property
                                .as_str()
                                .map_or_else(|| property.to_string(), str::to_string),
                        );
                        "parameter_not_found"
                    }
                    _ => "parameter_invalid",
                };
                let field = if path.is_empty() {
                    "body".to_string()
                } else {
                    path.join(".")
                };
                ErrorEntry {
                    code: code.to_string(),
                    message: format!("{field}: {e}"),
                    field: Some(field),
                }
            })
            .collect();
        found.dedup();
        if !found.is_empty() {
            return Err(found);
        }
    }
    Ok(Some(value))
}
