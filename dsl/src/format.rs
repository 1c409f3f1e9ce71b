//! The canonical formatter: prints a module in one fixed layout.
//!
//! The layout follows `opa fmt` (Rego v1 output): tab indentation, the
//! `package` clause first, then imports, then rules and declarations, each
//! group separated by one blank line. Choices the author made that carry
//! meaning for readers are kept: `:=` versus `=`, number spellings, raw
//! strings, parentheses, whether a body was written as `if expr` or braced,
//! and whether a collection was written on one line or several.
//!
//! Every comment of the module is printed exactly once. A comment before a
//! node stays before it, a comment at the end of a line stays at the end of
//! that line, and a comment inside a construct that is printed on one line
//! moves up to its own line just above.
//!
//! Invariant: formatting is idempotent, and re-parsing the output gives the
//! same tree as the input, spans aside.

mod decl;
mod expr;
mod items;

use crate::ast::{self, Comment, Module};
use crate::{Diagnostic, ParseOptions, Severity};

/// Formats a parsed module. `source` is the text `module` was parsed from;
/// it is read for comments, blank lines and whether constructs were written
/// on one line or several.
#[must_use]
pub fn format_module(module: &ast::Module, source: &str) -> String {
    let mut printer = Printer::new(source, &module.comments);
    printer.module(module);
    let end = module
        .items
        .last()
        .map(ast::Item::span)
        .or_else(|| module.imports.last().map(|import| import.span))
        .or_else(|| module.package.as_ref().map(|package| package.span))
        .map_or(0, |span| span.end);
    printer.finish(end)
}

/// Parses `source` and formats it.
///
/// # Errors
/// Every diagnostic of the parse when any of them is an error; the source is
/// not formatted then.
pub fn format_source(source: &str, options: ParseOptions) -> Result<String, Vec<Diagnostic>> {
    let parsed = crate::parse_module(source, options);
    if parsed
        .diagnostics
        .iter()
        .any(|d| d.severity() == Severity::Error)
    {
        return Err(parsed.diagnostics);
    }
    Ok(format_module(&parsed.module, source))
}

/// Characters allowed between the end of a node and a comment that is
/// printed at the end of that node's line.
fn is_trailing_gap(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | ',' | ';')
}

/// Counts the line breaks in `text` that lie outside string literals (raw
/// strings and templates may span lines without making their container a
/// multi-line one). `text` starts at a token boundary.
fn line_breaks(text: &str) -> usize {
    let mut chars = text.chars().peekable();
    let mut count = 0;
    while let Some(c) = chars.next() {
        match c {
            '\n' => count += 1,
            '#' => {
                if chars.any(|c| c == '\n') {
                    count += 1;
                }
            }
            _ => skip_literal(c, &mut chars),
        }
    }
    count
}

type Chars<'s> = std::iter::Peekable<std::str::Chars<'s>>;

/// If `c` opens a string, raw string or template, skips to its end.
fn skip_literal(c: char, chars: &mut Chars<'_>) {
    match c {
        '"' => skip_quoted(chars, '"', false),
        '`' => skip_quoted(chars, '`', false),
        '$' => match chars.peek() {
            Some('"') => {
                chars.next();
                skip_quoted(chars, '"', true);
            }
            Some('`') => {
                chars.next();
                skip_quoted(chars, '`', true);
            }
            _ => {}
        },
        _ => {}
    }
}

/// Skips to the closing `delim`; in templates, `{...}` parts are skipped
/// as nested expressions.
fn skip_quoted(chars: &mut Chars<'_>, delim: char, template: bool) {
    while let Some(c) = chars.next() {
        if c == delim {
            return;
        }
        match c {
            '\\' if delim == '"' || chars.peek() == Some(&'{') => {
                chars.next();
            }
            '{' if template => skip_braced(chars),
            _ => {}
        }
    }
}

/// Skips an expression up to its unmatched closing `}`.
fn skip_braced(chars: &mut Chars<'_>) {
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return,
            '}' => depth -= 1,
            _ => skip_literal(c, chars),
        }
    }
}

/// Output buffer, indentation and the queue of comments not yet printed.
pub(crate) struct Printer<'a> {
    source: &'a str,
    /// Comments sorted by position.
    comments: Vec<&'a Comment>,
    /// Index of the first comment not yet printed.
    next: usize,
    /// Source end of the last printed comment.
    last_comment_end: u32,
    /// Whether the last output line is a comment printed on its own line.
    after_comment_line: bool,
    out: String,
    indent: usize,
    /// Offset in `out` where the current output line starts.
    line_start: usize,
    /// Indentation of the current output line (valid once it has text).
    line_indent: usize,
    /// When positive, collections and calls are printed on one line.
    single_line: usize,
}

impl<'a> Printer<'a> {
    fn new(source: &'a str, comments: &'a [Comment]) -> Self {
        let mut sorted: Vec<&Comment> = comments.iter().collect();
        sorted.sort_by_key(|c| c.span.start);
        Self {
            source,
            comments: sorted,
            next: 0,
            last_comment_end: 0,
            after_comment_line: false,
            out: String::new(),
            indent: 0,
            line_start: 0,
            line_indent: 0,
            single_line: 0,
        }
    }

    /// Prints the comments after the last item and returns the text.
    fn finish(mut self, last_item_end: u32) -> String {
        self.end_line();
        if let Some(first) = self.pending() {
            let from = last_item_end.max(self.last_comment_end);
            if !self.out.is_empty() && self.blank_in(from, first.span.start) {
                self.blank_line();
            }
            self.flush_before(u32::MAX);
        }
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        self.out
    }

    // ------------------------------------------------------------ output

    fn write(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.line_is_empty() {
            for _ in 0..self.indent {
                self.out.push('\t');
            }
            self.line_indent = self.indent;
        }
        self.out.push_str(text);
        self.after_comment_line = false;
    }

    fn line_is_empty(&self) -> bool {
        self.out.len() == self.line_start
    }

    /// Ends the current line (trimming trailing blanks).
    fn newline(&mut self) {
        let trimmed = self.out.trim_end_matches([' ', '\t']).len();
        self.out.truncate(trimmed.max(self.line_start));
        self.out.push('\n');
        self.line_start = self.out.len();
    }

    /// Ends the current line unless nothing was written on it.
    fn end_line(&mut self) {
        if !self.line_is_empty() {
            self.newline();
        }
    }

    /// Ensures the output ends with exactly one empty line (none at the
    /// start of the output).
    fn blank_line(&mut self) {
        self.end_line();
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
            self.line_start = self.out.len();
        }
    }

    fn indented(&mut self, f: impl FnOnce(&mut Self)) {
        self.indent += 1;
        f(self);
        self.indent = self.indent.saturating_sub(1);
    }

    // ------------------------------------------------------------ source facts

    fn text(&self, start: u32, end: u32) -> &'a str {
        self.source
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// Whether the source between two offsets contains a line break
    /// outside string literals.
    fn breaks_between(&self, start: u32, end: u32) -> bool {
        line_breaks(self.text(start, end)) > 0
    }

    /// Whether the source between two offsets contains an empty line.
    fn blank_in(&self, start: u32, end: u32) -> bool {
        line_breaks(self.text(start, end)) >= 2
    }

    /// Whether an empty line separates `prev_end` from the next thing to
    /// print, which starts at `next_start` or at a pending comment before
    /// it. Printed comments in between count as content.
    fn blank_before(&self, prev_end: u32, next_start: u32) -> bool {
        let from = if self.last_comment_end <= next_start {
            prev_end.max(self.last_comment_end)
        } else {
            prev_end
        };
        let to = match self.pending() {
            Some(c) if c.span.start < next_start => c.span.start,
            _ => next_start,
        };
        from < to && self.blank_in(from, to)
    }

    // ------------------------------------------------------------ comments

    fn pending(&self) -> Option<&'a Comment> {
        self.comments.get(self.next).copied()
    }

    fn take_comment(&mut self) -> Option<&'a Comment> {
        let comment = self.pending()?;
        self.next += 1;
        self.last_comment_end = self.last_comment_end.max(comment.span.end);
        Some(comment)
    }

    fn comment_text(comment: &Comment) -> String {
        format!("#{}", comment.text.trim_end())
    }

    /// Prints the comments before `pos` on their own lines; comments that
    /// come in the middle of a line move above it.
    fn flush_before(&mut self, pos: u32) {
        while let Some(comment) = self.pending() {
            if comment.span.start >= pos {
                break;
            }
            if self.line_is_empty() {
                if self.after_comment_line
                    && self.blank_in(self.last_comment_end, comment.span.start)
                {
                    self.blank_line();
                }
                self.take_comment();
                self.write(&Self::comment_text(comment));
                self.newline();
                self.after_comment_line = true;
            } else {
                self.take_comment();
                let mut line = "\t".repeat(self.line_indent);
                line.push_str(&Self::comment_text(comment));
                line.push('\n');
                self.out.insert_str(self.line_start, &line);
                self.line_start += line.len();
            }
        }
    }

    /// Like [`Self::flush_before`] for a node that starts a line: keeps one
    /// empty line between the comments and the node if the source had one.
    fn leading(&mut self, pos: u32) {
        let before = self.next;
        self.flush_before(pos);
        if self.next > before && self.line_is_empty() && self.blank_in(self.last_comment_end, pos) {
            self.blank_line();
        }
    }

    /// Prints the comment that follows `end` on the same source line, if
    /// any, at the end of the current line.
    fn trailing_comment(&mut self, end: u32) {
        let Some(comment) = self.pending() else {
            return;
        };
        // A node span that ends inside the comment (the parser stretches a
        // span over a comment that has trailing blanks) still ends where
        // the comment starts.
        let overlaps = comment.span.start < end && end <= comment.span.end;
        if !overlaps
            && (comment.span.start < end
                || !self
                    .text(end, comment.span.start)
                    .chars()
                    .all(is_trailing_gap))
        {
            return;
        }
        self.take_comment();
        if self.line_is_empty() {
            self.write(&Self::comment_text(comment));
            self.after_comment_line = true;
        } else {
            self.write(" ");
            self.write(&Self::comment_text(comment));
        }
        self.newline();
    }

    /// Ends the line of a node that ended at `end`, with its trailing
    /// comment.
    fn finish_line(&mut self, end: u32) {
        self.trailing_comment(end);
        self.end_line();
    }

    /// Whether a comment is waiting that starts before `pos`.
    fn comment_before(&self, pos: u32) -> bool {
        self.pending().is_some_and(|c| c.span.start < pos)
    }

    // ------------------------------------------------------------ module

    fn module(&mut self, module: &Module) {
        if let Some(package) = &module.package {
            self.leading(package.span.start);
            self.write("package ");
            self.path(&package.path);
            self.finish_line(package.span.end);
        }
        let mut prev_end: Option<u32> = None;
        for import in &module.imports {
            match prev_end {
                None => self.blank_line(),
                Some(end) => {
                    if self.blank_before(end, import.span.start) {
                        self.blank_line();
                    }
                }
            }
            self.leading(import.span.start);
            self.write("import ");
            self.path(&import.path);
            if let Some(alias) = &import.alias {
                self.write(" as ");
                self.write(&alias.text);
            }
            self.finish_line(import.span.end);
            prev_end = Some(import.span.end);
        }
        self.items(&module.items);
    }
}
