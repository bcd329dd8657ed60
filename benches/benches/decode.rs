//! Decoding a contact from JSON bytes: the generated `intercom_client::types::Contact` against the
//! hand-written serde struct of `intercom_benches::hand` and against `serde_json::Value`, for the
//! spec's example contact and for a large one (10 tags, 100 custom attributes).
//!
//! Criterion measures; afterwards the medians of this run are copied from criterion's
//! `estimates.json` files into `target/bench/decode.json` for `cargo xtask bench`.
//!
//! `--profile VARIANT INPUT N` (`generated` or `hand_written`; `example` or `large`) decodes N
//! times and exits, for counting instructions under callgrind, which timing on a shared machine
//! cannot match for repeatability.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{Criterion, Throughput};
use intercom_benches::{
    criterion_median_ns, example_contact, hand, large_contact, load_average, ratio, round,
    write_result,
};
use serde_json::{Value, json};

/// The variants measured, as criterion function ids.
const VARIANTS: [&str; 3] = ["generated", "hand_written", "value"];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--profile") {
        profile(&args[at + 1..]);
        return;
    }
    let started = SystemTime::now();
    let load_start = load_average();
    let example = example_contact();
    let large = large_contact(&example);
    let inputs = [
        (
            "example",
            serde_json::to_vec(&example).expect("example serialises"),
        ),
        (
            "large",
            serde_json::to_vec(&large).expect("large contact serialises"),
        ),
    ];
    for (name, bytes) in &inputs {
        check_same_decoding(name, bytes);
    }

    // Short warm-up and measurement: each routine takes microseconds, so 3 s gives hundreds of
    // thousands of iterations, and the whole bench stays under half a minute.
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    // Each typed variant is measured twice, in the order A B B A (generated, hand-written,
    // hand-written, generated), and its figure is the mean of its two medians: a machine whose
    // speed drifts during the run then favours neither.
    for (name, bytes) in &inputs {
        let mut group = c.benchmark_group(format!("decode_{name}"));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        for pass in ["", "_b"] {
            let order = if pass.is_empty() {
                [VARIANTS[0], VARIANTS[1]]
            } else {
                [VARIANTS[1], VARIANTS[0]]
            };
            for variant in order {
                let decode = decoder(variant);
                group.bench_function(format!("{variant}{pass}"), |b| {
                    b.iter(|| decode(black_box(bytes)))
                });
            }
        }
        group.bench_function(VARIANTS[2], |b| {
            b.iter(|| serde_json::from_slice::<Value>(black_box(bytes)).expect("Value decodes"))
        });
        group.finish();
    }
    c.final_summary();

    let mut figures = serde_json::Map::new();
    for (name, bytes) in &inputs {
        figures.insert(format!("decode_{name}_bytes"), json!(bytes.len()));
        let group = format!("decode_{name}");
        let medians: Vec<Option<f64>> = VARIANTS
            .iter()
            .map(|variant| {
                let first = criterion_median_ns(&group, variant, started);
                if *variant == VARIANTS[2] {
                    return first;
                }
                let second = criterion_median_ns(&group, &format!("{variant}_b"), started);
                Some((first? + second?) / 2.0)
            })
            .collect();
        for (variant, median) in VARIANTS.iter().zip(&medians) {
            figures.insert(
                format!("decode_{name}_{variant}_us"),
                json!(median.map(|ns| round(ns / 1000.0, 3))),
            );
        }
        let suffix = if *name == "large" { "" } else { "_example" };
        if let [Some(generated), Some(hand_written), Some(value)] = medians[..] {
            figures.insert(
                format!("decode_ratio{suffix}"),
                json!(ratio(generated, hand_written)),
            );
            figures.insert(
                format!("decode_ratio_value{suffix}"),
                json!(ratio(generated, value)),
            );
        }
    }
    figures.insert("decode_load_start".into(), json!(load_start));
    figures.insert("decode_load_end".into(), json!(load_average()));
    write_result("decode", &Value::Object(figures));
}

/// Decodes one input N times with one variant, for a profiler.
fn profile(args: &[String]) {
    let [variant, input, n] = args else {
        panic!("usage: --profile generated|hand_written example|large N");
    };
    let n: usize = n.parse().expect("N is a number");
    let example = example_contact();
    let value = if input == "large" {
        large_contact(&example)
    } else {
        example
    };
    let bytes = serde_json::to_vec(&value).expect("contact serialises");
    let decode = decoder(variant);
    for _ in 0..n {
        decode(black_box(&bytes));
    }
}

/// The decoding of a typed variant (`generated` or `hand_written`), chosen once, so that both
/// are called the same way in the timed loop.
fn decoder(variant: &str) -> fn(&[u8]) {
    fn generated(bytes: &[u8]) {
        black_box(
            serde_json::from_slice::<intercom_client::types::Contact>(bytes)
                .expect("generated type decodes"),
        );
    }
    fn hand_written(bytes: &[u8]) {
        black_box(
            serde_json::from_slice::<hand::Contact>(bytes).expect("hand-written type decodes"),
        );
    }
    if variant == VARIANTS[0] {
        generated
    } else {
        hand_written
    }
}

/// Both typed decodings read the same values: a bench of types that disagree would compare
/// different work.
fn check_same_decoding(name: &str, bytes: &[u8]) {
    let generated: intercom_client::types::Contact =
        serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{name}: generated: {e}"));
    let hand: hand::Contact =
        serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{name}: hand-written: {e}"));
    assert_eq!(generated.id, hand.id);
    assert_eq!(generated.email, hand.email);
    assert_eq!(
        generated.custom_attributes.len(),
        hand.custom_attributes.len()
    );
    assert_eq!(
        generated.tags.map(|t| t.data.len()),
        hand.tags.map(|t| t.data.len())
    );
}
