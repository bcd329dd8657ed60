//! The mock server of a generated client: the per-spec data the runtime's engine serves (the
//! model's account of the spec as written, as JSON: each operation's route, parameters, body
//! and answer, the component schemas in JSON Schema's dialect), and the `mock` module,
//! feature-gated, with `MockServer` and one typed `on_<operation>` override per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Item, Type, parse_quote};

use crate::model::{BodyEncoding, Model, Operation, Success};

/// The file the data is written to, next to the generated module.
pub(crate) const DATA_FILE: &str = "mock_spec.json";

/// The mock data of `model`, pretty-printed with members in name order (whatever serde_json's
/// map type is in this build), ending in a newline.
pub(crate) fn data(model: &Model) -> String {
    let mut data = serde_json::to_value(&model.as_written).unwrap_or_default();
    data.sort_all_objects();
    let mut text = serde_json::to_string_pretty(&data).unwrap_or_default();
    text.push('\n');
    text
}

/// The file the `mock` module is written to, next to the generated module: without the
/// feature, the compiler does not even read it.
pub(crate) const MODULE_FILE: &str = "generated_mock.rs";

/// The declaration of the `mock` module in the generated module.
pub(crate) fn declaration() -> Item {
    let file = MODULE_FILE;
    parse_quote! {
        /// A local server that answers every operation from the spec, for tests: examples from
        /// the spec with the path parameters copied in, requests validated against the spec
        /// (404, 405, 401 and 400 in the API's error shape), typed overrides, scripted faults
        /// and a log of the requests received. `MockServer::start().await?.client()` is a client
        /// of it.
        #[cfg(feature = "mock")]
        #[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
        #[path = #file]
        pub mod mock;
    }
}

/// The items of the `mock` module: `MockServer` over the runtime's engine, with an override per
/// operation.
pub(crate) fn items(operations: &[Operation]) -> Vec<Item> {
    let overrides = operations.iter().map(on_method);
    let data_file = DATA_FILE;
    let file: syn::File = parse_quote! {
        use ::std::sync::{Arc, OnceLock};

        pub use ::intercom_runtime::mock::{
            Call, ErrorEntry, Fault, MockError, RecordedRequest, Reply, Server, Spec, SpecError,
            StartError,
        };

        /// The token [`MockServer::client`] sends. The server accepts any well-formed
        /// bearer token, and never records it.
        pub const TOKEN: &str = "mock-token";

        /// The spec as the server reads it: each operation's route, parameters, body and
        /// answer, and the component schemas in JSON Schema's dialect.
        pub const SPEC_JSON: &str = include_str!(#data_file);

        /// [`SPEC_JSON`], parsed and compiled once per process.
        pub fn spec() -> Result<Arc<Spec>, SpecError> {
            static SPEC: OnceLock<Result<Arc<Spec>, SpecError>> = OnceLock::new();
            SPEC.get_or_init(|| Spec::parse(SPEC_JSON).map(Arc::new)).clone()
        }

        /// A running mock server; it stops when dropped.
        #[derive(Debug)]
        pub struct MockServer {
            server: Server,
        }

        impl MockServer {
            /// Starts a server on `127.0.0.1` on a free port.
            pub async fn start() -> Result<Self, StartError> {
                Self::start_on(0).await
            }

            /// Starts a server on `127.0.0.1:port` (`0` picks a free port).
            pub async fn start_on(port: u16) -> Result<Self, StartError> {
                let addr = ::std::net::SocketAddr::from(([127, 0, 0, 1], port));
                Ok(Self {
                    server: Server::start(spec()?, addr).await?,
                })
            }

            /// `http://127.0.0.1:PORT`.
            pub fn base_url(&self) -> &str {
                self.server.base_url()
            }

            /// The address the server listens on.
            pub fn addr(&self) -> ::std::net::SocketAddr {
                self.server.addr()
            }

            /// A builder for a client of this server, with [`TOKEN`] set: add retries,
            /// timeouts or an attempt observer, then `build()`.
            pub fn client_builder(&self) -> super::ClientBuilder {
                super::Client::builder().token(TOKEN).base_url(self.base_url())
            }

            /// A client of this server with the default settings.
            pub fn client(&self) -> super::Client {
                self.client_builder()
                    .build()
                    .expect("a client of a local URL with a plain token builds")
            }

            /// The requests received so far, oldest first, the token redacted.
            pub fn requests(&self) -> Vec<RecordedRequest> {
                self.server.requests()
            }

            /// Forgets the requests received so far.
            pub fn clear_requests(&self) {
                self.server.clear_requests();
            }

            /// Adds a scripted fault, played after those added before it.
            pub fn fault(&self, fault: Fault) {
                self.server.fault(fault);
            }

            /// Removes every fault not yet played.
            pub fn clear_faults(&self) {
                self.server.clear_faults();
            }

            /// The engine under this server, for untyped overrides.
            pub fn server(&self) -> &Server {
                &self.server
            }

            /// Serves until the process ends.
            pub async fn run_forever(&self) {
                self.server.run_forever().await;
            }

            #(#overrides)*
        }
    };
    file.items
}

/// `on_<operation>`: answers the operation with a closure of its typed parameters and body.
fn on_method(op: &Operation) -> TokenStream {
    let ident = format_ident!("on_{}", op.ident);
    let id = &op.id;
    let mut arg_types: Vec<Type> = op.params.iter().map(|p| owned(&p.ty)).collect();
    let mut reads: Vec<TokenStream> = op
        .params
        .iter()
        .map(|p| {
            let name = &p.api_name;
            quote!(call.param(#name)?)
        })
        .collect();
    if let Some(body) = &op.body {
        let (ty, read): (Type, TokenStream) = match body.encoding {
            BodyEncoding::Json => (owned(&body.ty), quote!(call.body()?)),
            BodyEncoding::Form => (owned(&body.ty), quote!(call.form_body()?)),
            BodyEncoding::Text => (
                parse_quote!(::std::string::String),
                quote!(call.text_body()?),
            ),
            // A multipart body is handed over as sent, boundary and all.
            BodyEncoding::Bytes | BodyEncoding::Multipart => (
                parse_quote!(::intercom_runtime::Bytes),
                quote!(call.raw_body().clone()),
            ),
        };
        arg_types.push(ty);
        reads.push(read);
    }
    let (ok, reply): (Type, TokenStream) = match &op.success {
        Success::Json(ty) => (owned(ty), quote!(Reply::json(&answer))),
        Success::Empty => (parse_quote!(()), quote!(Ok(Reply::Empty))),
        Success::Bytes => (
            parse_quote!(::intercom_runtime::Bytes),
            quote!(Ok(Reply::Bytes(answer))),
        ),
    };
    let takes = if op.params.is_empty() && op.body.is_none() {
        "Requests are validated first; `respond` returns the answer or a [`MockError`].".to_string()
    } else {
        let mut names: Vec<String> = op.params.iter().map(|p| format!("`{}`", p.ident)).collect();
        if op.body.is_some() {
            names.push("the body".to_string());
        }
        let last = names.pop().unwrap_or_default();
        let list = if names.is_empty() {
            last
        } else {
            format!("{} and {last}", names.join(", "))
        };
        format!(
            "Requests are validated first; `respond` gets {list}, typed as the client's arguments (owned), and returns the answer or a [`MockError`]."
        )
    };
    let docs = [
        format!(
            "Answers `{} {}` ([`Client::{}`](super::Client::{})) with `respond` from now on, instead of the spec's example.",
            op.method.as_str(),
            op.path,
            op.ident,
            op.ident
        ),
        String::new(),
        takes,
    ];
    let answer = if matches!(op.success, Success::Empty) {
        quote!(respond(#(#reads),*)?;)
    } else {
        quote!(let answer = respond(#(#reads),*)?;)
    };
    let call = if reads.is_empty() {
        quote!(_)
    } else {
        quote!(call)
    };
    quote! {
        #(#[doc = #docs])*
        pub fn #ident(
            &self,
            respond: impl Fn(#(#arg_types),*) -> Result<#ok, MockError> + Send + Sync + 'static,
        ) {
            self.server.respond(#id, move |#call| {
                #answer
                #reply
            });
        }
    }
}

/// The owned form of an argument type, paths into `types` taken from the parent module:
/// `&str` → `String`, `&T` → `T`, `&[T]` → `Vec<T>`, inside `Option`s too.
fn owned(ty: &Type) -> Type {
    struct Own;
    impl syn::visit_mut::VisitMut for Own {
        fn visit_type_mut(&mut self, ty: &mut Type) {
            if let Type::Reference(r) = ty {
                let elem = (*r.elem).clone();
                *ty = match elem {
                    Type::Path(p) if p.qself.is_none() && p.path.is_ident("str") => {
                        parse_quote!(::std::string::String)
                    }
                    Type::Slice(s) => {
                        let item = &s.elem;
                        parse_quote!(::std::vec::Vec<#item>)
                    }
                    other => other,
                };
            }
            if let Type::Path(p) = ty
                && p.qself.is_none()
                && p.path.leading_colon.is_none()
                && p.path.segments.first().is_some_and(|s| s.ident == "types")
            {
                p.path.segments.insert(0, format_ident!("super").into());
            }
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Own, &mut ty);
    ty
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_types_become_owned() {
        let cases: [(Type, Type); 5] = [
            (parse_quote!(&str), parse_quote!(::std::string::String)),
            (
                parse_quote!(Option<&str>),
                parse_quote!(Option<::std::string::String>),
            ),
            (
                parse_quote!(&types::Contact),
                parse_quote!(super::types::Contact),
            ),
            (
                parse_quote!(Option<&[types::Tag]>),
                parse_quote!(Option<::std::vec::Vec<super::types::Tag>>),
            ),
            (parse_quote!(Option<i64>), parse_quote!(Option<i64>)),
        ];
        for (ty, want) in cases {
            assert_eq!(owned(&ty), want, "{ty:?}");
        }
    }
}
