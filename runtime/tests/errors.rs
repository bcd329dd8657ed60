//! Error responses through the runtime: how each status is classified, which bodies are read as
//! Intercom's error list and how much of them, and what the message shows.

use std::time::Duration;

use crate::support::{answering, builder, get, send};
use intercom_runtime::{ErrorCode, StatusCode};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

/// An Intercom error body with one error whose message is `size` bytes long.
fn error_list(code: &str, size: usize) -> Value {
    json!({
        "type": "error.list",
        "request_id": "req-1",
        "errors": [{"code": code, "message": "m".repeat(size), "field": "email"}]
    })
}

#[tokio::test]
async fn error_responses_are_classified() {
    struct Case {
        status: u16,
        code: &'static str,
        not_found: bool,
        rate_limited: bool,
        unauthorized: bool,
        conflict: bool,
        validation: bool,
        retryable: bool,
    }
    let case = |status, code| Case {
        status,
        code,
        not_found: status == 404,
        rate_limited: status == 429,
        unauthorized: status == 401,
        conflict: status == 409 || code == "conflict",
        validation: status == 422 || (status == 400 && code == "parameter_invalid"),
        retryable: [408, 429, 500, 502, 503, 504].contains(&status),
    };
    let cases = [
        case(400, "parameter_invalid"),
        case(400, "bad_request"),
        case(401, "unauthorized"),
        case(404, "not_found"),
        case(400, "conflict"),
        case(409, "conflict"),
        case(422, "data_invalid"),
        case(429, "rate_limit_exceeded"),
        case(500, "server_error"),
        case(408, "request_timeout"),
    ];
    for case in cases {
        let template = ResponseTemplate::new(case.status).set_body_json(error_list(case.code, 8));
        let server = answering(template).await;
        let client = builder(&server.uri()).max_retries(0).build().unwrap();
        let error = send(&client, get("/e")).await.unwrap_err();
        let status = case.status;
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(error.request_id(), Some("req-1"), "{status}");
        assert_eq!(error.is_not_found(), case.not_found, "{status}");
        assert_eq!(error.is_rate_limited(), case.rate_limited, "{status}");
        assert_eq!(error.is_unauthorized(), case.unauthorized, "{status}");
        assert_eq!(error.is_conflict(), case.conflict, "{status} {}", case.code);
        assert_eq!(
            error.is_validation(),
            case.validation,
            "{status} {}",
            case.code
        );
        assert_eq!(error.is_retryable(), case.retryable, "{status}");
        assert!(!error.is_timeout());
        let api = error.api().expect("an API error");
        assert!(api.has_code(&ErrorCode::from_wire(case.code)));
        assert!(!api.has_code(&ErrorCode::from_wire("something_else")));
        assert_eq!(api.errors[0].field.as_deref(), Some("email"));
        let expected = format!(
            "HTTP {}: {}: mmmmmmmm (field `email`) (request_id req-1)",
            StatusCode::from_u16(status).unwrap(),
            case.code
        );
        assert_eq!(error.to_string(), expected);
    }
}

#[tokio::test]
async fn a_long_error_body_is_read_up_to_its_limit() {
    // 20 KB is within the 64 KiB read from an error body.
    let server =
        answering(ResponseTemplate::new(404).set_body_json(error_list("not_found", 20_000))).await;
    let client = builder(&server.uri()).build().unwrap();
    let error = send(&client, get("/e")).await.unwrap_err();
    let api = error.api().unwrap();
    assert_eq!(api.errors.len(), 1);
    assert_eq!(
        api.errors[0].message.as_ref().map(String::len),
        Some(20_000)
    );
    // Past the limit the body is not decoded, and an excerpt is kept instead.
    let server =
        answering(ResponseTemplate::new(404).set_body_json(error_list("not_found", 70_000))).await;
    let client = builder(&server.uri()).build().unwrap();
    let error = send(&client, get("/e")).await.unwrap_err();
    let api = error.api().unwrap();
    assert!(api.errors.is_empty());
    assert!(
        api.excerpt
            .as_deref()
            .is_some_and(|x| x.starts_with("{\"errors\""))
    );
}

#[tokio::test]
async fn a_body_that_is_not_an_intercom_error_is_shown_in_part() {
    let page = format!("<html>\n<body>{}</body></html>", "x".repeat(500));
    let template = ResponseTemplate::new(502)
        .set_body_string(page)
        .insert_header("x-request-id", "edge-7");
    let server = answering(template).await;
    let client = builder(&server.uri()).max_retries(0).build().unwrap();
    let error = send(&client, get("/e")).await.unwrap_err();
    assert_eq!(error.request_id(), Some("edge-7"));
    let message = error.to_string();
    assert!(
        message
            .starts_with("HTTP 502 Bad Gateway: body is not an Intercom error: <html> <body>xxx"),
        "{message}"
    );
    assert!(message.ends_with("… (request_id edge-7)"), "{message}");
}

#[tokio::test]
async fn only_an_intercom_error_body_is_decoded() {
    let cases = [
        // An error list without errors is still one.
        (json!({"type": "error.list", "errors": []}), 0, false),
        // Errors without the type are read as well.
        (json!({"errors": [{"code": "not_found"}]}), 1, false),
        // Any other JSON is shown as an excerpt.
        (json!({"message": "no"}), 0, true),
    ];
    for (body, errors, excerpt) in cases {
        let server = answering(ResponseTemplate::new(404).set_body_json(&body)).await;
        let client = builder(&server.uri()).build().unwrap();
        let error = send(&client, get("/e")).await.unwrap_err();
        let api = error.api().unwrap();
        assert_eq!(api.errors.len(), errors, "{body}");
        assert_eq!(api.excerpt.is_some(), excerpt, "{body}");
    }
}

#[tokio::test]
async fn the_wait_an_error_asks_for_is_given() {
    let template = ResponseTemplate::new(503).insert_header("retry-after", "7");
    let server = answering(template).await;
    let client = builder(&server.uri()).max_retries(0).build().unwrap();
    let error = send(&client, get("/busy")).await.unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    let server = answering(ResponseTemplate::new(503)).await;
    let client = builder(&server.uri()).max_retries(0).build().unwrap();
    let error = send(&client, get("/busy")).await.unwrap_err();
    assert_eq!(error.retry_after(), None);
}
