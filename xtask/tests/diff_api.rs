//! `cargo xtask diff-api` end to end: Intercom's published description against a copy that
//! renames a parameter and respells a reference passes `--fail-on-breaking`, the JSON report
//! parses with every field a tool needs, and an accept-list silences exactly the breaks it names.

use std::path::{Path, PathBuf};
use std::process::Command;

use std::time::Duration;

use intercom_test_support::process::{self, Run};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A fresh folder of its own for one test, removed when dropped.
fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

fn xtask(args: &[&Path]) -> Run {
    process::run(
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("diff-api")
            .args(args),
        None,
        Duration::from_secs(120),
    )
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn published() -> PathBuf {
    root().join("../shared/upstream/intercom-openapi-2.10.yaml")
}

/// `text` with `from` replaced by `to`, which must occur exactly once.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "the published spec changed shape: {from}"
    );
    text.replacen(from, to, 1)
}

/// The `{id}` parameter of `DELETE /contacts/{contact_id}/tags/{id}` renamed to `{tag_id}`.
fn rename_tag_parameter(text: &str) -> String {
    let key = "\"/contacts/{contact_id}/tags/{id}\":";
    let at = text.find(key).expect("the detach operation");
    let (head, tail) = text.split_at(at);
    let param =
        "- name: id\n        in: path\n        description: The unique identifier for the tag";
    let param_at = tail.find(param).expect("its `id` parameter");
    assert!(
        !tail[..param_at].contains("\n  \"/"),
        "the parameter is not the detach operation's"
    );
    let tail = tail
        .replacen(key, "\"/contacts/{contact_id}/tags/{tag_id}\":", 1)
        .replacen(param, &param.replacen("name: id", "name: tag_id", 1), 1);
    format!("{head}{tail}")
}

/// The `UpdateContact` body, `oneOf: [$ref]` in the published file, as a plain `$ref`.
fn unwrap_update_contact_body(text: &str) -> String {
    edit(
        text,
        "schema:\n              oneOf:\n              - \"$ref\": \"#/components/schemas/update_contact_request\"",
        "schema:\n              \"$ref\": \"#/components/schemas/update_contact_request\"",
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_renamed_parameter_and_a_wrapped_body_are_not_breaking() {
    let tmp = scratch();
    let dir = tmp.path();
    let published_text = std::fs::read_to_string(published()).expect("the published spec");
    // A copy as the issue names it: the parameter renamed, the body wrapped in `oneOf: [$ref]`
    // (as it already is in the published file); and an earlier spelling of the same API, whose
    // body is a plain `$ref`, to compare the wrapped body against.
    let copy = write(dir, "renamed.yaml", &rename_tag_parameter(&published_text));
    let plain = write(
        dir,
        "plain-body.yaml",
        &unwrap_update_contact_body(&published_text),
    );
    for (old, new) in [(published(), copy.clone()), (plain, copy)] {
        let out = xtask(&[&old, &new, Path::new("--fail-on-breaking")]);
        let stdout = text(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{} → {}:\n{stdout}\n{}",
            old.display(),
            new.display(),
            text(&out.stderr)
        );
        assert!(
            stdout.contains("0 breaking, 0 additive, 1 info"),
            "{stdout}"
        );
        assert!(
            stdout.contains("info `parameter-renamed`: argument `id` of `detach_tag_from_contact` renamed to `tag_id`"),
            "{stdout}"
        );
        assert!(
            stdout.contains("renamed, not breaking: positional"),
            "{stdout}"
        );
    }
}

#[test]
fn the_json_report_parses_and_locates_every_change() {
    let tmp = scratch();
    let dir = tmp.path();
    let published_text = std::fs::read_to_string(published()).expect("the published spec");
    let edited = rename_tag_parameter(&published_text);
    let edited = edit(
        &edited,
        "\n        email_domain:\n          type: string\n          description: The contact's email domain.\n          example: example.com",
        "",
    );
    let edited = edit(
        &edited,
        "operationId: ShowContact",
        "operationId: GetContact",
    );
    let edited = write(dir, "edited.yaml", &edited);
    let out = xtask(&[
        &published(),
        &edited,
        Path::new("--format"),
        Path::new("json"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("the report is JSON");
    let changes = report["changes"].as_array().expect("a list of changes");
    let checks: Vec<&str> = changes
        .iter()
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert_eq!(
        checks,
        ["field-removed", "operation-renamed", "parameter-renamed"],
        "{report:#}"
    );
    for c in changes {
        for key in ["check", "severity", "item", "message"] {
            assert!(
                c[key].as_str().is_some_and(|s| !s.is_empty()),
                "{key} missing: {c:#}"
            );
        }
        assert!(c["operations"].is_array(), "{c:#}");
        let located: Vec<&Value> = [&c["old"], &c["new"]]
            .into_iter()
            .filter(|o| !o.is_null())
            .collect();
        assert!(!located.is_empty(), "no location: {c:#}");
        for o in located {
            assert!(
                o["file"].as_str().is_some_and(|f| f.ends_with(".yaml")),
                "{c:#}"
            );
            assert!(
                o["pointer"].as_str().is_some_and(|p| p.starts_with('/')),
                "{c:#}"
            );
            assert!(
                o["line"].as_u64().is_some() && o["column"].as_u64().is_some(),
                "{c:#}"
            );
        }
    }
    assert_eq!(report["summary"]["breaking"], 2);
    assert_eq!(report["summary"]["info"], 1);
    assert_eq!(changes[2]["severity"], "info");
    assert_eq!(changes[2]["item"], "detach_tag_from_contact(id)");
}

#[test]
fn an_accept_list_silences_only_the_breaks_it_names() {
    let tmp = scratch();
    let dir = tmp.path();
    let pair = |case: &str| {
        let d = root().join("tests/fixtures/api-diff").join(case);
        (d.join("old.yaml"), d.join("new.yaml"))
    };
    let yaml = write(
        dir,
        "accept.yaml",
        "# shipped on purpose\n- check: operation-removed\n  item: delete_contact\n  reason: the endpoint is gone\n",
    );
    let json = write(
        dir,
        "accept.json",
        r#"[{"check": "operation-removed", "item": "delete_contact"}]"#,
    );
    let accept = Path::new("--accept");
    let fail = Path::new("--fail-on-breaking");
    for list in [&yaml, &json] {
        // One break, accepted.
        let (old, new) = pair("operation_removed");
        let out = xtask(&[&old, &new, accept, list, fail]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(stdout.contains("1 breaking (1 accepted)"), "{stdout}");
        assert!(
            stdout.contains("**breaking**, accepted `operation-removed`"),
            "{stdout}"
        );
        // The same break and a second one, not accepted.
        let (old, new) = pair("two_breaks");
        let out = xtask(&[&old, &new, accept, list, fail]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
        assert!(
            text(&out.stderr).contains("error: 1 breaking change(s) not accepted"),
            "{}",
            text(&out.stderr)
        );
    }
    // An entry that names nothing in the report is pointed out.
    let (old, new) = pair("field_removed");
    let out = xtask(&[&old, &new, accept, &yaml]);
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains(
            "warning: accepted change `operation-removed` of `delete_contact` is not in the report"
        ),
        "{}",
        text(&out.stderr)
    );
    // A severity file can make the second break informational instead.
    let severity = write(dir, "severity.yaml", "field-removed: info\n");
    let (old, new) = pair("two_breaks");
    let out = xtask(&[
        &old,
        &new,
        accept,
        &yaml,
        Path::new("--severity"),
        &severity,
        fail,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("info `field-removed`"));
    // A file that is not an accept-list is an error that names it.
    let bad = write(dir, "bad.yaml", "- {check: no-such-check, item: x}\n");
    let out = xtask(&[&old, &new, accept, &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("bad.yaml: entry 1: unknown check id `no-such-check`"),
        "{}",
        text(&out.stderr)
    );
}
