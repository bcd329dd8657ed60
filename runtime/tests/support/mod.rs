//! A minimal client over the runtime, without generated code, for the runtime's own tests.

#![allow(dead_code)] // Each test binary uses part of this.

use std::sync::{Arc, Mutex};

use std::time::Duration;

use intercom_runtime::{
    Api, ApiClient, AttemptEvent, BaseUrl, ClientBuilder, Error, Method, Request, Response,
    RetryPolicy, Runtime,
};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Two servers, so that choosing one is observable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Region {
    /// The default.
    #[default]
    First,
    /// The other one.
    Second,
}

impl BaseUrl for Region {
    fn base_url(self) -> &'static str {
        match self {
            Region::First => "https://first.example.com",
            Region::Second => "https://second.example.com/v2",
        }
    }
}

/// The client a generated crate would define, holding the runtime.
pub struct TestClient(pub Runtime);

impl ApiClient for TestClient {
    type Region = Region;
    const API: Api = Api::new(
        "1.0",
        Some("Test-Version"),
        true,
        "INTERCOM_RUNTIME_TEST_TOKEN",
        "runtime-test/1",
    );
    fn from_runtime(runtime: Runtime) -> Self {
        Self(runtime)
    }
}

/// A builder with a token, talking to `base`.
pub fn builder(base: &str) -> ClientBuilder<TestClient> {
    ClientBuilder::new().token("test-token").base_url(base)
}

/// What an observer saw, one line per event: `send 1`, `finish 1 503`, `wait 2`.
#[derive(Clone, Default)]
pub struct Events(Arc<Mutex<Vec<String>>>);

impl Events {
    /// Records into this list from `builder`'s client.
    pub fn observe(&self, builder: ClientBuilder<TestClient>) -> ClientBuilder<TestClient> {
        let list = self.0.clone();
        builder.on_attempt(move |event| {
            let line = match event {
                AttemptEvent::Sending { attempt, .. } => format!("send {attempt}"),
                AttemptEvent::Finished {
                    attempt, status, ..
                } => match status {
                    Some(s) => format!("finish {attempt} {}", s.as_u16()),
                    None => format!("finish {attempt} error"),
                },
                AttemptEvent::Waiting { next_attempt, .. } => format!("wait {next_attempt}"),
                _ => "other".to_string(),
            };
            list.lock().unwrap().push(line);
        })
    }

    /// The lines so far.
    pub fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    /// How many attempts were sent.
    pub fn sent(&self) -> usize {
        self.lines()
            .iter()
            .filter(|l| l.starts_with("send"))
            .count()
    }
}

/// Up to `retries` retries, each after a millisecond: retries without waiting in tests.
pub fn quick_retries(retries: u32) -> RetryPolicy {
    RetryPolicy::new()
        .max_retries(retries)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(1))
}

/// A server that answers every request with `template`.
pub async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

/// A header of a request the server saw, as text.
pub fn header(request: &wiremock::Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
}

/// A GET of `at`.
pub fn get(at: &'static str) -> Request {
    Request::new(Method::GET, "getThing").path(at)
}

/// Sends `request`, decoding a success body as any JSON value.
pub async fn send(client: &TestClient, request: Request) -> Result<Response<Value>, Error> {
    client.0.send(request).await
}
