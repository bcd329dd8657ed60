//! A builder for every model with named fields, so that code using the client (and its tests)
//! can make a value of any type, response types included, without a struct literal:
//! `types::Contact::builder().id("c1").email("a@b.c").build()`. Setters take `impl Into<…>`;
//! `build` names the first required field left unset. For a three-state request field,
//! `.name(v)` sends a value and `.clear_name()` sends `null`.
//!
//! The builders are behind the crate's `builders` feature (which `test-util` turns on): they
//! are a large share of what the compiler checks in a large client (Stripe's crate, dev profile,
//! not incremental: 177 s with them, 125 s without), and code that only calls the API builds
//! its requests as struct literals.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Fields, Item, ItemStruct, Type, parse_quote};

use crate::base::syn_util::{first_type_argument, is_option, serde_arg};

/// How a field is set.
enum Kind {
    /// `Option<Option<T>>`: absent, `null` or a value.
    ThreeState(Type),
    /// `Option<T>`.
    Optional(Type),
    /// A field with a serde default: unset is the default.
    Defaulted(Type, Option<syn::Path>),
    /// A field that must be set.
    Required(Type),
}

fn kind(field: &syn::Field) -> Kind {
    let ty = &field.ty;
    if is_option(ty)
        && let Some(inner) = first_type_argument(ty)
    {
        if is_option(inner)
            && let Some(innermost) = first_type_argument(inner)
        {
            return Kind::ThreeState(innermost.clone());
        }
        return Kind::Optional(inner.clone());
    }
    match serde_arg(&field.attrs, "default") {
        Some(Some(path)) => Kind::Defaulted(ty.clone(), syn::parse_str(&path).ok()),
        Some(None) => Kind::Defaulted(ty.clone(), None),
        None => Kind::Required(ty.clone()),
    }
}

/// Adds `Name::builder()` and `NameBuilder` for each struct with named fields.
/// The builders of the structs among `items` (each behind the `builders` feature), to be added
/// to them.
pub(crate) fn of(items: &[Item]) -> Vec<Item> {
    let mut added = Vec::new();
    for item in items {
        if let Item::Struct(s) = item
            && matches!(s.fields, Fields::Named(_))
            && !s.fields.is_empty()
        {
            added.extend(builder(s));
        }
    }
    added
}

/// A setter storing `Some(value)` in the builder's slot for `field`.
fn set(doc: &str, setter: &syn::Ident, field: &syn::Ident, ty: &Type) -> TokenStream {
    quote! {
        #[doc = #doc]
        pub fn #setter(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
            self.#field = Some(value.into());
            self
        }
    }
}

fn builder(s: &ItemStruct) -> Vec<Item> {
    let name = &s.ident;
    let builder = format_ident!("{}Builder", name);
    let Fields::Named(named) = &s.fields else {
        return Vec::new();
    };
    let mut slots: Vec<TokenStream> = Vec::new();
    let mut setters: Vec<TokenStream> = Vec::new();
    let mut values: Vec<TokenStream> = Vec::new();
    for field in &named.named {
        let Some(ident) = &field.ident else { continue };
        let plain = ident.to_string();
        let plain = plain.trim_start_matches("r#").trim_end_matches('_');
        // A setter may not take the name of `build` itself.
        let setter = if plain == "build" {
            format_ident!("build_")
        } else {
            ident.clone()
        };
        let json = plain.to_string();
        let doc = format!("Sets `{json}`.");
        match kind(field) {
            Kind::ThreeState(inner) => {
                let clear = format_ident!("clear_{}", plain);
                let clear_doc = format!("Sends `{json}` as `null`, which clears it.");
                slots.push(quote!(#ident: ::std::option::Option<::std::option::Option<#inner>>));
                setters.push(quote! {
                    #[doc = #doc]
                    pub fn #setter(mut self, value: impl ::std::convert::Into<#inner>) -> Self {
                        self.#ident = Some(Some(value.into()));
                        self
                    }

                    #[doc = #clear_doc]
                    pub fn #clear(mut self) -> Self {
                        self.#ident = Some(None);
                        self
                    }
                });
                values.push(quote!(#ident: self.#ident));
            }
            Kind::Optional(inner) => {
                slots.push(quote!(#ident: ::std::option::Option<#inner>));
                setters.push(set(&doc, &setter, ident, &inner));
                values.push(quote!(#ident: self.#ident));
            }
            Kind::Defaulted(ty, default) => {
                slots.push(quote!(#ident: ::std::option::Option<#ty>));
                setters.push(set(&doc, &setter, ident, &ty));
                let default = match default {
                    Some(path) => quote!(#path()),
                    None => quote!(::std::default::Default::default()),
                };
                values.push(quote!(#ident: self.#ident.unwrap_or_else(|| #default)));
            }
            Kind::Required(ty) => {
                slots.push(quote!(#ident: ::std::option::Option<#ty>));
                setters.push(set(&doc, &setter, ident, &ty));
                let type_name = name.to_string();
                values.push(quote! {
                    #ident: self.#ident.ok_or(::intercom_runtime::BuildError::missing(#type_name, #json))?
                });
            }
        }
    }
    let builder_doc = format!("Builds a [`{name}`]; start with [`{name}::builder`].");
    let start_doc = format!("A builder for a `{name}`, every field unset.");
    let build_doc = format!("The `{name}`; fails naming the first required field left unset.");
    vec![
        parse_quote! {
            #[cfg(feature = "builders")]
            impl #name {
                #[doc = #start_doc]
                pub fn builder() -> #builder {
                    // Through the trait: a field named `default` has a setter of that name.
                    <#builder as ::std::default::Default>::default()
                }
            }
        },
        parse_quote! {
            #[doc = #builder_doc]
            #[cfg(feature = "builders")]
            #[derive(Clone, Debug, Default)]
            #[must_use]
            pub struct #builder {
                #(#slots,)*
            }
        },
        parse_quote! {
            #[cfg(feature = "builders")]
            impl #builder {
                #(#setters)*

                #[doc = #build_doc]
                pub fn build(self) -> ::std::result::Result<#name, ::intercom_runtime::BuildError> {
                    Ok(#name {
                        #(#values,)*
                    })
                }
            }
        },
    ]
}
