//! Decoding a contact from JSON bytes: the generated `intercom_client::types::Contact` against the
//! hand-written serde struct of `intercom_benches::hand` and against `serde_json::Value`, for the
//! spec's example contact and for a large one (10 tags, 100 custom attributes).
//!
//! Criterion measures; afterwards the medians of this run are copied from criterion's
//! `estimates.json` files into `target/bench/decode.json` for `cargo xtask bench`.

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
    for (name, bytes) in &inputs {
        let mut group = c.benchmark_group(format!("decode_{name}"));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(VARIANTS[0], |b| {
            b.iter(|| {
                serde_json::from_slice::<intercom_client::types::Contact>(black_box(bytes))
                    .expect("generated type decodes")
            })
        });
        group.bench_function(VARIANTS[1], |b| {
            b.iter(|| {
                serde_json::from_slice::<hand::Contact>(black_box(bytes))
                    .expect("hand-written type decodes")
            })
        });
        group.bench_function(VARIANTS[2], |b| {
            b.iter(|| serde_json::from_slice::<Value>(black_box(bytes)).expect("Value decodes"))
        });
        group.finish();
    }
    c.final_summary();

    let mut figures = serde_json::Map::new();
    for (name, bytes) in &inputs {
        figures.insert(format!("decode_{name}_bytes"), json!(bytes.len()));
        let medians: Vec<Option<f64>> = VARIANTS
            .iter()
            .map(|variant| criterion_median_ns(&format!("decode_{name}"), variant, started))
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
