//! `multipart/form-data` request bodies (RFC 7578). A body is encoded once into bytes, as every
//! other body is, so that a retried request sends it again unchanged; reqwest's own multipart
//! form is a stream that is consumed by the first attempt.

use std::fmt::Write as _;

use bytes::{BufMut, Bytes, BytesMut};

/// A `multipart/form-data` body: named parts of text or of file contents, sent in the order
/// added.
///
/// ```
/// use intercom_runtime::Multipart;
///
/// let body = Multipart::new()
///     .text("purpose", "avatar")
///     .file("file", "me.png", "image/png", vec![0x89, b'P', b'N', b'G']);
/// assert_eq!(body.len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Multipart {
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Part {
    name: String,
    file: Option<(String, String)>,
    data: Bytes,
}

impl Multipart {
    /// A body without parts.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text part.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file: None,
            data: Bytes::from(value.into()),
        });
        self
    }

    /// Adds a file part: its file name and media type as the server is told them, and its bytes.
    pub fn file(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file: Some((file_name.into(), content_type.into())),
            data: data.into(),
        });
        self
    }

    /// How many parts the body has.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Whether the body has no part.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Whether `boundary` can delimit the parts: it occurs in none of them.
    pub(crate) fn fits(&self, boundary: &str) -> bool {
        let needle = boundary.as_bytes();
        self.parts.iter().all(|p| {
            !p.data.windows(needle.len()).any(|w| w == needle)
                && !p.name.contains(boundary)
                && !p
                    .file
                    .as_ref()
                    .is_some_and(|(f, t)| f.contains(boundary) || t.contains(boundary))
        })
    }

    /// The body's bytes with the parts delimited by `boundary`.
    pub(crate) fn encode(&self, boundary: &str) -> Bytes {
        let size = self.parts.iter().map(|p| p.data.len() + 160).sum::<usize>();
        let mut out = BytesMut::with_capacity(size + boundary.len() + 8);
        for part in &self.parts {
            let mut head = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"",
                quoted(&part.name)
            );
            if let Some((file_name, content_type)) = &part.file {
                // Writing to a String cannot fail.
                let _ = write!(
                    head,
                    "; filename=\"{}\"\r\nContent-Type: {}",
                    quoted(file_name),
                    content_type.replace(['\r', '\n'], "")
                );
            }
            head.push_str("\r\n\r\n");
            out.put_slice(head.as_bytes());
            out.put_slice(&part.data);
            out.put_slice(b"\r\n");
        }
        out.put_slice(format!("--{boundary}--\r\n").as_bytes());
        out.freeze()
    }
}

/// A name as it goes between double quotes in a header: quotes and line breaks percent-encoded,
/// as browsers send them.
fn quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_delimited_named_and_typed() {
        let body = Multipart::new().text("purpose", "avatar").file(
            "file",
            "a \"b\".png",
            "image/png",
            &b"\x89PNG"[..],
        );
        let encoded = body.encode("XyZ");
        assert_eq!(
            &encoded[..],
            &b"--XyZ\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\navatar\r\n\
               --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a %22b%22.png\"\r\n\
               Content-Type: image/png\r\n\r\n\x89PNG\r\n--XyZ--\r\n"[..]
        );
    }

    #[test]
    fn a_boundary_found_in_a_part_does_not_fit() {
        let body = Multipart::new().text("note", "see --XyZ here");
        assert!(!body.fits("XyZ"));
        assert!(body.fits("AbC"));
        // A file's content type counts as much as its name.
        let file = Multipart::new().file("f", "a.txt", "text/plain; x=XyZ", &b"data"[..]);
        assert!(!file.fits("XyZ"));
        assert!(file.fits("AbC"));
        assert_eq!(&Multipart::new().encode("b")[..], b"--b--\r\n");
        assert!(Multipart::new().is_empty());
        assert!(!body.is_empty());
        assert_eq!(body.len(), 1);
    }
}
