//! A component schema that is not an OpenAPI 3.0 schema at all (a `type` that is a mapping,
//! say) would stop the whole description where the type engine reads it. Each is made any JSON
//! value instead, with a warning that says where and why, so that one bad schema costs only
//! the values of its type.

use serde_json::Value;

use crate::base::pointer::escape_token;
use crate::load::context::{Ctx, R};
use crate::passes::schemas::make_free_form;

/// Makes each component schema that does not read as an OpenAPI 3.0 schema free-form.
pub(crate) fn check(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<()> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Ok(());
    };
    let mut bad = Vec::new();
    for (name, schema) in schemas {
        let read = serde_path_to_error::deserialize::<_, openapiv3::ReferenceOr<openapiv3::Schema>>(
            schema.clone(),
        );
        if let Err(err) = read {
            let mut at = format!("/components/schemas/{}", escape_token(name));
            for segment in err.path().iter() {
                use serde_path_to_error::Segment;
                match segment {
                    Segment::Seq { index } => at.push_str(&format!("/{index}")),
                    Segment::Map { key } => at.push_str(&format!("/{}", escape_token(key))),
                    Segment::Enum { .. } | Segment::Unknown => {}
                }
            }
            bad.push((
                name.clone(),
                format!("not an OpenAPI 3.0 schema at {at}: {}", err.inner()),
            ));
        }
    }
    for (name, reason) in bad {
        make_free_form(ctx, doc, &name, &reason)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::load::SpecSource;

    #[test]
    fn a_component_that_is_not_a_schema_is_any_json_value() {
        let mut doc = json!({"components": {"schemas": {
            "item_type": {"description": "d", "type": {"enum": ["a"], "type": "string"}},
            "fine": {"type": "object", "properties": {"a": {"type": "string"}}}
        }}});
        let src = SpecSource::new("x.yaml", "openapi: 3.0.3\n");
        let mut ctx = Ctx::new(&src, false);
        check(&mut ctx, &mut doc).expect("no error");
        assert_eq!(
            doc["components"]["schemas"]["item_type"],
            json!({"description": "d"})
        );
        assert_eq!(
            doc["components"]["schemas"]["fine"]["type"],
            json!("object")
        );
        assert_eq!(ctx.warnings.len(), 1);
        assert!(
            ctx.warnings[0]
                .message
                .contains("not an OpenAPI 3.0 schema"),
            "{}",
            ctx.warnings[0].message
        );
    }
}
