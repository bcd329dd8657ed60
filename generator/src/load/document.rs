//! The load phase's result: the spec and the files it references as one document, with the
//! patches applied.

use serde_json::Value;

use crate::load::context::{Ctx, R};
use crate::load::{bundle, patch};

/// The spec of `ctx` as one document: parsed, the files its references reach bundled in, and
/// `patches` applied in order; members in name order whatever serde_json's map type is (its
/// `preserve_order` feature may be switched on elsewhere in a build), so that nothing after
/// depends on the build.
pub(crate) fn read(ctx: &mut Ctx<'_>, patches: &[patch::Patch]) -> R<Value> {
    let mut doc = ctx.src.parse()?;
    bundle::resolve(ctx, &mut doc)?;
    patch::apply_all(ctx, patches, &mut doc)?;
    doc.sort_all_objects();
    Ok(doc)
}
