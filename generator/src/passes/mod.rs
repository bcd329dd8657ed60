//! The spec passes: the loaded document in, the document the type engine will read and the
//! API's facts out. They reject a spec that cannot be generated at all, leave out each operation
//! that cannot be, work around what the type engine mishandles (each left-out operation and
//! work-around is a located warning), and pull out what it ignores (servers, security, the
//! API-version header, pagination, fixed values, tagged unions).

pub(crate) mod collisions;
pub(crate) mod component_shapes;
pub(crate) mod facts;
pub(crate) mod fixed_fields;
pub(crate) mod numeric_enums;
pub(crate) mod openapi31;
pub(crate) mod operation_list;
pub(crate) mod references;
pub(crate) mod schemas;
pub(crate) mod skip;
pub(crate) mod success_types;
pub(crate) mod tagged_unions;
pub(crate) mod wrappers;

use serde_json::Value;

use crate::load::context::{Ctx, R};
use facts::{ApiFacts, value_as_string};

/// Runs every pass over `doc` in place and returns what progenitor will not see.
pub(crate) fn prepare(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<ApiFacts> {
    // The components an earlier round found with their type name taken.
    collisions::rename_components(ctx, doc)?;
    // First of the rest: every later pass reads OpenAPI 3.0.
    openapi31::downgrade(ctx, doc)?;
    check_version(ctx, doc)?;
    references::normalize(ctx, doc)?;
    schemas::check_refs(ctx, doc)?;
    // Before `single_refs`, which writes each reference it marks nullable as an `Option`.
    schemas::nullable_at_use_sites(doc);
    wrappers::null_alternatives(ctx, doc)?;
    // Before every pass that reads references, so that each sees one spelling of them.
    wrappers::single_refs(ctx, doc)?;
    let mut ops = operation_list::operations(ctx, doc)?;
    // Each operation check leaves out what it cannot generate, so later passes see only the
    // operations that are generated.
    operation_list::check_shapes(ctx, doc, &mut ops)?;
    operation_list::check_parameters(ctx, doc, &mut ops)?;
    operation_list::check_bodies(ctx, doc, &mut ops)?;
    operation_list::check_path_params(ctx, doc, &mut ops)?;
    schemas::fix_schemas(ctx, doc)?;
    numeric_enums::fix(ctx, doc)?;
    component_shapes::check(ctx, doc)?;
    schemas::fix_responses(ctx, doc, &ops)?;
    // After responses without a schema have one; before the type engine, which would otherwise
    // find each of these operations by halving.
    success_types::check(ctx, doc, &mut ops)?;
    schemas::unify_error_responses(doc, &ops);
    // Last of the schema passes, so that their warnings name the schemas as the file does.
    collisions::rename_colliding_components(ctx, doc)?;
    collisions::rename_components_named_by_nullable_unions(ctx, doc)?;
    // Before the fixed fields are read: it takes the tag off alternatives that serve one union.
    let tagged_unions = tagged_unions::prepare(ctx, doc)?;
    let fixed_fields = fixed_fields::take_fixed_fields(doc);
    // After the passes that drop titles and enums, which decide which inline schemas are types.
    collisions::name_inline_types(ctx, doc)?;
    let mut facts = facts::collect(ctx, doc, ops)?;
    facts.fixed_fields = fixed_fields;
    facts.tagged_unions = tagged_unions;
    Ok(facts)
}

fn check_version(ctx: &Ctx<'_>, doc: &Value) -> R<()> {
    let Some(obj) = doc.as_object() else {
        return Err(ctx.error(
            "",
            "the document is not a mapping; expected an OpenAPI 3.0 or 3.1 description",
        ));
    };
    if let Some(v) = obj.get("swagger") {
        let v = value_as_string(v).unwrap_or_default();
        return Err(ctx.error(
            "/swagger",
            format!("Swagger {v} is not supported; convert the description to OpenAPI 3.0"),
        ));
    }
    let Some(version) = obj.get("openapi").and_then(value_as_string) else {
        return Err(ctx.error(
            "",
            "missing `openapi` version field; expected OpenAPI 3.0.x or 3.1.x",
        ));
    };
    if !version.starts_with("3.0.") && version != "3.0" {
        return Err(ctx.error(
            "/openapi",
            format!("OpenAPI {version} is not supported; only OpenAPI 3.0.x and 3.1.x are"),
        ));
    }
    for key in ["info", "paths"] {
        if !obj.get(key).is_some_and(Value::is_object) {
            return Err(ctx.error("", format!("missing `{key}` mapping")));
        }
    }
    Ok(())
}
