//! Names that stay put: a generated type's name depends on where its schema is (its component,
//! or its parent and property, or its operation and role), not on the order of the spec or on
//! which other schemas exist. Generating Intercom's published 2.10 description and a copy with
//! its schemas and paths reordered and unrelated schemas and operations added must give every
//! type, field and operation of the first the same name and type in the second.

use intercom_generator::{Options, SpecSource, Surface, generate};
use intercom_tests::workspace_root;
use serde_yaml_ng::{Mapping, Value};

fn published_2_10() -> String {
    std::fs::read_to_string(workspace_root().join("../shared/upstream/intercom-openapi-2.10.yaml"))
        .expect("the published description is beside the repository")
}

fn surface_of(name: &str, text: &str) -> Surface {
    generate(&SpecSource::new(name, text), &Options::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .surface
}

/// `map` with its entries in reverse order.
fn reversed(map: &Mapping) -> Mapping {
    let mut entries: Vec<(Value, Value)> =
        map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    entries.reverse();
    entries.into_iter().collect()
}

fn yaml(text: &str) -> Value {
    serde_yaml_ng::from_str(text).expect("YAML")
}

/// Schemas and an operation that have nothing to do with the rest, with inline types of their
/// own, named so that they sort before and after Intercom's. (A schema the new request body
/// refers to would become a request type too, and rightly lose `#[non_exhaustive]`.)
fn add_unrelated(doc: &mut Value) {
    let schemas = doc["components"]["schemas"]
        .as_mapping_mut()
        .expect("components/schemas");
    for name in ["aardvark", "zebra"] {
        schemas.insert(
            Value::from(name),
            yaml(
                "type: object
nullable: true
properties:
  kind: {type: string, enum: [striped, plain]}
  habitat: {type: object, properties: {name: {type: string}}}",
            ),
        );
    }
    doc["paths"].as_mapping_mut().expect("paths").insert(
        Value::from("/zoo/{id}"),
        yaml(
            "post:
  operationId: feedAnimal
  parameters:
    - {name: id, in: path, required: true, schema: {type: string}}
  requestBody:
    content:
      application/json:
        schema:
          type: object
          properties:
            food: {type: string, enum: [hay, fish]}
            animal: {$ref: '#/components/schemas/zebra'}
  responses:
    '200':
      description: fed
      content:
        application/json:
          schema: {$ref: '#/components/schemas/aardvark'}",
        ),
    );
}

#[test]
fn names_do_not_depend_on_order_or_on_unrelated_schemas() {
    let text = published_2_10();
    let before = surface_of("intercom-2.10.yaml", &text);

    let mut doc = yaml(&text);
    let schemas = doc["components"]["schemas"].as_mapping().expect("schemas");
    doc["components"]["schemas"] = Value::Mapping(reversed(schemas));
    let paths = doc["paths"].as_mapping().expect("paths");
    doc["paths"] = Value::Mapping(reversed(paths));
    add_unrelated(&mut doc);
    let changed = serde_yaml_ng::to_string(&doc).expect("YAML");
    let after = surface_of("intercom-2.10-changed.yaml", &changed);

    let mut moved = Vec::new();
    for (key, item) in &before.items {
        match after.items.get(key) {
            Some(other) if other == item => {}
            Some(other) => moved.push(format!("{key}: {item:?} became {other:?}")),
            None => moved.push(format!("{key}: {item:?} is gone")),
        }
    }
    assert!(
        moved.is_empty(),
        "{} of {} items changed:\n{}",
        moved.len(),
        before.items.len(),
        moved.join("\n")
    );
    // The copy really has more: the added schemas are types, their inline schemas too.
    for added in ["model Aardvark", "model ZebraKind", "op feed_animal"] {
        assert!(after.items.contains_key(added), "{added} missing");
    }
    assert!(after.items.len() > before.items.len());
}
