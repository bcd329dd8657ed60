//! Comparing two surfaces item by item: operations (in `operations`), types (in `types`),
//! regions and constants (here). Each change is located in both specs and lists the operations
//! that reach it.

use std::collections::BTreeSet;

use super::view::View;
use super::{ApiDiff, Change, Check};
use crate::surface::{Item, Key, KeyKind, Surface};

/// Builds the changes between two views.
pub(super) struct Compare<'a> {
    pub(super) old: View<'a>,
    pub(super) new: View<'a>,
    changes: Vec<Change>,
}

/// What one change needs beyond its check, item and text.
#[derive(Default)]
pub(super) struct At<'k> {
    pub(super) old: Option<&'k str>,
    pub(super) new: Option<&'k str>,
    pub(super) operations: Vec<String>,
}

impl Compare<'_> {
    pub(super) fn push(&mut self, check: Check, item: String, text: String, at: At<'_>) {
        let origin = |view: &View<'_>, key: Option<&str>| {
            key.and_then(|k| view.surface.origins.get(k)).cloned()
        };
        self.changes.push(Change {
            check,
            impact: check.default_impact(),
            item,
            text,
            operations: at.operations,
            old: origin(&self.old, at.old),
            new: origin(&self.new, at.new),
            accepted: false,
        });
    }

    /// The operations that reach a type, on either side.
    pub(super) fn users(&self, model: &str) -> Vec<String> {
        let mut out: BTreeSet<String> = BTreeSet::new();
        for view in [&self.old, &self.new] {
            out.extend(view.reach.get(model).into_iter().flatten().cloned());
        }
        out.into_iter().collect()
    }

    /// Regions, constants and anything else.
    fn others(&mut self) {
        let keys: BTreeSet<&Key> = self
            .old
            .others
            .keys()
            .chain(self.new.others.keys())
            .copied()
            .collect();
        for key in keys {
            let text = |item: Option<&&Item>| item.map(|i| i.to_string());
            let (old, new) = (
                text(self.old.others.get(key)),
                text(self.new.others.get(key)),
            );
            if old == new {
                continue;
            }
            let (kind, name) = match key.kind() {
                KeyKind::Region(n) => ("region", n.as_str()),
                KeyKind::Const(n) => ("const", n.as_str()),
                // A signature the surface could not read.
                KeyKind::Operation(n) => ("op", n.as_str()),
                _ => ("", key.as_str()),
            };
            let at = At {
                old: old.as_ref().map(|_| key.as_str()),
                new: new.as_ref().map(|_| key.as_str()),
                operations: Vec::new(),
            };
            let (old, new) = (old.as_deref(), new.as_deref());
            let (check, item, text) = match (kind, old, new) {
                ("region", Some(url), None) => (
                    Check::RegionRemoved,
                    format!("Region::{name}"),
                    format!("region `{name}` ({url}) removed"),
                ),
                ("region", None, Some(url)) => (
                    Check::RegionAdded,
                    format!("Region::{name}"),
                    format!("region `{name}` added: {url}"),
                ),
                ("region", Some(a), Some(b)) => (
                    Check::RegionUrlChanged,
                    format!("Region::{name}"),
                    format!("region `{name}` moved: {a} → {b}"),
                ),
                ("const", Some(a), Some(b)) if name == "API_VERSION" => (
                    Check::ApiVersionChanged,
                    name.to_string(),
                    format!(
                        "default API version changed: {a} → {b} (requests now run on another API version)"
                    ),
                ),
                ("op", Some(a), Some(b)) => (
                    Check::OperationSignatureChanged,
                    name.to_string(),
                    format!("operation `{name}` changed: `{a}` → `{b}`"),
                ),
                ("const", Some(a), Some(b)) if name == "VERSION_HEADER" => (
                    Check::VersionHeaderChanged,
                    name.to_string(),
                    format!("API version header changed: {a} → {b}"),
                ),
                (_, a, b) => (
                    Check::ItemChanged,
                    name.to_string(),
                    format!(
                        "`{name}` changed: {} → {}",
                        a.unwrap_or("(none)"),
                        b.unwrap_or("(none)")
                    ),
                ),
            };
            self.push(check, item, text, at);
        }
    }
}

/// The keys a surface claims more than once, as report errors; the fields and values of a type
/// defined twice go with it.
fn duplicate_errors(surface: &Surface, side: &str) -> Vec<String> {
    let models: BTreeSet<&str> = surface
        .duplicates
        .iter()
        .filter_map(|k| match k.kind() {
            KeyKind::Model(name) => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let owner_of = |owner: &str| owner.split("::").next().unwrap_or(owner).to_string();
    surface
        .duplicates
        .iter()
        .filter(|k| match k.kind() {
            KeyKind::Field(owner, _) | KeyKind::Variant(owner, _) => {
                !models.contains(owner_of(owner).as_str())
            }
            _ => true,
        })
        .map(|k| {
            let (what, name) = match k.kind() {
                KeyKind::Model(n) => ("type", n.clone()),
                KeyKind::Operation(n) => ("operation", n.clone()),
                KeyKind::Field(owner, f) => ("field", format!("{owner}.{f}")),
                KeyKind::Variant(e, v) => ("enum value", format!("{e}::{v}")),
                KeyKind::Const(n) => ("const", n.clone()),
                KeyKind::Region(n) => ("region", n.clone()),
                KeyKind::Param(op, p) => ("param", format!("{op}.{p}")),
                KeyKind::Other => ("item", k.to_string()),
            };
            format!("the {side} surface defines {what} `{name}` more than once: such code does not compile, and the report compares only one of them")
        })
        .collect()
}

/// Compares two surfaces.
pub(super) fn compare(old: &Surface, new: &Surface) -> ApiDiff {
    let mut c = Compare {
        old: View::new(old),
        new: View::new(new),
        changes: Vec::new(),
    };
    c.operations();
    c.types();
    c.others();
    let mut errors = duplicate_errors(old, "old");
    errors.extend(duplicate_errors(new, "new"));
    let mut diff = ApiDiff {
        changes: c.changes,
        errors,
    };
    diff.sort();
    diff
}
