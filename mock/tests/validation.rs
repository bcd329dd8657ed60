//! The mock validates requests as Prism does, each rule answering its status with an
//! `error.list` body naming the field at fault. Requests are sent with a plain HTTP client so
//! that they can break the rules the typed client keeps.

use intercom_client::mock::MockServer;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

struct Mock {
    server: MockServer,
    http: reqwest::Client,
}

impl Mock {
    async fn start() -> Self {
        Self {
            server: MockServer::start().await.expect("the mock starts"),
            http: reqwest::Client::new(),
        }
    }

    /// Sends a request with the given headers and raw body; returns the status and JSON body.
    async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.server.base_url()));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("the mock answers");
        let status = response.status();
        let text = response.text().await.expect("a body");
        let value = serde_json::from_str(&text).unwrap_or(Value::Null);
        (status, value)
    }

    /// [`Mock::send`] with a valid token.
    async fn authed(&self, method: Method, path: &str, body: Option<&str>) -> (StatusCode, Value) {
        self.send(method, path, &[("authorization", "Bearer t0ken")], body)
            .await
    }
}

/// The `errors` of an `error.list` body, as (code, field).
fn errors(body: &Value) -> Vec<(String, Option<String>)> {
    assert_eq!(body["type"], "error.list", "{body}");
    assert!(
        body["request_id"].as_str().is_some_and(|id| !id.is_empty()),
        "{body}"
    );
    body["errors"]
        .as_array()
        .expect("errors is a list")
        .iter()
        .map(|e| {
            assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{e}");
            (
                e["code"].as_str().expect("a code").to_string(),
                e["field"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn has(body: &Value, code: &str, field: &str) -> bool {
    errors(body)
        .iter()
        .any(|(c, f)| c == code && f.as_deref() == Some(field))
}

#[tokio::test]
async fn unknown_path_is_404() {
    let m = Mock::start().await;
    let (status, body) = m.authed(Method::GET, "/companies/1/frobs", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(errors(&body)[0].0, "not_found");
}

#[tokio::test]
async fn known_path_with_another_method_is_405() {
    let m = Mock::start().await;
    let response = m
        .http
        .patch(format!("{}/contacts/abc", m.server.base_url()))
        .header("authorization", "Bearer t0ken")
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        response.headers()["allow"].to_str().ok(),
        Some("DELETE, GET, PUT")
    );
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(errors(&body)[0].0, "method_not_allowed");
}

#[tokio::test]
async fn missing_or_malformed_token_is_401() {
    let m = Mock::start().await;
    for headers in [
        &[][..],
        &[("authorization", "Basic dXNlcjpwYXNz")][..],
        &[("authorization", "Bearer ")][..],
        &[("authorization", "Bearer two words")][..],
    ] {
        let (status, body) = m.send(Method::GET, "/contacts/abc", headers, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{headers:?}");
        assert!(has(&body, "unauthorized", "Authorization"), "{body}");
    }
}

#[tokio::test]
async fn unknown_api_version_is_400() {
    let m = Mock::start().await;
    let headers = [
        ("authorization", "Bearer t0ken"),
        ("intercom-version", "9.9"),
    ];
    let (status, body) = m.send(Method::GET, "/contacts/abc", &headers, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        has(&body, "intercom_version_invalid", "Intercom-Version"),
        "{body}"
    );
    // A version the spec lists is accepted.
    let headers = [
        ("authorization", "Bearer t0ken"),
        ("intercom-version", "2.9"),
    ];
    let (status, _) = m.send(Method::GET, "/contacts/abc", &headers, None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_400() {
    let m = Mock::start().await;
    let (status, body) = m
        .authed(Method::POST, "/contacts", Some("{\"email\": "))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(has(&body, "parameter_invalid", "body"), "{body}");
}

#[tokio::test]
async fn a_member_of_the_wrong_type_is_400() {
    let m = Mock::start().await;
    let (status, body) = m
        .authed(Method::PUT, "/contacts/abc", Some(r#"{"name": 42}"#))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(has(&body, "parameter_invalid", "name"), "{body}");
}

#[tokio::test]
async fn a_value_outside_a_closed_enum_is_400() {
    let m = Mock::start().await;
    let (status, body) = m
        .authed(
            Method::POST,
            "/contacts/abc/subscriptions",
            Some(r#"{"id": "154", "consent_type": "maybe"}"#),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(has(&body, "parameter_invalid", "consent_type"), "{body}");
}

#[tokio::test]
async fn a_missing_required_member_is_400() {
    let m = Mock::start().await;
    let (status, body) = m
        .authed(Method::POST, "/contacts/merge", Some(r#"{"from": "a"}"#))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        errors(&body),
        vec![("parameter_not_found".to_string(), Some("into".to_string()))]
    );
}

#[tokio::test]
async fn a_nested_member_is_named_by_its_path() {
    let m = Mock::start().await;
    let (status, body) = m
        .authed(
            Method::POST,
            "/contacts/search",
            Some(r#"{"query": {"field": "name", "operator": "=", "value": "x"}, "pagination": {"per_page": "five"}}"#),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        has(&body, "parameter_invalid", "pagination.per_page"),
        "{body}"
    );
}

#[tokio::test]
async fn a_query_parameter_of_the_wrong_type_is_400() {
    let m = Mock::start().await;
    let (status, body) = m.authed(Method::GET, "/contacts?per_page=many", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(has(&body, "parameter_invalid", "per_page"), "{body}");
    let (status, _) = m.authed(Method::GET, "/contacts?per_page=7", None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_missing_required_body_is_400() {
    let m = Mock::start().await;
    let (status, body) = m.authed(Method::POST, "/tags", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(has(&body, "parameter_not_found", "body"), "{body}");
}

#[tokio::test]
async fn a_valid_request_gets_the_example_with_the_id_asked_for() {
    let m = Mock::start().await;
    let (status, body) = m.authed(Method::GET, "/contacts/abc", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["type"], json!("contact"));
    assert_eq!(body["id"], json!("abc"));
}
