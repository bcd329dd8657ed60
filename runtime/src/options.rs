//! Per-call settings: what a caller may change for some calls without building another client.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::Error;

/// Settings for the calls made through one copy of a client, set with the generated
/// `Client::with_options`; each `None` keeps the client's own setting.
///
/// ```
/// use std::time::Duration;
/// use intercom_runtime::RequestOptions;
///
/// let options = RequestOptions::new()
///     .timeout(Duration::from_secs(5))
///     .max_retries(0)
///     .header("X-Trace-Id", "abc")
///     .expect("a valid header");
/// assert_eq!(options.max_retries, Some(0));
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Time allowed for each attempt.
    pub timeout: Option<Duration>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
    /// Time allowed for the whole call, every attempt and wait included.
    pub total_timeout: Option<Duration>,
    /// The API version sent in the version header.
    pub api_version: Option<String>,
    /// Headers sent with every call, after the client's own (they replace one of the same name,
    /// except `Authorization`, which only the token sets).
    pub headers: HeaderMap,
}

impl RequestOptions {
    /// Options that change nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Time allowed for each attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retries after the first attempt; 0 sends each request once.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Time allowed for the whole call, every attempt and wait included.
    pub fn total_timeout(mut self, total: Duration) -> Self {
        self.total_timeout = Some(total);
        self
    }

    /// The API version sent in the version header.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// One more header; fails when the name or value cannot be sent as an HTTP header.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        let invalid = || Error::Config(format!("header `{name}` is not a valid HTTP header"));
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
        let value = HeaderValue::from_str(value).map_err(|_| invalid())?;
        self.headers.insert(name, value);
        Ok(self)
    }
}
