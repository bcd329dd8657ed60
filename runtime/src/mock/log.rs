//! The requests the mock server received, for a test's assertions. The bearer token is never
//! kept: `Authorization` is recorded with its scheme and `[redacted]`.

use bytes::Bytes;
use serde_json::Value;

/// One request as the server received it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method, upper case.
    pub method: String,
    /// The path, as sent (percent-encoded).
    pub path: String,
    /// The query's pairs, decoded, in the order sent.
    pub query: Vec<(String, String)>,
    /// The headers, names in lower case, in the order sent; `authorization` redacted.
    pub headers: Vec<(String, String)>,
    /// The body as sent.
    pub body: Bytes,
    /// The operationId the request was routed to, if any.
    pub operation: Option<String>,
    /// The status answered, once the answer is ready.
    pub status: Option<u16>,
}

impl RecordedRequest {
    /// The first value of the header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of the query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body read as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// The recorded value of a header: `authorization` keeps its scheme and nothing else.
pub(crate) fn recorded_header(name: &str, value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    if name.eq_ignore_ascii_case("authorization") {
        match text.split_once(' ') {
            Some((scheme, _)) => format!("{scheme} [redacted]"),
            None => "[redacted]".to_string(),
        }
    } else {
        text.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_not_recorded() {
        assert_eq!(
            recorded_header("Authorization", b"Bearer s3cret"),
            "Bearer [redacted]"
        );
        assert_eq!(recorded_header("authorization", b"s3cret"), "[redacted]");
        assert_eq!(
            recorded_header("accept", b"application/json"),
            "application/json"
        );
    }
}
