//! Shared helpers for the workspace tests: where things are, and the spec and its examples.

use std::path::{Path, PathBuf};

#[path = "../../cli/tests/support/fault_server.rs"]
pub mod fault_server;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// The path of the spec's root file relative to the workspace root, as diagnostics and headers
/// name it.
pub const SPEC: &str = "spec/intercom-2.10.yaml";

/// The project's spec: its root file and the files its references reach, named relative to the
/// workspace root.
pub fn spec_source() -> intercom_generator::SpecSource {
    let root = workspace_root();
    intercom_generator::SpecSource::read(SPEC, |name| {
        std::fs::read_to_string(root.join(name)).map_err(|e| e.to_string())
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The project's spec as one document, its files' references made references within it.
pub fn spec_document() -> serde_json::Value {
    intercom_generator::patch(&spec_source(), &[], &intercom_generator::Options::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .document
}
