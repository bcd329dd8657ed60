//! The rate-limit headers Intercom sends with each response.

use reqwest::header::HeaderMap;

/// The rate-limit headers of a response; a field is `None` when its header is absent or not
/// a number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed in the window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`: UNIX time (seconds) when the window resets.
    pub reset: Option<u64>,
}

impl RateLimit {
    /// When the window resets, from `X-RateLimit-Reset`; `None` when the header is absent or
    /// too far in the future to be a time.
    pub fn reset_at(&self) -> Option<std::time::SystemTime> {
        std::time::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(self.reset?))
    }

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
