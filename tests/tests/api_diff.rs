//! The API change report between two specs: fixture pairs with one change each, and Intercom's
//! published spec against an edited copy.

use intercom_generator::{Impact, Options, SpecSource, diff, generate};
use intercom_tests::workspace_root;

fn surface(name: &str, text: &str) -> intercom_generator::Surface {
    generate(&SpecSource::new(name, text), &Options::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .surface
}

#[test]
fn fixture_pairs() {
    insta::glob!("../fixtures/api-diff", "*/old.yaml", |old_path| {
        let dir = old_path.parent().expect("a case folder");
        let old = std::fs::read_to_string(old_path).expect("old.yaml is readable");
        let new = std::fs::read_to_string(dir.join("new.yaml")).expect("new.yaml is readable");
        let report = diff(&surface("old.yaml", &old), &surface("new.yaml", &new));
        insta::assert_snapshot!(report.to_markdown());
    });
}

/// Removes the `email_domain` property of the `contact` schema, retypes its `workspace_id` and
/// renames `ShowContact`: the report lists exactly those three, all breaking.
#[test]
fn intercom_published_spec_against_an_edited_copy() {
    let path = workspace_root().join("../shared/upstream/intercom-openapi-2.10.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} is needed beside the repository: {e}", path.display()));
    let contact = text.find("\n    contact:\n").expect("the contact schema");
    let (head, tail) = text.split_at(contact);
    let removed_field = "\n        email_domain:\n          type: string\n          description: The contact's email domain.\n          example: example.com";
    assert!(
        tail.contains(removed_field),
        "the published spec changed shape"
    );
    let tail = tail.replacen(removed_field, "", 1);
    let workspace = "\n        workspace_id:\n          type: string";
    assert!(tail.contains(workspace));
    let tail = tail.replacen(
        workspace,
        "\n        workspace_id:\n          type: integer",
        1,
    );
    let edited =
        format!("{head}{tail}").replacen("operationId: ShowContact", "operationId: GetContact", 1);

    let report = diff(
        &surface("shared/upstream/intercom-openapi-2.10.yaml", &text),
        &surface("edited.yaml", &edited),
    );
    assert_eq!(report.changes.len(), 3, "{}", report.to_markdown());
    assert!(report.changes.iter().all(|c| c.impact == Impact::Breaking));
    insta::assert_snapshot!(report.to_markdown());
}
