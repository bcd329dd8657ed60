//! Tracing of calls, with the `tracing` feature: one span per call, named after the operation
//! through `otel.name`, with OpenTelemetry's HTTP client attribute names, and an event per retry.
//! Nothing records the token: headers are never recorded, and the URL is recorded without its
//! query. Without the feature every function here does nothing.

#[cfg(feature = "tracing")]
mod enabled {
    use std::time::Duration;

    use reqwest::{Method, StatusCode, Url};

    use crate::RateLimit;

    /// The span of one call.
    pub(crate) fn span(operation: &'static str, method: &Method) -> tracing::Span {
        tracing::info_span!(
            "intercom.request",
            otel.name = operation,
            otel.kind = "client",
            operation = operation,
            http.request.method = %method,
            url.full = tracing::field::Empty,
            server.address = tracing::field::Empty,
            server.port = tracing::field::Empty,
            http.request.resend_count = tracing::field::Empty,
            http.response.status_code = tracing::field::Empty,
            intercom.request_id = tracing::field::Empty,
            intercom.rate_limit.remaining = tracing::field::Empty,
            error.type = tracing::field::Empty,
        )
    }

    /// Records where the call goes: the URL without its query, the host and the port.
    pub(crate) fn url(url: &Url) {
        let span = tracing::Span::current();
        let mut shown = url.clone();
        shown.set_query(None);
        span.record("url.full", tracing::field::display(&shown));
        if let Some(host) = url.host_str() {
            span.record("server.address", host);
        }
        if let Some(port) = url.port_or_known_default() {
            span.record("server.port", port);
        }
    }

    /// An attempt is about to be sent.
    pub(crate) fn attempt(attempt: u32) {
        if attempt > 1 {
            tracing::Span::current().record("http.request.resend_count", attempt - 1);
        }
        tracing::debug!(attempt, "sending");
    }

    /// The call waits before another attempt.
    pub(crate) fn retry(reason: &str, delay: Duration, next_attempt: u32) {
        tracing::info!(
            reason,
            delay_ms = delay.as_millis() as u64,
            next_attempt,
            "retrying"
        );
    }

    /// The call ended with a response.
    pub(crate) fn response(status: StatusCode, request_id: Option<&str>, rate_limit: RateLimit) {
        let span = tracing::Span::current();
        span.record("http.response.status_code", status.as_u16());
        if let Some(id) = request_id {
            span.record("intercom.request_id", id);
        }
        if let Some(remaining) = rate_limit.remaining {
            span.record("intercom.rate_limit.remaining", remaining);
        }
        if status.is_success() {
            tracing::debug!(status = status.as_u16(), "response");
        } else {
            span.record("error.type", status.as_str());
            tracing::warn!(status = status.as_u16(), request_id, "error response");
        }
    }

    /// The call failed without a response.
    pub(crate) fn failure(error: &crate::Error) {
        let kind = match error {
            crate::Error::Timeout(_) => "timeout",
            crate::Error::Connect(_) => "connect",
            crate::Error::Transport(_) => "transport",
            crate::Error::InvalidRequest(_) => "invalid_request",
            _ => "other",
        };
        tracing::Span::current().record("error.type", kind);
        tracing::warn!(error = %error, "request failed");
    }
}

#[cfg(feature = "tracing")]
pub(crate) use enabled::*;

#[cfg(not(feature = "tracing"))]
mod disabled {
    use std::time::Duration;

    use reqwest::{Method, StatusCode, Url};

    use crate::RateLimit;

    /// Stands in for a span.
    pub(crate) struct Span;

    impl Span {
        pub(crate) fn in_scope<T>(&self, f: impl FnOnce() -> T) -> T {
            f()
        }
    }

    pub(crate) fn span(_: &'static str, _: &Method) -> Span {
        Span
    }
    pub(crate) fn url(_: &Url) {}
    pub(crate) fn attempt(_: u32) {}
    pub(crate) fn retry(_: &str, _: Duration, _: u32) {}
    pub(crate) fn response(_: StatusCode, _: Option<&str>, _: RateLimit) {}
    pub(crate) fn failure(_: &crate::Error) {}
}

#[cfg(not(feature = "tracing"))]
pub(crate) use disabled::*;

/// Runs `future` inside `span`.
#[cfg(feature = "tracing")]
pub(crate) async fn instrumented<F: std::future::Future>(
    span: tracing::Span,
    future: F,
) -> F::Output {
    use tracing::Instrument as _;
    future.instrument(span).await
}

/// Runs `future`.
#[cfg(not(feature = "tracing"))]
pub(crate) async fn instrumented<F: std::future::Future>(_: Span, future: F) -> F::Output {
    future.await
}
