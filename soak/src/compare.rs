//! Throughput beside a baseline: the generated client's `show_contact` against a hand-written
//! reqwest `GET` of the same contact, on the soak's server with faults off (the requests carry
//! no call number), in the same process right after the soak.
//!
//! Like with like: both send the same request (path, token, API version, `Accept`,
//! `User-Agent`) with the same per-attempt timeout and decode the same body, the generated
//! client into its `Contact`, the baseline into the hand-written `Contact` of `intercom-benches`.
//! The baseline never retries; the generated client keeps the soak's retry policy, which a
//! fault-free server never triggers. The two take turns in rounds (A B, B A, A B, B A), so a
//! drift of the machine's speed falls on both alike.

use std::sync::Arc;
use std::time::{Duration, Instant};

use intercom_benches::hand;
use intercom_client::Client;
use reqwest::header::{ACCEPT, HeaderValue};
use tokio::task::JoinSet;

use crate::load::CONTACT_ID;
use crate::script::TIMEOUT;

/// Rounds per side; an even number, so each side goes first as often as second.
const ROUNDS: u64 = 4;

/// Calls per second of each side.
pub struct Throughput {
    /// The generated client.
    pub generated: f64,
    /// The hand-written reqwest code.
    pub hand_written: f64,
    /// Calls each side made (after a warm-up round each).
    pub calls_each: u64,
}

/// Who sends the requests.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    /// The generated client.
    Generated,
    /// reqwest and serde as written by hand.
    HandWritten,
}

/// Both sides' clients, shared by the calling tasks.
#[derive(Clone)]
struct Clients {
    /// The generated client, with the soak's settings.
    generated: Client,
    /// The hand-written side's reqwest client.
    raw: reqwest::Client,
    /// The contact's URL, as the hand-written side requests it.
    url: Arc<str>,
}

impl Clients {
    /// One call of `side`; an error fails the comparison.
    async fn one(&self, side: Side) -> Result<(), String> {
        match side {
            Side::Generated => self
                .generated
                .show_contact(CONTACT_ID)
                .await
                .map(|contact| drop(std::hint::black_box(contact)))
                .map_err(|e| format!("generated client: {e}")),
            Side::HandWritten => {
                let contact: hand::Contact = self
                    .raw
                    .get(&*self.url)
                    .bearer_auth("soak-token")
                    .header("Intercom-Version", "2.10")
                    .header(ACCEPT, HeaderValue::from_static("application/json"))
                    .timeout(TIMEOUT)
                    .send()
                    .await
                    .and_then(reqwest::Response::error_for_status)
                    .map_err(|e| format!("hand-written client: {e}"))?
                    .json()
                    .await
                    .map_err(|e| format!("hand-written client: {e}"))?;
                drop(std::hint::black_box(contact));
                Ok(())
            }
        }
    }
}

/// Measures both sides with `calls_each` calls each, `in_flight` at a time; fails on any error,
/// since the server plays no fault here.
pub async fn compare(
    generated: Client,
    base_url: &str,
    calls_each: u64,
    in_flight: usize,
) -> Result<Throughput, String> {
    let raw = reqwest::Client::builder()
        .user_agent("intercom-client/0.1.0")
        .build()
        .map_err(|e| format!("cannot build the reqwest client: {e}"))?;
    let clients = Clients {
        generated,
        raw,
        url: Arc::from(format!("{base_url}/contacts/{CONTACT_ID}")),
    };
    let per_round = (calls_each / ROUNDS).max(in_flight as u64);
    let warm_up = (in_flight as u64) * 4;
    for side in [Side::Generated, Side::HandWritten] {
        round(&clients, side, warm_up, in_flight).await?;
    }
    let mut busy = [Duration::ZERO; 2];
    for r in 0..ROUNDS {
        let order = if r % 2 == 0 {
            [Side::Generated, Side::HandWritten]
        } else {
            [Side::HandWritten, Side::Generated]
        };
        for side in order {
            let started = Instant::now();
            round(&clients, side, per_round, in_flight).await?;
            busy[usize::from(side == Side::HandWritten)] += started.elapsed();
        }
    }
    let calls = per_round * ROUNDS;
    Ok(Throughput {
        generated: calls as f64 / busy[0].as_secs_f64(),
        hand_written: calls as f64 / busy[1].as_secs_f64(),
        calls_each: calls,
    })
}

/// `calls` calls of one side, `in_flight` at a time.
async fn round(clients: &Clients, side: Side, calls: u64, in_flight: usize) -> Result<(), String> {
    let mut tasks = JoinSet::new();
    let tasks_n = in_flight as u64;
    for t in 0..tasks_n {
        let clients = clients.clone();
        // Spread `calls` over the tasks, the first ones taking one more when it does not divide.
        let mine = calls / tasks_n + u64::from(t < calls % tasks_n);
        tasks.spawn(async move {
            for _ in 0..mine {
                clients.one(side).await?;
            }
            Ok::<(), String>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.map_err(|e| format!("a calling task failed: {e}"))??;
    }
    Ok(())
}
