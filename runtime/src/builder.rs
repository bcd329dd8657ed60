//! Building a client: the builder's settings and the checks `build` makes on them.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::api::{ApiClient, BaseUrl};
use crate::events::{AttemptEvent, Observer};
use crate::runtime::{Config, Runtime, bearer, version_value};
use crate::{Error, RetryPolicy};

/// Default time allowed for one attempt of a request, connection included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Default cap on a response body the client reads into memory (16 MiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Builds a client of type `C`; start with the generated `Client::builder()`.
#[must_use]
pub struct ClientBuilder<C: ApiClient> {
    token: Option<String>,
    region: C::Region,
    base_url: Option<String>,
    api_version: String,
    timeout: Duration,
    connect_timeout: Duration,
    total_timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent_suffix: Option<String>,
    http: Option<reqwest::Client>,
    max_body_bytes: usize,
    observer: Option<Observer>,
    client: PhantomData<fn() -> C>,
}

impl<C: ApiClient> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("retry", &self.retry)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl<C: ApiClient> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self {
            token: None,
            region: C::Region::default(),
            base_url: None,
            api_version: C::API.version.to_string(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            total_timeout: None,
            retry: RetryPolicy::default(),
            user_agent_suffix: None,
            http: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            observer: None,
            client: PhantomData,
        }
    }
}

impl<C: ApiClient> ClientBuilder<C> {
    /// A builder with every setting at its default.
    pub fn new() -> Self {
        Self::default()
    }

    /// The access token sent as `Authorization: Bearer <token>`.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The access token from the environment variable the API's description names
    /// ([`Api::token_env`](crate::Api::token_env)).
    pub fn token_from_env(self) -> Result<Self, Error> {
        let name = C::API.token_env;
        match std::env::var(name) {
            Ok(token) if !token.trim().is_empty() => Ok(self.token(token)),
            _ => Err(Error::Config(format!(
                "no access token: set the environment variable {name} to your Intercom access token (Settings > Developers > your app > Authentication)"
            ))),
        }
    }

    /// The region whose server the client talks to (default: the first server of the spec).
    pub fn region(mut self, region: C::Region) -> Self {
        self.region = region;
        self
    }

    /// A base URL that replaces the region's, for tests and proxies. Plain `http://` is
    /// accepted only for loopback hosts when a token is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The API version sent in the version header (default: the version the client was
    /// generated for).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// Time allowed for each attempt, from connecting to the end of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to open a connection (default 10 s); a connection not made in time is
    /// [`Error::Connect`], and is retried like a refused one.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for a whole call, every attempt and every wait between them included (no
    /// limit by default). A retry that would not start before it is not made.
    pub fn total_timeout(mut self, total: Duration) -> Self {
        self.total_timeout = Some(total);
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

    /// A `reqwest::Client` of your own (proxies, TLS roots, connection pools). The builder's
    /// timeout is set on each request; the client's own timeout applies as well. Its redirect
    /// policy decides which redirects are followed: reqwest drops the `Authorization` header
    /// on a redirect to another origin, and a response that arrives from another origin is
    /// refused with [`Error::Config`], never returned as the operation's result. Give it
    /// `redirect::Policy::none()` so that such a redirect is never sent at all.
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
    pub fn build(self) -> Result<C, Error> {
        let api = C::API;
        let base = self
            .base_url
            .clone()
            .unwrap_or_else(|| self.region.base_url().to_string());
        let base = base.trim_end_matches('/').to_string();
        check_base_url(&base, self.token.is_some())?;
        let mut headers = HeaderMap::new();
        if let Some(token) = &self.token {
            headers.insert(AUTHORIZATION, bearer(token)?);
        }
        // `HeaderName` normalises the spec's spelling to lowercase.
        let version_header = api
            .version_header
            .and_then(|n| HeaderName::from_bytes(n.as_bytes()).ok());
        if let Some(name) = &version_header {
            headers.insert(name.clone(), version_value(&self.api_version)?);
        }
        let mut ua = api.user_agent.to_string();
        if let Some(s) = &self.user_agent_suffix {
            ua.push(' ');
            ua.push_str(s);
        }
        let ua = HeaderValue::from_str(&ua).map_err(|_| {
            Error::Config("the user-agent suffix is not a valid header value".to_string())
        })?;
        headers.insert(USER_AGENT, ua);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        // The client built here carries the timeout itself, which spares each request a timer
        // of its own; a caller's client gets the timeout on every request instead.
        let timeout_in_client = self.http.is_none();
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.min(self.timeout))
                .timeout(self.timeout)
                .redirect(same_origin_redirects())
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let config = Config {
            base_url: base,
            headers,
            version_header,
            retry: self.retry,
            timeout: self.timeout,
            total_timeout: self.total_timeout,
            timeout_in_client,
            max_body_bytes: self.max_body_bytes,
            observer: self.observer,
        };
        Ok(C::from_runtime(Runtime::new(http, config)))
    }
}

/// Only `https`, or plain `http` to a loopback host (or without a token); no credentials, query
/// or fragment.
fn check_base_url(base: &str, has_token: bool) -> Result<(), Error> {
    let url = Url::parse(base)
        .map_err(|e| Error::Config(format!("base URL `{base}` is not a valid URL: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if !has_token || is_loopback(&url) => {}
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
    Ok(())
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
