//! Driving progenitor: typing the prepared spec, the generation settings, and turning
//! progenitor's errors and panics into located diagnostics.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::ctx::Ctx;
use crate::diag::Diagnostic;
use crate::operations::METHODS;
use crate::pointer::escape_token;

/// Deserializes the prepared document into openapiv3's model; a mismatch is located by the
/// path serde was at.
pub(crate) fn typed_spec(ctx: &Ctx<'_>, doc: Value) -> Result<openapiv3::OpenAPI, Box<Diagnostic>> {
    serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(doc).map_err(|err| {
        let mut pointer = String::new();
        for segment in err.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
                Segment::Map { key } => pointer.push_str(&format!("/{}", escape_token(key))),
                Segment::Enum { variant } => {
                    pointer.push_str(&format!("/{}", escape_token(variant)))
                }
                Segment::Unknown => {}
            }
        }
        ctx.error(
            &pointer,
            format!("not a valid OpenAPI 3.0 document here: {}", err.inner()),
        )
    })
}

fn settings() -> progenitor::GenerationSettings {
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        .with_tag(progenitor::TagStyle::Merged)
        .with_hooks(progenitor::HooksMode::Expected)
        .with_inner_type(quote!(crate::runtime::Runtime))
        // Ordered maps keep serialized output, and so snapshots, stable.
        .with_map_type("::std::collections::BTreeMap")
        .with_derive("PartialEq");
    settings
}

/// Runs progenitor. Its errors and panics become diagnostics; a panic is located by re-running
/// progenitor on one operation at a time until the culprit is found.
pub(crate) fn run_progenitor(
    ctx: &Ctx<'_>,
    spec: &openapiv3::OpenAPI,
) -> Result<TokenStream, Box<Diagnostic>> {
    match guarded(spec) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(err)) => Err(ctx.error(
            &culprit(spec).unwrap_or_default(),
            format!("progenitor: {err}"),
        )),
        Err(panic) => {
            let at = culprit(spec);
            let what = match &at {
                Some(p) => format!("while generating the operation at #{p}"),
                None => "while generating the component schemas".to_string(),
            };
            Err(ctx.error(
                &at.unwrap_or_else(|| "/components/schemas".to_string()),
                format!("progenitor failed {what}: {panic}"),
            ))
        }
    }
}

/// The pointer of the first operation that fails on its own, if any does.
fn culprit(spec: &openapiv3::OpenAPI) -> Option<String> {
    for (path, item) in spec.paths.paths.iter() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        for method in METHODS {
            let mut one = item.clone();
            let keep = |m: &str| m == method;
            for (m, slot) in [
                ("get", &mut one.get),
                ("put", &mut one.put),
                ("post", &mut one.post),
                ("delete", &mut one.delete),
                ("options", &mut one.options),
                ("head", &mut one.head),
                ("patch", &mut one.patch),
                ("trace", &mut one.trace),
            ] {
                if !keep(m) {
                    *slot = None;
                }
            }
            if one.iter().next().is_none() {
                continue;
            }
            let mut single = spec.clone();
            single.paths.paths.clear();
            single
                .paths
                .paths
                .insert(path.clone(), openapiv3::ReferenceOr::Item(one));
            if !matches!(guarded(&single), Ok(Ok(_))) {
                return Some(format!("/paths/{}/{method}", escape_token(path)));
            }
        }
    }
    None
}

thread_local! {
    static CAPTURE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs progenitor with panics caught; the panic message is returned instead of printed.
fn guarded(spec: &openapiv3::OpenAPI) -> Result<Result<TokenStream, progenitor::Error>, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let captured = CAPTURE.with(|c| {
                let mut c = c.borrow_mut();
                match c.as_mut() {
                    Some(slot) => {
                        let msg = info
                            .payload()
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| info.payload().downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "unknown panic".to_string());
                        *slot = msg;
                        true
                    }
                    None => false,
                }
            });
            if !captured {
                previous(info);
            }
        }));
    });
    CAPTURE.with(|c| *c.borrow_mut() = Some(String::new()));
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut generator = progenitor::Generator::new(&settings());
        generator.generate_tokens(spec)
    }));
    let message = CAPTURE.with(|c| c.borrow_mut().take()).unwrap_or_default();
    result.map_err(|_| message)
}

/// progenitor's `types` module, with its docs and without its lint allowance (the crate's
/// `lib.rs` decides lints for the whole generated module).
pub(crate) fn types_module(file: syn::File) -> Option<syn::ItemMod> {
    file.items.into_iter().find_map(|item| match item {
        syn::Item::Mod(mut m) if m.ident == "types" => {
            m.attrs.retain(|a| !a.path().is_ident("allow"));
            Some(m)
        }
        _ => None,
    })
}
