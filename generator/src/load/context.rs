//! The state shared by every pass: the spec source (and the patch files applied to it) for
//! locations, strictness, and the warnings found so far.

use crate::base::diag::Origin;
use crate::base::diag::{Diagnostic, Severity};
use crate::base::timings::Timings;
use crate::load::SpecSource;
use crate::load::provenance::Prov;

/// Shared state of the passes: the sources for locations, strictness, and warnings so far.
pub(crate) struct Ctx<'a> {
    pub src: &'a SpecSource,
    pub strict: bool,
    pub warnings: Vec<Diagnostic>,
    /// The patch files, in the order applied; in the origin tree, file 0 is the spec, files
    /// `1..=n` its other files ([`SpecSource::files`]) and file `n + 1 + i` is the `i`-th patch,
    /// whose source is `patches[i]`.
    pub patches: Vec<&'a SpecSource>,
    /// Where each node of the patched spec came from, once patches were applied.
    pub prov: Option<Prov>,
    /// Component schemas to rename before the passes, (old, new): found by an earlier attempt
    /// whose types had a name twice.
    pub renames: Vec<(String, String)>,
    /// Set by an attempt that generated a component's type name twice: the names of the
    /// components whose type names were taken, in the order of the type names.
    pub collided_components: Vec<String>,
    /// Where this round's time went.
    pub timings: Timings,
}

impl<'a> Ctx<'a> {
    /// State for one generation from `src`.
    pub fn new(src: &'a SpecSource, strict: bool) -> Self {
        Self {
            src,
            strict,
            warnings: Vec::new(),
            patches: Vec::new(),
            prov: None,
            renames: Vec::new(),
            collided_components: Vec::new(),
            timings: Timings::default(),
        }
    }

    /// The file a node of the (patched) spec came from and its pointer there.
    fn origin_of(&self, pointer: &str) -> (&'a SpecSource, String) {
        let Some(prov) = &self.prov else {
            return (self.src, pointer.to_string());
        };
        let (file, at) = prov.locate(pointer);
        (self.file(file), at)
    }

    /// The source of file `file` of the origin tree.
    pub fn file(&self, file: usize) -> &'a SpecSource {
        let spec_files = self.src.files();
        match file.checked_sub(1) {
            None => self.src,
            Some(i) if i < spec_files.len() => &spec_files[i],
            Some(i) => self
                .patches
                .get(i - spec_files.len())
                .copied()
                .unwrap_or(self.src),
        }
    }

    /// The number of patch `i` in the origin tree.
    pub fn patch_file(&self, i: usize) -> usize {
        self.src.files().len() + 1 + i
    }

    /// A diagnostic about the node at `pointer` of the spec, located in the file it came from.
    /// Where that is not the same pointer of the spec, the message names the pointer in the
    /// patched spec too.
    fn diag(&self, severity: Severity, pointer: &str, message: impl Into<String>) -> Diagnostic {
        let (source, at) = self.origin_of(pointer);
        let mut message = message.into();
        if at != pointer {
            let whole = if self.patches.is_empty() {
                "bundled"
            } else {
                "patched"
            };
            message.push_str(&format!(" (#{pointer} in the {whole} spec)"));
        }
        source.diag(severity, &at, message)
    }

    /// Where the node at `pointer` of the spec comes from, for the API surface.
    pub fn origin(&self, pointer: &str) -> Origin {
        let (source, at) = self.origin_of(pointer);
        Origin {
            file: source.name().to_string(),
            position: source.locate(&at),
            pointer: at,
        }
    }

    pub fn error(&self, pointer: &str, message: impl Into<String>) -> Box<Diagnostic> {
        Box::new(self.diag(Severity::Error, pointer, message))
    }

    /// Records a worked-around problem; in strict mode it stops generation instead.
    pub fn warn(
        &mut self,
        pointer: &str,
        message: impl Into<String>,
    ) -> Result<(), Box<Diagnostic>> {
        let d = self.diag(Severity::Warning, pointer, message);
        self.record(d)
    }

    /// [`Ctx::warn`] about a node of another file (a patch file).
    pub fn warn_in(
        &mut self,
        source: &SpecSource,
        pointer: &str,
        message: impl Into<String>,
    ) -> Result<(), Box<Diagnostic>> {
        let d = source.diag(Severity::Warning, pointer, message);
        self.record(d)
    }

    fn record(&mut self, mut d: Diagnostic) -> Result<(), Box<Diagnostic>> {
        if self.strict {
            d.severity = Severity::Error;
            return Err(Box::new(d));
        }
        self.warnings.push(d);
        Ok(())
    }
}

pub(crate) type R<T> = Result<T, Box<Diagnostic>>;
