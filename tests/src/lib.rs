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

/// The spec's path relative to the workspace root, as diagnostics and headers name it.
pub const SPEC: &str = "spec/intercom-2.10.yaml";

/// The text of the project's spec.
pub fn spec_text() -> String {
    std::fs::read_to_string(workspace_root().join(SPEC))
        .expect("spec/intercom-2.10.yaml is readable")
}
