//! The model: everything the emitters and the API surface read, built once per generation.
//!
//! In: the spec as read and patched, the prepared spec, the facts the passes learned and the type
//! engine's output. Out: a `Model` — the typed operations (with the Rust types progenitor chose
//! for their arguments and results, what a command line can give them, and the smallest values
//! their schemas accept), the client's `types` module after the type passes, what the spec as
//! written says each operation takes and answers (the mock server's data), and where everything
//! is declared. After this phase nothing reads the spec again.

pub(crate) mod as_written;
pub(crate) mod examples;
pub(crate) mod form_parts;
mod from_spec;
pub(crate) mod json_schema;
pub(crate) mod locations;
mod operation;
pub mod pagination;
pub(crate) mod samples;
pub(crate) mod scalars;

pub use form_parts::BodyPart;
pub use operation::{
    Body, BodyEncoding, BodyField, ErrorDoc, HttpMethod, Kind, Location, Operation, Param, Samples,
    Segment, Success,
};

use std::collections::BTreeSet;

use intercom_contract::mock::MockSpec;
use serde_json::Value;

use crate::base::syn_util;
use crate::load::context::{Ctx, R};
use crate::model::locations::Locations;
use crate::passes::facts::ApiFacts;
use crate::types::{self, EngineOutput};

/// What a generation emits from.
#[derive(Clone, Debug)]
pub(crate) struct Model {
    /// What the passes learned about the API.
    pub facts: ApiFacts,
    /// The operations, in method-name order.
    pub operations: Vec<Operation>,
    /// The client's `types` module.
    pub types: syn::ItemMod,
    /// What the spec as written says each operation takes and answers, and its schemas in JSON
    /// Schema's dialect: the data the mock server serves.
    pub as_written: MockSpec,
    /// Where things are declared in the spec.
    pub locations: Locations,
}

/// Builds the model. `raw` is the spec as read and patched, `doc` the prepared one the type
/// engine typed into `engine`.
pub(crate) fn build(
    ctx: &mut Ctx<'_>,
    raw: &Value,
    doc: &Value,
    facts: ApiFacts,
    engine: EngineOutput,
) -> R<Model> {
    let operations = from_spec::operations(ctx, doc, &facts, &engine.file)?;
    let request_roots: BTreeSet<String> = operations
        .iter()
        .flat_map(|op| {
            op.params
                .iter()
                .map(|p| &p.ty)
                .chain(op.body.as_ref().map(|b| &b.ty))
        })
        .flat_map(syn_util::type_idents)
        .collect();
    let response_roots: BTreeSet<String> = operations
        .iter()
        .filter_map(|op| match &op.success {
            Success::Json(ty) => Some(syn_util::type_idents(&**ty)),
            _ => None,
        })
        .flatten()
        .collect();
    let types = types::module(ctx, engine, &facts, &request_roots, &response_roots)?;
    let as_written = as_written::spec(raw, &facts, &operations);
    let locations = Locations::new(raw, doc, &facts, &operations);
    Ok(Model {
        facts,
        operations,
        types,
        as_written,
        locations,
    })
}
