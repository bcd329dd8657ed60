//! The builder's settings, each observed on the wire or in what `build` refuses, through a
//! minimal client without generated code.

use std::time::Duration;

use crate::support::{
    Events, Region, TestClient, answering, builder, get, header, quick_retries, send,
};
use intercom_runtime::{ClientBuilder, Error, Response};
use serde_json::{Value, json};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn api_status(result: Result<Response<Value>, Error>) -> u16 {
    match result {
        Err(Error::Api(api)) => api.status.as_u16(),
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn config_error(builder: ClientBuilder<TestClient>) -> String {
    match builder.build() {
        Err(Error::Config(message)) => message,
        Err(other) => panic!("expected a configuration error, got {other:?}"),
        Ok(_) => panic!("expected a configuration error, the client was built"),
    }
}

#[tokio::test]
async fn every_request_carries_the_builder_headers() {
    let server = answering(ResponseTemplate::new(200).set_body_json(json!({}))).await;
    let plain = builder(&server.uri()).build().unwrap();
    send(&plain, get("/a")).await.unwrap();
    let custom = builder(&server.uri())
        .token(" other-token ")
        .api_version("2.0")
        .user_agent_suffix("my-app/3")
        .build()
        .unwrap();
    send(&custom, get("/b")).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let [plain, custom] = &requests[..] else {
        panic!("two requests expected, got {}", requests.len());
    };
    assert_eq!(header(plain, "authorization").unwrap(), "Bearer test-token");
    assert_eq!(header(plain, "test-version").unwrap(), "1.0");
    assert_eq!(header(plain, "user-agent").unwrap(), "runtime-test/1");
    assert_eq!(header(plain, "accept").unwrap(), "application/json");
    assert_eq!(
        header(custom, "authorization").unwrap(),
        "Bearer other-token"
    );
    assert_eq!(header(custom, "test-version").unwrap(), "2.0");
    assert_eq!(
        header(custom, "user-agent").unwrap(),
        "runtime-test/1 my-app/3"
    );
}

#[test]
fn the_region_or_the_base_url_chooses_the_server() {
    let default = ClientBuilder::<TestClient>::new().build().unwrap();
    assert_eq!(default.0.base_url(), "https://first.example.com");
    let second = ClientBuilder::<TestClient>::new()
        .region(Region::Second)
        .build()
        .unwrap();
    assert_eq!(second.0.base_url(), "https://second.example.com/v2");
    let local = ClientBuilder::<TestClient>::new()
        .region(Region::Second)
        .base_url("http://127.0.0.1:9/")
        .build()
        .unwrap();
    assert_eq!(local.0.base_url(), "http://127.0.0.1:9");
}

#[test]
fn build_refuses_unsafe_base_urls() {
    let with_token = |url: &str| builder(url).build().map(|_| ());
    let without_token = |url: &str| {
        ClientBuilder::<TestClient>::new()
            .base_url(url)
            .build()
            .map(|_| ())
    };
    for url in [
        "https://api.example.com",
        "http://localhost:8080",
        "http://LOCALHOST:1",
        "http://127.0.0.5",
        "http://[::1]:3",
    ] {
        with_token(url).unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    without_token("http://api.example.com").expect("plain http without a token");
    for url in [
        "http://api.example.com",
        "http://localhost.example.com",
        "http://10.0.0.1",
        "http://[::2]",
    ] {
        let message = config_error(builder(url));
        assert!(message.contains("plain http"), "{url}: {message}");
    }
    for (url, expected) in [
        ("ftp://api.example.com", "scheme `ftp`"),
        ("not a url", "not a valid URL"),
        ("https://user:secret@api.example.com", "credentials"),
        ("https://user@api.example.com", "credentials"),
        ("https://api.example.com?x=1", "a query"),
        ("https://api.example.com#top", "a fragment"),
    ] {
        let message = config_error(ClientBuilder::new().base_url(url));
        assert!(message.contains(expected), "{url}: {message}");
    }
    assert!(config_error(builder("https://a.example").api_version("2\n")).contains("API version"));
    assert!(config_error(builder("https://a.example").token("  ")).contains("empty"));
    let suffix = builder("https://a.example").user_agent_suffix("bad\u{7f}");
    assert!(config_error(suffix).contains("user-agent"));
}

#[test]
fn debug_output_never_shows_the_token() {
    let builder = builder("https://a.example").token("very-secret-token");
    let text = format!("{builder:?}");
    assert!(
        text.contains("ClientBuilder") && text.contains("<redacted>"),
        "{text}"
    );
    assert!(!text.contains("very-secret-token"), "{text}");
    let client = builder.build().unwrap();
    let text = format!("{:?}", client.0);
    assert!(
        text.contains("https://a.example") && text.contains("<redacted>"),
        "{text}"
    );
    assert!(!text.contains("very-secret-token"), "{text}");
}

#[tokio::test]
async fn an_attempt_longer_than_the_timeout_fails() {
    let slow = ResponseTemplate::new(200)
        .set_body_json(json!({}))
        .set_delay(Duration::from_secs(3));
    let server = answering(slow).await;
    let client = builder(&server.uri())
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .build()
        .unwrap();
    assert!(matches!(
        send(&client, get("/slow")).await,
        Err(Error::Timeout(_))
    ));
}

#[tokio::test]
async fn max_retries_bounds_the_attempts() {
    let server = answering(ResponseTemplate::new(503)).await;
    let events = Events::default();
    let client = events
        .observe(builder(&server.uri()).retry_policy(quick_retries(5)))
        .max_retries(1)
        .build()
        .unwrap();
    assert_eq!(api_status(send(&client, get("/busy")).await), 503);
    assert_eq!(
        events.lines(),
        ["send 1", "finish 1 503", "wait 2", "send 2", "finish 2 503"]
    );
}

#[tokio::test]
async fn the_total_timeout_stops_retrying() {
    // The server asks for a 3 s wait, which does not fit in a call of 2 s: one attempt.
    let server = answering(ResponseTemplate::new(503).insert_header("retry-after", "3")).await;
    let events = Events::default();
    let client = events
        .observe(builder(&server.uri()).max_retries(1))
        .total_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    assert_eq!(api_status(send(&client, get("/busy")).await), 503);
    assert_eq!(events.lines(), ["send 1", "finish 1 503"]);
    // A wait that fits is made.
    let server = answering(ResponseTemplate::new(503).insert_header("retry-after", "0")).await;
    let events = Events::default();
    let client = events
        .observe(builder(&server.uri()).max_retries(1))
        .total_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    assert_eq!(api_status(send(&client, get("/busy")).await), 503);
    assert_eq!(events.sent(), 2, "{:?}", events.lines());
}

#[tokio::test]
async fn bodies_larger_than_the_limit_are_refused() {
    let server =
        answering(ResponseTemplate::new(200).set_body_json(json!({"x": "y".repeat(100)}))).await;
    let client = builder(&server.uri()).max_body_bytes(64).build().unwrap();
    match send(&client, get("/big")).await {
        Err(error @ Error::BodyTooLarge { limit: 64, .. }) => {
            assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    // A body of exactly the limit (`{"x":"…"}`, 8 + 56 bytes) is read.
    let server =
        answering(ResponseTemplate::new(200).set_body_json(json!({"x": "y".repeat(56)}))).await;
    let client = builder(&server.uri()).max_body_bytes(64).build().unwrap();
    assert_eq!(
        send(&client, get("/exact")).await.unwrap().raw_body().len(),
        64
    );
    // The default limit (16 MiB) takes a 2 MiB body.
    let two_mib = "y".repeat(2 << 20);
    let server = answering(ResponseTemplate::new(200).set_body_json(json!(two_mib))).await;
    let client = builder(&server.uri()).build().unwrap();
    let response = send(&client, get("/big")).await.unwrap();
    assert_eq!(response.into_inner().as_str().map(str::len), Some(2 << 20));
}

#[tokio::test]
async fn a_callers_http_client_gets_the_timeout_on_each_request() {
    let slow = ResponseTemplate::new(200)
        .set_body_json(json!({}))
        .set_delay(Duration::from_secs(3));
    let server = answering(slow).await;
    let client = builder(&server.uri())
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .build()
        .unwrap();
    let result = send(&client, get("/slow")).await;
    assert!(matches!(result, Err(Error::Timeout(_))), "{result:?}");
}

#[tokio::test]
async fn a_callers_http_client_sends_the_requests() {
    let server = answering(ResponseTemplate::new(200).set_body_json(json!({}))).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-proxy-tag", "mine".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let client = builder(&server.uri()).http_client(http).build().unwrap();
    send(&client, get("/own")).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(header(&requests[0], "x-proxy-tag").as_deref(), Some("mine"));
    assert_eq!(
        header(&requests[0], "authorization").as_deref(),
        Some("Bearer test-token")
    );
}

async fn redirect(server: &MockServer, from: &str, to: &str) {
    Mock::given(path(from))
        .respond_with(ResponseTemplate::new(302).insert_header("location", to))
        .mount(server)
        .await;
}

#[tokio::test]
async fn redirects_are_followed_only_within_the_origin() {
    let server = MockServer::start().await;
    let other = answering(ResponseTemplate::new(200).set_body_json(json!({}))).await;
    Mock::given(path("/end"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let port = server.address().port();
    redirect(&server, "/same", "/end").await;
    redirect(&server, "/port", &format!("{}/end", other.uri())).await;
    redirect(&server, "/host", &format!("http://localhost:{port}/end")).await;
    redirect(&server, "/scheme", &format!("https://127.0.0.1:{port}/end")).await;
    let client = builder(&server.uri()).build().unwrap();

    let followed = send(&client, get("/same")).await.unwrap();
    assert_eq!(followed.into_inner(), json!({"ok": true}));
    // A redirect off the origin is the answer: a 302, which is not a success.
    for from in ["/port", "/host", "/scheme"] {
        assert_eq!(api_status(send(&client, get(from)).await), 302, "{from}");
    }
    assert!(other.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn five_redirects_are_followed_and_a_sixth_is_not() {
    let server = MockServer::start().await;
    for (chain, length) in [("five", 5), ("six", 6)] {
        for hop in 0..length {
            let from = format!("/{chain}/{hop}");
            let to = format!("/{chain}/{}", hop + 1);
            redirect(&server, &from, &to).await;
        }
        Mock::given(path(format!("/{chain}/{length}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"hops": length})))
            .mount(&server)
            .await;
    }
    let client = builder(&server.uri()).max_retries(0).build().unwrap();
    let five = send(&client, get("/five/0")).await.unwrap();
    assert_eq!(five.into_inner(), json!({"hops": 5}));
    let six = send(&client, get("/six/0")).await;
    assert!(
        matches!(six, Err(Error::Transport(_))),
        "expected a transport error, got {six:?}"
    );
}
