//! A local HTTP server that plays an API from its spec, for tests: the engine under a generated
//! client's `mock::MockServer`. The generated code hands it the spec as data ([`Spec`]) and
//! adds one typed `on_<operation>` method per operation; everything else is here.
//!
//! For each request the server
//! 1. routes by the spec's path templates: no template matches → 404, a template matches but
//!    not with this method → 405 (with `Allow`);
//! 2. records the request ([`RecordedRequest`], the token redacted);
//! 3. plays the first scripted [`Fault`] that applies (a delay, an error status, rate-limit
//!    headers);
//! 4. validates it as Prism does: a missing or malformed bearer token → 401; an API-version
//!    header outside the spec's values, a parameter or a body that breaks its schema (wrong
//!    type, value outside a closed enum, missing required member), a body that is not JSON →
//!    400;
//! 5. answers with the operation's override if one is set, else with its example from the spec,
//!    the path parameters copied into the members that name them.
//!
//! Every error is sent in Intercom's shape, `{"type":"error.list","request_id":…,"errors":[…]}`,
//! each entry naming the offending field.

mod fault;
mod log;
mod reply;
mod spec;
mod validate;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as IncomingBody;
use hyper::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::{Request as HttpRequest, Response as HttpResponse, StatusCode};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use fault::Fault;
pub use log::RecordedRequest;
pub use reply::{ErrorEntry, MockError, Reply};
pub use spec::{Spec, SpecError};
pub use validate::Call;

use spec::Route;

/// The largest request body the server reads.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// An override: answers a validated request of one operation.
type Handler = Arc<dyn Fn(&Call) -> Result<Reply, MockError> + Send + Sync>;

/// The server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The spec data is not valid.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why binding failed.
        source: std::io::Error,
    },
}

struct State {
    spec: Arc<Spec>,
    overrides: Mutex<HashMap<usize, Handler>>,
    faults: Mutex<Vec<Fault>>,
    log: Mutex<Vec<RecordedRequest>>,
    next_request: AtomicU64,
}

/// A lock that a panicking override cannot poison for the other requests.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running mock server. It stops when dropped.
pub struct Server {
    addr: SocketAddr,
    base_url: String,
    state: Arc<State>,
    shutdown: watch::Sender<bool>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Starts serving `spec` on `addr` (port 0 picks a free port) on the current tokio runtime.
    pub async fn start(spec: Arc<Spec>, addr: SocketAddr) -> Result<Server, StartError> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| StartError::Bind { addr, source })?;
        let state = Arc::new(State {
            spec,
            overrides: Mutex::new(HashMap::new()),
            faults: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            next_request: AtomicU64::new(1),
        });
        let (shutdown, stopped) = watch::channel(false);
        tokio::spawn(accept_loop(listener, Arc::clone(&state), stopped));
        Ok(Server {
            addr,
            base_url: format!("http://{addr}"),
            state,
            shutdown,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the base URL to point a client at.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Answers validated requests of `operation` (its operationId or method name) with
    /// `handler` from now on, instead of the spec's example. Returns `false`, and sets nothing,
    /// when the spec has no such operation.
    pub fn respond(
        &self,
        operation: &str,
        handler: impl Fn(&Call) -> Result<Reply, MockError> + Send + Sync + 'static,
    ) -> bool {
        match self.state.spec.operation_index(operation) {
            Some(index) => {
                lock(&self.state.overrides).insert(index, Arc::new(handler));
                true
            }
            None => false,
        }
    }

    /// Answers `operation` with the spec's example again.
    pub fn clear_override(&self, operation: &str) {
        if let Some(index) = self.state.spec.operation_index(operation) {
            lock(&self.state.overrides).remove(&index);
        }
    }

    /// Adds a fault, played after those added before it.
    pub fn fault(&self, fault: Fault) {
        lock(&self.state.faults).push(fault);
    }

    /// Removes every fault not yet played.
    pub fn clear_faults(&self) {
        lock(&self.state.faults).clear();
    }

    /// The requests received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.log).clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        lock(&self.state.log).clear();
    }

    /// Serves until the process ends (for a binary that does nothing else).
    pub async fn run_forever(&self) {
        std::future::pending::<()>().await;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>, mut stopped: watch::Receiver<bool>) {
    loop {
        let stream = tokio::select! {
            _ = stopped.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
        };
        let state = Arc::clone(&state);
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let state = Arc::clone(&state);
                async move { Ok::<_, std::convert::Infallible>(handle(&state, req).await) }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            tokio::select! {
                _ = conn => {}
                _ = stopped.changed() => {}
            }
        });
    }
}

async fn handle(state: &State, req: HttpRequest<IncomingBody>) -> HttpResponse<Full<Bytes>> {
    let request_id = format!(
        "mock-{:08}",
        state.next_request.fetch_add(1, Ordering::Relaxed)
    );
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let err = MockError::new(413, "request_too_large", "the body is too large")
                .with_field("body");
            return error_response(&err, &request_id);
        }
    };
    let path = parts.uri.path().to_string();
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let route = state.spec.route(&parts.method, &path);
    let operation = match &route {
        Route::Found(index, _) => Some(*index),
        _ => None,
    };
    let entry = {
        let mut log = lock(&state.log);
        log.push(RecordedRequest {
            method: parts.method.as_str().to_string(),
            path: path.clone(),
            query: query.clone(),
            headers: parts
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        log::recorded_header(k.as_str(), v.as_bytes()),
                    )
                })
                .collect(),
            body: body.clone(),
            operation: operation.map(|i| state.spec.operations[i].id.clone()),
            status: None,
        });
        log.len() - 1
    };
    let response = answer(state, route, &parts.headers, &query, &body, &request_id).await;
    if let Some(recorded) = lock(&state.log).get_mut(entry) {
        recorded.status = Some(response.status().as_u16());
    }
    response
}

async fn answer(
    state: &State,
    route: Route,
    headers: &hyper::HeaderMap,
    query: &[(String, String)],
    body: &Bytes,
    request_id: &str,
) -> HttpResponse<Full<Bytes>> {
    let (index, path_params) = match route {
        Route::Found(index, params) => (index, params),
        Route::NotFound => {
            let err = MockError::not_found("No route matches this path in the spec");
            return error_response(&err, request_id);
        }
        Route::MethodNotAllowed(allowed) => {
            let allow = allowed
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let err = MockError::new(
                405,
                "method_not_allowed",
                format!("This path takes {allow}"),
            )
            .with_header("Allow", allow);
            return error_response(&err, request_id);
        }
    };
    let op = &state.spec.operations[index];
    if let Some(fault) = take_fault(state, index) {
        if let Some(delay) = fault.delay {
            tokio::time::sleep(delay).await;
        }
        if let Some(err) = fault.error(SystemTime::now()) {
            return error_response(&err, request_id);
        }
    }
    let incoming = validate::Incoming {
        path_params: &path_params,
        query,
        headers,
        body,
    };
    let call = match validate::validate(&state.spec, op, &incoming) {
        Ok(call) => call,
        Err(err) => return error_response(&err, request_id),
    };
    let handler = lock(&state.overrides).get(&index).cloned();
    let reply = match handler {
        // A failed assertion inside an override answers 500 instead of dropping the connection.
        Some(handler) => match std::panic::catch_unwind(AssertUnwindSafe(|| handler(&call))) {
            Ok(Ok(reply)) => reply,
            Ok(Err(err)) => return error_response(&err, request_id),
            Err(_) => {
                let err = MockError::new(500, "server_error", "the override panicked");
                return error_response(&err, request_id);
            }
        },
        None => example(op, &call),
    };
    let mut response = match reply {
        Reply::Json(value) => {
            let mut r = HttpResponse::new(Full::new(Bytes::from(value.to_string())));
            r.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            r
        }
        Reply::Empty => HttpResponse::new(Full::new(Bytes::new())),
        Reply::Bytes(bytes) => {
            let mut r = HttpResponse::new(Full::new(bytes));
            if let Some(media) = op
                .answer
                .media_type
                .as_deref()
                .and_then(|m| HeaderValue::from_str(m).ok())
            {
                r.headers_mut().insert(CONTENT_TYPE, media);
            }
            r
        }
    };
    *response.status_mut() = StatusCode::from_u16(op.answer.status).unwrap_or(StatusCode::OK);
    set_request_id(&mut response, request_id);
    response
}

/// The operation's example, with the path parameters copied in.
fn example(op: &spec::Operation, call: &Call) -> Reply {
    let Some(mut body) = op.answer.body.clone() else {
        return Reply::Empty;
    };
    if op
        .answer
        .media_type
        .as_deref()
        .is_some_and(|m| !spec::is_json(m))
    {
        let bytes = match body {
            Value::String(s) => Bytes::from(s),
            other => Bytes::from(other.to_string()),
        };
        return Reply::Bytes(bytes);
    }
    for echo in &op.answer.echo {
        let Some(value) = call.path_value(&echo.param) else {
            continue;
        };
        let value = match (body.pointer(&echo.pointer), value) {
            (Some(Value::String(_)), Value::Number(n)) => Value::String(n.to_string()),
            _ => value.clone(),
        };
        let _ = crate::set_json_pointer(&mut body, &echo.pointer, value);
    }
    Reply::Json(body)
}

/// Takes the first fault that applies to the operation at `index`, using it up.
fn take_fault(state: &State, index: usize) -> Option<Fault> {
    let mut faults = lock(&state.faults);
    let position = faults.iter().position(|f| {
        f.operation
            .as_deref()
            .is_none_or(|name| state.spec.operation_index(name) == Some(index))
    })?;
    let fault = faults[position].clone();
    match &mut faults[position].remaining {
        Some(1) | Some(0) => {
            faults.remove(position);
        }
        Some(n) => *n -= 1,
        None => {}
    }
    Some(fault)
}

fn error_response(err: &MockError, request_id: &str) -> HttpResponse<Full<Bytes>> {
    let body = err.body(request_id).to_string();
    let mut response = HttpResponse::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        StatusCode::from_u16(err.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    for (name, value) in &err.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.append(name, value);
        }
    }
    set_request_id(&mut response, request_id);
    response
}

fn set_request_id(response: &mut HttpResponse<Full<Bytes>>, request_id: &str) {
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
}
