//! The types. In: the prepared document. Out: the type engine's output (progenitor, in
//! [`engine`], run until it accepts the document), and the client's `types` module after the
//! passes here, which work on its syn structure: response-only models become
//! `#[non_exhaustive]`, enums of strings open to values added later, nullable request fields
//! gain a third state, `null` lists and maps decode as empty, fields that would share a name are
//! told apart, unused impls go, doc gaps are filled, fixed fields get their default, tagged
//! unions their tag, and every model a builder.

pub(crate) mod builders;
mod direction;
pub(crate) mod engine;
mod engine_output;
mod enum_variants;
pub(crate) mod fixed_defaults;
mod open_enums;
pub(crate) mod tagged_enums;

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;
use serde_json::Value;
use syn::{Fields, Item, ItemImpl, parse_quote};

use crate::base::naming::{self, Case};
use crate::base::pointer::escape_token;
use crate::base::syn_util::{
    is_option, json_name, last_ident, serde_arg, type_idents, variant_json_name,
};
use crate::load::context::{Ctx, R};
use crate::passes::facts::ApiFacts;
use crate::passes::{collisions, schemas, skip};
use enum_variants::EnumFix;
use open_enums::{is_string_enum, open_enum, open_enum_impl};

pub(crate) use direction::TypeGraph;
use direction::{gate_test_only_defaults, mark_response_only, serde_by_direction};

/// What the type engine made of the prepared spec: progenitor's output (the client methods whose
/// signatures the model reads, and the `types` module) and the enum variants to restore in it.
pub(crate) struct EngineOutput {
    /// progenitor's file.
    pub file: syn::File,
    /// Enum variants the spec's values would give the same name, renamed for the engine.
    pub enum_fixes: Vec<EnumFix>,
}

/// Runs the type engine over `doc`. A schema it fails on becomes free-form and an operation it
/// fails on is left out (each with a located warning), and the rest is generated again; each
/// round changes at least one, so the loop ends.
pub(crate) fn generate(
    ctx: &mut Ctx<'_>,
    doc: &mut Value,
    facts: &mut ApiFacts,
) -> R<EngineOutput> {
    let (tokens, enum_fixes) = loop {
        let (mut for_types, fixes) = enum_variants::for_type_generator(doc);
        engine::without_multipart_bodies(&mut for_types);
        engine::without_default_beside_success(&mut for_types);
        engine::without_patterns(&mut for_types);
        engine::without_serialization_styles(&mut for_types);
        let spec = engine::typed_spec(ctx, for_types)?;
        let mut timings = std::mem::take(&mut ctx.timings);
        let ran = engine::run_progenitor(ctx, &spec, &mut timings);
        ctx.timings = timings;
        match ran {
            Ok(tokens) => break (tokens, fixes),
            Err(engine::Failure::Whole(err)) => return Err(err),
            Err(engine::Failure::Schemas(bad)) => {
                for (name, reason) in bad {
                    schemas::make_free_form(ctx, doc, &name, &reason)?;
                }
            }
            Err(engine::Failure::Operations(culprits)) => {
                for (op, reason) in culprits {
                    skip::drop_operation(ctx, doc, &op, &op, &reason)?;
                    facts.operations.retain(|_, at| *at != op);
                }
            }
        }
    };
    let file = syn::parse2(engine_output::without_method_bodies(tokens)).map_err(|e| {
        ctx.error(
            "",
            format!("internal error: progenitor produced unparsable code: {e}"),
        )
    })?;
    stop_at_taken_component_names(ctx, doc, &file)?;
    Ok(EngineOutput { file, enum_fixes })
}

/// Two types of one name, one of them a component's, end this round here rather than after
/// the client is emitted: `ctx` remembers every such component, for the next round to rename.
/// Two inline types of one name are left for the surface to report.
fn stop_at_taken_component_names(ctx: &mut Ctx<'_>, doc: &Value, file: &syn::File) -> R<()> {
    let taken = engine_output::names_taken_twice(file);
    if taken.is_empty() {
        return Ok(());
    }
    let by_type_name: BTreeMap<String, &String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|schemas| schemas.keys())
        .map(|name| (naming::pascal(name), name))
        .collect();
    let collided: Vec<(&String, &String)> = taken
        .iter()
        .filter_map(|name| Some((name, *by_type_name.get(name)?)))
        .collect();
    let Some(&(name, component)) = collided.first() else {
        return Ok(());
    };
    let at = format!("/components/schemas/{}", escape_token(component));
    ctx.collided_components = collided.iter().map(|(_, c)| c.to_string()).collect();
    Err(ctx.error(&at, collisions::type_name_taken_twice(name)))
}

/// The client's `types` module: progenitor's, after the passes below and with a builder for
/// every model. `request_roots` are the type names that operations take as arguments,
/// `response_roots` those of success bodies.
pub(crate) fn module(
    ctx: &mut Ctx<'_>,
    engine: EngineOutput,
    facts: &ApiFacts,
    request_roots: &BTreeSet<String>,
    response_roots: &BTreeSet<String>,
) -> R<syn::ItemMod> {
    let mut types = engine_output::types_module(engine.file)
        .ok_or_else(|| ctx.error("", "internal error: progenitor produced no `types` module"))?;
    if let Some((_, items)) = &mut types.content {
        enum_variants::restore_variants(items, &engine.enum_fixes);
        types_pass(ctx, items, facts, request_roots, response_roots)?;
        let builders = builders::of(items);
        // The builders call defaults too, under their own feature.
        gate_test_only_defaults(items, &builders);
        items.extend(builders);
    }
    Ok(types)
}

/// Runs the passes over the items of the `types` module. `request_roots` are the type names
/// that operations take as arguments: the types callers build themselves; `response_roots`
/// the types of success bodies: the types the client decodes.
fn types_pass(
    ctx: &mut Ctx<'_>,
    items: &mut Vec<Item>,
    facts: &ApiFacts,
    request_roots: &BTreeSet<String>,
    response_roots: &BTreeSet<String>,
) -> R<()> {
    items.retain(|item| !is_from_ref_impl(item));
    let graph = TypeGraph::of(items);
    let sent = graph.reachable(request_roots);
    let received = graph.reachable(response_roots);
    mark_response_only(items, &sent);
    // Types no operation reaches keep both directions, and so does everything they hold.
    let unreached: BTreeSet<String> = items
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .filter(|n| !sent.contains(n) && !received.contains(n))
        .collect();
    let both = graph.reachable(&unreached);
    let sent: BTreeSet<String> = sent.union(&both).cloned().collect();
    let received: BTreeSet<String> = received.union(&both).cloned().collect();
    null_as_default(items);
    dedupe_field_names(items);
    string_newtype_display(items);
    let open: BTreeSet<String> = items
        .iter()
        .filter_map(|i| match i {
            Item::Enum(e) if is_string_enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    // An enum's `TryFrom<&str>` and `TryFrom<String>` only repeat its `FromStr`.
    items.retain(|item| {
        !matches!(item, Item::Impl(imp) if self_ident(imp).is_some_and(|n| open.contains(&n))
            && trait_name(imp).as_deref() == Some("TryFrom"))
    });
    let mut found = BTreeSet::new();
    // The body schemas with nullable fields, by type name.
    let nullable_by_type: BTreeMap<String, (&String, _)> = facts
        .nullable_body_fields
        .iter()
        .map(|(schema, fields)| (naming::pascal(schema), (schema, fields)))
        .collect();
    let mut added: BTreeMap<usize, Vec<Item>> = BTreeMap::new();
    for (i, item) in items.iter_mut().enumerate() {
        match item {
            Item::Enum(e) if open.contains(&e.ident.to_string()) => {
                let name = e.ident.to_string();
                let decoded = received.contains(&name);
                added.insert(i, open_enum(e, decoded));
            }
            Item::Impl(imp) if self_ident(imp).is_some_and(|name| open.contains(&name)) => {
                open_enum_impl(imp);
            }
            Item::Struct(s) => {
                if let Some((schema, fields)) = nullable_by_type.get(&s.ident.to_string()) {
                    found.insert((*schema).clone());
                    three_state_fields(&mut s.fields, fields);
                }
            }
            // A body schema with alternatives (`anyOf` of required lists) is an enum whose
            // variants carry the fields.
            Item::Enum(e) => {
                if let Some((schema, fields)) = nullable_by_type.get(&e.ident.to_string()) {
                    found.insert((*schema).clone());
                    for v in e.variants.iter_mut() {
                        three_state_fields(&mut v.fields, fields);
                    }
                }
            }
            _ => {}
        }
    }
    // Each enum's new impls follow the enum and the impls progenitor wrote for it: the items
    // are rebuilt once, in order.
    if !added.is_empty() {
        let old = std::mem::take(items);
        let mut pending: Option<(String, Vec<Item>)> = None;
        for (i, item) in old.into_iter().enumerate() {
            let continues = matches!(
                (&pending, &item),
                (Some((name, _)), Item::Impl(imp)) if self_ident(imp).as_deref() == Some(name.as_str())
            );
            if !continues && let Some((_, impls)) = pending.take() {
                items.extend(impls);
            }
            if let Some(impls) = added.remove(&i)
                && let Item::Enum(e) = &item
            {
                pending = Some((e.ident.to_string(), impls));
            }
            items.push(item);
        }
        if let Some((_, impls)) = pending {
            items.extend(impls);
        }
    }
    serde_by_direction(items, &sent, &received, &open);
    tagged_enums::apply(items, &facts.tagged_unions);
    document_gaps(items);
    fixed_defaults::apply(items, &facts.fixed_fields);
    for schema in facts.nullable_body_fields.keys() {
        if !found.contains(schema) {
            ctx.warn(
                &format!("/components/schemas/{}", escape_token(schema)),
                format!(
                    "request body type `{}` not found; its nullable fields cannot be cleared with null",
                    naming::pascal(schema)
                ),
            )?;
        }
    }
    Ok(())
}

/// The type an impl is for, when it is a plain name.
pub(crate) fn self_ident(imp: &ItemImpl) -> Option<String> {
    match &*imp.self_ty {
        syn::Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            Some(p.path.segments[0].ident.to_string())
        }
        _ => None,
    }
}

/// A string newtype (a string schema with a length or pattern constraint) prints as its string,
/// so that it can be a path or query parameter; the type generator gives it no `Display`.
fn string_newtype_display(items: &mut Vec<Item>) {
    let displayed: BTreeSet<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(imp)
                if imp
                    .trait_
                    .as_ref()
                    .and_then(|(path, _)| path.segments.last())
                    .is_some_and(|s| s.ident == "Display") =>
            {
                self_ident(imp)
            }
            _ => None,
        })
        .collect();
    let newtypes: BTreeMap<usize, syn::Ident> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| match item {
            Item::Struct(s)
                if !displayed.contains(&s.ident.to_string())
                    && matches!(&s.fields, Fields::Unnamed(f) if f.unnamed.len() == 1
                        && last_ident(&f.unnamed[0].ty).is_some_and(|i| i == "String")) =>
            {
                Some((i, s.ident.clone()))
            }
            _ => None,
        })
        .collect();
    if newtypes.is_empty() {
        return;
    }
    // One pass that puts each impl after its type (inserting one at a time would move the rest
    // of the list each time: quadratic in a description of thousands of types).
    let mut out = Vec::with_capacity(items.len() + newtypes.len());
    for (i, item) in std::mem::take(items).into_iter().enumerate() {
        out.push(item);
        if let Some(name) = newtypes.get(&i) {
            out.push(parse_quote! {
                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(&self.0)
                    }
                }
            });
        }
    }
    *items = out;
}

/// `impl From<&T> for T`: a clone under another name, which nobody needs.
fn is_from_ref_impl(item: &Item) -> bool {
    let Item::Impl(imp) = item else { return false };
    let Some((path, _)) = &imp.trait_ else {
        return false;
    };
    let Some(last) = path.segments.last() else {
        return false;
    };
    if last.ident != "From" {
        return false;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    let Some(syn::GenericArgument::Type(syn::Type::Reference(r))) = args.args.first() else {
        return false;
    };
    let target = last_ident(&r.elem).map(ToString::to_string);
    target.is_some() && target == self_ident(imp)
}

/// The last segment of the trait an impl implements.
fn trait_name(imp: &ItemImpl) -> Option<String> {
    imp.trait_
        .as_ref()
        .and_then(|(path, _)| path.segments.last())
        .map(|s| s.ident.to_string())
}

/// A list or map field that may be absent decodes `null` as empty too. Only fields whose
/// default is the type's own (`#[serde(default)]`): a field with a default function of its
/// own (`NonZeroU32` with `1`) may have a type without `Default`.
fn null_as_default(items: &mut [Item]) {
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(named) = &mut s.fields else {
            continue;
        };
        for field in named.named.iter_mut() {
            if !is_option(&field.ty) && serde_arg(&field.attrs, "default") == Some(None) {
                field.attrs.push(parse_quote!(
                    #[serde(deserialize_with = "::intercom_runtime::codec::null_as_default")]
                ));
            }
        }
    }
}

/// Properties whose names give the same Rust identifier (`foo-bar`, `foo_bar`) would be one
/// field twice; later ones get a numeric suffix and keep their JSON name through `rename`. The
/// schema pass warned about each, with the same rule.
fn dedupe_field_names(items: &mut [Item]) {
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(named) = &mut s.fields else {
            continue;
        };
        let mut taken = BTreeSet::new();
        for field in named.named.iter_mut() {
            let Some(ident) = field.ident.clone() else {
                continue;
            };
            let base = ident.to_string();
            let unique = naming::unique(&base, Case::Snake, &mut taken);
            if unique == base {
                continue;
            }
            let json = json_name(field);
            if serde_arg(&field.attrs, "rename").is_none() {
                field.attrs.push(parse_quote!(#[serde(rename = #json)]));
            }
            field.ident = Some(syn::Ident::new(&unique, ident.span()));
        }
    }
}

/// `Option<T>` → `Option<Option<T>>` for nullable, optional request fields (of a struct, or of
/// one variant of an enum): `None` leaves the field out, `Some(None)` sends `null`,
/// `Some(Some(v))` sends the value.
fn three_state_fields(fields: &mut Fields, json_names: &BTreeSet<String>) {
    let Fields::Named(named) = fields else {
        return;
    };
    for field in named.named.iter_mut() {
        let json = json_name(field);
        if !json_names.contains(&json) || !is_option(&field.ty) {
            continue;
        }
        let ty = &field.ty;
        field.ty = parse_quote!(::std::option::Option<#ty>);
        let renamed = serde_arg(&field.attrs, "rename").is_some();
        field.attrs.retain(|a| !a.path().is_ident("serde"));
        let rename = renamed.then(|| quote!(rename = #json,));
        field.attrs.push(parse_quote! {
            #[serde(
                #rename
                default,
                skip_serializing_if = "::std::option::Option::is_none",
                with = "::intercom_runtime::codec::double_option"
            )]
        });
    }
}

/// Fills the doc gaps progenitor leaves: a field whose schema is a `$ref` (OpenAPI 3.0 ignores
/// a description beside `$ref`) gets the first line of the referenced type's docs, and an enum
/// variant names the value it stands for.
fn document_gaps(items: &mut [Item]) {
    let has_doc = |attrs: &[syn::Attribute]| attrs.iter().any(|a| a.path().is_ident("doc"));
    let mut first_lines: BTreeMap<String, String> = BTreeMap::new();
    for item in items.iter() {
        let (ident, attrs) = match item {
            Item::Struct(s) => (&s.ident, &s.attrs),
            Item::Enum(e) => (&e.ident, &e.attrs),
            _ => continue,
        };
        if let Some(line) = crate::base::syn_util::first_doc_line(attrs) {
            first_lines.insert(ident.to_string(), line);
        }
    }
    for item in items.iter_mut() {
        match item {
            Item::Struct(s) => {
                let Fields::Named(named) = &mut s.fields else {
                    continue;
                };
                for f in named.named.iter_mut() {
                    if has_doc(&f.attrs) {
                        continue;
                    }
                    let doc = type_idents(&f.ty)
                        .iter()
                        .find_map(|w| first_lines.get(w).cloned())
                        .unwrap_or_else(|| format!("The `{}` member.", json_name(f)));
                    f.attrs.insert(0, parse_quote!(#[doc = #doc]));
                }
            }
            Item::Enum(e) => {
                for v in e.variants.iter_mut() {
                    if has_doc(&v.attrs) {
                        continue;
                    }
                    let doc = match &v.fields {
                        Fields::Unit => format!("The value `{}`.", variant_json_name(v)),
                        // A variant holding a type takes that type's first doc line.
                        fields => type_idents(fields)
                            .iter()
                            .find_map(|w| first_lines.get(w).cloned())
                            .unwrap_or_else(|| format!("The `{}` form.", v.ident)),
                    };
                    v.attrs.insert(0, parse_quote!(#[doc = #doc]));
                }
            }
            _ => {}
        }
    }
}
