//! A wire test for a generated crate, emitted from the operation model: one test per
//! operation that calls the method against a local recording server (wiremock) and checks the
//! method, the encoded path, the query, the headers and the body it sends, that the documented
//! success decodes, and that a 404 comes back as `Error::Api` after one attempt; with the crate's
//! `mock` feature, the same call against the crate's mock server must succeed.
//!
//! Argument values come from the parameters' types (a string with reserved characters, a
//! number, a flag) and bodies and responses from the model's samples (the smallest value each
//! schema accepts: required members only, the first enum value or alternative). An operation
//! whose arguments cannot be made that way is listed in the file instead, never dropped
//! silently.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Type;

use crate::base::syn_util::{first_type_argument, is_option, last_ident};
use crate::model::{BodyEncoding, Location, Model, Operation, Param, Segment, Success};
use crate::passes::facts::ApiFacts;

/// The value every string path parameter gets, and how it must look in the path.
const PATH_VALUE: &str = "a b/c";
const PATH_ENCODED: &str = "a%20b%2Fc";
/// The value every other string parameter gets.
const TEXT_VALUE: &str = "x y&z";

/// The wire test of a crate: its items, which name the crate's library `api`, and the
/// operations left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WireTest {
    /// The test file's items (helpers and one `#[tokio::test]` per operation), printed.
    pub items: String,
    /// The operations without a test, each with the reason.
    pub skipped: Vec<String>,
}

/// The wire test of the model's operations.
pub(crate) fn wire_test(model: &Model) -> WireTest {
    let (facts, operations) = (&model.facts, &model.operations);
    let mut skipped = Vec::new();
    let tests: Vec<TokenStream> = operations
        .iter()
        .filter_map(|op| match test(facts, op) {
            Ok(t) => Some(t),
            Err(reason) => {
                skipped.push(format!("`{}`: {reason}", op.ident));
                None
            }
        })
        .collect();
    // The bodies' types are named as the generated module names them, `types::…`.
    let typed_bodies = operations.iter().any(|op| {
        op.body
            .as_ref()
            .is_some_and(|b| matches!(b.encoding, BodyEncoding::Json | BodyEncoding::Form))
            && !skipped
                .iter()
                .any(|s: &String| s.starts_with(&format!("`{}`", op.ident)))
    });
    let types = typed_bodies.then(|| {
        quote!(
            use api::types;
        )
    });
    let file: syn::File = syn::parse_quote! {
        #types

        use wiremock::matchers::any;
        use wiremock::{Mock, MockServer, Request, ResponseTemplate};

        /// A client of `server` that sends each request once.
        fn client(server: &MockServer) -> api::Client {
            api::Client::builder()
                .token("t")
                .base_url(server.uri())
                .max_retries(0)
                .build()
                .expect("a client of the local server")
        }

        /// Answers every request with `template`, replacing what the server answered before.
        async fn answer(server: &MockServer, template: ResponseTemplate) {
            server.reset().await;
            Mock::given(any()).respond_with(template).mount(server).await;
        }

        /// The only request the server saw since its last reset.
        async fn only_request(server: &MockServer) -> Request {
            let mut requests = server.received_requests().await.expect("recording is on");
            assert_eq!(requests.len(), 1, "one request: {requests:?}");
            requests.remove(0)
        }

        /// The values of header `name`.
        fn header(request: &Request, name: &str) -> Vec<String> {
            request
                .headers
                .get_all(name)
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect()
        }

        /// Checks that the request has exactly one header `name`, whose value is `want`.
        fn expect_header(request: &Request, name: &str, want: &str) {
            assert_eq!(header(request, name), [want], "header {name}");
        }

        /// The query's pairs, decoded and sorted.
        fn query(request: &Request) -> Vec<(String, String)> {
            let mut pairs: Vec<(String, String)> = request
                .url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            pairs.sort();
            pairs
        }

        #(#tests)*
    };
    WireTest {
        items: crate::emit::print::print(file),
        skipped,
    }
}

/// How one argument is passed, and what it puts on the wire.
struct Arg {
    value: TokenStream,
    /// The text the parameter sends, if it sends anything.
    wire: Option<String>,
}

/// The argument for `param`, or why none can be made.
fn arg(param: &Param) -> Result<Arg, String> {
    let optional = is_option(&param.ty);
    let inner = if optional {
        first_type_argument(&param.ty).ok_or("an Option without a type")?
    } else {
        &param.ty
    };
    let (value, wire) = match scalar(inner, param.location) {
        Some(v) => v,
        None if optional => {
            return Ok(Arg {
                value: quote!(None),
                wire: None,
            });
        }
        None => {
            return Err(format!(
                "parameter `{}` has no value to make",
                param.api_name
            ));
        }
    };
    let value = if optional {
        quote!(Some(#value))
    } else {
        value
    };
    Ok(Arg {
        value,
        wire: Some(wire),
    })
}

/// A value of a scalar type and the text it sends, or `None` for other types.
fn scalar(ty: &Type, location: Location) -> Option<(TokenStream, String)> {
    if let Type::Reference(r) = ty {
        return (last_ident(&r.elem)? == "str").then(|| {
            let text = if location == Location::Path {
                PATH_VALUE
            } else {
                TEXT_VALUE
            };
            (quote!(#text), text.to_string())
        });
    }
    let ident = last_ident(ty)?.to_string();
    match ident.as_str() {
        "i8" | "i16" | "i32" | "i64" | "isize" | "u8" | "u16" | "u32" | "u64" | "usize" => {
            let literal = syn::LitInt::new(&format!("7{ident}"), proc_macro2::Span::call_site());
            Some((quote!(#literal), "7".to_string()))
        }
        "f32" | "f64" => Some((quote!(1.5), "1.5".to_string())),
        "bool" => Some((quote!(true), "true".to_string())),
        "String" => Some((
            quote!(::std::string::String::from(#TEXT_VALUE)),
            TEXT_VALUE.to_string(),
        )),
        _ => None,
    }
}

/// The test of one operation, or why it has none.
fn test(facts: &ApiFacts, op: &Operation) -> Result<TokenStream, String> {
    let ident = &op.ident;
    let args: Vec<Arg> = op.params.iter().map(arg).collect::<Result<_, _>>()?;
    let mut path = String::new();
    for segment in &op.segments {
        match segment {
            Segment::Literal(text) => path.push_str(text),
            Segment::Param(i) => {
                let wire = args.get(*i).and_then(|a| a.wire.as_deref());
                path.push_str(match wire {
                    Some(PATH_VALUE) => PATH_ENCODED,
                    Some(other) => other,
                    None => return Err("a path parameter without a value".to_string()),
                });
            }
        }
    }
    let mut query: Vec<(String, String)> = op
        .params
        .iter()
        .zip(&args)
        .filter(|(p, _)| p.location == Location::Query)
        .filter_map(|(p, a)| Some((p.api_name.clone(), a.wire.clone()?)))
        .collect();
    query.sort();
    let query = query
        .iter()
        .map(|(k, v)| quote!((#k.to_string(), #v.to_string())));
    let headers = op
        .params
        .iter()
        .zip(&args)
        .filter(|(p, _)| p.location == Location::Header)
        .filter_map(|(p, a)| Some((p.api_name.to_ascii_lowercase(), a.wire.clone()?)))
        .map(|(name, value)| quote!(expect_header(&sent, #name, #value);));
    let version = facts.version_header.as_ref().map(|name| {
        let name = name.to_ascii_lowercase();
        let value = &facts.api_version;
        quote!(expect_header(&sent, #name, #value);)
    });
    let auth = facts
        .bearer_auth
        .then(|| quote!(expect_header(&sent, "authorization", "Bearer t");));

    let (body_setup, body_arg, body_check) = match &op.body {
        None => (
            quote!(),
            None,
            quote!(assert!(sent.body.is_empty(), "a request without a body");),
        ),
        Some(body) => {
            let media = &body.media_type;
            let content_type = quote! {
                let content_type = header(&sent, "content-type");
                let declared = content_type.len() == 1 && content_type[0].starts_with(#media);
                assert!(declared, "{content_type:?}");
            };
            match body.encoding {
                BodyEncoding::Json | BodyEncoding::Form => {
                    let sample = op
                        .samples
                        .body
                        .as_ref()
                        .ok_or("no schema for the request body")?;
                    let text = serde_json::to_string(sample).map_err(|e| e.to_string())?;
                    let ty = match &body.ty {
                        Type::Reference(r) => &*r.elem,
                        other => other,
                    };
                    let sent_body = (body.encoding == BodyEncoding::Json).then(|| {
                        quote! {
                            let on_wire: serde_json::Value =
                                serde_json::from_slice(&sent.body).expect("the body is JSON");
                            assert_eq!(on_wire, serde_json::to_value(&body).expect("the body encodes"));
                        }
                    });
                    (
                        quote! {
                            let body: #ty = serde_json::from_str(#text)
                                .expect("the schema's smallest value decodes into the body type");
                        },
                        Some(quote!(&body)),
                        quote!(#content_type #sent_body),
                    )
                }
                BodyEncoding::Text => (
                    quote!(),
                    Some(quote!(::std::string::String::from("plain text"))),
                    quote!(#content_type assert_eq!(&sent.body[..], b"plain text");),
                ),
                BodyEncoding::Multipart => (
                    quote! {
                        let body = ::intercom_runtime::Multipart::new().text("note", "plain text");
                    },
                    Some(quote!(&body)),
                    quote! {
                        let content_type = header(&sent, "content-type");
                        let declared = content_type.len() == 1
                            && content_type[0].starts_with("multipart/form-data; boundary=");
                        assert!(declared, "{content_type:?}");
                        let text = String::from_utf8_lossy(&sent.body);
                        assert!(text.contains("name=\"note\"") && text.contains("plain text"), "{text}");
                    },
                ),
                BodyEncoding::Bytes => (
                    quote!(),
                    Some(quote!(&b"\x00raw\xff"[..])),
                    quote!(#content_type assert_eq!(&sent.body[..], b"\x00raw\xff");),
                ),
            }
        }
    };
    let call_args: Vec<TokenStream> = args
        .iter()
        .map(|a| a.value.clone())
        .chain(body_arg)
        .collect();
    let (status, template, success_check) = success(op)?;
    let method = op.method.as_str();
    Ok(quote! {
        #[tokio::test]
        async fn #ident() {
            let server = MockServer::start().await;
            let client = client(&server);
            #body_setup

            answer(&server, #template).await;
            let response = client.#ident(#(#call_args),*).await
                .expect("the documented success decodes");
            assert_eq!(response.status().as_u16(), #status);
            #success_check
            let sent = only_request(&server).await;
            assert_eq!(sent.method.as_str(), #method);
            assert_eq!(sent.url.path(), #path);
            let expected: Vec<(String, String)> = vec![#(#query),*];
            let pairs = query(&sent);
            assert_eq!(pairs, expected);
            expect_header(&sent, "accept", "application/json");
            #auth
            #version
            #(#headers)*
            #body_check

            answer(&server, ResponseTemplate::new(404).set_body_string("{\"type\":\"error.list\",\"errors\":[{\"code\":\"not_found\",\"message\":\"no such thing\"}]}")).await;
            let error = client.#ident(#(#call_args),*).await.expect_err("a 404 is an error");
            let status = error.api().map(|e| e.status.as_u16());
            assert_eq!(status, Some(404), "{error:?}");
            only_request(&server).await;

            // The crate's own mock server answers the same call, and the answer decodes.
            #[cfg(feature = "mock")]
            {
                let mock = api::mock::MockServer::start().await.expect("the mock starts");
                if let Err(e) = mock.client().#ident(#(#call_args),*).await {
                    panic!("the mock answers: {e}");
                }
            }
        }
    })
}

/// The documented success: its status, a response template for it and what to check of the
/// response.
fn success(op: &Operation) -> Result<(proc_macro2::Literal, TokenStream, TokenStream), String> {
    let code = op.samples.status.ok_or("no success response")?;
    let status = proc_macro2::Literal::u16_unsuffixed(code);
    Ok(match &op.success {
        Success::Json(_) => {
            let sample = op
                .samples
                .success
                .as_ref()
                .ok_or("no JSON schema for the success response")?;
            let text = serde_json::to_string(sample).map_err(|e| e.to_string())?;
            (
                status.clone(),
                quote!(ResponseTemplate::new(#status).set_body_raw(#text, "application/json")),
                quote!(assert_eq!(response.raw_body(), #text.as_bytes());),
            )
        }
        Success::Empty => (
            status.clone(),
            quote!(ResponseTemplate::new(#status)),
            quote!(),
        ),
        Success::Bytes => (
            status.clone(),
            quote!(ResponseTemplate::new(#status).set_body_bytes(&b"\x01bytes\xfe"[..])),
            quote!(assert_eq!(&response.raw_body()[..], b"\x01bytes\xfe");),
        ),
    })
}
