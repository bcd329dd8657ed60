//! Flag values read by the JSON type of what they set: text as written, whole and finite
//! numbers, `true`/`false`, or JSON text for anything else.

use clap::{Arg, ArgAction, ArgMatches};
use intercom_runtime::contract::Kind;
use serde_json::Value;

/// A flag taking one value, read as `kind`.
pub fn flag(name: &str, kind: Kind, help: Option<&str>) -> Arg {
    let arg = Arg::new(name.to_string())
        .long(name.to_string())
        .action(ArgAction::Set)
        .value_name(name.to_uppercase().replace('-', "_"));
    let arg = match kind {
        Kind::String => arg.value_parser(|s: &str| Ok::<_, String>(Value::from(s))),
        Kind::Integer => arg.value_parser(integer),
        Kind::Number => arg.value_parser(number),
        Kind::Boolean => arg.value_name("true|false").value_parser(boolean),
        Kind::Json => arg.value_parser(json),
    };
    match help {
        Some(help) => arg.help(help.to_string()),
        None => arg,
    }
}

pub fn integer(s: &str) -> Result<Value, String> {
    s.trim()
        .parse::<i64>()
        .map(Value::from)
        .map_err(|_| format!("`{s}` is not an integer"))
}

pub fn number(s: &str) -> Result<Value, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| format!("`{s}` is not a finite number"))
}

pub fn boolean(s: &str) -> Result<Value, String> {
    match s.trim() {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        _ => Err(format!("`{s}` is not true or false")),
    }
}

pub fn json(s: &str) -> Result<Value, String> {
    serde_json::from_str(s).map_err(|e| format!("not JSON: {e}"))
}

/// A flag's value, if given.
pub fn given<'a>(m: &'a ArgMatches, name: &str) -> Option<&'a Value> {
    m.try_get_one::<Value>(name).ok().flatten()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn values_are_read_by_kind() {
        assert_eq!(integer("42"), Ok(json!(42)));
        assert!(integer("4.2").is_err());
        assert_eq!(number("4.5"), Ok(json!(4.5)));
        assert!(number("NaN").is_err());
        assert_eq!(boolean("false"), Ok(json!(false)));
        assert!(boolean("yes").is_err());
        assert_eq!(json(r#"{"a":[1]}"#), Ok(json!({"a": [1]})));
    }
}
