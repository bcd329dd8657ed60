//! Passes over progenitor's output: route operations through the client runtime (one error
//! type, bounded reads, retries, path segments that cannot escape), open enums to unknown
//! values, and give nullable request fields a third state.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::visit_mut::VisitMut;
use syn::{
    Expr, Field, Fields, File, ImplItem, Item, ItemEnum, ItemImpl, ItemMod, ItemStruct, Stmt,
    parse_quote,
};

use crate::diag::Diagnostic;
use crate::prepare::{ApiFacts, Ctx, pascal_case, snake_case};

type R<T> = Result<T, Box<Diagnostic>>;

pub(crate) fn rewrite(ctx: &mut Ctx<'_>, file: &mut File, facts: &ApiFacts) -> R<()> {
    let mut items = Vec::with_capacity(file.items.len());
    // progenitor's error and response types are replaced by the runtime's.
    items.push(parse_quote! {
        #[allow(unused_imports)]
        use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
    });
    let request_roots = request_words(file);
    for item in std::mem::take(&mut file.items) {
        match item {
            Item::Use(_) => {}
            Item::Mod(mut m) if m.ident == "types" => {
                types_pass(ctx, &mut m, facts, &request_roots)?;
                items.push(Item::Mod(m));
            }
            Item::Mod(m) if m.ident == "prelude" => {}
            Item::Impl(mut imp) if is_inherent_client_impl(&imp) => {
                client_impl_pass(ctx, &mut imp, facts)?;
                if !imp.items.is_empty() {
                    items.push(Item::Impl(imp));
                }
            }
            other => items.push(other),
        }
    }
    file.items = items;
    Ok(())
}

fn is_inherent_client_impl(imp: &ItemImpl) -> bool {
    imp.trait_.is_none() && imp.self_ty.to_token_stream().to_string() == "Client"
}

fn client_impl_pass(ctx: &Ctx<'_>, imp: &mut ItemImpl, facts: &ApiFacts) -> R<()> {
    let mut kept = Vec::new();
    for item in std::mem::take(&mut imp.items) {
        let ImplItem::Fn(mut f) = item else {
            kept.push(item);
            continue;
        };
        let name = f.sig.ident.to_string();
        if name == "new" {
            // Its builder `unwrap()`s; the runtime's `Client::builder()` replaces it.
            continue;
        }
        if name == "new_with_client" {
            f.vis = parse_quote!(pub(crate));
            f.attrs.retain(|a| !a.path().is_ident("doc"));
            kept.push(ImplItem::Fn(f));
            continue;
        }
        if f.sig.asyncness.is_none() {
            kept.push(ImplItem::Fn(f));
            continue;
        }
        let pointer = facts
            .operations
            .iter()
            .find(|(id, _)| snake_case(id) == name)
            .map(|(_, p)| p.clone())
            .unwrap_or_default();
        rewrite_operation(ctx, &mut f, &pointer)?;
        kept.push(ImplItem::Fn(f));
    }
    imp.items = kept;
    Ok(())
}

/// Rewrites one operation method to return the runtime's `Response` and `Error`.
fn rewrite_operation(ctx: &Ctx<'_>, f: &mut syn::ImplItemFn, pointer: &str) -> R<()> {
    let syn::ReturnType::Type(_, ty) = &f.sig.output else {
        return Err(ctx.error(
            pointer,
            "internal error: operation method without a return type",
        ));
    };
    let ok_ty = success_type(ty)
        .ok_or_else(|| ctx.error(pointer, "internal error: unexpected operation return type"))?;
    f.sig.output = parse_quote!(-> Result<crate::runtime::Response<#ok_ty>, crate::runtime::Error>);

    let mut stmts = Vec::with_capacity(f.block.stmts.len());
    for mut stmt in std::mem::take(&mut f.block.stmts) {
        let text = stmt.to_token_stream().to_string();
        // The runtime sends the API version under the spec's own header name.
        if text.contains("\"api-version\"") {
            continue;
        }
        // Hooks other than `exec` are unused; their error type cannot be inferred any more.
        if text.starts_with("self . pre (") || text.starts_with("self . post (") {
            continue;
        }
        // The URL is built with `format!`, named `url` unless a parameter already is.
        if text.contains("encode_path (")
            && let Stmt::Local(local) = &mut stmt
            && let Some(init) = &mut local.init
            && let Expr::Macro(m) = init.expr.as_mut()
        {
            m.mac.tokens = encode_path_calls(std::mem::take(&mut m.mac.tokens));
        }
        let mut fixer = ResponseArms { unsupported: None };
        fixer.visit_stmt_mut(&mut stmt);
        if let Some(kind) = fixer.unsupported {
            return Err(ctx.error(pointer, format!("{kind} responses are not supported")));
        }
        stmts.push(stmt);
    }
    drop_empty_header_map(&mut stmts);
    f.block.stmts = stmts;
    Ok(())
}

/// With the API-version header gone, most operations add no header of their own; building and
/// merging an empty `HeaderMap` on every call is then wasted work.
fn drop_empty_header_map(stmts: &mut Vec<Stmt>) {
    let appends = stmts
        .iter()
        .map(|s| s.to_token_stream().to_string())
        .filter(|t| t.contains("header_map . append"))
        .count();
    if appends > 0 {
        return;
    }
    stmts.retain(|s| {
        !s.to_token_stream()
            .to_string()
            .starts_with("let mut header_map")
    });
    struct DropHeaders;
    impl VisitMut for DropHeaders {
        fn visit_expr_mut(&mut self, e: &mut Expr) {
            if let Expr::MethodCall(call) = e
                && call.method == "headers"
                && call.args.to_token_stream().to_string() == "header_map"
            {
                *e = (*call.receiver).clone();
                self.visit_expr_mut(e);
                return;
            }
            syn::visit_mut::visit_expr_mut(self, e);
        }
    }
    for stmt in stmts.iter_mut() {
        DropHeaders.visit_stmt_mut(stmt);
    }
}

/// `Result<ResponseValue<T>, Error<E>>` → `T`.
fn success_type(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let syn::GenericArgument::Type(syn::Type::Path(rv)) = args.args.first()? else {
        return None;
    };
    let rv = rv.path.segments.last()?;
    if rv.ident != "ResponseValue" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(inner) = &rv.arguments else {
        return None;
    };
    match inner.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// `encode_path(&x.to_string())` → `crate::runtime::encode_path_segment("x", &x.to_string())?`,
/// which also refuses the segments that URL normalisation would remove (``, `.`, `..`).
fn encode_path_calls(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        match &tt {
            TokenTree::Ident(id) if id == "encode_path" => {
                if let Some(TokenTree::Group(g)) = iter.peek()
                    && g.delimiter() == Delimiter::Parenthesis
                {
                    let arg = g.stream();
                    let name = arg
                        .clone()
                        .into_iter()
                        .find_map(|t| match t {
                            TokenTree::Ident(i) => Some(i.to_string()),
                            _ => None,
                        })
                        .unwrap_or_default();
                    iter.next();
                    let call = quote!(crate::runtime::encode_path_segment(#name, #arg)?);
                    out.extend(call);
                    continue;
                }
                out.push(tt);
            }
            TokenTree::Group(g) => {
                let mut ng = Group::new(g.delimiter(), encode_path_calls(g.stream()));
                ng.set_span(g.span());
                out.push(TokenTree::Group(ng));
            }
            _ => out.push(tt),
        }
    }
    out.into_iter().collect()
}

/// Rewrites the arms of `match response.status().as_u16() { … }`.
struct ResponseArms {
    unsupported: Option<&'static str>,
}

impl VisitMut for ResponseArms {
    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        let scrutinee = m.expr.to_token_stream().to_string();
        let Some(resp) = scrutinee.strip_suffix(" . status () . as_u16 ()") else {
            syn::visit_mut::visit_expr_match_mut(self, m);
            return;
        };
        let resp: syn::Ident = syn::Ident::new(resp.trim(), proc_macro2::Span::call_site());
        for arm in &mut m.arms {
            let body = arm.body.to_token_stream().to_string();
            let new: Expr = if body.contains("ErrorResponse") || body.contains("UnexpectedResponse")
            {
                if body.contains("ResponseValue :: stream") || body.contains("upgrade") {
                    self.unsupported = Some("streamed or upgraded error");
                }
                parse_quote!(Err(crate::runtime::error_response(&self.inner, #resp).await))
            } else if body.contains("ResponseValue :: from_response") {
                parse_quote!(crate::runtime::decode_response(&self.inner, #resp).await)
            } else if body.contains("ResponseValue :: empty") {
                parse_quote!(crate::runtime::empty_response(&self.inner, #resp).await)
            } else {
                self.unsupported = Some("streamed or upgraded");
                continue;
            };
            *arm.body = new;
        }
        // A success status the spec does not list (a 202 where it says 200) still carries the
        // operation's result: decode it as the listed success rather than failing the call.
        let success = m.arms.iter().find_map(|arm| {
            let body = arm.body.to_token_stream().to_string();
            (body.contains("decode_response") || body.contains("empty_response"))
                .then(|| arm.body.clone())
        });
        let covered = m
            .arms
            .iter()
            .any(|arm| arm.pat.to_token_stream().to_string() == "200u16 ..= 299u16");
        if let (Some(body), false) = (success, covered) {
            let at = m
                .arms
                .iter()
                .position(|arm| matches!(arm.pat, syn::Pat::Wild(_)));
            let arm: syn::Arm = parse_quote!(200u16..=299u16 => #body,);
            match at {
                Some(i) => m.arms.insert(i, arm),
                None => m.arms.push(arm),
            }
        }
    }
}

/// Every identifier in the parameter types of the operations: the roots of the types callers
/// build themselves.
fn request_words(file: &File) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if !is_inherent_client_impl(imp) {
            continue;
        }
        for it in &imp.items {
            let ImplItem::Fn(f) = it else { continue };
            for input in &f.sig.inputs {
                if let syn::FnArg::Typed(p) = input {
                    out.extend(words(&p.ty.to_token_stream().to_string()));
                }
            }
        }
    }
    out
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
}

/// Properties whose names sanitise to the same Rust identifier (`foo-bar`, `foo_bar`) would be
/// one field twice; later ones get a numeric suffix and keep their JSON name through `rename`.
/// The prepare pass warned about each, with the same suffix.
fn dedupe_field_names(items: &mut [Item]) {
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(named) = &mut s.fields else {
            continue;
        };
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for field in named.named.iter_mut() {
            let Some(ident) = field.ident.clone() else {
                continue;
            };
            let count = seen.entry(ident.to_string()).or_insert(0);
            *count += 1;
            if *count == 1 {
                continue;
            }
            let json = json_name(field);
            let base = ident.to_string();
            let renamed = syn::Ident::new(
                &format!("{}_{count}", base.trim_end_matches('_')),
                ident.span(),
            );
            if serde_arg(&field.attrs, "rename").is_none() {
                field.attrs.push(parse_quote!(#[serde(rename = #json)]));
            }
            field.ident = Some(renamed);
        }
    }
}

/// A list or map field that may be absent decodes `null` as empty too: APIs send `null` where
/// their spec promises an empty container, and one such member must not fail a whole response.
fn null_as_default(items: &mut [Item]) {
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(named) = &mut s.fields else {
            continue;
        };
        for field in named.named.iter_mut() {
            let ty = field.ty.to_token_stream().to_string();
            if ty.starts_with(":: std :: option :: Option") {
                continue;
            }
            let defaulted = serde_arg(&field.attrs, "default").is_some();
            if defaulted {
                field.attrs.push(
                    parse_quote!(#[serde(deserialize_with = "crate::runtime::null_as_default")]),
                );
            }
        }
    }
}

/// Types that only ever arrive in responses are `#[non_exhaustive]`: callers never build them,
/// so a field added to the API is an additive change. Types reachable from a parameter stay
/// exhaustive, so callers can build them with a struct literal.
fn mark_response_only(items: &mut [Item], roots: &BTreeSet<String>) {
    let mut refs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in items.iter() {
        match item {
            Item::Struct(s) => {
                let text = s.fields.to_token_stream().to_string();
                refs.insert(s.ident.to_string(), words(&text).collect());
            }
            Item::Enum(e) => {
                let text = e.variants.to_token_stream().to_string();
                refs.insert(e.ident.to_string(), words(&text).collect());
            }
            _ => {}
        }
    }
    let mut reachable: BTreeSet<String> = BTreeSet::new();
    let mut todo: Vec<String> = roots
        .iter()
        .filter(|r| refs.contains_key(*r))
        .cloned()
        .collect();
    while let Some(t) = todo.pop() {
        if !reachable.insert(t.clone()) {
            continue;
        }
        if let Some(next) = refs.get(&t) {
            todo.extend(
                next.iter()
                    .filter(|n| refs.contains_key(*n) && !reachable.contains(*n))
                    .cloned(),
            );
        }
    }
    for item in items.iter_mut() {
        if let Item::Struct(s) = item
            && matches!(s.fields, Fields::Named(_))
            && !reachable.contains(&s.ident.to_string())
        {
            s.attrs.push(parse_quote!(#[non_exhaustive]));
        }
    }
}

fn types_pass(
    ctx: &mut Ctx<'_>,
    m: &mut ItemMod,
    facts: &ApiFacts,
    request_roots: &BTreeSet<String>,
) -> R<()> {
    let Some((_, items)) = &mut m.content else {
        return Ok(());
    };
    mark_response_only(items, request_roots);
    null_as_default(items);
    dedupe_field_names(items);
    let open: BTreeSet<String> = items
        .iter()
        .filter_map(|i| match i {
            Item::Enum(e) if is_string_enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    let three_state: BTreeMap<String, &BTreeSet<String>> = facts
        .nullable_body_fields
        .iter()
        .map(|(schema, fields)| (pascal_case(schema), fields))
        .collect();
    let mut found = BTreeSet::new();
    let mut added = Vec::new();
    for item in items.iter_mut() {
        match item {
            Item::Enum(e) if open.contains(&e.ident.to_string()) => added.push(open_enum(e)),
            Item::Impl(imp) => {
                let self_ty = imp.self_ty.to_token_stream().to_string();
                if open.contains(&self_ty) {
                    open_enum_impl(imp);
                }
            }
            Item::Struct(s) => {
                if let Some(fields) = three_state.get(&s.ident.to_string()) {
                    found.insert(s.ident.to_string());
                    three_state_fields(s, fields);
                }
            }
            _ => {}
        }
    }
    items.extend(added);
    document_gaps(items);
    for (name, schema) in three_state.keys().zip(facts.nullable_body_fields.keys()) {
        if !found.contains(name) {
            ctx.warn(
                &format!("/components/schemas/{schema}"),
                format!("request body type `{name}` not found; its nullable fields cannot be cleared with null"),
            )?;
        }
    }
    Ok(())
}

/// A typify enum of string constants: unit variants only.
fn is_string_enum(e: &ItemEnum) -> bool {
    !e.variants.is_empty() && e.variants.iter().all(|v| matches!(v.fields, Fields::Unit))
}

/// Adds a catch-all variant so that a value added to the API later decodes instead of failing
/// the whole response, and returns an `as_str` impl spelling every value.
fn open_enum(e: &mut ItemEnum) -> Item {
    let arms: Vec<TokenStream> = e
        .variants
        .iter()
        .map(|v| {
            let ident = &v.ident;
            let json = variant_json_name(v);
            quote!(Self::#ident => #json,)
        })
        .collect();
    for attr in &mut e.attrs {
        if attr.path().is_ident("derive") {
            let text = attr.to_token_stream().to_string();
            if text.contains("Copy") {
                let list: syn::Meta = attr.meta.clone();
                if let syn::Meta::List(l) = list {
                    let kept: Vec<TokenStream> = l
                        .parse_args_with(
                            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                        )
                        .map(|p| {
                            p.into_iter()
                                .filter(|path| !path.is_ident("Copy"))
                                .map(|path| path.to_token_stream())
                                .collect()
                        })
                        .unwrap_or_default();
                    *attr = parse_quote!(#[derive(#(#kept),*)]);
                }
            }
        }
    }
    // Values the API adds later are additive changes: callers' matches need a wildcard arm.
    e.attrs.push(parse_quote!(#[non_exhaustive]));
    e.variants.push(parse_quote! {
        /// A value this version of the client does not know, kept as received.
        #[serde(untagged)]
        Unknown(::std::string::String)
    });
    let name = &e.ident;
    parse_quote! {
        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#arms)*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }
    }
}

pub(crate) fn variant_json_name(v: &syn::Variant) -> String {
    serde_arg(&v.attrs, "rename")
        .flatten()
        .unwrap_or_else(|| v.ident.to_string())
}

/// Looks `key` up in `#[serde(...)]` attributes: `Some(Some(v))` for `key = "v"`, `Some(None)`
/// for a bare `key`, `None` when absent.
pub(crate) fn serde_arg(attrs: &[syn::Attribute], key: &str) -> Option<Option<String>> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            let is_key = meta.path.is_ident(key);
            if meta.input.peek(syn::Token![=]) {
                let value: syn::Expr = meta.value()?.parse()?;
                if is_key
                    && let Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) = value
                {
                    found = Some(Some(s.value()));
                }
            } else if is_key {
                found = Some(None);
            }
            Ok(())
        });
    }
    found
}

fn open_enum_impl(imp: &mut ItemImpl) {
    let Some(trait_) = &imp.trait_ else { return };
    let trait_name = trait_
        .0
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    for item in &mut imp.items {
        let ImplItem::Fn(f) = item else { continue };
        match trait_name.as_str() {
            "Display" => {
                f.block = parse_quote!({ f.write_str(self.as_str()) });
            }
            "FromStr" => {
                struct Fallback;
                impl VisitMut for Fallback {
                    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
                        if matches!(arm.pat, syn::Pat::Wild(_)) {
                            arm.body = parse_quote!(Ok(Self::Unknown(value.to_string())));
                        }
                    }
                }
                Fallback.visit_block_mut(&mut f.block);
            }
            _ => {}
        }
    }
}

/// `Option<T>` → `Option<Option<T>>` for nullable, optional request fields: `None` leaves the
/// field out, `Some(None)` sends `null`, `Some(Some(v))` sends the value.
fn three_state_fields(s: &mut ItemStruct, json_names: &BTreeSet<String>) {
    let Fields::Named(named) = &mut s.fields else {
        return;
    };
    for field in named.named.iter_mut() {
        let json = json_name(field);
        if !json_names.contains(&json) {
            continue;
        }
        let ty = &field.ty;
        let text = ty.to_token_stream().to_string();
        if !text.starts_with(":: std :: option :: Option") {
            continue;
        }
        field.ty = parse_quote!(::std::option::Option<#ty>);
        let rename = field.attrs.iter().find_map(|a| {
            if !a.path().is_ident("serde") {
                return None;
            }
            let t = a.to_token_stream().to_string();
            t.contains("rename").then(|| json.clone())
        });
        field.attrs.retain(|a| !a.path().is_ident("serde"));
        let rename = rename.map(|r| quote!(rename = #r,));
        field.attrs.push(parse_quote! {
            #[serde(
                #rename
                default,
                skip_serializing_if = "::std::option::Option::is_none",
                with = "::serde_with::rust::double_option"
            )]
        });
    }
}

/// The JSON name of a struct field: its `rename`, else its identifier.
pub(crate) fn json_name(field: &Field) -> String {
    serde_arg(&field.attrs, "rename")
        .flatten()
        .unwrap_or_else(|| {
            field
                .ident
                .as_ref()
                .map(|i| i.to_string().trim_start_matches("r#").to_string())
                .unwrap_or_default()
        })
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
        let line = attrs.iter().find_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => {
                    let v = s.value();
                    let t = v.trim().to_string();
                    (!t.is_empty() && !t.starts_with('`')).then_some(t)
                }
                _ => None,
            },
            _ => None,
        });
        if let Some(line) = line {
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
                    let text = f.ty.to_token_stream().to_string();
                    let doc = text
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .filter(|w| !w.is_empty())
                        .find_map(|w| first_lines.get(w).cloned())
                        .unwrap_or_else(|| format!("The `{}` member.", json_name(f)));
                    f.attrs.insert(0, parse_quote!(#[doc = #doc]));
                }
            }
            Item::Enum(e) => {
                for v in e.variants.iter_mut() {
                    if has_doc(&v.attrs) || !matches!(v.fields, Fields::Unit) {
                        continue;
                    }
                    let doc = format!("The value `{}`.", variant_json_name(v));
                    v.attrs.insert(0, parse_quote!(#[doc = #doc]));
                }
            }
            _ => {}
        }
    }
}
