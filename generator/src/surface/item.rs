//! The items of an API surface as values: what each item is (an operation's signature, a
//! model's kind, a field's type and wire name, an enum value), with the Rust types in it as
//! [`SurfaceType`]s that know whether they are an `Option` and which types they name. Each
//! renders as the text a reviewer reads in the surface snapshot, and parses back from it.

use std::collections::BTreeSet;
use std::fmt;

use syn::File;

use crate::base::syn_util::type_idents;
use crate::surface::key::{Key, KeyKind};

/// A Rust type as the surface shows it: its text as a reader writes it (`Option<Contact>`,
/// `&str`; see `type_text`), by which types compare, and its shape.
#[derive(Clone, Debug)]
pub struct SurfaceType {
    text: String,
    shape: Shape,
    names: BTreeSet<String>,
}

/// The outermost form of a type.
#[derive(Clone, Debug)]
enum Shape {
    /// A path with its last segment's name and type arguments: `Option<T>`, `String`.
    Path(String, Vec<SurfaceType>),
    /// A reference: `&T`.
    Reference(Box<SurfaceType>),
    /// Anything else.
    Other,
}

impl SurfaceType {
    /// The surface form of a type of generated code.
    pub fn of(ty: &syn::Type) -> Self {
        let shape = match ty {
            syn::Type::Path(p) if p.qself.is_none() => match p.path.segments.last() {
                Some(last) => {
                    let args = match &last.arguments {
                        syn::PathArguments::AngleBracketed(a) => a
                            .args
                            .iter()
                            .filter_map(|arg| match arg {
                                syn::GenericArgument::Type(t) => Some(SurfaceType::of(t)),
                                _ => None,
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                    Shape::Path(last.ident.to_string(), args)
                }
                None => Shape::Other,
            },
            syn::Type::Reference(r) => Shape::Reference(Box::new(SurfaceType::of(&r.elem))),
            _ => Shape::Other,
        };
        Self {
            text: type_text(ty),
            shape,
            names: type_idents(ty),
        }
    }

    /// Reads a type from its text; `None` for text that is not a Rust type.
    pub fn parse(text: &str) -> Option<Self> {
        syn::parse_str::<syn::Type>(text).ok().map(|t| Self::of(&t))
    }

    /// The type's text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `T` of an `Option<T>`.
    pub fn option_inner(&self) -> Option<&SurfaceType> {
        match &self.shape {
            Shape::Path(name, args) if name == "Option" && args.len() == 1 => args.first(),
            _ => None,
        }
    }

    /// The type inside any `Option`s and `Box`es around it.
    pub fn unwrapped(&self) -> &SurfaceType {
        match &self.shape {
            Shape::Path(name, args) if (name == "Option" || name == "Box") && args.len() == 1 => {
                args[0].unwrapped()
            }
            _ => self,
        }
    }

    /// The last segment's name of a path type (`Contact`), else `None`.
    pub fn name(&self) -> Option<&str> {
        match &self.shape {
            Shape::Path(name, _) => Some(name),
            _ => None,
        }
    }

    /// The referenced type of a reference.
    pub fn referent(&self) -> Option<&SurfaceType> {
        match &self.shape {
            Shape::Reference(inner) => Some(inner),
            _ => None,
        }
    }

    /// Every name a path inside the type has (`Option`, `Contact`, …): the types it reaches.
    pub fn names(&self) -> &BTreeSet<String> {
        &self.names
    }
}

impl PartialEq for SurfaceType {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for SurfaceType {}

impl fmt::Display for SurfaceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A client method's signature: its arguments and what it returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The arguments, in order, each with its type.
    pub params: Vec<(String, SurfaceType)>,
    /// The return type.
    pub result: SurfaceType,
}

/// What kind of type a model is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelKind {
    /// A struct with named fields.
    Struct {
        /// Whether it is `#[non_exhaustive]`.
        non_exhaustive: bool,
    },
    /// An enum.
    Enum {
        /// Whether it is `#[non_exhaustive]`.
        non_exhaustive: bool,
    },
    /// A tuple struct over these types.
    Newtype(Vec<SurfaceType>),
    /// A unit struct.
    Unit,
}

impl ModelKind {
    /// The kind without its exhaustiveness: `struct`, `enum`, `newtype(T)`, `unit`.
    pub fn base(&self) -> String {
        match self {
            Self::Struct { .. } => "struct".into(),
            Self::Enum { .. } => "enum".into(),
            Self::Newtype(inner) => format!("newtype({})", join(inner)),
            Self::Unit => "unit".into(),
        }
    }

    /// Whether it is `#[non_exhaustive]`.
    pub fn non_exhaustive(&self) -> bool {
        matches!(
            self,
            Self::Struct {
                non_exhaustive: true
            } | Self::Enum {
                non_exhaustive: true
            }
        )
    }
}

/// What a variant of an enum holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VariantKind {
    /// A value of an enum of strings: its wire value.
    Value(String),
    /// A tuple variant over these types.
    Tuple(Vec<SurfaceType>),
    /// A struct-like variant, whose fields are items of their own.
    Struct,
}

/// One item of the surface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A constant's value, as Rust's `Debug` writes it (`"2.10"`, `Some("Intercom-Version")`).
    Const(String),
    /// A region's URL.
    Region(String),
    /// A client method.
    Operation(Signature),
    /// A type.
    Model(ModelKind),
    /// A field: its type, and its name on the wire when that differs from the field's.
    Field {
        /// The field's type.
        ty: SurfaceType,
        /// Its JSON name, where it is not the field's name.
        json: Option<String>,
    },
    /// An enum's variant.
    Variant(VariantKind),
    /// An item this version cannot read, as written.
    Other(String),
}

impl Item {
    /// Reads the item `key` names from its text.
    pub fn parse(key: &Key, text: &str) -> Self {
        let parsed = match key.kind() {
            KeyKind::Const(_) => Some(Item::Const(text.to_string())),
            KeyKind::Region(_) => Some(Item::Region(text.to_string())),
            KeyKind::Operation(_) => parse_signature(text).map(Item::Operation),
            KeyKind::Model(_) => parse_model(text).map(Item::Model),
            KeyKind::Field(..) => {
                let (ty, json) = match text.split_once(" (json `") {
                    Some((ty, rest)) => (ty, rest.strip_suffix("`)").map(str::to_string)),
                    None => (text, None),
                };
                SurfaceType::parse(ty).map(|ty| Item::Field { ty, json })
            }
            KeyKind::Variant(..) => parse_variant(text).map(Item::Variant),
            KeyKind::Param(..) | KeyKind::Other => None,
        };
        parsed.unwrap_or_else(|| Item::Other(text.to_string()))
    }

    /// The signature of an operation.
    pub fn signature(&self) -> Option<&Signature> {
        match self {
            Item::Operation(sig) => Some(sig),
            _ => None,
        }
    }

    /// The kind of a model.
    pub fn model(&self) -> Option<&ModelKind> {
        match self {
            Item::Model(kind) => Some(kind),
            _ => None,
        }
    }

    /// The type names the item reaches: an operation's arguments and result, a field's type, a
    /// newtype's or tuple variant's types.
    pub fn names(&self) -> BTreeSet<String> {
        let all = |types: &mut dyn Iterator<Item = &SurfaceType>| {
            types.flat_map(|t| t.names().iter().cloned()).collect()
        };
        match self {
            Item::Operation(sig) => all(&mut sig
                .params
                .iter()
                .map(|(_, t)| t)
                .chain(std::iter::once(&sig.result))),
            Item::Model(ModelKind::Newtype(inner)) | Item::Variant(VariantKind::Tuple(inner)) => {
                all(&mut inner.iter())
            }
            Item::Field { ty, .. } => ty.names().clone(),
            _ => BTreeSet::new(),
        }
    }
}

fn join(types: &[SurfaceType]) -> String {
    types
        .iter()
        .map(SurfaceType::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `(id: &str, body: &X) -> Result<Response<Y>, Error>`.
fn parse_signature(text: &str) -> Option<Signature> {
    let parsed: syn::Signature = syn::parse_str(&format!("fn f{text}")).ok()?;
    let mut params = Vec::new();
    for input in &parsed.inputs {
        let syn::FnArg::Typed(p) = input else {
            continue;
        };
        let syn::Pat::Ident(name) = &*p.pat else {
            return None;
        };
        params.push((name.ident.to_string(), SurfaceType::of(&p.ty)));
    }
    let result = match &parsed.output {
        syn::ReturnType::Type(_, t) => SurfaceType::of(t),
        syn::ReturnType::Default => SurfaceType::parse("()")?,
    };
    Some(Signature { params, result })
}

fn parse_model(text: &str) -> Option<ModelKind> {
    let (base, non_exhaustive) = match text.strip_suffix(", non_exhaustive") {
        Some(base) => (base, true),
        None => (text, false),
    };
    Some(match base {
        "struct" => ModelKind::Struct { non_exhaustive },
        "enum" => ModelKind::Enum { non_exhaustive },
        "unit" => ModelKind::Unit,
        other => {
            let inner = other.strip_prefix("newtype(")?.strip_suffix(')')?;
            ModelKind::Newtype(parse_list(inner)?)
        }
    })
}

fn parse_variant(text: &str) -> Option<VariantKind> {
    if text == "{ .. }" {
        return Some(VariantKind::Struct);
    }
    if let Ok(value) = serde_json::from_str::<String>(text) {
        return Some(VariantKind::Value(value));
    }
    let inner = text.strip_prefix('(')?.strip_suffix(')')?;
    parse_list(inner).map(VariantKind::Tuple)
}

/// Types separated by commas, as a tuple's.
fn parse_list(text: &str) -> Option<Vec<SurfaceType>> {
    if text.trim().is_empty() {
        return Some(Vec::new());
    }
    let tuple: syn::Type = syn::parse_str(&format!("({text},)")).ok()?;
    let syn::Type::Tuple(t) = tuple else {
        return None;
    };
    Some(t.elems.iter().map(SurfaceType::of).collect())
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Item::Const(v) | Item::Region(v) | Item::Other(v) => f.write_str(v),
            Item::Operation(sig) => {
                let params: Vec<String> = sig
                    .params
                    .iter()
                    .map(|(name, ty)| format!("{name}: {ty}"))
                    .collect();
                write!(f, "({}) -> {}", params.join(", "), sig.result)
            }
            Item::Model(kind) => {
                f.write_str(&kind.base())?;
                if kind.non_exhaustive() {
                    f.write_str(", non_exhaustive")?;
                }
                Ok(())
            }
            Item::Field { ty, json } => {
                write!(f, "{ty}")?;
                if let Some(json) = json {
                    write!(f, " (json `{json}`)")?;
                }
                Ok(())
            }
            Item::Variant(VariantKind::Value(v)) => write!(f, "{v:?}"),
            Item::Variant(VariantKind::Tuple(types)) => write!(f, "({})", join(types)),
            Item::Variant(VariantKind::Struct) => f.write_str("{ .. }"),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_render_as_they_parse() {
        let lines = [
            (
                "op show_contact",
                "(id: &str, body: &Update) -> Result<Response<Contact>, Error>",
            ),
            ("model Contact", "struct, non_exhaustive"),
            ("model Id", "newtype(String)"),
            ("model Role", "enum"),
            ("field Contact.type_", "Option<String> (json `type`)"),
            ("field Shape::Circle.radius", "f64"),
            ("variant Role::User", "\"user\""),
            ("variant Shape::Circle", "{ .. }"),
            ("variant Value::Text", "(String)"),
            ("const API_VERSION", "\"2.10\""),
            ("region Eu", "https://api.eu.intercom.io"),
        ];
        for (key, text) in lines {
            let k = Key::parse(key);
            assert_eq!(k.to_string(), key);
            let item = Item::parse(&k, text);
            assert!(!matches!(item, Item::Other(_)), "{key}: {text}");
            assert_eq!(item.to_string(), text, "{key}");
        }
        assert_eq!(
            Key::parse("field Shape::Circle.radius").kind(),
            &KeyKind::Field("Shape::Circle".into(), "radius".into())
        );
    }

    #[test]
    fn types_know_their_option_and_names() {
        let t = SurfaceType::parse("Option<Vec<Contact>>").unwrap();
        assert_eq!(
            t.option_inner().map(SurfaceType::as_str),
            Some("Vec<Contact>")
        );
        assert_eq!(t.unwrapped().name(), Some("Vec"));
        assert!(t.names().contains("Contact"));
        let r = SurfaceType::parse("&CreateContactRequest").unwrap();
        assert_eq!(
            r.referent().and_then(SurfaceType::name),
            Some("CreateContactRequest")
        );
        assert_eq!(
            SurfaceType::parse("Box<Option<T>>")
                .unwrap()
                .unwrapped()
                .as_str(),
            "T"
        );
    }
}
