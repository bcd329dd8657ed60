//! The configured runtime a generated client holds, and sending a [`Request`] through it:
//! the client's headers, the retry loop, and turning the final response into a value or an
//! [`Error`].

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::error::error_response;
use crate::events::{AttemptEvent, Observer};
use crate::options::RequestOptions;
use crate::rate_limit::RateLimit;
use crate::response::{decode, read_body};
use crate::retry::{backoff, is_idempotent, is_retryable_status, wait_from_headers};
use crate::trace;
use crate::{Error, Request, Response, RetryPolicy};

/// Settings shared by every copy of a client.
#[derive(Clone)]
pub(crate) struct Config {
    /// Base URL without a trailing slash.
    pub base_url: String,
    /// Sent with every request: authorization, the API version, user agent, accept.
    pub headers: HeaderMap,
    pub version_header: Option<HeaderName>,
    pub retry: RetryPolicy,
    pub timeout: Duration,
    /// Time allowed for a whole call, retries included.
    pub total_timeout: Option<Duration>,
    /// Whether `timeout` is already set on the `reqwest::Client`.
    pub timeout_in_client: bool,
    pub max_body_bytes: usize,
    pub observer: Option<Observer>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The headers are left out: one of them is the token.
        let token = self
            .headers
            .contains_key(AUTHORIZATION)
            .then_some("<redacted>");
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("token", &token)
            .field("version_header", &self.version_header)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

/// A configured client without its operations: a generated `Client` holds one and hands it each
/// call as a [`Request`]. Cloning is cheap and shares the connection pool.
#[derive(Clone, Debug)]
pub struct Runtime {
    http: reqwest::Client,
    config: Arc<Config>,
    /// What this copy changes for its calls.
    overrides: Overrides,
}

/// Per-copy changes to the configuration, from [`RequestOptions`].
#[derive(Clone, Debug, Default)]
struct Overrides {
    api_version: Option<HeaderValue>,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    total_timeout: Option<Duration>,
    headers: Option<Arc<HeaderMap>>,
}

/// The version header's value, checked the same way wherever a version is set.
pub(crate) fn version_value(version: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(version).map_err(|_| {
        Error::Config(format!(
            "API version `{version}` is not a valid header value"
        ))
    })
}

/// The `Authorization` header for a token.
pub(crate) fn bearer(token: &str) -> Result<HeaderValue, Error> {
    if token.trim().is_empty() {
        return Err(Error::Config("the access token is empty".to_string()));
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.trim())).map_err(|_| {
        Error::Config(
            "the access token contains characters not allowed in an HTTP header".to_string(),
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

impl Runtime {
    pub(crate) fn new(http: reqwest::Client, config: Config) -> Self {
        Self {
            http,
            config: Arc::new(config),
            overrides: Overrides::default(),
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// A copy whose requests send `version` in the API-version header.
    pub fn with_api_version(&self, version: &str) -> Result<Self, Error> {
        self.with_options(&RequestOptions::new().api_version(version))
    }

    /// A copy with a different per-attempt timeout.
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        let mut copy = self.clone();
        copy.overrides.timeout = Some(timeout);
        copy
    }

    /// A copy whose calls use `options` where they set something.
    pub fn with_options(&self, options: &RequestOptions) -> Result<Self, Error> {
        let mut copy = self.clone();
        let o = &mut copy.overrides;
        if let Some(version) = &options.api_version {
            o.api_version = Some(version_value(version)?);
        }
        o.timeout = options.timeout.or(o.timeout);
        o.max_retries = options.max_retries.or(o.max_retries);
        o.total_timeout = options.total_timeout.or(o.total_timeout);
        if !options.headers.is_empty() {
            let mut headers = o.headers.as_deref().cloned().unwrap_or_default();
            for (name, value) in &options.headers {
                if name != AUTHORIZATION {
                    headers.insert(name.clone(), value.clone());
                }
            }
            o.headers = Some(Arc::new(headers));
        }
        Ok(copy)
    }

    /// A copy that sends another access token, sharing this one's connection pool and every
    /// other setting: for an application that serves many workspaces, one token each.
    pub fn with_token(&self, token: &str) -> Result<Self, Error> {
        let mut config = (*self.config).clone();
        config.headers.insert(AUTHORIZATION, bearer(token)?);
        Ok(Self {
            http: self.http.clone(),
            config: Arc::new(config),
            overrides: self.overrides.clone(),
        })
    }

    /// Sends `request` and decodes a success body as JSON into `T`.
    pub async fn send<T: DeserializeOwned>(&self, request: Request) -> Result<Response<T>, Error> {
        let response = self.execute(request).await?;
        let (status, headers, body) = read_body(response, self.config.max_body_bytes).await?;
        decode(status, headers, body)
    }

    /// Sends `request` whose success response has no body worth reading.
    pub async fn send_empty(&self, request: Request) -> Result<Response<()>, Error> {
        let mut response = self.execute(request).await?;
        Ok(Response {
            status: response.status(),
            headers: std::mem::take(response.headers_mut()),
            body: Bytes::new(),
            value: (),
        })
    }

    /// Sends `request` and returns a success body as raw bytes.
    pub async fn send_bytes(&self, request: Request) -> Result<Response<Bytes>, Error> {
        let response = self.execute(request).await?;
        let (status, headers, body) = read_body(response, self.config.max_body_bytes).await?;
        Ok(Response {
            status,
            headers,
            value: body.clone(),
            body,
        })
    }

    fn emit(&self, event: AttemptEvent<'_>) {
        if let Some(observer) = &self.config.observer {
            observer(&event);
        }
    }

    /// One attempt of `request`, built from its parts: the URL, the client's headers and the
    /// request's own, the body and the timeout. Built afresh for each attempt, so a request that
    /// succeeds at once is never copied.
    fn attempt(
        &self,
        request: &Request,
        remaining: Option<Duration>,
    ) -> Result<reqwest::Request, Error> {
        let config = &*self.config;
        let text = format!("{}{}", config.base_url, request.path);
        let mut url = Url::parse(&text)
            .map_err(|e| Error::InvalidRequest(format!("`{text}` is not a valid URL: {e}")))?;
        if !request.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(request.query.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
        }
        let mut attempt = reqwest::Request::new(request.method.clone(), url);
        let headers = attempt.headers_mut();
        *headers = config.headers.clone();
        if let (Some(name), Some(version)) = (&config.version_header, &self.overrides.api_version) {
            headers.insert(name.clone(), version.clone());
        }
        for (name, value) in self.overrides.headers.iter().flat_map(|h| h.iter()) {
            headers.insert(name.clone(), value.clone());
        }
        for (name, value) in &request.headers {
            headers.insert(name.clone(), value.clone());
        }
        if let Some((content_type, body)) = &request.body {
            headers.insert(CONTENT_TYPE, content_type.clone());
            *attempt.body_mut() = Some(reqwest::Body::from(body.clone()));
        }
        *attempt.timeout_mut() = match (self.overrides.timeout, remaining) {
            (Some(t), Some(r)) => Some(t.min(r)),
            (None, Some(r)) => Some(config.timeout.min(r)),
            (Some(t), None) => Some(t),
            (None, None) if !config.timeout_in_client => Some(config.timeout),
            (None, None) => None,
        };
        Ok(attempt)
    }

    /// Sends the request, retrying as the policy says; a final response that is not a success
    /// becomes an [`Error`]. Each attempt is built afresh from the request's parts, so nothing
    /// is copied for a retry that never happens.
    async fn execute(&self, mut request: Request) -> Result<reqwest::Response, Error> {
        let span = trace::span(request.operation, &request.method);
        if let Some(error) = request.error.take() {
            span.in_scope(|| trace::failure(&error));
            return Err(error);
        }
        trace::instrumented(span, self.attempts(request)).await
    }

    async fn attempts(&self, request: Request) -> Result<reqwest::Response, Error> {
        let config = &*self.config;
        let max_retries = self
            .overrides
            .max_retries
            .unwrap_or(config.retry.max_retries);
        let total = self.overrides.total_timeout.or(config.total_timeout);
        let started = Instant::now();
        let deadline = total.map(|t| started + t);
        let idempotent = is_idempotent(&request.method);
        let mut attempt: u32 = 1;
        loop {
            let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let http_request = self.attempt(&request, remaining)?;
            if attempt == 1 {
                trace::url(http_request.url());
            }
            trace::attempt(attempt);
            self.emit(AttemptEvent::Sending {
                attempt,
                method: http_request.method(),
                url: http_request.url(),
            });
            let origin = http_request.url().origin();
            let sent = Instant::now();
            let result = self.http.execute(http_request).await;
            self.emit(AttemptEvent::Finished {
                attempt,
                status: result.as_ref().ok().map(reqwest::Response::status),
                error: result.as_ref().err(),
                elapsed: sent.elapsed(),
            });
            // The builder's own HTTP client never leaves the origin; a caller's may follow a
            // redirect elsewhere (reqwest drops the token on the way). What another server
            // answers is not this operation's result.
            if let Ok(resp) = &result
                && resp.url().origin() != origin
            {
                let error = Error::Config(format!(
                    "the HTTP client followed a redirect to another origin ({}); give `http_client` a client that does not follow redirects off the origin, or let the builder make it",
                    resp.url().origin().ascii_serialization()
                ));
                trace::failure(&error);
                return Err(error);
            }
            let retry = match &result {
                Ok(resp) => {
                    let status = resp.status();
                    (is_retryable_status(status)
                        && (idempotent || status == StatusCode::TOO_MANY_REQUESTS))
                        .then(|| {
                            let delay =
                                wait_from_headers(resp.headers(), status, config.retry.max_wait)
                                    .unwrap_or_else(|| backoff(&config.retry, attempt));
                            (delay, status.as_str().to_string())
                        })
                }
                // A refused connection never reached the server; a timeout or a connection
                // dropped before any response may have, so only idempotent requests repeat.
                Err(e) => (e.is_connect() || (idempotent && (e.is_timeout() || e.is_request())))
                    .then(|| {
                        let reason = if e.is_connect() {
                            "connect"
                        } else if e.is_timeout() {
                            "timeout"
                        } else {
                            "connection closed"
                        };
                        (backoff(&config.retry, attempt), reason.to_string())
                    }),
            };
            // A retry must fit in what is left of the call's time.
            let fits = |delay: Duration| deadline.is_none_or(|d| Instant::now() + delay < d);
            match retry {
                Some((delay, reason)) if attempt <= max_retries && fits(delay) => {
                    // The failed response is dropped unread; its connection is not reused.
                    drop(result);
                    trace::retry(&reason, delay, attempt + 1);
                    self.emit(AttemptEvent::Waiting {
                        next_attempt: attempt + 1,
                        delay,
                    });
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                _ => return self.finish(result).await,
            }
        }
    }

    /// The final attempt's outcome as the call's.
    async fn finish(
        &self,
        result: reqwest::Result<reqwest::Response>,
    ) -> Result<reqwest::Response, Error> {
        match result {
            Ok(resp) if resp.status().is_success() => {
                let request_id = resp
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok());
                trace::response(
                    resp.status(),
                    request_id,
                    RateLimit::from_headers(resp.headers()),
                );
                Ok(resp)
            }
            Ok(resp) => {
                let error = error_response(resp).await;
                if let Error::Api(api) = &error {
                    trace::response(api.status, api.request_id.as_deref(), api.rate_limit);
                }
                Err(error)
            }
            Err(e) => {
                let error = Error::from_transport(e);
                trace::failure(&error);
                Err(error)
            }
        }
    }
}
