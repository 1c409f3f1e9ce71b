//! A lexical pre-pass over policy text.
//!
//! The pest grammar decides structure; this scanner finds what pest reports
//! poorly and what the formatter needs: comments, unterminated strings, bad
//! escapes, unbalanced brackets, stray characters, and the line starts where
//! top-level items may begin (used to resume after a syntax error).

use crate::ast::Comment;
use crate::diagnostics::{Diagnostic, codes};
use crate::span::Span;

/// What the scanner found.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// Every comment, in order.
    pub comments: Vec<Comment>,
    /// Lexical errors, in order of position.
    pub errors: Vec<Diagnostic>,
    /// Whether brackets nest deeper than [`MAX_NESTING`]; the text is then
    /// not handed to the parser at all.
    pub too_deep: bool,
    /// Offsets of lines that start (at column 1) with a letter or `_` and
    /// are not an `else` continuation: places where a top-level item may
    /// start.
    pub item_starts: Vec<u32>,
    /// The subset of `item_starts` outside every bracket: lines where the
    /// previous item has certainly ended, so an incremental re-parse may
    /// stop there.
    pub balanced_item_starts: Vec<u32>,
}

/// How deeply brackets (and template expressions) may nest.
pub(crate) const MAX_NESTING: usize = 256;

/// Scans `source` (already known to be smaller than 4 GiB).
pub(crate) fn scan(source: &str) -> Scan {
    let mut scanner = Scanner {
        src: source.as_bytes(),
        text: source,
        pos: 0,
        depth: 0,
        out: Scan::default(),
    };
    scanner.code(None);
    scanner.out.errors.sort_by_key(Diagnostic::primary_span);
    scanner.out
}

struct Scanner<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    /// Open brackets and template expressions around `pos`.
    depth: usize,
    out: Scan,
}

/// How a template string is delimited.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    Double,
    Backtick,
}

impl Scanner<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos + ahead).copied()
    }

    fn span(start: usize, end: usize) -> Span {
        Span::new(start as u32, end as u32)
    }

    /// Scans code until EOF, or (inside a template expression) until the
    /// `}` that closes it. Returns whether that `}` was found.
    fn code(&mut self, template: Option<Quote>) -> bool {
        let mut open: Vec<(u8, usize)> = Vec::new();
        while let Some(byte) = self.peek(0) {
            if template.is_none() && self.at_line_start() && is_name_start(byte) {
                self.note_item_start(open.is_empty() && self.depth == 0);
            }
            match byte {
                b'#' => self.comment(),
                b'"' => self.string(),
                b'`' => self.raw_string(),
                b'$' if matches!(self.peek(1), Some(b'"' | b'`')) => self.template(),
                b'(' | b'[' | b'{' => {
                    if self.depth + open.len() >= MAX_NESTING {
                        self.nesting_too_deep();
                        return false;
                    }
                    open.push((byte, self.pos));
                    self.pos += 1;
                }
                b')' | b']' | b'}' => {
                    if byte == b'}' && template.is_some() && open.is_empty() {
                        self.pos += 1;
                        return true;
                    }
                    self.close(&mut open, byte);
                    self.pos += 1;
                }
                b'\n' if template == Some(Quote::Double) => break,
                _ if is_code_byte(byte) => self.pos += 1,
                _ => self.invalid_characters(),
            }
        }
        if !self.out.too_deep {
            for (opener, at) in open {
                self.out.errors.push(unclosed(opener, at));
            }
        }
        false
    }

    fn nesting_too_deep(&mut self) {
        self.out.too_deep = true;
        self.out.errors.push(
            Diagnostic::new(
                &codes::NESTING_TOO_DEEP,
                format!("brackets are nested more than {MAX_NESTING} levels deep"),
            )
            .with_primary(Self::span(self.pos, self.pos + 1), "too deep")
            .with_help("split the value into helper rules, or load deep data from a data file"),
        );
        self.pos = self.src.len();
    }

    fn at_line_start(&self) -> bool {
        self.pos == 0 || self.src.get(self.pos - 1) == Some(&b'\n')
    }

    fn note_item_start(&mut self, balanced: bool) {
        let rest = self.text.get(self.pos..).unwrap_or_default();
        let word_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        let continues = rest.get(word_len..).is_some_and(|r| r.starts_with('.'));
        if rest.get(..word_len) != Some("else") || continues {
            self.out.item_starts.push(self.pos as u32);
            if balanced {
                self.out.balanced_item_starts.push(self.pos as u32);
            }
        }
    }

    fn close(&mut self, open: &mut Vec<(u8, usize)>, closer: u8) {
        let wanted = opener_for(closer);
        match open.iter().rposition(|&(opener, _)| opener == wanted) {
            Some(index) => {
                // Everything opened after the matching opener was never closed.
                for &(opener, at) in open.get(index + 1..).unwrap_or_default() {
                    self.out.errors.push(unclosed(opener, at));
                }
                open.truncate(index);
            }
            None => {
                let at = Self::span(self.pos, self.pos + 1);
                let mut diagnostic = Diagnostic::new(
                    &codes::UNMATCHED_DELIMITER,
                    format!("unexpected closing `{}`", closer as char),
                );
                diagnostic = match open.last() {
                    Some(&(opener, opened_at)) => diagnostic
                        .with_primary(at, format!("expected `{}` here", closer_for(opener)))
                        .with_secondary(
                            Self::span(opened_at, opened_at + 1),
                            format!("`{}` opened here", opener as char),
                        ),
                    None => diagnostic.with_primary(at, "nothing to close"),
                };
                self.out
                    .errors
                    .push(diagnostic.with_help("remove it, or add the matching opener"));
            }
        }
    }

    fn comment(&mut self) {
        let start = self.pos;
        let line_end = self.line_end();
        // Trailing blanks are not part of the comment, so spans that end
        // where a comment ends can be trimmed exactly.
        let text = self
            .text
            .get(start + 1..line_end)
            .unwrap_or_default()
            .trim_end();
        self.out.comments.push(Comment {
            span: Self::span(start, start + 1 + text.len()),
            text: text.to_string(),
        });
        self.pos = line_end;
    }

    fn line_end(&self) -> usize {
        self.src
            .get(self.pos..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            .map_or(self.src.len(), |n| self.pos + n)
    }

    /// A double-quoted string, starting at its opening quote.
    fn string(&mut self) {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek(0) {
                None | Some(b'\n') => {
                    self.unterminated(start, "\"");
                    return;
                }
                Some(b'"') => {
                    self.pos += 1;
                    return;
                }
                Some(b'\\') => self.escape(false),
                Some(_) => self.pos += 1,
            }
        }
    }

    fn raw_string(&mut self) {
        let start = self.pos;
        self.pos += 1;
        match self
            .src
            .get(self.pos..)
            .and_then(|r| r.iter().position(|&b| b == b'`'))
        {
            Some(n) => self.pos += n + 1,
            None => {
                self.pos = self.src.len();
                self.unterminated(start, "`");
            }
        }
    }

    /// `$"..."` or `` $`...` ``, starting at the `$`.
    fn template(&mut self) {
        let start = self.pos;
        let quote = if self.peek(1) == Some(b'"') {
            Quote::Double
        } else {
            Quote::Backtick
        };
        let closer = if quote == Quote::Double { b'"' } else { b'`' };
        self.pos += 2;
        loop {
            match self.peek(0) {
                None => {
                    self.unterminated(start, if quote == Quote::Double { "\"" } else { "`" });
                    return;
                }
                Some(b'\n') if quote == Quote::Double => {
                    self.unterminated(start, "\"");
                    return;
                }
                Some(b) if b == closer => {
                    self.pos += 1;
                    return;
                }
                Some(b'\\') if quote == Quote::Double => self.escape(true),
                Some(b'\\') if self.peek(1) == Some(b'{') => self.pos += 2,
                Some(b'{') => {
                    let open = self.pos;
                    self.pos += 1;
                    self.depth += 1;
                    if self.depth >= MAX_NESTING {
                        self.nesting_too_deep();
                        return;
                    }
                    let closed = self.code(Some(quote));
                    self.depth -= 1;
                    if self.out.too_deep {
                        return;
                    }
                    if !closed {
                        self.out.errors.push(
                            Diagnostic::new(
                                &codes::UNCLOSED_TEMPLATE_EXPR,
                                "template expression is never closed",
                            )
                            .with_primary(Self::span(open, open + 1), "this `{` has no `}`")
                            .with_help(
                                "close the expression with `}`, or write `\\{` for a literal brace",
                            ),
                        );
                        if self.peek(0) != Some(b'\n') {
                            return;
                        }
                    }
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// A backslash escape inside a double-quoted (template) string.
    fn escape(&mut self, in_template: bool) {
        let start = self.pos;
        let valid = match self.peek(1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => 2,
            Some(b'{') if in_template => 2,
            Some(b'u') => {
                let hex = (2..6).all(|i| self.peek(i).is_some_and(|b| b.is_ascii_hexdigit()));
                if hex { 6 } else { 0 }
            }
            _ => 0,
        };
        if valid > 0 {
            self.pos += valid;
            return;
        }
        let shown = self
            .text
            .get(start..)
            .and_then(|rest| rest.chars().nth(1))
            .filter(|c| *c != '\n');
        let len = 1 + shown.map_or(0, char::len_utf8);
        self.out.errors.push(
            Diagnostic::new(
                &codes::INVALID_ESCAPE,
                match shown {
                    Some(c) => format!("invalid escape sequence `\\{c}`"),
                    None => "invalid escape sequence".to_string(),
                },
            )
            .with_primary(Self::span(start, start + len), "not a valid escape")
            .with_help("valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX; for regular expressions use a raw string (`...`)"),
        );
        self.pos += len;
    }

    fn unterminated(&mut self, start: usize, quote: &str) {
        let end = if quote == "`" {
            start + 1
        } else {
            self.line_end().max(start + 1)
        };
        let end = end.min(self.src.len()).max(start);
        self.out.errors.push(
            Diagnostic::new(&codes::UNTERMINATED_STRING, "unterminated string")
                .with_primary(Self::span(start, end), format!("this string has no closing {quote}"))
                .with_help(if quote == "`" {
                    "add the closing backtick".to_string()
                } else {
                    "add the closing `\"`; strings in double quotes cannot span lines (use a raw `...` string for that)".to_string()
                }),
        );
        if quote != "`" {
            self.pos = self.line_end();
        }
    }

    fn invalid_characters(&mut self) {
        let start = self.pos;
        let rest = self.text.get(start..).unwrap_or_default();
        let len: usize = rest
            .chars()
            .take_while(|c| !c.is_ascii() || !is_code_byte(*c as u8))
            .map(char::len_utf8)
            .sum::<usize>()
            .max(1);
        let shown = self.text.get(start..start + len).unwrap_or("?");
        self.out.errors.push(
            Diagnostic::new(
                &codes::INVALID_CHARACTER,
                format!("unexpected character `{shown}`"),
            )
            .with_primary(Self::span(start, start + len), "not allowed here")
            .with_help(
                "outside strings and comments only ASCII names, numbers and operators are allowed",
            ),
        );
        self.pos = start + len;
    }
}

fn is_name_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

/// Bytes that may appear in code outside strings and comments.
fn is_code_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || matches!(
            byte,
            b'_' | b' '
                | b'\t'
                | b'\r'
                | b'\n'
                | b'.'
                | b','
                | b';'
                | b':'
                | b'='
                | b'!'
                | b'<'
                | b'>'
                | b'+'
                | b'-'
                | b'*'
                | b'/'
                | b'%'
                | b'|'
                | b'&'
        )
}

fn opener_for(closer: u8) -> u8 {
    match closer {
        b')' => b'(',
        b']' => b'[',
        _ => b'{',
    }
}

fn closer_for(opener: u8) -> char {
    match opener {
        b'(' => ')',
        b'[' => ']',
        _ => '}',
    }
}

fn unclosed(opener: u8, at: usize) -> Diagnostic {
    Diagnostic::new(
        &codes::UNCLOSED_DELIMITER,
        format!("unclosed `{}`", opener as char),
    )
    .with_primary(
        Span::new(at as u32, at as u32 + 1),
        "opened here and never closed",
    )
    .with_help(format!("add the matching `{}`", closer_for(opener)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes_of(source: &str) -> Vec<&'static str> {
        scan(source).errors.iter().map(|d| d.code().id).collect()
    }

    #[test]
    fn finds_comments_outside_strings() {
        let found = scan("a := \"# not\" # yes\nb := `#raw` #two");
        let texts: Vec<_> = found.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, [" yes", "two"]);
    }

    #[test]
    fn reports_lexical_errors() {
        assert_eq!(codes_of("a := \"open\n"), ["E0003"]);
        assert_eq!(codes_of("a := \"\\d\""), ["E0004"]);
        assert_eq!(codes_of("a := [1, 2\n"), ["E0005"]);
        assert_eq!(codes_of("a := 1)"), ["E0006"]);
        assert_eq!(codes_of("a := @b"), ["E0007"]);
        assert!(codes_of("a := $\"x {y\"").contains(&"E0030"));
        assert!(codes_of("a := $\"x {y} \\{z}\"").is_empty());
    }

    #[test]
    fn mismatched_closer_reports_the_unclosed_inner_bracket_once() {
        let found = scan("p if {\n  x := [1, 2\n}\n");
        assert_eq!(found.errors.len(), 1);
        assert_eq!(found.errors[0].code().id, "E0005");
        assert_eq!(found.errors[0].primary_span(), Span::new(14, 15));
    }

    #[test]
    fn item_starts_skip_else_and_indented_lines() {
        let found = scan("p := 1 if {\n  x\n} \nelse := 2\nq := 3\nelse.x := 1\n");
        assert_eq!(found.item_starts, [0, 29, 36]);
    }

    #[test]
    fn balanced_item_starts_skip_lines_inside_brackets() {
        let found = scan(
            "p if {
x := 1
}
q := [
y
]
r := 1
",
        );
        assert_eq!(found.item_starts, [0, 7, 16, 23, 27]);
        assert_eq!(found.balanced_item_starts, [0, 16, 27]);
    }
}
