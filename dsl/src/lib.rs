//! The riskgate policy language front end: lexical scanning, parsing into a
//! spanned AST, diagnostics, and the canonical formatter.
//!
//! The language is Rego v1 plus `risk` and `control` declarations, which are
//! allowed in `.gate` files only. Parsing never fails: it returns the tree it
//! could build together with every diagnostic it found, so editors can show
//! all errors at once.
//!
//! ```
//! use riskgate_dsl::{parse_module, Dialect, ParseOptions};
//!
//! let parsed = parse_module(
//!     "package demo\n\nallow if input.user == \"alice\"\n",
//!     ParseOptions::new(Dialect::Rego),
//! );
//! assert!(parsed.diagnostics.is_empty());
//! assert_eq!(parsed.module.items.len(), 1);
//! ```
//!
//! Architecture invariant: this crate does no I/O and knows nothing of
//! terminals, files or editors; callers pass text in and get data out.
#![warn(missing_docs)]

// pest is built without `std` (its per-rule native stack probing costs ~20% of
// parse time); its generated code refers to `alloc`. Deep nesting is bounded
// by the lexical scanner instead.
extern crate alloc;

pub mod ast;
pub mod diagnostics;
pub mod format;
mod lexer;
mod parser;
pub mod span;
pub mod suggest;

pub use diagnostics::{Code, Diagnostic, Label, Severity, SourceDiagnostic};
pub use parser::{IncrementalParse, parse_module, parse_query, parse_term};
pub use span::{LineCol, LineIndex, Span};

/// Which language a source text is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// Plain Rego (`.rego`): `risk` and `control` declarations are errors.
    Rego,
    /// riskgate policy (`.gate`): Rego plus declarations.
    Gate,
}

impl Dialect {
    /// The dialect for a file name, by extension: `.gate` is [`Dialect::Gate`],
    /// anything else [`Dialect::Rego`].
    #[must_use]
    pub fn for_path(path: &str) -> Self {
        if path.ends_with(".gate") {
            Dialect::Gate
        } else {
            Dialect::Rego
        }
    }
}

/// How to parse a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParseOptions {
    /// Rego or riskgate declarations.
    pub dialect: Dialect,
    /// Accept Rego v0 syntax (rules without `if`, `p[x] { ... }` sets).
    pub v0_compatible: bool,
}

impl ParseOptions {
    /// Rego v1 parsing for the given dialect.
    #[must_use]
    pub const fn new(dialect: Dialect) -> Self {
        Self {
            dialect,
            v0_compatible: false,
        }
    }

    /// The same options with v0 compatibility switched on or off.
    #[must_use]
    pub const fn with_v0_compatible(mut self, v0_compatible: bool) -> Self {
        self.v0_compatible = v0_compatible;
        self
    }
}

/// The result of parsing a module: the tree that could be built and every
/// diagnostic found.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedModule {
    /// The module; items that failed to parse are left out.
    pub module: ast::Module,
    /// Every problem found, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl ParsedModule {
    /// Whether any diagnostic is an error.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity() == Severity::Error)
    }
}
