//! The subcommands generated from the operation table: one per operation of the spec, walking
//! every page with `--all` in each pagination style (contacts and conversations by a cursor in
//! the query and in the body, notes by page number, the companies' scroll), POSTs that are not
//! repeated after a 5xx, and path ids that cannot be one segment.
//!
//! One file over 500 lines on purpose: the pagination styles are walked against one set of
//! paging servers (contacts by cursor, conversations by body cursor, notes by page, companies by
//! scroll), and each style's tests sit beside the server they drive.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use intercom_test_support::process::{self, scrubbed};
use intercom_test_support::recording::{InTurn, requests};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Longest a single run of the binary may take before the test kills it and fails.
const RUN_DEADLINE: Duration = Duration::from_secs(20);
/// The contacts the server holds, and its page size.
const CONTACTS: usize = 7;
const PAGE: usize = 3;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `intercom --base-url <url> --token t --max-retries <retries> --timeout 5 <args>` with
/// the proxy variables removed, killing it if it outlives [`RUN_DEADLINE`].
async fn intercom(url: &str, retries: u32, args: &[&str]) -> Run {
    let mut all: Vec<String> = vec![
        "--base-url".into(),
        url.into(),
        "--token".into(),
        "t".into(),
        "--max-retries".into(),
        retries.to_string(),
        "--timeout".into(),
        "5".into(),
    ];
    all.extend(args.iter().map(|a| a.to_string()));
    // The mock server runs on this runtime's other threads while the process blocks one.
    tokio::task::spawn_blocking(move || run(&all))
        .await
        .expect("the blocking task finishes")
}

fn run(args: &[String]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_intercom"));
    cmd.args(args).env_remove("INTERCOM_API_KEY");
    let run = process::run(scrubbed(&mut cmd), None, RUN_DEADLINE);
    Run {
        code: run.code(),
        stdout: run.stdout_text(),
        stderr: run.stderr_text(),
    }
}

fn contact(n: usize) -> Value {
    json!({"type": "contact", "id": format!("c{n}"), "email": format!("joe{n}@example.com")})
}

/// The page of the server's contacts after the cursor `after` (from the start when `None`),
/// with the next page's cursor while contacts remain.
fn page_after(after: Option<&str>, size: usize) -> Value {
    let from = after
        .and_then(|c| c.strip_prefix('c'))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    let to = (from + size).min(CONTACTS);
    let data: Vec<Value> = (from + 1..=to).map(contact).collect();
    let next = if to < CONTACTS {
        json!({"page": to / size + 1, "starting_after": format!("c{to}")})
    } else {
        Value::Null
    };
    json!({"type": "list", "data": data, "total_count": CONTACTS,
           "pages": {"type": "pages", "per_page": size, "next": next}})
}

fn query(req: &Request, name: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The ids of NDJSON lines, each a compact JSON object.
fn ids(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|line| {
            let item: Value = serde_json::from_str(line).expect("each line is JSON");
            assert!(item.is_object(), "{line}");
            assert!(!line.contains(": "), "not compact: {line}");
            item["id"].as_str().expect("an id").to_string()
        })
        .collect()
}

fn expected_ids() -> Vec<String> {
    (1..=CONTACTS).map(|n| format!("c{n}")).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn list_contacts_all_walks_the_cursor_in_the_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .respond_with(|req: &Request| {
            let size = query(req, "per_page")
                .and_then(|s| s.parse().ok())
                .unwrap_or(10);
            ResponseTemplate::new(200)
                .set_body_json(page_after(query(req, "starting_after").as_deref(), size))
        })
        .mount(&server)
        .await;

    let run = intercom(
        &server.uri(),
        0,
        &["list-contacts", "--per-page", "3", "--all"],
    )
    .await;

    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    // stderr is not a terminal here: no progress indicator.
    assert_eq!(run.stderr, "");
    assert_eq!(ids(&run.stdout), expected_ids());
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 3);
    let cursors: Vec<Option<String>> = reqs.iter().map(|r| query(r, "starting_after")).collect();
    assert_eq!(cursors, [None, Some("c3".into()), Some("c6".into())]);
    for r in &reqs {
        assert_eq!(query(r, "per_page").as_deref(), Some("3"), "{}", r.url);
        // Each parameter once: the walk places the page size, not the flag as well.
        assert_eq!(
            r.url.query_pairs().filter(|(k, _)| k == "per_page").count(),
            1
        );
    }
}

/// A server for the search at `at` that reads the cursor and page size from the body's
/// `pagination` and answers with `page(cursor, size)`.
async fn body_cursor_server(at: &str, page: fn(Option<&str>, usize) -> Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(at))
        .respond_with(move |req: &Request| {
            let body: Value = serde_json::from_slice(&req.body).unwrap_or_default();
            let size = body
                .pointer("/pagination/per_page")
                .and_then(Value::as_u64)
                .map_or(10, |n| n as usize);
            let after = body
                .pointer("/pagination/starting_after")
                .and_then(Value::as_str);
            ResponseTemplate::new(200).set_body_json(page(after, size))
        })
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn search_contacts_all_walks_the_cursor_in_the_body() {
    let server = body_cursor_server("/contacts/search", page_after).await;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let q = dir.path().join("q.json");
    let query_body = json!({"query": {"field": "role", "operator": "=", "value": "user"}});
    std::fs::write(&q, query_body.to_string()).expect("q.json is written");

    let run = intercom(
        &server.uri(),
        0,
        &[
            "search-contacts",
            "--json-body",
            q.to_str().expect("a UTF-8 path"),
            "--per-page",
            "3",
            "--all",
        ],
    )
    .await;

    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_eq!(ids(&run.stdout), expected_ids());
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 3);
    let mut cursors = Vec::new();
    for r in &reqs {
        assert_eq!(r.url.query(), None, "nothing in the query: {}", r.url);
        let body: Value = serde_json::from_slice(&r.body).expect("a JSON body");
        assert_eq!(body["query"], query_body["query"]);
        assert_eq!(body["pagination"]["per_page"], 3);
        cursors.push(body["pagination"].get("starting_after").cloned());
    }
    assert_eq!(cursors, [None, Some(json!("c3")), Some(json!("c6"))]);
}

#[tokio::test(flavor = "multi_thread")]
async fn list_notes_all_walks_page_numbers_to_an_empty_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contacts/c1/notes"))
        .respond_with(|req: &Request| {
            let page: usize = query(req, "page").and_then(|s| s.parse().ok()).unwrap_or(1);
            let size: usize = query(req, "per_page")
                .and_then(|s| s.parse().ok())
                .unwrap_or(10);
            let from = (page - 1) * size;
            let data: Vec<Value> = (from + 1..=(from + size).min(CONTACTS))
                .map(|n| json!({"type": "note", "id": format!("c{n}")}))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({"type": "list", "data": data}))
        })
        .mount(&server)
        .await;

    let run = intercom(
        &server.uri(),
        0,
        &[
            "list-notes",
            "--contact-id",
            "c1",
            "--per-page",
            "3",
            "--all",
        ],
    )
    .await;

    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    assert_eq!(ids(&run.stdout), expected_ids());
    let pages: Vec<Option<String>> = requests(&server)
        .await
        .iter()
        .map(|r| query(r, "page"))
        .collect();
    // Pages 1 to 3 hold items; page 4 is empty and ends the walk.
    let expected: Vec<Option<String>> = (1..=4).map(|n| Some(n.to_string())).collect();
    assert_eq!(pages, expected);
}

/// A page of conversations after the cursor `after` (the id of the last one sent), under the
/// `conversations` member as Intercom sends them.
fn conversations_after(after: Option<&str>, size: usize) -> Value {
    let mut page = page_after(after, size);
    let items = page["data"].take();
    page["type"] = json!("conversation.list");
    page["conversations"] = items;
    page.as_object_mut().map(|p| p.remove("data"));
    page
}

#[tokio::test(flavor = "multi_thread")]
async fn list_conversations_all_walks_the_cursor_in_the_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/conversations"))
        .respond_with(|req: &Request| {
            let size = query(req, "per_page")
                .and_then(|s| s.parse().ok())
                .unwrap_or(20);
            let after = query(req, "starting_after");
            ResponseTemplate::new(200).set_body_json(conversations_after(after.as_deref(), size))
        })
        .mount(&server)
        .await;

    let run = intercom(
        &server.uri(),
        0,
        &["list-conversations", "--per-page", "3", "--all"],
    )
    .await;

    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    assert_eq!(ids(&run.stdout), expected_ids());
    let cursors: Vec<Option<String>> = requests(&server)
        .await
        .iter()
        .map(|r| query(r, "starting_after"))
        .collect();
    assert_eq!(cursors, [None, Some("c3".into()), Some("c6".into())]);
}

#[tokio::test(flavor = "multi_thread")]
async fn search_conversations_all_walks_the_cursor_in_the_body() {
    let server = body_cursor_server("/conversations/search", conversations_after).await;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let q = dir.path().join("q.json");
    let query_body = json!({"query": {"operator": "AND", "value": [
        {"field": "open", "operator": "=", "value": true},
        {"field": "updated_at", "operator": ">", "value": 1_700_000_000}
    ]}});
    std::fs::write(&q, query_body.to_string()).expect("q.json is written");

    let q = q.to_str().expect("a UTF-8 path");
    let run = intercom(
        &server.uri(),
        0,
        &[
            "search-conversations",
            "--json-body",
            q,
            "--per-page",
            "3",
            "--all",
        ],
    )
    .await;

    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    assert_eq!(ids(&run.stdout), expected_ids());
    let mut cursors = Vec::new();
    for r in requests(&server).await {
        let body: Value = serde_json::from_slice(&r.body).expect("a JSON body");
        assert_eq!(body["query"], query_body["query"]);
        assert_eq!(body["pagination"]["per_page"], 3);
        cursors.push(body["pagination"].get("starting_after").cloned());
    }
    assert_eq!(cursors, [None, Some(json!("c3")), Some(json!("c6"))]);
}

#[tokio::test(flavor = "multi_thread")]
async fn scroll_over_all_companies_all_sends_back_each_scroll_param_until_an_empty_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/companies/scroll"))
        .respond_with(|req: &Request| {
            // Each page has a scroll value of its own: `s1` after the first, `s2` after the
            // second, …; the page after the last company is empty.
            let sent = query(req, "scroll_param");
            let index: usize = sent.as_deref().map_or(0, |s| s[1..].parse().unwrap_or(0));
            let from = index * PAGE;
            let data: Vec<Value> = (from + 1..=(from + PAGE).min(CONTACTS))
                .map(|n| json!({"type": "company", "id": format!("c{n}")}))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({
                "type": "list", "data": data, "pages": null,
                "scroll_param": format!("s{}", index + 1)
            }))
        })
        .mount(&server)
        .await;

    let run = intercom(&server.uri(), 0, &["scroll-over-all-companies", "--all"]).await;

    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    assert_eq!(ids(&run.stdout), expected_ids());
    let sent: Vec<Option<String>> = requests(&server)
        .await
        .iter()
        .map(|r| query(r, "scroll_param"))
        .collect();
    // Pages 1 to 3 hold companies; the fourth is empty and ends the walk.
    assert_eq!(
        sent,
        [
            None,
            Some("s1".into()),
            Some("s2".into()),
            Some("s3".into())
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_error_on_page_two_comes_after_the_items_of_page_one() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .respond_with(|req: &Request| match query(req, "starting_after") {
            None => ResponseTemplate::new(200).set_body_json(page_after(None, PAGE)),
            Some(_) => ResponseTemplate::new(500).set_body_json(json!({
                "type": "error.list", "request_id": "r-page-2",
                "errors": [{"code": "server_error", "message": "page two broke"}]})),
        })
        .mount(&server)
        .await;

    let run = intercom(
        &server.uri(),
        0,
        &["list-contacts", "--per-page", "3", "--all"],
    )
    .await;

    assert_eq!(run.code, Some(1), "stderr: {}", run.stderr);
    assert_eq!(ids(&run.stdout), ["c1", "c2", "c3"]);
    assert_eq!(run.stderr.lines().count(), 1, "{:?}", run.stderr);
    assert!(run.stderr.contains("page two broke"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_all_one_page_is_printed_as_received() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/contacts/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_after(Some("c3"), PAGE)))
        .mount(&server)
        .await;

    let run = intercom(
        &server.uri(),
        0,
        &[
            "search-contacts",
            "--per-page",
            "3",
            "--starting-after",
            "c3",
        ],
    )
    .await;

    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    let printed: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    assert_eq!(printed, page_after(Some("c3"), PAGE));
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 1);
    let body: Value = serde_json::from_slice(&reqs[0].body).expect("a JSON body");
    assert_eq!(
        body,
        json!({"pagination": {"per_page": 3, "starting_after": "c3"}})
    );
}

/// A server answering `first` to the first `POST /contacts` and `then` to every later one.
async fn serve_in_turn(first: ResponseTemplate, then: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/contacts"))
        .respond_with(InTurn::new(first, then))
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn create_contact_is_not_repeated_after_a_503() {
    let unavailable = ResponseTemplate::new(503);
    let server = serve_in_turn(unavailable.clone(), unavailable).await;

    let run = intercom(&server.uri(), 2, &["create-contact", "--email", "a@b.c"]).await;

    assert_eq!(run.code, Some(1), "stderr: {}", run.stderr);
    assert!(run.stderr.contains("503"), "{}", run.stderr);
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 1, "a POST that got a 5xx is not sent again");
    let body: Value = serde_json::from_slice(&reqs[0].body).expect("a JSON body");
    assert_eq!(body, json!({"email": "a@b.c"}));
}

#[tokio::test(flavor = "multi_thread")]
async fn create_contact_is_repeated_after_a_429() {
    let limited = ResponseTemplate::new(429)
        .insert_header("Retry-After", "0")
        .set_body_json(json!({"type": "error.list",
            "errors": [{"code": "rate_limit_exceeded", "message": "slow down"}]}));
    let created = ResponseTemplate::new(200).set_body_json(contact(1));
    let server = serve_in_turn(limited, created).await;

    let run = intercom(&server.uri(), 2, &["create-contact", "--email", "a@b.c"]).await;

    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    let printed: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(printed, contact(1));
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2, "the server did not act on a 429");
    assert_eq!(reqs[0].body, reqs[1].body);
}

/// The operationIds of the spec the client is generated from.
fn spec_operation_ids() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("spec/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|path| {
            let text = std::fs::read_to_string(path).expect("a spec file is readable");
            text.lines()
                .filter_map(|line| line.trim().strip_prefix("operationId:"))
                .map(|id| id.trim().trim_matches(['"', '\'']).to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn every_operation_of_the_spec_is_a_subcommand() {
    use heck::ToKebabCase;

    let ids = spec_operation_ids();
    assert_eq!(ids.len(), 108, "{ids:?}");
    let help = run(&["--help".to_string()]);
    assert_eq!(help.code, Some(0), "{}", help.stderr);
    let listed: Vec<&str> = help
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| !["help", "verify-webhook"].contains(name))
        .collect();
    let mut expected: Vec<String> = ids.iter().map(|id| id.to_kebab_case()).collect();
    expected.sort();
    assert_eq!(listed, expected);
    for command in &expected {
        let run = run(&[command.clone(), "--help".to_string()]);
        assert_eq!(run.code, Some(0), "{command}: {}", run.stderr);
    }
    for (command, flags) in [
        (
            "list-contacts",
            &["--per-page", "--starting-after", "--all"][..],
        ),
        (
            "search-contacts",
            &["--json-body", "--per-page", "--starting-after", "--all"],
        ),
        (
            "create-contact",
            &["--json-body", "--email", "--name", "--external-id"],
        ),
        ("attach-tag-to-contact", &["--contact-id", "--id"]),
        ("detach-tag-from-contact", &["--contact-id", "--tag-id"]),
    ] {
        let help = run(&[command.to_string(), "--help".to_string()]);
        for flag in flags {
            assert!(help.stdout.contains(flag), "{command} lacks {flag}");
        }
    }
    let show = run(&["show-contact".to_string(), "--help".to_string()]);
    assert!(
        !show.stdout.contains("--all"),
        "show-contact is not paginated"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn path_ids_that_are_not_one_segment_send_nothing() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"type": "list", "data": []})))
        .mount(&server)
        .await;
    for bad in ["..", ".", ""] {
        for args in [
            vec!["delete-contact", "--id", bad],
            vec!["attach-tag-to-contact", "--contact-id", bad, "--id", "t1"],
            vec!["list-notes", "--contact-id", bad, "--all"],
            vec!["find-tag", "--id", bad],
        ] {
            let run = intercom(&server.uri(), 0, &args).await;
            assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
            assert_eq!(run.stdout, "", "{args:?}");
            assert_eq!(run.stderr.lines().count(), 1, "{:?}", run.stderr);
            assert!(
                run.stderr.contains("invalid request: path parameter"),
                "{}",
                run.stderr
            );
        }
    }
    assert_eq!(requests(&server).await.len(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_field_flag_that_is_also_a_path_parameter_is_told_apart() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/contacts/c1/notes"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"type": "note", "id": "n1"})))
        .mount(&server)
        .await;

    let run = intercom(
        &server.uri(),
        0,
        &[
            "create-note",
            "--contact-id",
            "c1",
            "--body",
            "<p>hi</p>",
            "--body-contact-id",
            "c1",
            "--admin-id",
            "a9",
        ],
    )
    .await;

    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    let reqs = requests(&server).await;
    let body: Value = serde_json::from_slice(&reqs[0].body).expect("a JSON body");
    assert_eq!(
        body,
        json!({"body": "<p>hi</p>", "contact_id": "c1", "admin_id": "a9"})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn field_values_are_read_by_their_json_type() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).set_body_json(contact(1)))
        .mount(&server)
        .await;

    let ok = intercom(
        &server.uri(),
        0,
        &[
            "update-contact",
            "--id",
            "c1",
            "--owner-id",
            "42",
            "--unsubscribed-from-emails",
            "true",
            "--role",
            "lead",
        ],
    )
    .await;
    assert_eq!(ok.code, Some(0), "stderr: {}", ok.stderr);
    let reqs = requests(&server).await;
    let body: Value = serde_json::from_slice(&reqs[0].body).expect("a JSON body");
    assert_eq!(
        body,
        json!({"owner_id": 42, "unsubscribed_from_emails": true, "role": "lead"})
    );

    let bad = intercom(
        &server.uri(),
        0,
        &["update-contact", "--id", "c1", "--owner-id", "forty-two"],
    )
    .await;
    assert_eq!(bad.code, Some(2), "stderr: {}", bad.stderr);
    assert!(bad.stderr.contains("forty-two"), "{}", bad.stderr);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reader_that_goes_away_ends_the_walk_quietly() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .respond_with(|req: &Request| {
            ResponseTemplate::new(200)
                .set_body_json(page_after(query(req, "starting_after").as_deref(), PAGE))
        })
        .mount(&server)
        .await;
    let url = server.uri();
    // `intercom list-contacts --all | head -0`: the reader is gone before anything is written.
    let (code, stderr) = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_intercom"))
            .args(["--base-url", &url, "--token", "t", "list-contacts", "--all"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the intercom binary runs");
        drop(child.stdout.take());
        let status = process::wait_within(&mut child, RUN_DEADLINE, "intercom");
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            pipe.read_to_string(&mut stderr).expect("UTF-8 stderr");
        }
        (status.code(), stderr)
    })
    .await
    .expect("the blocking task finishes");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Nothing was read, so the walk stopped at its first page.
    assert_eq!(requests(&server).await.len(), 1);
}
