//! Path parameters never leave their segment, for every operation under `/contacts` and `/tags`
//! that has one (every other operation sends a value with reserved characters through each path
//! parameter in its generated wire test, whose encoding is the same runtime code): arbitrary
//! strings (reserved characters, percent signs, dot segments, control characters,
//! long and non-ASCII text) go through the generated methods to a loopback server that records
//! the raw request target, which must have exactly the operation's segments, each parameter
//! segment percent-decoding back to the value given, and no query or fragment but the
//! operation's own.

use futures_util::future::BoxFuture;
use heck::ToSnakeCase;
use intercom_client::{Client, Error};
use intercom_test_support::fault_server::{Fault, FaultServer};
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::de::DeserializeOwned;
use serde_json::json;

/// Calls one operation with the given path parameters, in the order of its path.
type Call = for<'a> fn(&'a Client, &'a [String]) -> BoxFuture<'a, Result<(), Error>>;

/// An operation with path parameters: its path template (`{}` for each parameter), the query
/// its call sends, and the call.
struct Operation {
    name: &'static str,
    template: &'static str,
    query: Option<&'static str>,
    call: Call,
}

fn body<T: DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("a valid request body")
}

/// Every operation of the client under `/contacts` and `/tags` with a path parameter, as the
/// spec declares it.
const OPERATIONS: &[Operation] = &[
    Operation {
        name: "archive_contact",
        template: "/contacts/{}/archive",
        query: None,
        call: |c, p| Box::pin(async move { c.archive_contact(&p[0]).await.map(drop) }),
    },
    Operation {
        name: "attach_contact_to_a_company",
        template: "/contacts/{}/companies",
        query: None,
        call: |c, p| {
            Box::pin(async move {
                c.attach_contact_to_a_company(&p[0], &body(json!({"id": "co1"})))
                    .await
                    .map(drop)
            })
        },
    },
    Operation {
        name: "attach_subscription_type_to_contact",
        template: "/contacts/{}/subscriptions",
        query: None,
        call: |c, p| {
            Box::pin(async move {
                let b = body(json!({"id": "s1", "consent_type": "opt_in"}));
                c.attach_subscription_type_to_contact(&p[0], &b)
                    .await
                    .map(drop)
            })
        },
    },
    Operation {
        name: "attach_tag_to_contact",
        template: "/contacts/{}/tags",
        query: None,
        call: |c, p| {
            Box::pin(async move {
                c.attach_tag_to_contact(&p[0], &body(json!({"id": "t1"})))
                    .await
                    .map(drop)
            })
        },
    },
    Operation {
        name: "create_note",
        template: "/contacts/{}/notes",
        query: None,
        call: |c, p| {
            Box::pin(async move {
                c.create_note(&p[0], &body(json!({"body": "hello"})))
                    .await
                    .map(drop)
            })
        },
    },
    Operation {
        name: "delete_contact",
        template: "/contacts/{}",
        query: None,
        call: |c, p| Box::pin(async move { c.delete_contact(&p[0]).await.map(drop) }),
    },
    Operation {
        name: "delete_tag",
        template: "/tags/{}",
        query: None,
        call: |c, p| Box::pin(async move { c.delete_tag(&p[0]).await.map(drop) }),
    },
    Operation {
        name: "detach_contact_from_a_company",
        template: "/contacts/{}/companies/{}",
        query: None,
        call: |c, p| {
            Box::pin(async move {
                c.detach_contact_from_a_company(&p[0], &p[1])
                    .await
                    .map(drop)
            })
        },
    },
    Operation {
        name: "detach_subscription_type_to_contact",
        template: "/contacts/{}/subscriptions/{}",
        query: None,
        call: |c, p| {
            Box::pin(async move {
                c.detach_subscription_type_to_contact(&p[0], &p[1])
                    .await
                    .map(drop)
            })
        },
    },
    Operation {
        name: "detach_tag_from_contact",
        template: "/contacts/{}/tags/{}",
        query: None,
        call: |c, p| {
            Box::pin(async move { c.detach_tag_from_contact(&p[0], &p[1]).await.map(drop) })
        },
    },
    Operation {
        name: "find_tag",
        template: "/tags/{}",
        query: None,
        call: |c, p| Box::pin(async move { c.find_tag(&p[0]).await.map(drop) }),
    },
    Operation {
        name: "list_companies_for_a_contact",
        template: "/contacts/{}/companies",
        query: Some("page=2&per_page=5"),
        call: |c, p| {
            Box::pin(async move {
                c.list_companies_for_a_contact(&p[0], Some(2), Some(5))
                    .await
                    .map(drop)
            })
        },
    },
    Operation {
        name: "list_notes",
        template: "/contacts/{}/notes",
        query: Some("page=2&per_page=5"),
        call: |c, p| Box::pin(async move { c.list_notes(&p[0], Some(2), Some(5)).await.map(drop) }),
    },
    Operation {
        name: "list_segments_for_a_contact",
        template: "/contacts/{}/segments",
        query: None,
        call: |c, p| Box::pin(async move { c.list_segments_for_a_contact(&p[0]).await.map(drop) }),
    },
    Operation {
        name: "list_subscriptions_for_a_contact",
        template: "/contacts/{}/subscriptions",
        query: None,
        call: |c, p| {
            Box::pin(async move { c.list_subscriptions_for_a_contact(&p[0]).await.map(drop) })
        },
    },
    Operation {
        name: "list_tags_for_a_contact",
        template: "/contacts/{}/tags",
        query: None,
        call: |c, p| Box::pin(async move { c.list_tags_for_a_contact(&p[0]).await.map(drop) }),
    },
    Operation {
        name: "show_contact",
        template: "/contacts/{}",
        query: None,
        call: |c, p| Box::pin(async move { c.show_contact(&p[0]).await.map(drop) }),
    },
    Operation {
        name: "unarchive_contact",
        template: "/contacts/{}/unarchive",
        query: None,
        call: |c, p| Box::pin(async move { c.unarchive_contact(&p[0]).await.map(drop) }),
    },
    Operation {
        name: "update_contact",
        template: "/contacts/{}",
        query: None,
        call: |c, p| {
            Box::pin(async move { c.update_contact(&p[0], &Default::default()).await.map(drop) })
        },
    },
];

/// Values URL normalisation would drop or climb out of; the client refuses them unsent.
fn refused(value: &str) -> bool {
    matches!(value, "" | "." | "..")
}

/// Pieces an id is made of: everything that has meaning in a URL or its parsing, and
/// arbitrary characters.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "%", "+", ";", "\\", "?", "#", "/", ".", "..", ".%2e", "%2e", "%2E%2e", "%2f", "%00",
            "&", "=", ":", "@", "[", "]", "!", "$", "'", "(", ")", "*", ",", "~", "-", "_", " ",
            "\u{0}", "\t", "\n", "\r", "\u{7f}", "é", "日本", "😀", "\u{202e}", "\u{feff}", "a",
            "Z", "9",
        ])
        .prop_map(str::to_string),
        3 => any::<char>().prop_map(String::from),
        1 => "[a-zA-Z0-9]{100,600}",
    ]
}

/// An id: a few pieces, so that `.`, `..` and the empty string come up as often as oddities.
fn id() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..6).prop_map(|pieces| pieces.concat())
}

/// The client under test and the recording server; one per test, since the checks count the
/// requests the server recorded.
struct Fixture {
    runtime: tokio::runtime::Runtime,
    server: FaultServer,
    client: Client,
}

impl Fixture {
    fn new() -> Self {
        let server = FaultServer::start_in_background(vec![Fault::json(200, "{}")]);
        let client = Client::builder()
            .token("t")
            .base_url(server.url())
            .max_retries(0)
            .build()
            .expect("a client");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        Fixture {
            runtime,
            server,
            client,
        }
    }
}

/// Sends `op` with `params` and checks the request target the server recorded; `Err` says
/// what is wrong.
fn check(f: &Fixture, op: &Operation, params: &[String]) -> Result<(), String> {
    let before = f.server.recorded().len();
    let result = f.runtime.block_on((op.call)(&f.client, params));
    let recorded = f.server.recorded();
    if params.iter().any(|p| refused(p)) {
        return match result {
            Err(Error::InvalidRequest(_)) if recorded.len() == before => Ok(()),
            other => Err(format!(
                "{params:?} should be refused unsent; got {other:?}, {} requests",
                recorded.len() - before
            )),
        };
    }
    if let Err(Error::InvalidRequest(e)) = &result {
        return Err(format!("{params:?} refused: {e}"));
    }
    let [sent] = &recorded[before..] else {
        return Err(format!("{} requests for one call", recorded.len() - before));
    };
    let target = sent.target.as_str();
    if target.contains('#') {
        return Err(format!("a fragment in {target:?}"));
    }
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    if query != op.query {
        return Err(format!(
            "query {query:?} in {target:?}, expected {:?}",
            op.query
        ));
    }
    let template: Vec<&str> = op.template.split('/').collect();
    let segments: Vec<&str> = path.split('/').collect();
    if segments.len() != template.len() {
        return Err(format!(
            "{target:?} has {} segments, {} has {}",
            segments.len(),
            op.template,
            template.len()
        ));
    }
    let mut values = params.iter();
    for (segment, expected) in segments.iter().zip(&template) {
        if *expected != "{}" {
            if segment != expected {
                return Err(format!("{target:?}: segment {segment:?}, not {expected:?}"));
            }
            continue;
        }
        let value = values.next().ok_or("more placeholders than parameters")?;
        // Only unreserved characters and percent-escapes: nothing a server or proxy could read
        // as a delimiter, a dot segment or a second encoding.
        let clean = segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b));
        // Every `%` starts an escape of two hex digits, so the segment decodes one way only.
        let escapes_whole = segment.match_indices('%').all(|(i, _)| {
            segment
                .get(i + 1..i + 3)
                .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
        });
        if !clean || !escapes_whole || segment == &"." || segment == &".." {
            return Err(format!("{target:?}: segment {segment:?} is not encoded"));
        }
        let decoded: Vec<u8> = percent_decode_str(segment).collect();
        if decoded != value.as_bytes() {
            return Err(format!(
                "{target:?}: segment {segment:?} decodes to {:?}, not {value:?}",
                String::from_utf8_lossy(&decoded)
            ));
        }
    }
    Ok(())
}

/// The table holds every operation under `/contacts` and `/tags` with a path parameter, each
/// with its path as the spec gives it. (Every operation of the client, these included, sends
/// a reserved-character value through each path parameter in its generated wire test,
/// `generated-client/tests/wire/generated.rs`; this property test goes further for these.)
#[test]
fn the_table_names_every_operation_with_a_path_parameter() {
    let spec: serde_json::Value = intercom_tests::spec_document();
    let mut declared: Vec<String> = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        if !path.contains('{') || !(path.starts_with("/contacts") || path.starts_with("/tags")) {
            continue;
        }
        for op in item.as_object().expect("a path item").values() {
            if let Some(id) = op["operationId"].as_str() {
                declared.push(id.to_snake_case());
            }
            let template: String = path
                .split('/')
                .map(|s| if s.starts_with('{') { "{}" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            let name = op["operationId"].as_str().map(ToSnakeCase::to_snake_case);
            let row = OPERATIONS
                .iter()
                .find(|o| Some(o.name.to_string()) == name)
                .unwrap_or_else(|| panic!("no row for {name:?}"));
            assert_eq!(row.template, template, "{}", row.name);
        }
    }
    declared.sort();
    let mut listed: Vec<&str> = OPERATIONS.iter().map(|o| o.name).collect();
    listed.sort_unstable();
    assert_eq!(listed, declared);
}

#[test]
fn arbitrary_ids_stay_one_segment_in_every_operation() {
    let f = Fixture::new();
    let mut runner = TestRunner::new(Config {
        cases: 512,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (0..OPERATIONS.len(), id(), id());
    runner
        .run(&strategy, |(index, first, second)| {
            let op = &OPERATIONS[index];
            let arity = op.template.matches("{}").count();
            let params = [first, second];
            check(&f, op, &params[..arity])
                .map_err(|e| TestCaseError::fail(format!("{}: {e}", op.name)))
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn every_byte_and_latin_1_character_as_an_id() {
    let f = Fixture::new();
    let show = OPERATIONS
        .iter()
        .find(|o| o.name == "show_contact")
        .expect("show_contact");
    let mut failures = Vec::new();
    for b in 0..=255u8 {
        // Bytes 0-127 alone are UTF-8; 128-255 are the characters U+0080-U+00FF instead.
        let mut ids = vec![char::from(b).to_string()];
        if let Ok(s) = std::str::from_utf8(&[b]) {
            ids.push(s.to_string());
        }
        for id in ids {
            if let Err(e) = check(&f, show, std::slice::from_ref(&id)) {
                failures.push(format!("byte {b}: {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
