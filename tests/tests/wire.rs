//! Wire tests: what each operation of the generated client puts on the wire, and how it decodes,
//! retries and fails, against a local mock server.
//!
//! One file over 500 lines on purpose: every test drives the same mock-server helpers (the
//! request renderer, the standard-header check, the spec's examples), and the tests read as
//! one table of what each operation puts on the wire.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use intercom_client::types::{Contact, ContactRole, UpdateContactRequest};
use intercom_client::{Client, ClientBuilder, Error, Region, Response, RetryPolicy};
use intercom_test_support::recording::requests;
use intercom_tests::spec_document;
use serde_json::{Value, json};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "test-token";
const SHOW_ID: &str = "6657ac5f6abd0166b52ae242";
const UPDATE_ID: &str = "6657ac5e6abd0166b52ae241";
const TAG_ID: &str = "128";

fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .max_retries(2)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(50))
        .max_wait(Duration::from_secs(3))
}

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .retry_policy(fast_retries())
}

fn client(server: &MockServer) -> Client {
    builder(server)
        .build()
        .expect("a loopback base URL is accepted")
}

/// The `successful` example of an operation's 200 response, as the spec (and so the
/// documentation page) gives it.
fn spec_example(api_path: &str, http_method: &str) -> Value {
    let spec: Value = spec_document();
    let value = spec["paths"][api_path][http_method]["responses"]["200"]["content"]
        ["application/json"]["examples"]["successful"]["value"]
        .clone();
    assert!(
        value.is_object(),
        "no example for {http_method} {api_path} in the spec"
    );
    value
}

fn show_example() -> Value {
    spec_example("/contacts/{id}", "get")
}

fn update_example() -> Value {
    spec_example("/contacts/{id}", "put")
}

fn tag_example() -> Value {
    spec_example("/contacts/{contact_id}/tags/{tag_id}", "delete")
}

fn ok_json(body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn error_list(status: u16, code: &str, message: &str, request_id: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "type": "error.list",
        "request_id": request_id,
        "errors": [{"code": code, "message": message}],
    }))
}

/// The only request the server saw.
async fn single_request(server: &MockServer) -> Request {
    let mut all = requests(server).await;
    assert_eq!(all.len(), 1, "expected exactly one request, got {all:?}");
    all.remove(0)
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers
        .get(name)
        .map(|v| v.to_str().expect("ASCII header"))
}

fn all_header_values<'a>(req: &'a Request, name: &str) -> Vec<&'a str> {
    req.headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().expect("ASCII header"))
        .collect()
}

/// The headers every operation must send, each exactly once.
fn assert_standard_headers(req: &Request, version: &str) {
    for (name, want) in [
        ("authorization", "Bearer test-token"),
        ("intercom-version", version),
        ("accept", "application/json"),
    ] {
        assert_eq!(all_header_values(req, name), [want], "header {name}");
    }
    let ua = all_header_values(req, "user-agent");
    assert_eq!(ua.len(), 1, "one user-agent: {ua:?}");
    assert!(ua[0].starts_with("intercom-client/"), "user-agent {ua:?}");
}

/// A reviewer's view of a request: method, path and query, headers sorted by name (without
/// `host`, whose port changes from run to run), and the body as pretty JSON.
fn render(req: &Request) -> String {
    let mut out = format!("{} {}", req.method, req.url.path());
    if let Some(q) = req.url.query() {
        out.push('?');
        out.push_str(q);
    }
    out.push('\n');
    let mut headers: Vec<(String, String)> = req
        .headers
        .iter()
        .filter(|(name, _)| name.as_str() != "host")
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                value.to_str().expect("ASCII header").to_string(),
            )
        })
        .collect();
    headers.sort();
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\n"));
    }
    out.push('\n');
    if req.body.is_empty() {
        out.push_str("(no body)\n");
    } else {
        let body: Value = serde_json::from_slice(&req.body).expect("the body is JSON");
        out.push_str(&serde_json::to_string_pretty(&body).expect("JSON prints"));
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The request each operation sends

#[tokio::test]
async fn show_contact_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_json(&show_example()))
        .mount(&server)
        .await;

    client(&server).show_contact(SHOW_ID).await.expect("200");

    let req = single_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), format!("/contacts/{SHOW_ID}"));
    assert_eq!(req.url.query(), None);
    assert_standard_headers(&req, "2.10");
    assert!(req.body.is_empty(), "a GET has no body");
    insta::assert_snapshot!("show_contact_request", render(&req));
}

#[tokio::test]
async fn update_contact_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_json(&update_example()))
        .mount(&server)
        .await;
    // The documentation page's example request: change the email and name.
    let update = UpdateContactRequest {
        email: Some("joebloggs@intercom.io".into()),
        name: Some(Some("joe bloggs".into())),
        ..Default::default()
    };

    client(&server)
        .update_contact(UPDATE_ID, &update)
        .await
        .expect("200");

    let req = single_request(&server).await;
    assert_eq!(req.method.as_str(), "PUT");
    assert_eq!(req.url.path(), format!("/contacts/{UPDATE_ID}"));
    assert_eq!(req.url.query(), None);
    assert_standard_headers(&req, "2.10");
    assert_eq!(header(&req, "content-type"), Some("application/json"));
    assert_eq!(
        std::str::from_utf8(&req.body).unwrap(),
        r#"{"email":"joebloggs@intercom.io","name":"joe bloggs"}"#
    );
    insta::assert_snapshot!("update_contact_request", render(&req));
}

#[tokio::test]
async fn detach_tag_from_contact_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_json(&tag_example()))
        .mount(&server)
        .await;

    client(&server)
        .detach_tag_from_contact(UPDATE_ID, TAG_ID)
        .await
        .expect("200");

    let req = single_request(&server).await;
    assert_eq!(req.method.as_str(), "DELETE");
    assert_eq!(
        req.url.path(),
        format!("/contacts/{UPDATE_ID}/tags/{TAG_ID}")
    );
    assert_eq!(req.url.query(), None);
    assert_standard_headers(&req, "2.10");
    assert!(req.body.is_empty(), "a DELETE has no body");
    insta::assert_snapshot!("detach_tag_from_contact_request", render(&req));
}

// ---------------------------------------------------------------------------------------------
// Decoding the documentation page's examples

#[tokio::test]
async fn show_contact_decodes_the_page_example() {
    let server = MockServer::start().await;
    let served = show_example();
    Mock::given(method("GET"))
        .and(path(format!("/contacts/{SHOW_ID}")))
        .respond_with(
            ok_json(&served)
                .insert_header("X-RateLimit-Limit", "10000")
                .insert_header("X-RateLimit-Remaining", "9999")
                .insert_header("X-RateLimit-Reset", "1717021800")
                .insert_header("X-Request-Id", "req-show-1"),
        )
        .mount(&server)
        .await;

    let contact = client(&server).show_contact(SHOW_ID).await.expect("200");

    assert_eq!(contact.status(), 200);
    assert_eq!(contact.id, SHOW_ID);
    assert_eq!(contact.type_, "contact");
    assert_eq!(contact.email.as_deref(), Some("joe@bloggs.com"));
    assert_eq!(contact.name.as_deref(), Some("Joe Bloggs"));
    assert_eq!(contact.external_id.as_deref(), Some("70"));
    assert_eq!(contact.role, Some(ContactRole::User));
    assert_eq!(contact.phone, None);
    assert_eq!(contact.created_at, Some(1_717_021_791));
    assert_eq!(contact.has_hard_bounced, Some(false));
    let tags = contact.tags.as_ref().expect("tags");
    assert_eq!(tags.total_count, Some(0));
    assert_eq!(
        tags.url.as_deref(),
        Some("/contacts/6657ac5f6abd0166b52ae242/tags")
    );
    assert_eq!(
        contact.location.as_ref().and_then(|l| l.type_.as_deref()),
        Some("location")
    );
    assert!(contact.custom_attributes.is_empty());

    let rate = contact.rate_limit();
    assert_eq!(
        (rate.limit, rate.remaining, rate.reset),
        (Some(10000), Some(9999), Some(1_717_021_800))
    );
    assert_eq!(contact.request_id(), Some("req-show-1"));
    let raw: Value = serde_json::from_slice(contact.raw_body()).expect("raw body is JSON");
    assert_eq!(raw, served);
}

#[tokio::test]
async fn update_contact_decodes_the_page_example() {
    let server = MockServer::start().await;
    let served = update_example();
    Mock::given(method("PUT"))
        .and(path(format!("/contacts/{UPDATE_ID}")))
        .respond_with(ok_json(&served))
        .mount(&server)
        .await;

    let contact = client(&server)
        .update_contact(UPDATE_ID, &UpdateContactRequest::default())
        .await
        .expect("200");

    assert_eq!(contact.id, UPDATE_ID);
    assert_eq!(contact.email.as_deref(), Some("joebloggs@intercom.io"));
    assert_eq!(contact.name.as_deref(), Some("joe bloggs"));
    assert_eq!(contact.role, Some(ContactRole::User));
    assert_eq!(contact.tags.as_ref().and_then(|t| t.total_count), Some(0));
    assert_eq!(contact.created_at, Some(1_717_021_790));
    assert_eq!(
        contact.workspace_id.as_deref(),
        Some("this_is_an_id248_that_should_be_at_least_")
    );
    let raw: Value = serde_json::from_slice(contact.raw_body()).expect("raw body is JSON");
    assert_eq!(raw, served);
}

#[tokio::test]
async fn detach_tag_decodes_the_page_example() {
    let server = MockServer::start().await;
    let served = tag_example();
    Mock::given(method("DELETE"))
        .and(path(format!("/contacts/{UPDATE_ID}/tags/{TAG_ID}")))
        .respond_with(ok_json(&served))
        .mount(&server)
        .await;

    let tag = client(&server)
        .detach_tag_from_contact(UPDATE_ID, TAG_ID)
        .await
        .expect("200");

    assert_eq!(tag.id, TAG_ID);
    assert_eq!(tag.name, "Manual tag");
    assert_eq!(tag.type_, "tag");
    assert_eq!(tag.applied_at, None);
    let raw: Value = serde_json::from_slice(tag.raw_body()).expect("raw body is JSON");
    assert_eq!(raw, served);
}

// ---------------------------------------------------------------------------------------------
// API version

#[tokio::test]
async fn api_version_can_be_overridden_per_client_and_per_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_json(&show_example()))
        .mount(&server)
        .await;

    let base = client(&server);
    let pinned = builder(&server).api_version("2.11").build().unwrap();
    let per_request = base.with_api_version("2.9").expect("a valid header value");
    base.show_contact(SHOW_ID).await.unwrap();
    pinned.show_contact(SHOW_ID).await.unwrap();
    per_request.show_contact(SHOW_ID).await.unwrap();
    // The override is a copy: the client it came from keeps its version.
    base.show_contact(SHOW_ID).await.unwrap();

    let versions: Vec<Vec<String>> = requests(&server)
        .await
        .iter()
        .map(|r| {
            all_header_values(r, "intercom-version")
                .into_iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    assert_eq!(versions, [["2.10"], ["2.11"], ["2.9"], ["2.10"]]);
}

#[tokio::test]
async fn an_api_version_that_is_not_a_header_value_is_refused() {
    let server = MockServer::start().await;
    let base = client(&server);
    assert!(matches!(
        base.with_api_version("2.10\r\nX-Evil: 1"),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        builder(&server).api_version("2.10\n").build(),
        Err(Error::Config(_))
    ));
}

// ---------------------------------------------------------------------------------------------
// Regions

#[test]
fn regions_have_the_spec_servers() {
    assert_eq!(Region::Us.base_url(), "https://api.intercom.io");
    assert_eq!(Region::Eu.base_url(), "https://api.eu.intercom.io");
    assert_eq!(Region::Au.base_url(), "https://api.au.intercom.io");
    assert_eq!(Region::default(), Region::Us);
    assert_eq!(Region::ALL, [Region::Us, Region::Eu, Region::Au]);

    assert_eq!(Region::from_name("EU"), Some(Region::Eu));
    assert_eq!(Region::from_name("au"), Some(Region::Au));
    assert_eq!(Region::from_name("Us"), Some(Region::Us));
    assert_eq!(Region::from_name("mars"), None);
    assert_eq!(Region::from_name(""), None);
}

#[test]
fn the_builder_picks_the_region_server_unless_a_base_url_is_given() -> Result<(), Error> {
    let base = |b: ClientBuilder| b.token(TOKEN).build().map(|c| c.base_url().to_string());
    assert_eq!(base(Client::builder())?, "https://api.intercom.io");
    for region in Region::ALL {
        assert_eq!(base(Client::builder().region(*region))?, region.base_url());
    }
    assert_eq!(
        Client::builder().region(Region::Eu).build()?.base_url(),
        "https://api.eu.intercom.io"
    );
    assert_eq!(
        base(
            Client::builder()
                .region(Region::Au)
                .base_url("http://127.0.0.1:9/")
        )?,
        "http://127.0.0.1:9",
        "a base URL wins over the region, without its trailing slash"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Retries and errors

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

#[tokio::test]
async fn a_429_waits_until_the_rate_limit_reset_then_succeeds() {
    let server = MockServer::start().await;
    // `X-RateLimit-Reset` has whole-second resolution, so "now + 1" can be as little as a few
    // milliseconds away; "now + 2" is always more than one second away.
    let reset = unix_now() + 2;
    Mock::given(any())
        .respond_with(
            error_list(429, "rate_limit_exceeded", "Exceeded rate limit", "req-429")
                .insert_header("X-RateLimit-Reset", reset.to_string().as_str())
                .insert_header("X-RateLimit-Remaining", "0"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ok_json(&show_example()))
        .mount(&server)
        .await;

    let started = Instant::now();
    let contact = client(&server).show_contact(SHOW_ID).await;
    let elapsed = started.elapsed();

    let done = SystemTime::now();

    assert_eq!(contact.expect("the retry succeeds").id, SHOW_ID);
    assert_eq!(requests(&server).await.len(), 2);
    // Backoff alone would wait at most 50 ms, and would not reach the reset second: only the
    // header explains it. Measured against the clock rather than from the start, so that a
    // busy machine's delay before the call does not count as waiting.
    let reset_at = UNIX_EPOCH + Duration::from_secs(reset);
    assert!(
        done + Duration::from_millis(20) >= reset_at,
        "answered {:?} before the reset",
        reset_at.duration_since(done).unwrap_or_default()
    );
    assert!(elapsed < Duration::from_secs(3), "waited {elapsed:?}");
}

#[tokio::test]
async fn a_503_is_retried_then_reported_with_its_request_id() {
    let server = MockServer::start().await;
    let request_id = "req_0a1b-not-a-uuid:42";
    Mock::given(any())
        .respond_with(error_list(
            503,
            "service_unavailable",
            "Sorry, the API service is temporarily unavailable",
            request_id,
        ))
        .mount(&server)
        .await;

    let err = client(&server).show_contact(SHOW_ID).await.unwrap_err();

    assert_eq!(
        requests(&server).await.len(),
        3,
        "one attempt and two retries"
    );
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(api.status, 503);
    assert_eq!(api.request_id.as_deref(), Some(request_id));
    assert_eq!(err.request_id(), Some(request_id));
    assert_eq!(api.errors[0].code, "service_unavailable");
}

#[tokio::test]
async fn a_404_is_not_retried_and_reads_as_one_line() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(error_list(
            404,
            "not_found",
            "User Not Found",
            "b3e8f6a0-req-404",
        ))
        .mount(&server)
        .await;

    let err = client(&server).show_contact(SHOW_ID).await.unwrap_err();

    assert_eq!(requests(&server).await.len(), 1);
    assert!(err.is_not_found(), "{err:?}");
    assert!(!err.is_unauthorized() && !err.is_rate_limited() && !err.is_timeout());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let api = err.api().expect("an API error");
    assert_eq!(api.errors.len(), 1);
    assert_eq!(api.errors[0].code, "not_found");
    assert_eq!(api.errors[0].message.as_deref(), Some("User Not Found"));
    let shown = err.to_string();
    assert!(!shown.contains('\n') && !shown.contains('\r'), "{shown:?}");
    for part in ["404", "not_found", "User Not Found", "b3e8f6a0-req-404"] {
        assert!(shown.contains(part), "{shown:?} lacks {part:?}");
    }
}

#[tokio::test]
async fn a_401_is_unauthorized_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(error_list(
            401,
            "unauthorized",
            "Access Token Invalid",
            "req-401",
        ))
        .mount(&server)
        .await;

    let err = client(&server)
        .detach_tag_from_contact(UPDATE_ID, TAG_ID)
        .await
        .unwrap_err();

    assert!(err.is_unauthorized(), "{err:?}");
    assert!(!err.is_not_found());
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn max_retries_zero_sends_once() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;

    let err = builder(&server)
        .max_retries(0)
        .build()
        .unwrap()
        .show_contact(SHOW_ID)
        .await
        .unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// The update body: absent, null, or a value

#[tokio::test]
async fn update_body_sends_null_for_cleared_fields_and_omits_absent_ones() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_json(&update_example()))
        .mount(&server)
        .await;
    let c = client(&server);
    let clear_phone = UpdateContactRequest {
        phone: Some(None),
        name: Some(Some("x".into())),
        ..Default::default()
    };

    c.update_contact(UPDATE_ID, &clear_phone).await.unwrap();
    c.update_contact(UPDATE_ID, &UpdateContactRequest::default())
        .await
        .unwrap();

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2);
    // Comparing values, not text, so member order does not matter; equality of objects
    // still means no other member was sent.
    let first: Value = serde_json::from_slice(&reqs[0].body).unwrap();
    assert_eq!(first, json!({"phone": null, "name": "x"}));
    assert_eq!(std::str::from_utf8(&reqs[1].body).unwrap(), "{}");
}

// ---------------------------------------------------------------------------------------------
// Forward compatibility

async fn serve_contact(body: Value) -> Result<Response<Contact>, Error> {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_json(&body))
        .mount(&server)
        .await;
    client(&server).show_contact(SHOW_ID).await
}

/// A success status the spec does not list still carries the contact.
#[tokio::test]
async fn an_unlisted_success_status_decodes_as_the_operation_result() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(202).set_body_json(show_example()))
        .mount(&server)
        .await;
    let contact = client(&server)
        .show_contact(SHOW_ID)
        .await
        .expect("a 202 with a contact");
    assert_eq!(contact.status(), 202);
    assert_eq!(contact.id, SHOW_ID);
}

#[tokio::test]
async fn unknown_members_and_unknown_roles_decode() {
    let mut served = show_example();
    served["role"] = json!("visitor");
    served["added_in_a_later_version"] = json!({"nested": [1, 2, 3]});

    let contact = serve_contact(served.clone()).await.expect("decodes");

    assert_eq!(contact.role, Some(ContactRole::Unknown("visitor".into())));
    assert_eq!(
        contact.role.as_ref().map(ContactRole::as_str),
        Some("visitor")
    );
    assert_eq!(contact.email.as_deref(), Some("joe@bloggs.com"));
    // The member the model lacks is still there for the caller who needs it.
    let raw: Value = serde_json::from_slice(contact.raw_body()).unwrap();
    assert_eq!(raw, served);
}

#[tokio::test]
async fn missing_optional_members_decode() {
    let contact = serve_contact(json!({"type": "contact", "id": "c1"}))
        .await
        .expect("decodes");

    assert_eq!(contact.id, "c1");
    assert_eq!(contact.email, None);
    assert_eq!(contact.role, None);
    assert_eq!(contact.tags, None);
    assert!(contact.custom_attributes.is_empty());
}

#[tokio::test]
async fn explicit_nulls_decode() {
    // Every member of the page's example set to null, except the two required ones.
    let mut served = show_example();
    for (name, value) in served.as_object_mut().unwrap() {
        if !["type", "id"].contains(&name.as_str()) {
            *value = Value::Null;
        }
    }

    let contact = serve_contact(served).await.expect("decodes");

    assert_eq!(contact.id, SHOW_ID);
    assert_eq!(contact.email, None);
    assert_eq!(contact.role, None);
    assert_eq!(contact.tags, None);
    assert_eq!(contact.location, None);
    assert_eq!(contact.created_at, None);
    assert_eq!(contact.has_hard_bounced, None);
    assert!(contact.custom_attributes.is_empty());
}

/// `custom_attributes` and the lists' `data` are containers, not `Option`s; `null` there decodes
/// as empty instead of failing the whole response.
#[tokio::test]
async fn null_containers_decode_as_empty() {
    let mut served = show_example();
    served["custom_attributes"] = Value::Null;
    served["tags"]["data"] = Value::Null;

    let contact = serve_contact(served).await.expect("decodes");

    assert!(contact.custom_attributes.is_empty());
    assert!(contact.tags.as_ref().expect("tags").data.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Path parameters

#[tokio::test]
async fn path_parameters_that_cannot_be_one_segment_are_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_json(&show_example()))
        .mount(&server)
        .await;
    let c = client(&server);

    for id in ["..", ".", ""] {
        let err = c.show_contact(id).await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{id:?}: {err:?}");
        let err = c
            .update_contact(id, &UpdateContactRequest::default())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{id:?}: {err:?}");
    }
    for (contact_id, tag_id) in [("c1", ".."), ("..", "t1"), ("c1", ""), (".", "t1")] {
        let err = c
            .detach_tag_from_contact(contact_id, tag_id)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest(_)),
            "{contact_id:?}/{tag_id:?}: {err:?}"
        );
    }

    assert_eq!(requests(&server).await.len(), 0, "nothing was sent");
}

#[tokio::test]
async fn reserved_characters_stay_inside_the_segment() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_json(&show_example()))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ok_json(&tag_example()))
        .with_priority(1)
        .mount(&server)
        .await;
    let c = client(&server);

    c.show_contact("a/b?c#d").await.unwrap();
    c.show_contact("../admins").await.unwrap();
    c.detach_tag_from_contact("a b", "t/1").await.unwrap();

    let seen: Vec<(String, Option<String>)> = requests(&server)
        .await
        .iter()
        .map(|r| (r.url.path().to_string(), r.url.query().map(str::to_string)))
        .collect();
    assert_eq!(
        seen,
        [
            ("/contacts/a%2Fb%3Fc%23d".to_string(), None),
            ("/contacts/..%2Fadmins".to_string(), None),
            ("/contacts/a%20b/tags/t%2F1".to_string(), None),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// The token

#[test]
fn debug_output_never_shows_the_token() {
    let secret = "tok_s3cr3t_value_9f8e";
    let builder = Client::builder()
        .token(secret)
        .base_url("http://127.0.0.1:1");
    let shown_builder = format!("{builder:?}");
    let client = builder.build().unwrap();
    let shown_client = format!("{client:?}");
    let shown_pretty = format!("{client:#?}");

    for shown in [&shown_builder, &shown_client, &shown_pretty] {
        assert!(!shown.contains(secret), "{shown}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }
    // The redaction is visible, so a reader knows a token is set.
    assert!(shown_builder.contains("redacted"), "{shown_builder}");
    assert!(shown_client.contains("redacted"), "{shown_client}");
}

#[test]
fn the_token_is_never_sent_over_plain_http_to_another_host() {
    for url in [
        "http://example.com",
        "http://localhost.example.com:1",
        "http://127.0.0.1.nip.io",
        "http://10.0.0.1:8080",
    ] {
        let err = Client::builder()
            .token(TOKEN)
            .base_url(url)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{url}: {err:?}");
        assert!(!err.to_string().contains(TOKEN), "{err}");
    }
    // Without a token there is nothing to leak.
    assert!(
        Client::builder()
            .base_url("http://example.com")
            .build()
            .is_ok()
    );
    for url in [
        "http://127.0.0.1:1",
        "http://localhost:1",
        "http://LOCALHOST:1",
        "http://[::1]:1",
        "http://127.1.2.3:1",
        "https://example.com",
    ] {
        let built = Client::builder().token(TOKEN).base_url(url).build();
        assert!(built.is_ok(), "{url}: {:?}", built.err());
    }
}

#[test]
fn unusable_base_urls_and_tokens_are_configuration_errors() {
    for url in [
        "not a url",
        "ftp://example.com",
        "https://user:pw@example.com",
        "https://example.com/?q=1",
        "https://example.com/#f",
    ] {
        let err = Client::builder()
            .token(TOKEN)
            .base_url(url)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{url}: {err:?}");
    }
    for token in ["", "   ", "bad\ntoken"] {
        let err = Client::builder().token(token).build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{token:?}: {err:?}");
    }
}
