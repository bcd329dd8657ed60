//! The tests of `cargo xtask`, as one test binary: `regen` and `--check` on a copy of the
//! workspace (`regen`), `generate` for other specs (`generate`), and the API change report
//! (`diff_api`).

mod diff_api;
mod generate;
mod regen;
