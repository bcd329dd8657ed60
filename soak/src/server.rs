//! The soak's loopback server: keep-alive HTTP/1.1 for the three operations the soak calls,
//! playing the script's fault on each request that names its call, and counting per call what
//! it played, so that a repeated `POST` is caught where it arrives.
//!
//! Written for the soak rather than taken from the mock engine (`intercom_runtime::mock`): that
//! engine plays faults from a queue rather than by ratio, cannot reset a connection, and keeps
//! every request in a log, which would grow with the run and hide a leak in the client.
//! The server keeps only the calls in flight; the soak takes each call's record when the call
//! ends.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};

use crate::script::{Fault, SLOW_DELAY, fault_for};
use crate::wire::{Head, Route, error_body, find, parse_head, rate_limited, response};

/// Largest request head read; a larger one ends the connection.
const MAX_HEAD: usize = 64 * 1024;

/// Attempts whose faults a call's record keeps.
const KEPT: usize = 8;

/// What the server saw of one call.
#[derive(Clone, Copy, Debug)]
pub struct CallRecord {
    /// Requests received for the call.
    pub attempts: u32,
    /// The fault played on each of the first [`KEPT`] requests.
    pub faults: [Fault; KEPT],
    /// The fault after which a `POST` of this call arrived again, if one did: a 503, a reset
    /// or a slow answer (a 429 may be retried).
    pub resent_after: Option<Fault>,
}

/// Counters of the whole run.
#[derive(Default)]
struct Counters {
    /// Requests that named a call, by the fault played ([`Fault::index`]).
    injected: [AtomicU64; 5],
    /// Requests to a path or method the server does not serve, answered 404.
    unknown: AtomicU64,
    /// Connections accepted.
    connections: AtomicU64,
    /// Connections open now.
    open: AtomicU64,
    /// `POST`s received again after a 503, a reset or a slow answer, by that fault.
    resent_posts: [AtomicU64; 5],
}

/// What the connection tasks share.
struct State {
    /// The script's seed.
    seed: u64,
    /// The calls with a request seen and not yet taken by the soak.
    calls: Mutex<HashMap<u64, CallRecord>>,
    /// The run's counters.
    counters: Counters,
    /// The whole response to a request for a contact.
    contact: Arc<[u8]>,
    /// The whole response to a new note.
    note: Arc<[u8]>,
    /// The whole response to a request with no route.
    not_found: Arc<[u8]>,
    /// Bumped to close every connection that is waiting for its next request.
    closing: watch::Sender<u64>,
}

/// The server's counters at one moment.
#[derive(Clone, Copy, Debug, Default)]
pub struct Snapshot {
    /// Soak requests by the fault played ([`Fault::index`]).
    pub injected: [u64; 5],
    /// Requests the server had no route for.
    pub unknown: u64,
    /// Connections accepted.
    pub connections: u64,
    /// `POST`s received again after a 503, a reset or a slow answer ([`Fault::index`]).
    pub resent_posts: [u64; 5],
}

/// The record's lock; a connection task that panicked holding it does not stop the others.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running server on 127.0.0.1, on a thread and a single-threaded runtime of its own; it
/// stops when dropped.
pub struct Server {
    /// The address listened on.
    addr: SocketAddr,
    /// Shared with the connection tasks.
    state: Arc<State>,
    /// Tells the accepting task to stop.
    stop: Option<oneshot::Sender<()>>,
    /// The server's thread, joined on drop.
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts serving, with faults drawn from `seed`; `contact` is the JSON body of a contact.
    pub fn start(seed: u64, contact: &[u8]) -> std::io::Result<Server> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let note = br#"{"type":"note","id":"5001","created_at":1716330806,"body":"<p>Written by the soak.</p>","contact":{"type":"contact","id":"6657ac5f6abd0166b52ae242"}}"#;
        let state = Arc::new(State {
            seed,
            calls: Mutex::new(HashMap::new()),
            counters: Counters::default(),
            contact: Arc::from(response(200, "OK", &[], contact)),
            note: Arc::from(response(200, "OK", &[], note)),
            not_found: Arc::from(response(
                404,
                "Not Found",
                &[],
                &error_body("not_found", "No route for this request", "soak-404"),
            )),
            closing: watch::Sender::new(0),
        });
        let (stop, stopped) = oneshot::channel();
        let thread_state = Arc::clone(&state);
        let thread = std::thread::Builder::new()
            .name("soak-server".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime for the soak server");
                rt.block_on(serve(listener, thread_state, stopped));
            })?;
        Ok(Server {
            addr,
            state,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Takes what the server saw of call `call` (`None` if no request named it).
    pub fn take_call(&self, call: u64) -> Option<CallRecord> {
        lock(&self.state.calls).remove(&call)
    }

    /// Calls the server holds a record of: those in flight, and any a request named after its
    /// call had ended.
    pub fn calls_held(&self) -> usize {
        lock(&self.state.calls).len()
    }

    /// Closes every connection that is waiting for its next request (all of them, when no
    /// call is in flight), as a server closes idle connections; a connection busy with a slow
    /// answer closes when that is done.
    pub fn close_idle(&self) {
        self.state
            .closing
            .send_modify(|generation| *generation += 1);
    }

    /// Connections open now.
    pub fn open_connections(&self) -> u64 {
        self.state.counters.open.load(Ordering::Relaxed)
    }

    /// The counters now.
    pub fn snapshot(&self) -> Snapshot {
        let c = &self.state.counters;
        let load = |a: &[AtomicU64; 5]| std::array::from_fn(|i| a[i].load(Ordering::Relaxed));
        Snapshot {
            injected: load(&c.injected),
            unknown: c.unknown.load(Ordering::Relaxed),
            connections: c.connections.load(Ordering::Relaxed),
            resent_posts: load(&c.resent_posts),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Accepts connections until told to stop; dropping the runtime afterwards ends every
/// connection task.
async fn serve(
    listener: std::net::TcpListener,
    state: Arc<State>,
    mut stop: oneshot::Receiver<()>,
) {
    let listener = TcpListener::from_std(listener).expect("a tokio listener");
    loop {
        tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => {
                let Ok((socket, _)) = accepted else { continue };
                state.counters.connections.fetch_add(1, Ordering::Relaxed);
                let _ = socket.set_nodelay(true);
                state.counters.open.fetch_add(1, Ordering::Relaxed);
                let closing = state.closing.subscribe();
                tokio::spawn(connection(socket, Arc::clone(&state), closing));
            }
        }
    }
}

/// Counts a connection as open while it lives.
struct Open<'a>(&'a AtomicU64);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Serves the requests of one connection in turn until the client closes it, a fault ends it
/// or the soak has idle connections closed.
async fn connection(mut socket: TcpStream, state: Arc<State>, mut closing: watch::Receiver<u64>) {
    let _open = Open(&state.counters.open);
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    loop {
        let Some(head) = read_request(&mut socket, &mut buf, &mut closing).await else {
            return;
        };
        let fault = match head.call {
            Some(call) => state.record(call, head.post),
            None => (Fault::None, 0),
        };
        let ok = || match head.route {
            Route::Contact => Arc::clone(&state.contact),
            Route::Note => Arc::clone(&state.note),
            Route::Unknown => {
                state.counters.unknown.fetch_add(1, Ordering::Relaxed);
                Arc::clone(&state.not_found)
            }
        };
        let call = head.call.unwrap_or_default();
        let written = match fault {
            (Fault::None, _) => socket.write_all(&ok()).await,
            (Fault::RateLimited, attempt) => {
                socket
                    .write_all(&rate_limited(call, attempt, unix_now()))
                    .await
            }
            (Fault::Unavailable, attempt) => {
                let id = format!("soak-{call}-{attempt}");
                let body = error_body("server_error", "Service unavailable", &id);
                socket
                    .write_all(&response(503, "Service Unavailable", &[], &body))
                    .await
            }
            (Fault::Reset, _) => {
                // A zero linger makes the close a reset (RST) rather than an orderly FIN.
                let _ = socket.set_zero_linger();
                return;
            }
            (Fault::Slow, _) => {
                tokio::time::sleep(SLOW_DELAY).await;
                socket.write_all(&ok()).await
            }
        };
        if written.is_err() {
            return;
        }
    }
}

impl State {
    /// Counts a request of call `call` and returns the fault to play on it and its attempt
    /// number; notes a `POST` that comes again after a 503, a reset or a slow answer.
    fn record(&self, call: u64, post: bool) -> (Fault, u32) {
        let mut calls = lock(&self.calls);
        let record = calls.entry(call).or_insert(CallRecord {
            attempts: 0,
            faults: [Fault::None; KEPT],
            resent_after: None,
        });
        if post && record.attempts > 0 {
            let previous = record.faults[(record.attempts as usize - 1).min(KEPT - 1)];
            if matches!(previous, Fault::Unavailable | Fault::Reset | Fault::Slow) {
                record.resent_after.get_or_insert(previous);
                self.counters.resent_posts[previous.index()].fetch_add(1, Ordering::Relaxed);
            }
        }
        record.attempts += 1;
        let attempt = record.attempts;
        let fault = fault_for(self.seed, call, attempt);
        if let Some(slot) = record.faults.get_mut(attempt as usize - 1) {
            *slot = fault;
        }
        drop(calls);
        self.counters.injected[fault.index()].fetch_add(1, Ordering::Relaxed);
        (fault, attempt)
    }
}

/// Reads one request into `buf` (which keeps any bytes after it) and returns its head; `None`
/// when the connection ends, sends something that is not a request, or is idle when `closing`
/// changes.
async fn read_request(
    socket: &mut TcpStream,
    buf: &mut Vec<u8>,
    closing: &mut watch::Receiver<u64>,
) -> Option<Head> {
    loop {
        if let Some(end) = find(buf, b"\r\n\r\n") {
            let head = parse_head(&buf[..end])?;
            let total = end + 4 + head.body_len;
            while buf.len() < total {
                if socket.read_buf(buf).await.ok()? == 0 {
                    return None;
                }
            }
            buf.drain(..total);
            return Some(head);
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        let read = if buf.is_empty() {
            // Between requests: the connection is idle, and closed when the soak asks.
            tokio::select! {
                read = socket.read_buf(buf) => read,
                _ = closing.changed() => return None,
            }
        } else {
            socket.read_buf(buf).await
        };
        if read.ok()? == 0 {
            return None;
        }
    }
}

/// The time now in UNIX seconds.
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_after_a_503_is_noted_and_after_a_429_is_not() {
        let state = State {
            seed: 1,
            calls: Mutex::new(HashMap::new()),
            counters: Counters::default(),
            contact: Arc::from(&b""[..]),
            note: Arc::from(&b""[..]),
            not_found: Arc::from(&b""[..]),
            closing: watch::Sender::new(0),
        };
        // A call whose first attempt meets a 503, and one whose first meets a 429.
        let find_call = |wanted: Fault| {
            (0..)
                .find(|c| fault_for(1, *c, 1) == wanted)
                .expect("a call")
        };
        let after_503 = find_call(Fault::Unavailable);
        let after_429 = find_call(Fault::RateLimited);
        for call in [after_503, after_429] {
            state.record(call, true);
            state.record(call, true);
        }
        let calls = lock(&state.calls);
        assert_eq!(calls[&after_503].resent_after, Some(Fault::Unavailable));
        assert_eq!(calls[&after_429].resent_after, None);
        assert_eq!(calls[&after_429].attempts, 2);
        let resent = &state.counters.resent_posts;
        assert_eq!(
            resent[Fault::Unavailable.index()].load(Ordering::Relaxed),
            1
        );
    }
}
