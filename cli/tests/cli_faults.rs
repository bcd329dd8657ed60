//! The `intercom` binary against a misbehaving server: for every fault it exits non-zero with
//! exactly one line on stderr, never a panic and never the token; ids that cannot be one path
//! segment are refused before any request.

use std::process::Command;
use std::time::Duration;

use intercom_test_support::fault_server::{Fault, FaultServer};
use intercom_test_support::process::{self, scrubbed};

/// A token distinctive enough that finding it in any output can only mean a leak.
const TOKEN: &str = "tok_CLI_FAULTS_3b9e_never_print_me";
const CONTACT: &str =
    r#"{"type":"contact","id":"6657ac5e6abd0166b52ae241","email":"joe@bloggs.com"}"#;
const HTML: &str = "<!DOCTYPE html>\n<html><body><h1>Bad Gateway</h1></body></html>\n";
/// Longest a single run of the binary may take before the test kills it and fails.
const RUN_DEADLINE: Duration = Duration::from_secs(10);

/// What one run of the binary produced.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// Runs `intercom --base-url <url> --max-retries 1 --timeout 0.5 <args>`.
fn intercom(url: &str, args: &[&str]) -> Run {
    intercom_with_timeout(url, "0.5", args)
}

/// Runs `intercom --base-url <url> --max-retries 1 --timeout <timeout> <args>`, with the
/// token in the environment, and kills it if it outlives [`RUN_DEADLINE`].
fn intercom_with_timeout(url: &str, timeout: &str, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_intercom"));
    cmd.args([
        "--base-url",
        url,
        "--max-retries",
        "1",
        "--timeout",
        timeout,
    ])
    .args(args)
    .env("INTERCOM_API_KEY", TOKEN);
    let run = process::run(scrubbed(&mut cmd), None, RUN_DEADLINE);
    Run {
        code: run.code(),
        stdout: run.stdout_text(),
        stderr: run.stderr_text(),
        elapsed: run.elapsed,
    }
}

/// The run failed the way the CLI promises: exit status 1, nothing on stdout, one line on
/// stderr starting `error: ` and containing `expected`, no panic, no token.
fn assert_one_line_failure(run: &Run, expected: &str) {
    assert_eq!(run.code, Some(1), "exit status; stderr: {}", run.stderr);
    assert!(run.stdout.is_empty(), "stdout: {}", run.stdout);
    assert_eq!(run.stderr.lines().count(), 1, "stderr: {:?}", run.stderr);
    assert!(run.stderr.ends_with('\n'));
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked at"), "{}", run.stderr);
    assert!(
        !run.stderr.contains(TOKEN),
        "the token leaked: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains(expected),
        "expected {expected:?} in {}",
        run.stderr
    );
    assert!(run.elapsed < RUN_DEADLINE);
}

fn show(server: &FaultServer) -> Run {
    intercom(&server.url(), &["show-contact", "--id", "1"])
}

#[test]
fn connection_refused() {
    // Bound but not listening: connections are refused, and the port stays this test's.
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket
        .bind("127.0.0.1:0".parse().expect("an address"))
        .expect("bind a loopback port");
    let url = format!("http://{}", socket.local_addr().expect("the bound address"));
    let run = intercom(&url, &["show-contact", "--id", "1"]);
    drop(socket);
    assert_one_line_failure(&run, "could not connect");
}

#[test]
fn reset_mid_body() {
    let server = FaultServer::start_in_background(vec![Fault::ResetMidBody]);
    assert_one_line_failure(&show(&server), "transport error");
    assert_eq!(server.requests(), 1);
}

#[test]
fn truncated_body() {
    let server = FaultServer::start_in_background(vec![Fault::Truncated]);
    assert_one_line_failure(&show(&server), "transport error");
    assert_eq!(server.requests(), 1);
}

#[test]
fn stalled_body() {
    let server = FaultServer::start_in_background(vec![Fault::StallMidBody]);
    let run = show(&server);
    assert_one_line_failure(&run, "timed out");
    assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
}

#[test]
fn close_without_response() {
    let server = FaultServer::start_in_background(vec![Fault::CloseWithoutResponse]);
    assert_one_line_failure(&show(&server), "transport error");
}

#[test]
fn malformed_json() {
    let server =
        FaultServer::start_in_background(vec![Fault::json(200, r#"{"type":"contact","id":"#)]);
    assert_one_line_failure(&show(&server), "does not decode");
}

#[test]
fn html_page_with_200() {
    let server = FaultServer::start_in_background(vec![Fault::html(200, HTML)]);
    let run = show(&server);
    assert_one_line_failure(&run, "HTTP 200 OK: response body does not decode");
    assert!(
        run.stderr.contains("<!DOCTYPE html> <html>"),
        "{}",
        run.stderr
    );
}

#[test]
fn html_page_with_502() {
    let server = FaultServer::start_in_background(vec![Fault::html(502, HTML)]);
    let run = show(&server);
    assert_one_line_failure(&run, "HTTP 502 Bad Gateway: body is not an Intercom error");
    // --max-retries 1: the 502 is retried once.
    assert_eq!(server.requests(), 2);
}

#[test]
fn json_as_text_plain_succeeds() {
    let server = FaultServer::start_in_background(vec![Fault::respond(
        200,
        &[("Content-Type", "text/plain")],
        CONTACT,
    )]);
    let run = show(&server);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let printed: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert_eq!(printed["email"], "joe@bloggs.com");
}

#[test]
fn response_slower_than_the_timeout() {
    let server = FaultServer::start_in_background(vec![Fault::delay(
        Duration::from_secs(5),
        Fault::json(200, CONTACT),
    )]);
    let run = show(&server);
    assert_one_line_failure(&run, "timed out");
    assert_eq!(server.requests(), 2);
    assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
}

#[test]
fn huge_body_with_200() {
    // 64 MiB streamed against the default 16 MiB limit. Reading 16 MiB may not fit in the
    // 0.5 s timeout of an unoptimised build, so this run allows 5 s.
    let server = FaultServer::start_in_background(vec![Fault::Huge {
        status: 200,
        bytes: 64 << 20,
    }]);
    let run = intercom_with_timeout(&server.url(), "5", &["show-contact", "--id", "1"]);
    assert_one_line_failure(&run, "response body larger than 16777216 bytes");
}

#[test]
fn huge_declared_body_with_200() {
    let server = FaultServer::start_in_background(vec![Fault::HugeDeclared {
        status: 200,
        bytes: 64 << 20,
    }]);
    assert_one_line_failure(&show(&server), "response body larger than 16777216 bytes");
}

#[test]
fn huge_body_with_500() {
    let server = FaultServer::start_in_background(vec![Fault::Huge {
        status: 500,
        bytes: 64 << 20,
    }]);
    let run = show(&server);
    assert_one_line_failure(
        &run,
        "HTTP 500 Internal Server Error: body is not an Intercom error: xxx",
    );
    // The message holds a 200-character excerpt, not the body.
    assert!(run.stderr.len() < 400, "{} bytes", run.stderr.len());
}

#[test]
fn request_id_that_is_not_a_uuid() {
    let body = r#"{"type":"error.list","request_id":"req:0042/not-a-uuid","errors":[{"code":"server_error","message":"Something\nbroke"}]}"#;
    let server = FaultServer::start_in_background(vec![Fault::json(500, body)]);
    let run = show(&server);
    assert_one_line_failure(&run, "(request_id req:0042/not-a-uuid)");
    assert!(
        run.stderr.contains("server_error: Something broke"),
        "{}",
        run.stderr
    );
}

#[test]
fn storm_of_429s() {
    let server = FaultServer::start_in_background(vec![Fault::respond(
        429,
        &[("Content-Type", "application/json"), ("Retry-After", "1")],
        r#"{"type":"error.list","errors":[{"code":"rate_limit_exceeded"}]}"#,
    )]);
    let run = show(&server);
    assert_one_line_failure(&run, "HTTP 429 Too Many Requests: rate_limit_exceeded");
    assert_eq!(server.requests(), 2);
    // One wait of `Retry-After: 1`.
    assert!(run.elapsed >= Duration::from_secs(1), "{:?}", run.elapsed);
}

#[test]
fn redirect_to_another_origin() {
    let elsewhere = FaultServer::start_in_background(vec![Fault::json(200, CONTACT)]);
    let location = format!("{}/contacts/1", elsewhere.url());
    let server =
        FaultServer::start_in_background(vec![Fault::respond(302, &[("Location", &location)], "")]);
    assert_one_line_failure(&show(&server), "HTTP 302 Found");
    assert_eq!(server.requests(), 1);
    assert_eq!(elsewhere.requests(), 0, "the redirect was followed");
}

#[test]
fn same_origin_redirect_loop() {
    let server = FaultServer::start_in_background(Vec::new());
    let location = format!("{}/contacts/1", server.url());
    server.set_faults(vec![Fault::respond(302, &[("Location", &location)], "")]);
    assert_one_line_failure(&show(&server), "too many redirects");
    // The first request and five redirects followed; not retried.
    assert_eq!(server.requests(), 6);
}

#[test]
fn ids_that_are_not_one_path_segment_send_nothing() {
    let server = FaultServer::start_in_background(vec![Fault::json(200, CONTACT)]);
    let url = server.url();
    for id in ["..", ".", ""] {
        let runs = [
            intercom(&url, &["show-contact", "--id", id]),
            intercom(&url, &["update-contact", "--id", id, "--name", "x"]),
            intercom(
                &url,
                &[
                    "detach-tag-from-contact",
                    "--contact-id",
                    "1",
                    "--tag-id",
                    id,
                ],
            ),
        ];
        for run in &runs {
            assert_one_line_failure(run, "invalid request: path parameter");
        }
    }
    assert_eq!(server.requests(), 0);
}
