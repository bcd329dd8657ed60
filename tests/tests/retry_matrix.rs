//! The retry rules over the wire, as a table: for each status, each combination of the
//! wait headers and each kind of method, how many attempts the client makes and which wait it
//! announces before each retry. Waits are read from the client's own
//! [`AttemptEvent::Waiting`] events, never from the wall clock, and the policy keeps them a few
//! milliseconds long.
//!
//! The policy makes every source of a wait recognisable by its length alone:
//!
//! | source of the wait | length |
//! |---|---|
//! | `Retry-After: 0` | exactly 0 |
//! | `X-RateLimit-Reset` an hour ahead | exactly `max_wait` (30 ms), the cap |
//! | backoff before retry `n` | between half and all of `min(4 ms × 2^(n-1), 10 ms)`, never 0 |
//!
//! What the runtime's rules (`runtime/src/retry.rs`) give for the retryable statuses 408, 429,
//! 500, 502, 503 and 504:
//!
//! | headers | GET, PUT, DELETE | POST, status 429 | POST, other statuses |
//! |---|---|---|---|
//! | none | 3 attempts, backoff | 3 attempts, backoff | 1 attempt |
//! | `Retry-After: 0` | 3 attempts, waits of 0 | 3 attempts, waits of 0 | 1 attempt |
//! | `X-RateLimit-Reset` ahead | 429: 3 attempts, waits of `max_wait`; others: 3 attempts, backoff (the reset counts on a 429 only) | 3 attempts, waits of `max_wait` | 1 attempt |
//! | both | 3 attempts, waits of 0 (`Retry-After` wins) | 3 attempts, waits of 0 | 1 attempt |
//! | `X-RateLimit-Reset` past | 3 attempts, backoff | 3 attempts, backoff | 1 attempt |
//!
//! And 400, 401, 404, 409, 422 and 501, with any of those headers and any method: 1 attempt,
//! no wait.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use intercom_client::types::{CreateContactRequest, UpdateContactRequest};
use intercom_client::{AttemptEvent, Client, Error, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const INITIAL_BACKOFF: Duration = Duration::from_millis(4);
const MAX_BACKOFF: Duration = Duration::from_millis(10);
const MAX_WAIT: Duration = Duration::from_millis(30);
const MAX_RETRIES: u32 = 2;

fn policy() -> RetryPolicy {
    RetryPolicy::new()
        .max_retries(MAX_RETRIES)
        .initial_backoff(INITIAL_BACKOFF)
        .max_backoff(MAX_BACKOFF)
        .max_wait(MAX_WAIT)
}

/// The methods the matrix sends, each through an operation of the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Call {
    Get,
    Put,
    Delete,
    Post,
}

impl Call {
    const ALL: [Call; 4] = [Call::Get, Call::Put, Call::Delete, Call::Post];

    fn idempotent(self) -> bool {
        self != Call::Post
    }

    async fn send(self, client: &Client) -> Result<(), Error> {
        match self {
            Call::Get => client.show_contact("c1").await.map(drop),
            Call::Put => client
                .update_contact("c1", &UpdateContactRequest::default())
                .await
                .map(drop),
            Call::Delete => client.delete_contact("c1").await.map(drop),
            Call::Post => client
                .create_contact(&CreateContactRequest::default())
                .await
                .map(drop),
        }
    }

    fn method(self) -> &'static str {
        match self {
            Call::Get => "GET",
            Call::Put => "PUT",
            Call::Delete => "DELETE",
            Call::Post => "POST",
        }
    }
}

/// The wait headers a failing response carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Headers {
    None,
    RetryAfter,
    ResetAhead,
    Both,
    ResetPast,
}

impl Headers {
    const ALL: [Headers; 5] = [
        Headers::None,
        Headers::RetryAfter,
        Headers::ResetAhead,
        Headers::Both,
        Headers::ResetPast,
    ];

    fn apply(self, mut template: ResponseTemplate) -> ResponseTemplate {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        let ahead = (now + 3600).to_string();
        let past = (now - 3600).to_string();
        if matches!(self, Headers::RetryAfter | Headers::Both) {
            template = template.insert_header("Retry-After", "0");
        }
        match self {
            Headers::ResetAhead | Headers::Both => {
                template.insert_header("X-RateLimit-Reset", ahead.as_str())
            }
            Headers::ResetPast => template.insert_header("X-RateLimit-Reset", past.as_str()),
            Headers::None | Headers::RetryAfter => template,
        }
    }
}

/// Where a wait came from, judged by its length (see the table at the top).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wait {
    /// `Retry-After: 0`.
    RetryAfter,
    /// The rate-limit reset, capped at `max_wait`.
    Reset,
    /// Exponential backoff with jitter.
    Backoff,
}

/// The full backoff before retry `n` (1 for the first retry), before jitter.
fn full_backoff(n: u32) -> Duration {
    (INITIAL_BACKOFF * 2u32.pow(n - 1)).min(MAX_BACKOFF)
}

/// What the client did for one row of the matrix.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    attempts: usize,
    waits: Vec<Wait>,
}

/// What the rules in the table at the top say for `status`, `headers` and `call`.
fn expected(status: u16, headers: Headers, call: Call) -> Outcome {
    let retryable = matches!(status, 408 | 429 | 500 | 502 | 503 | 504);
    if !retryable || !(call.idempotent() || status == 429) {
        return Outcome {
            attempts: 1,
            waits: Vec::new(),
        };
    }
    let wait = match headers {
        Headers::RetryAfter | Headers::Both => Wait::RetryAfter,
        Headers::ResetAhead if status == 429 => Wait::Reset,
        Headers::None | Headers::ResetAhead | Headers::ResetPast => Wait::Backoff,
    };
    Outcome {
        attempts: 1 + MAX_RETRIES as usize,
        waits: vec![wait; MAX_RETRIES as usize],
    }
}

/// Classifies the announced wait before attempt `next_attempt`, failing on a length no source
/// explains.
fn classify(next_attempt: u32, delay: Duration, row: &str) -> Wait {
    let full = full_backoff(next_attempt - 1);
    if delay.is_zero() {
        Wait::RetryAfter
    } else if delay == MAX_WAIT {
        Wait::Reset
    } else if delay >= full / 2 && delay <= full {
        Wait::Backoff
    } else {
        panic!("{row}: a wait of {delay:?} before attempt {next_attempt} has no source")
    }
}

/// Attempts and waits as the client announces them: `(attempt, None)` when it sends attempt
/// `attempt`, `(next_attempt, Some(delay))` when it waits before the next one.
type Events = Arc<Mutex<Vec<(u32, Option<Duration>)>>>;

/// A server and a client of it whose events are recorded; one pair serves every row, since
/// building a client (TLS roots included) costs more than a row.
struct Bench {
    server: MockServer,
    client: Client,
    events: Events,
}

impl Bench {
    async fn start() -> Self {
        let server = MockServer::start().await;
        let events: Events = Arc::default();
        let seen = Arc::clone(&events);
        let client = Client::builder()
            .token("t")
            .base_url(server.uri())
            .retry_policy(policy())
            .on_attempt(move |event| {
                let mut seen = seen.lock().expect("the event list");
                match event {
                    AttemptEvent::Sending { attempt, .. } => seen.push((*attempt, None)),
                    AttemptEvent::Waiting {
                        next_attempt,
                        delay,
                    } => seen.push((*next_attempt, Some(*delay))),
                    _ => {}
                }
            })
            .build()
            .expect("a client");
        Bench {
            server,
            client,
            events,
        }
    }

    /// Sends `call` to the server, set to always answer `status` with `headers`, and returns
    /// the attempts the client started (checked against the requests the server saw) and the
    /// waits it announced.
    async fn run(&self, status: u16, headers: Headers, call: Call) -> Outcome {
        let row = format!("{status} {headers:?} {}", call.method());
        self.server.reset().await;
        self.events.lock().expect("the event list").clear();
        Mock::given(any())
            .respond_with(headers.apply(ResponseTemplate::new(status)))
            .mount(&self.server)
            .await;

        let err = call
            .send(&self.client)
            .await
            .expect_err("every answer fails");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{row}");

        let received = self
            .server
            .received_requests()
            .await
            .expect("recording is on");
        assert!(
            received.iter().all(|r| r.method.as_str() == call.method()),
            "{row}"
        );
        let events = self.events.lock().expect("the event list").clone();
        let attempts = events.iter().filter(|(_, d)| d.is_none()).count();
        assert_eq!(attempts, received.len(), "{row}: attempts the server saw");
        let mut waits = Vec::new();
        for (i, (n, delay)) in events.iter().enumerate() {
            // Attempts and waits alternate: attempt 1, wait, attempt 2, wait, attempt 3.
            match delay {
                None => assert_eq!(*n as usize, i / 2 + 1, "{row}: {events:?}"),
                Some(delay) => {
                    assert_eq!(*n as usize, i / 2 + 2, "{row}: {events:?}");
                    waits.push(classify(*n, *delay, &row));
                }
            }
        }
        Outcome { attempts, waits }
    }
}

#[tokio::test]
async fn retryable_statuses_by_headers_and_method() {
    let bench = Bench::start().await;
    let mut rows = Vec::new();
    for status in [408, 429, 500, 502, 503, 504] {
        for headers in Headers::ALL {
            for call in Call::ALL {
                let want = expected(status, headers, call);
                let got = bench.run(status, headers, call).await;
                if got != want {
                    rows.push(format!(
                        "{status} {headers:?} {}: expected {want:?}, got {got:?}",
                        call.method()
                    ));
                }
            }
        }
    }
    assert!(rows.is_empty(), "rows that differ:\n{}", rows.join("\n"));
}

#[tokio::test]
async fn other_errors_are_sent_exactly_once() {
    let bench = Bench::start().await;
    let mut rows = Vec::new();
    for status in [400, 401, 404, 409, 422, 501] {
        for headers in Headers::ALL {
            for call in Call::ALL {
                let got = bench.run(status, headers, call).await;
                if got.attempts != 1 || !got.waits.is_empty() {
                    rows.push(format!("{status} {headers:?} {}: {got:?}", call.method()));
                }
            }
        }
    }
    assert!(rows.is_empty(), "sent more than once:\n{}", rows.join("\n"));
}

/// The backoff before each retry grows (doubling, with jitter of at most half) and stops at
/// `max_backoff`: five retries of a 503 without wait headers.
#[tokio::test]
async fn backoff_grows_and_is_capped() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let waits: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let seen = Arc::clone(&waits);
    let client = Client::builder()
        .token("t")
        .base_url(server.uri())
        .retry_policy(policy().max_retries(5))
        .on_attempt(move |event| {
            if let AttemptEvent::Waiting { delay, .. } = event {
                seen.lock().expect("the wait list").push(*delay);
            }
        })
        .build()
        .expect("a client");
    client.show_contact("c1").await.expect_err("always 503");
    let waits = waits.lock().expect("the wait list").clone();
    assert_eq!(server.received_requests().await.unwrap().len(), 6);
    assert_eq!(waits.len(), 5, "{waits:?}");
    // Full backoffs: 4, 8, 10, 10, 10 ms; each wait is between half and all of its own.
    let full: Vec<Duration> = (1..=5).map(full_backoff).collect();
    assert_eq!(
        full,
        [4, 8, 10, 10, 10].map(Duration::from_millis),
        "the table of full backoffs"
    );
    for (i, (wait, full)) in waits.iter().zip(&full).enumerate() {
        assert!(
            *wait >= *full / 2 && *wait <= *full,
            "retry {}: waited {wait:?}, full backoff {full:?}",
            i + 1
        );
    }
    // Growth that jitter cannot hide: the third wait's floor (5 ms) is above the first wait's
    // ceiling (4 ms).
    assert!(waits[2] > waits[0], "{waits:?}");
    assert!(waits.iter().all(|w| *w <= MAX_BACKOFF), "{waits:?}");
}
