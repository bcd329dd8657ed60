//! Defaults for the fields whose value the description fixes (found by
//! `passes::fixed_fields`): a required kind marker a response leaves out decodes with its value.

use std::collections::BTreeMap;

use syn::{Fields, Item, parse_quote};

use crate::base::naming;
use crate::base::syn_util::json_name;

/// Gives each fixed field of the generated structs a default of its value, and adds the
/// functions those defaults call, in a private module of the types.
pub(crate) fn apply(items: &mut Vec<Item>, fixed: &BTreeMap<String, BTreeMap<String, String>>) {
    let mut functions: Vec<Item> = Vec::new();
    // The schemas with fixed fields, by type name (the first of a name, as the spec lists them).
    let mut by_type: BTreeMap<String, (&String, &BTreeMap<String, String>)> = BTreeMap::new();
    for (schema, values) in fixed {
        by_type
            .entry(naming::pascal(schema))
            .or_insert((schema, values));
    }
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let Some(&(schema, values)) = by_type.get(&s.ident.to_string()) else {
            continue;
        };
        let Fields::Named(named) = &mut s.fields else {
            continue;
        };
        for field in named.named.iter_mut() {
            let json = json_name(field);
            let Some(value) = values.get(&json) else {
                continue;
            };
            let function = syn::Ident::new(
                &format!(
                    "{}_{}",
                    naming::snake(schema).trim_end_matches('_'),
                    naming::snake(&json).trim_end_matches('_')
                ),
                proc_macro2::Span::call_site(),
            );
            let path = format!("fixed::{function}");
            field.attrs.push(parse_quote!(#[serde(default = #path)]));
            let doc = format!("`{value}`, the value of `{json}` in `{}`.", s.ident);
            functions.push(parse_quote! {
                #[doc = #doc]
                pub(super) fn #function() -> ::std::string::String {
                    #value.to_string()
                }
            });
        }
    }
    if !functions.is_empty() {
        items.push(parse_quote! {
            /// Values the description fixes, used when a response leaves them out.
            mod fixed {
                #(#functions)*
            }
        });
    }
}
