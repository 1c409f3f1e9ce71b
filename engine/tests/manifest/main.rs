//! Manifest loader tests: schema, catalogue paths, examples, malformed
//! inputs, positions and robustness.

mod common;
mod examples;
mod schema;
