//! The generator never panics on bad input: the project's spec with random parts replaced or
//! removed, and arbitrary text, each give generated code that parses as Rust with a method per
//! operation, or an error located in the input (file, JSON pointer, line and column).

use intercom_generator::{Options, Severity, SpecSource, generate};
use intercom_tests::{spec_document, spec_document_for};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
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

/// The node a JSON pointer names in `doc`, or for a member the document lacks (an error may
/// name what is missing), its parent.
fn resolves(doc: &Value, pointer: &str) -> bool {
    doc.pointer(pointer).is_some()
        || pointer
            .rsplit_once('/')
            .is_some_and(|(parent, _)| doc.pointer(parent).is_some())
}

/// Generation gives either Rust that parses, with the client and a method per operation, or
/// one error located in the input: its file, a JSON pointer into the document and a line and
/// column inside the text.
fn check(name: &str, text: &str) -> Result<(), TestCaseError> {
    match generate(&SpecSource::new(name, text), &Options::default()) {
        Ok(out) => {
            let file = syn::parse_file(&out.source)
                .map_err(|e| TestCaseError::fail(format!("the output does not parse: {e}")))?;
            let structs: Vec<String> = file
                .items
                .iter()
                .filter_map(|item| match item {
                    syn::Item::Struct(s) => Some(s.ident.to_string()),
                    _ => None,
                })
                .collect();
            prop_assert!(structs.contains(&"Client".to_string()), "{structs:?}");
            let methods: Vec<String> = file
                .items
                .iter()
                .filter_map(|item| match item {
                    syn::Item::Impl(i) if i.trait_.is_none() => Some(i),
                    _ => None,
                })
                .flat_map(|i| &i.items)
                .filter_map(|item| match item {
                    syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                    _ => None,
                })
                .collect();
            for op in &out.operations {
                prop_assert!(
                    methods.contains(&op.ident.to_string()),
                    "no method {} for {}",
                    op.ident,
                    op.id
                );
            }
            prop_assert!(out.warnings.iter().all(|w| w.severity == Severity::Warning));
        }
        Err(e) => {
            let error = e.error().expect("an error diagnostic");
            prop_assert_eq!(error.severity, Severity::Error);
            prop_assert_eq!(&error.file, name);
            prop_assert!(!error.message.is_empty());
            prop_assert!(
                error.pointer.is_empty() || error.pointer.starts_with('/'),
                "{error}"
            );
            if let Ok(doc) = serde_yaml_ng::from_str::<Value>(text) {
                prop_assert!(resolves(&doc, &error.pointer), "{error}");
            }
            let position = error
                .position
                .ok_or_else(|| TestCaseError::fail(format!("no line and column: {error}")))?;
            let lines: Vec<&str> = text.split('\n').collect();
            prop_assert!(
                position.line >= 1 && position.line <= lines.len(),
                "{error}: line out of the input's {} lines",
                lines.len()
            );
            let width = lines[position.line - 1].chars().count();
            prop_assert!(
                position.column >= 1 && position.column <= width + 1,
                "{error}: column beyond the line's {width} characters"
            );
        }
    }
    Ok(())
}

/// The property's success branch on the spec as it is: Rust that parses, with every method.
#[test]
fn the_spec_itself_generates_rust_with_every_method() {
    let text = serde_json::to_string_pretty(&spec_document()).expect("serialises");
    let out = generate(
        &SpecSource::new("spec.json", text.as_str()),
        &Options::default(),
    )
    .expect("the spec generates");
    assert_eq!(out.operations.len(), 108);
    check("spec.json", &text).expect("the output parses and has every method");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_spec_never_panics(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)) {
        // The contacts operations alone: generating the whole spec 256 times takes too long.
        let mut doc: Value = spec_document_for(&["Contacts"]);
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
        check("mutated.json", &text)?;
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        check("noise.yaml", &text)?;
    }
}
