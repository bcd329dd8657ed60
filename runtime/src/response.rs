//! Responses: the decoded value with its status, headers and raw body, the rate-limit headers,
//! and reading a body without reading past a limit.

use std::fmt;
use std::ops::Deref;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::Error;
use crate::body::read_limited;
use crate::rate_limit::RateLimit;

/// A decoded response, with its status, headers and raw body.
///
/// Dereferences to the decoded value.
pub struct Response<T> {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) value: T,
}

impl<T> Response<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body exactly as received, including fields this version of the client does not
    /// model.
    pub fn raw_body(&self) -> &[u8] {
        &self.body
    }

    /// The body as received, shared rather than copied.
    pub(crate) fn body_bytes(&self) -> Bytes {
        self.body.clone()
    }

    /// The rate-limit headers of the response.
    pub fn rate_limit(&self) -> RateLimit {
        RateLimit::from_headers(&self.headers)
    }

    /// The `X-Request-Id` header, when the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
    }

    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.value
    }
}

/// Responses a consumer's tests can build, with the `test-util` feature.
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
impl<T> Response<T> {
    /// A response of `status` with `headers`, carrying `value`; its raw body is empty.
    pub fn from_parts(status: StatusCode, headers: HeaderMap, value: T) -> Self {
        Self {
            status,
            headers,
            body: Bytes::new(),
            value,
        }
    }

    /// The same response with this raw body.
    pub fn with_raw_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }
}

/// A 200 carrying `value`, with the `test-util` feature.
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
impl<T> From<T> for Response<T> {
    fn from(value: T) -> Self {
        Self::from_parts(StatusCode::OK, HeaderMap::new(), value)
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("value", &self.value)
            .finish_non_exhaustive()
    }
}

/// Reads a success response's body, refusing one larger than `limit` (unread when its length
/// is announced).
pub(crate) async fn read_body(
    mut resp: reqwest::Response,
    limit: usize,
) -> Result<(StatusCode, HeaderMap, Bytes), Error> {
    let status = resp.status();
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(Error::BodyTooLarge { status, limit });
    }
    let headers = std::mem::take(resp.headers_mut());
    let body = if resp.content_length().is_some() {
        // The length is announced and within the limit, and the body cannot run past it: read
        // it in one piece, without copying chunks.
        resp.bytes().await.map_err(Error::from_transport)?
    } else {
        read_limited(&mut resp, limit)
            .await
            .map_err(Error::from_transport)?
            .map_err(|_| Error::BodyTooLarge { status, limit })?
    };
    Ok((status, headers, body))
}

/// Decodes a success response's body as JSON into `T`.
pub(crate) fn decode<T: DeserializeOwned>(
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response<T>, Error> {
    match crate::decode::json::<T>(status, &body) {
        Ok(value) => Ok(Response {
            status,
            headers,
            body,
            value,
        }),
        Err(e) => Err(Error::Decode(Box::new(e))),
    }
}
