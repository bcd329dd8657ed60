//! Turns an OpenAPI 3.0 description into the Rust source of a typed API client: load, prepare
//! (spec passes, located warnings and errors), model (one typed value per operation), emit
//! (types by progenitor, methods from the model, over the `intercom-runtime` crate), print.
//!
//! The generator reads nothing but the text it is given and writes no files: callers (the
//! `xtask` crate, tests) decide where the output goes.

mod api_diff;
mod builders;
mod cli_table;
mod ctx;
mod diag;
mod emit;
mod facts;
mod fixed;
mod load;
pub mod model;
mod naming;
mod operations;
mod origins;
pub mod pagination;
mod pointer;
mod prepare;
mod print;
mod progen;
mod schemas;
mod standalone;
mod surface;
mod syn_util;
mod types;
mod unwrap;
mod wire_test;

pub use api_diff::{
    AcceptEntry, AcceptList, ApiDiff, Change, Check, Impact, SeverityOverrides, diff,
};
pub use diag::{Diagnostic, LineCol, Severity};
pub use facts::{ApiFacts, Server};
pub use load::SpecSource;
pub use pointer::escape_token;
pub use standalone::crate_files;
pub use surface::{Origin, Surface};
pub use wire_test::WireTest;

/// How to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// Turn every warning into an error.
    pub strict: bool,
    /// The command named in the `@generated` header, e.g. `cargo xtask regen`.
    pub command: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            strict: false,
            command: "cargo xtask regen".to_string(),
        }
    }
}

/// The result of a successful generation.
#[derive(Clone, Debug)]
pub struct Generated {
    /// Formatted Rust source of the `generated` module.
    pub source: String,
    /// Problems worked around, in the order found.
    pub warnings: Vec<Diagnostic>,
    /// Facts about the API that the client runtime uses.
    pub facts: ApiFacts,
    /// The public API surface of the generated code.
    pub surface: Surface,
    /// The operations, as the client's methods were emitted from them.
    pub operations: Vec<model::Operation>,
    /// Formatted Rust source of the `intercom` command's operation table
    /// (`cli/src/operations.rs`): one entry per operation, with its subcommand, flags, body
    /// fields and pagination.
    pub cli_source: String,
    /// A wire test of the generated client, which `crate_files` writes as `tests/wire.rs`.
    pub wire_test: WireTest,
}

/// Generation failed; `diagnostics` holds the error last, after any warnings before it.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{}", .diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct GenerateError {
    /// Warnings found before the error, then the error.
    pub diagnostics: Vec<Diagnostic>,
}

impl GenerateError {
    /// The diagnostic that stopped generation.
    pub fn error(&self) -> Option<&Diagnostic> {
        self.diagnostics
            .iter()
            .rev()
            .find(|d| d.severity == Severity::Error)
    }
}

/// Generates the client source for one spec.
pub fn generate(src: &SpecSource, options: &Options) -> Result<Generated, GenerateError> {
    let mut ctx = ctx::Ctx {
        src,
        strict: options.strict,
        warnings: Vec::new(),
    };
    let result = run(&mut ctx, options);
    let warnings = std::mem::take(&mut ctx.warnings);
    match result {
        Ok((source, facts, surface, operations, cli_source, wire_test)) => Ok(Generated {
            source,
            warnings,
            facts,
            surface,
            operations,
            cli_source,
            wire_test,
        }),
        Err(err) => {
            let mut diagnostics = warnings;
            diagnostics.push(*err);
            Err(GenerateError { diagnostics })
        }
    }
}

type Output = (
    String,
    ApiFacts,
    Surface,
    Vec<model::Operation>,
    String,
    WireTest,
);

fn run(ctx: &mut ctx::Ctx<'_>, options: &Options) -> ctx::R<Output> {
    let mut doc = ctx.src.parse()?;
    // Members in name order whatever serde_json's map type is (its `preserve_order` feature may
    // be switched on elsewhere in a build), so the output does not depend on the build.
    doc.sort_all_objects();
    // As read, for locating the surface's items: the passes take the version header out of
    // parameter lists.
    let raw = doc.clone();
    let facts = prepare::prepare(ctx, &mut doc)?;
    let spec = progen::typed_spec(ctx, doc.clone())?;
    let tokens = progen::run_progenitor(ctx, &spec)?;
    let progenitor: syn::File = syn::parse2(tokens).map_err(|e| {
        ctx.error(
            "",
            format!("internal error: progenitor produced unparsable code: {e}"),
        )
    })?;
    let operations = model::operations(ctx, &doc, &facts.operations, &progenitor)?;
    let mut types = progen::types_module(progenitor)
        .ok_or_else(|| ctx.error("", "internal error: progenitor produced no `types` module"))?;
    let request_roots = operations
        .iter()
        .flat_map(|op| {
            op.params
                .iter()
                .map(|p| &p.ty)
                .chain(op.body.as_ref().map(|b| &b.ty))
        })
        .flat_map(syn_util::type_idents)
        .collect();
    if let Some((_, items)) = &mut types.content {
        types::types_pass(ctx, items, &facts, &request_roots)?;
        builders::add(items);
    }
    let mut file = print::file_of(emit::client_items(&facts, &operations));
    file.items.push(syn::Item::Mod(types));
    print::normalize_docs(&mut file);
    let mut surface = Surface::of(&file, &facts);
    origins::attach(&mut surface, ctx.src, &raw, &doc, &facts, &operations);
    if let Some(name) = surface
        .duplicates
        .iter()
        .find_map(|k| k.strip_prefix("model "))
    {
        let at = surface
            .origins
            .get(&format!("model {name}"))
            .map_or("/components/schemas", |o| o.pointer.as_str());
        return Err(ctx.error(
            at,
            format!("two types are generated with the name `{name}`; rename the schema here or the inline schema named after its parent and property"),
        ));
    }
    let header = format!(
        "// @generated by `{}` from {}. Do not edit.\n//! Client types and operations generated from {} ({} {}).\n\n",
        options.command,
        ctx.src.name(),
        ctx.src.name(),
        facts.title,
        facts.api_version
    );
    let cli_header = format!(
        "// @generated by `{}` from {}. Do not edit.\n",
        options.command,
        ctx.src.name()
    );
    let cli_source = cli_table::source(&doc, &facts, &operations, &cli_header);
    let wire_test = wire_test::wire_test(&doc, &facts, &operations);
    Ok((
        format!("{header}{}", print::print(&file)),
        facts,
        surface,
        operations,
        cli_source,
        wire_test,
    ))
}
