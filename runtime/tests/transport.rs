//! What only a hand-written server can do: a body without a length, and a connection closed
//! before any answer.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use crate::support::{Events, quick_retries};
use intercom_runtime::{Error, Method, Request};
use serde_json::Value;

/// Serves each connection with `answer` (the raw bytes after the request is read, or nothing to
/// close the connection unanswered), on a thread of its own; returns the base URL.
fn serve(answer: impl Fn() -> Option<Vec<u8>> + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            // The request line and headers, up to the blank line; no test sends a body.
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            if let Some(bytes) = answer() {
                let _ = stream.write_all(&bytes);
            }
        }
    });
    base
}

/// A 200 whose JSON body of `len` bytes comes in chunked encoding, without a length.
fn chunked(len: usize) -> Vec<u8> {
    let body = format!("\"{}\"", "x".repeat(len - 2));
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    )
    .into_bytes()
}

#[tokio::test]
async fn a_body_without_a_length_is_held_to_the_limit() {
    let base = serve(|| Some(chunked(100)));
    let exact = crate::support::builder(&base)
        .max_body_bytes(100)
        .build()
        .unwrap();
    let value = exact
        .0
        .send::<Value>(Request::new(Method::GET, "get").path("/x"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(value.as_str().map(str::len), Some(98));
    let small = crate::support::builder(&base)
        .max_body_bytes(10)
        .build()
        .unwrap();
    let result = small
        .0
        .send::<Value>(Request::new(Method::GET, "get").path("/x"))
        .await;
    assert!(
        matches!(result, Err(Error::BodyTooLarge { limit: 10, .. })),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_connection_closed_unanswered_is_retried_only_for_a_read() {
    let base = serve(|| None);
    let policy = quick_retries(2);
    let events = Events::default();
    let client = events
        .observe(crate::support::builder(&base).retry_policy(policy))
        .build()
        .unwrap();
    let read = client
        .0
        .send::<Value>(Request::new(Method::GET, "get").path("/x"))
        .await;
    assert!(matches!(read, Err(Error::Transport(_))), "{read:?}");
    assert_eq!(events.sent(), 3, "{:?}", events.lines());
    let write = client
        .0
        .send::<Value>(Request::new(Method::POST, "create").path("/x"))
        .await;
    assert!(matches!(write, Err(Error::Transport(_))), "{write:?}");
    assert_eq!(events.sent(), 4, "{:?}", events.lines());
}
