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
use crate::response::{decode, read_body};
use crate::retry::{backoff, is_idempotent, is_retryable_status, wait_from_headers};
use crate::{Error, Request, Response, RetryPolicy};

/// Settings shared by every copy of a client.
pub(crate) struct Config {
    /// Base URL without a trailing slash.
    pub base_url: String,
    /// Sent with every request: authorization, the API version, user agent, accept.
    pub headers: HeaderMap,
    pub version_header: Option<HeaderName>,
    pub retry: RetryPolicy,
    pub timeout: Duration,
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
    /// Per-copy override of the API version.
    api_version: Option<HeaderValue>,
    /// Per-copy override of the attempt timeout.
    timeout: Option<Duration>,
}

/// The version header's value, checked the same way wherever a version is set.
pub(crate) fn version_value(version: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(version).map_err(|_| {
        Error::Config(format!(
            "API version `{version}` is not a valid header value"
        ))
    })
}

impl Runtime {
    pub(crate) fn new(http: reqwest::Client, config: Config) -> Self {
        Self {
            http,
            config: Arc::new(config),
            api_version: None,
            timeout: None,
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// A copy whose requests send `version` in the API-version header.
    pub fn with_api_version(&self, version: &str) -> Result<Self, Error> {
        let mut copy = self.clone();
        copy.api_version = Some(version_value(version)?);
        Ok(copy)
    }

    /// A copy with a different per-attempt timeout.
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        let mut copy = self.clone();
        copy.timeout = Some(timeout);
        copy
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
    fn attempt(&self, request: &Request) -> Result<reqwest::Request, Error> {
        let config = &*self.config;
        let text = format!("{}{}", config.base_url, request.path);
        let mut url = Url::parse(&text)
            .map_err(|e| Error::InvalidRequest(format!("`{text}` is not a valid URL: {e}")))?;
        if !request.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(request.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let mut attempt = reqwest::Request::new(request.method.clone(), url);
        let headers = attempt.headers_mut();
        *headers = config.headers.clone();
        if let (Some(name), Some(version)) = (&config.version_header, &self.api_version) {
            headers.insert(name.clone(), version.clone());
        }
        for (name, value) in &request.headers {
            headers.insert(name.clone(), value.clone());
        }
        if let Some((content_type, body)) = &request.body {
            headers.insert(CONTENT_TYPE, content_type.clone());
            *attempt.body_mut() = Some(reqwest::Body::from(body.clone()));
        }
        *attempt.timeout_mut() = match self.timeout {
            Some(t) => Some(t),
            None if !config.timeout_in_client => Some(config.timeout),
            None => None,
        };
        Ok(attempt)
    }

    /// Sends the request, retrying as the policy says; a final response that is not a success
    /// becomes an [`Error`]. Each attempt is built afresh from the request's parts, so nothing
    /// is copied for a retry that never happens.
    async fn execute(&self, mut request: Request) -> Result<reqwest::Response, Error> {
        if let Some(error) = request.error.take() {
            return Err(error);
        }
        let policy = &self.config.retry;
        let idempotent = is_idempotent(&request.method);
        let mut attempt: u32 = 1;
        loop {
            let http_request = self.attempt(&request)?;
            self.emit(AttemptEvent::Sending {
                attempt,
                method: http_request.method(),
                url: http_request.url(),
            });
            let started = Instant::now();
            let result = self.http.execute(http_request).await;
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
            match delay {
                Some(delay) if attempt <= policy.max_retries => {
                    // The failed response is dropped unread; its connection is not reused.
                    drop(result);
                    self.emit(AttemptEvent::Waiting {
                        next_attempt: attempt + 1,
                        delay,
                    });
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                _ => {
                    return match result {
                        Ok(resp) if resp.status().is_success() => Ok(resp),
                        Ok(resp) => Err(error_response(resp).await),
                        Err(e) => Err(Error::from_transport(e)),
                    };
                }
            }
        }
    }
}
