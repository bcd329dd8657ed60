//! The public API surface of generated code, one line per operation, model field, enum value,
//! constant and region: what a reviewer reads when the spec changes. Beside the lines, and not
//! part of their text form, it keeps where in the spec each item comes from and which keys more
//! than one item claims.

pub(crate) mod diff;
pub(crate) mod origins;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use quote::ToTokens;
use syn::{Fields, File, ImplItem, Item, Visibility};

pub use crate::base::diag::Origin;
use crate::base::syn_util::{json_name, variant_json_name};
use crate::passes::facts::ApiFacts;

/// The surface: a sorted map from an item's key (`op show_contact`, `field Contact.phone`,
/// `field Shape::Circle.radius` for a field of a struct-like enum variant) to its signature.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Surface {
    /// Item key → signature.
    pub items: BTreeMap<String, String>,
    /// Keys claimed by more than one item (`model TicketType` for two types of one name): code
    /// that does not compile, of which `items` holds only the last.
    pub duplicates: BTreeSet<String>,
    /// Where each item comes from in the spec, by item key, where known: operations at their
    /// operation, models and fields at their schema and property, regions at their server. The
    /// parameters of operations are here too, as `param <operation>.<argument>`. A surface read
    /// back from text has none.
    pub origins: BTreeMap<String, Origin>,
}

/// Adds an item, remembering a key claimed twice.
fn insert(surface: &mut Surface, key: String, signature: String) {
    if surface.items.contains_key(&key) {
        surface.duplicates.insert(key.clone());
    }
    surface.items.insert(key, signature);
}

impl Surface {
    /// Reads a surface back from its text form (`key: signature` lines), as written by
    /// `Display` or stored in an insta snapshot (whose `---` header is skipped).
    pub fn parse(text: &str) -> Self {
        let mut body = text;
        if let Some(rest) = text.strip_prefix("---\n")
            && let Some(end) = rest.find("\n---\n")
        {
            body = &rest[end + 5..];
        }
        let mut surface = Surface::default();
        for (k, v) in body.lines().filter_map(|l| l.split_once(": ")) {
            insert(&mut surface, k.to_string(), v.to_string());
        }
        surface
    }

    /// Reads the surface off generated code.
    pub fn of(file: &File, facts: &ApiFacts) -> Self {
        let mut surface = Surface::default();
        insert(
            &mut surface,
            "const API_VERSION".to_string(),
            format!("{:?}", facts.api_version),
        );
        insert(
            &mut surface,
            "const VERSION_HEADER".to_string(),
            format!("{:?}", facts.version_header),
        );
        for s in &facts.servers {
            insert(&mut surface, format!("region {}", s.variant), s.url.clone());
        }
        for item in &file.items {
            match item {
                Item::Impl(imp) if imp.trait_.is_none() => {
                    let self_ty = type_text(&imp.self_ty);
                    if self_ty != "Client" {
                        continue;
                    }
                    for it in &imp.items {
                        let ImplItem::Fn(f) = it else { continue };
                        if !matches!(f.vis, Visibility::Public(_)) || f.sig.asyncness.is_none() {
                            continue;
                        }
                        let params: Vec<String> = f
                            .sig
                            .inputs
                            .iter()
                            .filter_map(|a| match a {
                                syn::FnArg::Typed(p) => Some(format!(
                                    "{}: {}",
                                    p.pat.to_token_stream(),
                                    type_text(&p.ty)
                                )),
                                syn::FnArg::Receiver(_) => None,
                            })
                            .collect();
                        let ret = match &f.sig.output {
                            syn::ReturnType::Type(_, t) => type_text(t),
                            syn::ReturnType::Default => "()".into(),
                        };
                        insert(
                            &mut surface,
                            format!("op {}", f.sig.ident),
                            format!("({}) -> {ret}", params.join(", ")),
                        );
                    }
                }
                Item::Mod(m) if m.ident == "types" => {
                    let Some((_, types)) = &m.content else {
                        continue;
                    };
                    for t in types {
                        model_lines(t, &mut surface);
                    }
                }
                _ => {}
            }
        }
        surface
    }
}

/// `field <owner>.<name>: <type>` lines for named fields, with the JSON name where it differs.
fn field_lines(owner: &str, fields: &syn::FieldsNamed, items: &mut Surface) {
    for f in &fields.named {
        let name = f
            .ident
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let json = json_name(f);
        let rename = if json != name.trim_start_matches("r#") {
            format!(" (json `{json}`)")
        } else {
            String::new()
        };
        insert(
            items,
            format!("field {owner}.{name}"),
            format!("{}{rename}", type_text(&f.ty)),
        );
    }
}

fn model_lines(item: &Item, items: &mut Surface) {
    match item {
        Item::Struct(s) if matches!(s.vis, Visibility::Public(_)) => match &s.fields {
            // A struct whose fields are all private (a model's builder) mirrors its model's
            // fields, which the surface already lists.
            Fields::Named(named)
                if !named.named.is_empty()
                    && named
                        .named
                        .iter()
                        .all(|f| !matches!(f.vis, Visibility::Public(_))) => {}
            Fields::Named(named) => {
                let kind = if is_non_exhaustive(&s.attrs) {
                    "struct, non_exhaustive"
                } else {
                    "struct"
                };
                insert(items, format!("model {}", s.ident), kind.into());
                field_lines(&s.ident.to_string(), named, items);
            }
            Fields::Unnamed(unnamed) => {
                let inner: Vec<String> = unnamed.unnamed.iter().map(|f| type_text(&f.ty)).collect();
                insert(
                    items,
                    format!("model {}", s.ident),
                    format!("newtype({})", inner.join(", ")),
                );
            }
            Fields::Unit => {
                insert(items, format!("model {}", s.ident), "unit".into());
            }
        },
        Item::Enum(e) if matches!(e.vis, Visibility::Public(_)) => {
            let kind = if is_non_exhaustive(&e.attrs) {
                "enum, non_exhaustive"
            } else {
                "enum"
            };
            insert(items, format!("model {}", e.ident), kind.into());
            for v in &e.variants {
                let sig = match &v.fields {
                    Fields::Unit => format!("{:?}", variant_json_name(v)),
                    Fields::Unnamed(u) => {
                        let inner: Vec<String> =
                            u.unnamed.iter().map(|f| type_text(&f.ty)).collect();
                        format!("({})", inner.join(", "))
                    }
                    // The fields get lines of their own, owned by `Enum::Variant`.
                    Fields::Named(named) => {
                        field_lines(&format!("{}::{}", e.ident, v.ident), named, items);
                        "{ .. }".into()
                    }
                };
                insert(items, format!("variant {}::{}", e.ident, v.ident), sig);
            }
        }
        _ => {}
    }
}

fn is_non_exhaustive(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

/// A type as a reader writes it: formatted by prettyplease, without leading `::std::…` paths.
pub(crate) fn type_text(ty: &syn::Type) -> String {
    let file: File = syn::parse_quote!(type T = #ty;);
    let mut s = prettyplease::unparse(&file);
    s = s
        .trim()
        .trim_start_matches("type T = ")
        .trim_end_matches(';')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for prefix in [
        "::std::option::",
        "::std::string::",
        "::std::vec::",
        "::std::collections::",
        "::std::boxed::",
        "::serde_json::",
        "types::",
        "::intercom_runtime::",
    ] {
        s = s.replace(prefix, "");
    }
    // prettyplease breaks long types over lines with trailing commas; one line needs none.
    s.replace("&'a ", "&")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(",>", ">")
        .replace(",)", ")")
}

impl fmt::Display for Surface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, v) in &self.items {
            writeln!(f, "{k}: {v}")?;
        }
        Ok(())
    }
}
