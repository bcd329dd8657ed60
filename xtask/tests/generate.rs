//! `cargo xtask generate` end to end: failed generation writes nothing, leaves existing files
//! as they were and exits non-zero with a located message; a good spec writes a crate.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use intercom_test_support::process::{self, Run};
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A fresh temporary folder (removed when dropped) and a path `name` inside it that does not
/// exist yet.
fn scratch(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path().join(name);
    (tmp, dir)
}

fn xtask(args: &[&str]) -> Run {
    process::run(
        Command::new(env!("CARGO_BIN_EXE_xtask")).args(args),
        None,
        Duration::from_secs(120),
    )
}

#[test]
fn broken_spec_writes_nothing_and_keeps_existing_files() {
    let (_tmp, out) = scratch("broken");
    std::fs::create_dir_all(out.join("src")).unwrap();
    std::fs::write(
        out.join("src/generated.rs"),
        "// the previous, good output\n",
    )
    .unwrap();
    let broken = root().join("tests/fixtures/broken/invalid_yaml.yaml");
    let result = xtask(&[
        "generate",
        "--spec",
        broken.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("invalid_yaml.yaml:9:6: #: not valid YAML or JSON"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out.join("src/generated.rs")).unwrap(),
        "// the previous, good output\n"
    );
    assert!(!out.join("Cargo.toml").exists());
    assert!(!out.join("runtime").exists());
}

#[test]
fn strict_mode_refuses_what_lenient_mode_works_around() {
    let (_tmp, out) = scratch("strict");
    let lenient = root().join("tests/fixtures/constructs/lenient.yaml");
    let result = xtask(&[
        "generate",
        "--strict",
        "--spec",
        lenient.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!result.status.success());
    assert!(!out.exists(), "strict failure created the output folder");

    let result = xtask(&[
        "generate",
        "--spec",
        lenient.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    for file in [
        "Cargo.toml",
        "src/lib.rs",
        "src/generated.rs",
        "tests/wire.rs",
        "runtime/Cargo.toml",
        "runtime/src/lib.rs",
        "contract/Cargo.toml",
        "contract/src/lib.rs",
    ] {
        assert!(out.join(file).exists(), "{file} missing");
    }
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.starts_with("warning: "))
            .count(),
        8,
        "{stderr}"
    );
}

#[test]
fn overlays_and_overrides_patch_the_spec_and_strict_refuses_an_unused_action() {
    let dir = root().join("tests/fixtures/overlays");
    let path = |f: &str| dir.join(f).to_str().unwrap().to_string();
    let (_tmp, out) = scratch("overlay");
    let (spec, overrides, remove, no_match) = (
        path("spec.yaml"),
        path("overrides.json"),
        path("remove.yaml"),
        path("no_match.yaml"),
    );
    let args = [
        "generate",
        "--spec",
        &spec,
        "--out",
        out.to_str().unwrap(),
        "--overrides",
        &overrides,
        "--overlay",
        &remove,
        "--overlay",
        &no_match,
    ];
    let result = xtask(&[&args[..], &["--strict"]].concat());
    assert!(!result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("no_match.yaml:4:") && stderr.contains("#/actions/0: target"),
        "{stderr}"
    );
    assert!(!out.exists(), "strict failure created the output folder");

    let result = xtask(&args);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    assert!(stderr.contains("matches nothing"), "{stderr}");
    let generated = std::fs::read_to_string(out.join("src/generated.rs")).unwrap();
    assert!(
        !generated.contains("delete_thing"),
        "the overlay removed it"
    );
    assert!(!generated.contains("pub labels"), "the override removed it");
    assert!(generated.contains("pub legacy_code"));
    assert!(generated.contains("pub async fn get_thing"));
}

#[test]
fn unknown_command_is_a_usage_error() {
    let result = xtask(&["frobnicate"]);
    assert!(!result.status.success());
    assert!(String::from_utf8_lossy(&result.stderr).contains("unknown command `frobnicate`"));
}

#[test]
fn diff_api_fails_on_breaking_changes_only_when_asked() {
    let case = root().join("tests/fixtures/api-diff/field_removed");
    let old = case.join("old.yaml");
    let new = case.join("new.yaml");
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let report = xtask(&["diff-api", old, new]);
    assert!(report.status.success());
    let stdout = String::from_utf8_lossy(&report.stdout);
    assert!(stdout.contains("1 breaking, 0 additive"), "{stdout}");
    let strict = xtask(&["diff-api", old, new, "--fail-on-breaking"]);
    assert_eq!(strict.status.code(), Some(1));
    let additive = root().join("tests/fixtures/api-diff/field_added");
    let ok = xtask(&[
        "diff-api",
        additive.join("old.yaml").to_str().unwrap(),
        additive.join("new.yaml").to_str().unwrap(),
        "--fail-on-breaking",
    ]);
    assert!(ok.status.success());
}

/// Consumers of the client compile serde and reqwest, not the generator: none of the generator
/// crates may appear in the client's normal dependency tree (syn and quote appear only beneath
/// proc-macro crates such as serde_derive).
#[test]
fn client_does_not_depend_on_the_generator() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut tree = Command::new(cargo);
    tree.args([
        "tree",
        "-p",
        "intercom-client",
        "-e",
        "normal",
        "--prefix",
        "none",
        "--offline",
    ])
    .current_dir(root());
    // cargo may wait for the package cache while another build holds it.
    let out = process::run(&mut tree, None, Duration::from_secs(300));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(
        tree.lines().any(|l| l.starts_with("intercom-runtime ")),
        "{tree}"
    );
    for generator_crate in [
        "progenitor-client",
        "progenitor-impl",
        "progenitor-macro",
        "typify",
        "prettyplease",
        "openapiv3",
        "intercom-generator",
    ] {
        assert!(
            !tree
                .lines()
                .any(|l| l.starts_with(&format!("{generator_crate} "))),
            "{generator_crate} is in the client's dependency tree"
        );
    }
}
