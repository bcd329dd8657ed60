//! Path parameters that stay inside their path segment.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::Error;

/// Characters kept as they are in a path segment: RFC 3986 unreserved characters. Everything
/// else, `/`, `\`, `%`, `?`, `#`, `;` and non-ASCII included, is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a path parameter so that it stays one path segment, appending it to `out`.
/// Refuses values that URL normalisation would drop or climb out of: empty, `.` and `..`.
pub fn encode_path_segment(out: &mut String, name: &str, value: &str) -> Result<(), Error> {
    if value.is_empty() || value == "." || value == ".." {
        return Err(Error::InvalidRequest(format!(
            "path parameter `{name}` is {value:?}, which cannot be sent as a path segment"
        )));
    }
    out.extend(utf8_percent_encode(value, SEGMENT));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(value: &str) -> Result<String, Error> {
        let mut out = String::new();
        encode_path_segment(&mut out, "id", value).map(|()| out)
    }

    #[test]
    fn dot_segments_and_empty_ids_are_refused() {
        for bad in ["", ".", ".."] {
            assert!(matches!(encode(bad), Err(Error::InvalidRequest(_))));
        }
    }

    #[test]
    fn ids_stay_in_one_segment() {
        let cases = [
            ("../admins", "..%2Fadmins"),
            ("a/b", "a%2Fb"),
            ("a\\b", "a%5Cb"),
            ("a?b=c", "a%3Fb%3Dc"),
            ("a#b", "a%23b"),
            ("a;b", "a%3Bb"),
            ("a+b", "a%2Bb"),
            ("%2e%2e", "%252e%252e"),
            (".%2e", ".%252e"),
            ("a b", "a%20b"),
            ("\u{0}\n", "%00%0A"),
            ("é", "%C3%A9"),
            ("6657ac5e6abd0166b52ae241", "6657ac5e6abd0166b52ae241"),
        ];
        for (raw, encoded) in cases {
            assert_eq!(encode(raw).unwrap(), encoded, "{raw:?}");
        }
    }
}
