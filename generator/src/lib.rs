//! Turns an OpenAPI 3.0 or 3.1 description into the Rust source of a typed API client, in phases, each
//! a module that imports only the ones before it:
//!
//! 1. `load`: read the spec and the files it references, apply the patches (overlays and
//!    overrides) — one document, as written.
//! 2. `passes`: the spec passes — located warnings and errors, an operation that cannot be
//!    generated left out, work-arounds for what the type engine mishandles, and the facts it
//!    ignores (servers, auth, the version header, pagination, tagged unions).
//! 3. `types`: the type engine (progenitor) over the prepared document, and the passes over
//!    the types it generates.
//! 4. `model`: one value holding everything the rest reads — the typed operations, the types
//!    module, the spec as written for the mock, and where each thing is declared.
//! 5. `emit`: the client module, the mock's module and data, the wire test, printed.
//! 6. `surface`: the public API as values, located in the spec, and the API change report.
//!
//! `base` holds what every phase shares: diagnostics, naming, JSON pointers, syn helpers.
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
pub use base::timings::Timings;
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

use std::time::Instant;

use emit::{client, features, mock_server, print, wire_test};
use load::context;
use passes::collisions;

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
    /// Where the time went.
    pub timings: Timings,
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

/// How many rounds a generation takes at most: each after the first renames the components
/// whose type names the round before found taken.
const MAX_ROUNDS: usize = 4;

/// Generates the client source for one spec after applying `patches` to it, in order (see
/// [`patch`]). Diagnostics about a node a patch added are located in that patch file; about a
/// node of the spec, in the spec, where it is in the file.
pub fn generate_patched(
    src: &SpecSource,
    patches: &[Patch],
    options: &Options,
) -> Result<Generated, GenerateError> {
    let mut renames = Vec::new();
    let mut timings = Timings::default();
    let (result, warnings) = loop {
        let mut ctx = context::Ctx::new(src, options.strict);
        ctx.patches = patches.iter().map(|p| &p.source).collect();
        ctx.renames = renames.clone();
        let result = run(&mut ctx, patches, options);
        timings.add_round(&ctx.timings);
        // Components whose type names an inline schema also got (in a way the passes did not
        // foresee) are renamed, all at once, and generation starts again.
        let collided = std::mem::take(&mut ctx.collided_components);
        match &result {
            Err(_) if !collided.is_empty() && timings.rounds < MAX_ROUNDS => {
                collisions::rename_collided(&ctx, &collided, &mut renames);
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
            mock_source,
            mock_data,
            wire_test,
            timings,
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
    let result = load::document::read(&mut ctx, patches);
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
    mock_source: String,
    mock_data: String,
    wire_test: WireTest,
}

/// One round of generation: the phases in order.
fn run(ctx: &mut context::Ctx<'_>, patches: &[Patch], options: &Options) -> context::R<Output> {
    let started = Instant::now();
    let raw = load::document::read(ctx, patches)?;
    let mut doc = raw.clone();
    let started = Timings::lap(&mut ctx.timings.load, started);
    // Each phase's time counts also when it ends the round with an error.
    let facts = passes::prepare(ctx, &mut doc);
    let started = Timings::lap(&mut ctx.timings.passes, started);
    let mut facts = facts?;
    let engine = types::generate(ctx, &mut doc, &mut facts);
    let started = Timings::lap(&mut ctx.timings.types, started);
    let model = model::build(ctx, &raw, &doc, facts, engine?);
    drop((raw, doc));
    let started = Timings::lap(&mut ctx.timings.model, started);
    let mut model = model?;

    let mut file = client::file(&mut model, options.features_per_tag);
    let surface = surface::of(ctx, &file, &model)?;
    // After the surface: the mock module is a test aid behind a feature, not the client's API.
    file.items.push(mock_server::declaration());
    let name = ctx.src.name();
    let header = format!(
        "// @generated by `{}` from {name}. Do not edit.\n//! Client types and operations generated from {name} ({} {}).\n\n",
        options.command, model.facts.title, model.facts.api_version
    );
    // Each file is printed as soon as it is emitted, and its syntax tree dropped while it is
    // printed: the trees of a large description's client, mock and wire test together are
    // several times the size of their text.
    let started = Timings::lap(&mut ctx.timings.emit, started);
    let source = format!("{header}{}", print::print(file));
    let started = Timings::lap(&mut ctx.timings.print, started);
    let mut mock_file = print::file_of(mock_server::items(&model.operations));
    print::normalize_docs(&mut mock_file);
    let started = Timings::lap(&mut ctx.timings.emit, started);
    let mock_source = format!(
        "// @generated by `{}` from {name}. Do not edit.\n//! The `mock` module of the client generated from {name}.\n\n{}",
        options.command,
        print::print(mock_file)
    );
    let started = Timings::lap(&mut ctx.timings.print, started);
    let mock_data = mock_server::data(&model);
    let wire_test = wire_test::wire_test(&model);
    Timings::lap(&mut ctx.timings.emit, started);
    Ok(Output {
        source,
        surface,
        mock_source,
        mock_data,
        wire_test,
        facts: model.facts,
        operations: model.operations,
    })
}
