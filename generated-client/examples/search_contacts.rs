//! Searches contacts with the typed query builder, `intercom_client::search`, and walks the
//! results as a stream.
//!
//! The builder refuses, before anything is sent, a query the API documents that it rejects:
//! groups nested more than two levels deep, or more than 15 filters in one group.
//!
//! Run it against the local mock server, from the workspace root:
//!
//! ```sh
//! cargo run --bin intercom-mock &     # listening on http://127.0.0.1:4010
//! cargo run -p intercom-client --example search_contacts
//! ```
//!
//! `INTERCOM_BASE_URL` (default `http://127.0.0.1:4010`) is the server and `INTERCOM_API_KEY`
//! the access token (any value does for the mock).

use futures_util::StreamExt as _;
use intercom_client::search::{Query, SearchError, field};
use intercom_client::{Client, PageOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url =
        std::env::var("INTERCOM_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:4010".into());
    let token = std::env::var("INTERCOM_API_KEY").unwrap_or_else(|_| "mock-token".into());
    let client = Client::builder().token(token).base_url(base_url).build()?;

    // Users with an address at example.com, or anyone seen since 1 January 2024.
    let query = Query::or([
        Query::and([
            field("role").eq("user"),
            field("email").ends_with("example.com"),
        ]),
        field("last_seen_at").gt(1_704_067_200),
    ]);
    println!("query: {}", query.to_json());
    let request = query.into_request()?;

    let results = client.search_contacts_stream(&request, PageOptions::new().page_size(25));
    let mut results = std::pin::pin!(results);
    let mut count = 0;
    while let Some(contact) = results.next().await {
        let contact = contact?;
        count += 1;
        println!("{} {:?}", contact.id, contact.email);
    }
    println!("{count} contacts match");

    // Sixteen filters in one group: refused here, without a request.
    let too_many = Query::and((0..16).map(|i| field("external_id").ne(i.to_string())));
    let refused = too_many.into_request();
    println!("sixteen filters: {refused:?}");
    assert!(matches!(
        refused,
        Err(SearchError::TooManyFilters { count: 16 })
    ));
    Ok(())
}
