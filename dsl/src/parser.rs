//! Turns policy text into the spanned AST.
//!
//! The pest grammar (`grammar.pest`) recognises the text; this module builds
//! the AST from pest's pairs, checks what the grammar deliberately accepts
//! too loosely (Rego v1 keyword rules, statement separators, declaration
//! shapes), and recovers from syntax errors by resuming at the next line that
//! can start a top-level item, so every broken item is reported.

mod build;
mod errors;
mod incremental;
mod trim;
mod validate;

use pest::Parser as _;
use pest_derive::Parser;

use crate::ast::{Body, Expr, Import, Item, Module, Package};
use crate::diagnostics::{Diagnostic, codes};
use crate::lexer;
use crate::span::Span;
use crate::{ParseOptions, ParsedModule};

pub use incremental::IncrementalParse;

#[derive(Parser)]
#[grammar = "grammar.pest"]
struct Grammar;

/// A top-level statement before the module is assembled.
#[expect(
    clippy::large_enum_variant,
    reason = "short-lived, moved into the module"
)]
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
    IncrementalParse::new(source, options).into_parsed()
}

/// A module whose size or nesting stops it from being parsed at all.
fn unparsable(diagnostics: Vec<Diagnostic>) -> ParsedModule {
    ParsedModule {
        module: Module {
            span: Span::new(0, 0),
            package: None,
            imports: Vec::new(),
            items: Vec::new(),
            comments: Vec::new(),
        },
        diagnostics,
    }
}

/// The diagnostic for a source of 4 GiB or more.
fn too_large() -> Diagnostic {
    Diagnostic::new(
        &codes::UNEXPECTED_TOKEN,
        "file is too large to parse (4 GiB or more)",
    )
    .with_primary(Span::new(0, 0), "")
}

/// Parses the statements of `source[start..end]` with error recovery:
/// the statements in source order and the syntax diagnostics.
fn parse_statements(
    source: &str,
    scan: &lexer::Scan,
    options: ParseOptions,
    start: usize,
    end: usize,
) -> (Vec<Stmt>, Vec<Diagnostic>) {
    let mut recovery = Recovery {
        source,
        scan,
        options,
        stmts: Vec::new(),
        diagnostics: Vec::new(),
    };
    recovery.parse_range(start, end);
    (recovery.stmts, recovery.diagnostics)
}

/// A module assembled from its statements, with the module-level checks
/// run; also returns the packages beyond the first, which the module
/// leaves out.
fn finish(
    source: &str,
    scan: lexer::Scan,
    stmts: Vec<Stmt>,
    statement_diagnostics: &[Diagnostic],
    options: ParseOptions,
) -> (ParsedModule, Vec<Package>) {
    let mut diagnostics = scan.errors;
    diagnostics.extend_from_slice(statement_diagnostics);
    let (mut module, extra_packages) = assemble(source, stmts, &mut diagnostics);
    module.comments = scan.comments;
    validate::check_module(source, &module, options, &mut diagnostics);
    diagnostics.sort_by_key(|d| (d.primary_span().start, d.code().id));
    diagnostics.dedup();
    let parsed = ParsedModule {
        module,
        diagnostics,
    };
    (parsed, extra_packages)
}

/// Parses ranges of a module, resuming after syntax errors at the next
/// line that can start a top-level item.
struct Recovery<'s> {
    source: &'s str,
    scan: &'s lexer::Scan,
    options: ParseOptions,
    stmts: Vec<Stmt>,
    diagnostics: Vec<Diagnostic>,
}

impl Recovery<'_> {
    /// Parses `source[start..end]`; returns whether it parsed without a
    /// syntax error.
    fn parse_range(&mut self, start: usize, end: usize) -> bool {
        let mut clean = true;
        let mut pos = start;
        while pos < end {
            let chunk = self.source.get(pos..end).unwrap_or_default();
            let error = match Grammar::parse(Rule::file, chunk) {
                Ok(pairs) => {
                    let mut builder =
                        build::Builder::new(self.source, &self.scan.comments, pos, self.options);
                    self.stmts.extend(builder.file(pairs));
                    self.diagnostics.extend(builder.into_diagnostics());
                    return clean;
                }
                Err(error) => error,
            };
            clean = false;
            let error_at = pos + errors::error_offset(&error);
            let starts = &self.scan.item_starts;
            let failing_item = starts
                .iter()
                .rev()
                .map(|&s| s as usize)
                .find(|&s| s > pos && s <= error_at && s < end);
            if let Some(item) = failing_item {
                // Parse what precedes the failing item on its own: if that fails
                // too, the earlier text ran into this item and is the real problem.
                if !self.parse_range(pos, item) {
                    pos = item;
                    continue;
                }
            }
            let item = failing_item.unwrap_or(pos);
            let next = starts
                .iter()
                .map(|&s| s as usize)
                .find(|&s| s > error_at.max(item) && s < end);
            let region_end = next.unwrap_or(end);
            let lexical_error_here = self.scan.errors.iter().any(|d| {
                let at = d.primary_span().start as usize;
                at >= item && at < region_end.max(item + 1)
            });
            if !lexical_error_here {
                self.diagnostics.push(errors::syntax_error(
                    self.source,
                    chunk,
                    pos,
                    Rule::file,
                    &error,
                ));
            }
            pos = region_end;
        }
        clean
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
fn assemble(
    source: &str,
    stmts: Vec<Stmt>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Module, Vec<Package>) {
    let mut package: Option<Package> = None;
    let mut extra_packages = Vec::new();
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
                    extra_packages.push(p);
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
    let module = Module {
        span: Span::new(0, source.len() as u32),
        package,
        imports,
        items,
        comments: Vec::new(),
    };
    (module, extra_packages)
}

#[cfg(test)]
mod tests;
