//! The descriptions the crates of the Intercom client share, as Rust types, so that what one
//! writes the other reads by type rather than by convention:
//!
//! - [`Operation`]: an operation of the API (method, path segments, parameters, body, what a
//!   success carries, how its pages are walked). A generated client crate emits one static table
//!   of them, `OPERATIONS`; the `intercom` command builds its subcommands from it.
//! - [`Pages`]: how a paginated operation's pages are walked, which the runtime's walker reads.
//! - [`mock::MockSpec`]: the data a generated mock server serves, which the generator writes
//!   and the runtime's mock server reads.
//!
//! The runtime re-exports every item here.
#![warn(missing_docs)]

pub mod mock;
mod operation;
mod pagination;

pub use operation::{Body, Encoding, Field, Kind, Location, Operation, Param, Segment, Success};
pub use pagination::{Advance, Pages, Slot};
