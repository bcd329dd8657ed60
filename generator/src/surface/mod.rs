//! The public API surface of generated code as values, one item per operation, model, field,
//! enum value, constant and region: what a reviewer reads when the spec changes, rendered one
//! line per item, and what the API change report compares. Beside the items it keeps where in
//! the spec each one comes from and which keys more than one item claims.
//!
//! In: the emitted client module and the model. Out: a [`Surface`], or an error located at the
//! schema whose type name two types took.

pub(crate) mod diff;
mod item;
mod key;
pub(crate) mod origins;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use quote::ToTokens;
use syn::{Fields, File, ImplItem, Visibility};

pub use crate::base::diag::Origin;
use crate::base::pointer;
use crate::base::syn_util::{json_name, variant_json_name};
use crate::load::context::{Ctx, R};
use crate::model::Model;
use crate::passes::collisions;
use crate::passes::facts::ApiFacts;
pub use item::{Item, ModelKind, Signature, SurfaceType, VariantKind};
pub use key::{Key, KeyKind};

/// The surface: each item of the generated API by its key (`op show_contact`,
/// `field Contact.phone`, `field Shape::Circle.radius` for a field of a struct-like variant).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Surface {
    /// Every item, by key, in the order of the keys' text.
    pub items: BTreeMap<Key, Item>,
    /// Keys claimed by more than one item (`model TicketType` for two types of one name): code
    /// that does not compile, of which `items` holds only the last.
    pub duplicates: BTreeSet<Key>,
    /// Where each item comes from in the spec, by key, where known: operations at their
    /// operation, models and fields at their schema and property, regions at their server. The
    /// arguments of operations are here too (`param <operation>.<argument>`). A surface read
    /// back from text has none.
    pub origins: BTreeMap<Key, Origin>,
}

/// The surface of the client module `file` emitted from `model`, with origins. Two types of one
/// name are an error at the schema of the first such one the surface knows; `ctx` remembers
/// every component among those schemas, for the next round to rename all of them at once.
pub(crate) fn of(ctx: &mut Ctx<'_>, file: &File, model: &Model) -> R<Surface> {
    let mut surface = Surface::of(file, &model.facts);
    origins::attach(&mut surface, &|p| ctx.origin(p), model);
    let duplicates: Vec<(&Key, &String)> = surface
        .duplicates
        .iter()
        .filter_map(|k| match k.kind() {
            KeyKind::Model(name) => Some((k, name)),
            _ => None,
        })
        .collect();
    let Some(&(first, name)) = duplicates.first() else {
        return Ok(surface);
    };
    let at_of = |key: &Key| {
        surface
            .origins
            .get(key)
            .map_or("/components/schemas", |o| o.pointer.as_str())
    };
    ctx.collided_components = duplicates
        .iter()
        .filter_map(|(key, _)| {
            at_of(key)
                .strip_prefix("/components/schemas/")
                .filter(|component| !component.contains('/'))
                .map(pointer::unescape_token)
        })
        .collect();
    let at = at_of(first).to_string();
    Err(ctx.error(&at, collisions::type_name_taken_twice(name)))
}

/// Adds an item, remembering a key claimed twice.
fn insert(surface: &mut Surface, key: Key, item: Item) {
    if surface.items.contains_key(&key) {
        surface.duplicates.insert(key.clone());
    }
    surface.items.insert(key, item);
}

impl Surface {
    /// Reads a surface back from its text form (`key: item` lines), as written by `Display` or
    /// stored in an insta snapshot (whose `---` header is skipped).
    pub fn parse(text: &str) -> Self {
        let mut body = text;
        if let Some(rest) = text.strip_prefix("---\n")
            && let Some(end) = rest.find("\n---\n")
        {
            body = &rest[end + 5..];
        }
        let mut surface = Surface::default();
        for (k, v) in body.lines().filter_map(|l| l.split_once(": ")) {
            let key = Key::parse(k);
            let item = Item::parse(&key, v);
            insert(&mut surface, key, item);
        }
        surface
    }

    /// Reads the surface off generated code.
    pub fn of(file: &File, facts: &ApiFacts) -> Self {
        let mut surface = Surface::default();
        insert(
            &mut surface,
            Key::constant("API_VERSION"),
            Item::Const(format!("{:?}", facts.api_version)),
        );
        insert(
            &mut surface,
            Key::constant("VERSION_HEADER"),
            Item::Const(format!("{:?}", facts.version_header)),
        );
        for s in &facts.servers {
            insert(
                &mut surface,
                Key::region(&s.variant),
                Item::Region(s.url.clone()),
            );
        }
        for item in &file.items {
            match item {
                syn::Item::Impl(imp) if imp.trait_.is_none() => {
                    if SurfaceType::of(&imp.self_ty).as_str() != "Client" {
                        continue;
                    }
                    for it in &imp.items {
                        let ImplItem::Fn(f) = it else { continue };
                        if !matches!(f.vis, Visibility::Public(_)) || f.sig.asyncness.is_none() {
                            continue;
                        }
                        let params = f
                            .sig
                            .inputs
                            .iter()
                            .filter_map(|a| match a {
                                syn::FnArg::Typed(p) => Some((
                                    p.pat.to_token_stream().to_string(),
                                    SurfaceType::of(&p.ty),
                                )),
                                syn::FnArg::Receiver(_) => None,
                            })
                            .collect();
                        let result = match &f.sig.output {
                            syn::ReturnType::Type(_, t) => SurfaceType::of(t),
                            syn::ReturnType::Default => SurfaceType::of(&syn::parse_quote!(())),
                        };
                        insert(
                            &mut surface,
                            Key::operation(&f.sig.ident.to_string()),
                            Item::Operation(Signature { params, result }),
                        );
                    }
                }
                syn::Item::Mod(m) if m.ident == "types" => {
                    let Some((_, types)) = &m.content else {
                        continue;
                    };
                    for t in types {
                        model_items(t, &mut surface);
                    }
                }
                _ => {}
            }
        }
        surface
    }

    /// The item whose key has this text (`op show_contact`).
    pub fn get(&self, key: &str) -> Option<&Item> {
        self.items.get(key)
    }
}

/// The items of named fields, with the JSON name where it differs from the field's.
fn field_items(owner: &str, fields: &syn::FieldsNamed, surface: &mut Surface) {
    for f in &fields.named {
        let name = f
            .ident
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let json = json_name(f);
        let json = (json != name.trim_start_matches("r#")).then_some(json);
        insert(
            surface,
            Key::field(owner, &name),
            Item::Field {
                ty: SurfaceType::of(&f.ty),
                json,
            },
        );
    }
}

fn model_items(item: &syn::Item, surface: &mut Surface) {
    match item {
        syn::Item::Struct(s) if matches!(s.vis, Visibility::Public(_)) => {
            let name = s.ident.to_string();
            match &s.fields {
                // A struct whose fields are all private (a model's builder) mirrors its model's
                // fields, which the surface already lists.
                Fields::Named(named)
                    if !named.named.is_empty()
                        && named
                            .named
                            .iter()
                            .all(|f| !matches!(f.vis, Visibility::Public(_))) => {}
                Fields::Named(named) => {
                    let non_exhaustive = is_non_exhaustive(&s.attrs);
                    insert(
                        surface,
                        Key::model(&name),
                        Item::Model(ModelKind::Struct { non_exhaustive }),
                    );
                    field_items(&name, named, surface);
                }
                Fields::Unnamed(unnamed) => {
                    let inner = unnamed
                        .unnamed
                        .iter()
                        .map(|f| SurfaceType::of(&f.ty))
                        .collect();
                    insert(
                        surface,
                        Key::model(&name),
                        Item::Model(ModelKind::Newtype(inner)),
                    );
                }
                Fields::Unit => {
                    insert(surface, Key::model(&name), Item::Model(ModelKind::Unit));
                }
            }
        }
        syn::Item::Enum(e) if matches!(e.vis, Visibility::Public(_)) => {
            let name = e.ident.to_string();
            let non_exhaustive = is_non_exhaustive(&e.attrs);
            insert(
                surface,
                Key::model(&name),
                Item::Model(ModelKind::Enum { non_exhaustive }),
            );
            for v in &e.variants {
                let kind = match &v.fields {
                    Fields::Unit => VariantKind::Value(variant_json_name(v)),
                    Fields::Unnamed(u) => VariantKind::Tuple(
                        u.unnamed.iter().map(|f| SurfaceType::of(&f.ty)).collect(),
                    ),
                    // The fields are items of their own, owned by `Enum::Variant`.
                    Fields::Named(named) => {
                        field_items(&format!("{name}::{}", v.ident), named, surface);
                        VariantKind::Struct
                    }
                };
                insert(
                    surface,
                    Key::variant(&name, &v.ident.to_string()),
                    Item::Variant(kind),
                );
            }
        }
        _ => {}
    }
}

fn is_non_exhaustive(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

impl fmt::Display for Surface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, v) in &self.items {
            writeln!(f, "{k}: {v}")?;
        }
        Ok(())
    }
}
