//! `Client::from_env` and `ClientBuilder::token_from_env` read the documented variable,
//! `INTERCOM_API_KEY`. A test binary of its own with a single test, because the environment is
//! the process's: every change to it happens here, before any other thread starts.

use intercom_client::{Client, Error, TOKEN_ENV};
use intercom_test_support::fault_server::{Fault, FaultServer};

/// A missing or blank variable is a configuration error that names the variable.
fn assert_refused(what: &str) {
    for result in [
        Client::from_env().map(drop),
        Client::builder().token_from_env().map(drop),
    ] {
        let err = result.expect_err(what);
        assert!(matches!(&err, Error::Config(_)), "{what}: {err:?}");
        assert!(
            err.to_string().contains("INTERCOM_API_KEY"),
            "{what}: {err}"
        );
    }
}

#[test]
fn the_token_comes_from_intercom_api_key() {
    assert_eq!(TOKEN_ENV, "INTERCOM_API_KEY");

    // SAFETY: this binary's only test, and no other thread has started yet: nothing reads the
    // environment while it changes.
    unsafe { std::env::remove_var(TOKEN_ENV) };
    assert_refused("no variable");
    // SAFETY: as above.
    unsafe { std::env::set_var(TOKEN_ENV, " \t ") };
    assert_refused("a blank variable");
    // SAFETY: as above; the last change to the environment.
    unsafe { std::env::set_var(TOKEN_ENV, "tok_from_env_2c4d") };

    let client = Client::from_env().expect("the token is set");
    assert_eq!(client.base_url(), "https://api.intercom.io");
    assert!(!format!("{client:?}").contains("tok_from_env_2c4d"));

    // The token read is the one sent.
    let server =
        FaultServer::start_in_background(vec![Fault::json(200, r#"{"type":"contact","id":"c1"}"#)]);
    let client = Client::builder()
        .token_from_env()
        .expect("the token is set")
        .base_url(server.url())
        .build()
        .expect("a client");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime
        .block_on(client.show_contact("c1"))
        .expect("a contact");
    let sent = server.recorded();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].header("authorization"),
        Some("Bearer tok_from_env_2c4d")
    );
}
