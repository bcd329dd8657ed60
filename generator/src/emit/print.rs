//! Printing generated code as a careful hand would: doc comments one way (`/// text`, one line
//! each), and one blank line between items, inside modules too.

use syn::visit_mut::VisitMut;
use syn::{Attribute, File, Item, parse_quote};

use crate::base::syn_util::doc_text;

/// Rewrites every doc attribute as one attribute per line, each starting with one space, so
/// that they print as `/// line`; trailing blank lines go.
pub(crate) fn normalize_docs(file: &mut File) {
    struct Docs;
    impl Docs {
        fn fix(attrs: &mut Vec<Attribute>) {
            if !attrs.iter().any(|a| doc_text(a).is_some()) {
                return;
            }
            let mut out: Vec<Attribute> = Vec::with_capacity(attrs.len());
            let mut pending: Vec<String> = Vec::new();
            let flush = |pending: &mut Vec<String>, out: &mut Vec<Attribute>| {
                while pending.last().is_some_and(|l| l.trim().is_empty()) {
                    pending.pop();
                }
                for line in pending.drain(..) {
                    let line = line.trim_end();
                    let text = if line.is_empty() {
                        String::new()
                    } else if line.starts_with(' ') {
                        line.to_string()
                    } else {
                        format!(" {line}")
                    };
                    out.push(doc_attr(&text));
                }
            };
            for attr in attrs.drain(..) {
                match doc_text(&attr) {
                    Some(text) if text.trim().is_empty() => pending.push(String::new()),
                    Some(text) => pending.extend(text.lines().map(str::to_string)),
                    None => {
                        flush(&mut pending, &mut out);
                        out.push(attr);
                    }
                }
            }
            flush(&mut pending, &mut out);
            *attrs = out;
        }
    }
    impl VisitMut for Docs {
        fn visit_attributes_mut(&mut self, attrs: &mut Vec<Attribute>) {
            Self::fix(attrs);
        }
        // Doc comments are on items, fields, variants and members, never inside a function's
        // body, an expression or a type: those, most of a large file, are not walked.
        fn visit_block_mut(&mut self, _: &mut syn::Block) {}
        fn visit_expr_mut(&mut self, _: &mut syn::Expr) {}
        fn visit_type_mut(&mut self, _: &mut syn::Type) {}
    }
    Docs.visit_file_mut(file);
}

/// `#[doc = "text"]`, built as syntax (a quoted attribute would be parsed back from tokens,
/// once for each of the many doc lines of a large description).
fn doc_attr(text: &str) -> Attribute {
    let span = proc_macro2::Span::call_site();
    Attribute {
        pound_token: Default::default(),
        style: syn::AttrStyle::Outer,
        bracket_token: Default::default(),
        meta: syn::Meta::NameValue(syn::MetaNameValue {
            path: syn::Ident::new("doc", span).into(),
            eq_token: Default::default(),
            value: syn::Expr::Lit(syn::ExprLit {
                attrs: Vec::new(),
                lit: syn::Lit::Str(syn::LitStr::new(text, span)),
            }),
        }),
    }
}

/// A file of `items`, without attributes.
pub(crate) fn file_of(items: Vec<Item>) -> File {
    File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items,
    }
}

/// Prints `file` with prettyplease, one item at a time so that items are separated by a blank
/// line; an inline module's items are printed the same way, indented. Each item is dropped once
/// printed, so the syntax tree shrinks as the text grows.
pub(crate) fn print(file: File) -> String {
    let mut out = String::new();
    let has_attrs = !file.attrs.is_empty();
    for attr in file.attrs {
        let mut one = file_of(Vec::new());
        one.attrs.push(attr);
        out.push_str(&prettyplease::unparse(&one));
    }
    if has_attrs {
        out.push('\n');
    }
    print_items(file.items, 0, &mut out);
    out
}

fn print_items(items: Vec<Item>, depth: usize, out: &mut String) {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let indent = "    ".repeat(depth);
        match item {
            Item::Mod(mut m) if m.content.is_some() => {
                // The module without its items; an empty inline module prints as
                // `mod name {}`, and its items go between the braces.
                let inner = m.content.as_mut().map(|(_, items)| std::mem::take(items));
                let printed = unparse_item(Item::Mod(m));
                let opening = printed.trim_end().trim_end_matches('}');
                push_indented(out, opening, &indent);
                print_items(inner.unwrap_or_default(), depth + 1, out);
                out.push_str(&indent);
                out.push_str("}\n");
            }
            Item::Impl(mut imp) if imp.items.len() > 1 => {
                // The impl without its members, and then one member at a time.
                let members = std::mem::take(&mut imp.items);
                let printed = unparse_item(Item::Impl(imp));
                push_indented(out, printed.trim_end().trim_end_matches('}'), &indent);
                let stand_in: syn::ItemImpl = parse_quote!(impl T {});
                for (j, member) in members.into_iter().enumerate() {
                    if j > 0 {
                        out.push('\n');
                    }
                    // One member inside a stand-in impl prints indented between its braces.
                    let mut one = stand_in.clone();
                    one.items.push(member);
                    let printed = unparse_item(Item::Impl(one));
                    let lines: Vec<&str> = printed.trim_end().lines().collect();
                    let inner = lines[1..lines.len().saturating_sub(1).max(1)].join("\n");
                    push_indented(out, &inner, &indent);
                }
                out.push_str(&indent);
                out.push_str("}\n");
            }
            item => push_indented(out, &unparse_item(item), &indent),
        }
    }
}

fn unparse_item(item: Item) -> String {
    prettyplease::unparse(&file_of(vec![item]))
}

fn push_indented(out: &mut String, text: &str, indent: &str) {
    for line in text.trim_end().lines() {
        if !line.is_empty() {
            out.push_str(indent);
        }
        out.push_str(line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_spaced_and_docs_have_one_style() {
        let mut file: File = parse_quote! {
            #[doc = "A\nB\n"]
            pub struct S;
            /// C
            pub mod m {
                #[doc = "D"]
                #[doc = ""]
                #[doc = "E"]
                pub struct T;
                pub struct U;
                impl U {
                    fn a() {}
                    fn b() {}
                }
            }
        };
        normalize_docs(&mut file);
        let text = print(file);
        assert_eq!(
            text,
            "/// A\n/// B\npub struct S;\n\n/// C\npub mod m {\n    /// D\n    ///\n    /// E\n    pub struct T;\n\n    pub struct U;\n\n    impl U {\n        fn a() {}\n\n        fn b() {}\n    }\n}\n"
        );
    }
}
