//! The data a generated mock server serves, as the generator writes it (JSON, beside the
//! generated module) and the runtime's mock server reads it: each operation's route, parameters,
//! body and answer, and the component schemas, already in JSON Schema's dialect.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The mock data of a spec.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MockSpec {
    /// Whether requests must carry a bearer token.
    #[serde(default)]
    pub bearer_auth: bool,
    /// The API-version header, when the spec has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_header: Option<MockParam>,
    /// Every operation.
    pub operations: Vec<MockOperation>,
    /// The component schemas by name, in JSON Schema's dialect; operations' schemas refer to
    /// them as `#/$defs/<name>`.
    #[serde(default)]
    pub schemas: Map<String, Value>,
}

impl MockSpec {
    /// Mock data of `operations` and `schemas`; see the fields.
    pub fn new(
        bearer_auth: bool,
        version_header: Option<MockParam>,
        operations: Vec<MockOperation>,
        schemas: Map<String, Value>,
    ) -> Self {
        Self {
            bearer_auth,
            version_header,
            operations,
            schemas,
        }
    }
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamIn {
    /// In the path.
    Path,
    /// In the query.
    Query,
    /// A request header.
    Header,
}

/// A parameter, with its schema.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MockParam {
    /// Its name.
    pub name: String,
    /// Where it goes.
    #[serde(rename = "in")]
    pub location: ParamIn,
    /// Whether a request must carry it.
    #[serde(default)]
    pub required: bool,
    /// Its schema, in JSON Schema's dialect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Value>,
}

impl MockParam {
    /// A parameter; see the fields.
    pub fn new(name: String, location: ParamIn, required: bool, schema: Option<Value>) -> Self {
        Self {
            name,
            location,
            required,
            schema,
        }
    }
}

/// One operation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MockOperation {
    /// The operationId.
    pub id: String,
    /// The client method's name, which an override names.
    pub name: String,
    /// The HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// Its parameters but the version header.
    #[serde(default)]
    pub parameters: Vec<MockParam>,
    /// Its request body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<MockBody>,
    /// What it answers unless told otherwise.
    pub response: MockResponse,
}

impl MockOperation {
    /// An operation; see the fields.
    pub fn new(
        id: String,
        name: String,
        method: String,
        path: String,
        parameters: Vec<MockParam>,
        body: Option<MockBody>,
        response: MockResponse,
    ) -> Self {
        Self {
            id,
            name,
            method,
            path,
            parameters,
            body,
            response,
        }
    }
}

/// A request body, with its schema.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MockBody {
    /// Its media type.
    pub media_type: String,
    /// Whether a request must carry it.
    #[serde(default)]
    pub required: bool,
    /// Its schema, in JSON Schema's dialect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Value>,
}

impl MockBody {
    /// A body; see the fields.
    pub fn new(media_type: String, required: bool, schema: Option<Value>) -> Self {
        Self {
            media_type,
            required,
            schema,
        }
    }
}

/// The answer of an operation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MockResponse {
    /// Its status.
    pub status: u16,
    /// The media type of its body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Its body: the spec's example, or a value built from its schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// The path parameters copied into the body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub echo: Vec<Echo>,
}

impl MockResponse {
    /// An answer; see the fields.
    pub fn new(
        status: u16,
        media_type: Option<String>,
        body: Option<Value>,
        echo: Vec<Echo>,
    ) -> Self {
        Self {
            status,
            media_type,
            body,
            echo,
        }
    }
}

/// A path parameter copied into the answer: `GET /contacts/abc` answers a contact whose `id`
/// is `abc`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Echo {
    /// The path parameter.
    pub param: String,
    /// JSON pointer of the member of the answer that takes its value.
    pub pointer: String,
}

impl Echo {
    /// The parameter `param` copied to `pointer`.
    pub fn new(param: String, pointer: String) -> Self {
        Self { param, pointer }
    }
}
