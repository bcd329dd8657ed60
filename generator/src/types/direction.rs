//! Which way each type travels: the types reachable from what operations send and from what
//! they answer, response-only models marked `#[non_exhaustive]`, and serde derives by
//! direction.

use std::collections::{BTreeMap, BTreeSet};

use quote::format_ident;
use syn::punctuated::Punctuated;
use syn::{Fields, Item, Token, parse_quote};

use crate::base::syn_util::type_idents;

/// Which types each struct and enum of a module names in its fields and variants: built once
/// and asked many times (once per operation, for the features by resource).
pub(crate) struct TypeGraph(BTreeMap<String, BTreeSet<String>>);

impl TypeGraph {
    /// The graph of the structs and enums among `items`.
    pub(crate) fn of(items: &[Item]) -> Self {
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
        Self(refs)
    }

    /// The names of the types reachable from `roots` through the fields and variants of the
    /// module's structs and enums, the roots included.
    pub(crate) fn reachable(&self, roots: &BTreeSet<String>) -> BTreeSet<String> {
        let refs = &self.0;
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
}

/// Types that only ever arrive in responses are `#[non_exhaustive]`: callers never build them,
/// so a field added to the API is an additive change. Types reachable from a parameter (`sent`)
/// stay exhaustive, so callers can build them with a struct literal.
pub(crate) fn mark_response_only(items: &mut [Item], sent: &BTreeSet<String>) {
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
pub(crate) fn serde_by_direction(
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

/// The functions of the `defaults` and `fixed` modules that only a `Deserialize` derived for
/// tests calls (the defaults of a request type's fields) are compiled with `test-util` only, and
/// those that
/// only `builders` (the models' builders, behind the `builders` feature) call, with that
/// feature: without them they would be dead code, which a crate that denies warnings refuses.
pub(crate) fn gate_test_only_defaults(items: &mut [Item], builders: &[Item]) {
    let mut always: BTreeSet<String> = BTreeSet::new();
    let mut for_tests: BTreeSet<String> = BTreeSet::new();
    for item in items.iter() {
        let (attrs, fields): (&[syn::Attribute], Vec<&syn::Field>) = match item {
            Item::Struct(s) => (&s.attrs, s.fields.iter().collect()),
            Item::Enum(e) => (
                &e.attrs,
                e.variants.iter().flat_map(|v| v.fields.iter()).collect(),
            ),
            Item::Mod(m) if m.ident == "defaults" || m.ident == "fixed" => continue,
            // Code (an `impl Default`, a builder) that calls a default itself.
            other => {
                let mut calls = DefaultCalls(&mut always);
                syn::visit::Visit::visit_item(&mut calls, other);
                continue;
            }
        };
        let set = if derives(attrs, "Deserialize") {
            &mut always
        } else {
            &mut for_tests
        };
        set.extend(fields.iter().filter_map(|f| default_function(&f.attrs)));
    }
    let mut by_builders: BTreeSet<String> = BTreeSet::new();
    for item in builders {
        syn::visit::Visit::visit_item(&mut DefaultCalls(&mut by_builders), item);
    }
    for item in items.iter_mut() {
        let Item::Mod(m) = item else { continue };
        if m.ident != "defaults" && m.ident != "fixed" {
            continue;
        }
        let module = m.ident.to_string();
        let Some((_, content)) = &mut m.content else {
            continue;
        };
        for f in content.iter_mut() {
            let Item::Fn(f) = f else { continue };
            let name = format!("{module}::{}", f.sig.ident);
            if always.contains(&name) {
                continue;
            }
            match (for_tests.contains(&name), by_builders.contains(&name)) {
                (true, true) => f.attrs.push(parse_quote!(
                    #[cfg(any(feature = "test-util", feature = "builders"))]
                )),
                (true, false) => f.attrs.push(parse_quote!(#[cfg(feature = "test-util")])),
                (false, true) => f.attrs.push(parse_quote!(#[cfg(feature = "builders")])),
                (false, false) => {}
            }
        }
    }
}

/// Collects the `defaults` and `fixed` functions a piece of code calls, by path
/// (`defaults::name`, `fixed::name`).
struct DefaultCalls<'a>(&'a mut BTreeSet<String>);

impl<'ast> syn::visit::Visit<'ast> for DefaultCalls<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let mut last = path.segments.iter().rev();
        if let (Some(name), Some(module)) = (last.next(), last.next())
            && (module.ident == "defaults" || module.ident == "fixed")
        {
            self.0.insert(format!("{}::{}", module.ident, name.ident));
        }
        syn::visit::visit_path(self, path);
    }
}

/// The function of the `defaults` or `fixed` module that a `#[serde(default = "…")]` among
/// `attrs` calls, by path.
fn default_function(attrs: &[syn::Attribute]) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("default") && meta.input.peek(Token![=]) {
                let path: syn::LitStr = meta.value()?.parse()?;
                // Without generic arguments (`defaults::default_bool::<true>`), as the
                // function is named.
                let path = path.value();
                let path = path.split_once("::<").map_or(path.as_str(), |(p, _)| p);
                if path.starts_with("defaults::") || path.starts_with("fixed::") {
                    found = Some(path.to_string());
                }
            } else if meta.input.peek(Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
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

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse::Parser as _;

    #[test]
    fn defaults_only_a_test_deserializer_calls_are_compiled_for_tests_only() {
        let file: syn::File = parse_quote! {
            #[derive(::serde::Serialize)]
            #[cfg_attr(feature = "test-util", derive(::serde::Deserialize))]
            pub enum Body {
                A {
                    #[serde(rename = "algo", default = "defaults::body_a_algorithm")]
                    algorithm: Algorithm,
                },
            }
            #[derive(::serde::Deserialize)]
            pub struct Answer {
                #[serde(default = "defaults::answer_size")]
                size: Size,
                #[serde(default = "defaults::shared")]
                shared: Size,
                #[serde(default = "defaults::default_bool::<true>")]
                flag: bool,
            }
            #[derive(::serde::Serialize)]
            #[cfg_attr(feature = "test-util", derive(::serde::Deserialize))]
            pub struct Request {
                #[serde(default = "defaults::shared")]
                shared: Size,
            }
            impl Default for Request {
                fn default() -> Self {
                    Self { shared: defaults::called() }
                }
            }
            pub(super) mod defaults {
                pub(super) fn called() -> super::Size { todo!() }
                pub(super) fn body_a_algorithm() -> super::Algorithm { todo!() }
                pub(super) fn answer_size() -> super::Size { todo!() }
                pub(super) fn shared() -> super::Size { todo!() }
                pub(super) fn built() -> super::Size { todo!() }
                pub(super) fn both() -> super::Size { todo!() }
                pub(super) fn default_bool<const V: bool>() -> bool { V }
            }
        };
        let builders: syn::File = parse_quote! {
            impl RequestBuilder {
                pub fn build(self) -> Request {
                    let _ = (defaults::built(), defaults::both(), defaults::shared());
                    let _ = defaults::default_bool::<true>();
                    todo!()
                }
            }
        };
        let mut items = file.items;
        // `both` is also the default of a field that only a test deserializer reads.
        if let Some(Item::Struct(request)) = items.get_mut(2) {
            let field: syn::Field = syn::Field::parse_named
                .parse2(quote::quote!(#[serde(default = "defaults::both")] both: Size))
                .expect("a field");
            if let Fields::Named(named) = &mut request.fields {
                named.named.push(field);
            }
        }
        gate_test_only_defaults(&mut items, &builders.items);
        let Some(Item::Mod(m)) = items.last() else {
            panic!("the defaults module")
        };
        let gated: Vec<(String, syn::Attribute)> = m
            .content
            .as_ref()
            .expect("content")
            .1
            .iter()
            .filter_map(|i| match i {
                Item::Fn(f) if !f.attrs.is_empty() => {
                    Some((f.sig.ident.to_string(), f.attrs[0].clone()))
                }
                _ => None,
            })
            .collect();
        let tests: syn::Attribute = parse_quote!(#[cfg(feature = "test-util")]);
        let built: syn::Attribute = parse_quote!(#[cfg(feature = "builders")]);
        let either: syn::Attribute =
            parse_quote!(#[cfg(any(feature = "test-util", feature = "builders"))]);
        assert_eq!(
            gated,
            [
                ("body_a_algorithm".to_string(), tests),
                ("built".to_string(), built),
                ("both".to_string(), either),
            ]
        );
    }
}
