//! Reading response bodies with a bound, and the one-line excerpt of a body that messages show.

use bytes::{Bytes, BytesMut};

/// How much of a body an error shows in its message.
pub(crate) const EXCERPT_CHARS: usize = 200;

/// Reads at most `limit` bytes of body. `Ok(Err(partial))` means the body was longer.
pub(crate) async fn read_limited(
    resp: &mut reqwest::Response,
    limit: usize,
) -> reqwest::Result<Result<Bytes, Bytes>> {
    let mut buf = BytesMut::new();
    while let Some(chunk) = resp.chunk().await? {
        if buf.len() + chunk.len() > limit {
            let room = limit - buf.len();
            buf.extend_from_slice(&chunk[..room]);
            return Ok(Err(buf.freeze()));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Ok(buf.freeze()))
}

/// The start of a body on one line: control characters and runs of whitespace become one
/// space, and a body longer than [`EXCERPT_CHARS`] characters ends in `…`.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(EXCERPT_CHARS)
        .collect();
    out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_one_bounded_line() {
        let body = format!("<html>\n<body>{}</body>", "x".repeat(1000));
        let e = excerpt(body.as_bytes());
        assert!(!e.contains('\n'));
        assert!(e.chars().count() <= EXCERPT_CHARS + 1);
        // A body of exactly the excerpt's length is shown whole, without an ellipsis.
        let whole = "y".repeat(EXCERPT_CHARS);
        assert_eq!(excerpt(whole.as_bytes()), whole);
        let longer = "y".repeat(EXCERPT_CHARS + 1);
        assert_eq!(excerpt(longer.as_bytes()), format!("{whole}…"));
    }
}
