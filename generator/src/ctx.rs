//! The state shared by every pass: the spec source for locations, strictness, and the warnings
//! found so far.

use crate::diag::{Diagnostic, Severity};
use crate::load::SpecSource;

/// Shared state of the passes: the source for locations, strictness, and warnings so far.
pub(crate) struct Ctx<'a> {
    pub src: &'a SpecSource,
    pub strict: bool,
    pub warnings: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    /// State for one generation from `src`.
    pub fn new(src: &'a SpecSource, strict: bool) -> Self {
        Self {
            src,
            strict,
            warnings: Vec::new(),
        }
    }

    pub fn error(&self, pointer: &str, message: impl Into<String>) -> Box<Diagnostic> {
        Box::new(self.src.diag(Severity::Error, pointer, message))
    }

    /// Records a worked-around problem; in strict mode it stops generation instead.
    pub fn warn(
        &mut self,
        pointer: &str,
        message: impl Into<String>,
    ) -> Result<(), Box<Diagnostic>> {
        if self.strict {
            return Err(self.error(pointer, message));
        }
        let d = self.src.diag(Severity::Warning, pointer, message);
        self.warnings.push(d);
        Ok(())
    }
}

pub(crate) type R<T> = Result<T, Box<Diagnostic>>;
