//! An `integer` or `number` schema whose `enum` lists its values as strings (`["0", "1"]`, as
//! descriptions converted from other formats often do) is one the type engine refuses, and the
//! whole schema would become any JSON value. The values are read as the numbers they spell,
//! with a warning; where one is not a number of the schema's type, the list is left out and the
//! schema is a plain number.

use serde_json::{Number, Value};

use crate::base::pointer::schema_pointers;
use crate::load::context::{Ctx, R};

/// Reads the string values of numeric enums as numbers, or leaves the enum out.
pub(crate) fn fix(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<()> {
    for at in schema_pointers(doc) {
        let Some(node) = doc.pointer_mut(&at).and_then(Value::as_object_mut) else {
            continue;
        };
        let integer = match node.get("type").and_then(Value::as_str) {
            Some("integer") => true,
            Some("number") => false,
            _ => continue,
        };
        let Some(Value::Array(values)) = node.get("enum") else {
            continue;
        };
        if !values.iter().any(Value::is_string) {
            continue;
        }
        let numbers: Option<Vec<Value>> = values.iter().map(|v| as_number(v, integer)).collect();
        let message = match numbers {
            Some(numbers) => {
                node.insert("enum".into(), Value::Array(numbers));
                "the values of this numeric enum are written as strings; read as the numbers they spell"
            }
            None => {
                node.remove("enum");
                "this numeric enum lists a value that is not a number of its type; the enum is left out"
            }
        };
        ctx.warn(&format!("{at}/enum"), message)?;
    }
    Ok(())
}

/// `v` as a JSON number of the schema's kind, reading a string that spells one.
fn as_number(v: &Value, integer: bool) -> Option<Value> {
    let number = match v {
        Value::Number(n) => n.clone(),
        Value::String(s) if integer => Number::from(s.trim().parse::<i64>().ok()?),
        Value::String(s) => Number::from_f64(s.trim().parse::<f64>().ok()?)?,
        _ => return None,
    };
    (!integer || number.is_i64() || number.is_u64()).then_some(Value::Number(number))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::load::SpecSource;

    #[test]
    fn numeric_enums_written_as_strings_are_read_as_numbers() {
        let mut doc = json!({"components": {"schemas": {
            "kind": {"type": "integer", "enum": ["0", "1", "8"]},
            "ratio": {"type": "number", "enum": ["0.5", 1]},
            "broken": {"type": "integer", "enum": ["0", "one"]},
            "fine": {"type": "integer", "enum": [1, 2]},
            "text": {"type": "string", "enum": ["0"]}
        }}});
        let src = SpecSource::new("x.yaml", "openapi: 3.0.3\n");
        let mut ctx = Ctx::new(&src, false);
        fix(&mut ctx, &mut doc).expect("no error");
        let s = &doc["components"]["schemas"];
        assert_eq!(s["kind"]["enum"], json!([0, 1, 8]));
        assert_eq!(s["ratio"]["enum"], json!([0.5, 1]));
        assert!(s["broken"].get("enum").is_none());
        assert_eq!(s["fine"]["enum"], json!([1, 2]));
        assert_eq!(s["text"]["enum"], json!(["0"]));
        assert_eq!(ctx.warnings.len(), 3);
    }
}
