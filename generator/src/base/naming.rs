//! Naming rules: how names in a spec become Rust identifiers, in one implementation used both
//! to rename and to warn about names that collide. The rules are those of the type generator
//! (typify) and progenitor, so that names computed here match the names in their output.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToPascalCase, ToShoutySnakeCase, ToSnakeCase};
use serde_json::Value;
use unicode_ident::{is_xid_continue, is_xid_start};

/// Identifier case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Case {
    /// `PascalCase`, for types and variants.
    Pascal,
    /// `snake_case`, for fields, methods and parameters.
    Snake,
}

/// A spec name as a Rust identifier, as the type generator spells it: the case applied, other
/// characters turned into word breaks, a leading `x` where the name cannot start an identifier
/// and a trailing `_` after a keyword.
pub(crate) fn ident(input: &str, case: Case) -> String {
    recase(input, case, |c| c.to_string())
}

/// A parameter name as progenitor spells it in a method signature: like [`ident`], but with a
/// leading `_` where the name cannot start an identifier.
pub(crate) fn parameter(input: &str) -> String {
    recase(input, Case::Snake, |_| "_".to_string())
}

fn recase(input: &str, case: Case, prefix: impl Fn(&str) -> String) -> String {
    let to_case = |s: &str| match case {
        Case::Pascal => s.to_pascal_case(),
        Case::Snake => s.to_snake_case(),
    };
    let out = match input {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => to_case(
            &input
                .replace('\'', "")
                .replace(|c: char| !is_xid_continue(c), "-"),
        ),
    };
    let x = to_case("x");
    let out = match out.chars().next() {
        None => x,
        Some(c) if is_xid_start(c) => out,
        Some(_) => format!("{}{out}", prefix(&x)),
    };
    if is_keyword(&out) {
        format!("{out}_")
    } else {
        out
    }
}

/// `snake_case` of a name.
pub(crate) fn snake(input: &str) -> String {
    ident(input, Case::Snake)
}

/// `PascalCase` of a name.
pub(crate) fn pascal(input: &str) -> String {
    ident(input, Case::Pascal)
}

/// `SCREAMING_SNAKE_CASE` of a name, for environment variables.
pub(crate) fn shouty(input: &str) -> String {
    input.to_shouty_snake_case()
}

/// The first of `base`, `base_2`, `base_3`… (or `Base2`… in Pascal case) that is not taken;
/// it is marked taken.
pub(crate) fn unique(base: &str, case: Case, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = base.to_string();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = match case {
            Case::Snake => format!("{}_{n}", base.trim_end_matches('_')),
            Case::Pascal => format!("{base}{n}"),
        };
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "_" | "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "Self"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
    )
}

/// An enum value generated under another variant name than its own.
pub(crate) struct RenamedVariant {
    /// Index in the `enum` list.
    pub index: usize,
    /// The value.
    pub value: String,
    /// The variant it is generated as.
    pub ident: String,
    /// The earlier value whose variant name it would have had.
    pub like: String,
}

/// The values of an enum (without repeats) whose variant name an earlier value already has:
/// each gets the first free numeric suffix, after every value's own name is reserved.
pub(crate) fn colliding_variants(values: &[Value]) -> Vec<RenamedVariant> {
    let naturals: Vec<Option<String>> = values.iter().map(|v| v.as_str().map(pascal)).collect();
    let mut taken: BTreeSet<String> = naturals.iter().flatten().cloned().collect();
    let mut first: BTreeMap<&str, &str> = BTreeMap::new();
    let mut out = Vec::new();
    for (index, (value, natural)) in values.iter().zip(&naturals).enumerate() {
        let (Some(value), Some(natural)) = (value.as_str(), natural) else {
            continue;
        };
        match first.get(natural.as_str()) {
            None => {
                first.insert(natural, value);
            }
            Some(like) => out.push(RenamedVariant {
                index,
                value: value.to_string(),
                ident: unique(natural, Case::Pascal, &mut taken),
                like: like.to_string(),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_matches_method_and_field_names() {
        assert_eq!(snake("ShowContact"), "show_contact");
        assert_eq!(snake("detachTagFromContact"), "detach_tag_from_contact");
        assert_eq!(snake("get_contacts-id"), "get_contacts_id");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("1st"), "x1st");
        assert_eq!(parameter("1st"), "_1st");
    }

    #[test]
    fn pascal_case_names_types_and_variants() {
        assert_eq!(pascal("us"), "Us");
        assert_eq!(pascal("server1"), "Server1");
        assert_eq!(pascal("eu-west"), "EuWest");
        assert_eq!(pascal("ticket_type"), pascal("ticketType"));
    }

    #[test]
    fn unique_adds_the_first_free_suffix() {
        let mut taken = BTreeSet::from(["a".to_string(), "a_2".to_string()]);
        assert_eq!(unique("a", Case::Snake, &mut taken), "a_3");
        let mut taken = BTreeSet::from(["A".to_string()]);
        assert_eq!(unique("A", Case::Pascal, &mut taken), "A2");
    }

    #[test]
    fn later_values_of_one_variant_name_get_a_free_suffix() {
        let renamed = colliding_variants(&[
            serde_json::json!("open"),
            serde_json::json!("Open"),
            serde_json::json!("open2"),
        ]);
        let got: Vec<(usize, &str, &str)> = renamed
            .iter()
            .map(|r| (r.index, r.ident.as_str(), r.like.as_str()))
            .collect();
        assert_eq!(got, [(1, "Open3", "open")]);
        assert!(
            colliding_variants(&[serde_json::json!("a_b"), serde_json::json!("ab")]).is_empty()
        );
    }
}
