//! What changes for users of a generated crate between two surfaces, and whether it breaks them
//! by Rust's semver rules as they apply to the code this generator emits.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::surface::Surface;

/// How a change affects callers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Code that compiled against the old crate may not compile, or behaves differently.
    Breaking,
    /// Existing code keeps compiling and behaving the same.
    Additive,
}

/// One change of the surface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Breaking or additive.
    pub impact: Impact,
    /// One line describing the change, in Markdown.
    pub text: String,
}

/// The changes between two surfaces, breaking first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApiDiff {
    /// Every change, breaking ones first, then in surface order.
    pub changes: Vec<Change>,
}

impl ApiDiff {
    /// How many changes are breaking.
    pub fn breaking(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.impact == Impact::Breaking)
            .count()
    }

    /// How many changes are additive.
    pub fn additive(&self) -> usize {
        self.changes.len() - self.breaking()
    }

    /// The report as Markdown: a summary line, then one bullet per change.
    pub fn to_markdown(&self) -> String {
        if self.changes.is_empty() {
            return "no API change\n".to_string();
        }
        let mut out = format!(
            "## API changes\n\n{} breaking, {} additive\n\n",
            self.breaking(),
            self.additive()
        );
        for c in &self.changes {
            let tag = match c.impact {
                Impact::Breaking => "**breaking**",
                Impact::Additive => "additive",
            };
            let _ = writeln!(out, "- {tag}: {}", c.text);
        }
        out
    }
}

fn kind_of(key: &str) -> (&str, &str) {
    key.split_once(' ').unwrap_or(("", key))
}

/// The parent model of a `field A.b` or `variant A::B` key.
fn parent(name: &str) -> &str {
    name.split(['.', ':']).next().unwrap_or(name)
}

fn non_exhaustive(surface: &Surface, model: &str) -> bool {
    surface
        .items
        .get(&format!("model {model}"))
        .is_some_and(|k| k.contains("non_exhaustive"))
}

/// Compares two surfaces.
pub fn diff(old: &Surface, new: &Surface) -> ApiDiff {
    let mut changes = Vec::new();
    let removed: BTreeMap<&String, &String> = old
        .items
        .iter()
        .filter(|(k, _)| !new.items.contains_key(*k))
        .collect();
    let added: BTreeMap<&String, &String> = new
        .items
        .iter()
        .filter(|(k, _)| !old.items.contains_key(*k))
        .collect();
    // An operation removed and another added with the same signature is a rename.
    let mut renamed_from = BTreeMap::new();
    for (k, sig) in &removed {
        let (kind, name) = kind_of(k);
        if kind != "op" {
            continue;
        }
        if let Some((nk, _)) = added.iter().find(|(nk, nsig)| {
            kind_of(nk).0 == "op" && nsig == &sig && !renamed_from.values().any(|v| v == **nk)
        }) {
            renamed_from.insert(name.to_string(), (*nk).clone());
        }
    }
    let renamed_to: Vec<&String> = renamed_from.values().collect();

    for (k, sig) in &removed {
        let (kind, name) = kind_of(k);
        if kind == "op"
            && let Some(to) = renamed_from.get(name)
        {
            let (_, to_name) = kind_of(to);
            changes.push(breaking(format!(
                "operation `{name}` renamed to `{to_name}`"
            )));
            continue;
        }
        // A removed model's fields and variants go with it; one line says it.
        if matches!(kind, "field" | "variant")
            && !new.items.contains_key(&format!("model {}", parent(name)))
        {
            continue;
        }
        changes.push(breaking(match kind {
            "op" => format!("operation `{name}` removed (was `{sig}`)"),
            "model" => format!("type `{name}` removed"),
            "field" => format!("field `{name}` removed (was `{sig}`)"),
            "variant" => format!("enum value `{name}` ({sig}) removed"),
            "region" => format!("region `{name}` ({sig}) removed"),
            _ => format!("`{name}` removed"),
        }));
    }
    for (k, sig) in &added {
        let (kind, name) = kind_of(k);
        if kind == "op" && renamed_to.contains(k) {
            continue;
        }
        if matches!(kind, "field" | "variant")
            && !old.items.contains_key(&format!("model {}", parent(name)))
        {
            continue;
        }
        changes.push(match kind {
            "op" => additive(format!("operation `{name}` added: `{sig}`")),
            "model" => additive(format!("type `{name}` added ({sig})")),
            "field" => {
                let model = parent(name);
                if non_exhaustive(new, model) {
                    additive(format!(
                        "field `{name}: {sig}` added (`{model}` is `#[non_exhaustive]`)"
                    ))
                } else {
                    breaking(format!(
                        "field `{name}: {sig}` added (`{model}` can be built with a struct literal)"
                    ))
                }
            }
            "variant" => {
                let model = parent(name);
                if non_exhaustive(new, model) {
                    additive(format!(
                        "enum value `{name}` ({sig}) added (`{model}` is `#[non_exhaustive]`)"
                    ))
                } else {
                    breaking(format!(
                        "enum value `{name}` ({sig}) added (`{model}` can be matched exhaustively)"
                    ))
                }
            }
            "region" => additive(format!("region `{name}` added: {sig}")),
            _ => additive(format!("`{name}` added: {sig}")),
        });
    }
    for (k, old_sig) in &old.items {
        let Some(new_sig) = new.items.get(k) else {
            continue;
        };
        if old_sig == new_sig {
            continue;
        }
        let (kind, name) = kind_of(k);
        changes.push(match kind {
            "op" => breaking(format!("operation `{name}` changed: `{old_sig}` → `{new_sig}`")),
            "field" => breaking(format!("field `{name}` {}: `{old_sig}` → `{new_sig}`", retype_kind(old_sig, new_sig))),
            "model" => {
                let was = old_sig.contains("non_exhaustive");
                let now = new_sig.contains("non_exhaustive");
                if was && !now && old_sig.replace(", non_exhaustive", "") == *new_sig {
                    additive(format!("type `{name}` is no longer `#[non_exhaustive]`"))
                } else {
                    breaking(format!("type `{name}` changed: {old_sig} → {new_sig}"))
                }
            }
            "const" if name == "API_VERSION" => breaking(format!(
                "default API version changed: {old_sig} → {new_sig} (requests now run on another API version)"
            )),
            "region" => breaking(format!("region `{name}` moved: {old_sig} → {new_sig}")),
            _ => breaking(format!("`{name}` changed: {old_sig} → {new_sig}")),
        });
    }
    changes.sort_by_key(|a| a.impact);
    ApiDiff { changes }
}

fn retype_kind(old: &str, new: &str) -> &'static str {
    let opt = |s: &str| {
        s.strip_prefix("Option<")
            .and_then(|s| s.strip_suffix('>'))
            .map(str::to_string)
    };
    match (opt(old), opt(new)) {
        (Some(inner), None) if inner == new => "became required",
        (None, Some(inner)) if inner == old => "became optional",
        _ => "retyped",
    }
}

fn breaking(text: String) -> Change {
    Change {
        impact: Impact::Breaking,
        text,
    }
}

fn additive(text: String) -> Change {
    Change {
        impact: Impact::Additive,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surface(lines: &[&str]) -> Surface {
        Surface::parse(&lines.join("\n"))
    }

    #[test]
    fn identical_surfaces_have_no_change() {
        let s = surface(&["op a: () -> X", "model X: struct"]);
        assert_eq!(diff(&s, &s).to_markdown(), "no API change\n");
    }

    #[test]
    fn field_added_to_non_exhaustive_struct_is_additive() {
        let old = surface(&["model X: struct, non_exhaustive", "field X.a: String"]);
        let new = surface(&[
            "model X: struct, non_exhaustive",
            "field X.a: String",
            "field X.b: Option<i64>",
        ]);
        let d = diff(&old, &new);
        assert_eq!((d.breaking(), d.additive()), (0, 1));
    }

    #[test]
    fn field_added_to_exhaustive_struct_is_breaking() {
        let old = surface(&["model X: struct", "field X.a: String"]);
        let new = surface(&[
            "model X: struct",
            "field X.a: String",
            "field X.b: Option<i64>",
        ]);
        assert_eq!(diff(&old, &new).breaking(), 1);
    }

    #[test]
    fn same_signature_under_a_new_name_is_a_rename() {
        let old = surface(&["op show_contact: (id: &str) -> X"]);
        let new = surface(&["op get_contact: (id: &str) -> X"]);
        let d = diff(&old, &new);
        assert_eq!(d.changes.len(), 1);
        assert!(d.changes[0].text.contains("renamed to `get_contact`"));
    }

    #[test]
    fn optional_to_required_is_named() {
        let old = surface(&["model X: struct", "field X.a: Option<String>"]);
        let new = surface(&["model X: struct", "field X.a: String"]);
        assert!(diff(&old, &new).changes[0].text.contains("became required"));
    }
}
