//! A loopback HTTP/1.1 server that misbehaves on purpose, for fault-injection tests.
//!
//! The server answers each request with the next [`Fault`] of a script; the last entry repeats.
//! Every connection carries one request and is closed after the answer (`Connection: close`),
//! so each attempt of the client is one connection and one counted request.
//!
//! Everything is bounded: the server listens on 127.0.0.1 only, reads at most 64 KiB of request
//! head and 1 MiB of request body, gives each connection at most 20 seconds, accepts a bounded
//! number of connections, and stops — closing every open connection — when it is dropped.
//!
//! Over 500 lines as one file: the script of faults, the connection handler that plays each one
//! and the bounds around them are one state machine, read top to bottom.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// Largest request head the server reads.
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body the server keeps.
const MAX_BODY: usize = 1024 * 1024;
/// Connections accepted over the server's life; far above what any test makes.
const MAX_CONNECTIONS: usize = 100_000;
/// Requests whose details are kept for [`FaultServer::recorded`].
const MAX_RECORDED: usize = 4096;
/// Longest time one connection may live, whatever its fault says.
const CONNECTION_DEADLINE: Duration = Duration::from_secs(20);
/// How long [`Fault::StallMidBody`] and [`Fault::DeclaredOnly`] hold the connection open.
const STALL: Duration = Duration::from_secs(10);
/// Size of each write of a huge body.
const CHUNK: usize = 64 * 1024;
/// The `Content-Length` that the cut-short faults announce.
const ANNOUNCED: usize = 1000;
/// The start of a contact, written before a cut-short body stops.
const BODY_START: &[u8] = b"{\"type\":\"contact\",\"id\":\"6657";

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Fault {
    /// A complete response. `Content-Length` is added unless `headers` has it (or
    /// `Transfer-Encoding`); `Connection: close` is always added.
    Respond {
        /// The status code.
        status: u16,
        /// Extra headers, in order.
        headers: Vec<(String, String)>,
        /// The body, sent as is.
        body: Vec<u8>,
    },
    /// A 200 that announces 1000 bytes of body, sends the head, waits 50 ms (so that the
    /// client has the head), sends a few bytes and resets the connection (`SO_LINGER` 0).
    ResetMidBody,
    /// A 200 that announces 1000 bytes of body, sends a few and closes the connection cleanly.
    Truncated,
    /// A 200 that announces 1000 bytes of body, sends a few and then sends nothing for 10
    /// seconds (or until the server is dropped).
    StallMidBody,
    /// Waits, then does the inner fault (a response slower than the client's timeout).
    Delay(Duration, Box<Fault>),
    /// A body of `bytes` bytes in chunked transfer encoding, so the client learns its size
    /// only by reading; written 64 KiB at a time, never held in memory as a whole.
    Huge {
        /// The status code.
        status: u16,
        /// Total body size.
        bytes: u64,
    },
    /// Like [`Fault::Huge`], but the size is announced in `Content-Length`.
    HugeDeclared {
        /// The status code.
        status: u16,
        /// Total body size, also sent as `Content-Length`.
        bytes: u64,
    },
    /// Reads the request and closes the connection without a byte of response.
    CloseWithoutResponse,
    /// A head announcing `bytes` of body in `Content-Length`, then not a byte of it: the
    /// connection is held open for 10 seconds (or until the server is dropped). A client that
    /// tries to read the body waits; only one that refuses on the announced length returns at
    /// once.
    DeclaredOnly {
        /// The status code.
        status: u16,
        /// The announced body size.
        bytes: u64,
    },
}

impl Fault {
    /// A complete response with the given headers.
    pub fn respond(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Self {
        Fault::Respond {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_string(), (*v).to_string()))
                .collect(),
            body: body.into(),
        }
    }

    /// A complete response with `Content-Type: application/json`.
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::respond(status, &[("Content-Type", "application/json")], body)
    }

    /// A complete response with `Content-Type: text/html`.
    pub fn html(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::respond(
            status,
            &[("Content-Type", "text/html; charset=utf-8")],
            body,
        )
    }

    /// Waits `delay`, then does `then`.
    pub fn delay(delay: Duration, then: Fault) -> Self {
        Fault::Delay(delay, Box::new(then))
    }
}

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The method, such as `GET`.
    pub method: String,
    /// The request target, such as `/contacts/1`.
    pub target: String,
    /// The headers in the order received; names as sent.
    pub headers: Vec<(String, String)>,
    /// The body (at most 1 MiB of it).
    pub body: Vec<u8>,
}

impl Recorded {
    /// The first header called `name`, ignoring case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct Script {
    faults: Vec<Fault>,
    next: usize,
}

struct Shared {
    script: Mutex<Script>,
    requests: Arc<AtomicUsize>,
    recorded: Mutex<Vec<Recorded>>,
    body_bytes_written: AtomicU64,
}

/// A test panicking while holding a lock must not hide its own failure behind a poison error.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Counts and records `request` and takes the fault that answers it.
    fn take(&self, request: Recorded) -> Fault {
        self.requests.fetch_add(1, Ordering::SeqCst);
        {
            let mut recorded = lock(&self.recorded);
            if recorded.len() < MAX_RECORDED {
                recorded.push(request);
            }
        }
        let mut script = lock(&self.script);
        let index = script.next.min(script.faults.len().saturating_sub(1));
        script.next = script.next.saturating_add(1);
        script
            .faults
            .get(index)
            .cloned()
            .unwrap_or(Fault::CloseWithoutResponse)
    }
}

/// A running fault server; it stops, closing every connection, when dropped.
pub struct FaultServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: Option<JoinHandle<()>>,
    background: Option<(
        tokio::sync::oneshot::Sender<()>,
        std::thread::JoinHandle<()>,
    )>,
}

impl std::fmt::Debug for FaultServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultServer")
            .field("addr", &self.addr)
            .field("requests", &self.requests())
            .finish_non_exhaustive()
    }
}

impl FaultServer {
    /// Starts a server on the current tokio runtime, answering per `faults` (the last entry
    /// repeats; an empty script closes every connection without a response).
    pub async fn start(faults: Vec<Fault>) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("the bound address");
        let shared = new_shared(faults);
        let task = tokio::spawn(serve(listener, Arc::clone(&shared)));
        FaultServer {
            addr,
            shared,
            task: Some(task),
            background: None,
        }
    }

    /// Starts a server on a runtime of its own in a background thread, for tests that block
    /// (running a child process, say).
    pub fn start_in_background(faults: Vec<Fault>) -> Self {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind a loopback port");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let addr = listener.local_addr().expect("the bound address");
        let shared = new_shared(faults);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread_shared = Arc::clone(&shared);
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime for the fault server");
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("a tokio listener");
                let task = tokio::spawn(serve(listener, thread_shared));
                // The sender is dropped or used when the server is dropped; either ends this.
                let _ = stopped.await;
                task.abort();
            });
        });
        FaultServer {
            addr,
            shared,
            task: None,
            background: Some((stop, thread)),
        }
    }

    /// The base URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Requests read so far (a connection closed before its request head was complete is not
    /// counted).
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// The shared request counter, for checks from other tasks.
    pub fn request_counter(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.shared.requests)
    }

    /// The requests read so far (the first 4096), in the order they were read.
    pub fn recorded(&self) -> Vec<Recorded> {
        lock(&self.shared.recorded).clone()
    }

    /// Body bytes the server managed to write into sockets, over all connections; shows
    /// whether a client stopped reading a huge body.
    pub fn body_bytes_written(&self) -> u64 {
        self.shared.body_bytes_written.load(Ordering::SeqCst)
    }

    /// Replaces the script; the next request gets the first entry of `faults`. The request
    /// count and the recorded requests are kept.
    pub fn set_faults(&self, faults: Vec<Fault>) {
        *lock(&self.shared.script) = Script { faults, next: 0 };
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        // Aborting the accept task drops its `JoinSet`, which aborts every connection task.
        if let Some(task) = self.task.take() {
            task.abort();
        }
        if let Some((stop, thread)) = self.background.take() {
            let _ = stop.send(());
            let _ = thread.join();
        }
    }
}

fn new_shared(faults: Vec<Fault>) -> Arc<Shared> {
    Arc::new(Shared {
        script: Mutex::new(Script { faults, next: 0 }),
        requests: Arc::new(AtomicUsize::new(0)),
        recorded: Mutex::new(Vec::new()),
        body_bytes_written: AtomicU64::new(0),
    })
}

async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    for _ in 0..MAX_CONNECTIONS {
        let Ok((socket, peer)) = listener.accept().await else {
            continue;
        };
        // The listener is bound to 127.0.0.1, so this holds; checked anyway.
        if !peer.ip().is_loopback() {
            continue;
        }
        let shared = Arc::clone(&shared);
        connections.spawn(async move {
            let _ = tokio::time::timeout(CONNECTION_DEADLINE, handle(socket, shared)).await;
        });
        // Reap finished connections so the set does not grow with the test.
        while connections.try_join_next().is_some() {}
    }
}

async fn handle(mut socket: TcpStream, shared: Arc<Shared>) {
    let Some(request) = read_request(&mut socket).await else {
        return;
    };
    let mut fault = shared.take(request);
    // Unwrap nested delays; the loop ends because a fault is a finite tree.
    while let Fault::Delay(delay, then) = fault {
        tokio::time::sleep(delay).await;
        fault = *then;
    }
    let _ = answer(&mut socket, &shared, fault).await;
}

/// Reads one request: the head up to the blank line, then `Content-Length` bytes of body.
async fn read_request(socket: &mut TcpStream) -> Option<Recorded> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length.min(MAX_BODY) {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length.min(MAX_BODY));
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Fault",
    }
}

fn head(status: u16, headers: &[(String, String)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("Connection: close\r\n\r\n");
    out.into_bytes()
}

fn owned(headers: &[(&str, &str)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| ((*n).to_string(), (*v).to_string()))
        .collect()
}

async fn answer(socket: &mut TcpStream, shared: &Shared, fault: Fault) -> std::io::Result<()> {
    let announced = ANNOUNCED.to_string();
    let cut_short = owned(&[
        ("Content-Type", "application/json"),
        ("Content-Length", &announced),
    ]);
    match fault {
        Fault::Respond {
            status,
            mut headers,
            body,
        } => {
            let framed = headers.iter().any(|(n, _)| {
                n.eq_ignore_ascii_case("content-length")
                    || n.eq_ignore_ascii_case("transfer-encoding")
            });
            if !framed {
                headers.push(("Content-Length".to_string(), body.len().to_string()));
            }
            socket.write_all(&head(status, &headers)).await?;
            socket.write_all(&body).await?;
            shared
                .body_bytes_written
                .fetch_add(body.len() as u64, Ordering::SeqCst);
            socket.flush().await?;
            // Let the client read everything before the socket closes.
            socket.shutdown().await
        }
        Fault::ResetMidBody => {
            socket.write_all(&head(200, &cut_short)).await?;
            socket.flush().await?;
            tokio::time::sleep(Duration::from_millis(50)).await;
            socket.write_all(BODY_START).await?;
            socket.flush().await?;
            // A zero linger turns the close into a reset (RST) instead of an orderly FIN.
            socket.set_zero_linger()?;
            Ok(())
        }
        Fault::Truncated => {
            socket.write_all(&head(200, &cut_short)).await?;
            socket.write_all(BODY_START).await?;
            socket.flush().await?;
            socket.shutdown().await
        }
        Fault::StallMidBody => {
            socket.write_all(&head(200, &cut_short)).await?;
            socket.write_all(BODY_START).await?;
            socket.flush().await?;
            tokio::time::sleep(STALL).await;
            Ok(())
        }
        Fault::Delay(..) => unreachable!("delays are unwrapped before answering"),
        Fault::Huge { status, bytes } => {
            let headers = owned(&[
                ("Content-Type", "application/json"),
                ("Transfer-Encoding", "chunked"),
            ]);
            socket.write_all(&head(status, &headers)).await?;
            let block = vec![b'x'; CHUNK];
            let mut left = bytes;
            while left > 0 {
                let n = usize::try_from(left).unwrap_or(CHUNK).min(CHUNK);
                socket.write_all(format!("{n:x}\r\n").as_bytes()).await?;
                socket.write_all(&block[..n]).await?;
                socket.write_all(b"\r\n").await?;
                shared
                    .body_bytes_written
                    .fetch_add(n as u64, Ordering::SeqCst);
                left -= n as u64;
            }
            socket.write_all(b"0\r\n\r\n").await?;
            socket.shutdown().await
        }
        Fault::HugeDeclared { status, bytes } => {
            let length = bytes.to_string();
            let headers = owned(&[
                ("Content-Type", "application/json"),
                ("Content-Length", &length),
            ]);
            socket.write_all(&head(status, &headers)).await?;
            let block = vec![b'x'; CHUNK];
            let mut left = bytes;
            while left > 0 {
                let n = usize::try_from(left).unwrap_or(CHUNK).min(CHUNK);
                socket.write_all(&block[..n]).await?;
                shared
                    .body_bytes_written
                    .fetch_add(n as u64, Ordering::SeqCst);
                left -= n as u64;
            }
            socket.shutdown().await
        }
        Fault::CloseWithoutResponse => Ok(()),
        Fault::DeclaredOnly { status, bytes } => {
            let length = bytes.to_string();
            let headers = owned(&[
                ("Content-Type", "application/json"),
                ("Content-Length", &length),
            ]);
            socket.write_all(&head(status, &headers)).await?;
            socket.flush().await?;
            tokio::time::sleep(STALL).await;
            Ok(())
        }
    }
}
