//! The operation model as data for the `intercom` command: one entry per operation with its
//! subcommand name, its flags, its body's top-level scalar fields and its pagination, printed as
//! the Rust source of a static table that the CLI crate includes.
//!
//! The entry types are the CLI's own (`cli/src/table.rs`); this module writes values of them.
//! Subcommands are operationIds in kebab case, flags are parameter and field names in kebab case;
//! a name that the CLI already uses (its global flags) or that another flag of the same command
//! has is told apart with a prefix naming where the value goes.

use std::collections::BTreeSet;

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::parse_quote;

use crate::base::pointer::{resolve, unescape_token};
use crate::base::syn_util::is_option;
use crate::emit::print;
use crate::model::pagination::{PageAdvance, PageSlot, Pagination};
use crate::model::{BodyEncoding, HttpMethod, Location, Operation, Param, Segment, Success};
use crate::passes::facts::ApiFacts;

/// Flags and subcommands of the `intercom` command that the table's names must not take: its
/// global flags, the flags every operation may have, clap's own, and `verify-webhook`.
const RESERVED_FLAGS: &[&str] = &[
    "token",
    "region",
    "base-url",
    "intercom-version",
    "timeout",
    "max-retries",
    "verbose",
    "json-body",
    "raw-body",
    "all",
    "help",
    "version",
];
const RESERVED_COMMANDS: &[&str] = &["help", "verify-webhook"];

/// How deep schema references and single-member compositions are followed.
const MAX_DEPTH: usize = 8;

/// The Rust source of the CLI's operation table (`cli/src/operations.rs`) for the operations of
/// the prepared spec `doc`, deterministic, with `header` (the `@generated` line) first.
pub(crate) fn source(
    doc: &Value,
    facts: &ApiFacts,
    operations: &[Operation],
    header: &str,
) -> String {
    let mut commands = BTreeSet::new();
    for name in RESERVED_COMMANDS {
        commands.insert((*name).to_string());
    }
    // The command sends JSON, form, text and byte bodies; a multipart body, made of files and
    // fields, is left to the client library.
    let mut entries: Vec<(String, TokenStream)> = operations
        .iter()
        .filter(|op| {
            op.body
                .as_ref()
                .is_none_or(|b| b.encoding != BodyEncoding::Multipart)
        })
        .map(|op| {
            let command = unique(&kebab(&op.id, "operation"), "operation", &mut commands);
            let tokens = entry(doc, op, &command);
            (command, tokens)
        })
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let entries = entries.into_iter().map(|(_, tokens)| tokens);
    let items: Vec<syn::Item> = vec![
        parse_quote!(
            use crate::table::*;
        ),
        parse_quote! {
            /// Every operation of the spec, by subcommand name.
            pub static OPERATIONS: &[Operation] = &[#(#entries),*];
        },
    ];
    let mut file = print::file_of(items);
    print::normalize_docs(&mut file);
    format!(
        "{header}//! The operations of {} {} as data: the `intercom` command builds a subcommand from each.\n\n{}",
        facts.title,
        facts.api_version,
        print::print(&file)
    )
}

/// `name` in kebab case, or `fallback` when nothing of it is left.
fn kebab(name: &str, fallback: &str) -> String {
    let k = name.to_kebab_case();
    if k.is_empty() {
        fallback.to_string()
    } else {
        k
    }
}

/// The first of `base`, `prefix-base`, `prefix-base-2`… that is not taken; it is marked taken.
fn unique(base: &str, prefix: &str, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = base.to_string();
    let mut n = 1;
    while taken.contains(&candidate) {
        candidate = if n == 1 {
            format!("{prefix}-{base}")
        } else {
            format!("{prefix}-{base}-{n}")
        };
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

fn opt_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

/// One table entry.
fn entry(doc: &Value, op: &Operation, command: &str) -> TokenStream {
    let mut flags: BTreeSet<String> = RESERVED_FLAGS.iter().map(|f| f.to_string()).collect();
    let param_flags: Vec<String> = op
        .params
        .iter()
        .map(|p| {
            let prefix = match p.location {
                Location::Path => "path",
                Location::Query => "query",
                Location::Header => "header",
            };
            unique(&kebab(&p.api_name, "param"), prefix, &mut flags)
        })
        .collect();
    let params = op.params.iter().zip(&param_flags).map(|(p, flag)| {
        let name = &p.api_name;
        let location = match p.location {
            Location::Path => quote!(Location::Path),
            Location::Query => quote!(Location::Query),
            Location::Header => quote!(Location::Header),
        };
        let required = p.location == Location::Path || !is_option(&p.ty);
        let kind = kind_tokens(param_schema(doc, op, p).map_or(Kind::String, |s| kind(doc, s)));
        let help = opt_str(p.description.as_deref());
        quote! {
            Param {
                name: #name,
                flag: #flag,
                location: #location,
                required: #required,
                kind: #kind,
                help: #help,
            }
        }
    });
    let segments = op.segments.iter().map(|s| match s {
        Segment::Literal(l) => quote!(Segment::Literal(#l)),
        Segment::Param(i) => {
            let i = proc_macro2::Literal::usize_unsuffixed(*i);
            quote!(Segment::Param(#i))
        }
    });
    let (body, fields) = match &op.body {
        Some(b) => {
            let (tokens, fields) = body(doc, op, b, &mut flags);
            (quote!(Some(#tokens)), fields)
        }
        None => (quote!(None), Vec::new()),
    };
    let success = match op.success {
        Success::Json(_) => quote!(Success::Json),
        Success::Empty => quote!(Success::Empty),
        Success::Bytes => quote!(Success::Bytes),
    };
    let pages = match &op.pagination {
        Some(p) => {
            let tokens = paging(op, p, &param_flags, &fields, &mut flags);
            quote!(Some(#tokens))
        }
        None => quote!(None),
    };
    let id = &op.id;
    let method = format_ident!(
        "{}",
        match op.method {
            HttpMethod::Get => "Get",
            HttpMethod::Put => "Put",
            HttpMethod::Post => "Post",
            HttpMethod::Delete => "Delete",
            HttpMethod::Options => "Options",
            HttpMethod::Head => "Head",
            HttpMethod::Patch => "Patch",
            HttpMethod::Trace => "Trace",
        }
    );
    let path = &op.path;
    let summary = opt_str(op.summary.as_deref());
    let description = opt_str(op.description.as_deref());
    let deprecated = op.deprecated;
    quote! {
        Operation {
            command: #command,
            id: #id,
            method: HttpMethod::#method,
            path: #path,
            summary: #summary,
            description: #description,
            deprecated: #deprecated,
            segments: &[#(#segments),*],
            params: &[#(#params),*],
            body: #body,
            success: #success,
            pages: #pages,
        }
    }
}

/// The JSON types a flag's value is read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Json,
}

fn kind_tokens(kind: Kind) -> TokenStream {
    match kind {
        Kind::String => quote!(Kind::String),
        Kind::Integer => quote!(Kind::Integer),
        Kind::Number => quote!(Kind::Number),
        Kind::Boolean => quote!(Kind::Boolean),
        Kind::Json => quote!(Kind::Json),
    }
}

/// The schema as its references and single-member compositions lead to it.
fn schema<'a>(doc: &'a Value, mut s: &'a Value) -> Option<&'a Value> {
    for _ in 0..MAX_DEPTH {
        s = resolve(doc, s)?;
        let single = ["allOf", "oneOf", "anyOf"].iter().find_map(|k| {
            s.get(*k)
                .and_then(Value::as_array)
                .filter(|list| list.len() == 1)
                .and_then(|list| list.first())
        });
        match single {
            Some(inner) => s = inner,
            None => return Some(s),
        }
    }
    None
}

/// What a value of schema `s` is read as: its scalar type, a string for a string enum without
/// a type, JSON text for anything else.
fn kind(doc: &Value, s: &Value) -> Kind {
    let Some(s) = schema(doc, s) else {
        return Kind::Json;
    };
    match s.get("type").and_then(Value::as_str) {
        Some("string") => Kind::String,
        Some("integer") => Kind::Integer,
        Some("number") => Kind::Number,
        Some("boolean") => Kind::Boolean,
        Some(_) => Kind::Json,
        None => match s.get("enum").and_then(Value::as_array) {
            Some(values) if !values.is_empty() && values.iter().all(Value::is_string) => {
                Kind::String
            }
            _ => Kind::Json,
        },
    }
}

/// The schema of parameter `p` in the spec: the operation's declaration, else the path item's.
fn param_schema<'a>(doc: &'a Value, op: &Operation, p: &Param) -> Option<&'a Value> {
    let location = match p.location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
    };
    let item = op.pointer.rsplit_once('/').map(|(item, _)| item)?;
    [
        format!("{}/parameters", op.pointer),
        format!("{item}/parameters"),
    ]
    .iter()
    .filter_map(|at| doc.pointer(at).and_then(Value::as_array))
    .flatten()
    .filter_map(|d| resolve(doc, d))
    .find(|d| {
        d.get("name").and_then(Value::as_str) == Some(p.api_name.as_str())
            && d.get("in").and_then(Value::as_str) == Some(location)
    })
    .and_then(|d| d.get("schema"))
}

/// A body field with a flag.
struct FieldFlag {
    name: String,
    flag: String,
}

/// The body's entry and its fields with flags.
fn body(
    doc: &Value,
    op: &Operation,
    b: &crate::model::Body,
    flags: &mut BTreeSet<String>,
) -> (TokenStream, Vec<FieldFlag>) {
    let request = doc
        .pointer(&format!("{}/requestBody", op.pointer))
        .and_then(|r| resolve(doc, r));
    let required = request
        .and_then(|r| r.get("required"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let body_schema = request
        .and_then(|r| r.get("content"))
        .and_then(|c| c.get(&b.media_type))
        .and_then(|m| m.get("schema"))
        .and_then(|s| schema(doc, s));
    let (properties, closed) = match (b.encoding, body_schema) {
        (BodyEncoding::Json | BodyEncoding::Form, Some(s)) => properties(doc, s),
        _ => (Vec::new(), false),
    };
    let mut fields = Vec::new();
    let mut field_tokens = Vec::new();
    for (name, s) in &properties {
        let k = kind(doc, s);
        if k == Kind::Json {
            continue;
        }
        let flag = unique(&kebab(name, "field"), "body", flags);
        let help = opt_str(
            schema(doc, s)
                .and_then(|s| s.get("description"))
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|d| !d.is_empty()),
        );
        let kind = kind_tokens(k);
        field_tokens.push(quote! {
            Field { name: #name, flag: #flag, kind: #kind, help: #help }
        });
        fields.push(FieldFlag {
            name: name.clone(),
            flag,
        });
    }
    let members = if closed {
        let names = properties.iter().map(|(n, _)| n);
        quote!(Some(&[#(#names),*]))
    } else {
        quote!(None)
    };
    let encoding = match b.encoding {
        BodyEncoding::Json => quote!(Encoding::Json),
        BodyEncoding::Form => quote!(Encoding::Form),
        BodyEncoding::Text => quote!(Encoding::Text),
        // Not reached: `source` leaves out the operations with a multipart body.
        BodyEncoding::Bytes | BodyEncoding::Multipart => quote!(Encoding::Bytes),
    };
    let media = &b.media_type;
    let tokens = quote! {
        Body {
            encoding: #encoding,
            media_type: #media,
            required: #required,
            fields: &[#(#field_tokens),*],
            members: #members,
        }
    };
    (tokens, fields)
}

/// The top-level properties of an object schema (through `allOf`), in name order, and whether
/// the object is closed: it declares properties and allows no others.
fn properties<'a>(doc: &'a Value, s: &'a Value) -> (Vec<(String, &'a Value)>, bool) {
    let mut out: Vec<(String, &Value)> = Vec::new();
    let mut open = false;
    let mut pending = vec![(s, 0)];
    while let Some((s, depth)) = pending.pop() {
        let Some(s) = schema(doc, s) else {
            open = true;
            continue;
        };
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            for (name, p) in props {
                if !out.iter().any(|(n, _)| n == name) {
                    out.push((name.clone(), p));
                }
            }
        }
        match s.get("additionalProperties") {
            None | Some(Value::Bool(false)) => {}
            Some(_) => open = true,
        }
        if ["oneOf", "anyOf"].iter().any(|k| s.get(*k).is_some()) {
            open = true;
        }
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            if depth >= MAX_DEPTH {
                open = true;
                continue;
            }
            pending.extend(all.iter().map(|part| (part, depth + 1)));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    let closed = !open && !out.is_empty();
    (out, closed)
}

/// The pagination's entry: the runtime's description of it, and the flags giving where to start
/// and the page size (a parameter's or field's own flag where the slot is one, else a flag of
/// its own).
fn paging(
    op: &Operation,
    p: &Pagination,
    param_flags: &[String],
    fields: &[FieldFlag],
    flags: &mut BTreeSet<String>,
) -> TokenStream {
    let (slot, start_kind, start_help) = match &p.advance {
        PageAdvance::Cursor { slot, next } => (
            slot,
            Kind::String,
            format!("Cursor of the page to start at, as a page gives it at `{next}`"),
        ),
        PageAdvance::Scroll { slot, next } => (
            slot,
            Kind::String,
            format!("Scroll value to go on from, as a page gives it at `{next}`"),
        ),
        PageAdvance::Page { slot, .. } => (
            slot,
            Kind::Integer,
            "Number of the page to start at, from 1".to_string(),
        ),
    };
    let mut flag_for = |slot: &PageSlot, kind: Kind, help: &str| -> TokenStream {
        let existing = match slot {
            PageSlot::Query(name) => op
                .params
                .iter()
                .zip(param_flags)
                .find(|(p, _)| p.location == Location::Query && p.api_name == *name)
                .map(|(_, f)| f.clone()),
            PageSlot::Body(pointer) => fields
                .iter()
                .find(|f| format!("/{}", crate::base::pointer::escape_token(&f.name)) == *pointer)
                .map(|f| f.flag.clone()),
        };
        let flag = existing.unwrap_or_else(|| {
            let (base, whole) = match slot {
                PageSlot::Query(name) => (kebab(name, "page"), kebab(name, "page")),
                PageSlot::Body(pointer) => {
                    let tokens: Vec<String> =
                        pointer.split('/').skip(1).map(unescape_token).collect();
                    let last = tokens.last().map_or("page", String::as_str);
                    (kebab(last, "page"), kebab(&tokens.join("-"), "page"))
                }
            };
            if flags.contains(&base) {
                unique(&whole, "page", flags)
            } else {
                unique(&base, "page", flags)
            }
        });
        let kind = kind_tokens(kind);
        quote!(PageFlag { flag: #flag, kind: #kind, help: #help })
    };
    let start = flag_for(slot, start_kind, &start_help);
    let size = match &p.page_size {
        Some(s) => {
            let f = flag_for(s, Kind::Integer, "Items per page");
            quote!(Some(#f))
        }
        None => quote!(None),
    };
    let pages = p.runtime_pages();
    quote! {
        Paging {
            pages: #pages,
            start: #start,
            size: #size,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_are_kebab_case_and_kept_apart() {
        assert_eq!(kebab("ListContacts", "x"), "list-contacts");
        assert_eq!(kebab("listTagsForAContact", "x"), "list-tags-for-a-contact");
        assert_eq!(kebab("per_page", "x"), "per-page");
        assert_eq!(kebab("$$", "x"), "x");
        let mut taken: BTreeSet<String> = ["token".to_string()].into();
        assert_eq!(unique("token", "query", &mut taken), "query-token");
        assert_eq!(unique("token", "query", &mut taken), "query-token-2");
        assert_eq!(unique("email", "body", &mut taken), "email");
    }

    #[test]
    fn kinds_follow_references_and_enums() {
        let doc = json!({"components": {"schemas": {
            "N": {"type": "integer"},
            "E": {"enum": ["a", "b"]},
            "O": {"type": "object"}}}});
        let of = |s: Value| kind(&doc, &s);
        assert_eq!(of(json!({"$ref": "#/components/schemas/N"})), Kind::Integer);
        assert_eq!(
            of(json!({"allOf": [{"$ref": "#/components/schemas/E"}]})),
            Kind::String
        );
        assert_eq!(of(json!({"$ref": "#/components/schemas/O"})), Kind::Json);
        assert_eq!(
            of(json!({"type": "boolean", "nullable": true})),
            Kind::Boolean
        );
        assert_eq!(of(json!({"$ref": "#/nowhere"})), Kind::Json);
    }

    #[test]
    fn objects_are_closed_unless_they_allow_more() {
        let doc = json!({});
        let both = json!({"allOf": [{"properties": {"b": {}}}, {"properties": {"a": {}}}]});
        let (props, closed) = properties(&doc, &both);
        let names: Vec<&str> = props.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert!(closed);
        let (_, closed) = properties(
            &doc,
            &json!({"properties": {"a": {}}, "additionalProperties": true}),
        );
        assert!(!closed);
        let (_, closed) = properties(&doc, &json!({"type": "object"}));
        assert!(!closed);
    }
}
