//! The `intercom-mock` binary as another language would use it: started with `--port 0`, its
//! printed port read, and requests sent with `curl`, each under a deadline. Every validation rule
//! answers its documented status with an `error.list` body; a valid request answers 2xx with a
//! body that matches the spec's schema.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use intercom_test_support::process::{self, scrubbed};
use serde_json::Value;

/// How long one child process may run.
const DEADLINE: Duration = Duration::from_secs(20);

/// The running binary; killed when dropped.
struct Mock {
    child: Child,
    base_url: String,
}

impl Mock {
    fn start() -> Mock {
        let mut child = Command::new(env!("CARGO_BIN_EXE_intercom-mock"))
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = match rx.recv_timeout(DEADLINE) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                panic!("the binary printed no address in time");
            }
        };
        let base_url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        let port: u16 = base_url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("a port");
        assert_ne!(port, 0, "a free port was picked");
        assert_eq!(base_url, format!("http://127.0.0.1:{port}"));
        Mock { child, base_url }
    }

    /// `curl` with `args` and the URL of `path`; returns the status and the JSON body.
    fn curl(&self, args: &[&str], path: &str) -> (u16, Value) {
        let mut curl = Command::new("curl");
        curl.args(["--silent", "--show-error", "--max-time", "15"])
            .args(["--write-out", "\n%{http_code}"])
            .args(args)
            .arg(format!("{}{path}", self.base_url));
        let output = process::run(scrubbed(&mut curl), None, DEADLINE);
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let (body, status) = text.rsplit_once('\n').expect("a status line");
        let status = status.trim().parse().expect("a status code");
        (status, serde_json::from_str(body).unwrap_or(Value::Null))
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A request's curl arguments and path, with the status, error code and field it gets.
type Case<'a> = (Vec<&'a str>, &'a str, u16, &'a str, Option<&'a str>);

const AUTH: [&str; 2] = ["-H", "Authorization: Bearer any-token"];

/// The first error entry's code and field.
fn first_error(body: &Value) -> (String, Option<String>) {
    assert_eq!(body["type"], "error.list", "{body}");
    assert!(body["request_id"].is_string(), "{body}");
    let e = &body["errors"][0];
    (
        e["code"].as_str().unwrap_or_default().to_string(),
        e["field"].as_str().map(str::to_string),
    )
}

#[test]
fn each_rule_over_curl() {
    let mock = Mock::start();
    let json = ["-H", "Content-Type: application/json"];
    let cases: Vec<Case<'_>> = vec![
        (AUTH.to_vec(), "/nothing/here", 404, "not_found", None),
        (
            [&AUTH[..], &["-X", "PATCH"]].concat(),
            "/contacts/abc",
            405,
            "method_not_allowed",
            None,
        ),
        (
            vec![],
            "/contacts/abc",
            401,
            "unauthorized",
            Some("Authorization"),
        ),
        (
            vec!["-H", "Authorization: Token abc"],
            "/contacts/abc",
            401,
            "unauthorized",
            Some("Authorization"),
        ),
        (
            [&AUTH[..], &["-H", "Intercom-Version: 0.1"]].concat(),
            "/contacts/abc",
            400,
            "intercom_version_invalid",
            Some("Intercom-Version"),
        ),
        (
            [&AUTH[..], &json[..], &["-X", "POST", "--data", "not json"]].concat(),
            "/contacts",
            400,
            "parameter_invalid",
            Some("body"),
        ),
        (
            [
                &AUTH[..],
                &json[..],
                &["-X", "PUT", "--data", r#"{"email": 7}"#],
            ]
            .concat(),
            "/contacts/abc",
            400,
            "parameter_invalid",
            Some("email"),
        ),
        (
            [
                &AUTH[..],
                &json[..],
                &[
                    "-X",
                    "POST",
                    "--data",
                    r#"{"id": "1", "consent_type": "sometimes"}"#,
                ],
            ]
            .concat(),
            "/contacts/abc/subscriptions",
            400,
            "parameter_invalid",
            Some("consent_type"),
        ),
        (
            [
                &AUTH[..],
                &json[..],
                &["-X", "POST", "--data", r#"{"into": "b"}"#],
            ]
            .concat(),
            "/contacts/merge",
            400,
            "parameter_not_found",
            Some("from"),
        ),
    ];
    for (args, path, status, code, field) in cases {
        let (got, body) = mock.curl(&args, path);
        assert_eq!(got, status, "{args:?} {path}: {body}");
        assert_eq!(
            first_error(&body),
            (code.to_string(), field.map(str::to_string)),
            "{args:?} {path}"
        );
    }
}

#[test]
fn a_valid_request_gets_a_body_that_matches_the_spec() {
    let mock = Mock::start();
    let (status, body) = mock.curl(&AUTH, "/contacts/abc");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], "abc");
    // The answer validates against the contact schema, as the mock's own data states it.
    let data: Value =
        serde_json::from_str(intercom_client::mock::SPEC_JSON).expect("the data is JSON");
    let schema = serde_json::json!({
        "$defs": data["schemas"],
        "$ref": "#/$defs/contact",
    });
    let validator = jsonschema::draft202012::new(&schema).expect("the schema compiles");
    let problems: Vec<String> = validator
        .iter_errors(&body)
        .map(|e| e.to_string())
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
    // And decodes into the client's type.
    let contact: intercom_client::types::Contact =
        serde_json::from_value(body).expect("decodes as a Contact");
    assert_eq!(contact.id, "abc");

    let (status, body) = mock.curl(
        &[
            &AUTH[..],
            &[
                "-X",
                "POST",
                "-H",
                "Content-Type: application/json",
                "--data",
                r#"{"name": "vip"}"#,
            ],
        ]
        .concat(),
        "/tags",
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["type"], "tag");
}
