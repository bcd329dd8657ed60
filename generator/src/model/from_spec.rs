//! The operations of the prepared spec as typed values: the spec gives the method, path,
//! parameters, body, responses, tags and docs; progenitor's method signatures give the Rust
//! types it chose for them, read by their syn structure.
//!
//! One file at about 500 lines: reading an operation (parameters, path template, body, success,
//! errors, pagination) is one walk over one operation object, with progenitor's signature
//! beside it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use syn::{File, ImplItem, ImplItemFn, Item, Type, parse_quote};

use crate::base::naming::{self, Case};
use crate::base::pointer::{escape_token, resolve};
use crate::base::syn_util::{elide_lifetimes, first_type_argument, last_ident};
use crate::load::context::{Ctx, R};
use crate::model::operation::{
    Body, BodyEncoding, ErrorDoc, HttpMethod, Kind, Location, Operation, Param, Samples, Segment,
    Success,
};
use crate::model::pagination::{self, PageAdvance, PageSlot, Pagination};
use crate::model::{form_parts, samples, scalars};
use crate::passes::facts::ApiFacts;
use crate::passes::operation_list::{MULTIPART, is_json};

/// The operations of `doc` (already prepared) that `facts` lists, in method-name order, with the
/// Rust types of their arguments and results taken from progenitor's output `file`.
pub(crate) fn operations(
    ctx: &mut Ctx<'_>,
    doc: &Value,
    facts: &ApiFacts,
    file: &File,
) -> R<Vec<Operation>> {
    let sample_doc = samples::with_fixed_fields(doc, &facts.fixed_fields);
    let signatures = signatures(file);
    let types: &[Item] = file
        .items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| &items[..]),
            _ => None,
        })
        .unwrap_or(&[]);
    let mut out = Vec::new();
    let mut taken = BTreeSet::new();
    for (id, pointer) in &facts.operations {
        let name = naming::parameter(id);
        let Some(sig) = signatures.get(&name) else {
            return Err(ctx.error(
                pointer,
                format!("internal error: progenitor generated no method `{name}`"),
            ));
        };
        let mut op = operation(ctx, doc, id, pointer, sig, types, &mut taken)?;
        op.samples = samples_of(&sample_doc, &op);
        out.push(op);
    }
    out.sort_by(|a, b| a.ident.cmp(&b.ident));
    Ok(out)
}

/// progenitor's operation methods by name.
fn signatures(file: &File) -> BTreeMap<String, &ImplItemFn> {
    let mut out = BTreeMap::new();
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || last_ident(&imp.self_ty).is_none_or(|i| i != "Client") {
            continue;
        }
        for it in &imp.items {
            if let ImplItem::Fn(f) = it
                && f.sig.asyncness.is_some()
            {
                out.insert(f.sig.ident.to_string(), f);
            }
        }
    }
    out
}

/// The type of the argument named `name` in `sig`, lifetimes elided.
fn argument_type(sig: &ImplItemFn, name: &str) -> Option<Type> {
    sig.sig.inputs.iter().find_map(|a| match a {
        syn::FnArg::Typed(p) => match &*p.pat {
            syn::Pat::Ident(i) if i.ident == name => {
                let mut ty = (*p.ty).clone();
                elide_lifetimes(&mut ty);
                Some(ty)
            }
            _ => None,
        },
        syn::FnArg::Receiver(_) => None,
    })
}

/// `Result<ResponseValue<T>, Error<E>>` → what `T` says about the success body.
fn success(sig: &ImplItemFn) -> Option<Success> {
    let syn::ReturnType::Type(_, ty) = &sig.sig.output else {
        return None;
    };
    let value = first_type_argument(ty)?;
    if last_ident(value)? != "ResponseValue" {
        return None;
    }
    let mut inner = first_type_argument(value)?.clone();
    if matches!(&inner, Type::Tuple(t) if t.elems.is_empty()) {
        return Some(Success::Empty);
    }
    if last_ident(&inner).is_some_and(|i| i == "ByteStream") {
        return Some(Success::Bytes);
    }
    elide_lifetimes(&mut inner);
    Some(Success::Json(Box::new(inner)))
}

fn operation(
    ctx: &mut Ctx<'_>,
    doc: &Value,
    id: &str,
    pointer: &str,
    sig: &ImplItemFn,
    types: &[Item],
    taken: &mut BTreeSet<String>,
) -> R<Operation> {
    let Some((item_ptr, method)) = pointer.rsplit_once('/') else {
        return Err(ctx.error(pointer, "internal error: not an operation pointer"));
    };
    let (Some(op), Some(method)) = (doc.pointer(pointer), HttpMethod::parse(method)) else {
        return Err(ctx.error(pointer, "internal error: operation not found"));
    };
    let path = item_ptr
        .strip_prefix("/paths/")
        .map(crate::base::pointer::unescape_token)
        .unwrap_or_default();
    let text = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };

    // Operation-level parameters replace path-level ones of the same name and location.
    let mut declared: Vec<(String, String, &Value)> = Vec::new();
    for list in [
        doc.pointer(&format!("{item_ptr}/parameters")),
        op.get("parameters"),
    ] {
        for p in list.and_then(Value::as_array).into_iter().flatten() {
            let Some(p) = resolve(doc, p) else { continue };
            let (Some(name), Some(location)) = (
                p.get("name").and_then(Value::as_str),
                p.get("in").and_then(Value::as_str),
            ) else {
                continue;
            };
            declared.retain(|(n, l, _)| !(n == name && l == location));
            declared.push((name.to_string(), location.to_string(), p));
        }
    }
    let segments_src = template(&path);
    let mut params = Vec::new();
    // Path parameters in the order the path uses them, then the others as declared.
    for (name, location, p) in declared
        .iter()
        .filter(|(_, l, _)| l == "path")
        .map(|d| {
            let position = segments_src
                .iter()
                .position(|s| matches!(s, Piece::Param(n) if *n == d.0));
            (position, d)
        })
        .collect::<BTreeMap<_, _>>()
        .into_values()
        .chain(declared.iter().filter(|(_, l, _)| l != "path"))
        .map(|(n, l, p)| (n, l, p))
    {
        let location = match location.as_str() {
            "path" => Location::Path,
            "query" => Location::Query,
            "header" => Location::Header,
            other => {
                return Err(ctx.error(
                    pointer,
                    format!("`{other}` parameters are not supported (parameter `{name}`)"),
                ));
            }
        };
        let ident_name = naming::parameter(name);
        let Some(ty) = argument_type(sig, &ident_name) else {
            return Err(ctx.error(
                pointer,
                format!("internal error: no argument for parameter `{name}`"),
            ));
        };
        params.push(Param {
            api_name: name.clone(),
            ident: syn::Ident::new(&ident_name, proc_macro2::Span::call_site()),
            location,
            ty,
            description: text(p.get("description")),
            kind: p
                .get("schema")
                .map_or(Kind::String, |s| scalars::kind(doc, s)),
            deep: p.get("style").and_then(Value::as_str) == Some("deepObject"),
        });
    }
    dedupe_arguments(ctx, pointer, &mut params)?;

    let segments = segments_src
        .into_iter()
        .map(|piece| match piece {
            Piece::Literal(l) => Ok(Segment::Literal(l)),
            Piece::Param(name) => params
                .iter()
                .position(|p| p.location == Location::Path && p.api_name == name)
                .map(Segment::Param)
                .ok_or_else(|| {
                    ctx.error(
                        pointer,
                        format!("path `{path}` uses `{{{name}}}`, which is not a parameter"),
                    )
                }),
        })
        .collect::<R<Vec<_>>>()?;

    let request = op.get("requestBody").and_then(|b| resolve(doc, b));
    let body = match request
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
        .and_then(|c| c.keys().next())
    {
        None => None,
        Some(media) => {
            let encoding = if is_json(media) {
                BodyEncoding::Json
            } else if media == "application/x-www-form-urlencoded" {
                BodyEncoding::Form
            } else if media == "text/plain" {
                BodyEncoding::Text
            } else if media == MULTIPART {
                BodyEncoding::Multipart
            } else {
                BodyEncoding::Bytes
            };
            let ty = match encoding {
                BodyEncoding::Json | BodyEncoding::Form => {
                    let ty = argument_type(sig, "body").ok_or_else(|| {
                        ctx.error(pointer, "internal error: no argument for the request body")
                    })?;
                    // The type generator passes a body of a `Copy` type by value; the runtime
                    // takes every body by reference.
                    match ty {
                        Type::Reference(_) => ty,
                        ty => parse_quote!(&#ty),
                    }
                }
                BodyEncoding::Text => parse_quote!(::std::string::String),
                BodyEncoding::Multipart => parse_quote!(&::intercom_runtime::Multipart),
                BodyEncoding::Bytes => {
                    parse_quote!(impl ::std::convert::Into<::intercom_runtime::Bytes>)
                }
            };
            let schema = request
                .and_then(|b| b.pointer(&format!("/content/{}/schema", escape_token(media))));
            let parts = match (encoding, schema) {
                (BodyEncoding::Multipart, Some(s)) => form_parts::parts(doc, s),
                _ => Vec::new(),
            };
            let (fields, members) = match (encoding, schema) {
                (BodyEncoding::Json | BodyEncoding::Form, Some(s)) => scalars::fields(doc, s),
                _ => (Vec::new(), None),
            };
            Some(Body {
                encoding,
                media_type: media.clone(),
                ty,
                parts,
                required: request
                    .and_then(|b| b.get("required"))
                    .and_then(Value::as_bool)
                    == Some(true),
                fields,
                members,
            })
        }
    };

    let Some(success) = success(sig) else {
        return Err(ctx.error(pointer, "internal error: unexpected operation return type"));
    };
    let mut errors = Vec::new();
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        for (status, r) in responses {
            if status.starts_with('2') {
                continue;
            }
            let description = resolve(doc, r)
                .and_then(|r| text(r.get("description")))
                .unwrap_or_default();
            errors.push(ErrorDoc {
                status: status.clone(),
                description,
            });
        }
    }
    let pagination = pagination(ctx, op, pointer, &params, body.as_ref(), &success, types)?;
    let method_name = naming::unique(&naming::parameter(id), Case::Snake, taken);
    Ok(Operation {
        id: id.to_string(),
        ident: syn::Ident::new(&method_name, proc_macro2::Span::call_site()),
        method,
        path,
        segments,
        params,
        body,
        success,
        errors,
        tags: op
            .get("tags")
            .and_then(Value::as_array)
            .map(|t| {
                t.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        summary: text(op.get("summary")),
        description: text(op.get("description")),
        deprecated: op.get("deprecated").and_then(Value::as_bool) == Some(true),
        pagination,
        pointer: pointer.to_string(),
        samples: Samples::default(),
    })
}

/// The smallest values of `op`'s body and success schemas in `doc` (the prepared spec, with the
/// fixed fields as one-value enums).
fn samples_of(doc: &Value, op: &Operation) -> Samples {
    let Some(declared) = doc.pointer(&op.pointer) else {
        return Samples::default();
    };
    let body = op.body.as_ref().and_then(|b| {
        declared
            .get("requestBody")
            .and_then(|r| resolve(doc, r))
            .and_then(|r| r.pointer(&format!("/content/{}/schema", escape_token(&b.media_type))))
            .map(|s| samples::sample(doc, s))
    });
    let success = declared
        .get("responses")
        .and_then(Value::as_object)
        .and_then(|r| r.iter().find(|(status, _)| status.starts_with('2')));
    let status = success.map(|(status, _)| status.parse().unwrap_or(200));
    let success = success
        .and_then(|(_, r)| resolve(doc, r))
        .and_then(|r| r.get("content"))
        .and_then(Value::as_object)
        .and_then(|c| c.iter().find(|(m, _)| is_json(m)))
        .and_then(|(_, media)| media.get("schema"))
        .map(|s| samples::sample(doc, s));
    Samples {
        body,
        status,
        success,
    }
}

/// The operation's declared pagination with its item type; a declaration that cannot be used is
/// a located warning, and the operation is generated without a stream method.
fn pagination(
    ctx: &mut Ctx<'_>,
    op: &Value,
    pointer: &str,
    params: &[Param],
    body: Option<&Body>,
    success: &Success,
    types: &[Item],
) -> R<Option<Pagination>> {
    let query: Vec<&str> = params
        .iter()
        .filter(|p| p.location == Location::Query)
        .map(|p| p.api_name.as_str())
        .collect();
    let key = if op.get("x-pagination").is_some() {
        "x-pagination"
    } else {
        "x-fern-pagination"
    };
    let at = format!("{pointer}/{key}");
    let (advance, items, page_size) = match pagination::declared(op, &query) {
        Ok(None) => return Ok(None),
        Ok(Some(declared)) => declared,
        Err(message) => {
            ctx.warn(&at, format!("{message}; no stream method generated"))?;
            return Ok(None);
        }
    };
    let slots = [
        match &advance {
            PageAdvance::Cursor { slot, .. }
            | PageAdvance::Scroll { slot, .. }
            | PageAdvance::Page { slot, .. } => Some(slot),
        },
        page_size.as_ref(),
    ];
    let needs_body = slots
        .iter()
        .flatten()
        .any(|s| matches!(s, PageSlot::Body(_)));
    if needs_body && body.is_none_or(|b| b.encoding != BodyEncoding::Json) {
        ctx.warn(
            &at,
            "the cursor or page size goes in the body, but the operation has no JSON body; no stream method generated",
        )?;
        return Ok(None);
    }
    let item_type = match success {
        Success::Json(page) => pagination::item_type(types, page, &items),
        _ => None,
    };
    let Some(item_type) = item_type else {
        ctx.warn(
            &at,
            format!(
                "`{items}` does not lead to a list in the response type; no stream method generated"
            ),
        )?;
        return Ok(None);
    };
    Ok(Some(Pagination {
        advance,
        items,
        page_size,
        item_type: Box::new(item_type),
    }))
}

/// Parameters whose names give the same argument (`foo-bar` in the query, `foo_bar` in a header)
/// are told apart with a suffix, and a warning.
fn dedupe_arguments(ctx: &mut Ctx<'_>, pointer: &str, params: &mut [Param]) -> R<()> {
    let mut taken = BTreeSet::from(["body".to_string()]);
    for p in params.iter_mut() {
        let base = p.ident.to_string();
        let unique = naming::unique(&base, Case::Snake, &mut taken);
        if unique != base {
            ctx.warn(
                pointer,
                format!(
                    "parameter `{}` gives the same argument name as another; generated as `{unique}`",
                    p.api_name
                ),
            )?;
            p.ident = syn::Ident::new(&unique, p.ident.span());
        }
    }
    Ok(())
}

enum Piece {
    Literal(String),
    Param(String),
}

/// Splits a path template into literal text and parameter names. The prepare pass has checked
/// that braces are closed.
fn template(path: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            out.push(Piece::Literal(rest[..open].to_string()));
        }
        out.push(Piece::Param(rest[open + 1..open + close].to_string()));
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Literal(rest.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_into_literals_and_parameters() {
        let pieces = template("/contacts/{contact_id}/tags/{id}.json");
        let text: Vec<String> = pieces
            .iter()
            .map(|p| match p {
                Piece::Literal(l) => format!("L{l}"),
                Piece::Param(n) => format!("P{n}"),
            })
            .collect();
        assert_eq!(
            text,
            ["L/contacts/", "Pcontact_id", "L/tags/", "Pid", "L.json"]
        );
    }
}
