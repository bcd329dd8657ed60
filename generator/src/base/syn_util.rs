//! Reading generated items by their syn structure: serde attributes, the idents a type names,
//! whether a type is an `Option`.

use std::collections::BTreeSet;

use syn::visit::Visit;
use syn::{Attribute, Expr, Field, Lit, Meta, Type};

/// Looks `key` up in `#[serde(...)]` attributes: `Some(Some(v))` for `key = "v"`, `Some(None)`
/// for a bare `key`, `None` when absent.
pub(crate) fn serde_arg(attrs: &[syn::Attribute], key: &str) -> Option<Option<String>> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            let is_key = meta.path.is_ident(key);
            if meta.input.peek(syn::Token![=]) {
                let value: Expr = meta.value()?.parse()?;
                if is_key
                    && let Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) = value
                {
                    found = Some(Some(s.value()));
                }
            } else if is_key {
                found = Some(None);
            }
            Ok(())
        });
    }
    found
}

/// The JSON name of a struct field: its `rename`, else its identifier.
pub(crate) fn json_name(field: &Field) -> String {
    serde_arg(&field.attrs, "rename")
        .flatten()
        .unwrap_or_else(|| {
            field
                .ident
                .as_ref()
                .map(|i| i.to_string().trim_start_matches("r#").to_string())
                .unwrap_or_default()
        })
}

/// The JSON value of an enum variant: its `rename`, else its identifier.
pub(crate) fn variant_json_name(v: &syn::Variant) -> String {
    serde_arg(&v.attrs, "rename")
        .flatten()
        .unwrap_or_else(|| v.ident.to_string())
}

/// The last segment's ident of a path type (`::std::option::Option<T>` → `Option`).
pub(crate) fn last_ident(ty: &Type) -> Option<&syn::Ident> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().map(|s| &s.ident),
        _ => None,
    }
}

/// Whether `ty` is an `Option<…>`.
pub(crate) fn is_option(ty: &Type) -> bool {
    last_ident(ty).is_some_and(|i| i == "Option")
}

/// Every ident that names a type anywhere inside `node`: each segment of each path.
pub(crate) fn type_idents<N: TypeHolder + ?Sized>(node: &N) -> BTreeSet<String> {
    struct Collect(BTreeSet<String>);
    impl<'ast> Visit<'ast> for Collect {
        fn visit_path_segment(&mut self, s: &'ast syn::PathSegment) {
            self.0.insert(s.ident.to_string());
            syn::visit::visit_path_segment(self, s);
        }
    }
    let mut c = Collect(BTreeSet::new());
    node.visit_with(&mut c);
    c.0
}

/// Nodes [`type_idents`] can look into.
pub(crate) trait TypeHolder {
    fn visit_with<'a>(&'a self, v: &mut dyn Visit<'a>);
}

impl TypeHolder for Type {
    fn visit_with<'a>(&'a self, v: &mut dyn Visit<'a>) {
        v.visit_type(self);
    }
}

impl TypeHolder for syn::Fields {
    fn visit_with<'a>(&'a self, v: &mut dyn Visit<'a>) {
        v.visit_fields(self);
    }
}

impl TypeHolder for syn::punctuated::Punctuated<syn::Variant, syn::Token![,]> {
    fn visit_with<'a>(&'a self, v: &mut dyn Visit<'a>) {
        for variant in self {
            v.visit_variant(variant);
        }
    }
}

impl TypeHolder for syn::Item {
    fn visit_with<'a>(&'a self, v: &mut dyn Visit<'a>) {
        v.visit_item(self);
    }
}

/// The idents of a path type's generic arguments' types, e.g. `T` of `Option<T>`.
pub(crate) fn first_type_argument(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// Removes every lifetime from references in `ty` (`&'a str` → `&str`).
pub(crate) fn elide_lifetimes(ty: &mut Type) {
    struct Elide;
    impl syn::visit_mut::VisitMut for Elide {
        fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
            r.lifetime = None;
            syn::visit_mut::visit_type_reference_mut(self, r);
        }
    }
    syn::visit_mut::VisitMut::visit_type_mut(&mut Elide, ty);
}
/// The first non-empty line of an item's docs, trimmed, unless it is a code span.
pub(crate) fn first_doc_line(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| {
        let text = doc_text(a)?;
        let t = text.trim().to_string();
        (!t.is_empty() && !t.starts_with('`')).then_some(t)
    })
}

pub(crate) fn doc_text(attr: &Attribute) -> Option<String> {
    match &attr.meta {
        Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}
