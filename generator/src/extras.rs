//! Items progenitor does not generate: the API version, its header, and the servers as a
//! `Region` enum.

use quote::{format_ident, quote};
use syn::{File, parse_quote};

use crate::prepare::ApiFacts;

pub(crate) fn append(file: &mut File, facts: &ApiFacts) {
    let version = &facts.api_version;
    let version_doc = match &facts.version_header {
        Some(h) => format!(
            "The API version this client was generated for, sent in the `{h}` header unless a client or request overrides it."
        ),
        None => "The API version this client was generated for.".to_string(),
    };
    let header = match &facts.version_header {
        Some(h) => quote!(::std::option::Option::Some(#h)),
        None => quote!(::std::option::Option::None),
    };
    let bearer = facts.bearer_auth;
    file.items.push(parse_quote! {
        #[doc = #version_doc]
        pub const API_VERSION: &str = #version;
    });
    file.items.push(parse_quote! {
        /// The request header that selects the API version, if the API has one.
        pub const VERSION_HEADER: ::std::option::Option<&str> = #header;
    });
    file.items.push(parse_quote! {
        /// Whether the API authenticates with an HTTP bearer token.
        pub const BEARER_AUTH: bool = #bearer;
    });

    let mut servers = facts.servers.clone();
    if servers.is_empty() {
        servers.push(crate::prepare::Server {
            url: "http://localhost".to_string(),
            description: Some("The spec lists no server; set a base URL".to_string()),
            variant: "Default".to_string(),
        });
    }
    let variants = servers.iter().enumerate().map(|(i, s)| {
        let ident = format_ident!("{}", s.variant);
        let doc = match &s.description {
            Some(d) => format!("{d} (`{}`).", s.url),
            None => format!("`{}`.", s.url),
        };
        let default = (i == 0).then(|| quote!(#[default]));
        quote!(#[doc = #doc] #default #ident,)
    });
    let idents: Vec<_> = servers
        .iter()
        .map(|s| format_ident!("{}", s.variant))
        .collect();
    let urls = servers.iter().map(|s| s.url.as_str());
    let names: Vec<String> = servers
        .iter()
        .map(|s| s.variant.to_ascii_lowercase())
        .collect();
    let descriptions = servers
        .iter()
        .map(|s| s.description.clone().unwrap_or_default());
    file.items.push(parse_quote! {
        /// A server of the API, one per entry of the spec's `servers`.
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Region {
            #(#variants)*
        }
    });
    file.items.push(parse_quote! {
        impl Region {
            /// Every region, in the order the spec lists its servers.
            pub const ALL: &'static [Region] = &[#(Region::#idents),*];

            /// The base URL of the region's server.
            pub const fn base_url(self) -> &'static str {
                match self {
                    #(Region::#idents => #urls,)*
                }
            }

            /// The spec's description of the region's server.
            pub const fn description(self) -> &'static str {
                match self {
                    #(Region::#idents => #descriptions,)*
                }
            }

            /// The short lowercase name of the region, as accepted by [`Region::from_name`].
            pub const fn name(self) -> &'static str {
                match self {
                    #(Region::#idents => #names,)*
                }
            }

            /// Looks a region up by its short name, ignoring case.
            pub fn from_name(name: &str) -> ::std::option::Option<Region> {
                Region::ALL.iter().copied().find(|r| r.name().eq_ignore_ascii_case(name))
            }
        }
    });
}
