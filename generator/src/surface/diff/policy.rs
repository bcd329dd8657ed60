//! A team's policy over the report: severity overrides per check id, and an accept-list of
//! changes it has decided to ship. Both are read from JSON or YAML.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::checks::{Check, Impact};

/// A change a team accepts: a check id and a Rust item, spelled as in the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcceptEntry {
    /// The check.
    pub check: Check,
    /// The Rust item, as the report's `item` gives it.
    pub item: String,
    /// Why it is accepted, if the file says.
    pub reason: Option<String>,
}

/// Changes a team accepts, so that `--fail-on-breaking` passes for them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AcceptList {
    /// The entries, in file order.
    pub entries: Vec<AcceptEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    check: String,
    item: String,
    #[serde(default)]
    reason: Option<String>,
}

impl AcceptList {
    /// Reads a JSON or YAML list of `{check, item}` objects (each may carry a `reason`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let raw: Vec<RawEntry> = serde_yaml_ng::from_str(text)
            .map_err(|e| format!("not a list of `{{check, item}}` objects: {e}"))?;
        let entries = raw
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                Ok(AcceptEntry {
                    check: check_named(&e.check).map_err(|m| format!("entry {}: {m}", i + 1))?,
                    item: e.item,
                    reason: e.reason,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Self { entries })
    }
}

/// Severities a team gives to checks instead of their defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeverityOverrides {
    by_check: BTreeMap<Check, Impact>,
}

impl SeverityOverrides {
    /// Reads a JSON or YAML mapping from check id to `breaking`, `additive` or `info`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let raw: BTreeMap<String, String> = serde_yaml_ng::from_str(text)
            .map_err(|e| format!("not a mapping from check id to severity: {e}"))?;
        let mut by_check = BTreeMap::new();
        for (id, severity) in raw {
            let check = check_named(&id)?;
            let Some(impact) = Impact::from_name(&severity) else {
                return Err(format!(
                    "unknown severity `{severity}` for `{id}`; expected breaking, additive or info"
                ));
            };
            by_check.insert(check, impact);
        }
        Ok(Self { by_check })
    }

    /// The severity set for a check, if any.
    pub fn get(&self, check: Check) -> Option<Impact> {
        self.by_check.get(&check).copied()
    }
}

fn check_named(id: &str) -> Result<Check, String> {
    Check::from_id(id).ok_or_else(|| {
        let known: Vec<&str> = Check::ALL.iter().map(|c| c.id()).collect();
        format!("unknown check id `{id}` (known: {})", known.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_lists_read_as_yaml_or_json() {
        let yaml = "- check: operation-removed\n  item: delete_contact\n  reason: gone upstream\n";
        let json = r#"[{"check": "operation-removed", "item": "delete_contact", "reason": "gone upstream"}]"#;
        let a = AcceptList::parse(yaml).unwrap();
        assert_eq!(a, AcceptList::parse(json).unwrap());
        assert_eq!(a.entries[0].check, Check::OperationRemoved);
        assert_eq!(a.entries[0].item, "delete_contact");
    }

    #[test]
    fn unknown_checks_and_keys_are_errors() {
        let e = AcceptList::parse("- {check: nope, item: x}").unwrap_err();
        assert!(e.starts_with("entry 1: unknown check id `nope`"), "{e}");
        assert!(AcceptList::parse("- {check: field-removed, itm: x}").is_err());
        assert!(AcceptList::parse("check: field-removed").is_err());
    }

    #[test]
    fn severity_overrides_name_checks_and_severities() {
        let s = SeverityOverrides::parse("field-added-to-request: additive\n").unwrap();
        assert_eq!(s.get(Check::FieldAddedToRequest), Some(Impact::Additive));
        assert_eq!(s.get(Check::FieldRemoved), None);
        let e = SeverityOverrides::parse("{\"field-removed\": \"fatal\"}").unwrap_err();
        assert!(e.contains("unknown severity `fatal`"), "{e}");
        assert!(SeverityOverrides::parse("nope: info").is_err());
    }
}
