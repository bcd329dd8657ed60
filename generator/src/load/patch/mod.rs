//! Patching the spec before generation: OpenAPI Overlay 1.0 documents and Fern-style override
//! files, applied in the order given, each YAML or JSON. Diagnostics about the patched spec are
//! located through [`crate::load::provenance`]: in the spec where a node came from there, in the patch file
//! where a patch added it.

mod overlay;
mod overrides;

use serde_json::Value;

use crate::load::SpecSource;
use crate::load::context::{Ctx, R};
use crate::load::provenance::Prov;

/// What a patch file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchKind {
    /// An OpenAPI Overlay 1.0 document: actions with JSONPath targets that update or remove.
    Overlay,
    /// A mapping deep-merged into the spec, as Fern's `openapi-overrides.yml`: mappings merge,
    /// other values replace, `null` removes.
    Overrides,
}

/// A patch file to apply to the spec before generation.
pub struct Patch {
    /// How to read and apply it.
    pub kind: PatchKind,
    /// Its text and the name diagnostics give it.
    pub source: SpecSource,
}

impl Patch {
    /// An OpenAPI Overlay 1.0 document.
    pub fn overlay(source: SpecSource) -> Self {
        Self {
            kind: PatchKind::Overlay,
            source,
        }
    }

    /// A Fern-style overrides file.
    pub fn overrides(source: SpecSource) -> Self {
        Self {
            kind: PatchKind::Overrides,
            source,
        }
    }
}

/// Applies `patches` to `doc` in order, and keeps in `ctx` where each node came from (`ctx`
/// knows the patches' sources, in the same order, for locating them).
pub(crate) fn apply_all(ctx: &mut Ctx<'_>, patches: &[Patch], doc: &mut Value) -> R<()> {
    if patches.is_empty() {
        return Ok(());
    }
    let mut prov = ctx.prov.take().unwrap_or_else(|| Prov::of(doc, 0, ""));
    for (i, patch) in patches.iter().enumerate() {
        let file = ctx.patch_file(i);
        match patch.kind {
            PatchKind::Overlay => overlay::apply(ctx, file, &patch.source, doc, &mut prov)?,
            PatchKind::Overrides => overrides::apply(file, &patch.source, doc, &mut prov)?,
        }
    }
    ctx.prov = Some(prov);
    Ok(())
}
