//! Where the things the generated code is made of are declared in the spec, as JSON pointers:
//! the version header and its default, the servers, each operation's parameters, and the schema
//! each Rust type was made from (a component, or the inline schema of a property, response or
//! request body) with its properties and enum values. The API surface locates its items with
//! these.

use std::collections::{BTreeMap, VecDeque};

use serde_json::Value;

use crate::base::naming;
use crate::base::pointer::{escape_token, join, resolve};
use crate::model::operation::{Location, Operation};
use crate::passes::facts::ApiFacts;
use crate::passes::operation_list::is_json;

/// JSON pointers into the spec.
#[derive(Clone, Debug, Default)]
pub(crate) struct Locations {
    /// The version header parameter's declaration (a parameter given by `$ref` is located at its
    /// component).
    pub version_header: Option<String>,
    /// The version header's default (or example) value.
    pub version_default: Option<String>,
    /// Each server, with its region name (`x-region`, else `server1`, `server2`…).
    pub servers: Vec<(String, String)>,
    /// Each parameter's entry in its operation's (or path item's) list, by the operation's
    /// method name and the parameter's argument name.
    pub params: BTreeMap<(String, String), String>,
    /// The schemas the Rust types were made from, by type name.
    types: BTreeMap<String, TypeSite>,
}

/// The schema a type was made from.
#[derive(Clone, Debug, Default)]
struct TypeSite {
    /// Where its name was made.
    at: String,
    /// The schema, through one `$ref`.
    schema: String,
    /// Its properties by wire name: in the schema, else in the first of the schemas it
    /// combines that declares them.
    fields: BTreeMap<String, String>,
    /// Its `enum` entries, where they are strings.
    values: Vec<Option<String>>,
}

impl Locations {
    /// The locations in `raw` (the document as read and patched, before the spec passes, which
    /// drop the version header from parameter lists) and `doc` (the prepared one the types were
    /// made from).
    pub(crate) fn new(
        raw: &Value,
        doc: &Value,
        facts: &ApiFacts,
        operations: &[Operation],
    ) -> Self {
        let (version_header, version_default) = version_pointers(raw, facts);
        let servers = doc
            .get("servers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, server)| {
                let name = server
                    .get("x-region")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("server{}", i + 1));
                (name, format!("/servers/{i}"))
            })
            .collect();
        let mut params = BTreeMap::new();
        for op in operations {
            for p in &op.params {
                if let Some(at) = parameter_pointer(raw, op, &p.api_name, p.location) {
                    params.insert((op.ident.to_string(), p.ident.to_string()), at);
                }
            }
        }
        let types = type_names(doc, operations)
            .into_iter()
            .map(|(name, at)| {
                let site = TypeSite::new(doc, at);
                (name, site)
            })
            .collect();
        Self {
            version_header,
            version_default,
            servers,
            params,
            types,
        }
    }

    /// The schema type `name` was made from; for a name not made by the type generator's rules,
    /// the schema of the longest known name it starts with (its names for alternatives and
    /// nested parts extend their parent's).
    fn site(&self, name: &str) -> Option<&TypeSite> {
        if let Some(site) = self.types.get(name) {
            return Some(site);
        }
        // The longest known name that `name` extends by a capitalised word: tried from the
        // longest prefix down, each a map lookup.
        name.char_indices()
            .rev()
            .filter(|&(i, c)| i > 0 && c.is_ascii_uppercase())
            .find_map(|(i, _)| self.types.get(&name[..i]))
    }

    /// The schema the type `name` was made from.
    pub(crate) fn of_type(&self, name: &str) -> Option<&str> {
        self.site(name).map(|s| s.at.as_str())
    }

    /// The field `json` (its name on the wire) of `owner` (`Model` or `Enum::Variant`): its
    /// property, or the model's schema.
    pub(crate) fn of_field(&self, owner: &str, json: &str) -> Option<&str> {
        let model = owner.split("::").next().unwrap_or(owner);
        let site = self.site(model)?;
        Some(site.fields.get(json).unwrap_or(&site.schema))
    }

    /// The variant of `model` with the wire value `value`: its entry in the schema's `enum`
    /// list, or the schema.
    pub(crate) fn of_variant(&self, model: &str, value: Option<&str>) -> Option<String> {
        let site = self.site(model)?;
        let index = value.and_then(|v| site.values.iter().position(|s| s.as_deref() == Some(v)));
        Some(match index {
            Some(i) => format!("{}/enum/{i}", site.schema),
            None => site.schema.clone(),
        })
    }
}

impl TypeSite {
    fn new(doc: &Value, at: String) -> Self {
        let Some(schema) = schema_at(doc, &at) else {
            return Self {
                schema: at.clone(),
                at,
                ..Self::default()
            };
        };
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
        let mut fields = BTreeMap::new();
        for candidate in &candidates {
            let at = format!("{candidate}/properties");
            for name in doc
                .pointer(&at)
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|p| p.keys())
            {
                fields
                    .entry(name.clone())
                    .or_insert_with(|| join(&at, name));
            }
        }
        let values = doc
            .pointer(&format!("{schema}/enum"))
            .and_then(Value::as_array)
            .map(|values| {
                values
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            at,
            schema,
            fields,
            values,
        }
    }
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
fn parameter_pointer(
    raw: &Value,
    op: &Operation,
    name: &str,
    location: Location,
) -> Option<String> {
    let location = match location {
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
            if param.get("name").and_then(Value::as_str) == Some(name)
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
fn type_names(doc: &Value, operations: &[Operation]) -> BTreeMap<String, String> {
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
    known
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn inline_types_are_found_under_their_parents() {
        let doc = json!({"components": {"schemas": {
            "ticket": {"properties": {"state": {"enum": ["open"]}, "parts": {
                "type": "array", "items": {"properties": {"body": {"type": "string"}}}
            }}}
        }}});
        let locations = Locations::new(&doc, &doc, &ApiFacts::default(), &[]);
        assert_eq!(
            locations.of_type("Ticket"),
            Some("/components/schemas/ticket")
        );
        assert_eq!(
            locations.of_type("TicketState"),
            Some("/components/schemas/ticket/properties/state")
        );
        assert_eq!(
            locations.of_type("TicketPartsItem"),
            Some("/components/schemas/ticket/properties/parts/items")
        );
        assert_eq!(
            locations.of_type("TicketStateVariant0"),
            Some("/components/schemas/ticket/properties/state")
        );
        assert_eq!(locations.of_type("Tickets"), None);
        assert_eq!(
            locations.of_variant("TicketState", Some("open")).as_deref(),
            Some("/components/schemas/ticket/properties/state/enum/0")
        );
        assert_eq!(
            locations.of_field("TicketPartsItem", "body"),
            Some("/components/schemas/ticket/properties/parts/items/properties/body")
        );
    }
}
