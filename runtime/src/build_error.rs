//! The error of a generated model's builder.

/// A generated builder's `build` found a required field unset.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{type_name}` needs `{field}`, which was not set")]
#[non_exhaustive]
pub struct BuildError {
    /// The type being built.
    pub type_name: &'static str,
    /// The required field left unset.
    pub field: &'static str,
}

impl BuildError {
    /// `field` of `type_name` was not set.
    pub fn missing(type_name: &'static str, field: &'static str) -> Self {
        Self { type_name, field }
    }
}
