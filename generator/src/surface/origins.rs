//! Where each item of the API surface comes from in the spec: operations and their parameters
//! at their JSON pointers, models at the schema their name was made from (a component, or the
//! inline schema of a property, response or request body), fields at their property, enum
//! values at their entry, regions at their server and the version constants at the version
//! header. The API change report shows these beside each change.

use std::collections::{BTreeMap, VecDeque};

use serde_json::Value;

use crate::base::naming;
use crate::base::pointer::{escape_token, join, resolve};
use crate::model::{Location, Operation};
use crate::passes::facts::ApiFacts;
use crate::passes::operation_list::is_json;
use crate::surface::{Item, Key, KeyKind, Origin, Surface, VariantKind};

/// Fills `surface.origins`, each located by `locate` (through the patches applied, if any).
/// `raw` is the document as read and patched (before the spec passes, which drop the version
/// header from parameter lists), `doc` the prepared one the types were made from.
pub(crate) fn attach(
    surface: &mut Surface,
    locate: &dyn Fn(&str) -> Origin,
    raw: &Value,
    doc: &Value,
    facts: &ApiFacts,
    operations: &[Operation],
) {
    let mut pointers: BTreeMap<Key, String> = BTreeMap::new();
    let (header, default) = version_pointers(raw, facts);
    pointers.insert(
        Key::constant("API_VERSION"),
        default.unwrap_or_else(|| "/info/version".into()),
    );
    pointers.insert(
        Key::constant("VERSION_HEADER"),
        header.unwrap_or_else(|| "/info".into()),
    );
    for (i, server) in doc
        .get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let name = server
            .get("x-region")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("server{}", i + 1));
        pointers
            .entry(Key::region(&naming::pascal(&name)))
            .or_insert_with(|| format!("/servers/{i}"));
    }
    for op in operations {
        let name = op.ident.to_string();
        pointers.insert(Key::operation(&name), op.pointer.clone());
        for p in &op.params {
            if let Some(at) = parameter_pointer(raw, op, p) {
                pointers.insert(Key::param(&name, &p.ident.to_string()), at);
            }
        }
        if op.body.is_some() {
            pointers.insert(
                Key::param(&name, "body"),
                format!("{}/requestBody", op.pointer),
            );
        }
    }
    let types = TypeNames::new(doc, operations);
    for (key, item) in &surface.items {
        let at = match (key.kind(), item) {
            (KeyKind::Model(name), _) => types.pointer(name).map(str::to_string),
            (KeyKind::Field(owner, field), Item::Field { json, .. }) => {
                let json = json
                    .as_deref()
                    .unwrap_or_else(|| field.trim_start_matches("r#"));
                field_pointer(doc, &types, owner, json)
            }
            (KeyKind::Variant(model, _), Item::Variant(kind)) => {
                let value = match kind {
                    VariantKind::Value(v) => Some(v.as_str()),
                    _ => None,
                };
                variant_pointer(doc, &types, model, value)
            }
            _ => None,
        };
        if let Some(at) = at {
            pointers.insert(key.clone(), at);
        }
    }
    surface.origins = pointers
        .into_iter()
        .map(|(key, pointer)| (key, locate(&pointer)))
        .collect();
}

/// The pointer of the version header parameter and of its default value, as the spec declares
/// them (a parameter given by `$ref` is located at its component).
fn version_pointers(raw: &Value, facts: &ApiFacts) -> (Option<String>, Option<String>) {
    let Some(header) = facts.version_header.as_deref() else {
        return (None, None);
    };
    let mut lists = Vec::new();
    for op in facts.operations.values() {
        if let Some((item, _)) = op.rsplit_once('/') {
            lists.push(format!("{item}/parameters"));
        }
        lists.push(format!("{op}/parameters"));
    }
    lists.sort();
    for list in lists {
        let Some(entries) = raw.pointer(&list).and_then(Value::as_array) else {
            continue;
        };
        for (i, entry) in entries.iter().enumerate() {
            let at = ref_target(entry).unwrap_or_else(|| format!("{list}/{i}"));
            let Some(param) = raw.pointer(&at) else {
                continue;
            };
            if param.get("in").and_then(Value::as_str) != Some("header")
                || param.get("name").and_then(Value::as_str) != Some(header)
            {
                continue;
            }
            let schema = param
                .get("schema")
                .and_then(ref_target)
                .unwrap_or_else(|| format!("{at}/schema"));
            let default = ["default", "example"]
                .iter()
                .map(|k| format!("{schema}/{k}"))
                .find(|p| raw.pointer(p).is_some());
            return (Some(at), default);
        }
    }
    (None, None)
}

/// The pointer a local `$ref` node points to.
fn ref_target(v: &Value) -> Option<String> {
    v.get("$ref")?
        .as_str()?
        .strip_prefix('#')
        .map(str::to_string)
}

/// The entry of a parameter in the operation's (or else its path item's) parameter list.
fn parameter_pointer(raw: &Value, op: &Operation, p: &crate::model::Param) -> Option<String> {
    let location = match p.location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
    };
    let item = op.pointer.rsplit_once('/').map(|(item, _)| item)?;
    for list in [
        format!("{}/parameters", op.pointer),
        format!("{item}/parameters"),
    ] {
        let Some(entries) = raw.pointer(&list).and_then(Value::as_array) else {
            continue;
        };
        for (i, entry) in entries.iter().enumerate() {
            let Some(param) = resolve(raw, entry) else {
                continue;
            };
            if param.get("name").and_then(Value::as_str) == Some(p.api_name.as_str())
                && param.get("in").and_then(Value::as_str) == Some(location)
            {
                return Some(format!("{list}/{i}"));
            }
        }
    }
    None
}

/// Rust type names and the schemas they were made from, named as the type generator names
/// them: a component after itself, an inline schema after its parent and its property, a
/// response or request body after its operation.
struct TypeNames {
    known: BTreeMap<String, String>,
}

impl TypeNames {
    fn new(doc: &Value, operations: &[Operation]) -> Self {
        let mut todo: VecDeque<(String, String)> = VecDeque::new();
        if let Some(schemas) = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for name in schemas.keys() {
                todo.push_back((
                    naming::pascal(name),
                    format!("/components/schemas/{}", escape_token(name)),
                ));
            }
        }
        for op in operations {
            let success = doc
                .pointer(&format!("{}/responses", op.pointer))
                .and_then(Value::as_object)
                .and_then(|r| r.keys().find(|s| s.starts_with('2')))
                .map(|status| join(&format!("{}/responses", op.pointer), status));
            if let Some(at) = success.and_then(|at| json_schema(doc, &at)) {
                todo.push_back((naming::pascal(&format!("{}_response", op.id)), at));
            }
            if let Some(at) = json_schema(doc, &format!("{}/requestBody", op.pointer)) {
                todo.push_back((naming::pascal(&format!("{}_body", op.id)), at));
            }
        }
        let mut known = BTreeMap::new();
        while let Some((name, at)) = todo.pop_front() {
            // A title the collision pass gave an inline schema is its type's name; the parts
            // inside it keep names made from the name it would have had.
            let own = doc
                .pointer(&at)
                .and_then(|n| n.get("title"))
                .and_then(Value::as_str)
                .filter(|_| !at.starts_with("/components/schemas/") || at.matches('/').count() > 3)
                .map_or_else(|| name.clone(), naming::pascal);
            if known.contains_key(&own) {
                continue;
            }
            known.insert(own, at.clone());
            // A nullable object is a newtype over an `Option` of this.
            known
                .entry(format!("{name}Inner"))
                .or_insert_with(|| at.clone());
            let Some(node) = doc.pointer(&at).filter(|n| n.get("$ref").is_none()) else {
                continue;
            };
            for (key, suffix) in [("items", "Item"), ("additionalProperties", "Value")] {
                if node
                    .get(key)
                    .is_some_and(|c| c.is_object() && c.get("$ref").is_none())
                {
                    todo.push_back((format!("{name}{suffix}"), format!("{at}/{key}")));
                }
            }
            for prop in node
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|p| p.keys())
            {
                todo.push_back((
                    format!("{name}{}", naming::pascal(prop)),
                    join(&format!("{at}/properties"), prop),
                ));
            }
        }
        Self { known }
    }

    /// The schema a type was made from; for a name not made by the rules above, the schema of
    /// the longest known name it starts with (the type generator's names for alternatives and
    /// nested parts extend their parent's).
    fn pointer(&self, name: &str) -> Option<&str> {
        if let Some(at) = self.known.get(name) {
            return Some(at);
        }
        self.known
            .iter()
            .filter(|(k, _)| {
                name.strip_prefix(k.as_str())
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
            })
            .max_by_key(|(k, _)| k.len())
            .map(|(_, at)| at.as_str())
    }
}

/// The JSON schema of the content under `at` (a response or request body, followed through
/// `$ref`).
fn json_schema(doc: &Value, at: &str) -> Option<String> {
    let holder = doc.pointer(at)?;
    let at = ref_target(holder).unwrap_or_else(|| at.to_string());
    let content = doc.pointer(&format!("{at}/content"))?.as_object()?;
    let media = content.keys().find(|m| is_json(m))?;
    let schema = join(&format!("{at}/content"), media) + "/schema";
    doc.pointer(&schema).map(|_| schema)
}

/// A schema followed through one `$ref`.
fn schema_at(doc: &Value, at: &str) -> Option<String> {
    let node = doc.pointer(at)?;
    Some(ref_target(node).unwrap_or_else(|| at.to_string()))
}

/// The field `json` (its name on the wire) of `owner` (`Model` or `Enum::Variant`): the
/// property in the model's schema, in one of the schemas it combines, or the schema itself.
fn field_pointer(doc: &Value, types: &TypeNames, owner: &str, json: &str) -> Option<String> {
    let model = owner.split("::").next().unwrap_or(owner);
    let schema = schema_at(doc, types.pointer(model)?)?;
    let mut candidates = vec![schema.clone()];
    for key in ["allOf", "oneOf", "anyOf"] {
        let n = doc
            .pointer(&format!("{schema}/{key}"))
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for i in 0..n {
            candidates.extend(schema_at(doc, &format!("{schema}/{key}/{i}")));
        }
    }
    let found = candidates.into_iter().find_map(|at| {
        let p = join(&format!("{at}/properties"), json);
        doc.pointer(&p).map(|_| p)
    });
    Some(found.unwrap_or(schema))
}

/// A variant of `model` with the wire value `value`: its entry in the schema's `enum` list, or
/// the schema.
fn variant_pointer(
    doc: &Value,
    types: &TypeNames,
    model: &str,
    value: Option<&str>,
) -> Option<String> {
    let schema = schema_at(doc, types.pointer(model)?)?;
    let index = doc
        .pointer(&format!("{schema}/enum"))
        .and_then(Value::as_array)
        .and_then(|values| {
            values
                .iter()
                .position(|v| value.is_some() && v.as_str() == value)
        });
    Some(match index {
        Some(i) => format!("{schema}/enum/{i}"),
        None => schema,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inline_types_are_found_under_their_parents() {
        let doc = json!({"components": {"schemas": {
            "ticket": {"properties": {"state": {"enum": ["open"]}, "parts": {
                "type": "array", "items": {"properties": {"body": {"type": "string"}}}
            }}}
        }}});
        let types = TypeNames::new(&doc, &[]);
        assert_eq!(types.pointer("Ticket"), Some("/components/schemas/ticket"));
        assert_eq!(
            types.pointer("TicketState"),
            Some("/components/schemas/ticket/properties/state")
        );
        assert_eq!(
            types.pointer("TicketPartsItem"),
            Some("/components/schemas/ticket/properties/parts/items")
        );
        assert_eq!(
            types.pointer("TicketStateVariant0"),
            Some("/components/schemas/ticket/properties/state")
        );
        assert_eq!(types.pointer("Tickets"), None);
        assert_eq!(
            variant_pointer(&doc, &types, "TicketState", Some("open")).as_deref(),
            Some("/components/schemas/ticket/properties/state/enum/0")
        );
        assert_eq!(
            field_pointer(&doc, &types, "TicketPartsItem", "body").as_deref(),
            Some("/components/schemas/ticket/properties/parts/items/properties/body")
        );
    }
}
