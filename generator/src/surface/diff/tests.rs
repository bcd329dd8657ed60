//! Unit tests of the comparison on surfaces written as text.

use super::*;

fn surface(lines: &[&str]) -> Surface {
    Surface::parse(&lines.join("\n"))
}

fn checks(d: &ApiDiff) -> Vec<(&'static str, &str)> {
    d.changes
        .iter()
        .map(|c| (c.check.id(), c.item.as_str()))
        .collect()
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
    assert_eq!(checks(&d), [("field-added", "X.b")]);
}

#[test]
fn field_added_to_exhaustive_struct_is_breaking() {
    let old = surface(&["model X: struct", "field X.a: String"]);
    let new = surface(&[
        "model X: struct",
        "field X.a: String",
        "field X.b: Option<i64>",
    ]);
    let d = diff(&old, &new);
    assert_eq!(d.breaking(), 1);
    assert_eq!(checks(&d), [("field-added-to-request", "X.b")]);
}

#[test]
fn same_signature_under_a_new_name_is_a_rename() {
    let old = surface(&["op show_contact: (id: &str) -> X"]);
    let new = surface(&["op get_contact: (id: &str) -> X"]);
    let d = diff(&old, &new);
    assert_eq!(checks(&d), [("operation-renamed", "show_contact")]);
    assert!(d.changes[0].text.contains("renamed to `get_contact`"));
}

#[test]
fn optional_to_required_is_named() {
    let old = surface(&["model X: struct", "field X.a: Option<String>"]);
    let new = surface(&["model X: struct", "field X.a: String"]);
    let d = diff(&old, &new);
    assert_eq!(checks(&d), [("field-became-required", "X.a")]);
    assert!(d.changes[0].text.contains("became required"));
}

#[test]
fn a_renamed_argument_of_the_same_type_and_place_is_not_breaking() {
    let old = surface(&["op detach: (contact_id: &str, id: &str) -> Result<Response<()>, Error>"]);
    let new =
        surface(&["op detach: (contact_id: &str, tag_id: &str) -> Result<Response<()>, Error>"]);
    let d = diff(&old, &new);
    assert_eq!(checks(&d), [("parameter-renamed", "detach(id)")]);
    assert_eq!(d.changes[0].impact, Impact::Info);
    assert!(
        d.changes[0]
            .text
            .contains("renamed, not breaking: positional")
    );
}

#[test]
fn arguments_added_removed_retyped_and_reordered_are_told_apart() {
    let old = surface(&["op f: (a: &str, b: i64) -> Result<Response<X>, Error>"]);
    let retyped = surface(&["op f: (a: &str, b: &str) -> Result<Response<X>, Error>"]);
    assert_eq!(
        checks(&diff(&old, &retyped)),
        [("parameter-type-changed", "f(b)")]
    );
    let added = surface(&["op f: (a: &str, b: i64, c: bool) -> Result<Response<Y>, Error>"]);
    assert_eq!(
        checks(&diff(&old, &added)),
        [("response-type-changed", "f"), ("parameter-added", "f(c)")]
    );
    let removed = surface(&["op f: (b: i64) -> Result<Response<X>, Error>"]);
    assert_eq!(
        checks(&diff(&old, &removed)),
        [("parameter-removed", "f(a)")]
    );
    let reordered = surface(&["op f: (b: i64, a: &str) -> Result<Response<X>, Error>"]);
    assert_eq!(
        checks(&diff(&old, &reordered)),
        [("parameter-reordered", "f")]
    );
}

#[test]
fn fields_are_compared_through_a_newtype_over_a_struct() {
    let old = surface(&[
        "model X: newtype(Option<XInner>)",
        "model XInner: struct, non_exhaustive",
        "field XInner.a: Option<String>",
        "field XInner.b: Option<i64>",
    ]);
    let new = surface(&[
        "model X: struct, non_exhaustive",
        "field X.a: Option<String>",
        "field X.c: Option<bool>",
    ]);
    let d = diff(&old, &new);
    assert_eq!(
        checks(&d),
        [
            ("type-kind-changed", "X"),
            ("field-removed", "X.b"),
            ("type-removed", "XInner"),
            ("field-added", "X.c"),
        ]
    );
}

#[test]
fn fields_of_struct_like_variants_are_compared() {
    let old = surface(&[
        "model Shape: enum",
        "variant Shape::Circle: { .. }",
        "field Shape::Circle.radius: f64",
    ]);
    let new = surface(&[
        "model Shape: enum",
        "variant Shape::Circle: { .. }",
        "field Shape::Circle.radius: i64",
        "field Shape::Circle.x: f64",
    ]);
    assert_eq!(
        checks(&diff(&old, &new)),
        [
            ("field-type-changed", "Shape::Circle.radius"),
            ("variant-field-added", "Shape::Circle.x"),
        ]
    );
}

#[test]
fn enum_values_added_to_open_and_closed_enums() {
    let old = surface(&["model E: enum, non_exhaustive", "variant E::A: \"a\""]);
    let new = surface(&[
        "model E: enum, non_exhaustive",
        "variant E::A: \"a\"",
        "variant E::B: \"b\"",
    ]);
    assert_eq!(checks(&diff(&old, &new)), [("enum-value-added", "E::B")]);
    let old = surface(&["model E: enum", "variant E::A: \"a\""]);
    let new = surface(&[
        "model E: enum",
        "variant E::A: \"a\"",
        "variant E::B: \"b\"",
    ]);
    assert_eq!(
        checks(&diff(&old, &new)),
        [("enum-value-added-to-exhaustive-enum", "E::B")]
    );
}

#[test]
fn changes_name_the_operations_that_reach_them() {
    let lines = |extra: &str| {
        let mut l = vec![
            "op get: (id: &str) -> Result<Response<Outer>, Error>",
            "op put: (body: &Other) -> Result<Response<()>, Error>",
            "model Outer: struct, non_exhaustive",
            "field Outer.inner: Option<Vec<Inner>>",
            "model Inner: struct, non_exhaustive",
            "model Other: struct",
        ];
        l.push(extra);
        surface(&l)
    };
    let d = diff(&lines(""), &lines("field Inner.x: Option<i64>"));
    assert_eq!(d.changes[0].operations, ["get"]);
}

#[test]
fn a_name_defined_twice_is_an_error_of_the_report() {
    let old = surface(&["model TicketType: struct"]);
    let new = surface(&["model TicketType: struct", "model TicketType: enum"]);
    let d = diff(&old, &new);
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    assert!(d.errors[0].contains("`TicketType` more than once"));
    assert!(d.to_markdown().contains("- **error**: "));
}

#[test]
fn severities_are_overridden_and_breaks_accepted() {
    let old = surface(&["model X: struct", "field X.a: String", "op a: () -> X"]);
    let new = surface(&["model X: struct", "field X.b: String"]);
    let mut d = diff(&old, &new);
    assert_eq!(d.unaccepted_breaking(), 3);
    d.override_severities(&SeverityOverrides::parse("field-added-to-request: additive").unwrap());
    assert_eq!((d.breaking(), d.additive()), (2, 1));
    let list = AcceptList::parse(
        "- {check: operation-removed, item: a}\n- {check: field-removed, item: X.zzz}",
    )
    .unwrap();
    let unused = d.accept(&list);
    assert_eq!(unused.len(), 1);
    assert_eq!(unused[0].item, "X.zzz");
    assert_eq!(d.unaccepted_breaking(), 1);
    assert!(
        d.to_markdown()
            .contains("2 breaking (1 accepted), 1 additive, 0 info")
    );
    let json = d.to_json();
    assert_eq!(json["summary"]["unaccepted_breaking"], 1);
    assert!(
        json["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["accepted"] == true && c["check"] == "operation-removed")
    );
}
