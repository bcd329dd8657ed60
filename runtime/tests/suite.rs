//! The runtime's tests, as one test binary, over a minimal client without generated code
//! (`support`): calls, the client builder, errors, multipart bodies, pagination and the
//! transport. `token_env` and `tracing` are binaries of their own: one changes the process
//! environment, the other needs tracing's process-wide registry of callsites to itself, since a
//! test on another thread that logs with no subscriber changes which events it enables.

mod support;

mod calls;
mod client;
mod errors;
mod multipart;
mod pages;
mod transport;
