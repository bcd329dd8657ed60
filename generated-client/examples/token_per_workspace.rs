//! One base client, and one client per workspace token made from it with `Client::with_token`,
//! for an application installed in many Intercom workspaces. The copies share the base client's
//! connection pool and every other setting (base URL, timeouts, retries, user agent).
//!
//! Run it against the local mock server, from the workspace root:
//!
//! ```sh
//! cargo run --bin intercom-mock &     # listening on http://127.0.0.1:4010
//! cargo run -p intercom-client --example token_per_workspace
//! ```
//!
//! `INTERCOM_BASE_URL` (default `http://127.0.0.1:4010`) is the server and `INTERCOM_API_KEY`
//! the base client's access token (any value does for the mock).

use std::collections::BTreeMap;
use std::time::Duration;

use intercom_client::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url =
        std::env::var("INTERCOM_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:4010".into());
    let token = std::env::var("INTERCOM_API_KEY").unwrap_or_else(|_| "mock-token".into());
    // Built once, at start-up, with the settings every workspace shares.
    let base = Client::builder()
        .token(token)
        .base_url(base_url)
        .timeout(Duration::from_secs(10))
        .user_agent_suffix("example-app/1.0")
        .build()?;

    // In an application, each workspace's token comes from where its installation stored it.
    let tokens = [("acme", "token-of-acme"), ("globex", "token-of-globex")];
    let mut clients = BTreeMap::new();
    for (workspace, token) in tokens {
        clients.insert(workspace, base.with_token(token)?);
    }

    for (workspace, client) in &clients {
        let me = client.identify_admin().await?;
        println!("{workspace}: signed in as {:?} ({:?})", me.name, me.email);
        assert_eq!(
            client.base_url(),
            base.base_url(),
            "the copy keeps the base URL"
        );
    }

    // A token that cannot be sent is refused when the copy is made, not on its first call.
    let refused = base.with_token("");
    assert!(matches!(refused, Err(Error::Config(_))), "{refused:?}");
    Ok(())
}
