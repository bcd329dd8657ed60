//! Pagination declared in the spec: `x-pagination` in OpenAPI's runtime-expression syntax, or
//! Fern's `x-fern-pagination`, read into a typed description that the emitter turns into a
//! stream method.
//!
//! ```yaml
//! x-pagination:                                       # a cursor in the query
//!   cursor: $request.query.starting_after
//!   next: $response.body#/pages/next/starting_after
//!   items: $response.body#/data
//!   page_size: $request.query.per_page
//! x-pagination:                                       # a scroll value, which may repeat
//!   scroll: $request.query.scroll_param
//!   next: $response.body#/scroll_param
//!   items: $response.body#/data
//! x-pagination:                                       # numbered pages
//!   page: $request.query.page
//!   total: $response.body#/pages/total_pages          # optional
//!   items: $response.body#/data
//! x-fern-pagination:                                  # Fern's spelling
//!   cursor: $request.starting_after
//!   next_cursor: $response.pages.next.starting_after
//!   results: $response.data
//! ```

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value};
use syn::{Fields, Item, Type};

use crate::base::syn_util::{first_type_argument, is_option, json_name, last_ident};

/// Where a pagination value goes in the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageSlot {
    /// A query parameter of this name.
    Query(String),
    /// A member of the JSON body at this JSON pointer.
    Body(String),
}

/// How the next page is asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageAdvance {
    /// A cursor, read from a response at `next` and sent at `slot`.
    Cursor {
        /// Where the request carries the cursor.
        slot: PageSlot,
        /// JSON pointer of the next cursor in a response.
        next: String,
    },
    /// A scroll value, read from a response at `next` and sent at `slot`; it may repeat, and
    /// the walk ends at a page without items.
    Scroll {
        /// Where the request carries the scroll value.
        slot: PageSlot,
        /// JSON pointer of the scroll value in a response.
        next: String,
    },
    /// A page number sent at `slot`; `total` points at the number of pages, if given.
    Page {
        /// Where the request carries the page number.
        slot: PageSlot,
        /// JSON pointer of the number of pages in a response.
        total: Option<String>,
    },
}

/// The pagination of an operation.
#[derive(Clone, Debug)]
pub struct Pagination {
    /// How the next page is asked for.
    pub advance: PageAdvance,
    /// JSON pointer of the items in a response.
    pub items: String,
    /// Where the request sets the page size.
    pub page_size: Option<PageSlot>,
    /// The Rust type of one item.
    pub item_type: Box<Type>,
}

impl Pagination {
    /// The request parameters the stream method sets itself (the cursor or page, the page
    /// size), which it therefore does not take as arguments.
    pub fn query_parameters(&self) -> Vec<&str> {
        let slot = match &self.advance {
            PageAdvance::Cursor { slot, .. }
            | PageAdvance::Scroll { slot, .. }
            | PageAdvance::Page { slot, .. } => slot,
        };
        [Some(slot), self.page_size.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|s| match s {
                PageSlot::Query(name) => Some(name.as_str()),
                PageSlot::Body(_) => None,
            })
            .collect()
    }
}

impl PageSlot {
    /// The runtime's `Slot` for this place, as an expression.
    fn tokens(&self) -> TokenStream {
        match self {
            PageSlot::Query(name) => quote!(::intercom_runtime::Slot::Query(#name)),
            PageSlot::Body(pointer) => quote!(::intercom_runtime::Slot::Body(#pointer)),
        }
    }
}

impl Pagination {
    /// The runtime's `Pages` value describing this pagination, as an expression: what both the
    /// client's stream methods and the CLI's operation table hand the runtime.
    pub(crate) fn runtime_pages(&self) -> TokenStream {
        let advance = match &self.advance {
            PageAdvance::Cursor { slot, next } => {
                let slot = slot.tokens();
                quote!(::intercom_runtime::Advance::Cursor { slot: #slot, next: #next })
            }
            PageAdvance::Scroll { slot, next } => {
                let slot = slot.tokens();
                quote!(::intercom_runtime::Advance::Scroll { slot: #slot, next: #next })
            }
            PageAdvance::Page { slot, total } => {
                let slot = slot.tokens();
                let total = match total {
                    Some(t) => quote!(Some(#t)),
                    None => quote!(None),
                };
                quote!(::intercom_runtime::Advance::Page { slot: #slot, total: #total })
            }
        };
        let items = &self.items;
        let page_size = match &self.page_size {
            Some(s) => {
                let s = s.tokens();
                quote!(Some(#s))
            }
            None => quote!(None),
        };
        quote! {
            ::intercom_runtime::Pages {
                advance: #advance,
                items: #items,
                page_size: #page_size,
            }
        }
    }
}

/// The pagination an operation declares, before its item type is known: `Ok(None)` when it
/// declares none, `Err` with what is wrong when the declaration cannot be read.
pub(crate) fn declared(
    op: &Value,
    query_params: &[&str],
) -> Result<Option<(PageAdvance, String, Option<PageSlot>)>, String> {
    if let Some(x) = op.get("x-pagination") {
        let x = x.as_object().ok_or("`x-pagination` is not a mapping")?;
        return ours(x).map(Some);
    }
    if let Some(x) = op.get("x-fern-pagination") {
        let x = x
            .as_object()
            .ok_or("`x-fern-pagination` is not a mapping")?;
        return fern(x, query_params).map(Some);
    }
    Ok(None)
}

fn text<'a>(x: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, String> {
    match x.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim())),
        Some(_) => Err(format!("`{key}` is not a runtime expression")),
    }
}

fn required<'a>(x: &'a Map<String, Value>, key: &str) -> Result<&'a str, String> {
    text(x, key)?.ok_or_else(|| format!("`{key}` is missing"))
}

/// `$request.query.NAME` or `$request.body#/POINTER`.
fn request_slot(expr: &str) -> Result<PageSlot, String> {
    if let Some(name) = expr.strip_prefix("$request.query.") {
        return Ok(PageSlot::Query(name.to_string()));
    }
    if let Some(pointer) = expr.strip_prefix("$request.body#") {
        return pointer_of(pointer, expr).map(PageSlot::Body);
    }
    Err(format!(
        "`{expr}` is not `$request.query.NAME` or `$request.body#/POINTER`"
    ))
}

/// `$response.body#/POINTER`.
fn response_pointer(expr: &str) -> Result<String, String> {
    let pointer = expr
        .strip_prefix("$response.body#")
        .ok_or_else(|| format!("`{expr}` is not `$response.body#/POINTER`"))?;
    pointer_of(pointer, expr)
}

fn pointer_of(pointer: &str, expr: &str) -> Result<String, String> {
    if pointer.starts_with('/') {
        Ok(pointer.to_string())
    } else {
        Err(format!("`{expr}` has no JSON pointer after `#`"))
    }
}

fn ours(x: &Map<String, Value>) -> Result<(PageAdvance, String, Option<PageSlot>), String> {
    let items = response_pointer(required(x, "items")?)?;
    let page_size = text(x, "page_size")?.map(request_slot).transpose()?;
    let advance = match (text(x, "cursor")?, text(x, "scroll")?, text(x, "page")?) {
        (Some(cursor), None, None) => PageAdvance::Cursor {
            slot: request_slot(cursor)?,
            next: response_pointer(required(x, "next")?)?,
        },
        (None, Some(scroll), None) => PageAdvance::Scroll {
            slot: request_slot(scroll)?,
            next: response_pointer(required(x, "next")?)?,
        },
        (None, None, Some(page)) => PageAdvance::Page {
            slot: request_slot(page)?,
            total: text(x, "total")?.map(response_pointer).transpose()?,
        },
        _ => return Err("give exactly one of `cursor`, `scroll` and `page`".to_string()),
    };
    Ok((advance, items, page_size))
}

/// Fern writes `$request.NAME` (a query parameter, or a body member) and `$response.a.b`.
fn fern(
    x: &Map<String, Value>,
    query_params: &[&str],
) -> Result<(PageAdvance, String, Option<PageSlot>), String> {
    let request = |expr: &str| -> Result<PageSlot, String> {
        let path = expr
            .strip_prefix("$request.")
            .ok_or_else(|| format!("`{expr}` is not `$request.NAME`"))?;
        if query_params.contains(&path) {
            Ok(PageSlot::Query(path.to_string()))
        } else {
            Ok(PageSlot::Body(dotted_pointer(path)))
        }
    };
    let response = |expr: &str| -> Result<String, String> {
        expr.strip_prefix("$response.")
            .map(dotted_pointer)
            .ok_or_else(|| format!("`{expr}` is not `$response.PATH`"))
    };
    let items = response(required(x, "results")?)?;
    let page_size = text(x, "step")?.map(request).transpose()?;
    let advance = match (text(x, "cursor")?, text(x, "offset")?) {
        (Some(cursor), None) => PageAdvance::Cursor {
            slot: request(cursor)?,
            next: response(required(x, "next_cursor")?)?,
        },
        (None, Some(offset)) => PageAdvance::Page {
            slot: request(offset)?,
            total: None,
        },
        _ => return Err("give exactly one of `cursor` and `offset`".to_string()),
    };
    Ok((advance, items, page_size))
}

fn dotted_pointer(path: &str) -> String {
    path.split('.')
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// The type of one item: follows `items` through the fields of the page type `page` to a list,
/// and takes its element type.
pub(crate) fn item_type(types: &[Item], page: &Type, items: &str) -> Option<Type> {
    let mut ty = page.clone();
    for token in items.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let name = last_ident(&unwrap_option(&ty))?.to_string();
        let fields = types.iter().find_map(|item| match item {
            Item::Struct(s) if s.ident == name => match &s.fields {
                Fields::Named(named) => Some(named),
                _ => None,
            },
            _ => None,
        })?;
        let field = fields.named.iter().find(|f| json_name(f) == token)?;
        ty = field.ty.clone();
    }
    let list = unwrap_option(&ty);
    if last_ident(&list)? != "Vec" {
        return None;
    }
    let mut item = first_type_argument(&list)?.clone();
    qualify(&mut item, types);
    Some(item)
}

/// Names of the types module, as written inside it, become `types::Name` for use outside it.
fn qualify(ty: &mut Type, types: &[Item]) {
    struct Qualify<'a>(&'a [Item]);
    impl syn::visit_mut::VisitMut for Qualify<'_> {
        fn visit_type_path_mut(&mut self, p: &mut syn::TypePath) {
            syn::visit_mut::visit_type_path_mut(self, p);
            if p.qself.is_some() || p.path.leading_colon.is_some() || p.path.segments.len() != 1 {
                return;
            }
            let name = &p.path.segments[0].ident;
            let local = self.0.iter().any(|item| match item {
                Item::Struct(s) => s.ident == *name,
                Item::Enum(e) => e.ident == *name,
                Item::Type(t) => t.ident == *name,
                _ => false,
            });
            if local {
                p.path.segments.insert(0, syn::parse_quote!(types));
            }
        }
    }
    syn::visit_mut::VisitMut::visit_type_mut(&mut Qualify(types), ty);
}

fn unwrap_option(ty: &Type) -> Type {
    let mut ty = ty.clone();
    while is_option(&ty) {
        match first_type_argument(&ty) {
            Some(inner) => ty = inner.clone(),
            None => break,
        }
    }
    ty
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn our_extension_reads_all_four_styles() {
        let cursor = json!({"x-pagination": {
            "cursor": "$request.query.starting_after",
            "next": "$response.body#/pages/next/starting_after",
            "items": "$response.body#/data",
            "page_size": "$request.query.per_page"}});
        let (advance, items, size) = declared(&cursor, &[]).unwrap().unwrap();
        assert_eq!(
            advance,
            PageAdvance::Cursor {
                slot: PageSlot::Query("starting_after".into()),
                next: "/pages/next/starting_after".into()
            }
        );
        assert_eq!(items, "/data");
        assert_eq!(size, Some(PageSlot::Query("per_page".into())));

        let body = json!({"x-pagination": {
            "cursor": "$request.body#/pagination/starting_after",
            "next": "$response.body#/pages/next/starting_after",
            "items": "$response.body#/data"}});
        let (advance, _, _) = declared(&body, &[]).unwrap().unwrap();
        assert!(
            matches!(advance, PageAdvance::Cursor { slot: PageSlot::Body(p), .. } if p == "/pagination/starting_after")
        );

        let page = json!({"x-pagination": {"page": "$request.query.page", "items": "$response.body#/data"}});
        let (advance, _, _) = declared(&page, &[]).unwrap().unwrap();
        assert_eq!(
            advance,
            PageAdvance::Page {
                slot: PageSlot::Query("page".into()),
                total: None
            }
        );

        let scroll = json!({"x-pagination": {
            "scroll": "$request.query.scroll_param",
            "next": "$response.body#/scroll_param",
            "items": "$response.body#/data"}});
        assert!(declared(&scroll, &[]).unwrap().is_some());
    }

    #[test]
    fn fern_extension_reads_cursor_and_offset() {
        let op = json!({"x-fern-pagination": {
            "cursor": "$request.starting_after",
            "next_cursor": "$response.pages.next.starting_after",
            "results": "$response.data"}});
        let (advance, items, _) = declared(&op, &["starting_after"]).unwrap().unwrap();
        assert_eq!(
            advance,
            PageAdvance::Cursor {
                slot: PageSlot::Query("starting_after".into()),
                next: "/pages/next/starting_after".into()
            }
        );
        assert_eq!(items, "/data");
        let op =
            json!({"x-fern-pagination": {"offset": "$request.page", "results": "$response.data"}});
        assert!(declared(&op, &["page"]).unwrap().is_some());
    }

    #[test]
    fn bad_declarations_say_what_is_wrong() {
        let op = json!({"x-pagination": {"cursor": "$request.query.c", "items": "$response.body#/data"}});
        assert_eq!(declared(&op, &[]).unwrap_err(), "`next` is missing");
        let op = json!({"x-pagination": {"cursor": "starting_after", "next": "$response.body#/n", "items": "$response.body#/data"}});
        assert!(
            declared(&op, &[])
                .unwrap_err()
                .contains("is not `$request.query.NAME`")
        );
        let op = json!({"x-pagination": 3});
        assert!(declared(&op, &[]).is_err());
    }
}
