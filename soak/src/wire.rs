//! The soak server's side of HTTP/1.1: reading a request head, and the answers it writes,
//! whole, as bytes.

use crate::script::sends_retry_after;

/// The header that carries a soak call's number; requests without it are answered without
/// faults (the throughput comparison sends none).
pub const CALL_HEADER: &str = "x-soak-call";

/// The parts of a request the server acts on.
pub struct Head {
    /// Whether the method is `POST`.
    pub post: bool,
    /// What the request asks for.
    pub route: Route,
    /// The soak call it belongs to ([`CALL_HEADER`]).
    pub call: Option<u64>,
    /// Its `Content-Length`.
    pub body_len: usize,
}

/// The operations the server answers.
#[derive(Clone, Copy)]
pub enum Route {
    /// `GET /contacts/{id}` and `POST /contacts`: a contact.
    Contact,
    /// `POST /contacts/{id}/notes`: a note.
    Note,
    /// Anything else: 404.
    Unknown,
}

/// The request line and headers (without the blank line); `None` when they are not text or
/// the `Content-Length` is not a number.
pub fn parse_head(head: &[u8]) -> Option<Head> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?;
    let target = request_line.next()?;
    let path = target.split('?').next().unwrap_or(target);
    let mut call = None;
    let mut body_len = 0;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            body_len = value.parse().ok()?;
        } else if name.eq_ignore_ascii_case(CALL_HEADER) {
            call = value.parse().ok();
        }
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let route = match (method, segments.as_slice()) {
        ("GET", ["contacts", id]) if !id.is_empty() => Route::Contact,
        ("POST", ["contacts"]) => Route::Contact,
        ("POST", ["contacts", id, "notes"]) if !id.is_empty() => Route::Note,
        _ => Route::Unknown,
    };
    Some(Head {
        post: method == "POST",
        route,
        call,
        body_len,
    })
}

/// Where `needle` first starts in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Intercom's error body.
pub fn error_body(code: &str, message: &str, request_id: &str) -> Vec<u8> {
    serde_json::json!({
        "type": "error.list",
        "request_id": request_id,
        "errors": [{"code": code, "message": message}],
    })
    .to_string()
    .into_bytes()
}

/// A 429 as Intercom sends it: the window's limit, nothing remaining, the reset two seconds
/// after `now` (UNIX seconds, so one to two seconds ahead: still ahead when the client reads the
/// error's `retry_after`), and on every other answer `Retry-After: 1` as well.
pub fn rate_limited(call: u64, attempt: u32, now: u64) -> Vec<u8> {
    let reset = (now + 2).to_string();
    let mut headers = vec![
        ("x-ratelimit-limit", "10000"),
        ("x-ratelimit-remaining", "0"),
        ("x-ratelimit-reset", reset.as_str()),
    ];
    if sends_retry_after(call, attempt) {
        headers.push(("retry-after", "1"));
    }
    let body = error_body(
        "rate_limit_exceeded",
        "Exceeded rate limit",
        &format!("soak-{call}-{attempt}"),
    );
    response(429, "Too Many Requests", &headers, &body)
}

/// A whole HTTP/1.1 response with a JSON body, kept alive.
pub fn response(status: u16, reason: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_are_routed_and_numbered() {
        let head = parse_head(
            b"POST /contacts/abc/notes HTTP/1.1\r\nContent-Length: 12\r\nX-Soak-Call: 41",
        )
        .expect("a head");
        assert!(head.post && matches!(head.route, Route::Note));
        assert_eq!((head.call, head.body_len), (Some(41), 12));
        let head = parse_head(b"GET /contacts/abc?x=1 HTTP/1.1\r\nhost: a").expect("a head");
        assert!(!head.post && matches!(head.route, Route::Contact));
        assert_eq!((head.call, head.body_len), (None, 0));
        let head = parse_head(b"DELETE /contacts/abc HTTP/1.1").expect("a head");
        assert!(matches!(head.route, Route::Unknown));
        assert!(parse_head(b"GET /contacts/a HTTP/1.1\r\ncontent-length: x").is_none());
    }

    #[test]
    fn a_429_carries_the_rate_limit_headers() {
        let text = String::from_utf8(rate_limited(1, 2, 1_800_000_000)).expect("text");
        assert!(text.starts_with("HTTP/1.1 429 Too Many Requests\r\n"));
        assert!(text.contains("\r\nx-ratelimit-reset: 1800000002\r\n"));
        assert!(text.contains("\r\nx-ratelimit-remaining: 0\r\n"));
        assert!(text.contains("\r\nretry-after: 1\r\n"));
        assert!(text.ends_with(r#""request_id":"soak-1-2","type":"error.list"}"#));
        let text = String::from_utf8(rate_limited(2, 2, 1_800_000_000)).expect("text");
        assert!(!text.contains("retry-after"));
    }
}
