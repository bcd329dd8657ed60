//! Serde helpers that generated models name in their attributes.

/// Serializes and deserializes `Option<Option<T>>` so that `None` is an absent member,
/// `Some(None)` is `null` and `Some(Some(v))` is the value: three-state request fields.
pub use serde_with::rust::double_option;

/// Decodes `null` as the type's default (an empty list or map): APIs send `null` where their
/// description promises an empty container, and one such member must not fail a response.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    use serde::Deserialize as _;
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Decodes a string with `from`, reading it in place where the format allows: how generated
/// open enums decode, without buffering the value or trying each variant in turn.
pub fn deserialize_str<'de, D, T>(deserializer: D, from: fn(&str) -> T) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Visitor<T>(fn(&str) -> T);

    impl<T> serde::de::Visitor<'_> for Visitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok((self.0)(value))
        }
    }

    deserializer.deserialize_str(Visitor(from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Role {
        User,
        Other(String),
    }

    fn role(value: &str) -> Role {
        match value {
            "user" => Role::User,
            other => Role::Other(other.to_string()),
        }
    }

    #[test]
    fn strings_decode_through_the_function_and_other_types_fail() {
        let mut de = serde_json::Deserializer::from_str(r#""user""#);
        assert_eq!(deserialize_str(&mut de, role).unwrap(), Role::User);
        let mut de = serde_json::Deserializer::from_str(r#""admin\n""#);
        assert_eq!(
            deserialize_str(&mut de, role).unwrap(),
            Role::Other("admin\n".into())
        );
        let mut de = serde_json::Deserializer::from_str("3");
        let error = deserialize_str(&mut de, role).unwrap_err().to_string();
        assert_eq!(
            error,
            "invalid type: integer `3`, expected a string at line 1 column 1"
        );
    }

    #[test]
    fn null_decodes_as_empty() {
        let mut de = serde_json::Deserializer::from_str("null");
        let v: Vec<u8> = null_as_default(&mut de).unwrap();
        assert!(v.is_empty());
        let mut de = serde_json::Deserializer::from_str("[1, 2]");
        let v: Vec<u8> = null_as_default(&mut de).unwrap();
        assert_eq!(v, [1, 2]);
    }
}
