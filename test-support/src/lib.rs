//! What the workspace's tests share, in one place:
//!
//! - [`process`]: running a program (the `intercom` binary, `cargo xtask`) with its output
//!   captured and a deadline, so that a hung child fails its test instead of the suite.
//! - [`fault_server`]: a loopback HTTP/1.1 server that misbehaves on purpose (resets, stalls,
//!   truncates, floods, redirects), for fault-injection tests.
//! - [`recording`]: helpers over a recording `wiremock` server: the requests it received, and a
//!   responder that answers in turn.
//!
//! A dev-dependency only; nothing here ships.

pub mod fault_server;
pub mod process;
pub mod recording;
