//! The key naming each item of an API surface (`op show_contact`, `field Contact.phone`): its
//! kind and names, and the text by which keys compare and sort.

use std::borrow::Borrow;
use std::fmt;

/// What kind of item a key names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// A constant of the generated crate (`API_VERSION`).
    Const(String),
    /// A server region (`Eu`).
    Region(String),
    /// A client method (`show_contact`).
    Operation(String),
    /// An argument of a client method: (method, argument). Origins only.
    Param(String, String),
    /// A type of the `types` module.
    Model(String),
    /// A field: (owner, field), the owner a type or `Enum::Variant`.
    Field(String, String),
    /// An enum's variant: (enum, variant).
    Variant(String, String),
    /// A key of a kind this version does not know, as written.
    Other,
}

/// The key of an item: its kind and names, and its text (`field Contact.phone`), by which keys
/// compare and sort, so that a surface lists its items in the order of their text.
#[derive(Clone, Debug)]
pub struct Key {
    text: String,
    kind: KeyKind,
}

impl Key {
    /// The key of an item of this kind.
    pub fn new(kind: KeyKind) -> Self {
        let text = match &kind {
            KeyKind::Const(n) => format!("const {n}"),
            KeyKind::Region(n) => format!("region {n}"),
            KeyKind::Operation(n) => format!("op {n}"),
            KeyKind::Param(op, p) => format!("param {op}.{p}"),
            KeyKind::Model(n) => format!("model {n}"),
            KeyKind::Field(owner, f) => format!("field {owner}.{f}"),
            KeyKind::Variant(e, v) => format!("variant {e}::{v}"),
            KeyKind::Other => String::new(),
        };
        Self { text, kind }
    }

    /// Reads a key from its text; a key of an unknown kind is kept as [`KeyKind::Other`].
    pub fn parse(text: &str) -> Self {
        let (kind, name) = text.split_once(' ').unwrap_or(("", text));
        let two = |sep: &str, rightmost: bool| {
            let split = if rightmost {
                name.rsplit_once(sep)
            } else {
                name.split_once(sep)
            };
            split.map(|(a, b)| (a.to_string(), b.to_string()))
        };
        let kind = match kind {
            "const" => KeyKind::Const(name.to_string()),
            "region" => KeyKind::Region(name.to_string()),
            "op" => KeyKind::Operation(name.to_string()),
            "model" => KeyKind::Model(name.to_string()),
            "param" => two(".", true).map_or(KeyKind::Other, |(a, b)| KeyKind::Param(a, b)),
            "field" => two(".", true).map_or(KeyKind::Other, |(a, b)| KeyKind::Field(a, b)),
            "variant" => two("::", false).map_or(KeyKind::Other, |(a, b)| KeyKind::Variant(a, b)),
            _ => KeyKind::Other,
        };
        Self {
            text: text.to_string(),
            kind,
        }
    }

    /// What the key names.
    pub fn kind(&self) -> &KeyKind {
        &self.kind
    }

    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The key of a constant.
    pub fn constant(name: &str) -> Self {
        Self::new(KeyKind::Const(name.to_string()))
    }

    /// The key of a client method.
    pub fn operation(name: &str) -> Self {
        Self::new(KeyKind::Operation(name.to_string()))
    }

    /// The key of a method's argument.
    pub fn param(operation: &str, param: &str) -> Self {
        Self::new(KeyKind::Param(operation.to_string(), param.to_string()))
    }

    /// The key of a type.
    pub fn model(name: &str) -> Self {
        Self::new(KeyKind::Model(name.to_string()))
    }

    /// The key of a field of `owner` (a type or `Enum::Variant`).
    pub fn field(owner: &str, field: &str) -> Self {
        Self::new(KeyKind::Field(owner.to_string(), field.to_string()))
    }

    /// The key of an enum's variant.
    pub fn variant(ty: &str, variant: &str) -> Self {
        Self::new(KeyKind::Variant(ty.to_string(), variant.to_string()))
    }

    /// The key of a region.
    pub fn region(name: &str) -> Self {
        Self::new(KeyKind::Region(name.to_string()))
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.text.cmp(&other.text)
    }
}

impl Borrow<str> for Key {
    fn borrow(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
