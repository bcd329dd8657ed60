//! What a consumer's own tests can build with the `test-util` feature: responses carrying a
//! value, and each kind of error they need to fake.

use std::time::{Duration, SystemTime};

use intercom_client::header::HeaderMap;
use intercom_client::types::Contact;
use intercom_client::{ApiError, Error, ErrorCode, ErrorDetail, Response, StatusCode};
use serde_json::json;

fn contact() -> Contact {
    serde_json::from_value(json!({"type": "contact", "id": "c1", "email": "a@b.c"})).unwrap()
}

#[test]
fn responses_are_built_from_a_value() {
    let response: Response<Contact> = contact().into();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.email.as_deref(), Some("a@b.c"));
    assert!(response.raw_body().is_empty());

    let mut headers = HeaderMap::new();
    headers.insert("x-ratelimit-remaining", "9".parse().unwrap());
    let response = Response::from_parts(StatusCode::CREATED, headers, contact())
        .with_raw_body(r#"{"id":"c1"}"#);
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.rate_limit().remaining, Some(9));
    assert_eq!(response.raw_body(), br#"{"id":"c1"}"#);
}

#[test]
fn errors_are_built_for_each_kind_a_caller_handles() {
    assert!(Error::not_found().is_not_found());
    assert_eq!(
        Error::not_found().api().unwrap().errors[0].code,
        ErrorCode::NotFound
    );

    let reset = SystemTime::now() + Duration::from_secs(30);
    let limited = Error::rate_limited(reset);
    assert!(limited.is_rate_limited() && limited.is_retryable());
    let wait = limited.retry_after().unwrap();
    assert!(
        wait > Duration::from_secs(20) && wait <= Duration::from_secs(30),
        "{wait:?}"
    );
    assert_eq!(limited.api().unwrap().rate_limit.remaining, Some(0));

    assert!(Error::timeout().is_timeout() && Error::timeout().is_retryable());
    assert!(matches!(Error::connect(), Error::Connect(None)));
    assert_eq!(Error::connect().to_string(), "could not connect");

    let conflict = Error::from_api(
        ApiError::new(StatusCode::CONFLICT)
            .with_request_id("req-1")
            .with_error(
                ErrorDetail::new(
                    "conflict",
                    "A contact matching those details already exists",
                )
                .with_field("email"),
            ),
    );
    assert!(conflict.is_conflict());
    assert_eq!(conflict.request_id(), Some("req-1"));
    assert!(
        conflict.to_string().contains("(field `email`)"),
        "{conflict}"
    );
}

#[test]
fn every_model_has_a_builder_naming_a_missing_required_field() {
    let contact = Contact::builder()
        .id("c1")
        .email("a@b.c")
        .owner_id(7)
        .build()
        .unwrap();
    assert_eq!(contact.id, "c1");
    assert_eq!(contact.email.as_deref(), Some("a@b.c"));
    assert_eq!(contact.owner_id, Some(7));
    // The kind marker the spec fixes needs no setting; a list is empty unless set.
    assert_eq!(contact.type_, "contact");
    assert!(contact.custom_attributes.is_empty());

    let err = Contact::builder().email("a@b.c").build().unwrap_err();
    assert_eq!((err.type_name, err.field), ("Contact", "id"));
    assert!(err.to_string().contains("`id`"), "{err}");
}

#[test]
fn a_three_state_field_is_set_or_cleared_by_name() {
    let update = intercom_client::types::UpdateContactRequest::builder()
        .name("Joe Bloggs")
        .clear_phone()
        .build()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!({"name": "Joe Bloggs", "phone": null})
    );
}
