//! Override files in the style of Fern's `openapi-overrides.yml`: a mapping deep-merged into the
//! spec. Members of two mappings merge recursively, any other value (a list too) replaces the
//! member of its name, and a `null` member removes it.

use serde_json::Value;

use crate::base::diag::Severity;
use crate::load::SpecSource;
use crate::load::context::R;
use crate::load::provenance::{self, Prov};

/// Merges the override file in `source` (file number `file`) into `doc`, keeping `prov` in step.
pub(crate) fn apply(file: usize, source: &SpecSource, doc: &mut Value, prov: &mut Prov) -> R<()> {
    let overrides = source.parse()?;
    if !overrides.is_object() {
        return Err(Box::new(source.diag(
            Severity::Error,
            "",
            "an overrides file is a mapping merged into the spec",
        )));
    }
    let from = Prov::of(&overrides, file, "");
    provenance::merge(doc, prov, &overrides, &from, true);
    Ok(())
}
