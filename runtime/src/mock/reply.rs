//! What the mock server answers: a success [`Reply`], or a [`MockError`] sent in Intercom's
//! error shape, `{"type":"error.list","request_id":…,"errors":[{"code","message","field"}]}`.

use bytes::Bytes;
use serde::Serialize;
use serde_json::{Value, json};

/// A success answer of an operation, sent with the operation's success status.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// A JSON body.
    Json(Value),
    /// No body.
    Empty,
    /// A body of raw bytes, with the operation's media type.
    Bytes(Bytes),
}

impl Reply {
    /// A JSON body holding `value`; a value that cannot be written as JSON is a 500.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<Reply, MockError> {
        serde_json::to_value(value).map(Reply::Json).map_err(|e| {
            MockError::new(500, "server_error", format!("the answer is not JSON: {e}"))
        })
    }
}

impl From<()> for Reply {
    fn from((): ()) -> Self {
        Reply::Empty
    }
}

impl From<Bytes> for Reply {
    fn from(bytes: Bytes) -> Self {
        Reply::Bytes(bytes)
    }
}

/// One entry of an error answer's `errors`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorEntry {
    /// A machine-readable name of the problem, e.g. `parameter_invalid`.
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
    /// The parameter, header or body member at fault, when there is one.
    pub field: Option<String>,
}

/// An error answer: a status, headers, and one or more entries in Intercom's error shape.
/// Return it from an override to make an operation fail, or script it with a
/// [`Fault`](super::Fault).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MockError {
    /// The HTTP status.
    pub status: u16,
    /// The entries of `errors`.
    pub errors: Vec<ErrorEntry>,
    /// Extra response headers.
    pub headers: Vec<(String, String)>,
}

impl MockError {
    /// An error answer with one entry.
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            errors: vec![ErrorEntry {
                code: code.into(),
                message: message.into(),
                field: None,
            }],
            headers: Vec::new(),
        }
    }

    /// A 404 with code `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "not_found", message)
    }

    /// A 400 with code `parameter_invalid` naming `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(400, "parameter_invalid", message).with_field(field)
    }

    /// The same answer with its last entry naming `field`.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        if let Some(last) = self.errors.last_mut() {
            last.field = Some(field.into());
        }
        self
    }

    /// The same answer with one more entry.
    pub fn with_error(
        mut self,
        code: impl Into<String>,
        message: impl Into<String>,
        field: Option<String>,
    ) -> Self {
        self.errors.push(ErrorEntry {
            code: code.into(),
            message: message.into(),
            field,
        });
        self
    }

    /// The same answer with one more response header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The body sent for this error, with `request_id`.
    pub fn body(&self, request_id: &str) -> Value {
        let errors: Vec<Value> = self
            .errors
            .iter()
            .map(|e| {
                let mut entry = json!({"code": e.code, "message": e.message});
                if let Some(field) = &e.field {
                    entry["field"] = json!(field);
                }
                entry
            })
            .collect();
        json!({"type": "error.list", "request_id": request_id, "errors": errors})
    }
}

impl std::fmt::Display for MockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.status)?;
        for e in &self.errors {
            write!(f, "; {}: {}", e.code, e.message)?;
            if let Some(field) = &e.field {
                write!(f, " ({field})")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for MockError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_has_intercoms_shape() {
        let err = MockError::invalid("role", "role must be user or lead").with_error(
            "parameter_not_found",
            "email is required",
            Some("email".into()),
        );
        assert_eq!(
            err.body("req-1"),
            json!({
                "type": "error.list",
                "request_id": "req-1",
                "errors": [
                    {"code": "parameter_invalid", "message": "role must be user or lead", "field": "role"},
                    {"code": "parameter_not_found", "message": "email is required", "field": "email"}
                ]
            })
        );
        let plain = MockError::not_found("no such contact").body("r");
        assert!(plain["errors"][0].get("field").is_none());
    }
}
