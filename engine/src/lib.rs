//! The riskgate engine: a Rego engine. It compiles parsed policies to an
//! IR, evaluates them with OPA semantics, runs policy tests with coverage
//! and lints Rego. Nothing in it knows about model risk: manifests,
//! controls and decision traces are `riskgate_controls`'.
//!
//! ```ignore
//! let mut compiler = Compiler::new(CompileOptions::default());
//! compiler.add_module("policy.rego", "package x\nallow if input.ok")?;
//! let policy = compiler.compile()?;
//! let out = policy.eval_query("data.x.allow", &EvalOptions::default())?;
//! ```
//!
//! Architecture invariant: the engine does no I/O; files, clocks and terminals
//! belong to the `cli` and `lsp` crates, which pass their content in.
#![warn(missing_docs)]

pub mod builtins;
pub mod codes;
pub mod compile;
pub mod errors;
pub mod eval;
pub mod ir;
pub mod json_pointer;
pub mod jsonschema;
pub mod lint;
pub mod net;
pub mod number;
pub mod policy;
mod program;
pub mod testing;
pub mod time;
pub mod value;

pub use compile::{CompileOptions, Compiler, FileDiagnostic};
pub use eval::{EvalError, EvalLimits, EvalOptions, ExpressionValue, QueryOutput, QueryResult};
pub use number::Number;
pub use policy::{Policy, Session};
pub use value::Value;
