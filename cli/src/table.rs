//! The subcommands, made from the client's table of operations (`intercom_client::OPERATIONS`):
//! each operation's subcommand name and the flag of each parameter, body field and pagination
//! value.
//!
//! Subcommands are operationIds in kebab case, flags are parameter and field names in kebab
//! case. A name the command already uses (its global flags, the flags every operation may have)
//! or that another flag of the same subcommand took first is told apart with a prefix naming
//! where the value goes (`--query-token`, `--body-id`), then a number. Operations with a
//! multipart body, made of files and fields, are left to the library.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use heck::ToKebabCase;
use intercom_client::OPERATIONS;
use intercom_runtime::contract::{Advance, Encoding, Kind, Location, Operation, Pages, Slot};

/// Flags of the `intercom` command that the subcommands' flags must not take: its global flags,
/// the flags every operation may have, and clap's own.
const RESERVED_FLAGS: &[&str] = &[
    "token",
    "region",
    "base-url",
    "intercom-version",
    "timeout",
    "max-retries",
    "verbose",
    "json-body",
    "raw-body",
    "all",
    "help",
    "version",
];

/// Subcommands that are not operations.
const RESERVED_COMMANDS: &[&str] = &["help", "verify-webhook"];

/// An operation as a subcommand.
#[derive(Debug)]
pub struct Subcommand {
    /// The subcommand's name.
    pub name: String,
    /// The operation.
    pub op: &'static Operation,
    /// The flag of each parameter, by index of [`Operation::params`].
    pub param_flags: Vec<String>,
    /// The flag of each scalar body field, by index of the body's fields.
    pub field_flags: Vec<String>,
    /// The pagination, when the operation is paginated.
    pub paging: Option<Paging>,
}

/// The pagination of a subcommand.
#[derive(Clone, Debug)]
pub struct Paging {
    /// Where the cursor (or page number) and the page size go, and where a response gives the
    /// next cursor and its items.
    pub pages: Pages,
    /// The flag giving the cursor (or page) to start at.
    pub start: PageFlag,
    /// The flag giving the page size, when the operation takes one.
    pub size: Option<PageFlag>,
}

/// A flag of the pagination: the flag of the parameter or body field at the same place when
/// there is one (`own` is false), else a flag of its own.
#[derive(Clone, Debug)]
pub struct PageFlag {
    /// The flag (without `--`).
    pub flag: String,
    /// How the flag's value is read.
    pub kind: Kind,
    /// What the flag means.
    pub help: String,
    /// Whether the flag is the pagination's own, not a parameter's or field's.
    pub own: bool,
}

/// Every subcommand of the client's operations, by name.
pub fn subcommands() -> &'static [Subcommand] {
    static SUBCOMMANDS: OnceLock<Vec<Subcommand>> = OnceLock::new();
    SUBCOMMANDS.get_or_init(|| of(OPERATIONS))
}

/// The subcommands of `operations`, by name.
pub fn of(operations: &'static [Operation]) -> Vec<Subcommand> {
    let mut commands: BTreeSet<String> = RESERVED_COMMANDS.iter().map(|c| c.to_string()).collect();
    let mut out: Vec<Subcommand> = operations
        .iter()
        .filter(|op| op.body.is_none_or(|b| b.encoding != Encoding::Multipart))
        .map(|op| {
            let name = unique(&kebab(op.id, "operation"), "operation", &mut commands);
            subcommand(name, op)
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// `name` in kebab case, or `fallback` when nothing of it is left.
fn kebab(name: &str, fallback: &str) -> String {
    let k = name.to_kebab_case();
    if k.is_empty() {
        fallback.to_string()
    } else {
        k
    }
}

/// The first of `base`, `prefix-base`, `prefix-base-2`… that is not taken; it is marked taken.
fn unique(base: &str, prefix: &str, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = base.to_string();
    let mut n = 1;
    while taken.contains(&candidate) {
        candidate = if n == 1 {
            format!("{prefix}-{base}")
        } else {
            format!("{prefix}-{base}-{n}")
        };
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

fn subcommand(name: String, op: &'static Operation) -> Subcommand {
    let mut flags: BTreeSet<String> = RESERVED_FLAGS.iter().map(|f| f.to_string()).collect();
    let param_flags: Vec<String> = op
        .params
        .iter()
        .map(|p| {
            let prefix = match p.location {
                Location::Path => "path",
                Location::Query => "query",
                Location::Header => "header",
            };
            unique(&kebab(p.name, "param"), prefix, &mut flags)
        })
        .collect();
    let field_flags: Vec<String> = op
        .body
        .iter()
        .filter(|b| matches!(b.encoding, Encoding::Json | Encoding::Form))
        .flat_map(|b| b.fields)
        .map(|f| unique(&kebab(f.name, "field"), "body", &mut flags))
        .collect();
    let mut sub = Subcommand {
        name,
        op,
        param_flags,
        field_flags,
        paging: None,
    };
    sub.paging = op.pages.map(|pages| paging(&sub, pages, &mut flags));
    sub
}

/// The pagination's flags: a parameter's or field's own flag where the slot is one, else a flag
/// of its own named after the slot.
fn paging(sub: &Subcommand, pages: Pages, flags: &mut BTreeSet<String>) -> Paging {
    let (slot, start_kind, start_help) = match pages.advance {
        Advance::Cursor { slot, next } => (
            slot,
            Kind::String,
            format!("Cursor of the page to start at, as a page gives it at `{next}`"),
        ),
        Advance::Scroll { slot, next } => (
            slot,
            Kind::String,
            format!("Scroll value to go on from, as a page gives it at `{next}`"),
        ),
        Advance::Page { slot, .. } => (
            slot,
            Kind::Integer,
            "Number of the page to start at, from 1".to_string(),
        ),
    };
    let mut flag_for = |slot: Slot, kind: Kind, help: String| -> PageFlag {
        if let Some(flag) = sub.flag_at(slot) {
            return PageFlag {
                flag: flag.to_string(),
                kind,
                help,
                own: false,
            };
        }
        let (base, whole) = match slot {
            Slot::Query(name) => (kebab(name, "page"), kebab(name, "page")),
            Slot::Body(pointer) => {
                let tokens: Vec<String> = pointer
                    .split('/')
                    .skip(1)
                    .map(|t| t.replace("~1", "/").replace("~0", "~"))
                    .collect();
                let last = tokens.last().map_or("page", String::as_str);
                (kebab(last, "page"), kebab(&tokens.join("-"), "page"))
            }
        };
        let flag = if flags.contains(&base) {
            unique(&whole, "page", flags)
        } else {
            unique(&base, "page", flags)
        };
        PageFlag {
            flag,
            kind,
            help,
            own: true,
        }
    };
    let start = flag_for(slot, start_kind, start_help);
    let size = pages
        .page_size
        .map(|s| flag_for(s, Kind::Integer, "Items per page".to_string()));
    Paging { pages, start, size }
}

impl Subcommand {
    /// The flag of the query parameter or top-level body field at `slot`, if it has one.
    pub fn flag_at(&self, slot: Slot) -> Option<&str> {
        match slot {
            Slot::Query(name) => self
                .op
                .params
                .iter()
                .zip(&self.param_flags)
                .find(|(p, _)| p.location == Location::Query && p.name == name)
                .map(|(_, f)| f.as_str()),
            Slot::Body(pointer) => self
                .op
                .body
                .iter()
                .flat_map(|b| b.fields)
                .zip(&self.field_flags)
                .find(|(f, _)| {
                    pointer == format!("/{}", f.name.replace('~', "~0").replace('/', "~1"))
                })
                .map(|(_, flag)| flag.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kebab_case_and_kept_apart() {
        assert_eq!(kebab("ListContacts", "x"), "list-contacts");
        assert_eq!(kebab("listTagsForAContact", "x"), "list-tags-for-a-contact");
        assert_eq!(kebab("per_page", "x"), "per-page");
        assert_eq!(kebab("$$", "x"), "x");
        let mut taken: BTreeSet<String> = ["token".to_string()].into();
        assert_eq!(unique("token", "query", &mut taken), "query-token");
        assert_eq!(unique("token", "query", &mut taken), "query-token-2");
        assert_eq!(unique("email", "body", &mut taken), "email");
    }

    #[test]
    fn every_operation_but_multipart_ones_is_a_subcommand_of_its_own() {
        let subs = subcommands();
        let multipart = OPERATIONS
            .iter()
            .filter(|op| op.body.is_some_and(|b| b.encoding == Encoding::Multipart))
            .count();
        assert_eq!(subs.len(), OPERATIONS.len() - multipart);
        let names: BTreeSet<&str> = subs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names.len(), subs.len());
        for sub in subs {
            assert!(!RESERVED_COMMANDS.contains(&sub.name.as_str()));
            let mut flags: Vec<&str> = sub
                .param_flags
                .iter()
                .chain(&sub.field_flags)
                .map(String::as_str)
                .collect();
            let own = sub.paging.iter().flat_map(|p| {
                std::iter::once(&p.start)
                    .chain(p.size.as_ref())
                    .filter(|f| f.own)
                    .map(|f| f.flag.as_str())
            });
            flags.extend(own);
            let distinct: BTreeSet<&str> = flags.iter().copied().collect();
            assert_eq!(distinct.len(), flags.len(), "{}: {flags:?}", sub.name);
            assert!(
                flags.iter().all(|f| !RESERVED_FLAGS.contains(f)),
                "{}: {flags:?}",
                sub.name
            );
        }
    }

    #[test]
    fn page_flags_are_the_parameters_where_there_are_some() {
        let subs = subcommands();
        let list = subs.iter().find(|s| s.name == "list-contacts").unwrap();
        let paging = list.paging.as_ref().unwrap();
        assert_eq!(paging.start.flag, "starting-after");
        assert!(!paging.start.own);
        let search = subs.iter().find(|s| s.name == "search-contacts").unwrap();
        let size = search.paging.as_ref().unwrap().size.as_ref().unwrap();
        assert_eq!((size.flag.as_str(), size.own), ("per-page", true));
    }
}
