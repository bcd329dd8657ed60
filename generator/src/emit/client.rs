//! Emitting the client from the operation model and the API facts: the `Client` type and its
//! constructors, one method per operation, the API's constants and the `Region` enum. Each
//! method hands the runtime a `Request` and the runtime does the rest.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Item, parse_quote};

use crate::base::naming;
use crate::emit::{features, operations_table, print};
use crate::model::pagination::Pagination;
use crate::model::{BodyEncoding, Location, Model, Operation, Segment, Success};
use crate::passes::facts::{ApiFacts, Server};

/// The generated module: the client, the operations table and the `types` module, docs
/// normalised. With `per_tag`, each operation's methods and entry are behind its tags' Cargo
/// features, and each type behind those of the operations that reach it.
pub(crate) fn file(model: &mut Model, per_tag: bool) -> syn::File {
    let mut items = client_items(&model.facts, &model.operations, per_tag);
    items.extend(operations_table::items(&model.operations, per_tag));
    // Moved out, not copied: nothing after this reads the types module from the model.
    let mut types = std::mem::replace(
        &mut model.types,
        parse_quote!(
            mod types {}
        ),
    );
    if per_tag && let Some((_, items)) = &mut types.content {
        features::gate_types(items, &model.operations);
    }
    items.push(Item::Mod(types));
    let mut file = print::file_of(items);
    print::normalize_docs(&mut file);
    file
}

/// Every item of the generated module but the operations table and the `types` module.
/// With `per_tag`, each operation's methods are behind its tags' Cargo features.
fn client_items(facts: &ApiFacts, operations: &[Operation], per_tag: bool) -> Vec<Item> {
    // With every resource's feature off, no method is left to use the request types.
    let unused = per_tag.then(|| quote!(#[allow(unused_imports)]));
    let mut items: Vec<Item> = vec![
        parse_quote!(
            #unused
            use ::intercom_runtime::{Method, Request, Runtime, contract};
        ),
        parse_quote!(
            pub use ::intercom_runtime::exports::*;
        ),
    ];
    items.extend(constants(facts));
    items.extend(client(facts));
    if !operations.is_empty() {
        let every = features::all(operations).len();
        let methods = operations.iter().map(|op| {
            let cfg = per_tag
                .then(|| features::cfg(&features::of_operation(op), every))
                .flatten();
            let stream = op.pagination.as_ref().map(|p| {
                let m = stream_method(op, p);
                quote!(#cfg #m)
            });
            let one = method(op);
            quote!(#cfg #one #stream)
        });
        items.push(parse_quote! {
            impl Client {
                #(#methods)*
            }
        });
    }
    items.extend(region(facts));
    items
}

fn constants(facts: &ApiFacts) -> Vec<Item> {
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
    let token_env = &facts.token_env;
    vec![
        parse_quote! {
            #[doc = #version_doc]
            pub const API_VERSION: &str = #version;
        },
        parse_quote! {
            /// The request header that selects the API version, if the API has one.
            pub const VERSION_HEADER: ::std::option::Option<&str> = #header;
        },
        parse_quote! {
            /// Whether the API authenticates with an HTTP bearer token.
            pub const BEARER_AUTH: bool = #bearer;
        },
        parse_quote! {
            /// The environment variable [`Client::from_env`] reads the access token from.
            pub const TOKEN_ENV: &str = #token_env;
        },
    ]
}

fn client(facts: &ApiFacts) -> Vec<Item> {
    let doc = format!("A client for {} {}.", facts.title, facts.api_version);
    vec![
        parse_quote! {
            #[doc = #doc]
            ///
            /// Cloning a client is cheap, and the clones share one connection pool.
            #[derive(Clone, Debug)]
            pub struct Client {
                runtime: Runtime,
            }
        },
        parse_quote! {
            /// Builds a [`Client`]: region, base URL, timeouts, retries and more.
            pub type ClientBuilder = ::intercom_runtime::ClientBuilder<Client>;
        },
        parse_quote! {
            impl ::intercom_runtime::ApiClient for Client {
                type Region = Region;

                const API: ::intercom_runtime::Api = ::intercom_runtime::Api::new(
                    API_VERSION,
                    VERSION_HEADER,
                    BEARER_AUTH,
                    TOKEN_ENV,
                    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
                );

                fn from_runtime(runtime: Runtime) -> Self {
                    Self { runtime }
                }
            }
        },
        parse_quote! {
            impl Client {
                /// A client for the default region with the given access token.
                pub fn new(token: impl Into<String>) -> Result<Self, Error> {
                    Self::builder().token(token).build()
                }

                /// A client for the default region with the access token from the environment
                /// variable named by [`TOKEN_ENV`].
                pub fn from_env() -> Result<Self, Error> {
                    Self::builder().token_from_env()?.build()
                }

                /// A builder for region, base URL, timeouts, retries and more.
                pub fn builder() -> ClientBuilder {
                    ClientBuilder::new()
                }

                /// The base URL requests go to.
                pub fn base_url(&self) -> &str {
                    self.runtime.base_url()
                }

                /// The runtime under this client, for calls the typed methods do not cover (the
                /// `intercom` CLI sends every operation through it).
                pub fn runtime(&self) -> &Runtime {
                    &self.runtime
                }

                /// A copy of this client whose requests send `version` in the API-version header.
                pub fn with_api_version(&self, version: &str) -> Result<Self, Error> {
                    Ok(Self {
                        runtime: self.runtime.with_api_version(version)?,
                    })
                }

                /// A copy of this client with a different per-attempt timeout.
                pub fn with_timeout(&self, timeout: ::std::time::Duration) -> Self {
                    Self {
                        runtime: self.runtime.with_timeout(timeout),
                    }
                }

                /// A copy of this client whose calls use `options` (timeout, retries, total time,
                /// API version, extra headers) where they set something. The copy shares the
                /// connection pool.
                pub fn with_options(&self, options: RequestOptions) -> Result<Self, Error> {
                    Ok(Self {
                        runtime: self.runtime.with_options(&options)?,
                    })
                }

                /// A copy of this client that sends another access token, sharing the connection
                /// pool and every other setting: one per workspace for an app that serves many.
                pub fn with_token(&self, token: &str) -> Result<Self, Error> {
                    Ok(Self {
                        runtime: self.runtime.with_token(token)?,
                    })
                }
            }
        },
    ]
}

/// The doc comment of an operation's method: summary, description, the request it sends, and
/// its arguments and documented errors.
fn method_doc(op: &Operation) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let paragraph = |text: &str, lines: &mut Vec<String>| {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(text.lines().map(str::to_string));
    };
    if let Some(s) = &op.summary {
        paragraph(s, &mut lines);
    }
    if let Some(d) = &op.description
        && Some(d) != op.summary.as_ref()
    {
        paragraph(d, &mut lines);
    }
    let mut sends = format!("Sends `{} {}`.", op.method.as_str(), op.path);
    if !op.method.is_idempotent() {
        sends.push_str(
            " Not repeated after a 5xx status or a timeout, since the server may have acted on it; a 429 or a refused connection is retried.",
        );
    }
    paragraph(&sends, &mut lines);
    let described: Vec<String> = op
        .params
        .iter()
        .filter_map(|p| {
            p.description
                .as_ref()
                .map(|d| format!("- `{}`: {}", p.ident, d.replace('\n', " ")))
        })
        .collect();
    if !described.is_empty() {
        paragraph("# Arguments", &mut lines);
        lines.push(String::new());
        lines.extend(described);
    }
    if let Some(body) = op.body.as_ref().filter(|b| !b.parts.is_empty()) {
        paragraph("# Body", &mut lines);
        lines.push(String::new());
        lines.push("An `intercom_runtime::Multipart` body with the parts:".to_string());
        lines.extend(body.parts.iter().map(|p| {
            let what = match (p.file, p.required) {
                (true, true) => " (a file, required)",
                (true, false) => " (a file)",
                (false, true) => " (required)",
                (false, false) => "",
            };
            match &p.description {
                Some(d) => format!("- `{}`{what}: {}", p.name, d.replace('\n', " ")),
                None => format!("- `{}`{what}", p.name),
            }
        }));
    }
    if !op.errors.is_empty() {
        paragraph("# Errors", &mut lines);
        lines.push(String::new());
        lines.push(
            "[`Error::Api`] for any status other than 2xx; the description documents:".to_string(),
        );
        lines.extend(op.errors.iter().map(|e| {
            let d = e.description.replace('\n', " ");
            if d.is_empty() {
                format!("- {}", e.status)
            } else {
                format!("- {}: {d}", e.status)
            }
        }));
    }
    lines
}

/// One operation as a method: its arguments, then one chain that describes the request.
fn method(op: &Operation) -> TokenStream {
    let docs = method_doc(op);
    let ident = &op.ident;
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let args = op.params.iter().map(|p| {
        let name = &p.ident;
        let ty = &p.ty;
        quote!(#name: #ty)
    });
    let body_arg = op.body.as_ref().map(|b| {
        let ty = &b.ty;
        quote!(body: #ty)
    });
    let args = args.chain(body_arg);
    let chain = request_chain(op, &[], true);
    let (ok, send) = match &op.success {
        Success::Json(ty) => (quote!(#ty), quote!(send)),
        Success::Empty => (quote!(()), quote!(send_empty)),
        Success::Bytes => (quote!(::intercom_runtime::Bytes), quote!(send_bytes)),
    };
    quote! {
        #(#[doc = #docs])*
        #deprecated
        pub async fn #ident(&self, #(#args),*) -> Result<Response<#ok>, Error> {
            let request = #chain;
            self.runtime.#send(request).await
        }
    }
}

/// The request chain of an operation: `Request::new(…)` with its path, its query and header
/// parameters but those in `skip`, and (when `with_body`) its body.
fn request_chain(op: &Operation, skip: &[&str], with_body: bool) -> TokenStream {
    let method = format_ident!("{}", op.method.as_str());
    let id = &op.id;
    let path = op.segments.iter().map(|s| match s {
        Segment::Literal(l) => quote!(.path(#l)),
        Segment::Param(i) => {
            let p = &op.params[*i];
            let (name, ident) = (&p.api_name, &p.ident);
            quote!(.param(#name, #ident))
        }
    });
    let rest = op.params.iter().filter_map(|p| {
        let (name, ident) = (&p.api_name, &p.ident);
        match p.location {
            Location::Path => None,
            Location::Query if skip.contains(&name.as_str()) => None,
            Location::Query if p.deep => Some(quote!(.query_deep(#name, &#ident))),
            Location::Query => Some(quote!(.query(#name, &#ident))),
            Location::Header => Some(quote!(.header(#name, &#ident))),
        }
    });
    let body = op
        .body
        .as_ref()
        .filter(|_| with_body)
        .map(|b| match b.encoding {
            BodyEncoding::Json if b.media_type == "application/json" => quote!(.json(body)),
            BodyEncoding::Json => {
                let media = &b.media_type;
                quote!(.json_as(body, #media))
            }
            BodyEncoding::Form => quote!(.form(body)),
            BodyEncoding::Text => quote!(.bytes(body, "text/plain")),
            BodyEncoding::Multipart => quote!(.multipart(body)),
            BodyEncoding::Bytes => {
                let media = &b.media_type;
                quote!(.bytes(body, #media))
            }
        });
    quote! {
        Request::new(Method::#method, #id)
            #(#path)*
            #(#rest)*
            #body
    }
}

/// A paginated operation's second method: every item of every page, as a stream.
fn stream_method(op: &Operation, pages: &Pagination) -> TokenStream {
    let ident = format_ident!("{}_stream", op.ident);
    let skip = pages.query_parameters();
    let args = op
        .params
        .iter()
        .filter(|p| !(p.location == Location::Query && skip.contains(&p.api_name.as_str())))
        .map(|p| {
            let name = &p.ident;
            let mut ty = p.ty.clone();
            bind_lifetimes(&mut ty);
            quote!(#name: #ty)
        })
        .collect::<Vec<_>>();
    let body_arg = op.body.as_ref().map(|b| {
        let mut ty = b.ty.clone();
        bind_lifetimes(&mut ty);
        quote!(body: #ty,)
    });
    let item = &pages.item_type;
    let runtime_pages = pages.runtime_pages();
    let chain = request_chain(op, &skip, false);
    let walk = match &op.body {
        Some(_) => quote!(self.runtime.paginate_with_body(move || #chain, body, pages, options)),
        None => quote!(self.runtime.paginate(move || #chain, None, pages, options)),
    };
    let what = op.summary.as_deref().unwrap_or(op.id.as_str());
    let docs = [
        format!("Every item of `{}` ({what}), page after page.", op.ident),
        String::new(),
        "Pages are fetched as the stream is read, each through the client's retries and error handling; `options` sets a saved cursor (or page) to start from and the page size. The stream ends after the last page, or at a cursor it has already seen; an error ends it after the items already read.".to_string(),
    ];
    quote! {
        #(#[doc = #docs])*
        pub fn #ident<'a>(
            &'a self,
            #(#args,)*
            #body_arg
            options: PageOptions,
        ) -> impl ::intercom_runtime::Stream<Item = Result<#item, Error>> + 'a {
            let pages = #runtime_pages;
            #walk
        }
    }
}

/// Ties every reference in `ty` to the lifetime `'a` of a stream method.
fn bind_lifetimes(ty: &mut syn::Type) {
    struct Bind;
    impl syn::visit_mut::VisitMut for Bind {
        fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
            r.lifetime = Some(syn::Lifetime::new("'a", proc_macro2::Span::call_site()));
            syn::visit_mut::visit_type_reference_mut(self, r);
        }
    }
    syn::visit_mut::VisitMut::visit_type_mut(&mut Bind, ty);
}

fn region(facts: &ApiFacts) -> Vec<Item> {
    let mut servers = facts.servers.clone();
    if servers.is_empty() {
        servers.push(Server {
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
    let names: Vec<String> = servers.iter().map(|s| naming::snake(&s.variant)).collect();
    let descriptions = servers
        .iter()
        .map(|s| s.description.clone().unwrap_or_default());
    vec![
        parse_quote! {
            /// A server of the API, one per entry of the spec's `servers`.
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum Region {
                #(#variants)*
            }
        },
        parse_quote! {
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
        },
        parse_quote! {
            impl ::intercom_runtime::BaseUrl for Region {
                fn base_url(self) -> &'static str {
                    Region::base_url(self)
                }
            }
        },
    ]
}
