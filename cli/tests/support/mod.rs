//! Helpers shared by the integration tests of `intercom-client`.

// Each test binary that declares `mod support;` uses only part of the fault server.
#![allow(dead_code)]

pub mod fault_server;
