//! `token_from_env`, alone in its binary: it changes the process environment, which no other
//! test may read at the same time.

mod support;

use intercom_runtime::{ClientBuilder, Error};
use support::TestClient;

const VAR: &str = "INTERCOM_RUNTIME_TEST_TOKEN";

fn from_env() -> Result<ClientBuilder<TestClient>, Error> {
    ClientBuilder::<TestClient>::new()
        .base_url("https://a.example")
        .token_from_env()
}

#[test]
fn the_token_comes_from_the_named_variable() {
    // SAFETY: this binary's only test, so no other thread reads the environment meanwhile.
    unsafe { std::env::remove_var(VAR) };
    let missing = from_env().map(|_| ()).unwrap_err().to_string();
    assert!(missing.contains(VAR), "{missing}");
    // SAFETY: as above.
    unsafe { std::env::set_var(VAR, "  \t") };
    assert!(matches!(from_env(), Err(Error::Config(_))));
    // SAFETY: as above.
    unsafe { std::env::set_var(VAR, "from-the-environment") };
    let builder = from_env().expect("the variable is set");
    let text = format!("{builder:?}");
    assert!(text.contains("token: Some(\"<redacted>\")"), "{text}");
    assert!(builder.build().is_ok());
}
