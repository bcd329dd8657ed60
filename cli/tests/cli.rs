//! Tests of the `intercom` command-line program: what it sends, what it prints, how it exits.
//!
//! One file over 500 lines on purpose: every test runs the binary through the same helpers
//! (environment scrubbed, stdin piped, a mock server), and reads as one table of its behaviour.

use std::process::Command;
use std::time::Duration;

use intercom_test_support::process::{self, scrubbed};
use intercom_test_support::recording::requests;

use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the program with `args` and, when given, `stdin`. The token variable is set to a known
/// value and proxy variables are removed, so the host environment does not leak in.
async fn intercom(args: &[&str], stdin: Option<&str>) -> Run {
    intercom_with_env_token(args, stdin, None).await
}

async fn intercom_with_env_token(args: &[&str], stdin: Option<&str>, token: Option<&str>) -> Run {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let stdin = stdin.map(str::to_string);
    let token = token.map(str::to_string);
    // The mock server runs on this runtime's other threads while the process blocks one.
    tokio::task::spawn_blocking(move || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_intercom"));
        cmd.args(&args);
        match &token {
            Some(t) => cmd.env("INTERCOM_API_KEY", t),
            None => cmd.env_remove("INTERCOM_API_KEY"),
        };
        run_with_deadline(&mut cmd, stdin.as_deref())
    })
    .await
    .expect("the blocking task finishes")
}

/// Longest a single run of the binary may take before the test kills it and fails.
const RUN_DEADLINE: Duration = Duration::from_secs(20);

/// Runs `cmd` with its environment scrubbed and `stdin` (if any) written and closed, failing
/// the test if it outlives [`RUN_DEADLINE`].
fn run_with_deadline(cmd: &mut Command, stdin: Option<&str>) -> Run {
    let run = process::run(scrubbed(cmd), stdin.map(str::as_bytes), RUN_DEADLINE);
    Run {
        code: run.code().expect("exited, not killed"),
        stdout: run.stdout_text(),
        stderr: run.stderr_text(),
    }
}

async fn serve(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers
        .get(name)
        .map(|v| v.to_str().expect("ASCII header"))
}

/// A contact as the documentation page shows one, plus a member this client does not model.
fn contact() -> Value {
    json!({
        "type": "contact",
        "id": "6657ac5f6abd0166b52ae242",
        "external_id": "70",
        "role": "user",
        "email": "joe@bloggs.com",
        "phone": null,
        "name": "Joe Bloggs",
        "custom_attributes": {},
        "created_at": 1717021791,
        "tags": {"type": "list", "data": [], "url": "/contacts/6657ac5f6abd0166b52ae242/tags",
                 "total_count": 0, "has_more": false},
        "added_in_a_later_version": {"nested": [1, 2, 3]}
    })
}

fn not_found() -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_json(json!({
        "type": "error.list",
        "request_id": "0f2b7c1e-cli-404",
        "errors": [{"code": "not_found", "message": "User Not Found"}]
    }))
}

/// A contact body as a server might send it: members in no sorted order (`type` before `id`,
/// `zeta` before `alpha`), members the client does not model, a nested object and escapes.
const RAW_CONTACT: &str = r#"{"type":"contact","id":"6657ac5f6abd0166b52ae242","zeta":{"z":1,"a":[3,2,1]},"role":"user","email":"joe@bloggs.com","alpha":null,"created_at":1717021791,"name":"Jo\u00e9 \"B\""}"#;

/// `text` with the whitespace between JSON tokens removed, members and their spelling kept.
fn minified(text: &str) -> String {
    let mut out = Vec::new();
    let mut from = serde_json::Deserializer::from_str(text);
    let mut to = serde_json::Serializer::new(&mut out);
    serde_transcode::transcode(&mut from, &mut to).expect("stdout is one JSON document");
    String::from_utf8(out).expect("UTF-8")
}

#[tokio::test(flavor = "multi_thread")]
async fn show_contact_prints_the_body_as_received() {
    let server =
        serve(ResponseTemplate::new(200).set_body_raw(RAW_CONTACT.as_bytes(), "application/json"))
            .await;

    let run = intercom(
        &[
            "--base-url",
            &server.uri(),
            "--token",
            "test-token",
            "show-contact",
            "--id",
            "6657ac5f6abd0166b52ae242",
        ],
        None,
    )
    .await;

    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert_eq!(run.stderr, "");
    // Pretty-printed, but member for member in the order received: only whitespace differs.
    assert!(run.stdout.ends_with("}\n"), "{:?}", run.stdout);
    assert!(run.stdout.lines().count() > 10, "pretty: {}", run.stdout);
    let printed: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(printed["name"], "Joé \"B\"");
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method.as_str(), "GET");
    assert_eq!(reqs[0].url.path(), "/contacts/6657ac5f6abd0166b52ae242");
    assert_eq!(header(&reqs[0], "authorization"), Some("Bearer test-token"));
    assert_eq!(header(&reqs[0], "intercom-version"), Some("2.10"));
    // Key-sorted output (a decode into a map and back) would put `alpha` first.
    assert_eq!(minified(&run.stdout), minified(RAW_CONTACT));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_comes_from_the_environment_when_not_given() {
    let server = serve(ResponseTemplate::new(200).set_body_json(contact())).await;

    let run = intercom_with_env_token(
        &["--base-url", &server.uri(), "show-contact", "--id", "c1"],
        None,
        Some("env-token"),
    )
    .await;

    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let reqs = requests(&server).await;
    assert_eq!(header(&reqs[0], "authorization"), Some("Bearer env-token"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_api_error_is_one_line_on_stderr() {
    let server = serve(not_found()).await;

    let run = intercom(
        &[
            "--base-url",
            &server.uri(),
            "--token",
            "test-token",
            "show-contact",
            "--id",
            "missing",
        ],
        None,
    )
    .await;

    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1, "{:?}", run.stderr);
    for part in ["404", "not_found", "0f2b7c1e-cli-404"] {
        assert!(run.stderr.contains(part), "{:?} lacks {part:?}", run.stderr);
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(requests(&server).await.len(), 1, "a 404 is not retried");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_json_body_from_stdin_is_sent_member_for_member() {
    let server = serve(ResponseTemplate::new(200).set_body_json(contact())).await;

    let run = intercom(
        &[
            "--base-url",
            &server.uri(),
            "--token",
            "test-token",
            "update-contact",
            "--id",
            "c1",
            "--json-body",
            "-",
        ],
        Some(r#"{"phone": null}"#),
    )
    .await;

    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method.as_str(), "PUT");
    assert_eq!(reqs[0].url.path(), "/contacts/c1");
    assert_eq!(
        std::str::from_utf8(&reqs[0].body).unwrap(),
        r#"{"phone":null}"#
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn field_options_send_only_the_fields_given() {
    let server = serve(ResponseTemplate::new(200).set_body_json(contact())).await;

    let run = intercom(
        &[
            "--base-url",
            &server.uri(),
            "--token",
            "test-token",
            "update-contact",
            "--id",
            "c1",
            "--email",
            "joebloggs@intercom.io",
            "--name",
            "joe bloggs",
        ],
        None,
    )
    .await;

    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let reqs = requests(&server).await;
    let body: Value = serde_json::from_slice(&reqs[0].body).unwrap();
    assert_eq!(
        body,
        json!({"email": "joebloggs@intercom.io", "name": "joe bloggs"})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_json_body_cannot_be_combined_with_field_options() {
    let server = serve(ResponseTemplate::new(200).set_body_json(contact())).await;

    let run = intercom(
        &[
            "--base-url",
            &server.uri(),
            "--token",
            "test-token",
            "update-contact",
            "--id",
            "c1",
            "--json-body",
            "-",
            "--email",
            "a@example.com",
        ],
        Some(r#"{"phone": null}"#),
    )
    .await;

    assert_eq!(run.code, 2, "stderr: {}", run.stderr);
    assert!(run.stderr.contains("--email"), "{}", run.stderr);
    assert_eq!(requests(&server).await.len(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_json_body_with_a_member_the_model_lacks_is_refused() {
    let server = serve(ResponseTemplate::new(200).set_body_json(contact())).await;

    let run = intercom(
        &[
            "--base-url",
            &server.uri(),
            "--token",
            "test-token",
            "update-contact",
            "--id",
            "c1",
            "--json-body",
            "-",
        ],
        Some(r#"{"phone": null, "nickname": "jo"}"#),
    )
    .await;

    assert_eq!(run.code, 2, "stderr: {}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{:?}", run.stderr);
    assert!(run.stderr.contains("nickname"), "{}", run.stderr);
    assert_eq!(requests(&server).await.len(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn verbose_shows_each_attempt_but_never_the_token() {
    let secret = "secret-token-123";
    for (status, code) in [(200, 0), (401, 1)] {
        let server = serve(
            ResponseTemplate::new(status).set_body_json(if status == 200 {
                contact()
            } else {
                json!({"type": "error.list", "request_id": "r-401",
                   "errors": [{"code": "unauthorized", "message": "Access Token Invalid"}]})
            }),
        )
        .await;

        let run = intercom(
            &[
                "--verbose",
                "--base-url",
                &server.uri(),
                "--token",
                secret,
                "show-contact",
                "--id",
                "c1",
            ],
            None,
        )
        .await;

        assert_eq!(run.code, code, "stderr: {}", run.stderr);
        let url = format!("{}/contacts/c1", server.uri());
        for expected in [
            "otel.name=\"ShowContact\"".to_string(),
            "http.request.method=GET".to_string(),
            format!("url.full={url}"),
            format!("http.response.status_code={status}"),
        ] {
            assert!(
                run.stderr.contains(&expected),
                "{:?} lacks {expected}",
                run.stderr
            );
        }
        assert!(!run.stderr.contains(secret), "{}", run.stderr);
        assert!(!run.stdout.contains(secret), "{}", run.stdout);
        // The token was in use, so its absence from the output is not an accident.
        let reqs = requests(&server).await;
        assert_eq!(
            header(&reqs[0], "authorization"),
            Some("Bearer secret-token-123")
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn base_url_wins_over_region() {
    let server = serve(ResponseTemplate::new(200).set_body_json(contact())).await;

    let uri = server.uri();
    for args in [
        ["--region", "eu", "--base-url", &uri],
        ["--base-url", &uri, "--region", "eu"],
    ] {
        let mut args = args.to_vec();
        args.extend(["--token", "test-token", "show-contact", "--id", "c1"]);
        let run = intercom(&args, None).await;
        assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    }

    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_region_is_a_usage_error() {
    let run = intercom(
        &[
            "--region",
            "mars",
            "--token",
            "t",
            "show-contact",
            "--id",
            "c1",
        ],
        None,
    )
    .await;

    assert_eq!(run.code, 2, "stderr: {}", run.stderr);
    assert!(run.stderr.contains("mars"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_id_that_cannot_be_a_path_segment_is_refused_without_sending() {
    let server = serve(ResponseTemplate::new(200).set_body_json(contact())).await;

    for id in ["..", "."] {
        let run = intercom(
            &[
                "--base-url",
                &server.uri(),
                "--token",
                "test-token",
                "show-contact",
                "--id",
                id,
            ],
            None,
        )
        .await;

        assert_ne!(run.code, 0, "{id:?}");
        assert_eq!(run.stdout, "");
        assert_eq!(run.stderr.lines().count(), 1, "{:?}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    assert_eq!(requests(&server).await.len(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_intercom_version_option_is_sent() {
    let server = serve(ResponseTemplate::new(200).set_body_json(contact())).await;

    let run = intercom(
        &[
            "--base-url",
            &server.uri(),
            "--token",
            "test-token",
            "--intercom-version",
            "2.11",
            "show-contact",
            "--id",
            "c1",
        ],
        None,
    )
    .await;

    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let reqs = requests(&server).await;
    let versions: Vec<&str> = reqs[0]
        .headers
        .get_all("intercom-version")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(versions, ["2.11"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_over_plain_http_to_another_host_is_a_usage_error() {
    let run = intercom(
        &[
            "--base-url",
            "http://example.com",
            "--token",
            "secret-token-123",
            "show-contact",
            "--id",
            "c1",
        ],
        None,
    )
    .await;

    assert_eq!(run.code, 2, "stderr: {}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{:?}", run.stderr);
    assert!(!run.stderr.contains("secret-token-123"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn verbose_names_the_operation_status_and_request_id_of_an_error() {
    let server = serve(ResponseTemplate::new(404).set_body_json(json!({
        "type": "error.list", "request_id": "req-404-xyz",
        "errors": [{"code": "not_found", "message": "User Not Found"}]
    })))
    .await;
    let run = intercom(
        &[
            "--verbose",
            "--base-url",
            &server.uri(),
            "--token",
            "tok-verbose-404",
            "show-contact",
            "--id",
            "x",
        ],
        None,
    )
    .await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    for expected in [
        "ShowContact",
        "http.response.status_code=404",
        "intercom.request_id=\"req-404-xyz\"",
    ] {
        assert!(
            run.stderr.contains(expected),
            "{expected} missing:\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("tok-verbose-404"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_token_nothing_is_sent_and_the_message_says_how_to_give_one() {
    let server = serve(ResponseTemplate::new(200).set_body_json(contact())).await;
    let run = intercom(
        &["--base-url", &server.uri(), "show-contact", "--id", "c1"],
        None,
    )
    .await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no access token"), "{}", run.stderr);
    assert!(run.stderr.contains("--token"), "{}", run.stderr);
    assert!(run.stderr.contains("INTERCOM_API_KEY"), "{}", run.stderr);
    assert_eq!(requests(&server).await.len(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_502_with_a_far_rate_limit_reset_is_retried_at_once() {
    let server = MockServer::start().await;
    let reset = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 30)
        .to_string();
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = calls.clone();
    Mock::given(any())
        .respond_with(move |_: &Request| {
            if seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                ResponseTemplate::new(502).insert_header("X-RateLimit-Reset", reset.as_str())
            } else {
                ResponseTemplate::new(200).set_body_json(contact())
            }
        })
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let run = intercom(
        &[
            "--base-url",
            &server.uri(),
            "--token",
            "t",
            "show-contact",
            "--id",
            "c1",
        ],
        None,
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(requests(&server).await.len(), 2);
    // The default backoff before a first retry is at most 0.5 s; the reset was 30 s away.
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

/// RFC 2202's second HMAC-SHA1 test case: a signature computed by other implementations.
const RFC_2202_BODY: &str = "what do ya want for nothing?";
const RFC_2202_SIGNATURE: &str = "sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79";

fn verify_webhook(signature: &str, body: &str, secret: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_intercom"));
    cmd.args(["verify-webhook", "--signature", signature])
        .env_remove("INTERCOM_API_KEY");
    match secret {
        Some(s) => cmd.env("INTERCOM_CLIENT_SECRET", s),
        None => cmd.env_remove("INTERCOM_CLIENT_SECRET"),
    };
    run_with_deadline(&mut cmd, Some(body))
}

#[test]
fn verify_webhook_accepts_a_matching_signature_and_refuses_a_changed_body() {
    let ok = verify_webhook(RFC_2202_SIGNATURE, RFC_2202_BODY, Some("Jefe"));
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.contains("verified"), "{}", ok.stdout);

    let changed = verify_webhook(
        RFC_2202_SIGNATURE,
        "what do ya want for nothing!",
        Some("Jefe"),
    );
    assert_eq!(changed.code, 1);
    assert!(
        changed.stderr.contains("does not match"),
        "{}",
        changed.stderr
    );

    let malformed = verify_webhook("sha256=00", RFC_2202_BODY, Some("Jefe"));
    assert_eq!(malformed.code, 1);
    assert!(malformed.stderr.contains("sha1="), "{}", malformed.stderr);

    let no_secret = verify_webhook(RFC_2202_SIGNATURE, RFC_2202_BODY, None);
    assert_eq!(no_secret.code, 2);
    assert!(
        no_secret.stderr.contains("INTERCOM_CLIENT_SECRET"),
        "{}",
        no_secret.stderr
    );
}
