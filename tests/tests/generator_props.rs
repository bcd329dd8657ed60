//! The generator never panics on bad input: the project's spec with random parts replaced or
//! removed, and arbitrary text, each give generated code or located diagnostics.

use intercom_generator::{Options, Severity, SpecSource, generate};
use intercom_tests::spec_text;
use proptest::prelude::*;
use serde_json::Value;

fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(child, p, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(child, p, out);
            }
        }
        _ => {}
    }
}

fn replacement(kind: u8) -> Option<Value> {
    match kind % 8 {
        0 => None,
        1 => Some(Value::Null),
        2 => Some(Value::from(7)),
        3 => Some(Value::from("=")),
        4 => Some(serde_json::json!({})),
        5 => Some(serde_json::json!([])),
        6 => Some(serde_json::json!({ "$ref": "#/components/schemas/nowhere" })),
        _ => Some(serde_json::json!({ "type": "array" })),
    }
}

fn remove_or_replace(doc: &mut Value, pointer: &str, with: Option<Value>) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    match (doc.pointer_mut(parent), with) {
        (Some(Value::Object(map)), None) => {
            map.remove(&last);
        }
        (Some(Value::Array(items)), None) => {
            if let Ok(i) = last.parse::<usize>()
                && i < items.len()
            {
                items.remove(i);
            }
        }
        (Some(_), Some(v)) => {
            if let Some(slot) = doc.pointer_mut(pointer) {
                *slot = v;
            }
        }
        _ => {}
    }
}

fn check(name: &str, text: String) {
    match generate(&SpecSource::new(name, text), &Options::default()) {
        Ok(out) => assert!(!out.source.is_empty()),
        Err(e) => {
            let error = e.error().expect("an error diagnostic");
            assert_eq!(error.severity, Severity::Error);
            assert_eq!(error.file, name);
            assert!(!error.message.is_empty());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_spec_never_panics(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)) {
        let mut doc: Value = serde_yaml_ng::from_str(&spec_text()).expect("the spec parses");
        for (index, kind) in edits {
            let mut all = Vec::new();
            pointers(&doc, String::new(), &mut all);
            if all.is_empty() {
                break;
            }
            let pointer = all[index.index(all.len())].clone();
            remove_or_replace(&mut doc, &pointer, replacement(kind));
        }
        let text = serde_json::to_string_pretty(&doc).expect("serialises");
        check("mutated.json", text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        check("noise.yaml", text);
    }
}
