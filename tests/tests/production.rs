//! Production fit: per-call options, one client per token, connect and
//! total timeouts, which waits the rate-limit headers set, and Intercom's error codes. Waits
//! are judged from the client's own retry events, not from the wall clock.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use intercom_client::{
    AttemptEvent, Client, ClientBuilder, Error, ErrorCode, RateLimit, RequestOptions, RetryPolicy,
};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "tok_production_s3cret";

fn contact(id: &str) -> Value {
    json!({"type": "contact", "id": id, "role": "user"})
}

fn policy() -> RetryPolicy {
    RetryPolicy::new()
        .max_retries(2)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(40))
        .max_wait(Duration::from_secs(60))
}

/// The waits the client announced before each retry.
#[derive(Clone, Default)]
struct Waits(Arc<Mutex<Vec<Duration>>>);

impl Waits {
    fn all(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

fn builder(server: &MockServer, waits: &Waits) -> ClientBuilder {
    let waits = waits.clone();
    Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .retry_policy(policy())
        .on_attempt(move |event| {
            if let AttemptEvent::Waiting { delay, .. } = event {
                waits.0.lock().unwrap().push(*delay);
            }
        })
}

async fn answering(responses: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    let responses = Arc::new(Mutex::new(responses.into_iter()));
    let last = Arc::new(Mutex::new(None::<ResponseTemplate>));
    Mock::given(any())
        .respond_with(move |_: &Request| {
            let next = responses.lock().unwrap().next();
            let mut last = last.lock().unwrap();
            if let Some(r) = next {
                *last = Some(r);
            }
            last.clone().unwrap_or_else(|| ResponseTemplate::new(500))
        })
        .mount(&server)
        .await;
    server
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn error_list(status: u16, code: &str, request_id: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "type": "error.list",
        "request_id": request_id,
        "errors": [{"code": code, "message": "something", "field": "email"}],
    }))
}

// ---------------------------------------------------------------------------------------------
// Rate-limit headers and retries

#[tokio::test]
async fn a_502_with_a_far_rate_limit_reset_backs_off_instead_of_waiting_for_the_reset() {
    let reset = (now_secs() + 30).to_string();
    let server = answering(vec![
        ResponseTemplate::new(502).insert_header("X-RateLimit-Reset", reset.as_str()),
        ResponseTemplate::new(200).set_body_json(contact("c1")),
    ])
    .await;
    let waits = Waits::default();
    let client = builder(&server, &waits).build().unwrap();
    let contact = client.show_contact("c1").await.unwrap();
    assert_eq!(contact.id, "c1");
    let waits = waits.all();
    assert_eq!(waits.len(), 1);
    assert!(waits[0] <= policy().max_backoff, "{waits:?}");
}

#[tokio::test]
async fn a_429_waits_until_the_rate_limit_reset() {
    // The reset is far ahead and the longest wait 1 s: the wait is exactly the cap, whatever
    // the time the request takes, where a backoff would be at most 40 ms.
    let reset = (now_secs() + 30).to_string();
    let server = answering(vec![
        ResponseTemplate::new(429).insert_header("X-RateLimit-Reset", reset.as_str()),
        ResponseTemplate::new(200).set_body_json(contact("c1")),
    ])
    .await;
    let waits = Waits::default();
    let client = builder(&server, &waits)
        .retry_policy(policy().max_wait(Duration::from_secs(1)))
        .build()
        .unwrap();
    client.show_contact("c1").await.unwrap();
    assert_eq!(waits.all(), [Duration::from_secs(1)]);
}

#[tokio::test]
async fn retry_after_is_honoured_on_a_503_and_reported_by_the_error() {
    let server = answering(vec![
        ResponseTemplate::new(503).insert_header("Retry-After", "0"),
        ResponseTemplate::new(503).insert_header("Retry-After", "7"),
    ])
    .await;
    let waits = Waits::default();
    let client = builder(&server, &waits).max_retries(1).build().unwrap();
    let err = client.show_contact("c1").await.unwrap_err();
    assert_eq!(waits.all(), [Duration::ZERO]);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert!(err.is_retryable());
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[test]
fn the_rate_limit_reset_is_a_time() {
    let mut headers = intercom_client::header::HeaderMap::new();
    headers.insert("x-ratelimit-reset", "1800000000".parse().unwrap());
    headers.insert("x-ratelimit-remaining", "12".parse().unwrap());
    let limit = RateLimit::from_headers(&headers);
    assert_eq!(limit.remaining, Some(12));
    assert_eq!(
        limit.reset_at(),
        Some(UNIX_EPOCH + Duration::from_secs(1_800_000_000))
    );
    assert_eq!(RateLimit::default().reset_at(), None);
}

// ---------------------------------------------------------------------------------------------
// Per-call control

#[tokio::test]
async fn options_set_headers_version_and_retries_for_one_copy_only() {
    let server = answering(vec![ResponseTemplate::new(503)]).await;
    let waits = Waits::default();
    let client = builder(&server, &waits).build().unwrap();
    let once = client
        .with_options(
            RequestOptions::new()
                .max_retries(0)
                .api_version("2.11")
                .header("X-Trace-Id", "trace-1")
                .unwrap()
                .header("Authorization", "Bearer not-this-one")
                .unwrap(),
        )
        .unwrap();
    once.show_contact("c1").await.unwrap_err();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "max_retries(0) sends once");
    let header = |name: &str| {
        requests[0]
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    assert_eq!(header("x-trace-id").as_deref(), Some("trace-1"));
    assert_eq!(header("intercom-version").as_deref(), Some("2.11"));
    assert_eq!(
        header("authorization").as_deref(),
        Some(format!("Bearer {TOKEN}").as_str()),
        "only the token sets Authorization"
    );
    // The original client keeps its settings: three attempts, no extra header.
    client.show_contact("c1").await.unwrap_err();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 4);
    assert!(requests[3].headers.get("x-trace-id").is_none());
    assert!(matches!(
        client.with_options(RequestOptions::new().api_version("2.10\n")),
        Err(Error::Config(_))
    ));
}

#[tokio::test]
async fn with_token_sends_its_own_token_and_keeps_the_rest() {
    let server = answering(vec![
        ResponseTemplate::new(200).set_body_json(contact("c1")),
    ])
    .await;
    let waits = Waits::default();
    let first = builder(&server, &waits).build().unwrap();
    let second = first.with_token("tok_other_workspace").unwrap();
    assert_eq!(first.base_url(), second.base_url());
    first.show_contact("c1").await.unwrap();
    second.show_contact("c1").await.unwrap();
    let tokens: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.headers["authorization"].to_str().unwrap().to_string())
        .collect();
    assert_eq!(
        tokens,
        [
            format!("Bearer {TOKEN}"),
            "Bearer tok_other_workspace".to_string()
        ]
    );
    assert!(matches!(first.with_token(" "), Err(Error::Config(_))));
    assert!(!format!("{second:?}").contains("tok_other_workspace"));
}

#[tokio::test]
async fn the_total_timeout_stops_retries_that_would_not_fit() {
    let server = answering(vec![
        ResponseTemplate::new(503).insert_header("Retry-After", "2"),
    ])
    .await;
    let waits = Waits::default();
    let client = builder(&server, &waits)
        .max_retries(5)
        .total_timeout(Duration::from_millis(1500))
        .build()
        .unwrap();
    let err = client.show_contact("c1").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    // A 2 s wait does not fit in 1.5 s: no retry at all.
    assert!(waits.all().is_empty(), "{:?}", waits.all());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_connection_not_made_in_time_is_a_connect_error() {
    // A listener whose accept queue is full: further connection attempts get no answer.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        if let Ok(Ok(s)) = tokio::time::timeout(
            Duration::from_millis(100),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            fillers.push(s);
        }
    }
    let client = Client::builder()
        .token(TOKEN)
        .base_url(format!("http://{addr}"))
        .connect_timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.show_contact("c1").await.unwrap_err();
    assert!(matches!(err, Error::Connect(_)), "{err:?}");
    assert!(err.is_retryable());
    drop(listener);
}

// ---------------------------------------------------------------------------------------------
// Errors

#[tokio::test]
async fn error_codes_are_typed_and_predicates_follow_them() {
    for (status, code, conflict, validation) in [
        (409, "conflict", true, false),
        (422, "data_invalid", false, true),
        (400, "parameter_invalid", false, true),
        (400, "bad_request", false, false),
        (404, "not_found", false, false),
    ] {
        let server = answering(vec![error_list(status, code, "req-1")]).await;
        let client = builder(&server, &Waits::default()).build().unwrap();
        let err = client.show_contact("c1").await.unwrap_err();
        assert_eq!(err.is_conflict(), conflict, "{status} {code}");
        assert_eq!(err.is_validation(), validation, "{status} {code}");
        assert!(!err.is_retryable());
        let api = err.api().unwrap();
        assert_eq!(api.errors[0].code, ErrorCode::from_wire(code));
        assert!(!matches!(api.errors[0].code, ErrorCode::Unknown(_)));
        assert_eq!(api.errors[0].field.as_deref(), Some("email"));
        assert!(api.headers.contains_key("content-type"));
    }
    let server = answering(vec![error_list(400, "brand_new_code", "req-2")]).await;
    let client = builder(&server, &Waits::default()).build().unwrap();
    let err = client.show_contact("c1").await.unwrap_err();
    assert_eq!(
        err.api().unwrap().errors[0].code,
        ErrorCode::Unknown("brand_new_code".into())
    );
}

// ---------------------------------------------------------------------------------------------
// Leniency where the server is known to be loose

#[tokio::test]
async fn a_missing_kind_marker_decodes_with_the_value_the_spec_fixes() {
    let server = answering(vec![
        ResponseTemplate::new(200).set_body_json(json!({"id": "x"})),
    ])
    .await;
    let client = builder(&server, &Waits::default()).build().unwrap();
    let contact = client.show_contact("x").await.unwrap();
    assert_eq!(contact.id, "x");
    assert_eq!(contact.type_, "contact");

    // Any other missing required field still fails, naming the field.
    let server = answering(vec![
        ResponseTemplate::new(200).set_body_json(json!({"type": "contact"})),
    ])
    .await;
    let client = builder(&server, &Waits::default()).build().unwrap();
    let err = client.show_contact("x").await.unwrap_err();
    assert!(
        matches!(&err, Error::Decode(e) if e.message.contains("`id`") && e.path.is_empty()),
        "{err:?}"
    );
}

/// What Intercom sends for a note's author: an admin whose `avatar` is an object. A body
/// that breaks the type names the JSON path where it broke, and the error keeps the body.
#[tokio::test]
async fn a_note_author_avatar_decodes_and_a_decode_error_names_its_path() {
    let note = |id: &str, avatar: Value| {
        json!({"type": "note", "id": id, "created_at": 1717021772, "body": "<p>Hi</p>",
               "author": {"type": "admin", "id": "991267888", "name": "Ciaran Lee",
                          "email": "admin@example.com", "avatar": avatar}})
    };
    let avatar = json!({"type": "avatar", "image_url": "https://example.org/a.png"});
    let page = json!({"type": "list", "data": [note("1", Value::Null), note("2", avatar.clone())],
                      "total_count": 2});
    let server = answering(vec![ResponseTemplate::new(200).set_body_json(&page)]).await;
    let client = builder(&server, &Waits::default()).build().unwrap();
    let notes = client.list_notes("c1", None, None).await.unwrap();
    let author = notes.data[1].author.as_ref().expect("an author");
    let image = author.avatar.as_ref().and_then(|a| a.image_url.as_deref());
    assert_eq!(image, Some("https://example.org/a.png"));
    assert!(
        notes.data[0]
            .author
            .as_ref()
            .is_some_and(|a| a.avatar.is_none())
    );

    // The shape the old description promised, a string, is where decoding now stops.
    let wrong = json!({"type": "list", "data": [note("1", Value::Null), note("2", avatar),
                       note("3", json!("https://example.org/a.png"))]});
    let server = answering(vec![ResponseTemplate::new(200).set_body_json(&wrong)]).await;
    let client = builder(&server, &Waits::default()).build().unwrap();
    let err = client.list_notes("c1", None, None).await.unwrap_err();
    let decode = err.decode().expect("a decode error");
    assert_eq!(decode.path, "data[2].author.avatar");
    assert!(
        decode.message.starts_with("invalid type: string"),
        "{}",
        decode.message
    );
    assert_eq!(decode.body, serde_json::to_vec(&wrong).unwrap());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    let line = err.to_string();
    assert!(
        line.contains("at data[2].author.avatar: invalid type: string"),
        "{line}"
    );
}

// ---------------------------------------------------------------------------------------------
// Writes are not repeated

#[tokio::test]
async fn a_post_that_fails_with_a_5xx_or_times_out_is_sent_once() {
    let body: intercom_client::types::CreateContactRequest =
        serde_json::from_value(json!({"email": "a@b.c"})).unwrap();
    for status in [500, 502, 503, 504] {
        let server = answering(vec![ResponseTemplate::new(status)]).await;
        let client = builder(&server, &Waits::default()).build().unwrap();
        let err = client.create_contact(&body).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "{status}"
        );
    }
    let server = answering(vec![
        ResponseTemplate::new(200)
            .set_delay(Duration::from_millis(400))
            .set_body_json(contact("c1")),
    ])
    .await;
    let client = builder(&server, &Waits::default())
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client.create_contact(&body).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_post_refused_with_a_429_is_sent_again() {
    let body: intercom_client::types::CreateContactRequest =
        serde_json::from_value(json!({"email": "a@b.c"})).unwrap();
    let server = answering(vec![
        ResponseTemplate::new(429).insert_header("Retry-After", "0"),
        ResponseTemplate::new(200).set_body_json(contact("c1")),
    ])
    .await;
    let client = builder(&server, &Waits::default()).build().unwrap();
    let created = client.create_contact(&body).await.unwrap();
    assert_eq!(created.id, "c1");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].body, requests[1].body,
        "the same body both times"
    );
}
