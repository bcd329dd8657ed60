//! Enums of strings kept open to values the API adds later: a catch-all variant holding the
//! unknown value, decoding that reads the string in place, and `as_str`, `Display` and `FromStr`
//! through the wire value.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::punctuated::Punctuated;
use syn::{Fields, ImplItem, Item, ItemEnum, ItemImpl, Token, parse_quote};

use crate::base::syn_util::variant_json_name;

/// A typify enum of string constants: unit variants only.
pub(crate) fn is_string_enum(e: &ItemEnum) -> bool {
    !e.variants.is_empty() && e.variants.iter().all(|v| matches!(v.fields, Fields::Unit))
}

/// Adds a catch-all variant so that a value added to the API later decodes instead of failing
/// the whole response. Decoding reads the string in place and matches it, rather than trying
/// each variant in turn as an untagged variant would; an enum that is only sent (`decoded`
/// false) decodes only with the `test-util` feature. Returns the enum's new impls.
pub(crate) fn open_enum(e: &mut ItemEnum, decoded: bool) -> Vec<Item> {
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
pub(crate) fn open_enum_impl(imp: &mut ItemImpl) {
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
