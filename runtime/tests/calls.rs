//! Sending a request through the runtime: what goes on the wire, which failures are retried,
//! per-copy settings, and how responses and errors come back.

use std::time::Duration;

use crate::support::{Events, TestClient, answering, builder, get, header, quick_retries, send};
use intercom_runtime::{Error, Method, Request, RequestOptions, RetryPolicy, StatusCode};
use serde_json::json;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn quick(server: &MockServer, events: &Events) -> TestClient {
    let policy = quick_retries(2);
    events
        .observe(builder(&server.uri()).retry_policy(policy))
        .build()
        .unwrap()
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
        Err(error @ Error::Decode(_)) => {
            assert_eq!(error.status(), Some(StatusCode::OK));
            let decode = error.decode().expect("a decode error");
            assert_eq!(decode.excerpt(), "not json");
            assert_eq!(&decode.body[..], b"not json");
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
    let policy = quick_retries(2);
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
