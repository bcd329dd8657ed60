//! A `multipart/form-data` body on the wire, through a minimal client: the server reads each
//! part under the boundary the content type names, and a request retried after a 429 sends the
//! very same bytes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use intercom_runtime::{Method, Multipart, Request, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The content type and body of each request the server saw.
type Seen = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

#[tokio::test]
async fn parts_arrive_under_the_named_boundary_and_a_retry_resends_them() {
    let server = MockServer::start().await;
    let seen: Seen = Arc::default();
    let record = Arc::clone(&seen);
    Mock::given(any())
        .respond_with(move |request: &wiremock::Request| {
            let mut seen = record.lock().unwrap();
            let content_type = request
                .headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            seen.push((content_type, request.body.clone()));
            if seen.len() == 1 {
                ResponseTemplate::new(429).insert_header("Retry-After", "0")
            } else {
                ResponseTemplate::new(204)
            }
        })
        .mount(&server)
        .await;
    let client = crate::support::builder(&server.uri())
        .retry_policy(
            RetryPolicy::new()
                .max_retries(1)
                .initial_backoff(Duration::from_millis(1))
                .max_wait(Duration::from_millis(50)),
        )
        .build()
        .unwrap();
    let png = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0];
    let body =
        Multipart::new()
            .text("purpose", "avatar")
            .file("file", "me.png", "image/png", png.clone());
    let request = Request::new(Method::POST, "upload")
        .path("/files")
        .multipart(&body);
    client
        .0
        .send_empty(request)
        .await
        .expect("the retry succeeds");

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "one 429, then the retry");
    assert_eq!(seen[0], seen[1], "the retry sends the same bytes");
    let (content_type, bytes) = &seen[0];
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("the multipart media type with its boundary");
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts: Vec<&[u8]> = Vec::new();
    let mut rest = &bytes[..];
    while let Some(at) = rest.windows(delimiter.len()).position(|w| w == delimiter) {
        if at > 0 {
            parts.push(&rest[..at]);
        }
        rest = &rest[at + delimiter.len()..];
    }
    assert_eq!(rest, b"--\r\n", "the closing delimiter ends the body");
    assert_eq!(parts.len(), 2);
    assert_eq!(
        parts[0],
        &b"\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\navatar\r\n"[..]
    );
    let mut file = b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"me.png\"\r\nContent-Type: image/png\r\n\r\n".to_vec();
    file.extend_from_slice(&png);
    file.extend_from_slice(b"\r\n");
    assert_eq!(parts[1], &file[..]);
}
