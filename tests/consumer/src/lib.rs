//! No library code: the tests under `tests/` use `intercom-client` as a consumer would.
