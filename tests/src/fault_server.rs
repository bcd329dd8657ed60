//! A local HTTP server that misbehaves on purpose, for fault-injection tests.
