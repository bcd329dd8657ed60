//! Emitting the outputs of a generation from the model: the client (`Client`, one method per
//! operation, constants, regions), the Cargo features of a crate built per resource, the
//! `intercom` command's operation table, the mock server's module and data, the wire test, and the printing
//! of all of it as formatted Rust.

pub(crate) mod cli_table;
pub(crate) mod client;
pub(crate) mod features;
pub(crate) mod json_schema;
pub(crate) mod mock_server;
pub(crate) mod print;
pub(crate) mod wire_test;
