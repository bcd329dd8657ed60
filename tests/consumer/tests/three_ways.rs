//! A consumer's tests, through `intercom-client`'s public API only (features `mock` and
//! `test-util`): a model from its builder, values from the test-util constructors, and the mock
//! server answering the client.

use intercom_client::mock::MockServer;
use intercom_client::types::{Contact, UpdateContactRequest};
use intercom_client::{Error, Response, StatusCode};

/// Code under test: the greeting for a contact, or a fallback when it is gone.
async fn greeting(client: &intercom_client::Client, id: &str) -> Result<String, Error> {
    match client.show_contact(id).await {
        Ok(contact) => Ok(format!(
            "Hello, {}",
            contact.name.as_deref().unwrap_or("there")
        )),
        Err(e) if e.is_not_found() => Ok("Hello, stranger".to_string()),
        Err(e) => Err(e),
    }
}

#[test]
fn a_model_from_its_builder() {
    let contact = Contact::builder()
        .id("c-1")
        .name("Ann")
        .build()
        .expect("id is set");
    assert_eq!(contact.id, "c-1");
    assert_eq!(contact.name.as_deref(), Some("Ann"));
}

#[test]
fn responses_and_errors_from_test_util() {
    let contact = Contact::builder().id("c-1").build().expect("id is set");
    let response: Response<Contact> = contact.into();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.into_inner().id, "c-1");
    let err = Error::not_found();
    assert!(err.is_not_found());
}

#[tokio::test]
async fn the_client_against_the_mock() {
    let server = MockServer::start().await.expect("the mock starts");
    let client = server.client();

    let shown = client
        .show_contact("c-42")
        .await
        .expect("shown")
        .into_inner();
    assert_eq!(shown.id, "c-42");

    let update = UpdateContactRequest::builder()
        .name("Ann")
        .build()
        .expect("complete");
    let updated = client
        .update_contact("c-42", &update)
        .await
        .expect("updated")
        .into_inner();
    assert_eq!(updated.id, "c-42");

    let tag = client
        .detach_tag_from_contact("c-42", "t-7")
        .await
        .expect("detached")
        .into_inner();
    assert_eq!(tag.id, "t-7");

    // The mock's answer drives the code under test; an override makes the contact gone.
    assert!(
        greeting(&client, "c-42")
            .await
            .expect("a greeting")
            .starts_with("Hello, ")
    );
    server.on_show_contact(|id| {
        Err(intercom_client::mock::MockError::not_found(format!(
            "no contact {id}"
        )))
    });
    assert_eq!(
        greeting(&client, "c-42").await.expect("a greeting"),
        "Hello, stranger"
    );
}
