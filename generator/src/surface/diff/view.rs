//! A surface taken apart for comparison: operations with their signatures, models with their
//! kinds, fields and values, which operations reach each type, and each operation's route.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::base::pointer::unescape_token;
use crate::surface::{Item, Key, KeyKind, ModelKind, Signature, Surface, SurfaceType};

/// A field as the comparison sees it: its type, and its name on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct FieldSig {
    pub(super) ty: SurfaceType,
    pub(super) json: Option<String>,
}

impl std::fmt::Display for FieldSig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.ty)?;
        if let Some(json) = &self.json {
            write!(f, " (json `{json}`)")?;
        }
        Ok(())
    }
}

/// A surface taken apart by kind of item.
pub(super) struct View<'a> {
    pub(super) surface: &'a Surface,
    pub(super) ops: BTreeMap<&'a str, &'a Signature>,
    pub(super) models: BTreeMap<&'a str, &'a ModelKind>,
    /// Owner (`Model` or `Enum::Variant`) → field → its type and wire name.
    pub(super) fields: BTreeMap<&'a str, BTreeMap<&'a str, FieldSig>>,
    /// Enum → variant → what it holds.
    pub(super) variants: BTreeMap<&'a str, BTreeMap<&'a str, &'a Item>>,
    /// Every other item (regions, constants, unknown kinds) by key.
    pub(super) others: BTreeMap<&'a Key, &'a Item>,
    /// Type name → the operations whose signatures reach it, through fields and variants.
    pub(super) reach: BTreeMap<String, BTreeSet<String>>,
}

impl<'a> View<'a> {
    pub(super) fn new(surface: &'a Surface) -> Self {
        let mut view = View {
            surface,
            ops: BTreeMap::new(),
            models: BTreeMap::new(),
            fields: BTreeMap::new(),
            variants: BTreeMap::new(),
            others: BTreeMap::new(),
            reach: BTreeMap::new(),
        };
        for (key, item) in &surface.items {
            match (key.kind(), item) {
                (KeyKind::Operation(name), Item::Operation(sig)) => {
                    view.ops.insert(name, sig);
                }
                (KeyKind::Model(name), Item::Model(kind)) => {
                    view.models.insert(name, kind);
                }
                (KeyKind::Field(owner, field), Item::Field { ty, json }) => {
                    view.fields.entry(owner).or_default().insert(
                        field,
                        FieldSig {
                            ty: ty.clone(),
                            json: json.clone(),
                        },
                    );
                }
                (KeyKind::Variant(model, variant), _) => {
                    view.variants
                        .entry(model)
                        .or_default()
                        .insert(variant, item);
                }
                _ => {
                    view.others.insert(key, item);
                }
            }
        }
        view.reach = view.reach();
        view
    }

    /// Which operations reach each type: the types an operation's signature names, and the types
    /// those name in their fields, newtypes and variants, transitively.
    fn reach(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut edges: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for (model, kind) in &self.models {
            let mut out = Item::Model((*kind).clone()).names();
            for (owner, fields) in &self.fields {
                if *owner == *model || owner.split("::").next() == Some(model) {
                    for f in fields.values() {
                        out.extend(f.ty.names().iter().cloned());
                    }
                }
            }
            for item in self
                .variants
                .get(model)
                .into_iter()
                .flat_map(|v| v.values())
            {
                out.extend(item.names());
            }
            edges.insert(model, out);
        }
        let mut reach: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (op, sig) in &self.ops {
            let mut todo: VecDeque<String> = Item::Operation((*sig).clone())
                .names()
                .into_iter()
                .collect();
            let mut seen = BTreeSet::new();
            while let Some(t) = todo.pop_front() {
                let Some(next) = edges.get(t.as_str()) else {
                    continue;
                };
                if !seen.insert(t.clone()) {
                    continue;
                }
                todo.extend(next.iter().cloned());
                reach.entry(t).or_default().insert(op.to_string());
            }
        }
        reach
    }

    /// The method and path (parameter names left out) of an operation, from its origin.
    pub(super) fn route(&self, op: &str) -> Option<(String, String)> {
        let origin = self.surface.origins.get(Key::operation(op).as_str())?;
        let (item, method) = origin.pointer.rsplit_once('/')?;
        let path = unescape_token(item.strip_prefix("/paths/")?);
        let mut shape = String::new();
        let mut inside = false;
        for c in path.chars() {
            match c {
                '{' => {
                    inside = true;
                    shape.push_str("{}");
                }
                '}' => inside = false,
                _ if inside => {}
                _ => shape.push(c),
            }
        }
        Some((method.to_string(), shape))
    }

    /// The fields a type offers: its own for a struct, the struct's for a newtype over a struct
    /// (or an `Option` or `Box` of one).
    pub(super) fn fields_of(&self, model: &str) -> Option<Fields> {
        let kind = self.models.get(model)?;
        let source = match kind {
            ModelKind::Struct { .. } => model,
            ModelKind::Newtype(inner) => {
                let name = inner.first()?.unwrapped().name()?;
                let (&source, kind) = self.models.get_key_value(name)?;
                if !matches!(kind, ModelKind::Struct { .. }) {
                    return None;
                }
                source
            }
            _ => return None,
        };
        Some(Fields::new(
            source,
            &self.fields.get(source).cloned().unwrap_or_default(),
            self.models.get(source).is_some_and(|k| k.non_exhaustive()),
        ))
    }
}

/// The fields of a struct, or of a struct-like variant (`source` is then `Enum::Variant`).
pub(super) struct Fields {
    pub(super) source: String,
    pub(super) map: BTreeMap<String, FieldSig>,
    pub(super) non_exhaustive: bool,
}

impl Fields {
    pub(super) fn new(source: &str, map: &BTreeMap<&str, FieldSig>, non_exhaustive: bool) -> Self {
        Fields {
            source: source.to_string(),
            map: map
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            non_exhaustive,
        }
    }
}
