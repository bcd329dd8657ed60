//! The API change report between two specs: fixture pairs with one kind of change each, and
//! Intercom's published spec against edited copies — one with real breaks, one that only
//! respells references and renames a parameter, which must report nothing breaking.

use intercom_generator::{Check, Impact, Options, SpecSource, Surface, diff, generate};
use intercom_tests::workspace_root;
use serde_json::{Value, json};

fn surface(name: &str, text: &str) -> Surface {
    generate(&SpecSource::new(name, text), &Options::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .surface
}

fn published() -> String {
    let path = workspace_root().join("../shared/upstream/intercom-openapi-2.10.yaml");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} is needed beside the repository: {e}", path.display()))
}

const PUBLISHED: &str = "shared/upstream/intercom-openapi-2.10.yaml";

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
    let text = published();
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

    let report = diff(&surface(PUBLISHED, &text), &surface("edited.yaml", &edited));
    assert_eq!(report.changes.len(), 3, "{}", report.to_markdown());
    assert!(report.changes.iter().all(|c| c.impact == Impact::Breaking));
    let checks: Vec<Check> = report.changes.iter().map(|c| c.check).collect();
    assert_eq!(
        checks,
        [
            Check::FieldRemoved,
            Check::FieldTypeChanged,
            Check::OperationRenamed
        ]
    );
    insta::assert_snapshot!(report.to_markdown());
}

/// The member of `object` at `key`, which the published spec must have.
fn at<'a>(value: &'a mut Value, pointer: &str) -> &'a mut Value {
    value
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the published spec has no {pointer}"))
}

/// Intercom's published 2.10 description, respelled: the `{id}` parameter of
/// `DELETE /contacts/{contact_id}/tags/{id}` renamed to `{tag_id}`, and references written
/// another way — the `UpdateContact` body (`oneOf: [$ref]` in the published file) as a plain
/// `$ref`, the `update_collection_request` body wrapped in `anyOf: [$ref]`, every plain `$ref`
/// to `contact` in a response wrapped in `allOf: [$ref]`, the `createConversation` response's
/// `allOf: [$ref]` with `required` beside as a plain `$ref`, and `tag.applied_by`'s nullable
/// `allOf: [$ref]` as a `$ref` with `nullable` beside.
fn respelled(text: &str) -> String {
    let mut doc: Value = serde_yaml_ng::from_str(text).expect("the published spec parses");
    let paths = at(&mut doc, "/paths")
        .as_object_mut()
        .expect("paths is a mapping");
    let mut item = paths
        .remove("/contacts/{contact_id}/tags/{id}")
        .expect("the detach operation");
    let params = at(&mut item, "/delete/parameters")
        .as_array_mut()
        .expect("a parameter list");
    let id = params
        .iter_mut()
        .find(|p| p["name"] == "id")
        .expect("the `id` parameter");
    id["name"] = json!("tag_id");
    paths.insert("/contacts/{contact_id}/tags/{tag_id}".into(), item);

    let update_contact = at(
        &mut doc,
        "/paths/~1contacts~1{id}/put/requestBody/content/application~1json/schema",
    );
    assert_eq!(
        *update_contact,
        json!({"oneOf": [{"$ref": "#/components/schemas/update_contact_request"}]})
    );
    *update_contact = json!({"$ref": "#/components/schemas/update_contact_request"});

    let collection = at(
        &mut doc,
        "/paths/~1help_center~1collections~1{id}/put/requestBody/content/application~1json/schema",
    );
    *collection = json!({"anyOf": [collection.clone()]});

    let plain_contact = json!({"$ref": "#/components/schemas/contact"});
    let mut wrapped = 0;
    for item in at(&mut doc, "/paths").as_object_mut().unwrap().values_mut() {
        for op in item.as_object_mut().unwrap().values_mut() {
            let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
                continue;
            };
            for r in responses.values_mut() {
                if let Some(schema) = r.pointer_mut("/content/application~1json/schema")
                    && *schema == plain_contact
                {
                    *schema = json!({"allOf": [plain_contact.clone()]});
                    wrapped += 1;
                }
            }
        }
    }
    assert!(wrapped >= 3, "only {wrapped} contact responses");

    let conversation = at(
        &mut doc,
        "/paths/~1conversations/post/responses/200/content/application~1json/schema",
    );
    assert_eq!(conversation["required"], json!(["conversation_id"]));
    *conversation = json!({"$ref": "#/components/schemas/message"});

    let applied_by = at(&mut doc, "/components/schemas/tag/properties/applied_by");
    assert_eq!(applied_by["nullable"], true);
    *applied_by = json!({"$ref": "#/components/schemas/reference", "nullable": true});

    serde_yaml_ng::to_string(&doc).expect("the copy serialises")
}

#[test]
fn intercom_published_spec_respelled_has_no_breaking_change() {
    let text = published();
    let report = diff(
        &surface(PUBLISHED, &text),
        &surface("respelled.yaml", &respelled(&text)),
    );
    assert_eq!(report.breaking(), 0, "{}", report.to_markdown());
    assert_eq!(report.changes.len(), 1, "{}", report.to_markdown());
    let rename = &report.changes[0];
    assert_eq!(rename.check, Check::ParameterRenamed);
    assert_eq!(rename.impact, Impact::Info);
    assert_eq!(rename.item, "detach_tag_from_contact(id)");
    assert!(rename.text.contains("renamed, not breaking: positional"));
    assert_eq!(rename.operations, ["detach_tag_from_contact"]);
    let (old, new) = (rename.old.as_ref().unwrap(), rename.new.as_ref().unwrap());
    assert_eq!(
        old.pointer,
        "/paths/~1contacts~1{contact_id}~1tags~1{id}/delete/parameters/2"
    );
    assert_eq!(
        new.pointer,
        "/paths/~1contacts~1{contact_id}~1tags~1{tag_id}/delete/parameters/2"
    );
    assert!(old.position.is_some() && new.position.is_some());
    insta::assert_snapshot!(report.to_markdown());
}

/// The published description in both spellings generates one shape: the update request's
/// nullable fields are three-state whichever way its body names the schema, and
/// `create_conversation` returns `Message`.
#[test]
fn intercom_published_spec_shapes_do_not_depend_on_spelling() {
    let text = published();
    for (name, text) in [
        (PUBLISHED, text.clone()),
        ("respelled.yaml", respelled(&text)),
    ] {
        let s = surface(name, &text);
        assert_eq!(
            s.items["field UpdateContactRequest.phone"].to_string(),
            "Option<Option<String>>",
            "{name}"
        );
        assert_eq!(
            s.items["op create_conversation"].to_string(),
            "(body: &CreateConversationRequest) -> Result<Response<Message>, Error>",
            "{name}"
        );
        assert!(!s.items.contains_key("model CreateConversationResponse"));
    }
}

#[test]
fn the_json_report_carries_check_severity_item_and_locations() {
    let old = std::fs::read_to_string(
        workspace_root().join("tests/fixtures/api-diff/two_breaks/old.yaml"),
    )
    .unwrap();
    let new = std::fs::read_to_string(
        workspace_root().join("tests/fixtures/api-diff/two_breaks/new.yaml"),
    )
    .unwrap();
    let report = diff(&surface("old.yaml", &old), &surface("new.yaml", &new));
    let text = serde_json::to_string(&report.to_json()).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["summary"]["breaking"], 2);
    let changes = json["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    for c in changes {
        assert!(c["check"].is_string() && c["severity"] == "breaking" && c["item"].is_string());
        assert_eq!(c["old"]["file"], "old.yaml");
        assert!(c["old"]["pointer"].as_str().unwrap().starts_with("/"));
        assert!(c["old"]["line"].is_u64() && c["old"]["column"].is_u64());
    }
}

/// The one-construct fixtures `ref_*.yaml` describe one API, each naming its schemas with
/// another spelling of a reference: they generate one surface.
#[test]
fn reference_spellings_generate_one_surface() {
    let dir = workspace_root().join("tests/fixtures/constructs");
    let read = |name: &str| {
        let text = std::fs::read_to_string(dir.join(name)).expect("fixture is readable");
        surface(name, &text)
    };
    let plain = read("ref_plain.yaml");
    assert_eq!(
        plain.items["field UpdateNoteRequest.editor"].to_string(),
        "Option<Option<Author>>"
    );
    assert_eq!(
        plain.items["field Note.reviewer"].to_string(),
        "Option<Author>"
    );
    for name in ["ref_one_of.yaml", "ref_all_of.yaml", "ref_any_of.yaml"] {
        let other = read(name);
        assert_eq!(other.items, plain.items, "{name}");
        assert!(diff(&plain, &other).changes.is_empty(), "{name}");
    }
}
