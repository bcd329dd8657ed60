//! Scripted faults: what the mock server does instead of (or before) answering, for the next
//! requests or for every request of one operation.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::reply::MockError;

/// A fault the server plays on requests that reach an operation: a delay before answering, an
/// error status, rate-limit headers. Faults are played in the order they were added; each is
/// used up after [`times`](Fault::times) requests (once unless told otherwise).
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    pub(crate) delay: Option<Duration>,
    pub(crate) status: Option<u16>,
    pub(crate) rate_limit_reset_after: Option<Duration>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) operation: Option<String>,
    /// Requests left; `None` for every request.
    pub(crate) remaining: Option<usize>,
}

impl Fault {
    fn empty() -> Self {
        Self {
            delay: None,
            status: None,
            rate_limit_reset_after: None,
            headers: Vec::new(),
            operation: None,
            remaining: Some(1),
        }
    }

    /// Answers with `status` and an error list whose code is named after it (`server_error` for
    /// a 5xx, `rate_limit_exceeded` for 429, `not_found` for 404, else `client_error`).
    pub fn status(status: u16) -> Self {
        Self {
            status: Some(status),
            ..Self::empty()
        }
    }

    /// Waits `delay`, then answers as the server would have.
    pub fn delay(delay: Duration) -> Self {
        Self {
            delay: Some(delay),
            ..Self::empty()
        }
    }

    /// Answers 429 with `X-RateLimit-Limit`, `X-RateLimit-Remaining: 0` and an
    /// `X-RateLimit-Reset` (UNIX seconds) `reset_after` from the moment it is played, rounded up.
    pub fn rate_limited(reset_after: Duration) -> Self {
        Self {
            status: Some(429),
            rate_limit_reset_after: Some(reset_after),
            ..Self::empty()
        }
    }

    /// The same fault, played after waiting `delay`.
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// The same fault with one more response header (on an error answer).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The same fault, played on `count` requests.
    pub fn times(mut self, count: usize) -> Self {
        self.remaining = Some(count);
        self
    }

    /// The same fault, played on every request it applies to until the faults are cleared.
    pub fn always(mut self) -> Self {
        self.remaining = None;
        self
    }

    /// The same fault, played only on requests to one operation, named by its operationId
    /// (`ShowContact`) or its method's name (`show_contact`).
    pub fn for_operation(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }

    /// The error answer this fault gives, if it gives one.
    pub(crate) fn error(&self, now: SystemTime) -> Option<MockError> {
        let status = self.status?;
        let (code, message) = match status {
            429 => (
                "rate_limit_exceeded",
                "Rate limit exceeded (scripted fault)",
            ),
            404 => ("not_found", "Resource not found (scripted fault)"),
            500..=599 => ("server_error", "Server error (scripted fault)"),
            _ => ("client_error", "Request failed (scripted fault)"),
        };
        let mut err = MockError::new(status, code, message);
        if let Some(after) = self.rate_limit_reset_after {
            let reset = now + after;
            let secs = reset
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs() + u64::from(d.subsec_nanos() > 0))
                .unwrap_or_default();
            err = err
                .with_header("X-RateLimit-Limit", "10000")
                .with_header("X-RateLimit-Remaining", "0")
                .with_header("X-RateLimit-Reset", secs.to_string());
        }
        for (name, value) in &self.headers {
            err = err.with_header(name.clone(), value.clone());
        }
        Some(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limited_sets_the_three_headers() {
        let now = UNIX_EPOCH + Duration::from_millis(1_700_000_000_500);
        let err = Fault::rate_limited(Duration::from_secs(2))
            .error(now)
            .expect("a status fault answers");
        assert_eq!(err.status, 429);
        assert_eq!(err.errors[0].code, "rate_limit_exceeded");
        assert_eq!(
            err.headers,
            vec![
                ("X-RateLimit-Limit".to_string(), "10000".to_string()),
                ("X-RateLimit-Remaining".to_string(), "0".to_string()),
                ("X-RateLimit-Reset".to_string(), "1700000003".to_string()),
            ]
        );
        assert_eq!(Fault::delay(Duration::from_secs(1)).error(now), None);
        assert_eq!(
            Fault::status(503)
                .error(now)
                .map(|e| e.errors[0].code.clone()),
            Some("server_error".into())
        );
    }
}
