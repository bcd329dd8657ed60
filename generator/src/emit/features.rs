//! `features_per_tag`: each operation behind a Cargo feature named after its tag, and each type
//! behind the features of the operations that reach it, so that a crate built for one resource
//! compiles only that resource's code.

use std::collections::{BTreeMap, BTreeSet};

use syn::{Item, parse_quote};

use crate::base::syn_util::type_idents;
use crate::model::{Operation, Success};

/// The Cargo feature of an operation without tags.
const UNTAGGED: &str = "untagged";

/// The feature that enables every other one, and the types no operation reaches.
pub(crate) const FULL: &str = "full";

/// A tag's feature name: lowercase, with every run of other characters than letters and digits
/// one `-` (`Data Events` → `data-events`); `tag` when nothing is left, `tag-full` for `full`.
pub(crate) fn feature_name(tag: &str) -> String {
    let mut out = String::new();
    for c in tag.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    match out.as_str() {
        "" => "tag".to_string(),
        FULL => format!("tag-{FULL}"),
        _ => out,
    }
}

/// The features of one operation: one per tag, or `untagged`.
pub(crate) fn of_operation(op: &Operation) -> BTreeSet<String> {
    let mut set: BTreeSet<String> = op.tags.iter().map(|t| feature_name(t)).collect();
    if set.is_empty() {
        set.insert(UNTAGGED.to_string());
    }
    set
}

/// Every feature the operations use, in name order.
pub(crate) fn all(operations: &[Operation]) -> Vec<String> {
    operations
        .iter()
        .flat_map(of_operation)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// `#[cfg(...)]` for an item wanted by any of `features`; `None` when every feature wants it.
pub(crate) fn cfg(features: &BTreeSet<String>, every: usize) -> Option<syn::Attribute> {
    if features.len() >= every {
        return None;
    }
    let names = features.iter();
    Some(if features.len() == 1 {
        parse_quote!(#[cfg(feature = #(#names)*)])
    } else {
        parse_quote!(#[cfg(any(#(feature = #names),*))])
    })
}

/// `#[cfg(...)]` for an item that needs one of each of `sets` of features: `all(any(..), ..)`,
/// without the sets every feature has; `None` when nothing is left.
fn cfg_all(sets: Vec<BTreeSet<String>>, every: usize) -> Option<syn::Attribute> {
    let sets: BTreeSet<BTreeSet<String>> = sets.into_iter().filter(|s| s.len() < every).collect();
    let mut sets = sets.into_iter();
    let first = sets.next()?;
    let rest: Vec<BTreeSet<String>> = sets.collect();
    if rest.is_empty() {
        return cfg(&first, every);
    }
    let any = std::iter::once(&first).chain(&rest).map(|set| {
        let names = set.iter();
        quote::quote!(any(#(feature = #names),*))
    });
    Some(parse_quote!(#[cfg(all(#(#any),*))]))
}

/// Puts each item of the `types` module behind the features of the operations that reach its
/// type: a struct or enum by its name, an impl by the type it is for, a builder by the type it
/// builds. A type no operation reaches is behind `full`.
pub(crate) fn gate_types(items: &mut [Item], operations: &[Operation]) {
    let every = all(operations).len();
    let mut wanted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let graph = crate::types::TypeGraph::of(items);
    for op in operations {
        let mut roots: BTreeSet<String> = op
            .params
            .iter()
            .map(|p| &p.ty)
            .chain(op.body.as_ref().map(|b| &b.ty))
            .flat_map(type_idents)
            .collect();
        if let Success::Json(ty) = &op.success {
            roots.extend(type_idents(&**ty));
        }
        let features = of_operation(op);
        for name in graph.reachable(&roots) {
            wanted
                .entry(name)
                .or_default()
                .extend(features.iter().cloned());
        }
    }
    let types: BTreeSet<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    let full: BTreeSet<String> = [FULL.to_string()].into();
    // `FooBuilder` goes with `Foo`.
    let owner = |name: &str| -> String {
        match name.strip_suffix("Builder") {
            Some(built) if types.contains(built) => built.to_string(),
            _ => name.to_string(),
        }
    };
    let features_of = |name: &str| wanted.get(&owner(name)).unwrap_or(&full).clone();
    // Any other item needs every type it names: an impl the type it is for and the types of
    // its trait's arguments, a helper function the types in its signature and body.
    let needed = |item: &Item| -> Vec<BTreeSet<String>> {
        let names = match item {
            Item::Impl(imp) => {
                let mut names = type_idents(&*imp.self_ty);
                if let Some((path, _)) = &imp.trait_ {
                    let ty: syn::Type = parse_quote!(#path);
                    names.extend(type_idents(&ty));
                }
                names
            }
            other => type_idents(other),
        };
        names
            .iter()
            .filter(|n| types.contains(*n))
            .map(|n| features_of(n))
            .collect()
    };
    for item in items.iter_mut() {
        let features = match &*item {
            Item::Struct(s) => vec![features_of(&s.ident.to_string())],
            Item::Enum(e) => vec![features_of(&e.ident.to_string())],
            Item::Mod(_) => Vec::new(),
            other => needed(other),
        };
        if let Item::Mod(m) = item {
            {
                // A module of helpers (serde defaults, fixed values): each helper behind the
                // types it names; one that names none may go unused in a build of one tag.
                if let Some((_, inner)) = &mut m.content {
                    for sub in inner.iter_mut() {
                        if let Some(attr) = cfg_all(needed(sub), every)
                            && let Some(attrs) = attrs_of(sub)
                        {
                            attrs.insert(0, attr);
                        }
                    }
                    m.attrs.push(parse_quote!(#[allow(dead_code)]));
                }
            }
        }
        if let Some(attr) = cfg_all(features, every)
            && let Some(attrs) = attrs_of(item)
        {
            attrs.insert(0, attr);
        }
    }
}

/// The attributes of an item that can carry a `#[cfg]`.
fn attrs_of(item: &mut Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        Item::Struct(s) => Some(&mut s.attrs),
        Item::Enum(e) => Some(&mut e.attrs),
        Item::Impl(i) => Some(&mut i.attrs),
        Item::Fn(f) => Some(&mut f.attrs),
        Item::Const(c) => Some(&mut c.attrs),
        Item::Type(t) => Some(&mut t.attrs),
        Item::Use(u) => Some(&mut u.attrs),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn tags_become_cargo_feature_names() {
        assert_eq!(feature_name("Data Events"), "data-events");
        assert_eq!(feature_name("Help Center "), "help-center");
        assert_eq!(feature_name("contacts"), "contacts");
        // `full` is taken, and a name needs a character.
        assert_eq!(feature_name("Full"), "tag-full");
        assert_eq!(feature_name("!!"), "tag");
    }

    #[test]
    fn an_item_needs_one_feature_of_each_type_it_names() {
        let every = 4;
        let one = cfg_all(vec![set(&["a"])], every).expect("a cfg");
        assert_eq!(
            one.to_token_stream().to_string(),
            "# [cfg (feature = \"a\")]"
        );
        let two = cfg_all(vec![set(&["a"]), set(&["b", "c"]), set(&["a"])], every).expect("a cfg");
        assert_eq!(
            two.to_token_stream().to_string(),
            "# [cfg (all (any (feature = \"a\") , any (feature = \"b\" , feature = \"c\")))]"
        );
        // A type every feature has needs no cfg.
        assert!(cfg_all(vec![set(&["a", "b", "c", "d"])], every).is_none());
        assert!(cfg_all(Vec::new(), every).is_none());
    }
}
