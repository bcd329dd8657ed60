//! Alternatives told apart by a property: a component schema with `oneOf` (or `anyOf`) of
//! references and a `discriminator` (`message_type`: `close`, `snoozed`, …) becomes an enum that
//! serializes each variant with its tag and decodes by the tag, not by trying each shape.
//!
//! The type engine makes every `oneOf` an untagged enum. Before it runs, [`prepare`] finds each
//! discriminated union and its variants. When the variants' schemas serve this union alone, the
//! tag property is taken off them, and [`apply`] makes the enum internally tagged
//! (`#[serde(tag = "message_type")]`, a `rename` per variant): the tag cannot be set wrong. When
//! a variant's schema is used elsewhere too (a `company` that is also returned on its own), its
//! type keeps the property, and the enum gets a `Deserialize` that reads the tag first and decodes
//! that variant alone (trying each in turn only when a body lacks the tag).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use syn::{Attribute, Fields, Item, ItemEnum, parse_quote};

use crate::ctx::{Ctx, R};
use crate::naming;
use crate::pointer::{self, escape_token};
use crate::syn_util::last_ident;

/// A component schema whose alternatives a property tells apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaggedUnion {
    /// The component's name in the spec.
    pub schema: String,
    /// The property that holds the tag.
    pub property: String,
    /// Each alternative: the component it refers to and its tag.
    pub variants: Vec<(String, String)>,
    /// Whether the alternatives' types keep the tag property (some serve elsewhere too), so
    /// that the enum decodes by reading the tag rather than being internally tagged.
    pub by_marker: bool,
}

const SCHEMAS: &str = "/components/schemas/";

/// Finds the discriminated unions among the component schemas and, where the alternatives serve
/// the union alone, takes the tag property off them. A discriminator that cannot be honoured (no
/// alternatives by reference, a tag that contradicts an alternative's own values) is a warning,
/// and its union stays one decoded by shape.
pub(crate) fn prepare(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<Vec<TaggedUnion>> {
    let mut out = Vec::new();
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Ok(out);
    };
    let mut found = Vec::new();
    for (name, schema) in schemas {
        let Some(disc) = schema.get("discriminator") else {
            continue;
        };
        let at = format!("{SCHEMAS}{}/discriminator", escape_token(name));
        match union(doc, name, schema, disc) {
            Ok(u) => found.push(u),
            Err(why) => ctx.warn(
                &at,
                format!("{why}; the alternatives are told apart by their shape"),
            )?,
        }
    }
    let refs = pointer::refs(doc);
    for (mut u, leaves) in found {
        // The union's own schemas, from which references to its alternatives do not count.
        let own: BTreeSet<String> = std::iter::once(u.schema.clone())
            .chain(leaves.iter().flat_map(|(_, via)| via.iter().cloned()))
            .collect();
        let exclusive = leaves.iter().all(|(leaf, _)| {
            let target = format!("#{SCHEMAS}{}", escape_token(leaf));
            refs.iter().filter(|(_, t)| *t == target).all(|(at, _)| {
                own.iter()
                    .any(|s| at.starts_with(&format!("{SCHEMAS}{}/", escape_token(s))))
            })
        });
        u.by_marker = !exclusive;
        if exclusive {
            for (leaf, _) in &leaves {
                remove_property(doc, leaf, &u.property);
            }
        }
        out.push(u);
    }
    Ok(out)
}

/// The union of the component `name`, and its leaves: the object schemas its alternatives come
/// down to (an alternative may itself be a union by shape), each with the unions it is reached
/// through. `Err` says why the discriminator cannot be honoured.
#[allow(clippy::type_complexity)]
fn union(
    doc: &Value,
    name: &str,
    schema: &Value,
    disc: &Value,
) -> Result<(TaggedUnion, Vec<(String, Vec<String>)>), String> {
    let property = disc
        .get("propertyName")
        .and_then(Value::as_str)
        .ok_or("the discriminator has no `propertyName`")?
        .to_string();
    let alternatives = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
        .ok_or("a discriminator without `oneOf` or `anyOf` alternatives is not supported")?;
    let mapping: BTreeMap<String, String> = disc
        .get("mapping")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(tag, target)| {
                    let target = target.as_str()?;
                    let component = target
                        .strip_prefix(&format!("#{SCHEMAS}"))
                        .unwrap_or(target);
                    Some((component.to_string(), tag.clone()))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut variants = Vec::new();
    let mut leaves = Vec::new();
    for alt in alternatives {
        let component = alt
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(&format!("#{SCHEMAS}")))
            .ok_or("an alternative that is not a reference to a component schema")?
            .to_string();
        let mut mine = Vec::new();
        collect_leaves(doc, &component, &mut Vec::new(), &mut mine)?;
        let values: BTreeSet<Option<String>> = mine
            .iter()
            .map(|(leaf, _)| single_value(doc, leaf, &property))
            .collect();
        let tag = match mapping.get(&component) {
            Some(tag) => tag.clone(),
            None => match values.iter().next() {
                Some(Some(v)) if values.len() == 1 => v.clone(),
                _ => component.clone(),
            },
        };
        if values.iter().flatten().any(|v| *v != tag) {
            return Err(format!(
                "the alternative `{component}` is tagged `{tag}`, but its `{property}` says otherwise"
            ));
        }
        variants.push((component, tag));
        leaves.extend(mine);
    }
    let tags: BTreeSet<&String> = variants.iter().map(|(_, t)| t).collect();
    if tags.len() != variants.len() {
        return Err("two alternatives have the same tag".to_string());
    }
    Ok((
        TaggedUnion {
            schema: name.to_string(),
            property,
            variants,
            by_marker: false,
        },
        leaves,
    ))
}

/// The object schemas the component `name` comes down to, through unions by shape of
/// references, each with the unions passed through (`via`).
fn collect_leaves(
    doc: &Value,
    name: &str,
    via: &mut Vec<String>,
    out: &mut Vec<(String, Vec<String>)>,
) -> Result<(), String> {
    if via.iter().any(|v| v == name) || via.len() > 8 {
        return Err(format!("the alternative `{name}` contains itself"));
    }
    let schema = doc
        .pointer(&format!("{SCHEMAS}{}", escape_token(name)))
        .ok_or_else(|| format!("the alternative `{name}` is not a component schema"))?;
    if let Some(alts) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        via.push(name.to_string());
        for alt in alts {
            let inner = alt
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(&format!("#{SCHEMAS}")))
                .ok_or_else(|| format!("an alternative of `{name}` is not a reference"))?;
            collect_leaves(doc, inner, via, out)?;
        }
        via.pop();
        return Ok(());
    }
    if !schema.get("properties").is_some_and(Value::is_object) {
        return Err(format!("the alternative `{name}` is not an object"));
    }
    out.push((name.to_string(), via.clone()));
    Ok(())
}

/// The one value the property `property` of the component `leaf` may take, if it says.
fn single_value(doc: &Value, leaf: &str, property: &str) -> Option<String> {
    let p = doc.pointer(&format!(
        "{SCHEMAS}{}/properties/{}",
        escape_token(leaf),
        escape_token(property)
    ))?;
    match p.get("enum").and_then(Value::as_array).map(Vec::as_slice) {
        Some([Value::String(v)]) => Some(v.clone()),
        _ => None,
    }
}

/// Takes the property `property` off the component `leaf`, and out of its `required`.
fn remove_property(doc: &mut Value, leaf: &str, property: &str) {
    let Some(schema) = doc
        .pointer_mut(&format!("{SCHEMAS}{}", escape_token(leaf)))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        props.remove(property);
    }
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|r| r.as_str() != Some(property));
    }
}

/// Makes the generated enum of each union tag its variants: internally tagged, or decoded by
/// reading the tag first (`by_marker`). Each variant is named after its tag (`Close`,
/// `Snoozed`), so that its name follows the API's own word for it.
pub(crate) fn apply(items: &mut Vec<Item>, unions: &[TaggedUnion]) {
    let mut added = Vec::new();
    let mut renamed: Vec<(String, Vec<(syn::Ident, syn::Ident)>)> = Vec::new();
    for (i, item) in items.iter_mut().enumerate() {
        let Item::Enum(e) = item else { continue };
        let Some(u) = unions.iter().find(|u| e.ident == naming::pascal(&u.schema)) else {
            continue;
        };
        let tags = variant_tags(e, u);
        if tags.len() != e.variants.len() {
            // The type engine shaped the enum otherwise than one variant per alternative.
            continue;
        }
        let names: Vec<syn::Ident> = tags
            .iter()
            .map(|t| syn::Ident::new(&naming::pascal(t), proc_macro2::Span::call_site()))
            .collect();
        let distinct: BTreeSet<&syn::Ident> = names.iter().collect();
        if distinct.len() == names.len() && names.iter().all(|n| !n.to_string().is_empty()) {
            let mut pairs = Vec::new();
            for (v, name) in e.variants.iter_mut().zip(&names) {
                if v.ident != *name {
                    pairs.push((v.ident.clone(), name.clone()));
                    v.ident = name.clone();
                }
            }
            renamed.push((e.ident.to_string(), pairs));
        }
        if u.by_marker {
            if let Some(cfg) = take_deserialize(&mut e.attrs) {
                gate_serde_attrs(&mut e.attrs);
                added.push((i, marker_deserialize(e, u, &tags, cfg)));
            }
        } else {
            let property = &u.property;
            e.attrs.retain(|a| !is_untagged(a));
            e.attrs.push(parse_quote!(#[serde(tag = #property)]));
            for (v, tag) in e.variants.iter_mut().zip(&tags) {
                v.attrs.push(parse_quote!(#[serde(rename = #tag)]));
            }
        }
    }
    for (i, imp) in added.into_iter().rev() {
        items.insert(i + 1, imp);
    }
    for item in items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        let Some(name) = crate::types::self_ident(imp) else {
            continue;
        };
        if let Some((_, pairs)) = renamed.iter().find(|(e, _)| *e == name) {
            syn::visit_mut::VisitMut::visit_item_impl_mut(&mut RenameVariants(pairs), imp);
        }
    }
}

/// Renames `Self::Old` to `Self::New` in an enum's impls, after its variants were renamed.
struct RenameVariants<'a>(&'a [(syn::Ident, syn::Ident)]);

impl syn::visit_mut::VisitMut for RenameVariants<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.segments.len() == 2 && path.segments[0].ident == "Self" {
            let second = &mut path.segments[1].ident;
            if let Some((_, new)) = self.0.iter().find(|(old, _)| old == second) {
                *second = new.clone();
            }
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

/// Puts the enum's `#[serde(…)]` attributes under the feature its remaining serde derive is
/// under, when it has no serde derive otherwise; drops them when it has none at all.
fn gate_serde_attrs(attrs: &mut Vec<Attribute>) {
    let derives_serde = attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && a.parse_args_with(Paths::parse_terminated).is_ok_and(|p| {
                p.iter()
                    .any(|p| p.segments.first().is_some_and(|s| s.ident == "serde"))
            })
    });
    if derives_serde {
        return;
    }
    let feature = attrs.iter().find_map(|a| {
        let metas = a.parse_args_with(Metas::parse_terminated).ok()?;
        let (syn::Meta::NameValue(condition), syn::Meta::List(list)) =
            (metas.first()?, metas.get(1)?)
        else {
            return None;
        };
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(feature),
            ..
        }) = &condition.value
        else {
            return None;
        };
        (a.path().is_ident("cfg_attr") && list.path.is_ident("derive")).then(|| feature.value())
    });
    let serde: Vec<TokenStream> = attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .filter_map(|a| a.meta.require_list().ok().map(|l| l.tokens.clone()))
        .collect();
    attrs.retain(|a| !a.path().is_ident("serde"));
    if let Some(feature) = feature {
        // After the derive that introduces them.
        for tokens in serde {
            attrs.push(parse_quote!(#[cfg_attr(feature = #feature, serde(#tokens))]));
        }
    }
}

/// The tag of each variant of `e`, in order, found by the type each one holds.
fn variant_tags(e: &ItemEnum, u: &TaggedUnion) -> Vec<String> {
    e.variants
        .iter()
        .filter_map(|v| {
            let Fields::Unnamed(f) = &v.fields else {
                return None;
            };
            let held = last_ident(&f.unnamed.first()?.ty)?.to_string();
            u.variants
                .iter()
                .find(|(component, _)| naming::pascal(component) == held)
                .map(|(_, tag)| tag.clone())
        })
        .collect()
}

fn is_untagged(a: &Attribute) -> bool {
    a.path().is_ident("serde") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "untagged")
}

/// Removes the enum's `Deserialize` derive; returns `None` when it has none, else the feature
/// the derive was under (`Some(None)` when it was unconditional).
fn take_deserialize(attrs: &mut Vec<Attribute>) -> Option<Option<String>> {
    let mut found = None;
    let mut emptied = Vec::new();
    for (i, attr) in attrs.iter_mut().enumerate() {
        if attr.path().is_ident("derive") {
            let Ok(paths) = attr.parse_args_with(Paths::parse_terminated) else {
                continue;
            };
            let kept: Vec<&syn::Path> = paths.iter().filter(|p| !is_deserialize(p)).collect();
            if kept.len() == paths.len() {
                continue;
            }
            found = Some(None);
            if kept.is_empty() {
                emptied.push(i);
            } else {
                *attr = parse_quote!(#[derive(#(#kept),*)]);
            }
        } else if attr.path().is_ident("cfg_attr") {
            // `#[cfg_attr(feature = "…", derive(::serde::Deserialize))]`, as the serde pass
            // writes it.
            let Ok(metas) = attr.parse_args_with(Metas::parse_terminated) else {
                continue;
            };
            let (Some(syn::Meta::NameValue(condition)), Some(syn::Meta::List(list))) =
                (metas.first(), metas.get(1))
            else {
                continue;
            };
            let derives_only_deserialize = list.path.is_ident("derive")
                && list
                    .parse_args_with(Paths::parse_terminated)
                    .is_ok_and(|p| p.len() == 1 && p.iter().all(is_deserialize));
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(feature),
                ..
            }) = &condition.value
            else {
                continue;
            };
            if condition.path.is_ident("feature") && derives_only_deserialize {
                found = Some(Some(feature.value()));
                emptied.push(i);
            }
        }
    }
    for i in emptied.into_iter().rev() {
        attrs.remove(i);
    }
    found
}

type Paths = syn::punctuated::Punctuated<syn::Path, syn::Token![,]>;
type Metas = syn::punctuated::Punctuated<syn::Meta, syn::Token![,]>;

fn is_deserialize(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|s| s.ident == "Deserialize")
}

/// A `Deserialize` for the enum `e` that reads the tag and decodes the variant it names; a
/// body without the tag is tried against each variant in turn.
fn marker_deserialize(
    e: &ItemEnum,
    u: &TaggedUnion,
    tags: &[String],
    feature: Option<String>,
) -> Item {
    let ident = &e.ident;
    let property = &u.property;
    let arms: Vec<TokenStream> = e
        .variants
        .iter()
        .zip(tags)
        .map(|(v, tag)| {
            let name = &v.ident;
            quote! {
                ::std::option::Option::Some(#tag) => ::serde_json::from_value(value)
                    .map(Self::#name)
                    .map_err(::serde::de::Error::custom),
            }
        })
        .collect();
    let tries: Vec<TokenStream> = e
        .variants
        .iter()
        .map(|v| {
            let name = &v.ident;
            quote! {
                if let ::std::result::Result::Ok(v) = ::serde_json::from_value(value.clone()) {
                    return ::std::result::Result::Ok(Self::#name(v));
                }
            }
        })
        .collect();
    let expected = tags
        .iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let unknown = format!("`{property}` is {{:?}}, not one of {expected}");
    let untagged = format!("no `{property}`, and the body fits none of {expected}");
    let cfg = feature.map(|f| quote!(#[cfg(feature = #f)]));
    let doc = format!(" Decodes the alternative that `{property}` names.");
    parse_quote! {
        #cfg
        impl<'de> ::serde::Deserialize<'de> for #ident {
            #[doc = #doc]
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#property).and_then(::serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    ::std::option::Option::Some(other) => ::std::result::Result::Err(
                        ::serde::de::Error::custom(::std::format_args!(#unknown, other)),
                    ),
                    ::std::option::Option::None => {
                        #(#tries)*
                        ::std::result::Result::Err(::serde::de::Error::custom(#untagged))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec() -> Value {
        json!({"components": {"schemas": {
            "manage": {
                "oneOf": [{"$ref": "#/components/schemas/close"}, {"$ref": "#/components/schemas/snooze"}],
                "discriminator": {"propertyName": "message_type", "mapping": {
                    "close": "#/components/schemas/close", "snoozed": "#/components/schemas/snooze"
                }}
            },
            "close": {"required": ["message_type", "admin_id"], "properties": {
                "message_type": {"type": "string", "enum": ["close"]}, "admin_id": {"type": "string"}
            }},
            "snooze": {"required": ["message_type"], "properties": {
                "message_type": {"type": "string", "enum": ["snoozed"]}, "until": {"type": "integer"}
            }},
            "lookup": {
                "oneOf": [{"$ref": "#/components/schemas/one"}, {"$ref": "#/components/schemas/many"}],
                "discriminator": {"propertyName": "type"}
            },
            "one": {"properties": {"type": {"type": "string", "enum": ["one"]}}},
            "many": {"properties": {"type": {"type": "string", "enum": ["list"]}, "data": {
                "type": "array", "items": {"$ref": "#/components/schemas/one"}
            }}},
            "bad": {"oneOf": [{"type": "object"}], "discriminator": {"propertyName": "kind"}}
        }}})
    }

    #[test]
    fn unions_are_found_with_their_tags_and_exclusive_alternatives_lose_the_tag() {
        let mut doc = spec();
        let src = crate::load::SpecSource::new("x.yaml", "openapi: 3.0.3\n");
        let mut ctx = Ctx::new(&src, false);
        let unions = prepare(&mut ctx, &mut doc).expect("no error");
        assert_eq!(
            unions,
            [
                TaggedUnion {
                    schema: "lookup".into(),
                    property: "type".into(),
                    variants: vec![("one".into(), "one".into()), ("many".into(), "list".into())],
                    // `one` is also the items of `many`.
                    by_marker: true,
                },
                TaggedUnion {
                    schema: "manage".into(),
                    property: "message_type".into(),
                    variants: vec![
                        ("close".into(), "close".into()),
                        ("snooze".into(), "snoozed".into())
                    ],
                    by_marker: false,
                },
            ]
        );
        assert_eq!(
            doc.pointer("/components/schemas/close"),
            Some(
                &json!({"required": ["admin_id"], "properties": {"admin_id": {"type": "string"}}})
            )
        );
        assert!(
            doc.pointer("/components/schemas/one/properties/type")
                .is_some()
        );
        let warnings: Vec<String> = ctx.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            warnings,
            [
                "warning: x.yaml:1:8: #/components/schemas/bad/discriminator: an alternative that is not a reference to a component schema; the alternatives are told apart by their shape"
            ]
        );
    }

    #[test]
    fn a_tag_that_contradicts_the_alternative_is_a_warning() {
        let mut doc = spec();
        doc["components"]["schemas"]["manage"]["discriminator"]["mapping"]["open"] =
            json!("#/components/schemas/close");
        doc["components"]["schemas"]["manage"]["discriminator"]["mapping"]
            .as_object_mut()
            .map(|m| m.remove("close"));
        let src = crate::load::SpecSource::new("x.yaml", "openapi: 3.0.3\n");
        let mut ctx = Ctx::new(&src, false);
        let unions = prepare(&mut ctx, &mut doc).expect("no error");
        assert!(unions.iter().all(|u| u.schema != "manage"));
        assert!(
            ctx.warnings
                .iter()
                .any(|w| w.message.contains("`close` is tagged `open`")),
            "{:?}",
            ctx.warnings
        );
    }

    #[test]
    fn enums_become_internally_tagged_or_decode_by_their_marker() {
        let unions = [
            TaggedUnion {
                schema: "manage".into(),
                property: "message_type".into(),
                variants: vec![("close".into(), "close".into())],
                by_marker: false,
            },
            TaggedUnion {
                schema: "lookup".into(),
                property: "type".into(),
                variants: vec![("one".into(), "one".into())],
                by_marker: true,
            },
        ];
        let mut items: Vec<Item> = vec![
            parse_quote! {
                #[derive(::serde::Serialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum Manage { Close(Close) }
            },
            parse_quote! {
                #[derive(::serde::Deserialize, Clone, Debug)]
                #[serde(untagged)]
                #[cfg_attr(feature = "test-util", derive(::serde::Serialize))]
                pub enum Lookup { Variant0(One) }
            },
            parse_quote! {
                impl ::std::convert::From<One> for Lookup {
                    fn from(value: One) -> Self {
                        Self::Variant0(value)
                    }
                }
            },
        ];
        apply(&mut items, &unions);
        let Item::Enum(manage) = &items[0] else {
            panic!()
        };
        let expected: ItemEnum = parse_quote! {
            #[derive(::serde::Serialize, Clone, Debug)]
            #[serde(tag = "message_type")]
            pub enum Manage {
                #[serde(rename = "close")]
                Close(Close)
            }
        };
        assert_eq!(manage, &expected);
        let Item::Enum(lookup) = &items[1] else {
            panic!()
        };
        let derives: Vec<String> = lookup
            .attrs
            .iter()
            .map(|a| quote!(#a).to_string())
            .collect();
        // Without the feature the enum has no serde derive, so its serde attributes go with it.
        assert_eq!(
            derives,
            [
                "# [derive (Clone , Debug)]",
                "# [cfg_attr (feature = \"test-util\" , derive (:: serde :: Serialize))]",
                "# [cfg_attr (feature = \"test-util\" , serde (untagged))]"
            ]
        );
        assert_eq!(lookup.variants[0].ident, "One");
        let Item::Impl(imp) = &items[2] else {
            panic!("a Deserialize impl follows")
        };
        assert!(crate::types::self_ident(imp).as_deref() == Some("Lookup"));
        let Item::Impl(from) = &items[3] else {
            panic!("the From impl")
        };
        let text = quote!(#from).to_string();
        assert!(text.contains("Self :: One (value)"), "{text}");
    }
}
