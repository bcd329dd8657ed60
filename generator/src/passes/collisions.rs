//! Names that would collide once turned into Rust, each told apart deterministically with a
//! located warning: component schemas alike in PascalCase, and inline schemas named like a
//! component (or like another inline schema) by the type generator's parent-and-property rule.
//! Enum values that give one variant name are respelled for the type engine in
//! `types::enum_variants`; fields and methods alike in snake_case are told apart where they are
//! named (`schemas::fix_schemas` with the types pass, and the model's operations).
//!
//! One file at over 500 lines: the passes here share one reckoning of the names the type engine
//! will give (`claims`), and a fifth of the file is the tests of that reckoning.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use serde_json::Value;

use crate::base::naming::{self, Case};
use crate::base::pointer::{self, escape_token, join};
use crate::load::context::{Ctx, R};
use crate::passes::operation_list::is_json;

/// Component schemas whose names give the same Rust type name (`contact_tags`, `ContactTags`)
/// would become one type twice; later ones are renamed with a numeric suffix and every `$ref`
/// to them follows.
pub(crate) fn rename_colliding_components(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<()> {
    let Some(names) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect::<Vec<_>>())
    else {
        return Ok(());
    };
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut renames = Vec::new();
    for name in &names {
        let rust = naming::pascal(name);
        if taken.insert(rust.clone()) {
            continue;
        }
        let mut n = 2;
        while taken.contains(&format!("{rust}{n}")) || names.contains(&format!("{name}_{n}")) {
            n += 1;
        }
        taken.insert(format!("{rust}{n}"));
        renames.push((name.clone(), format!("{name}_{n}")));
    }
    for (old, new) in &renames {
        let at = format!("/components/schemas/{}", escape_token(old));
        ctx.warn(
            &at,
            format!("schema name `{old}` gives the same Rust type name as another schema; generated as `{}`", naming::pascal(new)),
        )?;
    }
    rename_components_in(doc, &renames);
    Ok(())
}

/// Renames component schemas, in order, and every `$ref` to them, in one walk over the
/// document. A later pair may rename what an earlier one named: references follow the chain.
fn rename_components_in(doc: &mut Value, renames: &[(String, String)]) {
    if renames.is_empty() {
        return;
    }
    let reference = |name: &str| format!("#/components/schemas/{}", escape_token(name));
    // Each reference as written, to the name it ends up with.
    let mut retarget: BTreeMap<String, String> = BTreeMap::new();
    for (old, new) in renames {
        if let Some(schemas) = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            && let Some(schema) = schemas.remove(old)
        {
            schemas.insert(new.clone(), schema);
        }
        let (from, to) = (reference(old), reference(new));
        for target in retarget.values_mut() {
            if *target == from {
                target.clone_from(&to);
            }
        }
        retarget.entry(from).or_insert(to);
    }
    pointer::walk_mut(doc, &mut |_, v| {
        if let Some(r) = v.get_mut("$ref")
            && let Some(to) = r.as_str().and_then(|from| retarget.get(from))
        {
            *r = Value::String(to.clone());
        }
        pointer::Walk::Descend
    });
}

/// Renames the components an earlier attempt found with their type name taken by an inline
/// schema (`ctx.renames`), each with a located warning.
pub(crate) fn rename_components(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<()> {
    let renames = ctx.renames.clone();
    rename_for_inline_schemas(ctx, doc, &renames)
}

/// Renames components whose type names inline schemas take, each with a located warning.
fn rename_for_inline_schemas(
    ctx: &mut Ctx<'_>,
    doc: &mut Value,
    renames: &[(String, String)],
) -> R<()> {
    for (old, new) in renames {
        ctx.warn(
            &format!("/components/schemas/{}", escape_token(old)),
            format!(
                "an inline schema is generated with the type name of schema `{old}`; the schema is generated as `{}`",
                naming::pascal(new)
            ),
        )?;
    }
    rename_components_in(doc, renames);
    Ok(())
}

/// The error for two types generated with the name `name`, located at the schema of one.
pub(crate) fn type_name_taken_twice(name: &str) -> String {
    format!(
        "two types are generated with the name `{name}`; rename the schema here or the inline schema named after its parent and property"
    )
}

/// Renames each component of `collided`: `{old}_schema`, with a numeric suffix if that is
/// taken by a component or an earlier rename; each (old, new) pair is added to `renames`.
pub(crate) fn rename_collided(
    ctx: &Ctx<'_>,
    collided: &[String],
    renames: &mut Vec<(String, String)>,
) {
    let components: BTreeSet<String> = ctx
        .src
        .parse()
        .ok()
        .and_then(|doc| {
            doc.pointer("/components/schemas")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
        })
        .unwrap_or_default();
    for old in collided {
        let new = free_name(old, &|name: &str| {
            components.contains(name) || renames.iter().any(|(_, n)| n == name)
        });
        renames.push((old.clone(), new));
    }
}

/// A schema that the type generator names: where it is, the name it would get, and whether it
/// is a component (whose name is the spec's own and wins over an inline schema's).
struct Claim {
    name: String,
    pointer: String,
    component: bool,
    /// What the name is made from, for the warning.
    after: &'static str,
}

/// Inline schemas that the type generator would name like a component or like another inline
/// schema (`ticket.type` as `TicketType` beside a component `ticket_type`) are given a `title`,
/// which the type generator takes as the name of an inline schema: the first free numeric
/// suffix (`TicketType2`). A component keeps its name; among inline schemas the first in
/// document order does. Runs after every pass that drops titles or enums.
pub(crate) fn name_inline_types(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<()> {
    let claims = claims(doc);
    let by_name = by_name(&claims);
    let mut taken: BTreeSet<String> = by_name.keys().map(|k| k.to_string()).collect();
    let mut titles = Vec::new();
    for (name, group) in &by_name {
        if group.len() < 2 {
            continue;
        }
        let keep = group.iter().position(|c| c.component).unwrap_or(0);
        for (i, c) in group.iter().enumerate() {
            if i == keep || c.component {
                continue;
            }
            let renamed = naming::unique(name, Case::Pascal, &mut taken);
            ctx.warn(
                &c.pointer,
                format!(
                    "this inline schema would be named `{name}` after {}, like the schema at #{}; generated as `{renamed}`",
                    c.after,
                    group[keep].pointer
                ),
            )?;
            titles.push((c.pointer.clone(), renamed));
        }
    }
    for (at, title) in titles {
        if let Some(node) = doc.pointer_mut(&at).and_then(Value::as_object_mut) {
            node.insert("title".into(), Value::String(title));
        }
    }
    Ok(())
}

/// Components whose type name a nullable `anyOf`, `oneOf` or `allOf` inside another schema
/// also gets are renamed before the type engine runs. A title cannot rename such a schema: the
/// type engine reads it as an `Option` of the union, takes the title off the union and names the
/// union after its parent and property. The component is renamed as a later round would rename
/// it (`{name}_schema`), but in the first round.
pub(crate) fn rename_components_named_by_nullable_unions(
    ctx: &mut Ctx<'_>,
    doc: &mut Value,
) -> R<()> {
    let claims = claims(doc);
    let mut renamed = Vec::new();
    for group in by_name(&claims).values() {
        let Some(component) = group.iter().find(|c| c.component) else {
            continue;
        };
        let untitled = group.iter().any(|c| {
            !c.component
                && doc
                    .pointer(&c.pointer)
                    .and_then(Value::as_object)
                    .is_some_and(takes_no_title)
        });
        if untitled && let Some(name) = component.pointer.strip_prefix("/components/schemas/") {
            renamed.push(pointer::unescape_token(name));
        }
    }
    let mut components: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    components.extend(ctx.renames.iter().map(|(_, new)| new.clone()));
    let mut renames = Vec::new();
    for old in renamed {
        let new = free_name(&old, &|n| components.contains(n));
        components.insert(new.clone());
        renames.push((old, new));
    }
    rename_for_inline_schemas(ctx, doc, &renames)
}

/// Whether the type engine drops a `title` on this schema: a nullable union without a `type`
/// becomes an `Option` of the union, and the union is named after where it is.
fn takes_no_title(node: &serde_json::Map<String, Value>) -> bool {
    node.get("nullable") == Some(&Value::Bool(true))
        && !node.contains_key("type")
        && ["oneOf", "anyOf", "allOf"]
            .iter()
            .any(|k| node.get(*k).is_some_and(Value::is_array))
}

/// `{old}_schema`, or with the first numeric suffix for which `taken` is false.
fn free_name(old: &str, taken: &dyn Fn(&str) -> bool) -> String {
    let mut name = format!("{old}_schema");
    let mut n = 2;
    while taken(&name) {
        name = format!("{old}_schema_{n}");
        n += 1;
    }
    name
}

/// Every name the type generator would give a schema of `doc`: components under their own
/// names, the inline schemas inside them, and each operation's inline bodies, responses and
/// parameters.
///
/// Inline members of an `allOf` are merged into their parent, so two members that declare one
/// property give one type: claims whose pointers differ only in the member index are one claim.
fn claims(doc: &Value) -> Vec<Claim> {
    let mut seen = BTreeSet::new();
    claims_with(doc, true)
        .into_iter()
        .filter(|c| seen.insert((c.name.clone(), merged_place(&c.pointer))))
        .collect()
}

/// `pointer` with the index of every `allOf` member left out (`…/allOf/1/properties/a` →
/// `…/allOf/properties/a`).
fn merged_place(pointer: &str) -> String {
    let mut out = Vec::new();
    let mut tokens = pointer.split('/');
    while let Some(token) = tokens.next() {
        out.push(token);
        if token == "allOf" {
            tokens.next();
        }
    }
    out.join("/")
}

/// The claims; with `through_all_of`, also those inside the inline members of an `allOf`, which
/// the type generator merges into their parent and so names after it.
fn claims_with(doc: &Value, through_all_of: bool) -> Vec<Claim> {
    let walk = Walk { through_all_of };
    let mut claims = Vec::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for name in schemas.keys() {
            let at = format!("/components/schemas/{}", escape_token(name));
            claims.push(Claim {
                name: naming::pascal(name),
                pointer: at.clone(),
                component: true,
                after: "",
            });
            // No component is nullable here (`nullable_at_use_sites` moved it to the places
            // that use it), so the parts inside are named after the component itself.
            walk.inline_claims(doc, name, &at, &mut claims);
        }
    }
    for (raw, at, after) in operation_roots(doc) {
        walk.claim(doc, &raw, &at, after, &mut claims);
    }
    claims
}

/// How far the claims reach into a schema.
#[derive(Clone, Copy)]
struct Walk {
    through_all_of: bool,
}

/// The name the type generator gives each inline schema that it makes a type of, by pointer
/// (`/paths/~1v2~1apps/post/requestBody/content/application~1json/schema/properties/spec` →
/// `AppsCreateBodySpec`), as far as it can be told before the type generator runs: inside
/// operations with an operationId and inside components, through properties, list items and
/// map values.
pub(crate) fn inline_type_names(doc: &Value) -> BTreeMap<String, String> {
    claims_with(doc, true)
        .into_iter()
        .filter(|c| !c.component)
        .map(|c| (c.pointer, c.name))
        .collect()
}

/// The claims by the name they claim.
fn by_name(claims: &[Claim]) -> BTreeMap<&str, Vec<&Claim>> {
    let mut by_name: BTreeMap<&str, Vec<&Claim>> = BTreeMap::new();
    for c in claims {
        by_name.entry(&c.name).or_default().push(c);
    }
    by_name
}

/// The inline request and success response schemas and parameter schemas of each operation,
/// with the name the generator starts from (`{operationId}-body`, `{operationId}-response`,
/// `{operationId}-{parameter}`) and what that name is made from.
fn operation_roots(doc: &Value) -> Vec<(String, String, &'static str)> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let at = format!("/paths/{}/{}", escape_token(path), escape_token(method));
            if let Some(s) = json_schema(op.get("requestBody"), &format!("{at}/requestBody")) {
                out.push((format!("{id}-body"), s, "its operation"));
            }
            let success = op
                .get("responses")
                .and_then(Value::as_object)
                .and_then(|r| r.iter().find(|(status, _)| status.starts_with('2')));
            if let Some((status, r)) = success
                && let Some(s) = json_schema(Some(r), &join(&format!("{at}/responses"), status))
            {
                out.push((format!("{id}-response"), s, "its operation"));
            }
            // Parameters of the path item are left out: one schema there is named once per
            // operation, so no one title fits it.
            let params = op.get("parameters").and_then(Value::as_array);
            for (i, p) in params.into_iter().flatten().enumerate() {
                if let (Some(name), Some(_)) =
                    (p.get("name").and_then(Value::as_str), p.get("schema"))
                {
                    out.push((
                        format!("{id}-{name}"),
                        format!("{at}/parameters/{i}/schema"),
                        "its operation and parameter",
                    ));
                }
            }
        }
    }
    out
}

/// The pointer of the JSON schema of an inline body or response at `at`.
fn json_schema(holder: Option<&Value>, at: &str) -> Option<String> {
    let content = holder?.get("content")?.as_object()?;
    let (media, body) = content.iter().find(|(m, _)| is_json(m))?;
    body.get("schema")?;
    Some(join(&format!("{at}/content"), media) + "/schema")
}

/// Whether the type generator makes a named type of this (inline) schema. A nullable
/// reference written `{allOf: [{$ref}], nullable: true}` is an `Option` of the referenced type,
/// not a type of its own.
fn is_named_type(node: &serde_json::Map<String, Value>) -> bool {
    let nullable_reference = node
        .get("allOf")
        .and_then(Value::as_array)
        .is_some_and(|all| all.len() == 1 && all[0].get("$ref").is_some())
        && !["properties", "oneOf", "anyOf", "enum"]
            .iter()
            .any(|k| node.contains_key(*k));
    if nullable_reference {
        return false;
    }
    node.get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
        || node
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|e| e.iter().any(Value::is_string))
        || ["oneOf", "anyOf", "allOf"]
            .iter()
            .any(|k| node.get(*k).is_some_and(Value::is_array))
}

impl Walk {
    /// The inline schemas under the schema at `at`, named as the type generator names them: a
    /// property `{parent}_{property}`, array items `{parent}Item`, map values `{parent}Value`.
    fn inline_claims(self, doc: &Value, raw: &str, at: &str, out: &mut Vec<Claim>) {
        let Some(node) = doc.pointer(at).and_then(Value::as_object) else {
            return;
        };
        if node.contains_key("$ref") {
            return;
        }
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            for prop in props.keys() {
                let child_raw = format!("{raw}_{}", prop.to_snake_case());
                let child = join(&format!("{at}/properties"), prop);
                self.claim(doc, &child_raw, &child, "its parent and property", out);
            }
        }
        for (key, suffix, after) in [
            ("items", "Item", "the list it is the items of"),
            (
                "additionalProperties",
                "Value",
                "the map it is the values of",
            ),
        ] {
            if node.get(key).is_some_and(Value::is_object) {
                self.claim(
                    doc,
                    &format!("{raw}{suffix}"),
                    &format!("{at}/{key}"),
                    after,
                    out,
                );
            }
        }
        if self.through_all_of
            && let Some(members) = node.get("allOf").and_then(Value::as_array)
        {
            for i in 0..members.len() {
                self.inline_claims(doc, raw, &format!("{at}/allOf/{i}"), out);
            }
        }
    }

    /// Claims the name `raw` gives the inline schema at `at`, if it is a named type, and the
    /// names of the inline schemas inside it.
    fn claim(self, doc: &Value, raw: &str, at: &str, after: &'static str, out: &mut Vec<Claim>) {
        let Some(node) = doc.pointer(at).and_then(Value::as_object) else {
            return;
        };
        if node.contains_key("$ref") {
            return;
        }
        if is_named_type(node) {
            out.push(Claim {
                name: naming::pascal(raw),
                pointer: at.to_string(),
                component: false,
                after,
            });
        }
        self.inline_claims(doc, raw, at, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_nullable_reference_named_like_its_target_claims_no_name() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {
            "conversation": {"required": ["teammates"], "properties": {"teammates": {
                "allOf": [{"$ref": "#/components/schemas/conversation_teammates"}],
                "nullable": true, "description": "d"
            }}},
            "conversation_teammates": {"properties": {"admins": {"type": "array"}}}
        }}});
        let src = crate::load::SpecSource::new("x.yaml", "openapi: 3.0.3\n");
        let mut ctx = Ctx::new(&src, false);
        name_inline_types(&mut ctx, &mut doc).expect("no error");
        assert!(ctx.warnings.is_empty(), "{:?}", ctx.warnings);
        assert!(
            doc.pointer("/components/schemas/conversation/properties/teammates/title")
                .is_none()
        );
    }

    #[test]
    fn a_component_named_like_a_nullable_union_is_renamed_in_the_first_round() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {
            "subscription": {"properties": {"schedule": {
                "anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/subscription_schedule"}],
                "nullable": true
            }}},
            "subscription_schedule": {"properties": {"id": {"type": "string"}}},
            "subscription_schedule_schema": {"type": "string"}
        }}});
        let src = crate::load::SpecSource::new("x.yaml", "openapi: 3.0.3\n");
        let mut ctx = Ctx::new(&src, false);
        rename_components_named_by_nullable_unions(&mut ctx, &mut doc).expect("no error");
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert!(!schemas.contains_key("subscription_schedule"));
        assert!(schemas.contains_key("subscription_schedule_schema_2"));
        assert_eq!(
            doc.pointer("/components/schemas/subscription/properties/schedule/anyOf/1/$ref"),
            Some(&json!(
                "#/components/schemas/subscription_schedule_schema_2"
            ))
        );
        assert_eq!(ctx.warnings.len(), 1);
        // The same union without `nullable` takes a title instead, and nothing is renamed.
        let mut doc = json!({"paths": {}, "components": {"schemas": {
            "subscription": {"properties": {"schedule": {
                "anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/subscription_schedule"}]
            }}},
            "subscription_schedule": {"properties": {"id": {"type": "string"}}}
        }}});
        let mut ctx = Ctx::new(&src, false);
        rename_components_named_by_nullable_unions(&mut ctx, &mut doc).expect("no error");
        assert!(
            doc.pointer("/components/schemas/subscription_schedule")
                .is_some()
        );
        assert!(ctx.warnings.is_empty());
    }

    #[test]
    fn an_inline_schema_named_like_a_component_gets_a_title() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {
            "ticket": {"properties": {"type": {"type": "string", "enum": ["ticket"]}}},
            "ticket_type": {"properties": {"name": {"type": "string"}}}
        }}});
        let src = crate::load::SpecSource::new("x.yaml", "openapi: 3.0.3\n");
        let mut ctx = Ctx::new(&src, false);
        name_inline_types(&mut ctx, &mut doc).expect("no error");
        assert_eq!(
            doc.pointer("/components/schemas/ticket/properties/type/title"),
            Some(&json!("TicketType2"))
        );
        assert_eq!(doc.pointer("/components/schemas/ticket_type/title"), None);
        assert_eq!(ctx.warnings.len(), 1);
    }

    #[test]
    fn a_component_renamed_for_a_collision_skips_taken_suffixes() {
        let src = crate::load::SpecSource::new("x.yaml", "openapi: 3.0.3\n");
        let schemas = |names: &[&str]| {
            let map: serde_json::Map<String, Value> =
                names.iter().map(|n| (n.to_string(), json!({}))).collect();
            json!({"components": {"schemas": map}})
        };
        let renamed = |mut doc: Value| {
            let mut ctx = Ctx::new(&src, false);
            rename_colliding_components(&mut ctx, &mut doc).expect("no error");
            let names: Vec<String> = doc["components"]["schemas"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            (names, ctx.warnings.len())
        };
        // `ContactTags2` is a type name already, so `contact_tags` becomes `ContactTags3`.
        let (names, warnings) = renamed(schemas(&["ContactTags", "ContactTags2", "contact_tags"]));
        assert_eq!(names, ["ContactTags", "ContactTags2", "contact_tags_3"]);
        assert_eq!(warnings, 1);
        // `contact_tags_2` is a component name already, though its type comes later.
        let (names, _) = renamed(schemas(&["ContactTags", "contact_tags", "contact_tags_2"]));
        assert_eq!(names, ["ContactTags", "contact_tags_2", "contact_tags_3"]);
    }

    #[test]
    fn one_property_in_two_all_of_members_is_one_claim() {
        let options = json!({"type": "array", "items": {"type": "object", "properties": {
            "key": {"type": "string"}
        }}});
        let doc = json!({"components": {"schemas": {"template": {"allOf": [
            {"type": "object", "properties": {"options": options}},
            {"type": "object", "properties": {"options": options}}
        ]}}}});
        let names: Vec<String> = claims(&doc).into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["Template", "TemplateOptionsItem"]);
        assert_eq!(
            merged_place("/components/schemas/t/allOf/1/properties/a/allOf/0"),
            "/components/schemas/t/allOf/properties/a/allOf"
        );
    }

    #[test]
    fn renamed_components_take_their_references_along_a_chain_of_renames() {
        let mut doc = json!({"components": {"schemas": {
            "a": {"properties": {"b": {"$ref": "#/components/schemas/b"}}},
            "b": {"properties": {"a": {"$ref": "#/components/schemas/a"}}}
        }}});
        let renames = [
            ("a", "a_schema"),
            ("a_schema", "a_schema_2"),
            ("b", "b_schema"),
        ]
        .map(|(o, n)| (o.to_string(), n.to_string()));
        rename_components_in(&mut doc, &renames);
        let names: Vec<&String> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(names.len(), 2);
        assert!(
            names.contains(&&"a_schema_2".to_string()) && names.contains(&&"b_schema".to_string())
        );
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["a_schema_2"]["properties"]["b"]["$ref"],
            "#/components/schemas/b_schema"
        );
        assert_eq!(
            schemas["b_schema"]["properties"]["a"]["$ref"],
            "#/components/schemas/a_schema_2"
        );
    }

    #[test]
    fn collided_components_get_names_free_of_components_and_earlier_renames() {
        let src = crate::load::SpecSource::new(
            "x.json",
            r#"{"components": {"schemas": {"ticket": {}, "ticket_schema": {}}}}"#,
        );
        let ctx = Ctx::new(&src, false);
        let mut renames = vec![("other".to_string(), "ticket_schema_2".to_string())];
        let collided = ["ticket", "note", "note_schema"].map(String::from);
        rename_collided(&ctx, &collided, &mut renames);
        let new: Vec<&str> = renames[1..].iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(
            new,
            ["ticket_schema_3", "note_schema", "note_schema_schema"]
        );
        let mut again = Vec::new();
        rename_collided(&ctx, &["ticket".to_string()], &mut again);
        assert_eq!(again[0].1, "ticket_schema_2");
    }

    #[test]
    fn three_schemas_claiming_one_name_leave_it_to_the_component() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {
            "TICKET": {"properties": {"type": {"type": "string", "enum": ["a"]}}},
            "ticket": {"properties": {"type": {"type": "string", "enum": ["b"]}}},
            "ticket_type": {"properties": {"name": {"type": "string"}}}
        }}});
        let src = crate::load::SpecSource::new("x.yaml", "openapi: 3.0.3\n");
        let mut ctx = Ctx::new(&src, false);
        name_inline_types(&mut ctx, &mut doc).expect("no error");
        let title = |at: &str| doc.pointer(at).and_then(Value::as_str).map(str::to_string);
        assert_eq!(
            title("/components/schemas/TICKET/properties/type/title").as_deref(),
            Some("TicketType2")
        );
        assert_eq!(
            title("/components/schemas/ticket/properties/type/title").as_deref(),
            Some("TicketType3")
        );
        assert_eq!(title("/components/schemas/ticket_type/title"), None);
        assert_eq!(ctx.warnings.len(), 2);
    }

    #[test]
    fn of_two_inline_schemas_named_alike_the_first_keeps_the_name() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {
            "a": {"properties": {"b_c": {"type": "string", "enum": ["x"]}}},
            "a_b": {"properties": {"c": {"type": "string", "enum": ["y"]}}}
        }}});
        let src = crate::load::SpecSource::new("x.yaml", "openapi: 3.0.3\n");
        let mut ctx = Ctx::new(&src, false);
        name_inline_types(&mut ctx, &mut doc).expect("no error");
        assert_eq!(
            doc.pointer("/components/schemas/a/properties/b_c/title"),
            None
        );
        assert_eq!(
            doc.pointer("/components/schemas/a_b/properties/c/title"),
            Some(&json!("ABC2"))
        );
    }
}
