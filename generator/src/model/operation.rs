//! The typed operation: what the spec and the type engine say of one operation of the API —
//! method, path, parameters with their Rust types, body, success and error shapes, pagination,
//! docs — and the values the emitters derive from its schemas (what a command line can give it,
//! the smallest values its schemas accept).

use serde_json::Value;
use syn::Type;

use crate::model::form_parts::BodyPart;
use crate::model::pagination::Pagination;

pub use intercom_contract::Kind;

/// An HTTP method an operation uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[allow(missing_docs)] // the variants are the HTTP methods of their names
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl HttpMethod {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "get" => Self::Get,
            "put" => Self::Put,
            "post" => Self::Post,
            "delete" => Self::Delete,
            "options" => Self::Options,
            "head" => Self::Head,
            "patch" => Self::Patch,
            "trace" => Self::Trace,
            _ => return None,
        })
    }

    /// The method as sent, upper case.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }

    /// Whether repeating the request cannot do more than sending it once (RFC 9110).
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Self::Post | Self::Patch)
    }
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A `{name}` in the path.
    Path,
    /// A query parameter.
    Query,
    /// A request header.
    Header,
}

/// One parameter of an operation.
#[derive(Clone, Debug)]
pub struct Param {
    /// The name in the spec, sent on the wire.
    pub api_name: String,
    /// The method argument.
    pub ident: syn::Ident,
    /// Where the parameter goes.
    pub location: Location,
    /// The argument's type (an `Option` when the parameter is optional).
    pub ty: Type,
    /// The spec's description.
    pub description: Option<String>,
    /// The JSON type of its schema, as far as a command line can give a value of it.
    pub kind: Kind,
    /// A query parameter of the `deepObject` style: an object sent member by member in
    /// brackets (`created[gt]=10`).
    pub deep: bool,
}

/// A piece of the path template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Text sent as written in the spec.
    Literal(String),
    /// The parameter at this index of [`Operation::params`].
    Param(usize),
}

/// How a request body is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyEncoding {
    /// JSON (`application/json` or `…+json`).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// Raw bytes of another media type.
    Bytes,
    /// `text/plain`.
    Text,
    /// `multipart/form-data`, built by the caller as the runtime's `Multipart`.
    Multipart,
}

/// The request body of an operation.
#[derive(Clone, Debug)]
pub struct Body {
    /// How the body is encoded.
    pub encoding: BodyEncoding,
    /// The media type as the spec names it.
    pub media_type: String,
    /// The argument's type.
    pub ty: Type,
    /// The parts the spec describes, for a `multipart/form-data` body; empty for others.
    pub parts: Vec<BodyPart>,
    /// Whether the spec requires a body.
    pub required: bool,
    /// The top-level members of a JSON or form body whose values are scalars, in name order.
    pub fields: Vec<BodyField>,
    /// Every top-level member of a JSON or form body, in name order, when its schema declares
    /// members and allows no others.
    pub members: Option<Vec<String>>,
}

/// A top-level member of a body whose value is a scalar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyField {
    /// The member's name.
    pub name: String,
    /// The JSON type of its value.
    pub kind: Kind,
    /// The spec's description of it.
    pub description: Option<String>,
}

/// The smallest values an operation's schemas accept, as far as they say (required members
/// only, the first enum value or alternative, with the fixed value of a kind marker): what a
/// test sends and answers to exercise the operation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Samples {
    /// A value of the JSON or form body's schema.
    pub body: Option<Value>,
    /// The status of the documented success, the first 2xx the spec lists.
    pub status: Option<u16>,
    /// A value of the documented success's JSON schema.
    pub success: Option<Value>,
}

/// What a success response carries.
#[derive(Clone, Debug)]
pub enum Success {
    /// A JSON body of this type.
    Json(Box<Type>),
    /// Nothing worth reading.
    Empty,
    /// A body of another media type, returned as bytes.
    Bytes,
}

/// A documented error response.
#[derive(Clone, Debug)]
pub struct ErrorDoc {
    /// `404`, `5XX` or `default`.
    pub status: String,
    /// The spec's description of the response.
    pub description: String,
}

/// One operation of the API.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The operationId.
    pub id: String,
    /// The method's name.
    pub ident: syn::Ident,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template, as in the spec.
    pub path: String,
    /// The path template split into literal text and parameters.
    pub segments: Vec<Segment>,
    /// Path parameters in path order, then query and header parameters.
    pub params: Vec<Param>,
    /// The request body, if any.
    pub body: Option<Body>,
    /// What a success response carries.
    pub success: Success,
    /// The documented error responses.
    pub errors: Vec<ErrorDoc>,
    /// The spec's tags.
    pub tags: Vec<String>,
    /// The spec's summary.
    pub summary: Option<String>,
    /// The spec's description.
    pub description: Option<String>,
    /// Whether the spec marks the operation deprecated.
    pub deprecated: bool,
    /// How to walk its pages, when the spec declares pagination.
    pub pagination: Option<Pagination>,
    /// JSON pointer of the operation in the spec.
    pub pointer: String,
    /// The smallest values its schemas accept.
    pub samples: Samples,
}
