//! Decoding JSON bodies into the client's types, and what a failure says: where in the body it
//! stopped (`data[3].author.avatar`), why, and the body itself.
//!
//! A body is decoded once, at full speed; only when that fails is it decoded again, tracking the
//! path, to say where. A success costs nothing more than `serde_json::from_slice`.

use bytes::Bytes;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

/// A success response whose body does not decode into the expected type.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Where in the body decoding stopped: members and list indices from the top
    /// (`data[3].author.avatar`); empty when the body as a whole is at fault (not JSON, say).
    pub path: String,
    /// What the decoder said, without its position.
    pub message: String,
    /// The 1-based line and column in the body where decoding stopped; 0 when unknown.
    pub line: usize,
    /// See [`DecodeError::line`].
    pub column: usize,
    /// The whole body, as received.
    pub body: Bytes,
}

impl DecodeError {
    /// The start of the body, on one line, for messages.
    pub fn excerpt(&self) -> String {
        crate::body::excerpt(&self.body)
    }

    /// A decode error of `body` at `path` with `message`.
    pub(crate) fn new(status: StatusCode, path: String, message: String, body: Bytes) -> Self {
        Self {
            status,
            path,
            message,
            line: 0,
            column: 0,
            body,
        }
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}: response body does not decode", self.status)?;
        if !self.path.is_empty() {
            write!(f, " at {}", self.path)?;
        }
        write!(f, ": {}; body starts: {}", self.message, self.excerpt())
    }
}

impl std::error::Error for DecodeError {}

/// Decodes `body` into `T`; on failure, decodes it again to find the path where it failed.
pub(crate) fn json<T: DeserializeOwned>(
    status: StatusCode,
    body: &Bytes,
) -> Result<T, DecodeError> {
    match serde_json::from_slice::<T>(body) {
        Ok(value) => Ok(value),
        Err(first) => Err(located(status, body, first, |de| {
            serde_path_to_error::deserialize::<_, T>(de).map(drop)
        })),
    }
}

/// Decodes the JSON value `value` (found at `prefix` of `body`, a path such as `data[3]`) into
/// `T`, with the path of a failure.
pub(crate) fn value<T: DeserializeOwned>(
    status: StatusCode,
    body: &Bytes,
    prefix: &str,
    value: serde_json::Value,
) -> Result<T, DecodeError> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let inner = e.path().to_string();
        let path = join(prefix, &inner);
        DecodeError::new(status, path, e.into_inner().to_string(), body.clone())
    })
}

/// The error of a failed decode of `body`, with the path found by decoding it again with
/// `track`.
fn located(
    status: StatusCode,
    body: &Bytes,
    first: serde_json::Error,
    track: impl FnOnce(
        &mut serde_json::Deserializer<serde_json::de::SliceRead<'_>>,
    ) -> Result<(), serde_path_to_error::Error<serde_json::Error>>,
) -> DecodeError {
    let mut de = serde_json::Deserializer::from_slice(body);
    let (path, error) = match track(&mut de) {
        Err(e) => {
            let path = e.path().to_string();
            (path, e.into_inner())
        }
        // Decoding cannot succeed the second time when it failed the first; report the first.
        Ok(()) => (String::new(), first),
    };
    let mut message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    if let Some(cut) = message.strip_suffix(&position) {
        message = cut.to_string();
    }
    DecodeError {
        status,
        // serde_path_to_error names the top of the document `.`.
        path: if path == "." { String::new() } else { path },
        message,
        line: error.line(),
        column: error.column(),
        body: body.clone(),
    }
}

/// `prefix` and a path inside it, as one path.
fn join(prefix: &str, inner: &str) -> String {
    match (prefix, inner) {
        (p, ".") | (p, "") => p.to_string(),
        ("", i) => i.to_string(),
        (p, i) if i.starts_with('[') => format!("{p}{i}"),
        (p, i) => format!("{p}.{i}"),
    }
}

/// A JSON pointer (`/data/3`) as a path in the notation of decode errors (`data[3]`).
pub(crate) fn pointer_path(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if token.parse::<usize>().is_ok() {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Note>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Note {
        id: String,
        author: Option<Author>,
        extra: Option<BTreeMap<String, u8>>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Author {
        avatar: Option<String>,
    }

    fn bytes(text: &str) -> Bytes {
        Bytes::from(text.to_string())
    }

    #[test]
    fn a_failure_names_the_path_and_keeps_the_body() {
        let body = bytes(
            r#"{"data": [{"id": "1"}, {"id": "2", "author": {"avatar": {"type": "avatar", "image_url": "x"}}}]}"#,
        );
        let e = json::<Page>(StatusCode::OK, &body).unwrap_err();
        assert_eq!(e.path, "data[1].author.avatar");
        assert_eq!(e.message, "invalid type: map, expected a string");
        assert_eq!((e.line, e.column), (1, 56));
        assert_eq!(e.body, body);
        assert!(
            e.to_string().starts_with(
                "HTTP 200 OK: response body does not decode at data[1].author.avatar: invalid type: map, expected a string; body starts: {\"data\""
            ),
            "{e}"
        );
    }

    #[test]
    fn missing_members_map_keys_and_bodies_that_are_not_json() {
        let e = json::<Page>(StatusCode::OK, &bytes(r#"{"data": [{"x": 1}]}"#)).unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.message.as_str()),
            ("data[0]", "missing field `id`")
        );
        let e = json::<Page>(
            StatusCode::OK,
            &bytes(r#"{"data": [{"id": "a", "extra": {"k": 300}}]}"#),
        )
        .unwrap_err();
        assert_eq!(e.path, "data[0].extra.k");
        let e = json::<Page>(StatusCode::OK, &bytes("<html>")).unwrap_err();
        assert_eq!(e.path, "");
        assert!(e.message.starts_with("expected value"), "{}", e.message);
        assert!(!e.to_string().contains(" at "), "{e}");
    }

    #[test]
    fn values_decode_with_the_path_of_their_place() {
        let body = bytes("{}");
        let ok: Note = value(
            StatusCode::OK,
            &body,
            "data[0]",
            serde_json::json!({"id": "1"}),
        )
        .unwrap();
        assert_eq!(ok.id, "1");
        let e = value::<Note>(
            StatusCode::OK,
            &body,
            "data[2]",
            serde_json::json!({"id": 1}),
        )
        .unwrap_err();
        assert_eq!(e.path, "data[2].id");
        let e = value::<Note>(StatusCode::OK, &body, "data[2]", serde_json::json!(7)).unwrap_err();
        assert_eq!(e.path, "data[2]");
    }

    #[test]
    fn pointers_become_paths() {
        assert_eq!(pointer_path("/data"), "data");
        assert_eq!(pointer_path("/data/articles"), "data.articles");
        assert_eq!(pointer_path("/a~1b/0"), "a/b[0]");
        assert_eq!(pointer_path(""), "");
    }
}
