//! The kinds of change the report knows, each with a stable kebab-case id (what accept-lists,
//! severity overrides and the JSON output name it by) and the severity it has by default.

use std::fmt;

/// How a change affects callers of the generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Code that compiled against the old crate may not compile, or behaves differently.
    Breaking,
    /// Existing code keeps compiling and behaving the same; there is more to use.
    Additive,
    /// Worth knowing, and neither: existing code compiles and behaves the same.
    Info,
}

impl Impact {
    /// Every severity, most serious first.
    pub const ALL: [Impact; 3] = [Impact::Breaking, Impact::Additive, Impact::Info];

    /// The name used in reports and severity files: `breaking`, `additive` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Breaking => "breaking",
            Impact::Additive => "additive",
            Impact::Info => "info",
        }
    }

    /// The severity a name stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.as_str() == name)
    }
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

macro_rules! checks {
    ($($(#[doc = $doc:literal])* $variant:ident = $id:literal, $impact:ident;)*) => {
        /// A kind of change, with a stable id.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Check {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Check {
            /// Every check, in the order of this list.
            pub const ALL: &[Check] = &[$(Check::$variant,)*];

            /// The stable kebab-case id.
            pub fn id(self) -> &'static str {
                match self {
                    $(Check::$variant => $id,)*
                }
            }

            /// The severity a change of this kind has unless a severity file says otherwise.
            pub fn default_impact(self) -> Impact {
                match self {
                    $(Check::$variant => Impact::$impact,)*
                }
            }

            /// One line on what the check finds.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Check::$variant => concat!($($doc),*).trim_ascii(),)*
                }
            }
        }
    };
}

checks! {
    /// A client method was added.
    OperationAdded = "operation-added", Additive;
    /// A client method was removed.
    OperationRemoved = "operation-removed", Breaking;
    /// An operation kept its method and path under a new operationId, so its client method has a new name.
    OperationRenamed = "operation-renamed", Breaking;
    /// A method argument has a new name and the same type and position; arguments are positional, so callers still compile.
    ParameterRenamed = "parameter-renamed", Info;
    /// A method gained an argument.
    ParameterAdded = "parameter-added", Breaking;
    /// A method lost an argument.
    ParameterRemoved = "parameter-removed", Breaking;
    /// A method's arguments are in another order.
    ParameterReordered = "parameter-reordered", Breaking;
    /// A method argument has another type.
    ParameterTypeChanged = "parameter-type-changed", Breaking;
    /// A method returns another type.
    ResponseTypeChanged = "response-type-changed", Breaking;
    /// A method's signature changed in a way the report cannot take apart.
    OperationSignatureChanged = "operation-signature-changed", Breaking;
    /// A type was added.
    TypeAdded = "type-added", Additive;
    /// A type was removed.
    TypeRemoved = "type-removed", Breaking;
    /// A type changed kind (struct, newtype, enum) or a newtype's inner type changed.
    TypeKindChanged = "type-kind-changed", Breaking;
    /// A struct or enum became `#[non_exhaustive]`: it can no longer be built with a literal or matched exhaustively.
    TypeBecameNonExhaustive = "type-became-non-exhaustive", Breaking;
    /// A struct or enum is no longer `#[non_exhaustive]`.
    TypeBecameExhaustive = "type-became-exhaustive", Additive;
    /// A field was added to a `#[non_exhaustive]` struct, which callers only read.
    FieldAdded = "field-added", Additive;
    /// A field was added to a struct callers build with a literal (a request type).
    FieldAddedToRequest = "field-added-to-request", Breaking;
    /// A field was added to a struct-like enum variant, which callers build and match.
    VariantFieldAdded = "variant-field-added", Breaking;
    /// A field was removed.
    FieldRemoved = "field-removed", Breaking;
    /// A field went from `Option<T>` to `T`.
    FieldBecameRequired = "field-became-required", Breaking;
    /// A field went from `T` to `Option<T>`.
    FieldBecameOptional = "field-became-optional", Breaking;
    /// A field has another type.
    FieldTypeChanged = "field-type-changed", Breaking;
    /// A field keeps its Rust name and type and has another name on the wire.
    FieldWireNameChanged = "field-wire-name-changed", Info;
    /// A value was added to a `#[non_exhaustive]` enum.
    EnumValueAdded = "enum-value-added", Additive;
    /// A value was added to an enum callers may match exhaustively.
    EnumValueAddedToExhaustiveEnum = "enum-value-added-to-exhaustive-enum", Breaking;
    /// An enum value was removed.
    EnumValueRemoved = "enum-value-removed", Breaking;
    /// An enum value has another wire value or payload.
    EnumValueChanged = "enum-value-changed", Breaking;
    /// A region (server) was added.
    RegionAdded = "region-added", Additive;
    /// A region (server) was removed.
    RegionRemoved = "region-removed", Breaking;
    /// A region's URL changed.
    RegionUrlChanged = "region-url-changed", Breaking;
    /// The default API version changed: requests now run on another version of the API.
    ApiVersionChanged = "api-version-changed", Breaking;
    /// The header that selects the API version changed.
    VersionHeaderChanged = "version-header-changed", Breaking;
    /// Another item of the surface changed.
    ItemChanged = "item-changed", Breaking;
}

impl Check {
    /// The check with this id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.id() == id)
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Check::ALL {
            assert!(seen.insert(c.id()), "{} twice", c.id());
            assert!(
                c.id()
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '-'),
                "{}",
                c.id()
            );
            assert_eq!(Check::from_id(c.id()), Some(*c));
            assert!(!c.summary().is_empty());
        }
    }
}
