//! What every phase of the generator uses: located diagnostics, JSON pointers and the walker over
//! a document, the naming rules of the type generator, small helpers over `syn` items and the
//! timings of the phases. It
//! imports nothing of the rest of the crate.

pub(crate) mod diag;
pub(crate) mod naming;
pub(crate) mod pointer;
pub(crate) mod syn_util;
pub(crate) mod timings;
