//! Fault injection: the client against a loopback server that resets, truncates, stalls,
//! floods, redirects and sends what no API should. Each test checks the error kind, how many
//! attempts were made, and that the call ends within a time bound.
//!
//! One file over 500 lines on purpose: each test is one row of the fault table in
//! `docs/reliability.md`, over the same fault server and client settings.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use intercom_client::{AttemptEvent, Client, ClientBuilder, Error, RetryPolicy};
use intercom_test_support::fault_server::{Fault, FaultServer};

/// A token distinctive enough that finding it in any output can only mean a leak.
const TOKEN: &str = "tok_FAULTS_7f1cQz_never_print_me";
/// Per-attempt timeout of the clients here: short, so the timeout tests are fast.
const TIMEOUT: Duration = Duration::from_millis(300);
/// A contact with only its required members.
const CONTACT: &str =
    r#"{"type":"contact","id":"6657ac5e6abd0166b52ae241","email":"joe@bloggs.com"}"#;
const HTML: &str = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1><p>The upstream server sent an invalid response.</p></body></html>\n";

/// Three attempts at most, with backoff short enough to keep each test well under a second.
fn fast_policy() -> RetryPolicy {
    RetryPolicy::new()
        .max_retries(2)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(50))
        .max_wait(Duration::from_secs(2))
}

/// A client for `url` with the fast policy and short timeout, plus a count of the attempts it
/// started (seen through the attempt observer, so it also counts attempts no server saw).
fn client(
    url: &str,
    tweak: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> (Client, Arc<AtomicU32>) {
    let attempts = Arc::new(AtomicU32::new(0));
    let seen = Arc::clone(&attempts);
    let builder = Client::builder()
        .token(TOKEN)
        .base_url(url)
        .timeout(TIMEOUT)
        .retry_policy(fast_policy())
        .on_attempt(move |event| {
            if let AttemptEvent::Sending { .. } = event {
                seen.fetch_add(1, Ordering::SeqCst);
            }
        });
    let client = tweak(builder).build().expect("the test client builds");
    (client, attempts)
}

/// Every rendering of `err` is one line (Display) and none shows the token.
fn assert_clean(err: &Error) {
    let display = err.to_string();
    assert!(
        !display.contains('\n'),
        "Display is not one line: {display:?}"
    );
    assert!(
        !display.contains(TOKEN),
        "Display shows the token: {display}"
    );
    let debug = format!("{err:?}");
    assert!(!debug.contains(TOKEN), "Debug shows the token: {debug}");
    let alternate = format!("{err:#?}");
    assert!(
        !alternate.contains(TOKEN),
        "Debug shows the token: {alternate}"
    );
    let mut source = std::error::Error::source(err);
    for _ in 0..16 {
        let Some(s) = source else { break };
        assert!(
            !s.to_string().contains(TOKEN),
            "a source shows the token: {s}"
        );
        source = s.source();
    }
}

fn assert_within(started: Instant, bound: Duration) {
    let elapsed = started.elapsed();
    assert!(elapsed < bound, "took {elapsed:?}, bound {bound:?}");
}

/// A loopback port that refuses connections, and the socket that holds it: bound but not
/// listening, so no other test can take the port while this one uses it.
fn refused_url() -> (tokio::net::TcpSocket, String) {
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket
        .bind("127.0.0.1:0".parse().expect("an address"))
        .expect("bind a loopback port");
    let port = socket.local_addr().expect("the bound address").port();
    (socket, format!("http://127.0.0.1:{port}"))
}

#[tokio::test]
async fn connection_refused_is_connect_after_all_retries() {
    let (_held, url) = refused_url();
    let (client, attempts) = client(&url, |b| b);
    let started = Instant::now();
    let err = client.show_contact("1").await.expect_err("nothing listens");
    assert!(matches!(err, Error::Connect(_)), "{err:?}");
    assert_eq!(err.status(), None);
    // Refused connections are retried for any method: 1 attempt + 2 retries.
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
    assert_within(started, Duration::from_secs(2));
    assert_clean(&err);
}

#[tokio::test]
async fn reset_mid_body_is_transport_and_not_retried() {
    let server = FaultServer::start(vec![Fault::ResetMidBody]).await;
    let (client, attempts) = client(&server.url(), |b| b);
    let started = Instant::now();
    let err = client.show_contact("1").await.expect_err("the body is cut");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    // The status line arrived, so the request was received: a body failure is not retried.
    assert_eq!(server.requests(), 1);
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    assert_within(started, Duration::from_secs(2));
    assert_clean(&err);
}

#[tokio::test]
async fn truncated_body_is_transport_and_not_retried() {
    let server = FaultServer::start(vec![Fault::Truncated]).await;
    let (client, _) = client(&server.url(), |b| b);
    let started = Instant::now();
    let err = client
        .show_contact("1")
        .await
        .expect_err("the body is short");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.requests(), 1);
    assert_within(started, Duration::from_secs(2));
    assert_clean(&err);
}

#[tokio::test]
async fn stalled_body_times_out_within_the_attempt_timeout() {
    let server = FaultServer::start(vec![Fault::StallMidBody]).await;
    let (client, _) = client(&server.url(), |b| b);
    let started = Instant::now();
    let err = client
        .show_contact("1")
        .await
        .expect_err("the body never ends");
    // The timeout covers the body too, so a server that stops sending cannot hang the call.
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(err.is_timeout());
    assert_eq!(server.requests(), 1);
    assert!(started.elapsed() >= TIMEOUT);
    assert_within(started, Duration::from_secs(2));
    assert_clean(&err);
}

#[tokio::test]
async fn close_without_response_is_transport_after_retries() {
    let server = FaultServer::start(vec![Fault::CloseWithoutResponse]).await;
    let (client, attempts) = client(&server.url(), |b| b);
    let started = Instant::now();
    let err = client.show_contact("1").await.expect_err("no response");
    // GET is idempotent, so a connection dropped before any response is tried again, up to the
    // policy's limit, and then reported as a transport error.
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.requests(), 3);
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
    assert_within(started, Duration::from_secs(2));
    assert_clean(&err);
}

#[tokio::test]
async fn malformed_json_with_200_is_decode_with_status_and_excerpt() {
    let body = r#"{"type":"contact","id":"6657ac5e6abd0166b52ae241","email":"joe@"#;
    let server = FaultServer::start(vec![Fault::json(200, body)]).await;
    let (client, _) = client(&server.url(), |b| b);
    let started = Instant::now();
    let err = client.show_contact("1").await.expect_err("not JSON");
    match &err {
        Error::Decode(d) => {
            assert_eq!(d.status.as_u16(), 200);
            assert!(d.message.contains("EOF"), "{}", d.message);
            assert_eq!(d.excerpt(), body);
            assert_eq!(&d.body[..], body.as_bytes());
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(server.requests(), 1);
    assert_within(started, Duration::from_secs(2));
    assert_clean(&err);
}

#[tokio::test]
async fn html_page_with_200_is_decode() {
    let server = FaultServer::start(vec![Fault::html(200, HTML)]).await;
    let (client, _) = client(&server.url(), |b| b);
    let err = client
        .show_contact("1")
        .await
        .expect_err("HTML is not a contact");
    match &err {
        Error::Decode(d) => {
            assert_eq!(d.status.as_u16(), 200);
            // The excerpt is one line: the page's newlines are folded into spaces.
            let excerpt = d.excerpt();
            assert!(excerpt.starts_with("<!DOCTYPE html> <html>"), "{excerpt}");
            assert!(!excerpt.contains('\n'));
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_eq!(server.requests(), 1);
    assert_clean(&err);
}

#[tokio::test]
async fn html_page_with_502_is_api_error_with_excerpt_after_retries() {
    let server = FaultServer::start(vec![Fault::html(502, HTML)]).await;
    let (client, attempts) = client(&server.url(), |b| b);
    let started = Instant::now();
    let err = client.show_contact("1").await.expect_err("a gateway error");
    let api = match &err {
        Error::Api(api) => api,
        other => panic!("expected Api, got {other:?}"),
    };
    assert_eq!(api.status.as_u16(), 502);
    assert!(api.errors.is_empty());
    let excerpt = api.excerpt.as_deref().expect("an excerpt of the page");
    assert!(excerpt.contains("Bad Gateway"), "{excerpt}");
    assert!(
        err.to_string().contains("body is not an Intercom error"),
        "{err}"
    );
    // 502 is retryable for a GET: 1 attempt + 2 retries, all seen by the server.
    assert_eq!(server.requests(), 3);
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
    assert_within(started, Duration::from_secs(2));
    assert_clean(&err);
}

#[tokio::test]
async fn a_transient_502_is_retried_into_success() {
    let server = FaultServer::start(vec![Fault::html(502, HTML), Fault::json(200, CONTACT)]).await;
    let (client, _) = client(&server.url(), |b| b);
    let contact = client.show_contact("1").await.expect("the retry succeeds");
    assert_eq!(contact.id, "6657ac5e6abd0166b52ae241");
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn json_sent_as_text_plain_is_decoded() {
    // The client decodes a 200 body as JSON whatever its Content-Type says: the operation
    // defines the type, and a mislabelled but valid body is still the contact.
    let server = FaultServer::start(vec![Fault::respond(
        200,
        &[("Content-Type", "text/plain; charset=us-ascii")],
        CONTACT,
    )])
    .await;
    let (client, _) = client(&server.url(), |b| b);
    let contact = client.show_contact("1").await.expect("valid JSON decodes");
    assert_eq!(contact.email.as_deref(), Some("joe@bloggs.com"));
    assert_eq!(contact.raw_body(), CONTACT.as_bytes());
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn response_slower_than_the_timeout_is_timeout_after_retries() {
    let server = FaultServer::start(vec![Fault::delay(
        Duration::from_secs(5),
        Fault::json(200, CONTACT),
    )])
    .await;
    let (client, attempts) = client(&server.url(), |b| b);
    let started = Instant::now();
    let err = client.show_contact("1").await.expect_err("too slow");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(err.is_timeout());
    // A GET that timed out is retried: 3 attempts, each allowed 300 ms.
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
    assert_eq!(server.requests(), 3);
    assert!(started.elapsed() >= TIMEOUT * 3, "{:?}", started.elapsed());
    assert_within(started, Duration::from_secs(3));
    assert_clean(&err);
}

#[tokio::test]
async fn update_slower_than_the_timeout_is_retried_too() {
    // PUT is idempotent, so a timed-out update is retried like a GET.
    let server = FaultServer::start(vec![Fault::delay(
        Duration::from_secs(5),
        Fault::json(200, CONTACT),
    )])
    .await;
    let (client, _) = client(&server.url(), |b| b.max_retries(1));
    let started = Instant::now();
    let body = intercom_client::types::UpdateContactRequest::default();
    let err = client
        .update_contact("1", &body)
        .await
        .expect_err("too slow");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(server.requests(), 2);
    assert_within(started, Duration::from_secs(3));
}

const HUGE: u64 = 64 * 1024 * 1024;
const ONE_MIB: usize = 1024 * 1024;

#[tokio::test]
async fn huge_streamed_body_is_body_too_large_and_reading_stops() {
    let server = FaultServer::start(vec![Fault::Huge {
        status: 200,
        bytes: HUGE,
    }])
    .await;
    let (client, _) = client(&server.url(), |b| b.max_body_bytes(ONE_MIB));
    let started = Instant::now();
    let err = client
        .show_contact("1")
        .await
        .expect_err("64 MiB is over the limit");
    match &err {
        Error::BodyTooLarge { status, limit } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(*limit, ONE_MIB);
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    assert_eq!(server.requests(), 1);
    assert_within(started, Duration::from_secs(3));
    // Reading stopped near the limit: what the server got into the socket is the client's
    // 1 MiB plus what the kernel buffers held when the client closed, far from 64 MiB.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let written = server.body_bytes_written();
    assert!(written < HUGE / 4, "the server wrote {written} bytes");
    assert_clean(&err);
}

#[tokio::test]
async fn huge_declared_body_is_refused_before_reading() {
    let server = FaultServer::start(vec![Fault::HugeDeclared {
        status: 200,
        bytes: HUGE,
    }])
    .await;
    let (client, _) = client(&server.url(), |b| b.max_body_bytes(ONE_MIB));
    let started = Instant::now();
    let err = client
        .show_contact("1")
        .await
        .expect_err("64 MiB is over the limit");
    assert!(
        matches!(err, Error::BodyTooLarge { limit, .. } if limit == ONE_MIB),
        "{err:?}"
    );
    assert_within(started, Duration::from_secs(3));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let written = server.body_bytes_written();
    assert!(written < HUGE / 4, "the server wrote {written} bytes");
}

#[tokio::test]
async fn a_declared_size_over_the_limit_is_refused_without_waiting_for_the_body() {
    // The server announces 64 MiB and sends none of it. Reading even one byte of the body would
    // wait until the attempt's timeout; refusing on the announced length does not read at all.
    let server = FaultServer::start(vec![Fault::DeclaredOnly {
        status: 200,
        bytes: HUGE,
    }])
    .await;
    let (client, attempts) = client(&server.url(), |b| b.max_body_bytes(ONE_MIB));
    let err = client
        .show_contact("1")
        .await
        .expect_err("64 MiB is over the limit");
    assert!(
        matches!(err, Error::BodyTooLarge { status, limit } if limit == ONE_MIB && status.as_u16() == 200),
        "{err:?}"
    );
    assert_eq!(server.requests(), 1);
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    assert_eq!(server.body_bytes_written(), 0);
    assert_clean(&err);
}

/// A huge 500 is retried, then reported with an excerpt of bounded length.
async fn huge_error_body(fault: Fault) {
    let server = FaultServer::start(vec![fault]).await;
    let (client, _) = client(&server.url(), |b| b.max_body_bytes(ONE_MIB));
    let started = Instant::now();
    let err = client.show_contact("1").await.expect_err("a 500");
    let api = match &err {
        Error::Api(api) => api,
        other => panic!("expected Api, got {other:?}"),
    };
    assert_eq!(api.status.as_u16(), 500);
    let excerpt = api.excerpt.as_deref().expect("an excerpt of the body");
    assert!(excerpt.starts_with("xxxx"), "{excerpt}");
    assert!(
        excerpt.chars().count() <= 201,
        "{} chars",
        excerpt.chars().count()
    );
    assert!(excerpt.ends_with('…'));
    assert_eq!(server.requests(), 3);
    assert_within(started, Duration::from_secs(3));
    // Three connections, each of which stopped near its limit.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let written = server.body_bytes_written();
    assert!(written < 3 * (HUGE / 4), "the server wrote {written} bytes");
    assert_clean(&err);
}

#[tokio::test]
async fn huge_streamed_error_body_gives_a_bounded_excerpt() {
    huge_error_body(Fault::Huge {
        status: 500,
        bytes: HUGE,
    })
    .await;
}

#[tokio::test]
async fn huge_declared_error_body_gives_a_bounded_excerpt() {
    huge_error_body(Fault::HugeDeclared {
        status: 500,
        bytes: HUGE,
    })
    .await;
}

#[tokio::test]
async fn request_id_that_is_not_a_uuid_is_kept_verbatim() {
    let id = "req:0042/not-a-uuid ÿ <b>";
    let body = format!(
        r#"{{"type":"error.list","request_id":"{id}","errors":[{{"code":"server_error","message":"Something broke"}}]}}"#
    );
    let server = FaultServer::start(vec![Fault::json(500, body)]).await;
    let (client, _) = client(&server.url(), |b| b);
    let err = client.show_contact("1").await.expect_err("a 500");
    assert_eq!(err.request_id(), Some(id));
    let api = err.api().expect("an API error");
    assert_eq!(api.errors.len(), 1);
    assert_eq!(api.errors[0].code, "server_error");
    assert!(err.to_string().contains(id), "{err}");
    assert_eq!(server.requests(), 3);
    assert_clean(&err);
}

#[tokio::test]
async fn storm_of_429s_stops_after_max_retries() {
    let body = r#"{"type":"error.list","errors":[{"code":"rate_limit_exceeded","message":"Exceeded rate limit"}]}"#;
    let server = FaultServer::start(vec![Fault::respond(
        429,
        &[
            ("Content-Type", "application/json"),
            ("Retry-After", "1"),
            ("X-RateLimit-Limit", "1000"),
            ("X-RateLimit-Remaining", "0"),
        ],
        body,
    )])
    .await;
    let policy = fast_policy()
        .max_retries(3)
        .max_wait(Duration::from_millis(200));
    let (client, attempts) = client(&server.url(), |b| b.retry_policy(policy));
    let started = Instant::now();
    let err = client.show_contact("1").await.expect_err("always 429");
    assert!(err.is_rate_limited(), "{err:?}");
    assert_eq!(err.api().map(|a| a.rate_limit.remaining), Some(Some(0)));
    assert_eq!(server.requests(), 4);
    assert_eq!(attempts.load(Ordering::SeqCst), 4);
    // Three waits, each `Retry-After: 1` capped to max_wait = 200 ms.
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(600), "{elapsed:?}");
    assert_within(started, Duration::from_secs(2));
    assert_clean(&err);
}

#[tokio::test]
async fn redirect_to_another_origin_is_an_error_and_the_token_stays_home() {
    let elsewhere = FaultServer::start(vec![Fault::json(200, CONTACT)]).await;
    let location = format!("{}/contacts/1", elsewhere.url());
    let server =
        FaultServer::start(vec![Fault::respond(302, &[("Location", &location)], "")]).await;
    let (client, attempts) = client(&server.url(), |b| b);
    let err = client
        .show_contact("1")
        .await
        .expect_err("a redirect elsewhere");
    let api = err.api().expect("the 302 is reported");
    assert_eq!(api.status.as_u16(), 302);
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    assert_eq!(server.requests(), 1);
    // The first server did get the token, so the check below is not vacuous.
    let sent = server.recorded();
    assert_eq!(
        sent[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    // No compression is negotiated, so no body can expand past the size limit.
    assert_eq!(sent[0].header("accept-encoding"), None);
    assert_eq!(elsewhere.requests(), 0, "the redirect was followed");
    assert!(
        elsewhere
            .recorded()
            .iter()
            .all(|r| r.header("authorization").is_none())
    );
    assert_clean(&err);
}

#[tokio::test]
async fn same_origin_redirect_loop_is_bounded() {
    let server = FaultServer::start(Vec::new()).await;
    let location = format!("{}/contacts/1", server.url());
    server.set_faults(vec![Fault::respond(302, &[("Location", &location)], "")]);
    let (client, attempts) = client(&server.url(), |b| b);
    let started = Instant::now();
    let err = client.show_contact("1").await.expect_err("a redirect loop");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.to_string().contains("redirect"), "{err}");
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    // The first request and five redirects followed; the sixth is refused.
    assert_eq!(server.requests(), 6);
    assert_within(started, Duration::from_secs(2));
    assert_clean(&err);
}

#[test]
fn client_and_builder_debug_never_show_the_token() {
    let builder = Client::builder()
        .token(TOKEN)
        .base_url("http://127.0.0.1:9")
        .retry_policy(fast_policy());
    let shown = format!("{builder:?} {builder:#?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
    let client = builder.build().expect("the client builds");
    let shown = format!("{client:?} {client:#?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    let shown = format!("{:?}", client.with_timeout(TIMEOUT));
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn dot_segment_ids_are_refused_before_any_request() {
    let server = FaultServer::start(vec![Fault::json(200, CONTACT)]).await;
    let (client, attempts) = client(&server.url(), |b| b);
    for id in ["", ".", ".."] {
        let err = client.show_contact(id).await.expect_err("refused");
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
        assert_clean(&err);
        let err = client
            .detach_tag_from_contact("1", id)
            .await
            .expect_err("refused");
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    }
    assert_eq!(attempts.load(Ordering::SeqCst), 0);
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn rate_limit_reset_far_in_the_future_waits_max_wait() {
    // A reset time past what `SystemTime` can hold must not overflow: the wait is max_wait.
    let server = FaultServer::start(vec![Fault::respond(
        429,
        &[("X-RateLimit-Reset", "18446744073709551615")],
        "",
    )])
    .await;
    let policy = fast_policy()
        .max_retries(1)
        .max_wait(Duration::from_millis(200));
    let (client, _) = client(&server.url(), |b| b.retry_policy(policy));
    let started = Instant::now();
    let err = client.show_contact("1").await.expect_err("always 429");
    assert!(err.is_rate_limited(), "{err:?}");
    assert_eq!(err.api().and_then(|a| a.rate_limit.reset), Some(u64::MAX));
    assert_eq!(server.requests(), 2);
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_within(started, Duration::from_secs(2));
}

#[tokio::test]
async fn odd_statuses_are_errors_not_panics() {
    // A 2xx is decoded as the operation's result: 204 has no body, so it cannot be a contact.
    let server = FaultServer::start(vec![Fault::json(204, "")]).await;
    let (no_content, _) = client(&server.url(), |b| b);
    let err = no_content
        .show_contact("1")
        .await
        .expect_err("no contact in a 204");
    assert!(
        matches!(&err, Error::Decode(d) if d.status.as_u16() == 204),
        "{err:?}"
    );
    assert_clean(&err);

    for status in [301, 304, 399, 418, 599, 600, 999] {
        let server = FaultServer::start(vec![Fault::json(status, CONTACT)]).await;
        let (client, _) = client(&server.url(), |b| b);
        let started = Instant::now();
        let err = client
            .show_contact("1")
            .await
            .expect_err("not a success status");
        match &err {
            Error::Api(api) => assert_eq!(api.status.as_u16(), status),
            other => panic!("status {status}: expected Api, got {other:?}"),
        }
        assert_within(started, Duration::from_secs(2));
        assert_clean(&err);
    }
}

#[tokio::test]
async fn oversized_response_head_is_transport() {
    let headers: Vec<(String, String)> = (0..2000)
        .map(|i| (format!("X-Filler-{i}"), "y".repeat(100)))
        .collect();
    let server = FaultServer::start(vec![Fault::Respond {
        status: 200,
        headers,
        body: CONTACT.into(),
    }])
    .await;
    let (client, attempts) = client(&server.url(), |b| b);
    let started = Instant::now();
    let err = client
        .show_contact("1")
        .await
        .expect_err("the head is too large");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    // No response was read, so to the client this is a failed exchange of an idempotent
    // request: retried up to the policy's limit, and still bounded in time.
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
    assert_within(started, Duration::from_secs(2));
    assert_clean(&err);
}

#[tokio::test]
async fn the_fault_server_stops_when_dropped() {
    let server = FaultServer::start(vec![Fault::StallMidBody]).await;
    let addr = server.addr();
    let held = tokio::net::TcpStream::connect(addr)
        .await
        .expect("the server listens");
    drop(server);
    // The abort takes effect when the runtime next polls the server's task.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    drop(held);

    let background = FaultServer::start_in_background(vec![Fault::StallMidBody]);
    let addr = background.addr();
    drop(background);
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
