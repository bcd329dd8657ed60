//! Events an observer receives during a request.

use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode, Url};

/// What happens during a request, reported to an observer set with
/// [`ClientBuilder::on_attempt`](crate::ClientBuilder::on_attempt).
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

pub(crate) type Observer = Arc<dyn Fn(&AttemptEvent<'_>) + Send + Sync>;
