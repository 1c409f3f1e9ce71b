//! The riskgate engine: compiles parsed policies to an IR, evaluates them with
//! OPA semantics, and produces explainable decisions for release manifests.
//!
//! Architecture invariant: the engine does no I/O; files, clocks and terminals
//! belong to the `cli` and `lsp` crates, which pass their content in.
#![warn(missing_docs)]

pub mod number;
pub mod value;

pub use number::Number;
pub use value::Value;
pub mod builtins;
pub mod manifest;
