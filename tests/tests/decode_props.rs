//! Property tests: decoding hostile bytes never panics, neither directly with `serde_json` nor
//! through the client, which answers every body with a value or a typed error.
//!
//! Seeds are the spec's own examples (a contact, a tag) and an error body assembled from the
//! spec's property examples; the properties feed them, mutated byte by byte or retyped member
//! by member, and arbitrary bytes, into the decoders. Each property runs a fixed number of
//! cases, [`CASES`], so that a run is reproducible in length.

use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};

use intercom_client::types::{Contact, Error as ErrorBody, Tag};
use intercom_client::{Client, Error, RetryPolicy};
use intercom_test_support::fault_server::{Fault, FaultServer};

/// Cases per property; `docs/reliability.md` states this number.
const CASES: u32 = 512;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        // A failure is reported with its minimal input; no regression files are written
        // into the source tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The three seeds: the 200 example of `ShowContact`, of `detachTagFromContact`, and an error
/// body built from the `error` and `error_item` schemas' property examples.
fn seeds() -> &'static [(Kind, Value)] {
    static SEEDS: OnceLock<Vec<(Kind, Value)>> = OnceLock::new();
    SEEDS.get_or_init(read_seeds)
}

fn read_seeds() -> Vec<(Kind, Value)> {
    let spec: Value = intercom_tests::spec_document();
    let example = |pointer: &str| {
        spec.pointer(pointer)
            .cloned()
            .unwrap_or_else(|| panic!("the spec has {pointer}"))
    };
    let contact = example(
        "/paths/~1contacts~1{id}/get/responses/200/content/application~1json/examples/successful/value",
    );
    let tag = example(
        "/paths/~1contacts~1{contact_id}~1tags~1{tag_id}/delete/responses/200/content/application~1json/examples/successful/value",
    );
    let error = example("/components/schemas/error/properties");
    let item = example("/components/schemas/error_item/properties");
    let ex = |props: &Value, name: &str| props[name]["example"].clone();
    let error = json!({
        "type": ex(&error, "type"),
        "request_id": ex(&error, "request_id"),
        "errors": [{
            "code": ex(&item, "code"),
            "message": ex(&item, "message"),
            "field": ex(&item, "field"),
        }],
    });
    vec![
        (Kind::Contact, contact),
        (Kind::Tag, tag),
        (Kind::Error, error),
    ]
}

/// Which type a seed is an example of.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Contact,
    Tag,
    Error,
}

/// Decodes `bytes` as all three types; none may panic, and whatever decodes must survive a
/// round trip through its own encoding unchanged (floats to within a few units in the last
/// place, see [`same_json`]).
fn decode_all(bytes: &[u8]) -> Result<(), TestCaseError> {
    fn round_trip<T>(bytes: &[u8]) -> Result<(), TestCaseError>
    where
        T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
    {
        if let Ok(value) = serde_json::from_slice::<T>(bytes) {
            let encoded =
                serde_json::to_vec(&value).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let again: T = serde_json::from_slice(&encoded)
                .map_err(|e| TestCaseError::fail(format!("re-decoding failed: {e}")))?;
            let (before, after) = (json_of(&value)?, json_of(&again)?);
            prop_assert!(same_json(&before, &after), "{before} became {after}");
        }
        Ok(())
    }
    round_trip::<Contact>(bytes)?;
    round_trip::<Tag>(bytes)?;
    round_trip::<ErrorBody>(bytes)?;
    Ok(())
}

fn json_of<T: serde::Serialize>(value: &T) -> Result<Value, TestCaseError> {
    serde_json::to_value(value).map_err(|e| TestCaseError::fail(e.to_string()))
}

/// Equal JSON, except that floats may differ by a relative 1e-15: without its
/// `float_roundtrip` feature, serde_json parses some 17-digit floats to a neighbouring `f64`
/// (for example 2.2381401555871425e-187), so free-form members such as `custom_attributes`
/// can move by an ulp per round trip. Everything else must be identical.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() && y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x == y || (x - y).abs() <= 1e-15 * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// Fragments that matter to a JSON parser: structure, escapes, numbers out of range, lone
/// surrogates, control bytes, invalid UTF-8 and nesting deeper than the recursion limit.
fn tokens() -> Vec<Vec<u8>> {
    let mut t: Vec<Vec<u8>> = [
        "{",
        "}",
        "[",
        "]",
        "\"",
        "\\",
        ":",
        ",",
        "null",
        "true",
        "-",
        "0",
        "1e999",
        "-1e999",
        "9223372036854775808",
        "-9223372036854775809",
        "18446744073709551616",
        "1.5",
        "\\u0000",
        "\"\\ud800\"",
        "\"\\udfff\\ud800\"",
        "\"\\u12\"",
        "\u{0}",
        "\u{7f}",
        "\u{feff}",
        "é",
        "\"type\"",
        "\"id\"",
        "\"errors\"",
        "\"custom_attributes\"",
        "\"role\"",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    t.push(vec![0xff, 0xfe]);
    t.push(vec![0xc3]);
    t.push(vec![0xed, 0xa0, 0x80]);
    t.push("[".repeat(300).into_bytes());
    t.push("{\"a\":".repeat(300).into_bytes());
    t
}

/// One edit of a byte string; positions are taken modulo the length when applied.
#[derive(Clone, Debug)]
enum Edit {
    Flip(usize, u8),
    Delete(usize, usize),
    Insert(usize, usize),
    Truncate(usize),
    Duplicate(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let count = tokens().len();
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
        (any::<usize>(), 1usize..16).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<usize>(), 0..count).prop_map(|(i, t)| Edit::Insert(i, t)),
        any::<usize>().prop_map(Edit::Truncate),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Edit::Duplicate(i, n)),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit], tokens: &[Vec<u8>]) -> Vec<u8> {
    for e in edits {
        let len = bytes.len().max(1);
        match *e {
            Edit::Flip(i, b) => {
                if let Some(x) = bytes.get_mut(i % len) {
                    *x ^= b;
                }
            }
            Edit::Delete(i, n) => {
                let start = (i % len).min(bytes.len());
                let end = (start + n).min(bytes.len());
                bytes.drain(start..end);
            }
            Edit::Insert(i, t) => {
                let at = (i % len).min(bytes.len());
                bytes.splice(at..at, tokens[t].iter().copied());
            }
            Edit::Truncate(i) => bytes.truncate(i % len),
            Edit::Duplicate(i, n) => {
                let start = (i % len).min(bytes.len());
                let end = (start + n).min(bytes.len());
                let copy = bytes[start..end].to_vec();
                bytes.splice(end..end, copy);
            }
        }
    }
    bytes
}

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let text = proptest::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        text.clone().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((text.clone(), inner), 0..4)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// One change to a JSON document at a path chosen by `steps` (each step picks a member or
/// element, modulo the count).
#[derive(Clone, Debug)]
struct Retype {
    steps: Vec<usize>,
    op: Op,
}

/// What happens to the member or element a [`Retype`] picks.
#[derive(Clone, Debug)]
enum Op {
    /// Replace it with any JSON value, most often of another type.
    Set(Value),
    /// Drop it (a required member or an element).
    Remove,
    /// Replace a string with another string: control characters, quotes, any Unicode.
    Restring(String),
    /// Replace a number with another number: extremes of i64 and u64 included.
    Renumber(Value),
}

fn retype() -> impl Strategy<Value = Retype> {
    let steps = proptest::collection::vec(any::<usize>(), 1..4);
    let text = proptest::collection::vec(any::<char>(), 0..64).prop_map(String::from_iter);
    let number = prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        Just(Value::from(i64::MIN)),
        Just(Value::from(u64::MAX)),
        Just(json!(0.5)),
    ];
    let op = prop_oneof![
        3 => json_value().prop_map(Op::Set),
        1 => Just(Op::Set(Value::Null)),
        1 => Just(Op::Remove),
        2 => text.prop_map(Op::Restring),
        2 => number.prop_map(Op::Renumber),
    ];
    (steps, op).prop_map(|(steps, op)| Retype { steps, op })
}

fn apply_retype(doc: &mut Value, change: &Retype) {
    change_at(doc, &change.steps, &change.op);
}

/// Applies `op` to `target`, in place; `Remove` is handled by the container.
fn change_leaf(target: &mut Value, op: &Op) {
    match (op, &*target) {
        (Op::Set(v), _) => *target = v.clone(),
        (Op::Restring(s), Value::String(_)) => *target = Value::String(s.clone()),
        (Op::Renumber(n), Value::Number(_)) => *target = n.clone(),
        _ => {}
    }
}

/// Walks `steps` down from `node` and applies `op` to what the last step picks; recursion is
/// as deep as `steps` is long (at most 3).
fn change_at(node: &mut Value, steps: &[usize], op: &Op) {
    let Some((&step, rest)) = steps.split_first() else {
        return;
    };
    match node {
        Value::Object(map) if !map.is_empty() => {
            let key = map
                .keys()
                .nth(step % map.len())
                .cloned()
                .unwrap_or_default();
            if rest.is_empty() && matches!(op, Op::Remove) {
                map.remove(&key);
            } else if let Some(child) = map.get_mut(&key) {
                if rest.is_empty() {
                    change_leaf(child, op);
                } else {
                    change_at(child, rest, op);
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = step % items.len();
            if rest.is_empty() && matches!(op, Op::Remove) {
                items.remove(i);
            } else if rest.is_empty() {
                change_leaf(&mut items[i], op);
            } else {
                change_at(&mut items[i], rest, op);
            }
        }
        // A scalar (or an empty container) has no children: change it where it is.
        _ => change_leaf(node, op),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        decode_all(&bytes)?;
    }

    #[test]
    fn mutated_examples_never_panic(
        seed in 0usize..3,
        edits in proptest::collection::vec(edit(), 1..8),
    ) {
        let seeds = seeds();
        let bytes = serde_json::to_vec(&seeds[seed].1).expect("a seed encodes");
        decode_all(&apply(bytes, &edits, &tokens()))?;
    }

    #[test]
    fn retyped_examples_never_panic(
        seed in 0usize..3,
        changes in proptest::collection::vec(retype(), 1..4),
    ) {
        let mut doc = seeds()[seed].1.clone();
        for change in &changes {
            apply_retype(&mut doc, change);
        }
        let bytes = serde_json::to_vec(&doc).expect("a JSON value encodes");
        decode_all(&bytes)?;
    }
}

#[test]
fn the_seeds_decode_as_their_types() {
    for (kind, seed) in seeds() {
        let bytes = serde_json::to_vec(&seed).expect("a seed encodes");
        match kind {
            Kind::Contact => drop(serde_json::from_slice::<Contact>(&bytes).expect("contact")),
            Kind::Tag => drop(serde_json::from_slice::<Tag>(&bytes).expect("tag")),
            Kind::Error => drop(serde_json::from_slice::<ErrorBody>(&bytes).expect("error")),
        }
    }
}

/// A body for the client property: a mutated seed, a retyped seed or arbitrary bytes. The
/// seed is most often `preferred`, the one the response would carry if it were well formed.
fn hostile_body(preferred: usize) -> impl Strategy<Value = Vec<u8>> {
    let seed = prop_oneof![3 => Just(preferred), 1 => 0usize..3];
    prop_oneof![
        (seed.clone(), proptest::collection::vec(edit(), 0..8)).prop_map(|(s, e)| {
            let bytes = serde_json::to_vec(&seeds()[s].1).expect("a seed encodes");
            apply(bytes, &e, &tokens())
        }),
        (seed, proptest::collection::vec(retype(), 1..4)).prop_map(|(s, c)| {
            let mut doc = seeds()[s].1.clone();
            for change in &c {
                apply_retype(&mut doc, change);
            }
            serde_json::to_vec(&doc).expect("a JSON value encodes")
        }),
        proptest::collection::vec(any::<u8>(), 0..1024),
    ]
}

/// Serves hostile bodies under a range of statuses and calls each operation: every call ends
/// in `Ok` (only for a 200 whose body decodes) or a typed error that matches the status, and
/// every error message is one bounded line.
#[test]
fn the_client_answers_hostile_bodies_with_a_value_or_a_typed_error() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let server = runtime.block_on(FaultServer::start(Vec::new()));
    let client = Client::builder()
        .token("tok_props")
        .base_url(server.url())
        .timeout(std::time::Duration::from_secs(5))
        // One attempt per case: retryable statuses must not multiply the run time.
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("the client builds");
    let statuses = prop_oneof![
        4 => Just(200u16),
        1 => Just(400u16),
        1 => Just(401u16),
        1 => Just(404u16),
        1 => Just(422u16),
        1 => Just(429u16),
        1 => Just(500u16),
        1 => Just(503u16),
    ];
    // Operations 0 and 1 return a contact, 2 a tag; an error status carries an error body.
    let strategy = (statuses, 0usize..3).prop_flat_map(|(status, operation)| {
        let preferred = match (status, operation) {
            (200, 2) => 1,
            (200, _) => 0,
            _ => 2,
        };
        (Just(status), Just(operation), hostile_body(preferred))
    });
    let mut runner = TestRunner::new(config());
    let result = runner.run(&strategy, |(status, operation, body)| {
        server.set_faults(vec![Fault::json(status, body.clone())]);
        let update = intercom_client::types::UpdateContactRequest::default();
        // `decodes` is what serde_json alone says of the body, for the operation's type.
        let (outcome, decodes) = runtime.block_on(async {
            match operation {
                0 => (
                    client.show_contact("1").await.map(drop),
                    serde_json::from_slice::<Contact>(&body).is_ok(),
                ),
                1 => (
                    client.update_contact("1", &update).await.map(drop),
                    serde_json::from_slice::<Contact>(&body).is_ok(),
                ),
                _ => (
                    client.detach_tag_from_contact("1", "2").await.map(drop),
                    serde_json::from_slice::<Tag>(&body).is_ok(),
                ),
            }
        });
        match outcome {
            Ok(()) => prop_assert!(status == 200 && decodes, "Ok for status {status}"),
            Err(e) => {
                let line = e.to_string();
                prop_assert!(!line.contains('\n'), "not one line: {line:?}");
                match &e {
                    Error::Decode(d) => {
                        prop_assert_eq!(d.status.as_u16(), 200);
                        prop_assert_eq!(status, 200);
                        prop_assert!(!decodes);
                        prop_assert!(d.excerpt().chars().count() <= 201);
                        prop_assert_eq!(&d.body[..], &body[..]);
                    }
                    Error::Api(api) => {
                        prop_assert_eq!(api.status.as_u16(), status);
                        prop_assert!(status != 200);
                        if let Some(x) = &api.excerpt {
                            prop_assert!(x.chars().count() <= 201);
                        }
                    }
                    other => prop_assert!(false, "unexpected error kind: {other:?}"),
                }
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    assert_eq!(server.requests(), CASES as usize);
}
