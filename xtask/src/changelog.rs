//! The API changes in `CHANGELOG.md`: `cargo xtask regen` writes the change report between the
//! released API surface and the generated one into the `Unreleased` section (Keep a Changelog),
//! one line per change grouped by severity, between two markers; what else the section says is
//! kept as written. `--check` fails when the lines there are not the report's.

use intercom_generator::{ApiDiff, Change, Impact};

/// The heading of the section the API changes go under.
const UNRELEASED: &str = "## [Unreleased]";
/// The line before the API changes.
const START: &str = "<!-- API changes: written by `cargo xtask regen` from the change report; edit the spec, not these lines -->";
/// The line after them.
const END: &str = "<!-- end of API changes -->";

/// `changelog` with its API changes block replaced by `report`'s changes against the surface of
/// release `since`. The block is added at the top of the `Unreleased` section when missing; an
/// error when the changelog has no `Unreleased` section or a block whose end is missing.
pub(crate) fn with_api_changes(
    changelog: &str,
    report: &ApiDiff,
    since: &str,
) -> Result<String, String> {
    let block = block(report, since);
    if let Some(start) = changelog.find(START) {
        let end = changelog[start..]
            .find(END)
            .map(|i| start + i + END.len())
            .ok_or_else(|| {
                format!("error: CHANGELOG.md has the start of the API changes but not `{END}`")
            })?;
        return Ok(format!(
            "{}{}{}",
            &changelog[..start],
            block,
            &changelog[end..]
        ));
    }
    let heading = changelog
        .find(UNRELEASED)
        .ok_or_else(|| format!("error: CHANGELOG.md has no `{UNRELEASED}` section"))?;
    let after = heading
        + changelog[heading..]
            .find('\n')
            .map_or(changelog.len() - heading, |i| i + 1);
    Ok(format!(
        "{}\n{block}\n{}",
        &changelog[..after],
        &changelog[after..]
    ))
}

/// The block: the markers and, between them, a heading per severity with one line per change.
fn block(report: &ApiDiff, since: &str) -> String {
    let mut out = format!("{START}\n");
    if report.changes.is_empty() {
        out.push_str(&format!(
            "\nNo change to the client's API since {since}.\n\n"
        ));
    }
    for (impact, heading) in [
        (Impact::Breaking, "Breaking"),
        (Impact::Additive, "Added"),
        (Impact::Info, "Changed without breaking"),
    ] {
        let lines: Vec<String> = report
            .changes
            .iter()
            .filter(|c| c.impact == impact)
            .map(line)
            .collect();
        if lines.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n### {heading} ({} since {since})\n\n",
            lines.len()
        ));
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
    }
    if !report.changes.is_empty() {
        out.push('\n');
    }
    out.push_str(END);
    out
}

/// One change: its Rust item, what changed, and the check's id. Where the change is in the spec
/// is left out: line numbers move with every edit, and users read the item.
fn line(c: &Change) -> String {
    format!("- `{}`: {} (`{}`)", c.item, c.text, c.check.id())
}

#[cfg(test)]
mod tests {
    use super::*;
    use intercom_generator::{Surface, diff};

    fn report(old: &str, new: &str) -> ApiDiff {
        diff(&Surface::parse(old), &Surface::parse(new))
    }

    const OLD: &str =
        "model Contact: struct, non_exhaustive\nfield Contact.phone: Option<String>\n";

    #[test]
    fn a_new_block_goes_at_the_top_of_unreleased_and_keeps_the_rest() {
        let changelog =
            "# Changelog\n\n## [Unreleased]\n\n- Hand-written note.\n\n## [0.1.0] - 2026-12-07\n";
        let new = "model Contact: struct, non_exhaustive\nfield Contact.phone: Option<i64>\nfield Contact.name: Option<String>\n";
        let out = with_api_changes(changelog, &report(OLD, new), "0.1.0").expect("an update");
        let breaking = out
            .find("### Breaking (1 since 0.1.0)")
            .unwrap_or_else(|| panic!("{out}"));
        let added = out.find("### Added (1 since 0.1.0)").expect("added");
        assert!(breaking < added, "{out}");
        assert!(out.contains("- `Contact.phone`:"), "{out}");
        assert!(out.contains("- `Contact.name`:"), "{out}");
        assert!(out.contains("- Hand-written note."), "{out}");
        assert!(out.find(END).unwrap() < out.find("## [0.1.0]").unwrap());
        // Written again from the same report, it is unchanged; from an empty one, the block
        // says so and the hand-written line stays.
        let again = with_api_changes(&out, &report(OLD, new), "0.1.0").expect("an update");
        assert_eq!(again, out);
        let none = with_api_changes(&out, &report(OLD, OLD), "0.1.0").expect("an update");
        assert!(none.contains("No change to the client's API since 0.1.0."));
        assert!(!none.contains("Contact.phone"), "{none}");
        assert!(none.contains("- Hand-written note."));
    }

    #[test]
    fn a_changelog_without_unreleased_or_with_a_broken_block_is_an_error() {
        let err = with_api_changes("# Changelog\n", &report(OLD, OLD), "0.1.0").unwrap_err();
        assert!(err.contains("Unreleased"), "{err}");
        let broken = format!("# Changelog\n\n## [Unreleased]\n{START}\n- x\n");
        let err = with_api_changes(&broken, &report(OLD, OLD), "0.1.0").unwrap_err();
        assert!(err.contains(END), "{err}");
    }
}
