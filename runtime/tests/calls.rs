//! Sending a request through the runtime: what goes on the wire, which failures are retried,
//! per-copy settings, and how responses and errors come back.

mod support;

use std::time::Duration;

use intercom_runtime::{
    Error, ErrorCode, Method, Request, RequestOptions, Response, RetryPolicy, StatusCode,
};
use serde_json::{Value, json};
use support::{Events, TestClient, builder};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

fn quick(server: &MockServer, events: &Events) -> TestClient {
    let policy = RetryPolicy::new()
        .max_retries(2)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(1));
    events
        .observe(builder(&server.uri()).retry_policy(policy))
        .build()
        .unwrap()
}

async fn send(client: &TestClient, request: Request) -> Result<Response<Value>, Error> {
    client.0.send(request).await
}

fn get(at: &'static str) -> Request {
    Request::new(Method::GET, "getThing").path(at)
}

fn header(request: &wiremock::Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
}

async fn last_request(server: &MockServer) -> wiremock::Request {
    server.received_requests().await.unwrap().pop().unwrap()
}

#[tokio::test]
async fn the_request_parts_reach_the_server() {
    let server = answering(ResponseTemplate::new(200).set_body_json(json!({"ok": 1}))).await;
    let client = builder(&server.uri()).build().unwrap();
    let request = Request::new(Method::POST, "createThing")
        .path("/things/")
        .param("id", "a b/c")
        .query("tag", &["x", "y z"])
        .header("X-Trace", "t-1")
        .json(&json!({"name": "n"}));
    let response = send(&client, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(*response, json!({"ok": 1}));
    assert_eq!(response.raw_body(), br#"{"ok":1}"#);

    let seen = last_request(&server).await;
    assert_eq!(seen.method.as_str(), "POST");
    assert_eq!(seen.url.path(), "/things/a%20b%2Fc");
    assert_eq!(seen.url.query(), Some("tag=x&tag=y+z"));
    assert_eq!(header(&seen, "x-trace").as_deref(), Some("t-1"));
    assert_eq!(
        header(&seen, "content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(seen.body, br#"{"name":"n"}"#);
}

#[tokio::test]
async fn a_refused_argument_is_never_sent() {
    let server = answering(ResponseTemplate::new(200)).await;
    let client = builder(&server.uri()).build().unwrap();
    let result = send(&client, get("/things/").param("id", "..")).await;
    assert!(
        matches!(result, Err(Error::InvalidRequest(_))),
        "{result:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn empty_and_raw_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204).insert_header("x-request-id", "r-1"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"not json".to_vec()))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    let deleted = client
        .0
        .send_empty(Request::new(Method::DELETE, "deleteThing").path("/t"))
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(deleted.request_id(), Some("r-1"));
    assert_eq!(deleted.headers()["x-request-id"], "r-1");
    let text = format!("{deleted:?}");
    assert!(text.starts_with("Response { status: 204"), "{text}");
    let raw = client.0.send_bytes(get("/raw")).await.unwrap();
    assert_eq!(&raw.into_inner()[..], b"not json");
    match send(&client, get("/raw")).await {
        Err(error @ Error::Decode { .. }) => {
            assert_eq!(error.status(), Some(StatusCode::OK));
            let Error::Decode { excerpt, .. } = error else {
                unreachable!()
            };
            assert_eq!(excerpt, "not json");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn rate_limit_headers_are_read() {
    let template = ResponseTemplate::new(200)
        .set_body_json(json!({}))
        .insert_header("x-ratelimit-limit", "1000")
        .insert_header("x-ratelimit-remaining", " 998 ")
        .insert_header("x-ratelimit-reset", "1700000000");
    let server = answering(template).await;
    let client = builder(&server.uri()).build().unwrap();
    let limit = send(&client, get("/r")).await.unwrap().rate_limit();
    assert_eq!(
        (limit.limit, limit.remaining, limit.reset),
        (Some(1000), Some(998), Some(1_700_000_000))
    );
    assert_eq!(
        limit.reset_at(),
        Some(std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
    );
}

#[tokio::test]
async fn copies_change_their_own_calls_only() {
    let server = answering(ResponseTemplate::new(200).set_body_json(json!({}))).await;
    let client = builder(&server.uri()).build().unwrap();
    let options = RequestOptions::new()
        .api_version("2.11")
        .header("X-Extra", "e")
        .unwrap()
        .header("Authorization", "Bearer stolen")
        .unwrap();
    let copy = client.0.with_options(&options).unwrap();
    send(&TestClient(copy), get("/copy")).await.unwrap();
    let seen = last_request(&server).await;
    assert_eq!(header(&seen, "test-version").as_deref(), Some("2.11"));
    assert_eq!(header(&seen, "x-extra").as_deref(), Some("e"));
    assert_eq!(
        header(&seen, "authorization").as_deref(),
        Some("Bearer test-token")
    );

    let versioned = client.0.with_api_version("2.12").unwrap();
    send(&TestClient(versioned), get("/v")).await.unwrap();
    let seen = last_request(&server).await;
    assert_eq!(header(&seen, "test-version").as_deref(), Some("2.12"));
    assert!(client.0.with_api_version("bad\n").is_err());

    let other = client.0.with_token("second-token").unwrap();
    send(&TestClient(other), get("/t")).await.unwrap();
    let seen = last_request(&server).await;
    assert_eq!(
        header(&seen, "authorization").as_deref(),
        Some("Bearer second-token")
    );
    assert!(client.0.with_token(" ").is_err());

    send(&client, get("/original")).await.unwrap();
    let seen = last_request(&server).await;
    assert_eq!(header(&seen, "test-version").as_deref(), Some("1.0"));
    assert_eq!(header(&seen, "x-extra"), None);
    assert_eq!(
        header(&seen, "authorization").as_deref(),
        Some("Bearer test-token")
    );
}

#[tokio::test]
async fn a_copys_timeout_and_retries_apply_to_its_calls() {
    let slow = ResponseTemplate::new(200)
        .set_body_json(json!({}))
        .set_delay(Duration::from_millis(1500));
    let server = answering(slow).await;
    let events = Events::default();
    let client = quick(&server, &events);
    let once = RequestOptions::new()
        .max_retries(0)
        .timeout(Duration::from_millis(100));
    let short_once = TestClient(client.0.with_options(&once).unwrap());
    let result = send(&short_once, get("/slow")).await;
    assert!(matches!(result, Err(Error::Timeout(_))), "{result:?}");
    assert_eq!(events.sent(), 1, "{:?}", events.lines());

    // The client never retries; a copy may, once, within the call's time. Each setter keeps
    // what the others set.
    let copy = |server: &MockServer, events: &Events, options: RequestOptions| {
        let client = events
            .observe(builder(&server.uri()).retry_policy(RetryPolicy::none()))
            .build()
            .unwrap();
        TestClient(client.0.with_options(&options).unwrap())
    };
    let busy = answering(ResponseTemplate::new(503).insert_header("retry-after", "0")).await;
    let events = Events::default();
    let client = copy(&busy, &events, RequestOptions::new().max_retries(1));
    send(&client, get("/busy")).await.unwrap_err();
    assert_eq!(events.sent(), 2, "{:?}", events.lines());
    // A wait of 3 s does not fit in a call of 2 s.
    let slow = answering(ResponseTemplate::new(503).insert_header("retry-after", "3")).await;
    let events = Events::default();
    let options = RequestOptions::new()
        .total_timeout(Duration::from_secs(2))
        .max_retries(1);
    let client = copy(&slow, &events, options);
    let result = send(&client, get("/busy")).await;
    assert_eq!(
        result.unwrap_err().status(),
        Some(StatusCode::SERVICE_UNAVAILABLE)
    );
    assert_eq!(events.lines(), ["send 1", "finish 1 503"]);
}

#[tokio::test]
async fn only_idempotent_requests_repeat_after_a_server_error() {
    let server = answering(ResponseTemplate::new(503)).await;
    let events = Events::default();
    let client = quick(&server, &events);
    let post = Request::new(Method::POST, "createThing")
        .path("/t")
        .json(&json!({}));
    let result = send(&client, post).await;
    assert_eq!(
        result.unwrap_err().status(),
        Some(StatusCode::SERVICE_UNAVAILABLE)
    );
    assert_eq!(events.lines(), ["send 1", "finish 1 503"]);

    let events = Events::default();
    let client = quick(&server, &events);
    send(&client, get("/t")).await.unwrap_err();
    assert_eq!(events.sent(), 3, "{:?}", events.lines());
}

#[tokio::test]
async fn a_rate_limited_write_repeats_after_the_wait_asked_for() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"done": true})))
        .mount(&server)
        .await;
    let events = Events::default();
    let client = quick(&server, &events);
    let post = Request::new(Method::POST, "createThing")
        .path("/t")
        .json(&json!({}));
    assert_eq!(*send(&client, post).await.unwrap(), json!({"done": true}));
    assert_eq!(
        events.lines(),
        ["send 1", "finish 1 429", "wait 2", "send 2", "finish 2 200"]
    );
}

#[tokio::test]
async fn a_timed_out_write_is_not_repeated_and_a_read_is() {
    let slow = ResponseTemplate::new(200)
        .set_body_json(json!({}))
        .set_delay(Duration::from_millis(1500));
    let server = answering(slow).await;
    let events = Events::default();
    let client = TestClient(
        quick(&server, &events)
            .0
            .with_timeout(Duration::from_millis(100)),
    );
    let post = Request::new(Method::POST, "createThing")
        .path("/t")
        .json(&json!({}));
    let result = send(&client, post).await;
    assert!(matches!(result, Err(Error::Timeout(_))), "{result:?}");
    assert_eq!(events.sent(), 1, "{:?}", events.lines());
    let put = Request::new(Method::PUT, "updateThing")
        .path("/t")
        .json(&json!({}));
    let result = send(&client, put).await;
    assert!(result.as_ref().is_err_and(Error::is_timeout), "{result:?}");
    assert_eq!(events.sent(), 4, "{:?}", events.lines());
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_write() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let events = Events::default();
    let policy = RetryPolicy::new()
        .max_retries(2)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(1));
    let client = events
        .observe(builder(&format!("http://127.0.0.1:{port}")).retry_policy(policy))
        .build()
        .unwrap();
    let post = Request::new(Method::POST, "createThing")
        .path("/t")
        .json(&json!({}));
    let error = send(&client, post).await.unwrap_err();
    assert!(matches!(error, Error::Connect(Some(_))), "{error:?}");
    assert!(error.is_retryable() && error.status().is_none() && error.api().is_none());
    // The message carries the transport's chain of causes, which names the address.
    let message = error.to_string();
    assert!(message.starts_with("could not connect: "), "{message}");
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert_eq!(events.sent(), 3, "{:?}", events.lines());
}

#[tokio::test]
async fn an_answer_from_another_origin_is_refused() {
    let elsewhere = answering(ResponseTemplate::new(200).set_body_json(json!({"x": 1}))).await;
    let server = MockServer::start().await;
    Mock::given(path("/away"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", format!("{}/x", elsewhere.uri())),
        )
        .mount(&server)
        .await;
    // A caller's client with reqwest's default policy follows the redirect.
    let client = builder(&server.uri())
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    match send(&client, get("/away")).await {
        Err(Error::Config(message)) => assert!(message.contains("another origin"), "{message}"),
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

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
