//! The types: the prepared document in, the items of the client's `types` module out. The
//! type engine (progenitor, in [`engine`]) generates them; the passes here work on their syn
//! structure: response-only models become `#[non_exhaustive]`, enums of strings open to values
//! added later, nullable request fields gain a third state, `null` lists and maps decode as
//! empty, fields that would share a name are told apart, unused impls go, doc gaps are filled,
//! fixed fields get their default, tagged unions their tag, and every model a builder.

pub(crate) mod builders;
pub(crate) mod engine;
pub(crate) mod fixed_defaults;
pub(crate) mod tagged_enums;

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::punctuated::Punctuated;
use syn::{Fields, ImplItem, Item, ItemEnum, ItemImpl, Token, parse_quote};

use crate::base::naming::{self, Case};
use crate::base::pointer::escape_token;
use crate::base::syn_util::{
    is_option, json_name, last_ident, serde_arg, type_idents, variant_json_name,
};
use crate::load::context::{Ctx, R};
use crate::passes::collisions::{self, EnumFix};
use crate::passes::facts::ApiFacts;
use crate::passes::{schemas, skip};

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
        let (mut for_types, fixes) = collisions::for_type_generator(doc);
        engine::without_multipart_bodies(&mut for_types);
        engine::without_default_beside_success(&mut for_types);
        engine::without_patterns(&mut for_types);
        let spec = engine::typed_spec(ctx, for_types)?;
        match engine::run_progenitor(ctx, &spec) {
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
    let file = syn::parse2(tokens).map_err(|e| {
        ctx.error(
            "",
            format!("internal error: progenitor produced unparsable code: {e}"),
        )
    })?;
    Ok(EngineOutput { file, enum_fixes })
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
    let mut types = engine::types_module(engine.file)
        .ok_or_else(|| ctx.error("", "internal error: progenitor produced no `types` module"))?;
    if let Some((_, items)) = &mut types.content {
        collisions::restore_variants(items, &engine.enum_fixes);
        types_pass(ctx, items, facts, request_roots, response_roots)?;
        builders::add(items);
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
    let sent = reachable(items, request_roots);
    let received = reachable(items, response_roots);
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
    let both = reachable(items, &unreached);
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
    let mut added = Vec::new();
    for (i, item) in items.iter_mut().enumerate() {
        match item {
            Item::Enum(e) if open.contains(&e.ident.to_string()) => {
                let name = e.ident.to_string();
                let decoded = received.contains(&name);
                added.push((i, open_enum(e, decoded)));
            }
            Item::Impl(imp) if self_ident(imp).is_some_and(|name| open.contains(&name)) => {
                open_enum_impl(imp);
            }
            Item::Struct(s) => {
                for (schema, fields) in &facts.nullable_body_fields {
                    if s.ident == naming::pascal(schema) {
                        found.insert(schema.clone());
                        three_state_fields(&mut s.fields, fields);
                    }
                }
            }
            // A body schema with alternatives (`anyOf` of required lists) is an enum whose
            // variants carry the fields.
            Item::Enum(e) => {
                for (schema, fields) in &facts.nullable_body_fields {
                    if e.ident == naming::pascal(schema) {
                        found.insert(schema.clone());
                        for v in e.variants.iter_mut() {
                            three_state_fields(&mut v.fields, fields);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // Each enum's new impls follow the enum and the impls progenitor wrote for it.
    for (i, impls) in added.into_iter().rev() {
        let name = match &items[i] {
            Item::Enum(e) => e.ident.to_string(),
            _ => continue,
        };
        let mut at = i + 1;
        while items.get(at).is_some_and(
            |it| matches!(it, Item::Impl(imp) if self_ident(imp).as_deref() == Some(name.as_str())),
        ) {
            at += 1;
        }
        items.splice(at..at, impls);
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
    let newtypes: Vec<(usize, syn::Ident)> = items
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
    // From the back, so that the positions before each insertion stay valid; each impl follows
    // its type.
    for (i, name) in newtypes.into_iter().rev() {
        items.insert(
            i + 1,
            parse_quote! {
                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(&self.0)
                    }
                }
            },
        );
    }
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

/// The names of the types reachable from `roots` through the fields and variants of the
/// module's structs and enums, the roots included.
pub(crate) fn reachable(items: &[Item], roots: &BTreeSet<String>) -> BTreeSet<String> {
    let mut refs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in items {
        match item {
            Item::Struct(s) => {
                refs.insert(s.ident.to_string(), type_idents(&s.fields));
            }
            Item::Enum(e) => {
                refs.insert(e.ident.to_string(), type_idents(&e.variants));
            }
            _ => {}
        }
    }
    let mut reachable: BTreeSet<String> = BTreeSet::new();
    let mut todo: Vec<&String> = roots.iter().filter(|r| refs.contains_key(*r)).collect();
    while let Some(t) = todo.pop() {
        if !reachable.insert(t.clone()) {
            continue;
        }
        if let Some(next) = refs.get(t) {
            todo.extend(
                next.iter()
                    .filter(|n| refs.contains_key(*n) && !reachable.contains(*n)),
            );
        }
    }
    reachable
}

/// Types that only ever arrive in responses are `#[non_exhaustive]`: callers never build them,
/// so a field added to the API is an additive change. Types reachable from a parameter (`sent`)
/// stay exhaustive, so callers can build them with a struct literal.
fn mark_response_only(items: &mut [Item], sent: &BTreeSet<String>) {
    for item in items.iter_mut() {
        if let Item::Struct(s) = item
            && matches!(s.fields, Fields::Named(_))
            && !sent.contains(&s.ident.to_string())
        {
            s.attrs.push(parse_quote!(#[non_exhaustive]));
        }
    }
}

/// Each type derives what its direction needs: `Deserialize` only when it is received,
/// `Serialize` only when it is sent. The other one comes with the `test-util` feature, for
/// tests that serve a response or read a request. A type no operation reaches is
/// in both sets (the caller's), for callers who read or write it themselves. An open enum (`open`) keeps its
/// `Serialize` derive: its variants' `serde` attributes need a serde derive, and it is small.
fn serde_by_direction(
    items: &mut [Item],
    sent: &BTreeSet<String>,
    received: &BTreeSet<String>,
    open: &BTreeSet<String>,
) {
    for item in items.iter_mut() {
        let (ident, attrs) = match item {
            Item::Struct(s) => (&s.ident, &mut s.attrs),
            Item::Enum(e) => (&e.ident, &mut e.attrs),
            _ => continue,
        };
        let name = ident.to_string();
        let (is_sent, is_received) = (sent.contains(&name), received.contains(&name));
        if is_sent == is_received || (is_received && open.contains(&name)) {
            continue;
        }
        let dropped = if is_sent { "Deserialize" } else { "Serialize" };
        let kept_trait = if is_sent { "Serialize" } else { "Deserialize" };
        // A type whose other direction is a hand-written impl (a constrained newtype's
        // `Deserialize`) keeps its derive: its `#[serde(…)]` attributes need a serde derive.
        if !derives(attrs, kept_trait) {
            continue;
        }
        let mut for_tests = false;
        for attr in attrs.iter_mut() {
            if !attr.path().is_ident("derive") {
                continue;
            }
            let Ok(paths) =
                attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
            else {
                continue;
            };
            let kept: Vec<&syn::Path> = paths
                .iter()
                .filter(|p| p.segments.last().is_none_or(|s| s.ident != dropped))
                .collect();
            if kept.len() < paths.len() {
                for_tests = true;
                *attr = parse_quote!(#[derive(#(#kept),*)]);
            }
        }
        if for_tests {
            let dropped = format_ident!("{dropped}");
            attrs.push(parse_quote!(
                #[cfg_attr(feature = "test-util", derive(::serde::#dropped))]
            ));
        }
    }
}

/// Whether one of `attrs` derives `name` (by its last path segment).
fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|a| {
            a.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
                .is_ok_and(|paths| {
                    paths
                        .iter()
                        .any(|p| p.segments.last().is_some_and(|s| s.ident == name))
                })
        })
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

/// A typify enum of string constants: unit variants only.
fn is_string_enum(e: &ItemEnum) -> bool {
    !e.variants.is_empty() && e.variants.iter().all(|v| matches!(v.fields, Fields::Unit))
}

/// Adds a catch-all variant so that a value added to the API later decodes instead of failing
/// the whole response. Decoding reads the string in place and matches it, rather than trying
/// each variant in turn as an untagged variant would; an enum that is only sent (`decoded`
/// false) decodes only with the `test-util` feature. Returns the enum's new impls.
fn open_enum(e: &mut ItemEnum, decoded: bool) -> Vec<Item> {
    let values: Vec<(syn::Ident, String)> = e
        .variants
        .iter()
        .map(|v| (v.ident.clone(), variant_json_name(v)))
        .collect();
    for attr in &mut e.attrs {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
        else {
            continue;
        };
        // `Copy` cannot hold a `String`; `Deserialize` is written below.
        let kept: Vec<&syn::Path> = paths
            .iter()
            .filter(|p| {
                p.segments
                    .last()
                    .is_none_or(|s| s.ident != "Copy" && s.ident != "Deserialize")
            })
            .collect();
        *attr = parse_quote!(#[derive(#(#kept),*)]);
    }
    // Values the API adds later are additive changes: callers' matches need a wildcard arm.
    e.attrs.push(parse_quote!(#[non_exhaustive]));
    let fallback = fallback_variant(&values);
    e.variants.push(parse_quote! {
        /// A value this version of the client does not know, kept as received.
        #[serde(untagged)]
        #fallback(::std::string::String)
    });
    let name = &e.ident;
    let to_str: Vec<TokenStream> = values
        .iter()
        .map(|(ident, json)| quote!(Self::#ident => #json,))
        .collect();
    let from_str: Vec<TokenStream> = values
        .iter()
        .map(|(ident, json)| quote!(#json => Self::#ident,))
        .collect();
    let mut impls: Vec<Item> = vec![parse_quote! {
            impl #name {
                /// The value as it appears on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(#to_str)*
                        Self::#fallback(value) => value.as_str(),
                    }
                }

                /// The variant for a value on the wire; an unknown value is kept as received.
                pub fn from_wire(value: &str) -> Self {
                    match value {
                        #(#from_str)*
                        other => Self::#fallback(other.to_string()),
                    }
                }
            }
    }];
    let only_for_tests = (!decoded).then(|| quote!(#[cfg(feature = "test-util")]));
    impls.push(parse_quote! {
            #only_for_tests
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                where
                    D: ::serde::Deserializer<'de>,
                {
                    ::intercom_runtime::codec::deserialize_str(deserializer, Self::from_wire)
                }
            }
    });
    impls
}

/// The name of an open enum's catch-all variant: `Unknown`, or, where the spec has a value of
/// that name (`unknown` is a common status), `UnknownValue` and so on.
fn fallback_variant(values: &[(syn::Ident, String)]) -> syn::Ident {
    let mut name = String::from("Unknown");
    while values.iter().any(|(ident, _)| ident == name.as_str()) {
        name.push_str("Value");
    }
    format_ident!("{name}")
}

/// `Display` and `FromStr` of an open enum go through `as_str` and `from_wire`.
fn open_enum_impl(imp: &mut ItemImpl) {
    let Some((trait_, _)) = &imp.trait_ else {
        return;
    };
    let Some(trait_name) = trait_.segments.last().map(|s| s.ident.to_string()) else {
        return;
    };
    for item in &mut imp.items {
        let ImplItem::Fn(f) = item else { continue };
        match trait_name.as_str() {
            "Display" => {
                f.block = parse_quote!({ f.write_str(self.as_str()) });
            }
            "FromStr" => {
                let arg = f.sig.inputs.iter().find_map(|a| match a {
                    syn::FnArg::Typed(p) => match &*p.pat {
                        syn::Pat::Ident(i) => Some(i.ident.clone()),
                        _ => None,
                    },
                    syn::FnArg::Receiver(_) => None,
                });
                if let Some(arg) = arg {
                    f.block = parse_quote!({ Ok(Self::from_wire(#arg)) });
                }
            }
            _ => {}
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
