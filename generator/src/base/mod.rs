//! What every phase of the generator uses: located diagnostics, JSON pointers and the walker over
//! a document, the naming rules of the type generator, and small helpers over `syn` items. It
//! imports nothing of the rest of the crate.

pub(crate) mod diag;
pub(crate) mod naming;
pub(crate) mod pointer;
pub(crate) mod syn_util;
