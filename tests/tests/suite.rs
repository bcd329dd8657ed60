//! The workspace tests, as one test binary: one module per concern, so that the suite links once
//! against the client, the generator and the test servers. `token_env` and `tracing` are
//! binaries of their own: one changes the process environment, the other needs tracing's
//! process-wide registry of callsites to itself.

mod api_diff;
mod architecture;
mod builder;
mod decode_props;
mod faults;
mod generator_props;
mod mock_data;
mod names;
mod overlays;
mod pagination;
mod path_props;
mod production;
mod prose;
mod published_examples;
mod real_world;
mod retry_matrix;
mod surface;
mod test_util;
mod unions;
mod webhooks;
mod wire;
mod wire_operations;
