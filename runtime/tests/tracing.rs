//! What the runtime records with the `tracing` feature: the resend count, each retry, the
//! response, and the kind of each failure. In a binary of its own: `tracing` caches whether a
//! call site is enabled process-wide, and tests without a subscriber beside these would make it
//! look disabled.

#![cfg(feature = "tracing")]

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::{TestClient, answering, builder, get, quick_retries, send};
use wiremock::ResponseTemplate;

/// What the subscriber prints.
#[derive(Clone, Default)]
struct Printed(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Printed {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `calls` under a subscriber that prints every event, with its span's fields, into the
/// returned text.
async fn traced(calls: impl AsyncFnOnce()) -> String {
    let printed = Printed::default();
    let writer = printed.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    calls().await;
    drop(guard);
    String::from_utf8(printed.0.lock().unwrap().clone()).unwrap()
}

fn client(base: &str) -> TestClient {
    let policy = quick_retries(1);
    builder(base).retry_policy(policy).build().unwrap()
}

#[tokio::test]
async fn retries_responses_and_failures_are_recorded() {
    let busy = answering(ResponseTemplate::new(503)).await;
    let ok = answering(ResponseTemplate::new(200).set_body_string("{}")).await;
    let slow = answering(ResponseTemplate::new(200).set_delay(Duration::from_secs(3))).await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    // A server that closes each connection unanswered.
    let dropping = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || listener.incoming().for_each(drop));
        base
    };
    let text = traced(async || {
        send(&client(&busy.uri()), get("/busy")).await.unwrap_err();
        send(&client(&ok.uri()), get("/ok")).await.unwrap();
        send(&client(&closed), get("/closed")).await.unwrap_err();
        send(&client(&dropping), get("/dropped")).await.unwrap_err();
        let impatient = TestClient(
            client(&slow.uri())
                .0
                .with_timeout(Duration::from_millis(50)),
        );
        send(&impatient, get("/slow")).await.unwrap_err();
        send(&client(&ok.uri()), get("/x/").param("id", ".."))
            .await
            .unwrap_err();
    })
    .await;
    let lines: Vec<&str> = text.lines().collect();
    let has = |parts: &[&str]| lines.iter().any(|l| parts.iter().all(|p| l.contains(p)));
    // The second attempt is the first resend.
    assert!(
        has(&["http.request.resend_count=1", "sending", "attempt=2"]),
        "{text}"
    );
    assert!(
        has(&["retrying", "reason=\"503\"", "next_attempt=2"]),
        "{text}"
    );
    assert!(has(&["error response", "status=503"]), "{text}");
    assert!(
        has(&["http.response.status_code=200", "response", "status=200"]),
        "{text}"
    );
    assert!(has(&["error.type=\"connect\"", "request failed"]), "{text}");
    assert!(has(&["error.type=\"timeout\"", "request failed"]), "{text}");
    assert!(
        has(&["error.type=\"transport\"", "request failed"]),
        "{text}"
    );
    // The URL is recorded once per call, the first attempt not counted as a resend.
    assert!(
        has(&["url.full=http://127.0.0.1", "/ok", "status=200"]),
        "{text}"
    );
    assert!(!text.contains("resend_count=0"), "{text}");
    assert!(
        has(&["error.type=\"invalid_request\"", "request failed"]),
        "{text}"
    );
}
