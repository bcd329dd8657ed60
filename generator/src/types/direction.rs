//! Which way each type travels: the types reachable from what operations send and from what
//! they answer, response-only models marked `#[non_exhaustive]`, and serde derives by
//! direction.

use std::collections::{BTreeMap, BTreeSet};

use quote::format_ident;
use syn::punctuated::Punctuated;
use syn::{Fields, Item, Token, parse_quote};

use crate::base::syn_util::type_idents;

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
