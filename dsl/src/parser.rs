//! Turns policy text into the spanned AST.
//!
//! The pest grammar (`grammar.pest`) recognises the text; this module builds
//! the AST from pest's pairs, checks what the grammar deliberately accepts
//! too loosely (Rego v1 keyword rules, statement separators, declaration
//! shapes), and recovers from syntax errors by resuming at the next line that
//! can start a top-level item, so every broken item is reported.

mod build;
mod errors;
mod validate;

use pest::Parser as _;
use pest_derive::Parser;

use crate::ast::{Body, Expr, Import, Item, Module, Package};
use crate::diagnostics::{Diagnostic, codes};
use crate::lexer;
use crate::span::Span;
use crate::{ParseOptions, ParsedModule};

#[derive(Parser)]
#[grammar = "grammar.pest"]
struct Grammar;

/// A top-level statement before the module is assembled.
enum Stmt {
    Package(Package),
    Import(Import),
    Item(Item),
}

impl Stmt {
    fn span(&self) -> Span {
        match self {
            Stmt::Package(p) => p.span,
            Stmt::Import(i) => i.span,
            Stmt::Item(item) => item.span(),
        }
    }
}

/// Parses a `.rego` or `.gate` module. Never fails: the returned module holds
/// every item that parsed, and `diagnostics` every problem, in source order.
#[must_use]
pub fn parse_module(source: &str, options: ParseOptions) -> ParsedModule {
    let empty = Module {
        span: Span::new(0, 0),
        package: None,
        imports: Vec::new(),
        items: Vec::new(),
        comments: Vec::new(),
    };
    if u32::try_from(source.len()).is_err() {
        return ParsedModule {
            module: empty,
            diagnostics: vec![
                Diagnostic::new(
                    &codes::UNEXPECTED_TOKEN,
                    "file is too large to parse (4 GiB or more)",
                )
                .with_primary(Span::new(0, 0), ""),
            ],
        };
    }
    let scan = lexer::scan(source);
    let mut diagnostics = scan.errors.clone();
    let mut stmts = Vec::new();
    let mut pos = 0usize;
    while pos <= source.len() {
        let rest = source.get(pos..).unwrap_or_default();
        match Grammar::parse(Rule::file, rest) {
            Ok(pairs) => {
                let mut builder = build::Builder::new(source, &scan.comments, pos, options);
                stmts.extend(builder.file(pairs));
                diagnostics.extend(builder.into_diagnostics());
                break;
            }
            Err(error) => {
                let error_at = pos + errors::error_offset(&error);
                let item_start = scan
                    .item_starts
                    .iter()
                    .rev()
                    .map(|&s| s as usize)
                    .find(|&s| s >= pos && s <= error_at)
                    .unwrap_or(pos);
                let next_item = scan
                    .item_starts
                    .iter()
                    .map(|&s| s as usize)
                    .find(|&s| s > error_at.max(item_start));
                if item_start > pos {
                    // The items before the broken one are fine on their own.
                    let before = source.get(pos..item_start).unwrap_or_default();
                    if let Ok(pairs) = Grammar::parse(Rule::file, before) {
                        let mut builder = build::Builder::new(source, &scan.comments, pos, options);
                        stmts.extend(builder.file(pairs));
                        diagnostics.extend(builder.into_diagnostics());
                    }
                }
                let region_end = next_item.unwrap_or(source.len());
                let lexical_error_here = scan.errors.iter().any(|d| {
                    let at = d.primary_span().start as usize;
                    at >= item_start && at < region_end.max(item_start + 1)
                });
                if !lexical_error_here {
                    let chunk = source.get(pos..).unwrap_or_default();
                    diagnostics.push(errors::syntax_error(source, chunk, pos, Rule::file, &error));
                }
                match next_item {
                    Some(next) => pos = next,
                    None => break,
                }
            }
        }
    }
    let mut module = assemble(source, stmts, &mut diagnostics);
    module.comments = scan.comments;
    validate::check_module(source, &module, options, &mut diagnostics);
    diagnostics.sort_by_key(|d| (d.primary_span().start, d.code().id));
    diagnostics.dedup();
    ParsedModule {
        module,
        diagnostics,
    }
}

/// Parses a query (the body of `opa eval QUERY`): literals separated by
/// newlines or `;`.
///
/// # Errors
/// Every syntax error found.
pub fn parse_query(source: &str, options: ParseOptions) -> Result<Body, Vec<Diagnostic>> {
    let scan = lexer::scan(source);
    if !scan.errors.is_empty() {
        return Err(scan.errors);
    }
    match Grammar::parse(Rule::query, source) {
        Ok(pairs) => {
            let mut builder = build::Builder::new(source, &scan.comments, 0, options);
            let body = builder.query(pairs);
            let diagnostics = builder.into_diagnostics();
            match body {
                Some(body) if diagnostics.is_empty() => Ok(body),
                Some(_) => Err(diagnostics),
                None => Err(vec![
                    Diagnostic::new(&codes::EMPTY_BODY, "query is empty")
                        .with_primary(Span::new(0, source.len() as u32), "")
                        .with_help("write at least one expression, e.g. `data.example.allow`"),
                ]),
            }
        }
        Err(error) => Err(vec![errors::syntax_error(
            source,
            source,
            0,
            Rule::query,
            &error,
        )]),
    }
}

/// Parses a single term (a value such as an `input_term` in tests).
///
/// # Errors
/// Every syntax error found.
pub fn parse_term(source: &str) -> Result<Expr, Vec<Diagnostic>> {
    let scan = lexer::scan(source);
    if !scan.errors.is_empty() {
        return Err(scan.errors);
    }
    let options = ParseOptions::new(crate::Dialect::Rego);
    match Grammar::parse(Rule::term_input, source) {
        Ok(pairs) => {
            let mut builder = build::Builder::new(source, &scan.comments, 0, options);
            let term = builder.term_input(pairs);
            let diagnostics = builder.into_diagnostics();
            match term {
                Some(term) if diagnostics.is_empty() => Ok(term),
                _ => Err(diagnostics),
            }
        }
        Err(error) => Err(vec![errors::syntax_error(
            source,
            source,
            0,
            Rule::term_input,
            &error,
        )]),
    }
}

/// Puts statements in their places, reporting misplaced packages/imports.
fn assemble(source: &str, stmts: Vec<Stmt>, diagnostics: &mut Vec<Diagnostic>) -> Module {
    let mut package: Option<Package> = None;
    let mut imports = Vec::new();
    let mut items: Vec<Item> = Vec::new();
    let mut first_stmt = true;
    for stmt in stmts {
        match stmt {
            Stmt::Package(p) => {
                if let Some(first) = &package {
                    diagnostics.push(
                        Diagnostic::new(
                            &codes::MISPLACED_PACKAGE,
                            "a file can declare only one package",
                        )
                        .with_primary(p.span, "second package declaration")
                        .with_secondary(first.span, "first declared here")
                        .with_help("split the file: one package per file"),
                    );
                } else if !first_stmt {
                    diagnostics.push(
                        Diagnostic::new(
                            &codes::MISPLACED_PACKAGE,
                            "package declaration must come first",
                        )
                        .with_primary(p.span, "declared after other statements")
                        .with_help("move `package` to the top of the file"),
                    );
                    package = Some(p);
                } else {
                    package = Some(p);
                }
            }
            Stmt::Import(import) => {
                if let Some(item) = items.last() {
                    diagnostics.push(
                        Diagnostic::new(
                            &codes::MISPLACED_IMPORT,
                            "imports must come before rules and declarations",
                        )
                        .with_primary(import.span, "import after a rule")
                        .with_secondary(
                            Span::new(item.span().start, item.span().start),
                            "first rule is here",
                        )
                        .with_help("move the import up, below the package declaration"),
                    );
                }
                imports.push(import);
            }
            Stmt::Item(item) => items.push(item),
        }
        first_stmt = false;
    }
    Module {
        span: Span::new(0, source.len() as u32),
        package,
        imports,
        items,
        comments: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
