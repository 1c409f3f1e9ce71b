//! GraphQL for riskgate's `graphql.*` builtins: a lexer and parser for
//! queries and schemas ([`parser`]) into an AST ([`ast`]), schema building
//! with the specification's checks ([`schema`]) and query validation
//! ([`validate`]). Messages and AST shapes follow gqlparser, the library
//! OPA uses, so policies see the same objects and errors as under OPA.
//!
//! Its own crate so that the engine can leave GraphQL out (the `graphql`
//! feature of `riskgate-engine`, on by default) and so the engine crate
//! stays the evaluator. Query validation covers the common rules but not
//! "overlapping fields can be merged".

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod schema;
pub mod validate;

/// The built-in scalars and directives every schema starts from.
pub const PRELUDE: &str = include_str!("prelude.graphql");
