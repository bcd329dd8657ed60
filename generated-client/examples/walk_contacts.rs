//! Walks every contact of the workspace as a stream, 50 to a page.
//!
//! Each list operation that Intercom paginates has a `…_stream` method beside it: the stream
//! fetches the next page when the items of the one before have been read, each page through the
//! client's retries and error handling, and ends after the last page. An error ends it too, after
//! the items already read.
//!
//! Run it against the local mock server, from the workspace root:
//!
//! ```sh
//! cargo run --bin intercom-mock &     # listening on http://127.0.0.1:4010
//! cargo run -p intercom-client --example walk_contacts
//! ```
//!
//! `INTERCOM_BASE_URL` (default `http://127.0.0.1:4010`) is the server and `INTERCOM_API_KEY`
//! the access token (any value does for the mock).

use futures_util::StreamExt as _;
use intercom_client::{Client, PageOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url =
        std::env::var("INTERCOM_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:4010".into());
    let token = std::env::var("INTERCOM_API_KEY").unwrap_or_else(|_| "mock-token".into());
    let client = Client::builder().token(token).base_url(base_url).build()?;

    // `PageOptions::new().start(cursor)` would resume a walk from a saved cursor instead.
    let contacts = client.list_contacts_stream(PageOptions::new().page_size(50));
    let mut contacts = std::pin::pin!(contacts);
    let mut count = 0;
    while let Some(contact) = contacts.next().await {
        let contact = contact?;
        count += 1;
        println!("{count:>4}. {} {:?}", contact.id, contact.email);
        assert!(!contact.id.is_empty(), "every contact has an id");
    }
    println!("{count} contacts");
    assert!(count > 0, "the walk found no contact");
    Ok(())
}
