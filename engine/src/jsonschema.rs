//! JSON Schema (drafts 4, 6 and 7, and the 2020-12 subset `schemars`
//! emits): the one schema compiler and the one validation walk of the
//! workspace.
//!
//! [`compile`] turns a schema document into a [`Compiled`] tree, rejecting
//! malformed keywords with gojsonschema's messages (what OPA reports).
//! [`validate`] walks any [`Instance`] (JSON, or the controls' positioned
//! YAML nodes) and returns structured [`Violation`]s: an instance JSON
//! Pointer, the subschema that failed and a [`ViolationKind`]. Callers turn
//! violations into their own messages: the `json.match_schema` builtin into
//! gojsonschema's, the manifest loader into riskgate diagnostics with
//! positions.
//!
//! The module is always built; the engine's `jsonschema` cargo feature only
//! decides whether the `json.*_schema` builtins are registered.
//!
//! Invariants:
//! - Violations come in gojsonschema's order. A failed `anyOf`/`oneOf`
//!   keeps every branch's violations and progress, so a caller picks the
//!   branch that explains the failure; the walk itself never chooses.
//! - References are local (`#/...`) and resolved at compile time; chains
//!   of references and combinators that do not descend into the instance
//!   stop after [`MAX_SCHEMA_HOPS`], so no schema loops forever.
//! - No I/O and no panics: every schema and instance gives either a
//!   compile error or a list of violations.

mod canonical;
mod compile;
mod format;
mod instance;
mod validate;

pub use canonical::{big_float, float};
pub use compile::{Compiled, Literal, Schema, compile};
pub use format::{FormatCheck, common_formats};
pub use instance::{Instance, JsonType};
pub use validate::{Branch, Options, Violation, ViolationKind, furthest, validate};

/// How many `$ref`s and combinator branches are applied to one instance
/// value, one inside the other, before the walk gives up on that value.
pub const MAX_SCHEMA_HOPS: usize = 64;
