//! What changes for users of a generated crate between two surfaces, and whether it breaks them
//! by Rust's semver rules as they apply to the code this generator emits.
//!
//! Each change has a stable check id ([`Check`]), a severity ([`Impact`]) that a team may
//! override per check, the Rust item it concerns, the operations that reach that item, and where
//! it comes from in both specs. A team can accept known breaks by check and item
//! ([`AcceptList`]). The report renders as Markdown or JSON.

mod checks;
mod compare;
mod operation_changes;
mod policy;
mod render;
mod type_changes;
mod view;

pub use checks::{Check, Impact};
pub use policy::{AcceptEntry, AcceptList, SeverityOverrides};

use crate::surface::{Origin, Surface};

/// One change of the surface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The kind of change.
    pub check: Check,
    /// Its severity: the check's default unless overridden.
    pub impact: Impact,
    /// The Rust item: `show_contact`, `detach_tag_from_contact(id)`, `Contact`, `Contact.phone`,
    /// `ContactRole::User`, `Shape::Circle.radius`, `Region::Eu`, `API_VERSION`.
    pub item: String,
    /// One line describing the change, in Markdown.
    pub text: String,
    /// The client methods whose arguments or results reach the item, by name.
    pub operations: Vec<String>,
    /// Where the item is in the old spec, if it is there and the surface knows.
    pub old: Option<Origin>,
    /// Where the item is in the new spec, if it is there and the surface knows.
    pub new: Option<Origin>,
    /// Whether an accept-list names this change.
    pub accepted: bool,
}

/// The changes between two surfaces, and problems that make the comparison unreliable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApiDiff {
    /// Every change, most severe first, then by item.
    pub changes: Vec<Change>,
    /// Errors of the report: names a surface defines more than once.
    pub errors: Vec<String>,
}

impl ApiDiff {
    /// How many changes have this severity (accepted or not).
    pub fn count(&self, impact: Impact) -> usize {
        self.changes.iter().filter(|c| c.impact == impact).count()
    }

    /// How many changes are breaking (accepted or not).
    pub fn breaking(&self) -> usize {
        self.count(Impact::Breaking)
    }

    /// How many changes are additive.
    pub fn additive(&self) -> usize {
        self.count(Impact::Additive)
    }

    /// How many changes are for information.
    pub fn info(&self) -> usize {
        self.count(Impact::Info)
    }

    /// How many breaking changes no accept-list names: what `--fail-on-breaking` fails on.
    pub fn unaccepted_breaking(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.impact == Impact::Breaking && !c.accepted)
            .count()
    }

    /// Gives each change the severity `overrides` set for its check.
    pub fn override_severities(&mut self, overrides: &SeverityOverrides) {
        for c in &mut self.changes {
            if let Some(impact) = overrides.get(c.check) {
                c.impact = impact;
            }
        }
        self.sort();
    }

    /// Marks the changes `list` names as accepted; returns the entries that name no change.
    pub fn accept<'a>(&mut self, list: &'a AcceptList) -> Vec<&'a AcceptEntry> {
        let mut unused = Vec::new();
        for entry in &list.entries {
            let mut used = false;
            for c in &mut self.changes {
                if entry.check == c.check && entry.item == c.item {
                    c.accepted = true;
                    used = true;
                }
            }
            if !used {
                unused.push(entry);
            }
        }
        unused
    }

    fn sort(&mut self) {
        self.changes.sort_by(|a, b| {
            (a.impact, &a.item, a.check, &a.text).cmp(&(b.impact, &b.item, b.check, &b.text))
        });
    }
}

/// Compares two surfaces.
pub fn diff(old: &Surface, new: &Surface) -> ApiDiff {
    compare::compare(old, new)
}

#[cfg(test)]
mod tests;
