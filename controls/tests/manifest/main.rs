//! Manifest loader tests: schema, catalogue paths, examples, malformed
//! inputs, positions and robustness.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod bad;
mod catalogue;
mod common;
mod examples;
mod positions;
mod robustness;
mod schema;
mod value;
