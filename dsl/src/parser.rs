//! Parser (placeholder until the parser lands).
use crate::ast::{Body, Expr, Module};
use crate::span::Span;
use crate::{Diagnostic, ParseOptions, ParsedModule};

/// Parses a module.
#[must_use]
pub fn parse_module(source: &str, _options: ParseOptions) -> ParsedModule {
    ParsedModule {
        module: Module {
            span: Span::new(0, source.len() as u32),
            package: None,
            imports: Vec::new(),
            items: Vec::new(),
            comments: Vec::new(),
        },
        diagnostics: Vec::new(),
    }
}

/// Parses a query.
///
/// # Errors
/// Syntax errors.
pub fn parse_query(_source: &str, _options: ParseOptions) -> Result<Body, Vec<Diagnostic>> {
    Err(Vec::new())
}

/// Parses a single term.
///
/// # Errors
/// Syntax errors.
pub fn parse_term(_source: &str) -> Result<Expr, Vec<Diagnostic>> {
    Err(Vec::new())
}
