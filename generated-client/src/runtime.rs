//! The hand-written runtime under the generated operations: configuration, authentication, the
//! API-version header, retries, bounded body reads, path-segment safety and the error type.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::generated::{API_VERSION, Client, Region, VERSION_HEADER};

/// The environment variable [`Client::from_env`] reads the access token from.
pub const TOKEN_ENV: &str = "INTERCOM_API_KEY";

/// Default time allowed for one attempt of a request, connection included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// Default cap on a response body the client reads into memory (16 MiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// How much of an undecodable body an error keeps (and how much of an error body is read).
const ERROR_BODY_LIMIT: usize = 64 * 1024;
/// How much of a body an error shows in its message.
const EXCERPT_CHARS: usize = 200;

// ---------------------------------------------------------------------------------------------
// Configuration

/// When and how long to wait before retrying a failed attempt.
///
/// Retried: connection failures, timeouts, connections closed before a response, and the
/// statuses 408, 429, 500, 502, 503 and 504,
/// for idempotent methods (`GET`, `PUT`, `DELETE`, `HEAD`, `OPTIONS`); a 429 or a failure to
/// connect is retried for any method, since the server did not act on the request. Other 4xx
/// statuses are never retried.
///
/// The wait before a retry is, in order of preference: the `Retry-After` header (seconds or an
/// HTTP date); the time until `X-RateLimit-Reset` (UNIX seconds), when that is in the future;
/// else exponential backoff with jitter. Waits from headers are capped at
/// [`max_wait`](Self::max_wait).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    /// Backoff before the first retry; doubled for each further retry.
    pub initial_backoff: Duration,
    /// Upper bound of the exponential backoff.
    pub max_backoff: Duration,
    /// Upper bound of a wait taken from `Retry-After` or `X-RateLimit-Reset`.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            max_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }
}

/// What happens during a request, reported to an observer set with
/// [`ClientBuilder::on_attempt`] (the `intercom` CLI prints these with `--verbose`).
///
/// No event carries the access token.
#[derive(Debug)]
#[non_exhaustive]
pub enum AttemptEvent<'a> {
    /// An attempt is about to be sent.
    Sending {
        /// 1 for the first attempt.
        attempt: u32,
        /// The HTTP method.
        method: &'a Method,
        /// The full URL.
        url: &'a Url,
    },
    /// An attempt ended with a response or a transport error.
    Finished {
        /// 1 for the first attempt.
        attempt: u32,
        /// The status, when a response arrived.
        status: Option<StatusCode>,
        /// The transport error, when none did.
        error: Option<&'a reqwest::Error>,
        /// Time from sending to the response headers (or the error).
        elapsed: Duration,
    },
    /// The client waits before the next attempt.
    Waiting {
        /// The attempt that will follow the wait.
        next_attempt: u32,
        /// How long it waits.
        delay: Duration,
    },
}

type Observer = Arc<dyn Fn(&AttemptEvent<'_>) + Send + Sync>;

/// The access token. Its `Debug` never shows the value.
#[derive(Clone)]
struct Token(HeaderValue);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

struct Config {
    token: Option<Token>,
    version_header: Option<HeaderName>,
    api_version: HeaderValue,
    user_agent: HeaderValue,
    retry: RetryPolicy,
    timeout: Duration,
    /// Whether `timeout` is already set on the `reqwest::Client`.
    timeout_in_client: bool,
    max_body_bytes: usize,
    observer: Option<Observer>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("token", &self.token)
            .field("version_header", &self.version_header)
            .field("api_version", &self.api_version)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("timeout_in_client", &self.timeout_in_client)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("observer", &self.observer.as_ref().map(|_| "<fn>"))
            .finish()
    }
}

/// Client state the generated operations carry: shared configuration plus the overrides of
/// [`Client::with_api_version`] and [`Client::with_timeout`].
#[derive(Clone, Debug)]
pub struct Runtime {
    config: Arc<Config>,
    api_version: Option<HeaderValue>,
    timeout: Option<Duration>,
}

/// Builds a [`Client`]; start with [`Client::builder`].
#[must_use]
pub struct ClientBuilder {
    token: Option<String>,
    region: Region,
    base_url: Option<String>,
    api_version: String,
    timeout: Duration,
    retry: RetryPolicy,
    user_agent_suffix: Option<String>,
    http: Option<reqwest::Client>,
    max_body_bytes: usize,
    observer: Option<Observer>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            token: None,
            region: Region::default(),
            base_url: None,
            api_version: API_VERSION.to_string(),
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            user_agent_suffix: None,
            http: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            observer: None,
        }
    }
}

impl ClientBuilder {
    /// The access token sent as `Authorization: Bearer <token>`.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The region whose server the client talks to (default: the first server of the spec).
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// A base URL that replaces the region's, for tests and proxies. Plain `http://` is
    /// accepted only for loopback hosts when a token is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The API version sent in the version header (default: [`API_VERSION`]).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// Time allowed for each attempt, from connecting to the end of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// When and how to retry.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Shorthand for changing only [`RetryPolicy::max_retries`].
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// Text appended to the `User-Agent` header, to name your application.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// A `reqwest::Client` of your own (proxies, TLS roots, connection pools). Its own timeout
    /// and redirect settings apply in addition to the builder's.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Largest response body read into memory; larger bodies fail with
    /// [`Error::BodyTooLarge`].
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Calls `observer` before and after every attempt and before every wait.
    pub fn on_attempt(
        mut self,
        observer: impl Fn(&AttemptEvent<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let base = self
            .base_url
            .clone()
            .unwrap_or_else(|| self.region.base_url().to_string());
        let base = base.trim_end_matches('/').to_string();
        let url = Url::parse(&base)
            .map_err(|e| Error::Config(format!("base URL `{base}` is not a valid URL: {e}")))?;
        match url.scheme() {
            "https" => {}
            "http" if self.token.is_none() || is_loopback(&url) => {}
            "http" => {
                return Err(Error::Config(format!(
                    "refusing to send the access token over plain http to `{}`; use https (plain http is allowed only for localhost, 127.0.0.0/8 and ::1)",
                    url.host_str().unwrap_or_default()
                )));
            }
            other => {
                return Err(Error::Config(format!(
                    "base URL scheme `{other}` is not supported; use https"
                )));
            }
        }
        if url.query().is_some()
            || url.fragment().is_some()
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(Error::Config(
                "base URL must not contain credentials, a query or a fragment".to_string(),
            ));
        }
        let token = match self.token {
            Some(t) if t.trim().is_empty() => {
                return Err(Error::Config("the access token is empty".to_string()));
            }
            Some(t) => {
                let mut v =
                    HeaderValue::from_str(&format!("Bearer {}", t.trim())).map_err(|_| {
                        Error::Config(
                            "the access token contains characters not allowed in an HTTP header"
                                .to_string(),
                        )
                    })?;
                v.set_sensitive(true);
                Some(Token(v))
            }
            None => None,
        };
        let api_version = HeaderValue::from_str(&self.api_version).map_err(|_| {
            Error::Config(format!(
                "API version `{}` is not a valid header value",
                self.api_version
            ))
        })?;
        let mut ua = format!("{}/{}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"));
        if let Some(s) = &self.user_agent_suffix {
            ua.push(' ');
            ua.push_str(s);
        }
        let user_agent = HeaderValue::from_str(&ua).map_err(|_| {
            Error::Config("the user-agent suffix is not a valid header value".to_string())
        })?;
        // The client built here carries the timeout itself, which spares each request a timer
        // of its own; a caller's client gets the timeout on every request instead.
        let timeout_in_client = self.http.is_none();
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.timeout)
                .timeout(self.timeout)
                .redirect(same_origin_redirects())
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let runtime = Runtime {
            config: Arc::new(Config {
                token,
                // `HeaderName` normalises the spec's spelling to lowercase.
                version_header: VERSION_HEADER
                    .and_then(|n| HeaderName::from_bytes(n.as_bytes()).ok()),
                api_version,
                user_agent,
                retry: self.retry,
                timeout: self.timeout,
                timeout_in_client,
                max_body_bytes: self.max_body_bytes,
                observer: self.observer,
            }),
            api_version: None,
            timeout: None,
        };
        Ok(Client::new_with_client(&base, http, runtime))
    }
}

/// Follows redirects only within the same scheme, host and port, so the token never reaches
/// another server; a redirect elsewhere is returned to the caller as a response.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first() else {
            return attempt.stop();
        };
        let same = first.scheme() == attempt.url().scheme()
            && first.host_str() == attempt.url().host_str()
            && first.port_or_known_default() == attempt.url().port_or_known_default();
        if attempt.previous().len() > 5 {
            attempt.error("too many redirects")
        } else if same {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

impl Client {
    /// A client for the default region with the given access token.
    ///
    /// ```
    /// let client = intercom_client::Client::new("my-token")?;
    /// # Ok::<(), intercom_client::Error>(())
    /// ```
    pub fn new(token: impl Into<String>) -> Result<Self, Error> {
        Self::builder().token(token).build()
    }

    /// A builder for region, base URL, timeouts, retries and more.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for the default region with the token from the `INTERCOM_API_KEY` environment
    /// variable.
    pub fn from_env() -> Result<Self, Error> {
        let token = std::env::var(TOKEN_ENV)
            .map_err(|_| Error::Config(format!("environment variable {TOKEN_ENV} is not set")))?;
        Self::new(token)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.baseurl()
    }

    /// A copy of this client whose requests send `version` in the API-version header.
    pub fn with_api_version(&self, version: &str) -> Result<Self, Error> {
        let value = HeaderValue::from_str(version).map_err(|_| {
            Error::InvalidRequest(format!(
                "API version `{version}` is not a valid header value"
            ))
        })?;
        let mut c = self.clone();
        c.inner.api_version = Some(value);
        Ok(c)
    }

    /// A copy of this client with a different per-attempt timeout.
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        let mut c = self.clone();
        c.inner.timeout = Some(timeout);
        c
    }
}

impl ClientHooks<Runtime> for Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        self.inner.execute(self.client(), request).await
    }
}

fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS
    )
}

fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

impl Runtime {
    fn emit(&self, event: AttemptEvent<'_>) {
        if let Some(observer) = &self.config.observer {
            observer(&event);
        }
    }

    /// Sends `request` with the client's headers, retrying as the policy says.
    async fn execute(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let config = &self.config;
        let headers = request.headers_mut();
        if let Some(token) = &config.token {
            headers.insert(AUTHORIZATION, token.0.clone());
        }
        if let Some(name) = &config.version_header {
            let value = self
                .api_version
                .clone()
                .unwrap_or_else(|| config.api_version.clone());
            headers.insert(name.clone(), value);
        }
        headers.insert(USER_AGENT, config.user_agent.clone());
        headers
            .entry(ACCEPT)
            .or_insert(HeaderValue::from_static("application/json"));
        match self.timeout {
            Some(t) => *request.timeout_mut() = Some(t),
            None if !config.timeout_in_client => *request.timeout_mut() = Some(config.timeout),
            None => {}
        }

        let policy = &config.retry;
        let idempotent = is_idempotent(request.method());
        let mut attempt: u32 = 1;
        loop {
            let next = if attempt <= policy.max_retries {
                request.try_clone()
            } else {
                None
            };
            self.emit(AttemptEvent::Sending {
                attempt,
                method: request.method(),
                url: request.url(),
            });
            let started = Instant::now();
            let result = http.execute(request).await;
            self.emit(AttemptEvent::Finished {
                attempt,
                status: result.as_ref().ok().map(reqwest::Response::status),
                error: result.as_ref().err(),
                elapsed: started.elapsed(),
            });
            let delay = match &result {
                Ok(resp) => {
                    let status = resp.status();
                    let retry = is_retryable_status(status)
                        && (idempotent || status == StatusCode::TOO_MANY_REQUESTS);
                    retry.then(|| {
                        wait_from_headers(resp.headers(), policy)
                            .unwrap_or_else(|| backoff(policy, attempt))
                    })
                }
                // A refused connection never reached the server; a timeout or a connection
                // dropped before any response may have, so only idempotent requests repeat.
                Err(e) => (e.is_connect() || (idempotent && (e.is_timeout() || e.is_request())))
                    .then(|| backoff(policy, attempt)),
            };
            match (delay, next) {
                (Some(delay), Some(next)) => {
                    // The failed response is dropped unread; its connection is not reused.
                    drop(result);
                    self.emit(AttemptEvent::Waiting {
                        next_attempt: attempt + 1,
                        delay,
                    });
                    tokio::time::sleep(delay).await;
                    request = next;
                    attempt += 1;
                }
                _ => return result,
            }
        }
    }
}

/// The wait a 429 or 503 asks for: `Retry-After`, else the time until `X-RateLimit-Reset`.
fn wait_from_headers(headers: &HeaderMap, policy: &RetryPolicy) -> Option<Duration> {
    let now = SystemTime::now();
    if let Some(v) = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
    {
        let v = v.trim();
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs).min(policy.max_wait));
        }
        if let Ok(when) = httpdate::parse_http_date(v) {
            return Some(
                when.duration_since(now)
                    .unwrap_or_default()
                    .min(policy.max_wait),
            );
        }
    }
    let reset = headers
        .get("x-ratelimit-reset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())?;
    // A reset too far in the future for `SystemTime` to hold means "wait as long as allowed".
    let Some(reset) = UNIX_EPOCH.checked_add(Duration::from_secs(reset)) else {
        return Some(policy.max_wait);
    };
    // A reset already past says nothing about how long to wait: fall back to backoff.
    let wait = reset.duration_since(now).ok().filter(|d| !d.is_zero())?;
    Some(wait.min(policy.max_wait))
}

/// Exponential backoff with jitter: between half and all of `initial * 2^(attempt-1)`, capped.
fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let exp = policy
        .initial_backoff
        .saturating_mul(
            1u32.checked_shl(attempt.saturating_sub(1))
                .unwrap_or(u32::MAX),
        )
        .min(policy.max_backoff);
    exp.mul_f64(0.5 + fastrand::f64() * 0.5)
}

// ---------------------------------------------------------------------------------------------
// Responses

/// A decoded response, with its status, headers and raw body.
///
/// Dereferences to the decoded value.
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    value: T,
}

impl<T> Response<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body exactly as received, including fields this version of the client does not
    /// model.
    pub fn raw_body(&self) -> &[u8] {
        &self.body
    }

    /// The rate-limit headers of the response.
    pub fn rate_limit(&self) -> RateLimit {
        RateLimit::from_headers(&self.headers)
    }

    /// The `X-Request-Id` header, when the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
    }

    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("value", &self.value)
            .finish_non_exhaustive()
    }
}

/// The rate-limit headers of a response; a field is `None` when its header is absent or not
/// a number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed in the window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`: UNIX time (seconds) when the window resets.
    pub reset: Option<u64>,
}

impl RateLimit {
    /// Reads the three headers.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let num = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse().ok();
        Self {
            limit: num("x-ratelimit-limit"),
            remaining: num("x-ratelimit-remaining"),
            reset: num("x-ratelimit-reset"),
        }
    }
}

/// Reads at most `limit` bytes of body. `Ok(Err(partial))` means the body was longer.
async fn read_limited(
    resp: &mut reqwest::Response,
    limit: usize,
) -> reqwest::Result<Result<Bytes, Bytes>> {
    let mut buf = BytesMut::new();
    while let Some(chunk) = resp.chunk().await? {
        if buf.len() + chunk.len() > limit {
            let room = limit - buf.len();
            buf.extend_from_slice(&chunk[..room]);
            return Ok(Err(buf.freeze()));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Ok(buf.freeze()))
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(EXCERPT_CHARS)
        .collect();
    out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

/// Decodes a success response as JSON into `T`.
#[doc(hidden)]
pub async fn decode_response<T: DeserializeOwned>(
    rt: &Runtime,
    mut resp: reqwest::Response,
) -> Result<Response<T>, Error> {
    let status = resp.status();
    let limit = rt.config.max_body_bytes;
    // A body announced as too large is refused unread. (Error bodies are still read up to
    // their limit, since their start is the excerpt.)
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(Error::BodyTooLarge { status, limit });
    }
    let headers = std::mem::take(resp.headers_mut());
    let body = if resp.content_length().is_some() {
        // The length is announced and within the limit, and the body cannot run past it: read
        // it in one piece, without copying chunks.
        resp.bytes().await.map_err(Error::from_transport)?
    } else {
        match read_limited(&mut resp, limit)
            .await
            .map_err(Error::from_transport)?
        {
            Ok(body) => body,
            Err(_) => return Err(Error::BodyTooLarge { status, limit }),
        }
    };
    match serde_json::from_slice::<T>(&body) {
        Ok(value) => Ok(Response {
            status,
            headers,
            body,
            value,
        }),
        Err(e) => Err(Error::Decode {
            status,
            message: e.to_string(),
            excerpt: excerpt(&body),
        }),
    }
}

/// A success response without a body.
#[doc(hidden)]
pub async fn empty_response(
    _rt: &Runtime,
    mut resp: reqwest::Response,
) -> Result<Response<()>, Error> {
    let status = resp.status();
    let headers = std::mem::take(resp.headers_mut());
    Ok(Response {
        status,
        headers,
        body: Bytes::new(),
        value: (),
    })
}

/// Turns any non-success response into an [`Error`], reading at most 64 KiB of its body.
#[doc(hidden)]
pub async fn error_response(_rt: &Runtime, mut resp: reqwest::Response) -> Error {
    let status = resp.status();
    let headers = std::mem::take(resp.headers_mut());
    let (body, complete) = match read_limited(&mut resp, ERROR_BODY_LIMIT).await {
        Ok(Ok(body)) => (body, true),
        Ok(Err(partial)) => (partial, false),
        // The status is what matters; a body cut short still leaves an excerpt.
        Err(_) => (Bytes::new(), false),
    };
    let parsed = complete
        .then(|| serde_json::from_slice::<WireErrorList>(&body).ok())
        .flatten()
        .filter(|e| e.type_.as_deref() == Some("error.list") || !e.errors.is_empty());
    let header_request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let api = match parsed {
        Some(list) => ApiError {
            status,
            request_id: list.request_id.or(header_request_id),
            errors: list
                .errors
                .into_iter()
                .map(|e| ErrorDetail {
                    code: e.code.unwrap_or_default(),
                    message: e.message,
                    field: e.field,
                })
                .collect(),
            excerpt: None,
            rate_limit: RateLimit::from_headers(&headers),
        },
        None => ApiError {
            status,
            request_id: header_request_id,
            errors: Vec::new(),
            excerpt: Some(excerpt(&body)).filter(|e| !e.is_empty()),
            rate_limit: RateLimit::from_headers(&headers),
        },
    };
    Error::Api(Box::new(api))
}

/// Intercom's error body, decoded leniently: every member may be missing.
#[derive(serde::Deserialize)]
struct WireErrorList {
    #[serde(rename = "type", default)]
    type_: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    errors: Vec<WireError>,
}

#[derive(serde::Deserialize)]
struct WireError {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    field: Option<String>,
}

/// Decodes `null` as the type's default (an empty list or map); used by generated models.
#[doc(hidden)]
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    use serde::Deserialize as _;
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

// ---------------------------------------------------------------------------------------------
// Paths

/// Characters kept as they are in a path segment: RFC 3986 unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a path parameter so that it stays one path segment. Refuses values that URL
/// normalisation would drop or climb out of: empty, `.` and `..`.
#[doc(hidden)]
pub fn encode_path_segment(name: &str, value: &str) -> Result<String, Error> {
    if value.is_empty() || value == "." || value == ".." {
        return Err(Error::InvalidRequest(format!(
            "path parameter `{name}` is {value:?}, which cannot be sent as a path segment"
        )));
    }
    Ok(utf8_percent_encode(value, SEGMENT).to_string())
}

// ---------------------------------------------------------------------------------------------
// Errors

/// One `{code, message, field}` of an Intercom error body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorDetail {
    /// Machine-readable code, such as `not_found` or `unauthorized`.
    pub code: String,
    /// Human-readable message.
    pub message: Option<String>,
    /// The request field the error is about, when there is one.
    pub field: Option<String>,
}

/// A non-success response from the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The request id from the error body (or the `X-Request-Id` header), kept as sent.
    pub request_id: Option<String>,
    /// The errors of an Intercom `error.list` body; empty when the body was not one.
    pub errors: Vec<ErrorDetail>,
    /// The start of the body, when it was not an Intercom error (an HTML page, say).
    pub excerpt: Option<String>,
    /// The rate-limit headers of the response.
    pub rate_limit: RateLimit,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        let details: Vec<String> = self
            .errors
            .iter()
            .map(|e| {
                let mut s = e.code.clone();
                if let Some(m) = &e.message {
                    s.push_str(": ");
                    s.push_str(m);
                }
                if let Some(field) = &e.field {
                    s.push_str(&format!(" (field `{field}`)"));
                }
                s
            })
            .collect();
        if !details.is_empty() {
            write!(f, ": {}", details.join("; ").replace(['\n', '\r'], " "))?;
        } else if let Some(x) = &self.excerpt {
            write!(f, ": body is not an Intercom error: {x}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request_id {})", id.replace(['\n', '\r'], " "))?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in a call. `Display` is one line; nothing shows the token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a non-success status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// A success status whose body does not decode into the expected type.
    #[error("HTTP {status}: response body does not decode: {message}; body starts: {excerpt}")]
    Decode {
        /// The HTTP status.
        status: StatusCode,
        /// What the decoder said.
        message: String,
        /// The start of the body.
        excerpt: String,
    },
    /// A response body larger than [`ClientBuilder::max_body_bytes`].
    #[error("HTTP {status}: response body larger than {limit} bytes")]
    BodyTooLarge {
        /// The HTTP status.
        status: StatusCode,
        /// The limit in force.
        limit: usize,
    },
    /// An attempt took longer than the timeout (after any retries).
    #[error("request timed out")]
    Timeout(#[source] reqwest::Error),
    /// The server could not be reached (after any retries).
    #[error("could not connect: {}", error_chain(.0))]
    Connect(#[source] reqwest::Error),
    /// The connection failed during the exchange: reset, or a body cut short.
    #[error("transport error: {}", error_chain(.0))]
    Transport(#[source] reqwest::Error),
    /// The request was refused before sending: an argument cannot be sent as given.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The client is misconfigured.
    #[error("invalid configuration: {0}")]
    Config(String),
}

fn error_chain(e: &reqwest::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out.replace(['\n', '\r'], " ")
}

impl Error {
    fn from_transport(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            Error::Timeout(e)
        } else if e.is_connect() {
            Error::Connect(e)
        } else if e.is_builder() {
            Error::InvalidRequest(error_chain(&e))
        } else {
            Error::Transport(e)
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } | Error::BodyTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API error, when the server answered with a non-success status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The request id of an API error.
    pub fn request_id(&self) -> Option<&str> {
        self.api().and_then(|e| e.request_id.as_deref())
    }

    /// 404: the object does not exist.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// 429: over the rate limit (after any retries).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// 401: the token is missing, invalid or revoked.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// The request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        Error::from_transport(e)
    }
}

impl From<reqwest::header::InvalidHeaderValue> for Error {
    fn from(_: reqwest::header::InvalidHeaderValue) -> Self {
        Error::InvalidRequest("a header parameter is not a valid header value".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_and_empty_ids_are_refused() {
        for bad in ["", ".", ".."] {
            assert!(matches!(
                encode_path_segment("id", bad),
                Err(Error::InvalidRequest(_))
            ));
        }
    }

    #[test]
    fn ids_stay_in_one_segment() {
        let cases = [
            ("../admins", "..%2Fadmins"),
            ("a/b", "a%2Fb"),
            ("a?b=c", "a%3Fb%3Dc"),
            ("a#b", "a%23b"),
            ("%2e%2e", "%252e%252e"),
            ("a b", "a%20b"),
            ("é", "%C3%A9"),
            ("6657ac5e6abd0166b52ae241", "6657ac5e6abd0166b52ae241"),
        ];
        for (raw, encoded) in cases {
            assert_eq!(encode_path_segment("id", raw).unwrap(), encoded);
        }
    }

    #[test]
    fn retry_after_seconds_and_dates_are_capped() {
        let policy = RetryPolicy::default();
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(wait_from_headers(&h, &policy), Some(Duration::from_secs(3)));
        h.insert("retry-after", HeaderValue::from_static("100000"));
        assert_eq!(wait_from_headers(&h, &policy), Some(policy.max_wait));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        h.insert("retry-after", HeaderValue::from_str(&later).unwrap());
        let wait = wait_from_headers(&h, &policy).unwrap();
        assert!(
            wait > Duration::from_secs(28) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
    }

    #[test]
    fn past_rate_limit_reset_falls_back_to_backoff() {
        let policy = RetryPolicy::default();
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-reset", HeaderValue::from_static("1000"));
        assert_eq!(wait_from_headers(&h, &policy), None);
        let soon = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 5;
        h.insert(
            "x-ratelimit-reset",
            HeaderValue::from_str(&soon.to_string()).unwrap(),
        );
        let wait = wait_from_headers(&h, &policy).unwrap();
        assert!(
            wait <= Duration::from_secs(5) && wait > Duration::from_secs(3),
            "{wait:?}"
        );
    }

    #[test]
    fn rate_limit_reset_beyond_system_time_is_capped_not_a_panic() {
        let policy = RetryPolicy::default();
        let mut h = HeaderMap::new();
        h.insert(
            "x-ratelimit-reset",
            HeaderValue::from_static("18446744073709551615"),
        );
        assert_eq!(wait_from_headers(&h, &policy), Some(policy.max_wait));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::default();
        for attempt in 1..40 {
            let d = backoff(&policy, attempt);
            assert!(d <= policy.max_backoff);
        }
        let first = backoff(&policy, 1);
        assert!(first >= policy.initial_backoff / 2 && first <= policy.initial_backoff);
    }

    #[test]
    fn excerpt_is_one_bounded_line() {
        let body = format!("<html>\n<body>{}</body>", "x".repeat(1000));
        let e = excerpt(body.as_bytes());
        assert!(!e.contains('\n'));
        assert!(e.chars().count() <= EXCERPT_CHARS + 1);
    }
}
