//! The operations as data: the static table `OPERATIONS` of the contract's `Operation` type,
//! one entry per client method in method order, with its path segments, parameters (with the
//! JSON type of each), body (encoding, scalar top-level fields, closed member list), success
//! shape and pagination. The `intercom` command builds its subcommands from it; with features
//! per tag, each entry is behind its operation's features, as the method is.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use syn::{Item, parse_quote};

use crate::base::syn_util::is_option;
use crate::emit::features;
use crate::model::{BodyEncoding, HttpMethod, Kind, Location, Operation, Segment, Success};

/// The item `pub static OPERATIONS`.
pub(crate) fn items(operations: &[Operation], per_tag: bool) -> Vec<Item> {
    let every = features::all(operations).len();
    let entries = operations.iter().map(|op| {
        let cfg = per_tag
            .then(|| features::cfg(&features::of_operation(op), every))
            .flatten();
        let entry = entry(op);
        quote!(#cfg #entry)
    });
    vec![parse_quote! {
        /// Every operation of the client as data, in method order: what the `intercom` command
        /// builds its subcommands from.
        pub static OPERATIONS: &[contract::Operation] = &[#(#entries),*];
    }]
}

fn opt_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

fn kind(kind: Kind) -> TokenStream {
    match kind {
        Kind::String => quote!(contract::Kind::String),
        Kind::Integer => quote!(contract::Kind::Integer),
        Kind::Number => quote!(contract::Kind::Number),
        Kind::Boolean => quote!(contract::Kind::Boolean),
        Kind::Json => quote!(contract::Kind::Json),
    }
}

/// One entry: `Operation::new(…)` and a `with_*` call for each part it has.
fn entry(op: &Operation) -> TokenStream {
    let id = &op.id;
    let name = op.ident.to_string();
    let method = match op.method {
        HttpMethod::Get => quote!(GET),
        HttpMethod::Put => quote!(PUT),
        HttpMethod::Post => quote!(POST),
        HttpMethod::Delete => quote!(DELETE),
        HttpMethod::Options => quote!(OPTIONS),
        HttpMethod::Head => quote!(HEAD),
        HttpMethod::Patch => quote!(PATCH),
        HttpMethod::Trace => quote!(TRACE),
    };
    let path = &op.path;
    let mut calls = Vec::new();
    if op.summary.is_some() || op.description.is_some() {
        let summary = opt_str(op.summary.as_deref());
        let description = opt_str(op.description.as_deref());
        calls.push(quote!(.with_docs(#summary, #description)));
    }
    if op.deprecated {
        calls.push(quote!(.deprecated()));
    }
    if !op.segments.is_empty() || !op.params.is_empty() {
        let segments = op.segments.iter().map(|s| match s {
            Segment::Literal(l) => quote!(contract::Segment::Literal(#l)),
            Segment::Param(i) => {
                let i = Literal::usize_unsuffixed(*i);
                quote!(contract::Segment::Param(#i))
            }
        });
        let params = op.params.iter().map(|p| {
            let name = &p.api_name;
            let location = match p.location {
                Location::Path => quote!(Path),
                Location::Query => quote!(Query),
                Location::Header => quote!(Header),
            };
            let required = p.location == Location::Path || !is_option(&p.ty);
            let kind = kind(p.kind);
            let help = opt_str(p.description.as_deref());
            quote! {
                contract::Param::new(
                    #name,
                    contract::Location::#location,
                    #required,
                    #kind,
                    #help,
                )
            }
        });
        calls.push(quote!(.with_params(&[#(#segments),*], &[#(#params),*])));
    }
    if let Some(body) = &op.body {
        let encoding = match body.encoding {
            BodyEncoding::Json => quote!(Json),
            BodyEncoding::Form => quote!(Form),
            BodyEncoding::Text => quote!(Text),
            BodyEncoding::Bytes => quote!(Bytes),
            BodyEncoding::Multipart => quote!(Multipart),
        };
        let media = &body.media_type;
        let required = body.required;
        let fields = body.fields.iter().map(|f| {
            let name = &f.name;
            let kind = kind(f.kind);
            let help = opt_str(f.description.as_deref());
            quote!(contract::Field::new(#name, #kind, #help))
        });
        let members = match &body.members {
            Some(names) => quote!(Some(&[#(#names),*])),
            None => quote!(None),
        };
        calls.push(quote! {
            .with_body(contract::Body::new(
                contract::Encoding::#encoding,
                #media,
                #required,
                &[#(#fields),*],
                #members,
            ))
        });
    }
    match op.success {
        Success::Json(_) => {}
        Success::Empty => {
            calls.push(quote!(.with_success(contract::Success::Empty)));
        }
        Success::Bytes => {
            calls.push(quote!(.with_success(contract::Success::Bytes)));
        }
    }
    if let Some(p) = &op.pagination {
        let pages = p.runtime_pages();
        calls.push(quote!(.with_pages(#pages)));
    }
    quote! {
        contract::Operation::new(
            #id,
            #name,
            Method::#method,
            #path,
        )
        #(#calls)*
    }
}
