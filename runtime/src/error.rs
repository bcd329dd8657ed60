//! The one error type of every call, and reading an error response into it.

use std::fmt;

use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::ErrorCode;
use crate::body::{excerpt, read_limited};
use crate::decode::DecodeError;
use crate::rate_limit::RateLimit;
use crate::retry::{is_retryable_status, wait_from_headers};

/// How much of an error body is read (and of an undecodable body kept).
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// One `{code, message, field}` of an Intercom error body.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorDetail {
    /// Machine-readable code, such as `not_found` or `unauthorized`.
    pub code: ErrorCode,
    /// Human-readable message.
    pub message: Option<String>,
    /// The request field the error is about, when there is one.
    pub field: Option<String>,
}

impl ErrorDetail {
    /// A detail with a code and a message, and no field.
    pub fn new(code: impl Into<ErrorCode>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: Some(message.into()),
            field: None,
        }
    }

    /// The same detail about a request field.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

/// A non-success response from the API.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The request id from the error body (or the `X-Request-Id` header), kept as sent.
    pub request_id: Option<String>,
    /// The errors of an Intercom `error.list` body; empty when the body was not one.
    pub errors: Vec<ErrorDetail>,
    /// The start of the body, when it was not an Intercom error (an HTML page, say).
    pub excerpt: Option<String>,
    /// The rate-limit headers of the response.
    pub rate_limit: RateLimit,
    /// The response headers.
    pub headers: HeaderMap,
}

impl ApiError {
    /// An error response of `status` with no details; add them with the `with_…` methods.
    pub fn new(status: StatusCode) -> Self {
        Self {
            status,
            request_id: None,
            errors: Vec::new(),
            excerpt: None,
            rate_limit: RateLimit::default(),
            headers: HeaderMap::new(),
        }
    }

    /// The same error with one more detail.
    pub fn with_error(mut self, detail: ErrorDetail) -> Self {
        self.errors.push(detail);
        self
    }

    /// The same error with a request id.
    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }

    /// The same error with these response headers (the rate limit is read from them).
    pub fn with_headers(mut self, headers: HeaderMap) -> Self {
        self.rate_limit = RateLimit::from_headers(&headers);
        self.headers = headers;
        self
    }

    /// Whether any detail has this code.
    pub fn has_code(&self, code: &ErrorCode) -> bool {
        self.errors.iter().any(|e| &e.code == code)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        let details: Vec<String> = self
            .errors
            .iter()
            .map(|e| {
                let mut s = e.code.as_str().to_string();
                if let Some(m) = &e.message {
                    s.push_str(": ");
                    s.push_str(m);
                }
                if let Some(field) = &e.field {
                    s.push_str(&format!(" (field `{field}`)"));
                }
                s
            })
            .collect();
        if !details.is_empty() {
            write!(f, ": {}", details.join("; ").replace(['\n', '\r'], " "))?;
        } else if let Some(x) = &self.excerpt {
            write!(f, ": body is not an Intercom error: {x}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request_id {})", id.replace(['\n', '\r'], " "))?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in a call. `Display` is one line; nothing shows the token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a non-success status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// A success status whose body does not decode into the expected type: where in the body
    /// (`data[3].author.avatar`), why, and the whole body.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// A response body larger than [`ClientBuilder::max_body_bytes`](crate::ClientBuilder::max_body_bytes).
    #[error("HTTP {status}: response body larger than {limit} bytes")]
    BodyTooLarge {
        /// The HTTP status.
        status: StatusCode,
        /// The limit in force.
        limit: usize,
    },
    /// An attempt took longer than the timeout (after any retries). The transport's error is
    /// kept when there is one.
    #[error("request timed out")]
    Timeout(#[source] Option<reqwest::Error>),
    /// The server could not be reached (after any retries).
    #[error("could not connect{}", .0.as_ref().map(|e| format!(": {}", error_chain(e))).unwrap_or_default())]
    Connect(#[source] Option<reqwest::Error>),
    /// The connection failed during the exchange: reset, or a body cut short.
    #[error("transport error: {}", error_chain(.0))]
    Transport(#[source] reqwest::Error),
    /// The request was refused before sending: an argument cannot be sent as given.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The client is misconfigured.
    #[error("invalid configuration: {0}")]
    Config(String),
}

fn error_chain(e: &reqwest::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out.replace(['\n', '\r'], " ")
}

impl Error {
    pub(crate) fn from_transport(e: reqwest::Error) -> Self {
        // A connect timeout is a failure to connect: the server was never reached.
        if e.is_connect() {
            Error::Connect(Some(e))
        } else if e.is_timeout() {
            Error::Timeout(Some(e))
        } else if e.is_builder() {
            Error::InvalidRequest(error_chain(&e))
        } else {
            Error::Transport(e)
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::BodyTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The decode error, when a success response's body did not decode: its path, message and
    /// the whole body.
    pub fn decode(&self) -> Option<&DecodeError> {
        match self {
            Error::Decode(e) => Some(e),
            _ => None,
        }
    }

    /// The API error, when the server answered with a non-success status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The request id of an API error.
    pub fn request_id(&self) -> Option<&str> {
        self.api().and_then(|e| e.request_id.as_deref())
    }

    /// 404: the object does not exist.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// 429: over the rate limit (after any retries).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// 401: the token is missing, invalid or revoked.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// The request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// 409: the request conflicts with the object's current state.
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(StatusCode::CONFLICT)
            || self.api().is_some_and(|e| e.has_code(&ErrorCode::Conflict))
    }

    /// The API rejected a value the request sent: a 422, or a 400 whose details say a parameter
    /// is missing, invalid or of the wrong type.
    pub fn is_validation(&self) -> bool {
        let Some(api) = self.api() else { return false };
        api.status == StatusCode::UNPROCESSABLE_ENTITY
            || (api.status == StatusCode::BAD_REQUEST
                && api.errors.iter().any(|e| {
                    matches!(
                        e.code,
                        ErrorCode::ParameterInvalid
                            | ErrorCode::ParameterNotFound
                            | ErrorCode::DataInvalid
                            | ErrorCode::TypeMismatch
                    )
                }))
    }

    /// Whether trying the same request again later may succeed: a failure to connect, a
    /// timeout, a connection lost, or a status of 408, 429, 500, 502, 503 or 504.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => is_retryable_status(e.status),
            Error::Connect(_) | Error::Timeout(_) | Error::Transport(_) => true,
            _ => false,
        }
    }

    /// How long the API asked to wait before trying again: its `Retry-After` header, or on a
    /// 429 the time until `X-RateLimit-Reset`.
    pub fn retry_after(&self) -> Option<Duration> {
        let api = self.api()?;
        wait_from_headers(&api.headers, api.status, Duration::MAX)
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        Error::from_transport(e)
    }
}

/// Turns any non-success response into an [`Error`], reading at most 64 KiB of its body.
pub(crate) async fn error_response(mut resp: reqwest::Response) -> Error {
    let status = resp.status();
    let headers = std::mem::take(resp.headers_mut());
    let (body, complete) = match read_limited(&mut resp, ERROR_BODY_LIMIT).await {
        Ok(Ok(body)) => (body, true),
        Ok(Err(partial)) => (partial, false),
        // The status is what matters; a body cut short still leaves an excerpt.
        Err(_) => (Bytes::new(), false),
    };
    let parsed = complete
        .then(|| serde_json::from_slice::<WireErrorList>(&body).ok())
        .flatten()
        .filter(|e| e.type_.as_deref() == Some("error.list") || !e.errors.is_empty());
    let header_request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let api = match parsed {
        Some(list) => ApiError {
            status,
            request_id: list.request_id.or(header_request_id),
            errors: list
                .errors
                .into_iter()
                .map(|e| ErrorDetail {
                    code: ErrorCode::from_wire(e.code.as_deref().unwrap_or_default()),
                    message: e.message,
                    field: e.field,
                })
                .collect(),
            excerpt: None,
            rate_limit: RateLimit::from_headers(&headers),
            headers,
        },
        None => ApiError {
            status,
            request_id: header_request_id,
            errors: Vec::new(),
            excerpt: Some(excerpt(&body)).filter(|e| !e.is_empty()),
            rate_limit: RateLimit::from_headers(&headers),
            headers,
        },
    };
    Error::Api(Box::new(api))
}

/// Intercom's error body, decoded leniently: every member may be missing.
#[derive(serde::Deserialize)]
struct WireErrorList {
    #[serde(rename = "type", default)]
    type_: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    errors: Vec<WireError>,
}

#[derive(serde::Deserialize)]
struct WireError {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    field: Option<String>,
}

/// Errors a consumer's tests can fake, with the `test-util` feature.
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
impl Error {
    /// An API error: `Error::from_api(ApiError::new(StatusCode::CONFLICT).with_error(…))`.
    pub fn from_api(error: ApiError) -> Self {
        Error::Api(Box::new(error))
    }

    /// A 404 with Intercom's `not_found` code.
    pub fn not_found() -> Self {
        Self::from_api(
            ApiError::new(StatusCode::NOT_FOUND)
                .with_error(ErrorDetail::new(ErrorCode::NotFound, "Resource Not Found")),
        )
    }

    /// A 429 whose rate-limit window resets at `reset`, as Intercom sends it.
    pub fn rate_limited(reset: std::time::SystemTime) -> Self {
        let secs = reset
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-ratelimit-remaining",
            reqwest::header::HeaderValue::from(0u64),
        );
        headers.insert(
            "x-ratelimit-reset",
            reqwest::header::HeaderValue::from(secs),
        );
        Self::from_api(
            ApiError::new(StatusCode::TOO_MANY_REQUESTS)
                .with_headers(headers)
                .with_error(ErrorDetail::new(
                    ErrorCode::RateLimitExceeded,
                    "Exceeded rate limit",
                )),
        )
    }

    /// A timeout, as after the last attempt timed out.
    pub fn timeout() -> Self {
        Error::Timeout(None)
    }

    /// A failure to connect.
    pub fn connect() -> Self {
        Error::Connect(None)
    }
}
