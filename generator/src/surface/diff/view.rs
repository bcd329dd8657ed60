//! A surface taken apart for comparison: operations with their parsed signatures, models with
//! their fields and values, which operations reach each type, and each operation's route.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::base::pointer::unescape_token;
use crate::base::syn_util::{first_type_argument, last_ident, type_idents};
use crate::surface::{Surface, type_text};

/// A surface taken apart by kind of item.
pub(super) struct View<'a> {
    pub(super) surface: &'a Surface,
    pub(super) ops: BTreeMap<&'a str, &'a str>,
    pub(super) models: BTreeMap<&'a str, &'a str>,
    /// Owner (`Model` or `Enum::Variant`) → field → signature.
    pub(super) fields: BTreeMap<&'a str, BTreeMap<&'a str, &'a str>>,
    /// Enum → variant → signature.
    pub(super) variants: BTreeMap<&'a str, BTreeMap<&'a str, &'a str>>,
    /// Every other item (`region`, `const`, unknown kinds) by key.
    pub(super) others: BTreeMap<&'a str, &'a str>,
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
        for (key, sig) in &surface.items {
            let (kind, name) = key.split_once(' ').unwrap_or(("", key.as_str()));
            match kind {
                "op" => {
                    view.ops.insert(name, sig);
                }
                "model" => {
                    view.models.insert(name, sig);
                }
                "field" => {
                    if let Some((owner, field)) = name.rsplit_once('.') {
                        view.fields.entry(owner).or_default().insert(field, sig);
                    }
                }
                "variant" => {
                    if let Some((model, variant)) = name.split_once("::") {
                        view.variants.entry(model).or_default().insert(variant, sig);
                    }
                }
                _ => {
                    view.others.insert(key, sig);
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
            let mut out = BTreeSet::new();
            if let Some(inner) = newtype_inner(kind) {
                out.extend(idents(&format!("({inner})")));
            }
            for (owner, fields) in &self.fields {
                if *owner == *model || owner.split("::").next() == Some(model) {
                    for sig in fields.values() {
                        out.extend(idents(field_type(sig)));
                    }
                }
            }
            for sig in self
                .variants
                .get(model)
                .into_iter()
                .flat_map(|v| v.values())
            {
                out.extend(idents(sig));
            }
            edges.insert(model, out);
        }
        let mut reach: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (op, sig) in &self.ops {
            let Some(parsed) = OpSig::parse(sig) else {
                continue;
            };
            let mut todo: VecDeque<String> = parsed.idents.into_iter().collect();
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
        let origin = self.surface.origins.get(&format!("op {op}"))?;
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
        let source = if kind.starts_with("struct") {
            model
        } else {
            let inner: syn::Type = syn::parse_str(newtype_inner(kind)?).ok()?;
            let mut ty = &inner;
            while last_ident(ty).is_some_and(|i| i == "Option" || i == "Box") {
                ty = first_type_argument(ty)?;
            }
            let name = last_ident(ty)?.to_string();
            let (&source, kind) = self.models.get_key_value(name.as_str())?;
            if !kind.starts_with("struct") {
                return None;
            }
            source
        };
        Some(Fields::new(
            source,
            &self.fields.get(source).cloned().unwrap_or_default(),
            self.models
                .get(source)
                .is_some_and(|k| k.contains("non_exhaustive")),
        ))
    }
}

/// The fields of a struct, or of a struct-like variant (`source` is then `Enum::Variant`).
pub(super) struct Fields {
    pub(super) source: String,
    pub(super) map: BTreeMap<String, String>,
    pub(super) non_exhaustive: bool,
}

impl Fields {
    pub(super) fn new(source: &str, map: &BTreeMap<&str, &str>, non_exhaustive: bool) -> Self {
        Fields {
            source: source.to_string(),
            map: map
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            non_exhaustive,
        }
    }
}

/// An operation's signature taken apart: arguments with their types, and the result.
pub(super) struct OpSig {
    pub(super) params: Vec<(String, String)>,
    pub(super) ret: String,
    pub(super) idents: BTreeSet<String>,
}

impl OpSig {
    /// Parses a surface signature, `(id: &str, body: &X) -> Result<Response<Y>, Error>`.
    pub(super) fn parse(sig: &str) -> Option<Self> {
        let parsed: syn::Signature = syn::parse_str(&format!("fn f{sig}")).ok()?;
        let mut idents = BTreeSet::new();
        let mut params = Vec::new();
        for input in &parsed.inputs {
            let syn::FnArg::Typed(p) = input else {
                continue;
            };
            let syn::Pat::Ident(name) = &*p.pat else {
                return None;
            };
            idents.extend(type_idents(&*p.ty));
            params.push((name.ident.to_string(), type_text(&p.ty)));
        }
        let ret = match &parsed.output {
            syn::ReturnType::Type(_, t) => {
                idents.extend(type_idents(&**t));
                type_text(t)
            }
            syn::ReturnType::Default => "()".to_string(),
        };
        Some(OpSig {
            params,
            ret,
            idents,
        })
    }
}

/// The inner type text of `newtype(T)`.
pub(super) fn newtype_inner(kind: &str) -> Option<&str> {
    kind.strip_prefix("newtype(")?.strip_suffix(')')
}

/// The type part of a field signature, without ` (json `…`)`.
pub(super) fn field_type(sig: &str) -> &str {
    sig.split_once(" (json `").map_or(sig, |(t, _)| t)
}

/// The JSON name a field signature gives, if it differs from the field's.
pub(super) fn field_json(sig: &str) -> Option<&str> {
    sig.split_once(" (json `")
        .and_then(|(_, j)| j.strip_suffix("`)"))
}

/// The type names in a type's text; nothing for text that is not a type (a wire value).
pub(super) fn idents(text: &str) -> BTreeSet<String> {
    syn::parse_str::<syn::Type>(text)
        .map(|t| type_idents(&t))
        .unwrap_or_default()
}

/// The kind of a model without its exhaustiveness, and whether it is `#[non_exhaustive]`.
pub(super) fn split_kind(kind: &str) -> (&str, bool) {
    match kind.strip_suffix(", non_exhaustive") {
        Some(base) => (base, true),
        None => (kind, false),
    }
}
