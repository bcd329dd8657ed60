//! Shows a contact, then updates it, using the three states of an update field.
//!
//! A field of `UpdateContactRequest` that the API lets you clear is an `Option<Option<T>>`:
//! `None` leaves it unchanged (it is not sent), `Some(None)` clears it (it is sent as `null`),
//! and `Some(Some(value))` sets it.
//!
//! Run it against the local mock server, from the workspace root:
//!
//! ```sh
//! cargo run --bin intercom-mock &     # listening on http://127.0.0.1:4010
//! cargo run -p intercom-client --example show_and_update_contact
//! ```
//!
//! `INTERCOM_BASE_URL` (default `http://127.0.0.1:4010`) is the server and `INTERCOM_API_KEY`
//! the access token (any value does for the mock).

use intercom_client::Client;
use intercom_client::types::UpdateContactRequest;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url =
        std::env::var("INTERCOM_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:4010".into());
    let token = std::env::var("INTERCOM_API_KEY").unwrap_or_else(|_| "mock-token".into());
    let client = Client::builder().token(token).base_url(base_url).build()?;

    let id = "6657ac5e6abd0166b52ae241";
    let contact = client.show_contact(id).await?;
    println!(
        "contact {}: email {:?}, phone {:?} (rate limit left: {:?})",
        contact.id,
        contact.email,
        contact.phone,
        contact.rate_limit().remaining
    );
    assert_eq!(contact.id, id, "the contact shown is the one asked for");

    let update = UpdateContactRequest {
        // Set: the name becomes "Joe Bloggs".
        name: Some(Some("Joe Bloggs".to_string())),
        // Clear: the phone number is removed.
        phone: Some(None),
        // Leave unchanged: the avatar is not sent at all (as every field not named here).
        avatar: None,
        ..Default::default()
    };

    // What goes on the wire: a set field with its value, a cleared one as null, and no trace of
    // the fields left unchanged.
    let body = serde_json::to_value(&update)?;
    println!("PUT /contacts/{id} {body}");
    assert_eq!(body["name"], "Joe Bloggs");
    assert!(body["phone"].is_null() && body.get("phone").is_some());
    assert!(body.get("avatar").is_none() && body.get("email").is_none());

    // The API answers with the contact as it now is (a mock server, with its example).
    let updated = client.update_contact(&contact.id, &update).await?;
    println!("updated {}: name {:?}", updated.id, updated.name);
    assert_eq!(
        updated.id, contact.id,
        "the contact updated is the one shown"
    );
    Ok(())
}
