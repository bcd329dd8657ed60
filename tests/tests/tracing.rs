//! Tracing of calls: a span per call with OpenTelemetry's HTTP client attributes, an event
//! per retry, and never the token. In a test binary of its own: `tracing` caches whether a
//! call site is enabled process-wide, and tests without a subscriber running beside this one
//! would make it look disabled.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use intercom_client::{Client, RetryPolicy};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "tok_tracing_s3cret";

// ---------------------------------------------------------------------------------------------
// Tracing

/// Captures what a `tracing` subscriber prints, for one test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn each_call_is_a_span_with_http_attributes_and_no_token() {
    let (captured, _guard) = capture();
    let server = MockServer::start().await;
    let calls = Arc::new(Mutex::new(0));
    Mock::given(any())
        .respond_with(move |_: &Request| {
            let mut n = calls.lock().unwrap();
            *n += 1;
            if *n == 1 {
                ResponseTemplate::new(503)
            } else {
                ResponseTemplate::new(404)
                    .insert_header("X-RateLimit-Remaining", "42")
                    .set_body_json(json!({"type": "error.list", "request_id": "req-404-abc",
                        "errors": [{"code": "not_found", "message": "gone"}]}))
            }
        })
        .mount(&server)
        .await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .retry_policy(
            RetryPolicy::new()
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(10)),
        )
        .build()
        .unwrap();
    client.show_contact("c1?x=1").await.unwrap_err();
    let text = captured.text();
    for expected in [
        "intercom.request",
        "otel.name=\"ShowContact\"",
        "http.request.method=GET",
        &format!("url.full={}/contacts/c1%3Fx%3D1", server.uri()),
        "server.address=\"127.0.0.1\"",
        "http.response.status_code=404",
        "http.request.resend_count=1",
        "intercom.request_id=\"req-404-abc\"",
        "intercom.rate_limit.remaining=42",
        "retrying",
        "reason=\"503\"",
        "delay_ms=",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert!(!text.contains(TOKEN), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
}
