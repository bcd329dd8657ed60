//! Enum values that would give one variant name (`open`, `Open`): respelled in the document the
//! type engine reads, so that it makes distinct variants, and their wire values put back on the
//! generated variants as `#[serde(rename)]`.

use std::collections::BTreeMap;

use serde_json::Value;
use syn::{Item, parse_quote};

use crate::base::naming::colliding_variants;
use crate::base::pointer::schema_pointers;
use crate::base::syn_util::variant_json_name;

/// An enum whose values were respelled for the type generator: the values it saw, and the
/// value on the wire of each respelled one.
pub(crate) struct EnumFix {
    seen: Vec<String>,
    wire: BTreeMap<String, String>,
}

/// The document the type generator sees: each colliding enum value replaced by its variant
/// name (which the type generator then uses as is), so that every variant name is distinct;
/// and what to put back in the generated enums.
pub(crate) fn for_type_generator(doc: &Value) -> (Value, Vec<EnumFix>) {
    let mut out = doc.clone();
    let mut fixes = Vec::new();
    for at in schema_pointers(doc) {
        let Some(node) = out.pointer_mut(&at).and_then(Value::as_object_mut) else {
            continue;
        };
        let Some(values) = node.get("enum").and_then(Value::as_array) else {
            continue;
        };
        let renamed = colliding_variants(values);
        if renamed.is_empty() {
            continue;
        }
        let mut values = values.clone();
        let mut wire = BTreeMap::new();
        for r in &renamed {
            values[r.index] = Value::String(r.ident.clone());
            wire.insert(r.ident.clone(), r.value.clone());
            if node.get("default").and_then(Value::as_str) == Some(r.value.as_str()) {
                node.insert("default".into(), Value::String(r.ident.clone()));
            }
        }
        let seen = values
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        node.insert("enum".into(), Value::Array(values));
        fixes.push(EnumFix { seen, wire });
    }
    (out, fixes)
}

/// Puts the wire values back on the variants of the generated enums that [`for_type_generator`]
/// respelled, as `#[serde(rename)]`; before any pass that reads the variants' JSON names.
pub(crate) fn restore_variants(items: &mut [Item], fixes: &[EnumFix]) {
    for item in items.iter_mut() {
        let Item::Enum(e) = item else { continue };
        let names: Vec<String> = e.variants.iter().map(variant_json_name).collect();
        let Some(fix) = fixes.iter().find(|f| f.seen == names) else {
            continue;
        };
        for v in e.variants.iter_mut() {
            let Some(wire) = fix.wire.get(&variant_json_name(v)) else {
                continue;
            };
            v.attrs.retain(|a| !a.path().is_ident("serde"));
            v.attrs.push(parse_quote!(#[serde(rename = #wire)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_type_generator_sees_distinct_values_and_the_wire_values_come_back() {
        let doc = json!({"components": {"schemas": {"state": {
            "type": "string", "enum": ["open", "Open"], "default": "Open"
        }}}});
        let (seen, fixes) = for_type_generator(&doc);
        assert_eq!(
            seen.pointer("/components/schemas/state"),
            Some(&json!({"type": "string", "enum": ["open", "Open2"], "default": "Open2"}))
        );
        let mut items: Vec<Item> = vec![parse_quote! {
            pub enum State {
                #[serde(rename = "open")]
                Open,
                /// Documented.
                #[serde(rename = "Open2")]
                Open2,
            }
        }];
        restore_variants(&mut items, &fixes);
        let Item::Enum(e) = &items[0] else { panic!() };
        let wire: Vec<String> = e.variants.iter().map(variant_json_name).collect();
        assert_eq!(wire, ["open", "Open"]);
        // The respelled variant keeps its documentation and has one `serde` attribute.
        let attrs = &e.variants[1].attrs;
        assert!(attrs[0].path().is_ident("doc"));
        assert_eq!(
            attrs.iter().filter(|a| a.path().is_ident("serde")).count(),
            1
        );
    }
}
