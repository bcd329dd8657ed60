//! Emitting the outputs of a generation.
//!
//! In: the model, and nothing else. Out: the client module as syn items (`Client`, one method
//! per operation, constants, regions, the `OPERATIONS` table and the `types` module, behind the
//! Cargo features of a crate built per resource), the mock server's module and data, the wire
//! test, and the printing of all of it as formatted Rust.

pub(crate) mod client;
pub(crate) mod features;
pub(crate) mod mock_server;
pub(crate) mod operations_table;
pub(crate) mod print;
pub(crate) mod wire_test;
