//! Typed overrides, scripted faults and the request log of `MockServer`, seen through the
//! client. Waits are judged by the client's own events, never by the wall clock.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use intercom_client::mock::{Fault, MockError, MockServer, TOKEN};
use intercom_client::types::{Contact, ContactList};
use intercom_client::{AttemptEvent, StatusCode};

#[tokio::test]
async fn an_override_answers_with_the_model_it_returns() {
    let server = MockServer::start().await.expect("the mock starts");
    server.on_show_contact(|id| {
        Ok(Contact::builder()
            .id(id)
            .email("ann@example.com")
            .build()
            .expect("id is set"))
    });
    let contact = server
        .client()
        .show_contact("c-7")
        .await
        .expect("the override answers")
        .into_inner();
    assert_eq!(contact.id, "c-7");
    assert_eq!(contact.email.as_deref(), Some("ann@example.com"));
}

#[tokio::test]
async fn an_override_gets_the_typed_body_and_query() {
    let server = MockServer::start().await.expect("the mock starts");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    server.on_update_contact(move |id, body| {
        log.lock()
            .expect("not poisoned")
            .push(format!("{id}: {:?}", body.name));
        Ok(Contact::builder()
            .id(id)
            .name(body.name.flatten().unwrap_or_default())
            .build()
            .expect("id is set"))
    });
    server.on_list_contacts(|per_page, starting_after| {
        assert_eq!(
            (per_page, starting_after.as_deref()),
            (Some(3), Some("cur"))
        );
        Ok(ContactList::builder()
            .data(Vec::new())
            .total_count(0)
            .build()
            .expect("complete"))
    });
    let client = server.client();
    let update = intercom_client::types::UpdateContactRequest::builder()
        .name("Ann")
        .build()
        .expect("complete");
    let updated = client
        .update_contact("c-1", &update)
        .await
        .expect("answered")
        .into_inner();
    assert_eq!(updated.name.as_deref(), Some("Ann"));
    assert_eq!(
        *seen.lock().expect("not poisoned"),
        vec!["c-1: Some(Some(\"Ann\"))".to_string()]
    );
    let page = client
        .list_contacts(Some(3), Some("cur"))
        .await
        .expect("answered")
        .into_inner();
    assert_eq!(page.total_count, Some(0));
}

#[tokio::test]
async fn an_override_can_fail_with_an_api_error() {
    let server = MockServer::start().await.expect("the mock starts");
    server.on_detach_tag_from_contact(|_, tag| {
        Err(MockError::not_found(format!("tag {tag} is not on the contact")).with_field("tag_id"))
    });
    let err = server
        .client()
        .detach_tag_from_contact("c-1", "t-1")
        .await
        .expect_err("the override fails");
    assert!(err.is_not_found(), "{err}");
    let api = err.api().expect("an API error");
    assert_eq!(api.errors[0].field.as_deref(), Some("tag_id"));
    assert!(err.request_id().is_some_and(|id| id.starts_with("mock-")));
}

#[tokio::test]
async fn a_status_fault_is_played_once_on_its_operation() {
    let server = MockServer::start().await.expect("the mock starts");
    server.fault(Fault::status(503).for_operation("show_contact"));
    let client = server
        .client_builder()
        .max_retries(0)
        .build()
        .expect("a client");
    // Another operation is not affected.
    client.list_tags().await.expect("not faulted");
    let err = client.show_contact("c-1").await.expect_err("faulted");
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(err.is_retryable());
    client
        .show_contact("c-1")
        .await
        .expect("the fault is used up");
}

#[tokio::test]
async fn a_rate_limit_fault_sends_the_headers_and_the_client_retries() {
    let server = MockServer::start().await.expect("the mock starts");
    server.fault(Fault::rate_limited(Duration::ZERO));
    let statuses = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&statuses);
    let client = server
        .client_builder()
        .max_retries(1)
        .on_attempt(move |event| {
            if let AttemptEvent::Finished { status, .. } = event {
                seen.lock().expect("not poisoned").push(*status);
            }
        })
        .build()
        .expect("a client");
    client
        .show_contact("c-1")
        .await
        .expect("the retry succeeds");
    assert_eq!(
        *statuses.lock().expect("not poisoned"),
        vec![Some(StatusCode::TOO_MANY_REQUESTS), Some(StatusCode::OK)]
    );

    server.fault(Fault::rate_limited(Duration::from_secs(60)));
    let no_retry = server
        .client_builder()
        .max_retries(0)
        .build()
        .expect("a client");
    let err = no_retry
        .show_contact("c-1")
        .await
        .expect_err("rate limited");
    assert!(err.is_rate_limited());
    let limit = &err.api().expect("an API error").rate_limit;
    assert_eq!(limit.limit, Some(10_000));
    assert_eq!(limit.remaining, Some(0));
    assert!(limit.reset.is_some());
}

#[tokio::test]
async fn a_delay_fault_outlasts_a_short_timeout() {
    let server = MockServer::start().await.expect("the mock starts");
    server.fault(Fault::delay(Duration::from_secs(30)));
    let client = server
        .client_builder()
        .max_retries(0)
        .timeout(Duration::from_millis(200))
        .build()
        .expect("a client");
    let err = client.show_contact("c-1").await.expect_err("times out");
    assert!(err.is_timeout(), "{err}");
    // The delayed request reached the server and has no answer recorded.
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].status, None);
    client
        .show_contact("c-1")
        .await
        .expect("the fault is used up");
}

#[tokio::test]
async fn the_request_log_records_requests_without_the_token() {
    let server = MockServer::start().await.expect("the mock starts");
    let client = server.client();
    client.list_contacts(Some(2), None).await.expect("answered");
    let update = intercom_client::types::UpdateContactRequest::builder()
        .email("ann@example.com")
        .build()
        .expect("complete");
    client
        .update_contact("c 1", &update)
        .await
        .expect("answered");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let list = &requests[0];
    assert_eq!(
        (list.method.as_str(), list.path.as_str()),
        ("GET", "/contacts")
    );
    assert_eq!(list.query_param("per_page"), Some("2"));
    assert_eq!(list.operation.as_deref(), Some("ListContacts"));
    assert_eq!(list.status, Some(200));
    assert_eq!(list.header("authorization"), Some("Bearer [redacted]"));
    assert_eq!(list.header("intercom-version"), Some("2.10"));

    let put = &requests[1];
    assert_eq!(
        (put.method.as_str(), put.path.as_str()),
        ("PUT", "/contacts/c%201")
    );
    assert_eq!(
        put.body_json(),
        Some(serde_json::json!({"email": "ann@example.com"}))
    );
    assert!(
        !format!("{requests:?}").contains(TOKEN),
        "the token is never recorded"
    );
    server.clear_requests();
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_panicking_override_answers_500() {
    let server = MockServer::start().await.expect("the mock starts");
    server.on_find_tag(|_| panic!("an assertion in a test's override failed"));
    let client = server
        .client_builder()
        .max_retries(0)
        .build()
        .expect("a client");
    let err = client
        .find_tag("t-1")
        .await
        .expect_err("the override panicked");
    assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    // The server goes on serving.
    client.list_tags().await.expect("answered");
}
