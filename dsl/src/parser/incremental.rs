//! Re-parsing after an edit without re-parsing the whole module.
//!
//! An editor changes a few characters at a time, and re-running pest over a
//! 5,000-line file costs tens of milliseconds. Top-level statements are
//! independent once bracket nesting returns to zero, so after an edit only
//! the statements around the changed bytes are parsed again: statements
//! wholly before the edit are kept as they are, statements wholly after it
//! are kept and moved by the change in length. The lexical scan and the
//! module-level checks are cheap and always run over the whole text, so the
//! result is the one [`parse_module`](super::parse_module) gives for the new
//! text (a property test holds the two to it).

use super::{Stmt, finish, lexer, parse_statements, too_large, unparsable};
use crate::ast::Package;
use crate::ast::spans::SpansMut;
use crate::diagnostics::Diagnostic;
use crate::{ParseOptions, ParsedModule};

/// A parsed module that follows edits of its text.
#[derive(Debug, Clone)]
pub struct IncrementalParse {
    options: ParseOptions,
    /// The text of the current parse.
    source: String,
    parsed: ParsedModule,
    /// Syntax diagnostics of the statement parse, kept apart from the
    /// lexical and module-level ones that every update recomputes.
    statement_diagnostics: Vec<Diagnostic>,
    /// Packages beyond the first: reported, and left out of the module.
    extra_packages: Vec<Package>,
    /// The lexical errors of the current text. Recovery stays quiet about
    /// syntax errors next to a lexical one, so statements whose lexical
    /// surroundings changed (a bracket far below now closes theirs) are
    /// parsed again.
    lexical_errors: Vec<Diagnostic>,
}

impl IncrementalParse {
    /// Parses `source` from scratch.
    #[must_use]
    pub fn new(source: &str, options: ParseOptions) -> Self {
        Self::parse_all(source, options)
    }

    /// The parse of the current text.
    #[must_use]
    pub fn parsed(&self) -> &ParsedModule {
        &self.parsed
    }

    /// The parse of the current text, by value.
    #[must_use]
    pub fn into_parsed(self) -> ParsedModule {
        self.parsed
    }

    /// Brings the parse to `new_source`, re-parsing only the statements
    /// that changed since the last text.
    pub fn update(&mut self, new_source: &str) {
        let old_source = std::mem::take(&mut self.source);
        let old_source = old_source.as_str();
        if u32::try_from(new_source.len()).is_err() {
            *self = Self::parse_all(new_source, self.options);
            return;
        }
        let scan = lexer::scan(new_source);
        if scan.too_deep {
            *self = Self::unparsed(self.options, new_source, scan.errors);
            return;
        }
        let edit = Edit::between(old_source, new_source);
        let mut stmts = self.take_statements();
        let region = Region::find(
            &stmts,
            &edit,
            &self.lexical_errors,
            &scan,
            old_source,
            new_source,
        );

        let mut suffix = stmts.split_off(region.keep_after);
        stmts.truncate(region.keep_before);
        for stmt in &mut suffix {
            stmt.shift(edit.delta);
        }
        let (reparsed, reparsed_diagnostics) =
            parse_statements(new_source, &scan, self.options, region.start, region.end);
        stmts.extend(reparsed);
        stmts.append(&mut suffix);

        let mut diagnostics = Vec::with_capacity(self.statement_diagnostics.len());
        let mut moved = Vec::new();
        for mut diagnostic in std::mem::take(&mut self.statement_diagnostics) {
            let at = diagnostic.primary_span().start as usize;
            if at < region.start {
                diagnostics.push(diagnostic);
            } else if region.keeps_suffix && at >= region.old_end {
                diagnostic.shift(edit.delta);
                moved.push(diagnostic);
            }
        }
        diagnostics.extend(reparsed_diagnostics);
        diagnostics.append(&mut moved);

        self.lexical_errors = scan.errors.clone();
        let (parsed, extra_packages) = finish(new_source, scan, stmts, &diagnostics, self.options);
        self.parsed = parsed;
        self.statement_diagnostics = diagnostics;
        self.extra_packages = extra_packages;
        new_source.clone_into(&mut self.source);
    }

    fn parse_all(source: &str, options: ParseOptions) -> Self {
        if u32::try_from(source.len()).is_err() {
            return Self::unparsed(options, "", vec![too_large()]);
        }
        let scan = lexer::scan(source);
        if scan.too_deep {
            return Self::unparsed(options, source, scan.errors);
        }
        let lexical_errors = scan.errors.clone();
        let (stmts, statement_diagnostics) =
            parse_statements(source, &scan, options, 0, source.len());
        let (parsed, extra_packages) = finish(source, scan, stmts, &statement_diagnostics, options);
        Self {
            options,
            source: source.to_owned(),
            parsed,
            statement_diagnostics,
            extra_packages,
            lexical_errors,
        }
    }

    fn unparsed(options: ParseOptions, source: &str, diagnostics: Vec<Diagnostic>) -> Self {
        Self {
            options,
            source: source.to_owned(),
            parsed: unparsable(diagnostics),
            statement_diagnostics: Vec::new(),
            extra_packages: Vec::new(),
            lexical_errors: Vec::new(),
        }
    }

    /// Takes the module apart into its statements, in source order.
    fn take_statements(&mut self) -> Vec<Stmt> {
        let module = &mut self.parsed.module;
        let mut stmts: Vec<Stmt> = module
            .package
            .take()
            .into_iter()
            .chain(std::mem::take(&mut self.extra_packages))
            .map(Stmt::Package)
            .chain(
                std::mem::take(&mut module.imports)
                    .into_iter()
                    .map(Stmt::Import),
            )
            .chain(
                std::mem::take(&mut module.items)
                    .into_iter()
                    .map(Stmt::Item),
            )
            .collect();
        stmts.sort_by_key(|s| s.span().start);
        stmts
    }
}

/// Where two texts differ: `[start, old_end)` of the old text became
/// `[start, old_end + delta)` of the new one.
struct Edit {
    start: usize,
    old_end: usize,
    delta: i64,
}

impl Edit {
    fn between(old: &str, new: &str) -> Self {
        let (old_bytes, new_bytes) = (old.as_bytes(), new.as_bytes());
        let start = old_bytes
            .iter()
            .zip(new_bytes)
            .take_while(|(a, b)| a == b)
            .count();
        let room = old_bytes.len().min(new_bytes.len()) - start;
        let common_suffix = old_bytes
            .iter()
            .rev()
            .zip(new_bytes.iter().rev())
            .take(room)
            .take_while(|(a, b)| a == b)
            .count();
        Self {
            start,
            old_end: old_bytes.len() - common_suffix,
            delta: i64::try_from(new_bytes.len()).unwrap_or(i64::MAX)
                - i64::try_from(old_bytes.len()).unwrap_or(i64::MAX),
        }
    }

    /// Where an offset after the edit in the old text is in the new one.
    fn moved(&self, offset: usize) -> usize {
        usize::try_from(i64::try_from(offset).unwrap_or(i64::MAX) + self.delta).unwrap_or(0)
    }
}

/// The text an update parses again, and the statements it keeps.
struct Region {
    /// Statements `[0, keep_before)` are kept as they are.
    keep_before: usize,
    /// Statements `[keep_after, ..)` are kept, moved by the edit.
    keep_after: usize,
    /// Whether any statement after the edit is kept.
    keeps_suffix: bool,
    /// Where re-parsing starts (same offset in both texts).
    start: usize,
    /// Where re-parsing ends in the new text.
    end: usize,
    /// Where it ends in the old text.
    old_end: usize,
}

impl Region {
    fn find(
        stmts: &[Stmt],
        edit: &Edit,
        old_lexical_errors: &[Diagnostic],
        scan: &lexer::Scan,
        old_source: &str,
        new_source: &str,
    ) -> Self {
        let old_len = old_source.len();
        // One statement more than necessary is parsed again on each side:
        // the statement just before an edit may gain an `else` from it. The
        // last statement kept must end its line, since statements sharing a
        // line are checked for a `;` between them.
        let touched = stmts
            .iter()
            .position(|s| s.span().end as usize >= edit.start)
            .unwrap_or(stmts.len());
        let mut keep_before = touched.saturating_sub(1);
        while let Some(last) = keep_before.checked_sub(1).and_then(|i| stmts.get(i))
            && !ends_line(new_source, last.span().end as usize)
        {
            keep_before -= 1;
        }
        let mut start = keep_before
            .checked_sub(1)
            .and_then(|last| stmts.get(last))
            .map_or(0, |s| s.span().end as usize);
        if errors_from(old_lexical_errors, 0, start, 0) != errors_from(&scan.errors, 0, start, 0) {
            keep_before = 0;
            start = 0;
        }

        let balanced = |offset: usize| {
            u32::try_from(offset).is_ok_and(|o| scan.balanced_item_starts.binary_search(&o).is_ok())
        };
        let first_kept_after = stmts
            .iter()
            .enumerate()
            .skip(keep_before)
            .filter(|(_, s)| s.span().start as usize >= edit.old_end)
            .map(|(index, _)| index + 1)
            .find(|&index| {
                stmts
                    .get(index)
                    .is_some_and(|s| balanced(edit.moved(s.span().start as usize)))
            });
        let suffix = first_kept_after.and_then(|index| {
            let old_end = stmts.get(index)?.span().start as usize;
            let end = edit.moved(old_end);
            let same_lexical_errors =
                errors_from(old_lexical_errors, old_end, usize::MAX, edit.delta)
                    == errors_from(&scan.errors, end, usize::MAX, 0);
            same_lexical_errors.then_some((index, end, old_end))
        });
        match suffix {
            Some((keep_after, end, old_end)) => Region {
                keep_before,
                keep_after,
                keeps_suffix: true,
                start,
                end,
                old_end,
            },
            None => Region {
                keep_before,
                keep_after: stmts.len(),
                keeps_suffix: false,
                start,
                end: edit.moved(old_len),
                old_end: old_len,
            },
        }
    }
}

/// Whether only blanks or a comment follow `offset` on its line.
fn ends_line(source: &str, offset: usize) -> bool {
    let rest = source.get(offset..).unwrap_or_default();
    rest.split_once('\n').is_some_and(|(line, _)| {
        let line = line.trim_start();
        line.is_empty() || line.starts_with('#')
    })
}

/// The errors whose primary span starts in `[from, to)`, moved by `delta`.
fn errors_from(errors: &[Diagnostic], from: usize, to: usize, delta: i64) -> Vec<Diagnostic> {
    errors
        .iter()
        .filter(|d| (from..to).contains(&(d.primary_span().start as usize)))
        .cloned()
        .map(|mut d| {
            d.shift(delta);
            d
        })
        .collect()
}

impl SpansMut for Stmt {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut crate::span::Span)) {
        match self {
            Stmt::Package(package) => package.spans_mut(f),
            Stmt::Import(import) => import.spans_mut(f),
            Stmt::Item(item) => item.spans_mut(f),
        }
    }
}
