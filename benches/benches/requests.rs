//! `GET /contacts/{id}` over loopback: the generated client's `show_contact` against raw
//! `reqwest` + `serde_json` decoding into the hand-written struct (bare, and with the same
//! timeout), with 1 and with 64 requests in flight. Writes medians and p99s of per-request
//! latency to `target/bench/requests.json`.
//!
//! Not criterion: what matters is the latency distribution of many requests to one server, and
//! the clients must share the same conditions. So the server runs on its own thread, the clients
//! take turns in rounds whose order rotates (A B C, B C A, C A B, …: each client takes each place
//! equally often, which cancels a slow drift of the machine's speed), and every loop is bounded.
//! Only 127.0.0.1 is contacted.
//!
//! `--costs` adds variants of the raw client that each do one more thing the generated client's
//! runtime does, to price it; `--profile SIDE [--in-flight N] [--per-task N]` sends one side's
//! requests only, for a profiler.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use intercom_benches::{example_contact, hand, load_average, quantile, ratio, round, write_result};
use reqwest::header::{ACCEPT, HeaderValue};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

const CONTACT_ID: &str = "6657ac5f6abd0166b52ae242";
const TOKEN: &str = "t";
const API_VERSION: &str = "2.10";
/// What the generated client sends as `User-Agent`; the raw client sends the same, so the two
/// put identical requests on the wire.
const USER_AGENT: &str = "intercom-client/0.1.0";

/// One measured setting: requests in flight, requests per task per round, and the least number
/// of rounds per client.
struct Plan {
    in_flight: usize,
    per_task: usize,
    rounds: usize,
}

const PLANS: [Plan; 2] = [
    Plan {
        in_flight: 1,
        per_task: 400,
        rounds: 8,
    },
    Plan {
        in_flight: 64,
        per_task: 25,
        rounds: 8,
    },
];

/// Who sends the request. The `Raw…` variants beyond `Raw` each add one thing the generated
/// client's runtime does, to price it (run with `--costs`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Side {
    /// The generated client as `Client::builder()` makes it.
    Generated,
    /// The generated client with retries off.
    GeneratedNoRetries,
    /// reqwest + serde as written by hand.
    Raw,
    /// `Raw` with a per-request timeout, as the runtime sets on every request.
    RawTimeout,
    /// `Raw` with a `try_clone` of each request, as the runtime once kept one while retries
    /// remained (it now builds each attempt from the request's parts).
    RawTryClone,
    /// `Raw` reading the body chunk by chunk into a `BytesMut`, as `decode_response` does.
    RawChunked,
    /// `Raw` with all three.
    RawAll,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Generated => "generated",
            Side::GeneratedNoRetries => "generated_no_retries",
            Side::Raw => "raw",
            Side::RawTimeout => "raw_timeout",
            Side::RawTryClone => "raw_try_clone",
            Side::RawChunked => "raw_chunked",
            Side::RawAll => "raw_all",
        }
    }
}

/// Measured in every run: the generated client, the bare hand-written baseline, and the same
/// baseline with the timeout the generated client always sets (a hand-written client meant for
/// production has one too).
const MAIN_SIDES: [Side; 3] = [Side::Generated, Side::Raw, Side::RawTimeout];
const COST_SIDES: [Side; 7] = [
    Side::Generated,
    Side::GeneratedNoRetries,
    Side::Raw,
    Side::RawTimeout,
    Side::RawTryClone,
    Side::RawChunked,
    Side::RawAll,
];

#[derive(Clone)]
struct Clients {
    generated: intercom_client::Client,
    generated_no_retries: intercom_client::Client,
    raw: reqwest::Client,
    base_url: Arc<str>,
}

impl Clients {
    /// One request; panics on any failure, since a failed request would time the error path.
    async fn one(&self, side: Side) {
        match side {
            Side::Generated | Side::GeneratedNoRetries => {
                let client = if side == Side::Generated {
                    &self.generated
                } else {
                    &self.generated_no_retries
                };
                let contact = client
                    .show_contact(CONTACT_ID)
                    .await
                    .expect("generated client: show_contact");
                std::hint::black_box(contact);
            }
            Side::Raw => {
                // What one writes by hand: the URL formatted from the id, per-request headers,
                // `json()` to decode.
                let contact: hand::Contact = self
                    .raw
                    .get(format!("{}/contacts/{}", self.base_url, CONTACT_ID))
                    .bearer_auth(TOKEN)
                    .header("Intercom-Version", API_VERSION)
                    .header(ACCEPT, HeaderValue::from_static("application/json"))
                    .send()
                    .await
                    .and_then(reqwest::Response::error_for_status)
                    .expect("raw client: send")
                    .json()
                    .await
                    .expect("raw client: decode");
                std::hint::black_box(contact);
            }
            Side::RawTimeout => self.raw_with(true, false, false).await,
            Side::RawTryClone => self.raw_with(false, true, false).await,
            Side::RawChunked => self.raw_with(false, false, true).await,
            Side::RawAll => self.raw_with(true, true, true).await,
        }
    }

    /// `Raw` plus the chosen pieces of the runtime's per-request work.
    async fn raw_with(&self, timeout: bool, try_clone: bool, chunked: bool) {
        let mut builder = self
            .raw
            .get(format!("{}/contacts/{}", self.base_url, CONTACT_ID))
            .bearer_auth(TOKEN)
            .header("Intercom-Version", API_VERSION)
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if timeout {
            builder = builder.timeout(intercom_client::DEFAULT_TIMEOUT);
        }
        let request = builder.build().expect("raw client: request");
        let spare = if try_clone { request.try_clone() } else { None };
        let mut response = self
            .raw
            .execute(request)
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("raw client: send");
        let contact: hand::Contact = if chunked {
            let mut buf = BytesMut::new();
            while let Some(chunk) = response.chunk().await.expect("raw client: body") {
                buf.extend_from_slice(&chunk);
            }
            serde_json::from_slice(&buf.freeze()).expect("raw client: decode")
        } else {
            response.json().await.expect("raw client: decode")
        };
        drop(spare);
        std::hint::black_box(contact);
    }
}

fn main() {
    let load_start = load_average();
    let body = serde_json::to_vec(&example_contact()).expect("example serialises");
    let response: Arc<[u8]> = Arc::from(http_response(200, &body));

    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    let addr = listener.local_addr().expect("local address");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .expect("server runtime");
        rt.block_on(serve(listener, response, stopped));
    });

    // The clients on this thread, the server on its own: on two cores each has one.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let clients = make_clients(addr);

    let args: Vec<String> = std::env::args().collect();
    if let Some(name) = args
        .iter()
        .position(|a| a == "--profile")
        .and_then(|i| args.get(i + 1))
    {
        // For a profiler (callgrind, perf, strace): one side only, a fixed count (64 in flight
        // unless `--in-flight N`), nothing written. Run it with two counts; the difference divided by the difference in
        // requests is the cost of one request.
        let side = COST_SIDES
            .into_iter()
            .find(|s| s.name() == name)
            .unwrap_or_else(|| panic!("--profile: unknown side `{name}`"));
        let number = |flag: &str, default: usize| {
            args.iter()
                .position(|a| a == flag)
                .and_then(|i| args.get(i + 1)?.parse().ok())
                .unwrap_or(default)
        };
        let plan = Plan {
            in_flight: number("--in-flight", 64),
            per_task: number("--per-task", 50),
            rounds: 1,
        };
        rt.block_on(round_of(&clients, side, &plan));
        let _ = stop.send(());
        server.join().expect("server thread");
        return;
    }
    let costs = args.iter().any(|a| a == "--costs");
    let sides: &[Side] = if costs { &COST_SIDES } else { &MAIN_SIDES };
    let mut figures = serde_json::Map::new();
    for plan in &PLANS {
        let summaries = rt.block_on(measure(&clients, plan, sides));
        let n = plan.in_flight;
        let of = |side: Side| &summaries[sides.iter().position(|s| *s == side).unwrap_or(0)];
        let raw = of(Side::Raw);
        for (side, s) in sides.iter().zip(&summaries) {
            eprintln!(
                "requests, {n:>2} in flight, {:<20} median {:>7.1} µs ({:.3} of raw), p99 {:>7.1} µs ({:.3} of raw), {:>6.0} requests/s, {} requests",
                side.name(),
                s.median_us,
                s.median_us / raw.median_us,
                s.p99_us,
                s.p99_us / raw.p99_us,
                s.per_second,
                s.count,
            );
            let key = side.name();
            figures.insert(
                format!("request_median_us_{n}_{key}"),
                json!(round(s.median_us, 1)),
            );
            figures.insert(
                format!("request_p99_us_{n}_{key}"),
                json!(round(s.p99_us, 1)),
            );
            figures.insert(
                format!("request_per_s_{n}_{key}"),
                json!(round(s.per_second, 0)),
            );
            figures.insert(format!("request_count_{n}_{key}"), json!(s.count));
        }
        // The headline ratio compares like with like: the generated client always has a
        // timeout, so its baseline is the hand-written code with the same timeout. The ratio
        // against the bare hand-written code (no timeout at all) is kept beside it.
        let generated = of(Side::Generated);
        let with_timeout = of(Side::RawTimeout);
        figures.insert(
            format!("request_ratio_{n}"),
            json!(ratio(generated.median_us, with_timeout.median_us)),
        );
        figures.insert(
            format!("request_p99_ratio_{n}"),
            json!(ratio(generated.p99_us, with_timeout.p99_us)),
        );
        figures.insert(
            format!("request_ratio_{n}_bare"),
            json!(ratio(generated.median_us, raw.median_us)),
        );
        figures.insert(
            format!("request_p99_ratio_{n}_bare"),
            json!(ratio(generated.p99_us, raw.p99_us)),
        );
    }
    let _ = stop.send(());
    server.join().expect("server thread");
    figures.insert("request_body_bytes".into(), json!(body.len()));
    figures.insert("request_load_start".into(), json!(load_start));
    figures.insert("request_load_end".into(), json!(load_average()));
    write_result("requests", &Value::Object(figures));
}

fn make_clients(addr: SocketAddr) -> Clients {
    let base = format!("http://{addr}");
    let generated = intercom_client::Client::builder()
        .token(TOKEN)
        .base_url(&base)
        .build()
        .expect("generated client builds");
    let generated_no_retries = intercom_client::Client::builder()
        .token(TOKEN)
        .base_url(&base)
        .max_retries(0)
        .build()
        .expect("generated client builds");
    let raw = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .build()
        .expect("raw client builds");
    Clients {
        generated,
        generated_no_retries,
        raw,
        base_url: Arc::from(base),
    }
}

struct Summary {
    median_us: f64,
    p99_us: f64,
    per_second: f64,
    count: usize,
}

/// Warm-up, then at least `plan.rounds` rounds per side, the order of the sides rotated by one
/// each round, so a slow drift of the machine's speed falls on every side alike. Returns one
/// summary per side, in the order of `sides`.
async fn measure(clients: &Clients, plan: &Plan, sides: &[Side]) -> Vec<Summary> {
    // Warm-up: connections opened, allocator and caches settled, for every side.
    for side in sides {
        round_of(clients, *side, plan).await;
    }
    let mut latencies = vec![Vec::new(); sides.len()];
    let mut busy = vec![Duration::ZERO; sides.len()];
    // A whole number of rotations, so every side takes every place equally often.
    let rounds = plan.rounds.div_ceil(sides.len()) * sides.len();
    for r in 0..rounds {
        for k in 0..sides.len() {
            let i = (r + k) % sides.len();
            let started = Instant::now();
            latencies[i].extend(round_of(clients, sides[i], plan).await);
            busy[i] += started.elapsed();
        }
    }
    latencies
        .into_iter()
        .zip(busy)
        .map(|(mut ns, busy)| {
            ns.sort_unstable();
            Summary {
                median_us: quantile(&ns, 0.5) as f64 / 1000.0,
                p99_us: quantile(&ns, 0.99) as f64 / 1000.0,
                per_second: ns.len() as f64 / busy.as_secs_f64(),
                count: ns.len(),
            }
        })
        .collect()
}

/// One round: `in_flight` tasks, each sending `per_task` requests one after another. Returns
/// every request's latency in ns.
async fn round_of(clients: &Clients, side: Side, plan: &Plan) -> Vec<u64> {
    let mut tasks = JoinSet::new();
    for _ in 0..plan.in_flight {
        let clients = clients.clone();
        let per_task = plan.per_task;
        tasks.spawn(async move {
            let mut ns = Vec::with_capacity(per_task);
            for _ in 0..per_task {
                let started = Instant::now();
                clients.one(side).await;
                ns.push(started.elapsed().as_nanos() as u64);
            }
            ns
        });
    }
    let mut all = Vec::with_capacity(plan.in_flight * plan.per_task);
    while let Some(done) = tasks.join_next().await {
        all.extend(done.expect("request task"));
    }
    all
}

fn http_response(status: u16, body: &[u8]) -> Vec<u8> {
    let reason = if status == 200 { "OK" } else { "Bad Request" };
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// Accepts connections until told to stop; each connection is served on its own task.
async fn serve(
    listener: std::net::TcpListener,
    response: Arc<[u8]>,
    mut stop: oneshot::Receiver<()>,
) {
    let listener = TcpListener::from_std(listener).expect("tokio listener");
    let rejected: Arc<[u8]> = Arc::from(http_response(400, b""));
    loop {
        tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => {
                let Ok((socket, _)) = accepted else { continue };
                let _ = socket.set_nodelay(true);
                tokio::spawn(connection(socket, response.clone(), rejected.clone()));
            }
        }
    }
}

/// Keep-alive HTTP/1.1 for bodiless requests: answers each request head with the contact if it
/// is the expected `GET` with the expected headers, else with 400 (which fails the bench).
async fn connection(mut socket: TcpStream, response: Arc<[u8]>, rejected: Arc<[u8]>) {
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    loop {
        while let Some(end) = find(&buf, b"\r\n\r\n") {
            let head = buf[..end + 2].to_ascii_lowercase();
            buf.drain(..end + 4);
            let reply = if expected_request(&head) {
                &response
            } else {
                &rejected
            };
            if socket.write_all(reply).await.is_err() {
                return;
            }
        }
        // Bounded: a head larger than 64 KiB is not one of ours.
        if buf.len() > 64 * 1024 {
            return;
        }
        match socket.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// The request line and the headers both clients must send (lowercased head).
fn expected_request(head: &[u8]) -> bool {
    let line = format!("get /contacts/{CONTACT_ID} http/1.1\r\n");
    let must = [
        format!("\r\nauthorization: bearer {TOKEN}\r\n"),
        format!("\r\nintercom-version: {API_VERSION}\r\n"),
        "\r\naccept: application/json\r\n".to_string(),
        // The prefix only, so a new client version does not fail the bench.
        "\r\nuser-agent: intercom-client/".to_string(),
    ];
    head.starts_with(line.as_bytes()) && must.iter().all(|m| find(head, m.as_bytes()).is_some())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
