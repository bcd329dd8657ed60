//! A call as a generated operation describes it: method, path pieces, query, headers and body.
//! Arguments that cannot be sent are recorded and reported when the request is sent, so an
//! operation is one chain of calls.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde_json::Value;

use crate::Error;
use crate::multipart::Multipart;
use crate::path::encode_path_segment;

/// One call of an operation, before it is sent.
///
/// ```
/// use intercom_runtime::{Method, Request};
///
/// let request = Request::new(Method::DELETE, "detachTagFromContact")
///     .path("/contacts/")
///     .param("contact_id", "6657ac5e")
///     .path("/tags/")
///     .param("tag_id", 7522907);
/// assert_eq!(request.path_and_query(), "/contacts/6657ac5e/tags/7522907");
/// ```
#[derive(Debug)]
#[must_use]
pub struct Request {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(Cow<'static, str>, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<(HeaderValue, Bytes)>,
    pub(crate) error: Option<Error>,
}

impl Request {
    /// A request of `method` for the operation named `operation` (its operationId).
    pub fn new(method: Method, operation: &'static str) -> Self {
        Self {
            operation,
            method,
            path: String::new(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            error: None,
        }
    }

    /// The operation's name.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path and query as they will be sent after the base URL.
    pub fn path_and_query(&self) -> String {
        let mut out = self.path.clone();
        if !self.query.is_empty() {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(self.query.iter().map(|(k, v)| (k.as_ref(), v.as_str())))
                .finish();
            out.push('?');
            out.push_str(&query);
        }
        out
    }

    /// Appends a literal piece of the path, as the API description spells it.
    pub fn path(mut self, literal: &'static str) -> Self {
        self.path.push_str(literal);
        self
    }

    /// Appends a path parameter, percent-encoded so that it cannot leave its segment.
    pub fn param(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        if let Err(e) = encode_path_segment(&mut self.path, name, &value.to_string()) {
            self.fail(e);
        }
        self
    }

    /// Adds a query parameter. `None` adds nothing; a list adds the name once per element.
    pub fn query<T: Serialize + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        match scalars(name, value) {
            Ok(values) => self
                .query
                .extend(values.into_iter().map(|v| (Cow::Borrowed(name), v))),
            Err(e) => self.fail(e),
        }
        self
    }

    /// Adds a query parameter of the `deepObject` style: an object's members as
    /// `name[member]=value`, nested objects as `name[a][b]`, lists of scalars as `name[]` once
    /// per element and lists of objects by index (`name[0][a]`). `None` and `null` members add
    /// nothing; a scalar is sent as `name=value`.
    pub fn query_deep<T: Serialize + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => {
                let mut pairs = Vec::new();
                flatten(name.to_string(), value, &mut pairs);
                self.query
                    .extend(pairs.into_iter().map(|(k, v)| (Cow::Owned(k), v)));
            }
            Err(e) => self.fail(Error::InvalidRequest(format!(
                "parameter `{name}` cannot be encoded: {e}"
            ))),
        }
        self
    }

    /// Adds a header parameter. `None` adds nothing; a list is sent comma-separated.
    pub fn header<T: Serialize + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        let result = scalars(name, value).and_then(|values| {
            if values.is_empty() {
                return Ok(None);
            }
            let invalid = || {
                Error::InvalidRequest(format!(
                    "header parameter `{name}` cannot be sent as an HTTP header"
                ))
            };
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
            let value = HeaderValue::from_str(&values.join(",")).map_err(|_| invalid())?;
            Ok(Some((header, value)))
        });
        match result {
            Ok(Some((header, value))) => {
                self.headers.insert(header, value);
            }
            Ok(None) => {}
            Err(e) => self.fail(e),
        }
        self
    }

    /// Sets a JSON body, sent as `application/json`.
    pub fn json<T: Serialize + ?Sized>(self, body: &T) -> Self {
        self.json_as(body, "application/json")
    }

    /// Sets a JSON body sent with another JSON media type, as an API that versions its bodies
    /// by a media type parameter expects (`application/json;version=2018-01-01`).
    pub fn json_as<T: Serialize + ?Sized>(mut self, body: &T, media_type: &'static str) -> Self {
        let Ok(content_type) = HeaderValue::from_str(media_type) else {
            self.fail(invalid_media_type(media_type));
            return self;
        };
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = Some((content_type, Bytes::from(bytes)));
            }
            Err(e) => self.fail(Error::InvalidRequest(format!(
                "the body cannot be encoded as JSON: {e}"
            ))),
        }
        self
    }

    /// Sets an `application/x-www-form-urlencoded` body from an object: each member as
    /// `name=value`, and nested objects and lists in brackets as [`Request::query_deep`] writes
    /// them (`metadata[plan]=pro`, `items[0][price]=p_1`), as form-reading APIs expect.
    pub fn form<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        let encoded = serde_json::to_value(body)
            .map_err(|e| e.to_string())
            .and_then(|v| {
                let Value::Object(members) = v else {
                    return Err("it is not an object".to_string());
                };
                let mut pairs = Vec::new();
                for (key, value) in members {
                    flatten(key, value, &mut pairs);
                }
                Ok(url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(pairs)
                    .finish())
            });
        match encoded {
            Ok(text) => {
                self.body = Some((
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                    Bytes::from(text),
                ));
            }
            Err(e) => self.fail(Error::InvalidRequest(format!(
                "the body cannot be form-encoded: {e}"
            ))),
        }
        self
    }

    /// Sets a body of raw bytes with its media type.
    pub fn bytes(mut self, body: impl Into<Bytes>, content_type: &'static str) -> Self {
        match HeaderValue::from_str(content_type) {
            Ok(value) => self.body = Some((value, body.into())),
            Err(_) => self.fail(invalid_media_type(content_type)),
        }
        self
    }

    /// Sets a `multipart/form-data` body, its parts delimited by a random boundary that occurs
    /// in none of them.
    pub fn multipart(mut self, body: &Multipart) -> Self {
        let mut boundary = String::new();
        // A random 32-digit boundary occurring in a part is astronomically rare; a few tries
        // suffice, and a body that defeats them all is refused rather than sent ambiguous.
        for _ in 0..8 {
            let candidate = format!("intercom-{:032x}", fastrand::u128(..));
            if body.fits(&candidate) {
                boundary = candidate;
                break;
            }
        }
        if boundary.is_empty() {
            self.fail(Error::InvalidRequest(
                "no multipart boundary fits the body's parts".to_string(),
            ));
            return self;
        }
        match HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}")) {
            Ok(content_type) => self.body = Some((content_type, body.encode(&boundary))),
            Err(e) => self.fail(Error::InvalidRequest(format!(
                "the multipart content type cannot be written: {e}"
            ))),
        }
        self
    }

    fn fail(&mut self, error: Error) {
        self.error.get_or_insert(error);
    }
}

/// The error for a body media type that cannot be an HTTP header value.
fn invalid_media_type(media_type: &str) -> Error {
    Error::InvalidRequest(format!(
        "the media type `{media_type}` cannot be sent as a Content-Type header"
    ))
}

/// The pairs of `value` under `name`, brackets marking each level (see [`Request::query_deep`]).
fn flatten(name: String, value: Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::String(s) => out.push((name, s)),
        Value::Bool(b) => out.push((name, b.to_string())),
        Value::Number(n) => out.push((name, n.to_string())),
        Value::Object(members) => {
            for (key, member) in members {
                flatten(format!("{name}[{key}]"), member, out);
            }
        }
        Value::Array(items) => {
            let scalars = items.iter().all(|v| !v.is_object() && !v.is_array());
            for (i, item) in items.into_iter().enumerate() {
                let key = if scalars {
                    format!("{name}[]")
                } else {
                    format!("{name}[{i}]")
                };
                flatten(key, item, out);
            }
        }
    }
}

/// A parameter value as the strings to send: none for `null`, one for a scalar, one per element
/// for a list.
fn scalars<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Vec<String>, Error> {
    let value = serde_json::to_value(value)
        .map_err(|e| Error::InvalidRequest(format!("parameter `{name}` cannot be encoded: {e}")))?;
    let one = |v: Value| match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Bool(b) => Ok(Some(b.to_string())),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Array(_) | Value::Object(_) => Err(Error::InvalidRequest(format!(
            "parameter `{name}` is a nested structure, which cannot be sent as a parameter"
        ))),
    };
    match value {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| one(v).transpose())
            .collect(),
        other => Ok(one(other)?.into_iter().collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multipart_body_names_its_boundary_in_the_content_type() {
        let request = Request::new(Method::POST, "upload")
            .multipart(&Multipart::new().text("purpose", "avatar"));
        let (content_type, body) = request.body.expect("a body");
        let content_type = content_type.to_str().expect("ASCII");
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .expect("the multipart media type");
        assert!(body.starts_with(format!("--{boundary}\r\n").as_bytes()));
        assert!(body.ends_with(format!("--{boundary}--\r\n").as_bytes()));
    }

    #[test]
    fn deep_objects_and_form_bodies_put_nested_members_in_brackets() {
        let filter = serde_json::json!({"created": {"gt": 10, "lte": null}, "expand": ["a", "b"], "flag": true});
        let request = Request::new(Method::GET, "list")
            .path("/charges")
            .query_deep("filter", &filter)
            .query_deep("limit", &3)
            .query_deep("none", &None::<i64>);
        assert_eq!(
            request.path_and_query(),
            "/charges?filter%5Bcreated%5D%5Bgt%5D=10&filter%5Bexpand%5D%5B%5D=a&filter%5Bexpand%5D%5B%5D=b&filter%5Bflag%5D=true&limit=3"
        );
        let body = serde_json::json!({
            "email": "a@b.c",
            "metadata": {"plan": "pro"},
            "items": [{"price": "p_1", "quantity": 2}],
            "skip": null
        });
        let request = Request::new(Method::POST, "create").form(&body);
        let (_, bytes) = request.body.expect("a body");
        assert_eq!(
            std::str::from_utf8(&bytes).expect("text"),
            "email=a%40b.c&items%5B0%5D%5Bprice%5D=p_1&items%5B0%5D%5Bquantity%5D=2&metadata%5Bplan%5D=pro"
        );
        let flat = Request::new(Method::POST, "create").form(&[("a", 1)]);
        assert!(flat.error.is_some(), "a list is not an object");
    }

    #[test]
    fn a_json_body_goes_with_the_media_type_it_is_given() {
        let versioned = Request::new(Method::POST, "create").json_as(
            &serde_json::json!({"a": 1}),
            "application/json;version=2018-01-01",
        );
        let (content_type, bytes) = versioned.body.expect("a body");
        assert_eq!(content_type, "application/json;version=2018-01-01");
        assert_eq!(&bytes[..], br#"{"a":1}"#);
        let (plain, _) = Request::new(Method::POST, "create")
            .json(&1)
            .body
            .expect("a body");
        assert_eq!(plain, "application/json");
        let broken = Request::new(Method::POST, "create").json_as(&1, "application/json\n");
        assert!(broken.body.is_none());
        assert!(
            matches!(&broken.error, Some(Error::InvalidRequest(m)) if m.contains("Content-Type")),
            "{:?}",
            broken.error
        );
    }

    #[test]
    fn query_skips_none_and_repeats_lists() {
        let request = Request::new(Method::GET, "list")
            .path("/things")
            .query("a", &None::<i64>)
            .query("b", &Some(3))
            .query("c", &["x y", "z&"])
            .query("d", &true);
        assert_eq!(request.path_and_query(), "/things?b=3&c=x+y&c=z%26&d=true");
    }

    #[test]
    fn a_request_tells_its_operation_and_method() {
        let request = Request::new(Method::PATCH, "updateThing");
        assert_eq!(request.operation(), "updateThing");
        assert_eq!(request.method(), Method::PATCH);
    }

    #[test]
    fn the_first_bad_argument_is_kept() {
        let request = Request::new(Method::GET, "get")
            .param("id", "..")
            .param("other", "");
        let message = request.error.map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("`id`"), "{message}");
    }

    #[test]
    fn headers_refuse_line_breaks() {
        let request = Request::new(Method::GET, "get").header("X-Trace", "a\r\nb");
        assert!(matches!(request.error, Some(Error::InvalidRequest(_))));
        let request = Request::new(Method::GET, "get").header("X-Trace", &None::<&str>);
        assert!(request.error.is_none() && request.headers.is_empty());
    }
}
