//! An operation of the API as data: what the `intercom` command needs to offer it as a
//! subcommand and what the mock server needs to route it. A generated client emits one static
//! table of them, `OPERATIONS`, in the order of its methods.

use http::Method;

use crate::Pages;

/// One operation of the API.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Operation {
    /// The operationId, which names the call in traces.
    pub id: &'static str,
    /// The client method's name (`list_contacts`).
    pub name: &'static str,
    /// The HTTP method.
    pub method: Method,
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
    pub pages: Option<Pages>,
}

impl Operation {
    /// An operation of `method` at `path`, taking nothing and answering JSON; the other fields
    /// are set with the `with_*` methods. Generated tables build operations this way, so that a
    /// field added later does not break them.
    pub const fn new(
        id: &'static str,
        name: &'static str,
        method: Method,
        path: &'static str,
    ) -> Self {
        Self {
            id,
            name,
            method,
            path,
            summary: None,
            description: None,
            deprecated: false,
            segments: &[],
            params: &[],
            body: None,
            success: Success::Json,
            pages: None,
        }
    }

    /// With the spec's summary and description.
    pub const fn with_docs(
        mut self,
        summary: Option<&'static str>,
        description: Option<&'static str>,
    ) -> Self {
        self.summary = summary;
        self.description = description;
        self
    }

    /// Marked deprecated.
    pub const fn deprecated(mut self) -> Self {
        self.deprecated = true;
        self
    }

    /// With the path's segments and the parameters.
    pub const fn with_params(
        mut self,
        segments: &'static [Segment],
        params: &'static [Param],
    ) -> Self {
        self.segments = segments;
        self.params = params;
        self
    }

    /// With a request body.
    pub const fn with_body(mut self, body: Body) -> Self {
        self.body = Some(body);
        self
    }

    /// With what a success carries.
    pub const fn with_success(mut self, success: Success) -> Self {
        self.success = success;
        self
    }

    /// With its pagination.
    pub const fn with_pages(mut self, pages: Pages) -> Self {
        self.pages = Some(pages);
        self
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
pub enum Location {
    /// A `{name}` in the path.
    Path,
    /// A query parameter.
    Query,
    /// A request header.
    Header,
}

/// The JSON type of a value the spec's schema gives, as far as a command line can read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text.
    String,
    /// A whole number (JSON `integer`).
    Integer,
    /// A finite number (JSON `number`).
    Number,
    /// `true` or `false`.
    Boolean,
    /// Any other JSON value (an object, a list, a union).
    Json,
}

/// A parameter of an operation.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Param {
    /// The name in the spec, sent on the wire.
    pub name: &'static str,
    /// Where the parameter goes.
    pub location: Location,
    /// Whether the spec requires it.
    pub required: bool,
    /// The JSON type of its value.
    pub kind: Kind,
    /// The spec's description.
    pub help: Option<&'static str>,
}

impl Param {
    /// A parameter; see the fields.
    pub const fn new(
        name: &'static str,
        location: Location,
        required: bool,
        kind: Kind,
        help: Option<&'static str>,
    ) -> Self {
        Self {
            name,
            location,
            required,
            kind,
            help,
        }
    }
}

/// How a request body is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// JSON.
    Json,
    /// `application/x-www-form-urlencoded`, from a JSON object.
    Form,
    /// `text/plain`.
    Text,
    /// Raw bytes of [`Body::media_type`].
    Bytes,
    /// `multipart/form-data`.
    Multipart,
}

/// The request body of an operation.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Body {
    /// How the body is encoded.
    pub encoding: Encoding,
    /// The media type as the spec names it.
    pub media_type: &'static str,
    /// Whether the spec requires a body.
    pub required: bool,
    /// The top-level members whose values are scalars, each with its JSON type.
    pub fields: &'static [Field],
    /// Every top-level member the body may have, when the schema allows no others.
    pub members: Option<&'static [&'static str]>,
}

impl Body {
    /// A body; see the fields.
    pub const fn new(
        encoding: Encoding,
        media_type: &'static str,
        required: bool,
        fields: &'static [Field],
        members: Option<&'static [&'static str]>,
    ) -> Self {
        Self {
            encoding,
            media_type,
            required,
            fields,
            members,
        }
    }
}

/// A top-level scalar member of a request body.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Field {
    /// The member's name.
    pub name: &'static str,
    /// The JSON type of its value.
    pub kind: Kind,
    /// The spec's description.
    pub help: Option<&'static str>,
}

impl Field {
    /// A field; see the fields.
    pub const fn new(name: &'static str, kind: Kind, help: Option<&'static str>) -> Self {
        Self { name, kind, help }
    }
}

/// What a success response carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Success {
    /// A JSON body.
    Json,
    /// Nothing worth reading.
    Empty,
    /// A body of another media type, as bytes.
    Bytes,
}
