//! The builder's settings on the wire: a caller's own `reqwest::Client` (redirects and the
//! timeout), `with_timeout` copies, and the `User-Agent` suffix. Timeouts are judged from the
//! error kind and the client's own attempt events, not from the wall clock.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use intercom_client::{AttemptEvent, Client, ClientBuilder, Error};
use intercom_test_support::fault_server::{Fault, FaultServer};

const TOKEN: &str = "tok_BUILDER_5d1e_never_elsewhere";
const CONTACT: &str = r#"{"type":"contact","id":"c1"}"#;
/// A response far slower than any timeout set here.
const SLOW: Duration = Duration::from_secs(5);

fn builder(url: &str) -> ClientBuilder {
    Client::builder().token(TOKEN).base_url(url).max_retries(0)
}

/// The outcome of each attempt the client reports: whether it was a timeout.
#[derive(Clone, Default)]
struct Finished(Arc<Mutex<Vec<bool>>>);

impl Finished {
    fn observe(&self, builder: ClientBuilder) -> ClientBuilder {
        let seen = self.0.clone();
        builder.on_attempt(move |event| {
            if let AttemptEvent::Finished { error, .. } = event {
                let timed_out = error.is_some_and(reqwest::Error::is_timeout);
                seen.lock().expect("the attempt list").push(timed_out);
            }
        })
    }

    fn all(&self) -> Vec<bool> {
        self.0.lock().expect("the attempt list").clone()
    }
}

/// A server that redirects every request to `elsewhere`, another port of 127.0.0.1.
async fn redirecting_to(elsewhere: &FaultServer) -> FaultServer {
    let location = format!("{}/contacts/c1", elsewhere.url());
    FaultServer::start(vec![Fault::respond(302, &[("Location", &location)], "")]).await
}

/// What `docs/reliability.md` promises a caller's client: the token never reaches another
/// origin, and another origin's answer is never the operation's result. Which redirects are
/// sent at all is the caller's policy.
#[tokio::test]
async fn a_callers_http_client_never_takes_the_token_to_another_origin() {
    let elsewhere = FaultServer::start(vec![Fault::json(200, CONTACT)]).await;
    let server = redirecting_to(&elsewhere).await;
    // reqwest's default policy follows up to ten redirects, to any origin.
    let client = builder(&server.url())
        .http_client(reqwest::Client::new())
        .build()
        .expect("a client");

    let result = client.show_contact("c1").await;

    let sent = server.recorded();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str()),
        "the first server gets the token, so its absence below means something"
    );
    // The caller's policy followed the redirect, without the token.
    let followed = elsewhere.recorded();
    assert_eq!(followed.len(), 1);
    assert_eq!(followed[0].header("authorization"), None);
    assert!(
        followed
            .iter()
            .all(|r| !r.headers.iter().any(|(_, v)| v.contains(TOKEN))),
        "{followed:?}"
    );
    // The other server's contact is not returned as this call's result.
    let err = result.expect_err("an answer from another origin is refused");
    assert!(
        matches!(&err, Error::Config(m) if m.contains("another origin")),
        "{err:?}"
    );
    assert!(!err.to_string().contains(TOKEN));
}

#[tokio::test]
async fn a_callers_http_client_without_redirects_returns_the_redirect() {
    let elsewhere = FaultServer::start(vec![Fault::json(200, CONTACT)]).await;
    let server = redirecting_to(&elsewhere).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a reqwest client");
    let client = builder(&server.url())
        .http_client(http)
        .build()
        .expect("a client");

    let err = client.show_contact("c1").await.expect_err("a 302");

    assert!(
        matches!(&err, Error::Api(api) if api.status.as_u16() == 302),
        "{err:?}"
    );
    assert_eq!(server.requests(), 1);
    assert_eq!(elsewhere.requests(), 0);
}

#[tokio::test]
async fn a_callers_http_client_follows_redirects_within_the_origin() {
    let server = FaultServer::start(Vec::new()).await;
    let location = format!("{}/contacts/moved", server.url());
    server.set_faults(vec![
        Fault::respond(301, &[("Location", &location)], ""),
        Fault::json(200, CONTACT),
    ]);
    let client = builder(&server.url())
        .http_client(reqwest::Client::new())
        .build()
        .expect("a client");

    let contact = client
        .show_contact("c1")
        .await
        .expect("the redirect is followed");

    assert_eq!(contact.id, "c1");
    let sent = server.recorded();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].target, "/contacts/moved");
    assert_eq!(
        sent[1].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[tokio::test]
async fn a_callers_http_client_gets_the_builders_timeout() {
    let server = FaultServer::start(vec![Fault::delay(SLOW, Fault::json(200, CONTACT))]).await;
    let finished = Finished::default();
    // The caller's client has no timeout of its own.
    let client = finished
        .observe(builder(&server.url()))
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(200))
        .build()
        .expect("a client");

    let err = client.show_contact("c1").await.expect_err("too slow");

    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(finished.all(), [true], "one attempt, which timed out");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn with_timeout_changes_the_copy_only() {
    let server = FaultServer::start(vec![Fault::delay(
        Duration::from_millis(300),
        Fault::json(200, CONTACT),
    )])
    .await;
    let finished = Finished::default();
    let client = finished
        .observe(builder(&server.url()))
        .timeout(SLOW)
        .build()
        .expect("a client");

    let err = client
        .with_timeout(Duration::from_millis(50))
        .show_contact("c1")
        .await
        .expect_err("the copy's timeout is shorter than the response");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    let contact = client
        .show_contact("c1")
        .await
        .expect("the original keeps its timeout");

    assert_eq!(contact.id, "c1");
    assert_eq!(finished.all(), [true, false]);
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn the_user_agent_suffix_is_sent_after_the_clients_name() {
    let server = FaultServer::start(vec![Fault::json(200, CONTACT)]).await;
    let plain = builder(&server.url()).build().expect("a client");
    let named = builder(&server.url())
        .user_agent_suffix("acme-sync/1.4 (+https://acme.example)")
        .build()
        .expect("a client");

    plain.show_contact("c1").await.expect("200");
    named.show_contact("c1").await.expect("200");

    let sent = server.recorded();
    let agents: Vec<&str> = sent
        .iter()
        .map(|r| r.header("user-agent").expect("a user agent"))
        .collect();
    assert!(agents[0].starts_with("intercom-client/"), "{agents:?}");
    assert_eq!(
        agents[1],
        format!("{} acme-sync/1.4 (+https://acme.example)", agents[0])
    );
    let err = builder(&server.url())
        .user_agent_suffix("acme\r\nX-Injected: 1")
        .build()
        .expect_err("not a header value");
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}
