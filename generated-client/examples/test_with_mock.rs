//! Tests code that calls the client against the crate's in-process mock server
//! (`intercom_client::mock::MockServer`, with the `mock` feature): a server on `127.0.0.1`
//! generated from the same spec, which answers each operation with its example, validates
//! requests as Intercom does, takes typed overrides and scripted faults, and keeps a log of the
//! requests it received.
//!
//! The checks run from `main` here, so that the example runs as a program and needs no other
//! server:
//!
//! ```sh
//! cargo run -p intercom-client --example test_with_mock
//! ```
//!
//! In a project, put the same code in `tests/` or a `#[cfg(test)]` module, with
//! `intercom-client = { version = "0.1", features = ["mock"] }` and tokio (`macros`,
//! `rt-multi-thread`) as dev-dependencies, and make each check a test:
//!
//! ```ignore
//! #[tokio::test]
//! async fn renames_a_contact() -> Result<(), Box<dyn std::error::Error>> {
//!     renames_the_contact().await
//! }
//! ```

use std::time::Duration;

use intercom_client::mock::{Fault, MockServer};
use intercom_client::types::{Contact, UpdateContactRequest};
use intercom_client::{Client, Error, RetryPolicy};

type Outcome = Result<(), Box<dyn std::error::Error>>;

/// The code under test: a function of the application that takes the client it is given.
async fn rename(client: &Client, id: &str, name: &str) -> Result<Contact, Error> {
    let update = UpdateContactRequest {
        name: Some(Some(name.to_string())),
        ..Default::default()
    };
    Ok(client.update_contact(id, &update).await?.into_inner())
}

/// `rename` sends the new name, and returns the contact the API answers with.
async fn renames_the_contact() -> Outcome {
    let server = MockServer::start().await?;
    // A typed override: the operation's arguments in, the answer out.
    server.on_update_contact(|id, update| {
        let name = update.name.flatten();
        let contact = Contact::builder().id(id).name(name.unwrap_or_default());
        Ok(contact.build().expect("a contact needs only an id"))
    });

    let contact = rename(&server.client(), "c1", "Ann").await?;
    assert_eq!(contact.id, "c1");
    assert_eq!(contact.name.as_deref(), Some("Ann"));

    // What the server received.
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("PUT", "/contacts/c1")
    );
    assert_eq!(
        requests[0].body_json(),
        Some(serde_json::json!({"name": "Ann"}))
    );
    Ok(())
}

/// A 503 is retried, and the call succeeds on the second attempt.
async fn survives_a_503() -> Outcome {
    let server = MockServer::start().await?;
    server.fault(Fault::status(503).for_operation("show_contact"));
    // A short backoff keeps the test fast.
    let client = server
        .client_builder()
        .retry_policy(RetryPolicy::new().initial_backoff(Duration::from_millis(10)))
        .build()?;

    let contact = client.show_contact("c2").await?;
    assert_eq!(contact.id, "c2");
    let statuses: Vec<_> = server.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(503), Some(200)]);
    Ok(())
}

/// A request the spec does not allow is refused as the API would refuse it.
async fn refuses_an_unknown_api_version() -> Outcome {
    let server = MockServer::start().await?;
    let client = server.client().with_api_version("0.1")?;

    let status = client
        .show_contact("c3")
        .await
        .err()
        .and_then(|e| e.status());
    assert_eq!(
        status.map(|s| s.as_u16()),
        Some(400),
        "0.1 is not a version"
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Outcome {
    renames_the_contact().await?;
    println!("ok: renames the contact");
    survives_a_503().await?;
    println!("ok: survives a 503");
    refuses_an_unknown_api_version().await?;
    println!("ok: refuses an unknown API version");
    Ok(())
}
