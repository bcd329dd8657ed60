//! When a failed attempt is repeated, and how long the client waits first.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

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

pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS
    )
}

pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// The wait a 429 or 503 asks for: `Retry-After`, else the time until `X-RateLimit-Reset`.
pub(crate) fn wait_from_headers(headers: &HeaderMap, policy: &RetryPolicy) -> Option<Duration> {
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
pub(crate) fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let exp = policy
        .initial_backoff
        .saturating_mul(
            1u32.checked_shl(attempt.saturating_sub(1))
                .unwrap_or(u32::MAX),
        )
        .min(policy.max_backoff);
    exp.mul_f64(0.5 + fastrand::f64() * 0.5)
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

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
}
