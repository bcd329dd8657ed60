//! When a failed attempt is repeated, and how long the client waits first.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::RateLimit;

/// When and how long to wait before retrying a failed attempt.
///
/// Retried: connection failures, timeouts, connections closed before a response, and the
/// statuses 408, 429, 500, 502, 503 and 504,
/// for idempotent methods (`GET`, `PUT`, `DELETE`, `HEAD`, `OPTIONS`); a 429 or a failure to
/// connect is retried for any method, since the server did not act on the request. Other 4xx
/// statuses are never retried.
///
/// The wait before a retry is, in order of preference: the `Retry-After` header (seconds or an
/// HTTP date); on a 429 only, the time until `X-RateLimit-Reset` (UNIX seconds), when that is in
/// the future; else exponential backoff with jitter. Waits from headers are capped at
/// [`max_wait`](Self::max_wait).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
    /// The default policy: 2 retries, backoff from 500 ms doubling up to 10 s, waits asked
    /// for by the server capped at 60 s.
    pub fn new() -> Self {
        Self::default()
    }

    /// Retries after the first attempt.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Backoff before the first retry.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Upper bound of the exponential backoff.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Upper bound of a wait taken from `Retry-After` or `X-RateLimit-Reset`.
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }

    /// A policy that never retries.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }
}

pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS
    )
}

pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// The wait a response asks for: its `Retry-After` header (seconds or an HTTP date), else, on a
/// 429 only, the time until `X-RateLimit-Reset`. Intercom sends the rate-limit headers on every
/// response, so on a 502 or a 503 they say nothing about when the server will be back. Capped at
/// `max_wait`; `None` when the response asks for nothing.
pub(crate) fn wait_from_headers(
    headers: &HeaderMap,
    status: StatusCode,
    max_wait: Duration,
) -> Option<Duration> {
    wait_from_headers_at(headers, status, max_wait, SystemTime::now())
}

/// [`wait_from_headers`] as seen at the time `now`.
pub(crate) fn wait_from_headers_at(
    headers: &HeaderMap,
    status: StatusCode,
    max_wait: Duration,
    now: SystemTime,
) -> Option<Duration> {
    if let Some(v) = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
    {
        let v = v.trim();
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs).min(max_wait));
        }
        if let Ok(when) = httpdate::parse_http_date(v) {
            return Some(when.duration_since(now).unwrap_or_default().min(max_wait));
        }
    }
    if status != StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    let reset = RateLimit::from_headers(headers).reset?;
    // A reset too far in the future for `SystemTime` to hold means "wait as long as allowed".
    let Some(reset) = UNIX_EPOCH.checked_add(Duration::from_secs(reset)) else {
        return Some(max_wait);
    };
    // A reset already past says nothing about how long to wait: fall back to backoff.
    let wait = reset.duration_since(now).ok().filter(|d| !d.is_zero())?;
    Some(wait.min(max_wait))
}

/// Exponential backoff with jitter: between half and all of `initial * 2^(attempt-1)`, capped.
pub(crate) fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    backoff_with(policy, attempt, fastrand::f64())
}

/// [`backoff`] with the jitter given, a number in `[0, 1)`.
pub(crate) fn backoff_with(policy: &RetryPolicy, attempt: u32, jitter: f64) -> Duration {
    let exp = policy
        .initial_backoff
        .saturating_mul(
            1u32.checked_shl(attempt.saturating_sub(1))
                .unwrap_or(u32::MAX),
        )
        .min(policy.max_backoff);
    exp.mul_f64(0.5 + jitter.clamp(0.0, 1.0) * 0.5)
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    const NOW: u64 = 1_800_000_000;
    const MAX: Duration = Duration::from_secs(60);

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        h
    }

    fn wait(h: &HeaderMap, status: u16) -> Option<Duration> {
        let status = StatusCode::from_u16(status).unwrap();
        wait_from_headers_at(h, status, MAX, at(NOW))
    }

    #[test]
    fn retry_after_seconds_and_dates_are_capped() {
        let h = headers(&[("retry-after", "3".into())]);
        assert_eq!(wait(&h, 503), Some(Duration::from_secs(3)));
        let h = headers(&[("retry-after", "100000".into())]);
        assert_eq!(wait(&h, 429), Some(MAX));
        let h = headers(&[("retry-after", httpdate::fmt_http_date(at(NOW + 30)))]);
        assert_eq!(wait(&h, 503), Some(Duration::from_secs(30)));
        let h = headers(&[("retry-after", httpdate::fmt_http_date(at(NOW - 30)))]);
        assert_eq!(wait(&h, 503), Some(Duration::ZERO));
    }

    #[test]
    fn rate_limit_reset_counts_on_a_429_only() {
        let h = headers(&[("x-ratelimit-reset", (NOW + 5).to_string())]);
        assert_eq!(wait(&h, 429), Some(Duration::from_secs(5)));
        for status in [408, 500, 502, 503, 504] {
            assert_eq!(wait(&h, status), None, "{status}");
        }
    }

    #[test]
    fn retry_after_wins_over_the_rate_limit_reset() {
        let h = headers(&[
            ("retry-after", "2".into()),
            ("x-ratelimit-reset", (NOW + 40).to_string()),
        ]);
        assert_eq!(wait(&h, 429), Some(Duration::from_secs(2)));
    }

    #[test]
    fn past_rate_limit_reset_falls_back_to_backoff() {
        let h = headers(&[("x-ratelimit-reset", (NOW - 1).to_string())]);
        assert_eq!(wait(&h, 429), None);
        let h = headers(&[("x-ratelimit-reset", NOW.to_string())]);
        assert_eq!(wait(&h, 429), None);
    }

    #[test]
    fn rate_limit_reset_beyond_system_time_is_capped_not_a_panic() {
        let h = headers(&[("x-ratelimit-reset", u64::MAX.to_string())]);
        assert_eq!(wait(&h, 429), Some(MAX));
    }

    #[test]
    fn backoff_doubles_until_the_cap_and_jitters_within_half() {
        let policy = RetryPolicy::default();
        let expected = [500, 1000, 2000, 4000, 8000, 10_000, 10_000];
        for (i, ms) in expected.iter().enumerate() {
            let attempt = i as u32 + 1;
            let full = Duration::from_millis(*ms);
            assert_eq!(
                backoff_with(&policy, attempt, 1.0),
                full,
                "attempt {attempt}"
            );
            assert_eq!(
                backoff_with(&policy, attempt, 0.0),
                full / 2,
                "attempt {attempt}"
            );
        }
        assert_eq!(backoff_with(&policy, 40, 1.0), policy.max_backoff);
        assert_eq!(backoff_with(&policy, u32::MAX, 1.0), policy.max_backoff);
        for attempt in 1..40 {
            // The random jitter keeps each wait between half and all of its step.
            let d = backoff(&policy, attempt);
            assert!(d <= policy.max_backoff);
            assert!(
                d >= backoff_with(&policy, attempt, 0.0),
                "attempt {attempt}: {d:?}"
            );
            assert!(
                d <= backoff_with(&policy, attempt, 1.0),
                "attempt {attempt}: {d:?}"
            );
        }
    }

    #[test]
    fn the_builder_methods_set_their_field_and_none_never_retries() {
        let policy = RetryPolicy::new()
            .max_retries(7)
            .initial_backoff(Duration::from_millis(3))
            .max_backoff(Duration::from_millis(9))
            .max_wait(Duration::from_secs(4));
        assert_eq!(policy.max_retries, 7);
        assert_eq!(policy.initial_backoff, Duration::from_millis(3));
        assert_eq!(policy.max_backoff, Duration::from_millis(9));
        assert_eq!(policy.max_wait, Duration::from_secs(4));
        assert_ne!(RetryPolicy::default().max_retries, 0);
        assert_eq!(RetryPolicy::none().max_retries, 0);
        assert_eq!(
            RetryPolicy::none(),
            RetryPolicy {
                max_retries: 0,
                ..RetryPolicy::default()
            }
        );
    }

    #[test]
    fn wait_from_headers_reads_the_clock_now() {
        let h = headers(&[("retry-after", "3".into())]);
        let status = StatusCode::SERVICE_UNAVAILABLE;
        assert_eq!(
            wait_from_headers(&h, status, MAX),
            Some(Duration::from_secs(3))
        );
        assert_eq!(wait_from_headers(&HeaderMap::new(), status, MAX), None);
        // A reset an hour from the real now, capped: only the present time gives this.
        let reset = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs()
            + 3600;
        let h = headers(&[("x-ratelimit-reset", reset.to_string())]);
        assert_eq!(
            wait_from_headers(&h, StatusCode::TOO_MANY_REQUESTS, MAX),
            Some(MAX)
        );
    }

    #[test]
    fn what_is_retried() {
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(StatusCode::from_u16(status).unwrap()));
        }
        for status in [400, 401, 403, 404, 409, 422, 501, 505] {
            assert!(!is_retryable_status(StatusCode::from_u16(status).unwrap()));
        }
        assert!(is_idempotent(&Method::PUT) && is_idempotent(&Method::DELETE));
        assert!(!is_idempotent(&Method::POST) && !is_idempotent(&Method::PATCH));
    }
}
