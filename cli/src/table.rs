//! The types of the operation table (`operations.rs`, generated from the spec by
//! `cargo xtask regen`): what the `intercom` command needs to know of each operation to offer it
//! as a subcommand and send it through the client's runtime.
//!
//! The types cover every operation a spec may describe; a variant that this spec's table does
//! not use is allowed to be unused.

use intercom_runtime::{Method, Pages};

/// One operation of the API, as a subcommand.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    /// The subcommand: the operationId in kebab case (`list-contacts`).
    pub command: &'static str,
    /// The operationId, which names the call in traces.
    pub id: &'static str,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template, as in the spec.
    pub path: &'static str,
    /// The spec's summary.
    pub summary: Option<&'static str>,
    /// The spec's description.
    pub description: Option<&'static str>,
    /// Whether the spec marks the operation deprecated.
    pub deprecated: bool,
    /// The path template split into literal text and parameters.
    pub segments: &'static [Segment],
    /// Path parameters in path order, then query and header parameters.
    pub params: &'static [Param],
    /// The request body, if the operation takes one.
    pub body: Option<Body>,
    /// What a success response carries.
    pub success: Success,
    /// How to walk the pages, when the operation is paginated.
    pub pages: Option<Paging>,
}

/// An HTTP method an operation uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code)]
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
    /// The method as the runtime sends it.
    pub fn method(self) -> Method {
        match self {
            Self::Get => Method::GET,
            Self::Put => Method::PUT,
            Self::Post => Method::POST,
            Self::Delete => Method::DELETE,
            Self::Options => Method::OPTIONS,
            Self::Head => Method::HEAD,
            Self::Patch => Method::PATCH,
            Self::Trace => Method::TRACE,
        }
    }
}

/// A piece of the path template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Text sent as written in the spec.
    Literal(&'static str),
    /// The parameter at this index of [`Operation::params`].
    Param(usize),
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code)]
pub enum Location {
    /// A `{name}` in the path.
    Path,
    /// A query parameter.
    Query,
    /// A request header.
    Header,
}

/// How a flag's value is read, after the JSON type of the spec's schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code)]
pub enum Kind {
    /// Taken as it is written.
    String,
    /// A whole number (JSON `integer`).
    Integer,
    /// A finite number (JSON `number`).
    Number,
    /// `true` or `false`.
    Boolean,
    /// JSON text, for values of any other schema.
    Json,
}

/// A parameter of an operation, as a flag.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    /// The name in the spec, sent on the wire.
    pub name: &'static str,
    /// The flag (without `--`): the name in kebab case.
    pub flag: &'static str,
    /// Where the parameter goes.
    pub location: Location,
    /// Whether the flag must be given.
    pub required: bool,
    /// How the flag's value is read.
    pub kind: Kind,
    /// The spec's description.
    pub help: Option<&'static str>,
}

/// How a request body is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code)]
pub enum Encoding {
    /// JSON.
    Json,
    /// `application/x-www-form-urlencoded`, from a JSON object.
    Form,
    /// `text/plain`.
    Text,
    /// Raw bytes of [`Body::media_type`].
    Bytes,
}

/// The request body of an operation.
#[derive(Clone, Copy, Debug)]
pub struct Body {
    /// How the body is encoded.
    pub encoding: Encoding,
    /// The media type as the spec names it.
    pub media_type: &'static str,
    /// Whether the spec requires a body; an empty object is sent when no field is given.
    pub required: bool,
    /// The top-level scalar fields, each a flag that sets its member.
    pub fields: &'static [Field],
    /// Every top-level member the body may have, when the schema allows no others: a JSON body
    /// with another member is refused before sending.
    pub members: Option<&'static [&'static str]>,
}

/// A top-level scalar field of a body, as a flag.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// The member's name.
    pub name: &'static str,
    /// The flag (without `--`): the name in kebab case.
    pub flag: &'static str,
    /// How the flag's value is read.
    pub kind: Kind,
    /// The spec's description.
    pub help: Option<&'static str>,
}

/// What a success response carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code)]
pub enum Success {
    /// A JSON body.
    Json,
    /// Nothing worth reading.
    Empty,
    /// A body of another media type.
    Bytes,
}

/// The pagination of an operation.
#[derive(Clone, Copy, Debug)]
pub struct Paging {
    /// Where the cursor (or page number) and the page size go, and where a response gives the
    /// next cursor and its items.
    pub pages: Pages,
    /// The flag giving the cursor (or page) to start at.
    pub start: PageFlag,
    /// The flag giving the page size, when the operation takes one.
    pub size: Option<PageFlag>,
}

/// A flag of the pagination. It is the flag of the parameter or body field at the same place
/// when there is one, else a flag of its own.
#[derive(Clone, Copy, Debug)]
pub struct PageFlag {
    /// The flag (without `--`).
    pub flag: &'static str,
    /// How the flag's value is read.
    pub kind: Kind,
    /// What the flag means, for a flag of its own.
    pub help: &'static str,
}
