//! Comparing types: kind and exhaustiveness, fields (also through a newtype over a struct, and
//! inside struct-like enum variants) and enum values.

use std::collections::BTreeMap;

use super::compare::{At, Compare};
use super::view::{FieldSig, Fields};
use crate::surface::diff::Check;
use crate::surface::{Item, Key, ModelKind};

impl Compare<'_> {
    pub(super) fn types(&mut self) {
        let old_models = self.old.models.clone();
        let new_models = self.new.models.clone();
        for (&name, &kind) in &old_models {
            let key = Key::model(name).to_string();
            match new_models.get(name) {
                None => self.push(
                    Check::TypeRemoved,
                    name.to_string(),
                    format!("type `{name}` removed (was {})", Item::Model(kind.clone())),
                    At {
                        old: Some(&key),
                        operations: self.users(name),
                        ..At::default()
                    },
                ),
                Some(&new_kind) => self.model(name, kind, new_kind),
            }
        }
        for (&name, &kind) in &new_models {
            if !old_models.contains_key(name) {
                let key = Key::model(name).to_string();
                self.push(
                    Check::TypeAdded,
                    name.to_string(),
                    format!("type `{name}` added ({})", Item::Model(kind.clone())),
                    At {
                        new: Some(&key),
                        operations: self.users(name),
                        ..At::default()
                    },
                );
            }
        }
    }

    /// A type on both sides: its kind, its fields (through a newtype too) and its values.
    fn model(&mut self, name: &str, old_kind: &ModelKind, new_kind: &ModelKind) {
        let key = Key::model(name).to_string();
        let at = || At {
            old: Some(&key),
            new: Some(&key),
            operations: self.users(name),
        };
        let (old_base, old_ne) = (old_kind.base(), old_kind.non_exhaustive());
        let (new_base, new_ne) = (new_kind.base(), new_kind.non_exhaustive());
        if old_base != new_base {
            self.push(
                Check::TypeKindChanged,
                name.to_string(),
                format!("type `{name}` changed: {old_base} → {new_base}"),
                at(),
            );
        } else if old_ne != new_ne {
            let (check, text) = if new_ne {
                (
                    Check::TypeBecameNonExhaustive,
                    format!("type `{name}` became `#[non_exhaustive]`"),
                )
            } else {
                (
                    Check::TypeBecameExhaustive,
                    format!("type `{name}` is no longer `#[non_exhaustive]`"),
                )
            };
            self.push(check, name.to_string(), text, at());
        }
        if let (Some(o), Some(n)) = (self.old.fields_of(name), self.new.fields_of(name)) {
            // Fields of a struct a newtype wraps on both sides are that struct's to report.
            if !(o.source == n.source && o.source != name) {
                self.fields(name, &o, &n, false);
            }
        }
        let (Some(old_values), Some(new_values)) = (
            self.old.variants.get(name).cloned(),
            self.new.variants.get(name).cloned(),
        ) else {
            return;
        };
        let ops = self.users(name);
        for (&v, &sig) in &old_values {
            let item = format!("{name}::{v}");
            let key = Key::variant(name, v).to_string();
            match new_values.get(v) {
                None => self.push(
                    Check::EnumValueRemoved,
                    item.clone(),
                    format!("enum value `{item}` ({sig}) removed"),
                    At {
                        old: Some(&key),
                        operations: ops.clone(),
                        ..At::default()
                    },
                ),
                Some(&new_sig) if new_sig != sig => self.push(
                    Check::EnumValueChanged,
                    item.clone(),
                    format!("enum value `{item}` changed: {sig} → {new_sig}"),
                    At {
                        old: Some(&key),
                        new: Some(&key),
                        operations: ops.clone(),
                    },
                ),
                Some(_) => {
                    let owner = item.as_str();
                    let fields = |map: &BTreeMap<&str, FieldSig>| Fields::new(owner, map, false);
                    let (o, n) = (self.old.fields.get(owner), self.new.fields.get(owner));
                    if let (Some(o), Some(n)) = (o.map(fields), n.map(fields)) {
                        self.fields(owner, &o, &n, true);
                    }
                }
            }
        }
        for (&v, &sig) in &new_values {
            if old_values.contains_key(v) {
                continue;
            }
            let item = format!("{name}::{v}");
            let key = Key::variant(name, v).to_string();
            let (check, why) = if new_ne {
                (Check::EnumValueAdded, "is `#[non_exhaustive]`")
            } else {
                (
                    Check::EnumValueAddedToExhaustiveEnum,
                    "can be matched exhaustively",
                )
            };
            self.push(
                check,
                item.clone(),
                format!("enum value `{item}` ({sig}) added (`{name}` {why})"),
                At {
                    new: Some(&key),
                    operations: ops.clone(),
                    ..At::default()
                },
            );
        }
    }

    /// The fields of `owner` (a type, or `Enum::Variant`), taken from `o.source` before and
    /// `n.source` after.
    fn fields(&mut self, owner: &str, o: &Fields, n: &Fields, in_variant: bool) {
        let model = owner.split("::").next().unwrap_or(owner);
        let ops = self.users(model);
        for (f, sig) in &o.map {
            let f = f.as_str();
            let item = format!("{owner}.{f}");
            let old_key = Key::field(&o.source, f).to_string();
            let new_key = Key::field(&n.source, f).to_string();
            let at = |both: bool| At {
                old: Some(&old_key),
                new: both.then_some(new_key.as_str()),
                operations: ops.clone(),
            };
            let Some(new_sig) = n.map.get(f) else {
                self.push(
                    Check::FieldRemoved,
                    item.clone(),
                    format!("field `{item}` removed (was `{sig}`)"),
                    at(false),
                );
                continue;
            };
            if new_sig == sig {
                continue;
            }
            let (a, b) = (&sig.ty, &new_sig.ty);
            let (check, text) = if a == b {
                let wire = |s: &FieldSig| s.json.as_deref().unwrap_or(f).to_string();
                (
                    Check::FieldWireNameChanged,
                    format!(
                        "field `{item}` is `{}` on the wire instead of `{}`",
                        wire(new_sig),
                        wire(sig)
                    ),
                )
            } else {
                let (check, how) = match (a.option_inner(), b.option_inner()) {
                    (Some(inner), None) if inner == b => {
                        (Check::FieldBecameRequired, "became required")
                    }
                    (None, Some(inner)) if inner == a => {
                        (Check::FieldBecameOptional, "became optional")
                    }
                    _ => (Check::FieldTypeChanged, "changed type"),
                };
                (check, format!("field `{item}` {how}: `{a}` → `{b}`"))
            };
            self.push(check, item.clone(), text, at(true));
        }
        for (f, sig) in &n.map {
            if o.map.contains_key(f) {
                continue;
            }
            let item = format!("{owner}.{f}");
            let new_key = Key::field(&n.source, f).to_string();
            let (check, why) = if in_variant {
                (
                    Check::VariantFieldAdded,
                    format!("`{owner}` is built and matched with its fields"),
                )
            } else if n.non_exhaustive {
                (
                    Check::FieldAdded,
                    format!("`{}` is `#[non_exhaustive]`", n.source),
                )
            } else {
                (
                    Check::FieldAddedToRequest,
                    format!("`{}` can be built with a struct literal", n.source),
                )
            };
            self.push(
                check,
                item.clone(),
                format!("field `{item}: {sig}` added ({why})"),
                At {
                    new: Some(&new_key),
                    operations: ops.clone(),
                    ..At::default()
                },
            );
        }
    }
}
