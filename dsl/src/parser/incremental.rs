//! Re-parsing after an edit without re-parsing the whole module.
//!
//! An editor changes a few characters at a time, and re-running pest over a
//! 5,000-line file costs tens of milliseconds. Top-level statements are
//! independent once bracket nesting returns to zero, so after an edit only
//! the statements around the changed bytes are parsed again: statements
//! wholly before the edit are kept as they are, statements wholly after it
//! are kept and moved by the change in length. The lexical scan and the
//! module-level checks are cheap and always run over the whole text. Text
//! with syntax or lexical errors is parsed from scratch, since error
//! recovery picks its regions, and words its messages, from the whole text.
//! So the result is always the one [`parse_module`](super::parse_module)
//! gives for the new text (a property test holds the two to it).

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
    /// The bytes of `source` the last parse or update ran the parser over.
    reparsed: std::ops::Range<usize>,
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

    /// The byte range of the current text that the last update ran the
    /// parser over (all of it after a parse from scratch).
    #[must_use]
    pub fn reparsed(&self) -> std::ops::Range<usize> {
        self.reparsed.clone()
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
            new_source,
            old_source.len(),
        );

        let mut suffix = stmts.split_off(region.keep_after);
        stmts.truncate(region.keep_before);
        let old_diagnostics = std::mem::take(&mut self.statement_diagnostics);
        let prefix_is_clean = old_diagnostics
            .iter()
            .all(|d| d.primary_span().start as usize >= region.start)
            && scan
                .errors
                .iter()
                .all(|d| d.primary_span().start as usize >= region.start);
        if !prefix_is_clean {
            *self = Self::parse_scanned(new_source, scan, self.options);
            return;
        }
        let (reparsed, mut diagnostics) =
            parse_statements(new_source, &scan, self.options, region.start, region.end);
        let suffix_is_clean = old_diagnostics
            .iter()
            .all(|d| (d.primary_span().start as usize) < region.old_end || !region.keeps_suffix);
        let mut reparsed_range = region.start..region.end;
        if diagnostics.is_empty() && suffix_is_clean && scan.errors.is_empty() {
            stmts.extend(reparsed);
            for stmt in &mut suffix {
                stmt.shift(edit.delta);
            }
            stmts.append(&mut suffix);
        } else {
            // Error recovery chooses its regions, and words its messages,
            // from all the text after the last clean statement: parse from
            // there to the end, as a parse from scratch does after the same
            // clean statements.
            let (rest, rest_diagnostics) = parse_statements(
                new_source,
                &scan,
                self.options,
                region.start,
                new_source.len(),
            );
            // pest words an error at the very first token of a parse
            // differently (it has tried nothing before it), and a parse from
            // scratch does not start there.
            let first_token = first_code_offset(new_source, region.start);
            if rest_diagnostics
                .iter()
                .any(|d| d.primary_span().start as usize <= first_token)
            {
                *self = Self::parse_scanned(new_source, scan, self.options);
                return;
            }
            stmts.extend(rest);
            diagnostics = rest_diagnostics;
            reparsed_range = region.start..new_source.len();
        }

        self.lexical_errors = scan.errors.clone();
        let (parsed, extra_packages) = finish(new_source, scan, stmts, &diagnostics, self.options);
        self.parsed = parsed;
        self.statement_diagnostics = diagnostics;
        self.extra_packages = extra_packages;
        self.reparsed = reparsed_range;
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
        Self::parse_scanned(source, scan, options)
    }

    /// Parses `source` from scratch with its lexical scan already done.
    fn parse_scanned(source: &str, scan: lexer::Scan, options: ParseOptions) -> Self {
        let lexical_errors = scan.errors.clone();
        let (stmts, statement_diagnostics) =
            parse_statements(source, &scan, options, 0, source.len());
        let (parsed, extra_packages) = finish(source, scan, stmts, &statement_diagnostics, options);
        Self {
            options,
            source: source.to_owned(),
            reparsed: 0..source.len(),
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
            reparsed: 0..source.len(),
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
        source: &str,
        old_len: usize,
    ) -> Self {
        // Re-parsing starts at an item start no later than the statement
        // before the edit (it may gain an `else` from it): where error
        // recovery of a parse from scratch would also resume, so a broken
        // edit cannot make the two disagree about the statements before it.
        let touched = stmts
            .iter()
            .position(|s| s.span().end as usize >= edit.start)
            .unwrap_or(stmts.len());
        let limit = stmts
            .get(touched.saturating_sub(1))
            .map_or(edit.start, |s| s.span().start as usize)
            .min(edit.start);
        // Statements are sorted and disjoint: only the last one starting
        // before `offset` can contain it.
        let inside_a_statement = |offset: usize| {
            let before = stmts.partition_point(|s| (s.span().start as usize) < offset);
            before
                .checked_sub(1)
                .and_then(|i| stmts.get(i))
                .is_some_and(|s| offset < s.span().end as usize)
        };
        let item_start_at_or_before = |limit: usize| {
            scan.item_starts
                .iter()
                .map(|&s| s as usize)
                .rev()
                .find(|&s| s <= limit && !inside_a_statement(s))
                .unwrap_or(0)
        };
        let mut start = item_start_at_or_before(limit);
        let mut keep_before;
        loop {
            keep_before = stmts.partition_point(|s| (s.span().end as usize) <= start);
            // Code between the last kept statement and `start` that made no
            // statement was swallowed by error recovery, whose extent depends
            // on the text after it: parse it again too.
            let gap_start = keep_before
                .checked_sub(1)
                .and_then(|i| stmts.get(i))
                .map_or(0, |s| s.span().end as usize);
            if start == 0 || only_trivia(source.get(gap_start..start).unwrap_or_default()) {
                break;
            }
            start = item_start_at_or_before(gap_start.min(start - 1));
        }
        if errors_from(old_lexical_errors, 0, start, 0) != errors_from(&scan.errors, 0, start, 0) {
            start = 0;
            keep_before = 0;
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

/// The offset of the first character at or after `from` that is neither
/// blank nor in a comment.
fn first_code_offset(source: &str, from: usize) -> usize {
    let mut offset = from;
    let mut in_comment = false;
    for c in source.get(from..).unwrap_or_default().chars() {
        match c {
            '\n' => in_comment = false,
            '#' => in_comment = true,
            c if in_comment || c.is_whitespace() => {}
            _ => return offset,
        }
        offset += c.len_utf8();
    }
    offset
}

/// Whether `text` is only blanks and comment lines.
fn only_trivia(text: &str) -> bool {
    text.lines().all(|line| {
        let line = line.trim();
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
