//! Turns an OpenAPI 3.0 description into the Rust source of a typed API client: load, patch
//! (overlays and overrides, if given), prepare (spec passes, located warnings and errors; an
//! operation that cannot be generated is left out), model (one typed value per operation), emit
//! (types by progenitor, methods from the model, over the `intercom-runtime` crate), print.
//!
//! The generator reads nothing but the text it is given and writes no files: callers (the
//! `xtask` crate, tests) decide where the output goes.

mod base;
mod emit;
mod load;
pub mod model;
mod passes;
mod standalone;
mod surface;
mod types;

pub use base::diag::{Diagnostic, LineCol, Severity};
pub use base::pointer::escape_token;
pub use emit::wire_test::WireTest;
pub use load::SpecSource;
pub use load::patch::{Patch, PatchKind};
pub use model::pagination;
pub use passes::facts::{ApiFacts, Server};
pub use passes::tagged_unions::TaggedUnion;
pub use standalone::{crate_files, wire_test_file};
pub use surface::diff::{
    AcceptEntry, AcceptList, ApiDiff, Change, Check, Impact, SeverityOverrides, diff,
};
pub use surface::{
    Item, Key, KeyKind, ModelKind, Origin, Signature, Surface, SurfaceType, VariantKind,
};

use base::{pointer, syn_util};
use emit::{cli_table, client, features, mock_server, print, wire_test};
use load::{context, patch};
use passes::{collisions, schemas, skip};
use types::{builders, engine};

/// How to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// Turn every warning into an error.
    pub strict: bool,
    /// The command named in the `@generated` header, e.g. `cargo xtask regen`.
    pub command: String,
    /// Put each operation behind a Cargo feature named after its tag, and each type behind the
    /// features of the operations that reach it (see [`Generated::features`]).
    pub features_per_tag: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            strict: false,
            command: "cargo xtask regen".to_string(),
            features_per_tag: false,
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
    /// Formatted Rust source of the `mock` module (`MockServer` and its typed overrides),
    /// written next to the generated module as [`Generated::MOCK_MODULE_FILE`]; the module
    /// declares it behind the `mock` feature.
    pub mock_source: String,
    /// The mock server's data (JSON), written next to the generated module as
    /// [`Generated::MOCK_DATA_FILE`], which the `mock` module includes.
    pub mock_data: String,
    /// A wire test of the generated client, which `crate_files` writes as `tests/wire.rs`.
    pub wire_test: WireTest,
    /// With [`Options::features_per_tag`], the Cargo features the code uses, one per tag, in
    /// name order (`full` enables them all); otherwise empty.
    pub features: Vec<String>,
}

impl Generated {
    /// The name of the `mock` module's file, in the folder of the generated module.
    pub const MOCK_MODULE_FILE: &'static str = mock_server::MODULE_FILE;
    /// The name of the mock server's data file, in the folder of the generated module.
    pub const MOCK_DATA_FILE: &'static str = mock_server::DATA_FILE;
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
    generate_patched(src, &[], options)
}

/// How many components a generation renames after finding their type names taken.
const MAX_COMPONENT_RENAMES: usize = 32;

/// Generates the client source for one spec after applying `patches` to it, in order (see
/// [`patch`]). Diagnostics about a node a patch added are located in that patch file; about a
/// node of the spec, in the spec, where it is in the file.
pub fn generate_patched(
    src: &SpecSource,
    patches: &[Patch],
    options: &Options,
) -> Result<Generated, GenerateError> {
    let mut renames = Vec::new();
    let (result, warnings) = loop {
        let mut ctx = context::Ctx::new(src, options.strict);
        ctx.patches = patches.iter().map(|p| &p.source).collect();
        ctx.renames = renames.clone();
        let result = run(&mut ctx, patches, options);
        // A component whose type name an inline schema also got (in a way the passes did not
        // foresee) is renamed, and generation starts again; each round renames one more.
        match (&result, ctx.collided_component.take()) {
            (Err(_), Some(old)) if renames.len() < MAX_COMPONENT_RENAMES => {
                let new = collisions::free_component_name(&ctx, &old, &renames);
                renames.push((old, new));
            }
            _ => break (result, std::mem::take(&mut ctx.warnings)),
        }
    };
    match result {
        Ok(Output {
            source,
            facts,
            surface,
            operations,
            cli_source,
            mock_source,
            mock_data,
            wire_test,
        }) => Ok(Generated {
            source,
            warnings,
            facts,
            surface,
            features: if options.features_per_tag {
                features::all(&operations)
            } else {
                Vec::new()
            },
            operations,
            cli_source,
            mock_source,
            mock_data,
            wire_test,
        }),
        Err(err) => {
            let mut diagnostics = warnings;
            diagnostics.push(*err);
            Err(GenerateError { diagnostics })
        }
    }
}

/// A spec with its patches applied.
#[derive(Clone, Debug)]
pub struct Patched {
    /// The patched spec.
    pub document: serde_json::Value,
    /// What applying the patches warned about (an overlay action that selects nothing), in the
    /// order found.
    pub warnings: Vec<Diagnostic>,
}

/// Applies `patches` to the spec in order: an OpenAPI Overlay 1.0 document's actions update or
/// remove the nodes their JSONPath (RFC 9535) targets select, and an overrides file is
/// deep-merged (mappings merge, other values replace, `null` removes). An overlay action that
/// selects nothing is a warning (an error with `options.strict`); a patch file that is not one
/// is an error located in it.
pub fn patch(
    src: &SpecSource,
    patches: &[Patch],
    options: &Options,
) -> Result<Patched, GenerateError> {
    let mut ctx = context::Ctx::new(src, options.strict);
    ctx.patches = patches.iter().map(|p| &p.source).collect();
    let result = src.parse().and_then(|mut doc| {
        load::bundle::resolve(&mut ctx, &mut doc)?;
        patch::apply_all(&mut ctx, patches, &mut doc).map(|()| doc)
    });
    let warnings = std::mem::take(&mut ctx.warnings);
    match result {
        Ok(document) => Ok(Patched { document, warnings }),
        Err(err) => {
            let mut diagnostics = warnings;
            diagnostics.push(*err);
            Err(GenerateError { diagnostics })
        }
    }
}

struct Output {
    source: String,
    facts: ApiFacts,
    surface: Surface,
    operations: Vec<model::Operation>,
    cli_source: String,
    mock_source: String,
    mock_data: String,
    wire_test: WireTest,
}

fn run(ctx: &mut context::Ctx<'_>, patches: &[Patch], options: &Options) -> context::R<Output> {
    let mut doc = ctx.src.parse()?;
    load::bundle::resolve(ctx, &mut doc)?;
    patch::apply_all(ctx, patches, &mut doc)?;
    // Members in name order whatever serde_json's map type is (its `preserve_order` feature may
    // be switched on elsewhere in a build), so the output does not depend on the build.
    doc.sort_all_objects();
    // As read and patched, for locating the surface's items: the passes take the version header
    // out of parameter lists.
    let raw = doc.clone();
    collisions::rename_components(ctx, &mut doc)?;
    let mut facts = passes::prepare(ctx, &mut doc)?;
    // An operation progenitor fails on is left out, and the rest generated again; each round
    // leaves out at least one operation, so the loop ends.
    let (tokens, enum_fixes) = loop {
        let (mut for_types, fixes) = collisions::for_type_generator(&doc);
        engine::without_multipart_bodies(&mut for_types);
        engine::without_default_beside_success(&mut for_types);
        engine::without_patterns(&mut for_types);
        let spec = engine::typed_spec(ctx, for_types)?;
        match engine::run_progenitor(ctx, &spec) {
            Ok(tokens) => break (tokens, fixes),
            Err(engine::Failure::Whole(err)) => return Err(err),
            Err(engine::Failure::Schemas(bad)) => {
                for (name, reason) in bad {
                    schemas::make_free_form(ctx, &mut doc, &name, &reason)?;
                }
            }
            Err(engine::Failure::Operations(culprits)) => {
                for (op, reason) in culprits {
                    skip::drop_operation(ctx, &mut doc, &op, &op, &reason)?;
                    facts.operations.retain(|_, at| *at != op);
                }
            }
        }
    };
    let progenitor: syn::File = syn::parse2(tokens).map_err(|e| {
        ctx.error(
            "",
            format!("internal error: progenitor produced unparsable code: {e}"),
        )
    })?;
    let operations = model::operations(ctx, &doc, &facts.operations, &progenitor)?;
    let mut types = engine::types_module(progenitor)
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
    let response_roots = operations
        .iter()
        .filter_map(|op| match &op.success {
            model::Success::Json(ty) => Some(syn_util::type_idents(&**ty)),
            _ => None,
        })
        .flatten()
        .collect();
    if let Some((_, items)) = &mut types.content {
        collisions::restore_variants(items, &enum_fixes);
        types::types_pass(ctx, items, &facts, &request_roots, &response_roots)?;
        builders::add(items);
        if options.features_per_tag {
            features::gate_types(items, &operations);
        }
    }
    let mut file = print::file_of(client::client_items(
        &facts,
        &operations,
        options.features_per_tag,
    ));
    file.items.push(syn::Item::Mod(types));
    print::normalize_docs(&mut file);
    let mut surface = Surface::of(&file, &facts);
    surface::origins::attach(
        &mut surface,
        &|p| ctx.origin(p),
        &raw,
        &doc,
        &facts,
        &operations,
    );
    if let Some((key, name)) = surface.duplicates.iter().find_map(|k| match k.kind() {
        KeyKind::Model(name) => Some((k, name)),
        _ => None,
    }) {
        let at = surface
            .origins
            .get(key)
            .map_or("/components/schemas", |o| o.pointer.as_str());
        if let Some(component) = at.strip_prefix("/components/schemas/")
            && !component.contains('/')
        {
            ctx.collided_component = Some(pointer::unescape_token(component));
        }
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
    // After the surface: the mock module is a test aid behind a feature, not the client's API.
    file.items.push(mock_server::declaration());
    let mut mock_file = print::file_of(mock_server::items(&operations));
    print::normalize_docs(&mut mock_file);
    let mock_source = format!(
        "// @generated by `{}` from {}. Do not edit.\n//! The `mock` module of the client generated from {}.\n\n{}",
        options.command,
        ctx.src.name(),
        ctx.src.name(),
        print::print(&mock_file)
    );
    let mock_data = mock_server::data(&raw, &facts, &operations);
    let wire_test = wire_test::wire_test(&doc, &facts, &operations);
    Ok(Output {
        source: format!("{header}{}", print::print(&file)),
        facts,
        surface,
        operations,
        cli_source,
        mock_source,
        mock_data,
        wire_test,
    })
}
