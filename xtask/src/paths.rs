//! The files and folders of the workspace that the commands read and write, in one place.
//!
//! Each is named by its path relative to the workspace root (what messages show, and what the
//! generator's located errors call the spec) and reached as an absolute path through [`Paths`].

use std::path::{Path, PathBuf};

/// The workspace root and the paths of the workspace the commands use.
#[derive(Clone, Debug)]
pub struct Paths {
    root: PathBuf,
}

impl Paths {
    /// The OpenAPI description the checked-in client is generated from.
    pub const SPEC: &str = "spec/intercom-2.10.yaml";
    /// The checked-in generated code.
    pub const GENERATED: &str = "generated-client/src/generated.rs";
    /// The checked-in `mock` module of the client, beside the generated code.
    pub const MOCK_MODULE: &str = "generated-client/src/generated_mock.rs";
    /// The checked-in data of the client's mock server, beside the generated code.
    pub const MOCK_DATA: &str = "generated-client/src/mock_spec.json";
    /// The client crate's manifest, whose features by resource `regen` keeps in step.
    pub const CLIENT_MANIFEST: &str = "generated-client/Cargo.toml";
    /// The checked-in wire test of the client: every operation against a local server.
    pub const WIRE_TEST: &str = "generated-client/tests/wire/generated.rs";
    /// The root module of the client crate; touching it recompiles that crate alone.
    pub const CLIENT_LIB: &str = "generated-client/src/lib.rs";
    /// The reviewed API surface: the snapshot the surface test compares against.
    pub const SURFACE: &str = "tests/tests/snapshots/suite__surface__surface.snap";
    /// The changelog, whose `Unreleased` section `regen` keeps the API changes in.
    pub const CHANGELOG: &str = "CHANGELOG.md";
    /// The API surface of the last release, that the changelog's API changes are counted from;
    /// its first line names the release.
    pub const RELEASED_SURFACE: &str = "docs/released-surface.txt";
    /// The one-construct fixture specs.
    pub const FIXTURES: &str = "tests/fixtures/constructs";
    /// The fixture specs with one operation that cannot be generated.
    pub const PER_OPERATION_FIXTURES: &str = "tests/fixtures/per_operation";
    /// Intercom's published spec, kept beside the workspace.
    pub const UPSTREAM_SPEC: &str = "../shared/upstream/intercom-openapi-2.10.yaml";
    /// Intercom's published 2.14 description, beside the workspace.
    pub const UPSTREAM_2_14: &str = "../shared/upstream/intercom-openapi-2.14.yaml";
    /// The override file Intercom applies to its 2.14 description, beside the workspace.
    pub const UPSTREAM_OVERRIDES: &str = "../shared/upstream/fern-openapi-overrides-2.14.yml";
    /// The workspace's lock file.
    pub const LOCK_FILE: &str = "Cargo.lock";
    /// The workspace's target folder.
    pub const TARGET: &str = "target";
    /// Where `build-generated` writes its crates, one folder each.
    pub const GENERATED_CRATES: &str = "target/generated";
    /// The real-world corpus `cargo xtask corpus` runs: a package and checksums.
    pub const CORPUS_MANIFEST: &str = "tests/corpus/corpus.yaml";
    /// Where `corpus` keeps the fetched package and writes its crates.
    pub const CORPUS_DIR: &str = "target/corpus";

    /// The paths of the workspace this xtask belongs to.
    pub fn workspace() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Self::at(root)
    }

    /// The paths of a workspace rooted at `root`.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The workspace root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// [`Self::CLIENT_LIB`], absolute.
    pub fn client_lib(&self) -> PathBuf {
        self.root.join(Self::CLIENT_LIB)
    }

    /// [`Self::SURFACE`], absolute.
    pub fn surface(&self) -> PathBuf {
        self.root.join(Self::SURFACE)
    }

    /// [`Self::FIXTURES`], absolute.
    pub fn fixtures(&self) -> PathBuf {
        self.root.join(Self::FIXTURES)
    }

    /// [`Self::PER_OPERATION_FIXTURES`], absolute.
    pub fn per_operation_fixtures(&self) -> PathBuf {
        self.root.join(Self::PER_OPERATION_FIXTURES)
    }

    /// [`Self::UPSTREAM_SPEC`], absolute.
    pub fn upstream_spec(&self) -> PathBuf {
        self.root.join(Self::UPSTREAM_SPEC)
    }

    /// A file named by its path relative to the workspace root (one of the `UPSTREAM_*`
    /// constants), absolute.
    pub fn upstream_file(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// [`Self::LOCK_FILE`], absolute.
    pub fn lock_file(&self) -> PathBuf {
        self.root.join(Self::LOCK_FILE)
    }

    /// [`Self::TARGET`], absolute.
    pub fn target(&self) -> PathBuf {
        self.root.join(Self::TARGET)
    }

    /// [`Self::GENERATED_CRATES`], absolute.
    pub fn generated_crates(&self) -> PathBuf {
        self.root.join(Self::GENERATED_CRATES)
    }
}
