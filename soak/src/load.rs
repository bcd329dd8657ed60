//! Sending the calls: a fixed number of tasks take call numbers in turn, make each call under
//! its deadline, and hold what happened against the script and the server's record.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use intercom_client::types::{CreateContactRequest, CreateNoteRequest};
use intercom_client::{Client, Error, ErrorCode, RequestOptions};
use tokio::task::JoinSet;

use crate::script::{self, Fault, Op, Outcome};
use crate::server::{CallRecord, Server};
use crate::stats::Histogram;
use crate::wire::CALL_HEADER;

/// The contact every call names.
pub const CONTACT_ID: &str = "6657ac5f6abd0166b52ae242";

/// Examples of failures kept for the report; the counts go on past them.
const EXAMPLES: usize = 10;

/// What the calls of a run came to.
#[derive(Clone, Default)]
pub struct Tally {
    /// Calls made, by operation and outcome ([`Op::index`], [`Outcome::index`]); calls that
    /// missed their deadline or ended with an error of another kind are not in it.
    pub outcomes: [[u64; 5]; 3],
    /// Calls that ended after their deadline (they were cancelled at it).
    pub deadline_missed: u64,
    /// Calls that ended with an error of a kind the faults do not explain (or a 429 without
    /// its `retry_after`, a 503 without its error code).
    pub unexpected: u64,
    /// Calls whose outcome or number of requests is not the one the script and the retry
    /// policy make.
    pub mismatched: u64,
    /// Calls the server received a `POST` of again after a 503, a reset or a slow answer.
    pub resent_posts: u64,
    /// Requests the server received for the calls.
    pub requests: u64,
    /// How long each call took.
    pub latency: Histogram,
    /// The first failures, described.
    pub examples: Vec<String>,
}

impl Tally {
    /// Calls counted.
    pub fn calls(&self) -> u64 {
        self.outcomes.iter().flatten().sum::<u64>() + self.deadline_missed + self.unexpected
    }

    /// Calls of `op`, whatever their end.
    pub fn calls_of(&self, op: Op) -> u64 {
        self.outcomes[op.index()].iter().sum()
    }

    /// Calls that ended in `outcome`, all operations together.
    pub fn outcome(&self, outcome: Outcome) -> u64 {
        self.outcomes.iter().map(|o| o[outcome.index()]).sum()
    }

    /// Keeps `text` as an example of a failure, while fewer than [`EXAMPLES`] are kept.
    fn example(&mut self, text: String) {
        if self.examples.len() < EXAMPLES {
            self.examples.push(text);
        }
    }
}

/// What the calling tasks share.
pub struct Ctx {
    /// The client under test.
    pub client: Client,
    /// The server, for its per-call records.
    pub server: Arc<Server>,
    /// The script's seed.
    pub seed: u64,
    /// The next call number to take.
    next: AtomicU64,
    /// What the calls so far came to: one tally for all tasks, so that what is measured does
    /// not grow with the number of tasks.
    tally: Mutex<Tally>,
}

impl Ctx {
    /// Calls numbered from 0, through `client`, to `server`.
    pub fn new(client: Client, server: Arc<Server>, seed: u64) -> Self {
        Self {
            client,
            server,
            seed,
            next: AtomicU64::new(0),
            tally: Mutex::new(Tally::default()),
        }
    }

    /// What the calls made so far came to.
    pub fn tally(&self) -> Tally {
        lock(&self.tally).clone()
    }
}

/// The tally's lock; a task that panicked holding it does not hide the others' counts.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Makes calls until call number `end` has been taken, with `in_flight` tasks; every call has
/// ended when it returns.
pub async fn run_until(ctx: &Arc<Ctx>, end: u64, in_flight: usize) {
    let mut tasks = JoinSet::new();
    for _ in 0..in_flight {
        let ctx = Arc::clone(ctx);
        tasks.spawn(async move {
            loop {
                let call = ctx.next.fetch_add(1, Ordering::Relaxed);
                if call >= end {
                    // Leave the counter at `end` for the next phase.
                    ctx.next.fetch_min(end, Ordering::Relaxed);
                    break;
                }
                one(&ctx, call).await;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        if let Err(e) = done {
            let mut tally = lock(&ctx.tally);
            tally.unexpected += 1;
            tally.example(format!("a calling task failed: {e}"));
        }
    }
}

/// One call: made under its deadline, then checked against the script and the server.
async fn one(ctx: &Ctx, call: u64) {
    let op = Op::of_call(call);
    let started = Instant::now();
    let result = tokio::time::timeout(script::deadline(), send(&ctx.client, op, call)).await;
    let elapsed = started.elapsed();
    let record = ctx.server.take_call(call);
    let mut tally = lock(&ctx.tally);
    tally.latency.record(elapsed);
    let attempts = record.map_or(0, |r| r.attempts);
    tally.requests += u64::from(attempts);
    if let Some(fault) = record.and_then(|r| r.resent_after) {
        tally.resent_posts += 1;
        tally.example(format!(
            "call {call} ({}): the POST was sent again after a {} answer",
            op.label(),
            fault.label()
        ));
    }
    let outcome = match result {
        Err(_) => {
            tally.deadline_missed += 1;
            tally.example(format!(
                "call {call} ({}): no end within its deadline of {} ms; {}",
                op.label(),
                script::deadline().as_millis(),
                describe(record)
            ));
            return;
        }
        Ok(Err(unexpected)) => {
            tally.unexpected += 1;
            tally.example(format!(
                "call {call} ({}): {unexpected}; {}",
                op.label(),
                describe(record)
            ));
            return;
        }
        Ok(Ok(outcome)) => outcome,
    };
    tally.outcomes[op.index()][outcome.index()] += 1;
    let want = script::expected(ctx.seed, call, script::MAX_RETRIES);
    if outcome != want.outcome || attempts != want.attempts {
        tally.mismatched += 1;
        tally.example(format!(
            "call {call} ({}): ended `{}` after {attempts} request(s) in {} ms, the script says `{}` after {}; {}",
            op.label(),
            outcome.label(),
            elapsed.as_millis(),
            want.outcome.label(),
            want.attempts,
            describe(record)
        ));
    }
}

/// The faults the server played on a call, for a failure's description.
fn describe(record: Option<CallRecord>) -> String {
    match record {
        None => "the server received no request of it".to_string(),
        Some(r) => {
            let kept = (r.attempts as usize).min(r.faults.len());
            let faults: Vec<&str> = r.faults[..kept].iter().map(|f| f.label()).collect();
            format!(
                "the server received {} request(s), answered: {}",
                r.attempts,
                faults.join(", ")
            )
        }
    }
}

/// Makes call `call` through a copy of `client` that sends the call's number in
/// [`CALL_HEADER`], and says how it ended: an outcome the faults explain, or why not.
async fn send(client: &Client, op: Op, call: u64) -> Result<Outcome, String> {
    let options = RequestOptions::new()
        .header(CALL_HEADER, &call.to_string())
        .map_err(|e| e.to_string())?;
    let client = client.with_options(options).map_err(|e| e.to_string())?;
    let result = match op {
        Op::ShowContact => client.show_contact(CONTACT_ID).await.map(drop),
        Op::CreateContact => {
            let body = CreateContactRequest {
                external_id: Some(format!("soak-{call}")),
                email: Some(format!("soak-{call}@example.com")),
                ..CreateContactRequest::default()
            };
            client.create_contact(&body).await.map(drop)
        }
        Op::CreateNote => {
            let body = CreateNoteRequest {
                admin_id: None,
                body: format!("<p>Soak call {call}.</p>"),
                contact_id: None,
            };
            client.create_note(CONTACT_ID, &body).await.map(drop)
        }
    };
    classify(result)
}

/// The outcome of a call's result, when its error is of the kind and carries what the fault
/// behind it should give; else why not.
pub fn classify(result: Result<(), Error>) -> Result<Outcome, String> {
    let e = match result {
        Ok(()) => return Ok(Outcome::Ok),
        Err(e) => e,
    };
    if let Some(api) = e.api() {
        let rate_limited = e.is_rate_limited()
            && api.has_code(&ErrorCode::RateLimitExceeded)
            && api.rate_limit.remaining == Some(0)
            && api.rate_limit.reset.is_some()
            && e.retry_after().is_some_and(|d| d > Duration::ZERO);
        let unavailable = api.status.as_u16() == 503
            && api.has_code(&ErrorCode::ServerError)
            && api.request_id.is_some();
        return if rate_limited {
            Ok(Outcome::RateLimited)
        } else if unavailable {
            Ok(Outcome::ServerError)
        } else {
            Err(format!(
                "an API error without what its fault should give ({e}; retry_after {:?}, rate limit {:?})",
                e.retry_after(),
                api.rate_limit
            ))
        };
    }
    match e {
        Error::Timeout(_) => Ok(Outcome::Timeout),
        Error::Transport(_) => Ok(Outcome::Transport),
        other => Err(format!("an error no fault explains: {other}")),
    }
}

/// The faults the server played, by kind, as the share of soak requests each makes.
pub fn fault_shares(injected: &[u64; 5]) -> Vec<(Fault, u64, f64)> {
    let total: u64 = injected.iter().sum();
    Fault::ALL
        .into_iter()
        .map(|f| {
            let n = injected[f.index()];
            (f, n, 100.0 * n as f64 / total.max(1) as f64)
        })
        .collect()
}
