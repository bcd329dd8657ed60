//! The mock server of a generated client: the per-spec data the runtime's engine serves (JSON:
//! each operation's route, parameters, body and answer, the component schemas in JSON Schema's
//! dialect), and the `mock` module, feature-gated, with `MockServer` and one typed
//! `on_<operation>` override per operation.
//!
//! The data is read from the spec as written (before the passes that make the client lenient),
//! so the server validates what the spec says.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value, json};
use syn::{Item, Type, parse_quote};

use crate::base::pointer::resolve;
use crate::emit::json_schema;
use crate::model::examples;
use crate::model::{BodyEncoding, Operation, Success};
use crate::passes::facts::ApiFacts;
use crate::passes::operation_list::is_json;

/// The file the data is written to, next to the generated module.
pub(crate) const DATA_FILE: &str = "mock_spec.json";

/// The mock data for `operations` of `raw` (the spec as read), pretty-printed, ending in a
/// newline.
pub(crate) fn data(raw: &Value, facts: &ApiFacts, operations: &[Operation]) -> String {
    let mut version_header = Value::Null;
    let ops: Vec<Value> = operations
        .iter()
        .map(|op| {
            let params = declared_params(raw, &op.pointer);
            let mut parameters = Vec::new();
            for p in params {
                let Some(name) = p.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
                let entry = param_entry(raw, p);
                if facts.version_header.as_deref() == Some(name) && location == "header" {
                    if version_header.is_null() {
                        version_header = entry;
                    }
                } else if matches!(location, "path" | "query" | "header") {
                    parameters.push(entry);
                }
            }
            let item = raw.pointer(&op.pointer);
            let mut entry = json!({
                "id": op.id,
                "name": op.ident.to_string(),
                "method": op.method.as_str(),
                "path": op.path,
                "parameters": parameters,
                "response": response(raw, op, item),
            });
            if let Some(body) = body(raw, op, item) {
                entry["body"] = body;
            }
            entry
        })
        .collect();
    let mut data = Map::new();
    data.insert("bearer_auth".into(), json!(facts.bearer_auth));
    if !version_header.is_null() {
        data.insert("version_header".into(), version_header);
    }
    data.insert("operations".into(), Value::Array(ops));
    data.insert("schemas".into(), Value::Object(json_schema::defs(raw)));
    let mut data = Value::Object(data);
    // Members in name order whatever serde_json's map type is in this build.
    data.sort_all_objects();
    let mut text = serde_json::to_string_pretty(&data).unwrap_or_default();
    text.push('\n');
    text
}

/// The parameters an operation declares, references resolved; operation-level ones replace
/// path-level ones of the same name and location.
fn declared_params<'a>(raw: &'a Value, pointer: &str) -> Vec<&'a Value> {
    let item_ptr = pointer.rsplit_once('/').map_or("", |(p, _)| p);
    let mut out: Vec<&Value> = Vec::new();
    for list in [
        raw.pointer(&format!("{item_ptr}/parameters")),
        raw.pointer(&format!("{pointer}/parameters")),
    ] {
        for p in list.and_then(Value::as_array).into_iter().flatten() {
            let Some(p) = resolve(raw, p) else { continue };
            let key = |v: &Value| (v.get("name").cloned(), v.get("in").cloned());
            out.retain(|q| key(q) != key(p));
            out.push(p);
        }
    }
    out
}

fn param_entry(raw: &Value, p: &Value) -> Value {
    let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
    let mut entry = json!({
        "name": p.get("name"),
        "in": location,
        "required": location == "path" || p.get("required") == Some(&Value::Bool(true)),
    });
    if let Some(schema) = p.get("schema") {
        entry["schema"] = json_schema::convert(raw, schema);
    }
    entry
}

fn body(raw: &Value, op: &Operation, item: Option<&Value>) -> Option<Value> {
    let model = op.body.as_ref()?;
    let body = item
        .and_then(|i| i.get("requestBody"))
        .and_then(|b| resolve(raw, b))?;
    let mut entry = json!({
        "media_type": model.media_type,
        "required": body.get("required") == Some(&Value::Bool(true)),
    });
    if let Some(schema) = body
        .get("content")
        .and_then(|c| c.get(&model.media_type))
        .and_then(|m| m.get("schema"))
    {
        entry["schema"] = json_schema::convert(raw, schema);
    }
    Some(entry)
}

/// The success answer: the first 2xx status (else 200), its example (or a value built from its
/// schema), and the members the path parameters are copied into.
fn response(raw: &Value, op: &Operation, item: Option<&Value>) -> Value {
    let responses = item
        .and_then(|i| i.get("responses"))
        .and_then(Value::as_object);
    let (status, declared) = responses
        .and_then(|r| {
            r.iter()
                .find(|(status, _)| status.len() == 3 && status.starts_with('2'))
                .map(|(status, r)| (status.parse::<u16>().unwrap_or(200), Some(r)))
        })
        .or_else(|| {
            responses
                .and_then(|r| r.get("2XX").or_else(|| r.get("default")))
                .map(|r| (200, Some(r)))
        })
        .unwrap_or((200, None));
    let mut entry = json!({ "status": status });
    let content = declared
        .and_then(|r| resolve(raw, r))
        .and_then(|r| r.get("content"))
        .and_then(Value::as_object);
    let media = content.and_then(|c| {
        c.iter()
            .find(|(m, _)| is_json(m))
            .or_else(|| c.iter().next())
    });
    match (&op.success, media) {
        (Success::Empty, _) | (_, None) => {}
        (Success::Json(_), Some((media_type, media))) => {
            let body = examples::of_media(raw, media);
            entry["echo"] = echo(raw, op, media.get("schema"), &body);
            entry["media_type"] = json!(media_type);
            entry["body"] = body;
        }
        (Success::Bytes, Some((media_type, media))) => {
            let body = match examples::of_media(raw, media) {
                Value::String(s) => Value::String(s),
                Value::Null => Value::String(String::new()),
                other => Value::String(other.to_string()),
            };
            entry["media_type"] = json!(media_type);
            entry["body"] = body;
        }
    }
    entry
}

/// Where the path parameters go in the answer: a top-level member of the same name, and `id`
/// for the parameter that ends the path (`/contacts/{contact_id}/tags/{tag_id}` answers the tag
/// `tag_id`). Only text members take a parameter: a member the answer gives as a number
/// (`ticket_type_id: 22`) keeps its value, which the path's text may not fit.
fn echo(raw: &Value, op: &Operation, schema: Option<&Value>, body: &Value) -> Value {
    let Some(members) = body.as_object() else {
        return json!([]);
    };
    let properties = schema
        .map(|s| top_level_properties(raw, s))
        .unwrap_or_default();
    let scalar = |name: &str| match members.get(name) {
        Some(v) => v.is_string(),
        None => properties
            .iter()
            .any(|(p, ty)| p == name && ty.as_deref().is_none_or(|t| t == "string")),
    };
    let path_params: Vec<&str> = op
        .params
        .iter()
        .filter(|p| p.location == crate::model::Location::Path)
        .map(|p| p.api_name.as_str())
        .collect();
    let mut out: Vec<Value> = Vec::new();
    for name in &path_params {
        if scalar(name) {
            out.push(json!({"param": name, "pointer": format!("/{}", crate::base::pointer::escape_token(name))}));
        }
    }
    let last = op
        .path
        .rsplit('/')
        .next()
        .and_then(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')));
    if let Some(last) = last
        && path_params.contains(&last)
        && scalar("id")
        && !out.iter().any(|e| e["pointer"] == "/id")
    {
        out.push(json!({"param": last, "pointer": "/id"}));
    }
    Value::Array(out)
}

/// The property names an object schema declares at its top level, through references and
/// `allOf`, each with its `type` where it says one.
fn top_level_properties(raw: &Value, schema: &Value) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut todo = vec![schema];
    let mut seen = 0;
    while let Some(s) = todo.pop() {
        seen += 1;
        if seen > 64 {
            break;
        }
        let Some(s) = resolve(raw, s) else { continue };
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            out.extend(props.iter().map(|(name, p)| {
                let ty = resolve(raw, p)
                    .and_then(|p| p.get("type"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                (name.clone(), ty)
            }));
        }
        if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
            todo.extend(parts);
        }
    }
    out
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
