//! Every operation of the client against a local recording server. The tests are generated
//! with the client from the spec by `cargo xtask regen`, into `wire/generated.rs`; rustfmt
//! leaves that file as the generator printed it.

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic)]
#[path = "wire/generated.rs"]
mod generated;
