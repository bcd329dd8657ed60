//! The mock server's tests, as one test binary: typed overrides, faults and the request log
//! (`behaviour`), the `intercom-mock` binary driven by `curl` (`binary`), the contacts and tags
//! operations through the client (`operations`), and request validation (`validation`).

mod behaviour;
mod binary;
mod operations;
mod validation;
