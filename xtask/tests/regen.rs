//! `cargo xtask regen` on a copy of the workspace's inputs and outputs (`--workspace`): a
//! stale generated file fails `--check` with a diff and nothing changes; a broken spec fails
//! `regen` with a located error and every existing file stays byte for byte as it was; a change
//! of the spec's API is written into the changelog, and `--check` fails until it is.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use std::time::Duration;

use intercom_test_support::process::{self, Run};
/// The files `regen` writes and the surfaces it reads (reviewed and released), relative to the
/// workspace root; it also reads every file of `spec/`.
const FILES: [&str; 8] = [
    "generated-client/tests/wire/generated.rs",
    "generated-client/src/generated.rs",
    "generated-client/src/generated_mock.rs",
    "generated-client/src/mock_spec.json",
    "tests/tests/snapshots/suite__surface__surface.snap",
    "generated-client/Cargo.toml",
    "CHANGELOG.md",
    "docs/released-surface.txt",
];

/// The spec's root file.
const SPEC: &str = "spec/intercom-2.10.yaml";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

/// A temporary workspace holding a copy of `spec/` and of [`FILES`].
fn copy_of_the_workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let spec_files = std::fs::read_dir(root().join("spec"))
        .expect("spec/ is readable")
        .map(|e| {
            format!(
                "spec/{}",
                e.expect("an entry").file_name().to_string_lossy()
            )
        });
    for rel in spec_files.chain(FILES.iter().map(|f| f.to_string())) {
        let to = tmp.path().join(&rel);
        std::fs::create_dir_all(to.parent().expect("a parent")).expect("a folder");
        std::fs::copy(root().join(&rel), &to).expect("the file copies");
    }
    tmp
}

/// Every file under `dir` and its bytes.
fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("a readable folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("under base").to_path_buf();
                out.insert(rel, std::fs::read(&path).expect("a readable file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn regen(workspace: &Path, args: &[&str]) -> Run {
    process::run(
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("--workspace")
            .arg(workspace)
            .arg("regen")
            .args(args),
        None,
        Duration::from_secs(120),
    )
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_passes_on_a_fresh_copy() {
    let ws = copy_of_the_workspace();
    let before = contents(ws.path());

    let out = regen(ws.path(), &["--check"]);

    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "", "no diff");
    assert!(
        text(&out.stderr).contains("generated-client/src/generated.rs is up to date"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(contents(ws.path()), before);
}

#[test]
fn check_on_a_stale_file_fails_with_a_diff_and_changes_nothing() {
    let ws = copy_of_the_workspace();
    let generated = ws.path().join(FILES[1]);
    let fresh = std::fs::read_to_string(&generated).expect("the generated file");
    let stale = fresh.replacen(
        "pub const API_VERSION: &str = \"2.10\";",
        "pub const API_VERSION: &str = \"2.9\";",
        1,
    );
    assert_ne!(stale, fresh, "the edit applies");
    std::fs::write(&generated, &stale).expect("the stale file is written");
    let before = contents(ws.path());

    let out = regen(ws.path(), &["--check"]);

    assert!(!out.status.success());
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert!(
        stdout.contains("--- a/generated-client/src/generated.rs\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+++ b/generated-client/src/generated.rs\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n-pub const API_VERSION: &str = \"2.9\";\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n+pub const API_VERSION: &str = \"2.10\";\n"),
        "{stdout}"
    );
    // Only the stale file is in the diff.
    assert!(!stdout.contains("generated_mock.rs"), "{stdout}");
    assert!(
        stderr.contains("generated-client/src/generated.rs is stale"),
        "{stderr}"
    );
    assert!(stderr.contains("cargo xtask regen"), "{stderr}");
    assert_eq!(contents(ws.path()), before, "--check changed a file");
}

#[test]
fn a_broken_spec_fails_with_a_located_error_and_changes_nothing() {
    let ws = copy_of_the_workspace();
    // Stale outputs too, so that a write of any kind would show.
    std::fs::write(ws.path().join(FILES[1]), "// an older client\n").expect("written");
    std::fs::copy(
        root().join("tests/fixtures/broken/invalid_yaml.yaml"),
        ws.path().join(SPEC),
    )
    .expect("the broken spec copies");
    let before = contents(ws.path());

    let out = regen(ws.path(), &[]);

    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("spec/intercom-2.10.yaml:9:6: #: not valid YAML or JSON"),
        "{stderr}"
    );
    assert!(stderr.contains("no file was changed"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(contents(ws.path()), before, "a file changed");
}

#[test]
fn a_broken_file_of_the_spec_fails_with_an_error_located_in_it_and_changes_nothing() {
    let ws = copy_of_the_workspace();
    std::fs::write(ws.path().join(FILES[1]), "// an older client\n").expect("written");
    let notes = ws.path().join("spec/notes.yaml");
    let original = std::fs::read_to_string(&notes).expect("notes.yaml");
    std::fs::write(&notes, original.replacen("paths:\n", "paths: [\n", 1)).expect("written");
    let before = contents(ws.path());

    let out = regen(ws.path(), &[]);

    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error: spec/notes.yaml:"), "{stderr}");
    assert!(stderr.contains("not valid YAML or JSON"), "{stderr}");
    assert!(stderr.contains("no file was changed"), "{stderr}");
    assert_eq!(contents(ws.path()), before, "a file changed");
}

#[test]
fn a_changed_field_is_written_into_the_changelog_and_check_fails_until_it_is() {
    let ws = copy_of_the_workspace();
    let notes = ws.path().join("spec/notes.yaml");
    let original = std::fs::read_to_string(&notes).expect("notes.yaml");
    let changed = original.replacen(
        "        body:\n          type: string\n          description: The note's text, as HTML.",
        "        body:\n          type: integer\n          description: The note's text, as HTML.",
        1,
    );
    assert_ne!(changed, original, "the edit applies");
    std::fs::write(&notes, changed).expect("written");
    let changelog = ws.path().join("CHANGELOG.md");
    let before = std::fs::read_to_string(&changelog).expect("the changelog");
    let entry = "- `Note.body`: ";

    let check = regen(ws.path(), &["--check"]);
    assert!(!check.status.success());
    assert!(
        text(&check.stderr).contains("CHANGELOG.md"),
        "{}",
        text(&check.stderr)
    );
    assert!(
        text(&check.stdout).contains(&format!("+{entry}")),
        "{}",
        text(&check.stdout)
    );
    assert_eq!(std::fs::read_to_string(&changelog).expect("read"), before);

    let out = regen(ws.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let after = std::fs::read_to_string(&changelog).expect("the changelog");
    let unreleased = &after[after.find("## [Unreleased]").expect("the section")
        ..after.find("## [0.1.0]").expect("the release")];
    // One more breaking change than before, under the breaking heading.
    let breaking = |text: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix("### Breaking ("))
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0)
    };
    assert_eq!(breaking(unreleased), breaking(&before) + 1, "{unreleased}");
    let line = unreleased
        .lines()
        .find(|l| l.starts_with(entry))
        .unwrap_or_else(|| panic!("no entry for the field: {unreleased}"));
    assert!(line.ends_with("(`field-type-changed`)"), "{line}");
    assert!(regen(ws.path(), &["--check"]).status.success());
}
