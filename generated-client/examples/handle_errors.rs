//! Tells apart the errors an application handles differently: not found, rate limited (with the
//! wait the API asks for and the rate-limit headers it sent), and a request the API rejected as
//! invalid, by matching on the client's one error type, `intercom_client::Error`.
//!
//! Run it against the local mock server, from the workspace root:
//!
//! ```sh
//! cargo run --bin intercom-mock &     # listening on http://127.0.0.1:4010
//! cargo run -p intercom-client --example handle_errors
//! ```
//!
//! `INTERCOM_BASE_URL` (default `http://127.0.0.1:4010`) is the server and `INTERCOM_API_KEY`
//! the access token (any value does for the mock). The validation error comes from that server:
//! it checks each request against the spec, as Intercom does. The `intercom-mock` program
//! cannot be told from outside to answer 404 or 429, so for those two the example starts the
//! crate's in-process mock server (the `mock` feature) and scripts them there.

use std::time::Duration;

use intercom_client::mock::{Fault, MockError, MockServer};
use intercom_client::{Client, Error};

/// What the application does about a failed call.
#[derive(Debug, PartialEq)]
enum Next {
    /// The object is gone: forget it, or tell the user.
    Forget,
    /// Over the rate limit: try again after `wait`.
    RetryAfter {
        wait: Duration,
        remaining: Option<u64>,
    },
    /// The request itself is wrong: fix these fields, do not retry as is.
    Fix { fields: Vec<String> },
    /// A failure that may pass (a timeout, a refused connection, a 5xx): retry later.
    RetryLater,
    /// Anything else: report it.
    Report,
}

/// The decision, by the kind of error.
fn next_step(error: &Error) -> Next {
    match error {
        Error::Api(_) if error.is_not_found() => Next::Forget,
        Error::Api(api) if error.is_rate_limited() => Next::RetryAfter {
            // `retry_after` reads `Retry-After`, or on a 429 the time until `X-RateLimit-Reset`.
            wait: error.retry_after().unwrap_or(Duration::from_secs(10)),
            remaining: api.rate_limit.remaining,
        },
        Error::Api(api) if error.is_validation() => Next::Fix {
            fields: api.errors.iter().filter_map(|e| e.field.clone()).collect(),
        },
        Error::Timeout(_) | Error::Connect(_) => Next::RetryLater,
        _ if error.is_retryable() => Next::RetryLater,
        _ => Next::Report,
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url =
        std::env::var("INTERCOM_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:4010".into());
    let token = std::env::var("INTERCOM_API_KEY").unwrap_or_else(|_| "mock-token".into());
    let client = Client::builder().token(token).base_url(base_url).build()?;

    // Validation: a page of conversations holds at most 150.
    let error = client
        .list_conversations(Some(500), None)
        .await
        .expect_err("a page of 500 conversations is refused");
    println!("validation: {error}");
    assert_eq!(
        next_step(&error),
        Next::Fix {
            fields: vec!["per_page".to_string()]
        }
    );

    // Not found and rate limited, scripted on an in-process mock server.
    let server = MockServer::start().await?;
    server.on_show_contact(|id| Err(MockError::not_found(format!("no contact {id}"))));
    server.fault(Fault::rate_limited(Duration::from_secs(30)).for_operation("list_contacts"));
    // Without retries, so that the 429 comes back at once instead of being waited out (by
    // default the client retries twice, after the wait the API asks for).
    let scripted = server.client_builder().max_retries(0).build()?;

    let error = scripted
        .show_contact("no-such-contact")
        .await
        .expect_err("the contact does not exist");
    println!("not found: {error}");
    assert_eq!(next_step(&error), Next::Forget);
    assert!(error.request_id().is_some(), "the error names the request");

    let error = scripted
        .list_contacts(None, None)
        .await
        .expect_err("the rate limit is exceeded");
    println!("rate limited: {error}");
    match next_step(&error) {
        Next::RetryAfter { wait, remaining } => {
            println!("retry in {wait:?}; {remaining:?} requests left");
            assert!(wait > Duration::ZERO && wait <= Duration::from_secs(31));
            assert_eq!(remaining, Some(0));
        }
        other => panic!("expected to wait and retry, not {other:?}"),
    }
    Ok(())
}
