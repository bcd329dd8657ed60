//! Reading the type engine's output: the token stream progenitor returns, made ready to parse
//! (the bodies of its methods emptied) and the `types` module taken out of the parsed file.

use proc_macro2::TokenStream;

/// The engine's output with the bodies of the functions inside its `impl` blocks emptied: what
/// follows reads their signatures only, and the bodies of a large description's methods are
/// most of what there is to parse. Works on token trees: at the top level, the brace group of
/// each `impl` item; inside it, every brace group (a signature has none at its top level).
pub(crate) fn without_method_bodies(tokens: TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, Group, TokenTree};
    let mut in_impl = false;
    // `-> impl Trait` in a free function's signature starts no `impl` item.
    let mut after_arrow = false;
    let mut previous_dash = false;
    tokens
        .into_iter()
        .map(|tree| {
            let arrow = matches!(&tree, TokenTree::Punct(p) if p.as_char() == '>') && previous_dash;
            previous_dash = matches!(&tree, TokenTree::Punct(p) if p.as_char() == '-');
            let was_after_arrow = std::mem::replace(&mut after_arrow, arrow);
            (tree, was_after_arrow)
        })
        .map(|(tree, was_after_arrow)| match tree {
            TokenTree::Ident(ref i) if i == "impl" && !was_after_arrow => {
                in_impl = true;
                tree
            }
            TokenTree::Group(g) if in_impl && g.delimiter() == Delimiter::Brace => {
                in_impl = false;
                let members = g
                    .stream()
                    .into_iter()
                    .map(|t| match t {
                        TokenTree::Group(b) if b.delimiter() == Delimiter::Brace => {
                            let mut empty = Group::new(Delimiter::Brace, TokenStream::new());
                            empty.set_span(b.span());
                            TokenTree::Group(empty)
                        }
                        other => other,
                    })
                    .collect();
                let mut emptied = Group::new(Delimiter::Brace, members);
                emptied.set_span(g.span());
                TokenTree::Group(emptied)
            }
            TokenTree::Punct(ref p) if p.as_char() == ';' => {
                in_impl = false;
                tree
            }
            other => other,
        })
        .collect()
}

pub(crate) fn types_module(file: syn::File) -> Option<syn::ItemMod> {
    file.items.into_iter().find_map(|item| match item {
        syn::Item::Mod(mut m) if m.ident == "types" => {
            m.attrs.retain(|a| !a.path().is_ident("allow"));
            Some(m)
        }
        _ => None,
    })
}

/// The names of the `types` module's structs, enums and aliases that name two or more of them,
/// in order.
pub(crate) fn names_taken_twice(file: &syn::File) -> Vec<String> {
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for item in file.items.iter().filter_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
        _ => None,
    }) {
        for item in &item.1 {
            let ident = match item {
                syn::Item::Struct(s) => &s.ident,
                syn::Item::Enum(e) => &e.ident,
                syn::Item::Type(t) => &t.ident,
                _ => continue,
            };
            *seen.entry(ident.to_string()).or_default() += 1;
        }
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(name, _)| name)
        .collect()
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn names_of_two_types_are_found_and_an_impl_is_no_type() {
        let file: syn::File = syn::parse2(quote! {
            pub mod types {
                pub struct A;
                impl A {}
                pub enum B { X }
                pub struct B;
                pub type C = u8;
                pub type C = u16;
            }
            pub struct A;
        })
        .expect("parses");
        assert_eq!(names_taken_twice(&file), ["B", "C"]);
    }

    #[test]
    fn method_bodies_go_and_signatures_and_other_items_stay() {
        let tokens = quote! {
            pub mod types { pub struct A { x: u8 } impl A { fn keep(&self) -> u8 { self.x } } }
            pub struct Client { baseurl: String }
            impl Client {
                pub async fn show<'a>(&'a self, id: &'a str) -> Result<types::A, ()> {
                    let url = format!("{}", id);
                    todo!()
                }
            }
        };
        let file: syn::File = syn::parse2(without_method_bodies(tokens)).expect("parses");
        let syn::Item::Impl(imp) = &file.items[2] else {
            panic!("an impl")
        };
        let syn::ImplItem::Fn(f) = &imp.items[0] else {
            panic!("a method")
        };
        assert_eq!(f.sig.ident, "show");
        assert_eq!(f.sig.inputs.len(), 2);
        assert!(f.block.stmts.is_empty());
        // The `types` module, not an `impl` at the top level, keeps its bodies.
        let syn::Item::Mod(types) = &file.items[0] else {
            panic!("a module")
        };
        let syn::Item::Impl(inner) = &types.content.as_ref().expect("items").1[1] else {
            panic!("an impl in the module")
        };
        let syn::ImplItem::Fn(keep) = &inner.items[0] else {
            panic!("a method")
        };
        assert_eq!(keep.block.stmts.len(), 1);
    }
}
