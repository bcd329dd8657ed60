//! The generated enums of the unions a discriminator tells apart (found by
//! `passes::tagged_unions`): internally tagged (`#[serde(tag = "message_type")]`, a `rename` per
//! variant) when the alternatives' types have lost the tag property, else given a
//! `Deserialize` that reads the tag and decodes the variant it names. Each variant is named
//! after its tag.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, Fields, Item, ItemEnum, parse_quote};

use crate::base::naming;
use crate::base::syn_util::last_ident;
use crate::passes::tagged_unions::TaggedUnion;

/// Makes the generated enum of each union tag its variants: internally tagged, or decoded by
/// reading the tag first (`by_marker`). Each variant is named after its tag (`Close`,
/// `Snoozed`), so that its name follows the API's own word for it.
pub(crate) fn apply(items: &mut Vec<Item>, unions: &[TaggedUnion]) {
    let mut added = Vec::new();
    let mut renamed: Vec<(String, Vec<(syn::Ident, syn::Ident)>)> = Vec::new();
    for (i, item) in items.iter_mut().enumerate() {
        let Item::Enum(e) = item else { continue };
        let Some(u) = unions.iter().find(|u| e.ident == naming::pascal(&u.schema)) else {
            continue;
        };
        let tags = variant_tags(e, u);
        if tags.len() != e.variants.len() {
            // The type engine shaped the enum otherwise than one variant per alternative.
            continue;
        }
        let names: Vec<syn::Ident> = tags
            .iter()
            .map(|t| syn::Ident::new(&naming::pascal(t), proc_macro2::Span::call_site()))
            .collect();
        let distinct: BTreeSet<&syn::Ident> = names.iter().collect();
        if distinct.len() == names.len() && names.iter().all(|n| !n.to_string().is_empty()) {
            let mut pairs = Vec::new();
            for (v, name) in e.variants.iter_mut().zip(&names) {
                if v.ident != *name {
                    pairs.push((v.ident.clone(), name.clone()));
                    v.ident = name.clone();
                }
            }
            renamed.push((e.ident.to_string(), pairs));
        }
        if u.by_marker {
            if let Some(cfg) = take_deserialize(&mut e.attrs) {
                gate_serde_attrs(&mut e.attrs);
                added.push((i, marker_deserialize(e, u, &tags, cfg)));
            }
        } else {
            let property = &u.property;
            e.attrs.retain(|a| !is_untagged(a));
            e.attrs.push(parse_quote!(#[serde(tag = #property)]));
            for (v, tag) in e.variants.iter_mut().zip(&tags) {
                v.attrs.push(parse_quote!(#[serde(rename = #tag)]));
            }
        }
    }
    for (i, imp) in added.into_iter().rev() {
        items.insert(i + 1, imp);
    }
    for item in items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        let Some(name) = crate::types::self_ident(imp) else {
            continue;
        };
        if let Some((_, pairs)) = renamed.iter().find(|(e, _)| *e == name) {
            syn::visit_mut::VisitMut::visit_item_impl_mut(&mut RenameVariants(pairs), imp);
        }
    }
}

/// Renames `Self::Old` to `Self::New` in an enum's impls, after its variants were renamed.
struct RenameVariants<'a>(&'a [(syn::Ident, syn::Ident)]);

impl syn::visit_mut::VisitMut for RenameVariants<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.segments.len() == 2 && path.segments[0].ident == "Self" {
            let second = &mut path.segments[1].ident;
            if let Some((_, new)) = self.0.iter().find(|(old, _)| old == second) {
                *second = new.clone();
            }
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

/// Puts the enum's `#[serde(…)]` attributes under the feature its remaining serde derive is
/// under, when it has no serde derive otherwise; drops them when it has none at all.
fn gate_serde_attrs(attrs: &mut Vec<Attribute>) {
    let derives_serde = attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && a.parse_args_with(Paths::parse_terminated).is_ok_and(|p| {
                p.iter()
                    .any(|p| p.segments.first().is_some_and(|s| s.ident == "serde"))
            })
    });
    if derives_serde {
        return;
    }
    let feature = attrs.iter().find_map(|a| {
        let metas = a.parse_args_with(Metas::parse_terminated).ok()?;
        let (syn::Meta::NameValue(condition), syn::Meta::List(list)) =
            (metas.first()?, metas.get(1)?)
        else {
            return None;
        };
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(feature),
            ..
        }) = &condition.value
        else {
            return None;
        };
        (a.path().is_ident("cfg_attr") && list.path.is_ident("derive")).then(|| feature.value())
    });
    let serde: Vec<TokenStream> = attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .filter_map(|a| a.meta.require_list().ok().map(|l| l.tokens.clone()))
        .collect();
    attrs.retain(|a| !a.path().is_ident("serde"));
    if let Some(feature) = feature {
        // After the derive that introduces them.
        for tokens in serde {
            attrs.push(parse_quote!(#[cfg_attr(feature = #feature, serde(#tokens))]));
        }
    }
}

/// The tag of each variant of `e`, in order, found by the type each one holds.
fn variant_tags(e: &ItemEnum, u: &TaggedUnion) -> Vec<String> {
    e.variants
        .iter()
        .filter_map(|v| {
            let Fields::Unnamed(f) = &v.fields else {
                return None;
            };
            let held = last_ident(&f.unnamed.first()?.ty)?.to_string();
            u.variants
                .iter()
                .find(|(component, _)| naming::pascal(component) == held)
                .map(|(_, tag)| tag.clone())
        })
        .collect()
}

fn is_untagged(a: &Attribute) -> bool {
    a.path().is_ident("serde") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "untagged")
}

/// Removes the enum's `Deserialize` derive; returns `None` when it has none, else the feature
/// the derive was under (`Some(None)` when it was unconditional).
fn take_deserialize(attrs: &mut Vec<Attribute>) -> Option<Option<String>> {
    let mut found = None;
    let mut emptied = Vec::new();
    for (i, attr) in attrs.iter_mut().enumerate() {
        if attr.path().is_ident("derive") {
            let Ok(paths) = attr.parse_args_with(Paths::parse_terminated) else {
                continue;
            };
            let kept: Vec<&syn::Path> = paths.iter().filter(|p| !is_deserialize(p)).collect();
            if kept.len() == paths.len() {
                continue;
            }
            found = Some(None);
            if kept.is_empty() {
                emptied.push(i);
            } else {
                *attr = parse_quote!(#[derive(#(#kept),*)]);
            }
        } else if attr.path().is_ident("cfg_attr") {
            // `#[cfg_attr(feature = "…", derive(::serde::Deserialize))]`, as the serde pass
            // writes it.
            let Ok(metas) = attr.parse_args_with(Metas::parse_terminated) else {
                continue;
            };
            let (Some(syn::Meta::NameValue(condition)), Some(syn::Meta::List(list))) =
                (metas.first(), metas.get(1))
            else {
                continue;
            };
            let derives_only_deserialize = list.path.is_ident("derive")
                && list
                    .parse_args_with(Paths::parse_terminated)
                    .is_ok_and(|p| p.len() == 1 && p.iter().all(is_deserialize));
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(feature),
                ..
            }) = &condition.value
            else {
                continue;
            };
            if condition.path.is_ident("feature") && derives_only_deserialize {
                found = Some(Some(feature.value()));
                emptied.push(i);
            }
        }
    }
    for i in emptied.into_iter().rev() {
        attrs.remove(i);
    }
    found
}

type Paths = syn::punctuated::Punctuated<syn::Path, syn::Token![,]>;
type Metas = syn::punctuated::Punctuated<syn::Meta, syn::Token![,]>;

fn is_deserialize(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|s| s.ident == "Deserialize")
}

/// A `Deserialize` for the enum `e` that reads the tag and decodes the variant it names; a
/// body without the tag is tried against each variant in turn.
fn marker_deserialize(
    e: &ItemEnum,
    u: &TaggedUnion,
    tags: &[String],
    feature: Option<String>,
) -> Item {
    let ident = &e.ident;
    let property = &u.property;
    let arms: Vec<TokenStream> = e
        .variants
        .iter()
        .zip(tags)
        .map(|(v, tag)| {
            let name = &v.ident;
            quote! {
                ::std::option::Option::Some(#tag) => ::serde_json::from_value(value)
                    .map(Self::#name)
                    .map_err(::serde::de::Error::custom),
            }
        })
        .collect();
    let tries: Vec<TokenStream> = e
        .variants
        .iter()
        .map(|v| {
            let name = &v.ident;
            quote! {
                if let ::std::result::Result::Ok(v) = ::serde_json::from_value(value.clone()) {
                    return ::std::result::Result::Ok(Self::#name(v));
                }
            }
        })
        .collect();
    let expected = tags
        .iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let unknown = format!("`{property}` is {{:?}}, not one of {expected}");
    let untagged = format!("no `{property}`, and the body fits none of {expected}");
    let cfg = feature.map(|f| quote!(#[cfg(feature = #f)]));
    let doc = format!(" Decodes the alternative that `{property}` names.");
    parse_quote! {
        #cfg
        impl<'de> ::serde::Deserialize<'de> for #ident {
            #[doc = #doc]
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#property).and_then(::serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    ::std::option::Option::Some(other) => ::std::result::Result::Err(
                        ::serde::de::Error::custom(::std::format_args!(#unknown, other)),
                    ),
                    ::std::option::Option::None => {
                        #(#tries)*
                        ::std::result::Result::Err(::serde::de::Error::custom(#untagged))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_become_internally_tagged_or_decode_by_their_marker() {
        let unions = [
            TaggedUnion {
                schema: "manage".into(),
                property: "message_type".into(),
                variants: vec![("close".into(), "close".into())],
                by_marker: false,
            },
            TaggedUnion {
                schema: "lookup".into(),
                property: "type".into(),
                variants: vec![("one".into(), "one".into())],
                by_marker: true,
            },
        ];
        let mut items: Vec<Item> = vec![
            parse_quote! {
                #[derive(::serde::Serialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum Manage { Close(Close) }
            },
            parse_quote! {
                #[derive(::serde::Deserialize, Clone, Debug)]
                #[serde(untagged)]
                #[cfg_attr(feature = "test-util", derive(::serde::Serialize))]
                pub enum Lookup { Variant0(One) }
            },
            parse_quote! {
                impl ::std::convert::From<One> for Lookup {
                    fn from(value: One) -> Self {
                        Self::Variant0(value)
                    }
                }
            },
        ];
        apply(&mut items, &unions);
        let Item::Enum(manage) = &items[0] else {
            panic!()
        };
        let expected: ItemEnum = parse_quote! {
            #[derive(::serde::Serialize, Clone, Debug)]
            #[serde(tag = "message_type")]
            pub enum Manage {
                #[serde(rename = "close")]
                Close(Close)
            }
        };
        assert_eq!(manage, &expected);
        let Item::Enum(lookup) = &items[1] else {
            panic!()
        };
        let expected: Vec<syn::Attribute> = vec![
            parse_quote!(#[derive(Clone, Debug)]),
            parse_quote!(#[cfg_attr(feature = "test-util", derive(::serde::Serialize))]),
            parse_quote!(#[cfg_attr(feature = "test-util", serde(untagged))]),
        ];
        // Without the feature the enum has no serde derive, so its serde attributes go with it.
        assert_eq!(lookup.attrs, expected);
        assert_eq!(lookup.variants[0].ident, "One");
        let Item::Impl(imp) = &items[2] else {
            panic!("a Deserialize impl follows")
        };
        assert!(crate::types::self_ident(imp).as_deref() == Some("Lookup"));
        let Item::Impl(from) = &items[3] else {
            panic!("the From impl")
        };
        // `From<One>` wraps the value in its variant: `Self::One(value)`.
        let wraps: syn::Expr = parse_quote!(Self::One(value));
        let body = from.items.iter().find_map(|item| match item {
            syn::ImplItem::Fn(f) => f.block.stmts.last().cloned(),
            _ => None,
        });
        assert!(
            matches!(body, Some(syn::Stmt::Expr(ref e, None)) if *e == wraps),
            "{body:?}"
        );
    }
}
