//! Splitting a template into text and `{{ }}` actions, and actions into
//! tokens.
//!
//! `{{- ` trims the whitespace before an action and ` -}}` the whitespace
//! after it (the space next to the dash is required, as in Go, so `{{-3}}`
//! is the number -3). `{{/* ... */}}` is a comment and produces nothing.

use super::Error;
use crate::number::Number;
use crate::value::Value;

/// A piece of template source.
#[derive(Debug, PartialEq)]
pub(super) enum Piece {
    /// Literal text, already trimmed by neighbouring trim markers.
    Text(String),
    /// The tokens of one action and the line it starts on.
    Action(Vec<Token>, usize),
}

/// One token of an action.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    /// `.`
    Dot,
    /// `.name` (a field of whatever precedes it, or of dot).
    Field(String),
    /// `$` or `$name` (the text includes the `$`).
    Var(String),
    /// A function name or keyword.
    Ident(String),
    /// A string, number, boolean constant, or `nil`.
    Const(Value),
    /// `|`
    Pipe,
    /// `(`
    Open,
    /// `)`
    Close,
    /// `:=`
    Declare,
    /// `=`
    Assign,
    /// `,`
    Comma,
}

/// A token and whether whitespace precedes it (`.a.b` is one chain,
/// `.a .b` two arguments).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) spaced: bool,
}

/// Whitespace as Go's template lexer sees it.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Splits `source` into text and tokenised actions.
pub(super) fn pieces(source: &str) -> Result<Vec<Piece>, Error> {
    let mut out = Vec::new();
    let mut rest = source;
    let mut trim_next = false;
    // Lines are counted incrementally so long templates stay linear.
    let mut line = 1;
    let mut counted = source;
    while let Some(open) = rest.find("{{") {
        let (text, after) = rest.split_at(open);
        let mut inner = tail(after, 2);
        let newly_read = head(counted, counted.len().saturating_sub(after.len()));
        line += newly_read.matches('\n').count();
        counted = after;
        let trim_before = inner.strip_prefix('-').filter(|r| r.starts_with(is_space));
        if let Some(trimmed) = trim_before {
            inner = trimmed;
        }
        let trim_before = trim_before.is_some();
        push_text(&mut out, text, trim_next, trim_before);
        let (tokens, close, trim_after) = action(inner.trim_start_matches(is_space), line)?;
        if let Some(tokens) = tokens {
            out.push(Piece::Action(tokens, line));
        }
        rest = close;
        trim_next = trim_after;
    }
    push_text(&mut out, rest, trim_next, false);
    Ok(out)
}

/// `text` from byte `n` on (empty past the end).
fn tail(text: &str, n: usize) -> &str {
    text.get(n..).unwrap_or_default()
}

/// The first `n` bytes of `text` (all of it past the end).
fn head(text: &str, n: usize) -> &str {
    text.get(..n).unwrap_or(text)
}

fn push_text(out: &mut Vec<Piece>, text: &str, trim_start: bool, trim_end: bool) {
    let mut text = text;
    if trim_start {
        text = text.trim_start_matches(is_space);
    }
    if trim_end {
        text = text.trim_end_matches(is_space);
    }
    if !text.is_empty() {
        out.push(Piece::Text(text.to_owned()));
    }
}

/// The tokens of the action starting at `body` (`None` for a comment), the
/// text after its `}}`, and whether it ends with a trim marker.
fn action(body: &str, line: usize) -> Result<(Option<Vec<Token>>, &str, bool), Error> {
    let unclosed = || Error::at(line, "unclosed action");
    if let Some(comment) = body.strip_prefix("/*") {
        let end = comment
            .find("*/")
            .ok_or_else(|| Error::at(line, "unclosed comment"))?;
        let closing = tail(comment, end + 2);
        let after = closing.trim_start_matches(is_space);
        let (trim, after) = match after.strip_prefix('-') {
            Some(rest) if closing.starts_with(is_space) => (true, rest),
            _ => (false, after),
        };
        let close = after
            .strip_prefix("}}")
            .ok_or_else(|| Error::at(line, "comment ends before closing delimiter"))?;
        return Ok((None, close, trim));
    }
    let mut tokens = Vec::new();
    let mut chars = body.char_indices().peekable();
    let mut spaced = true;
    while let Some((at, c)) = chars.next() {
        let rest = tail(body, at);
        if let Some(close) = rest.strip_prefix("}}") {
            return Ok((Some(tokens), close, false));
        }
        if is_space(c) {
            let after = rest.trim_start_matches(is_space);
            if let Some(close) = after.strip_prefix("-}}") {
                return Ok((Some(tokens), close, true));
            }
            spaced = true;
            continue;
        }
        let (tok, len) = token(rest, line)?;
        // Skip the rest of the token's characters.
        for _ in head(rest, len).chars().skip(1) {
            chars.next();
        }
        tokens.push(Token { tok, spaced });
        spaced = false;
    }
    Err(unclosed())
}

/// The token at the start of `rest` and its length in bytes.
fn token(rest: &str, line: usize) -> Result<(Tok, usize), Error> {
    let ident_len = |s: &str| {
        s.char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
            .map_or(s.len(), |(i, _)| i)
    };
    let mut chars = rest.chars();
    let first = chars.next().unwrap_or(' ');
    let second = chars.next();
    Ok(match first {
        '|' => (Tok::Pipe, 1),
        '(' => (Tok::Open, 1),
        ')' => (Tok::Close, 1),
        ',' => (Tok::Comma, 1),
        '=' => (Tok::Assign, 1),
        ':' if second == Some('=') => (Tok::Declare, 2),
        '.' if second.is_some_and(|c| c.is_alphabetic() || c == '_') => {
            let name = head(tail(rest, 1), ident_len(tail(rest, 1)));
            (Tok::Field(name.to_owned()), 1 + name.len())
        }
        '.' => (Tok::Dot, 1),
        '$' => {
            let len = 1 + ident_len(tail(rest, 1));
            (Tok::Var(head(rest, len).to_owned()), len)
        }
        '"' | '`' => {
            let (text, len) =
                string(rest, first).ok_or_else(|| Error::at(line, "unterminated quoted string"))?;
            (Tok::Const(Value::string(&text)), len)
        }
        c if c.is_ascii_digit()
            || (matches!(c, '-' | '+') && second.is_some_and(|d| d.is_ascii_digit())) =>
        {
            let len = rest
                .char_indices()
                .skip(1)
                .find(|&(i, c)| {
                    let exponent_sign =
                        matches!(c, '+' | '-') && head(rest, i).ends_with(['e', 'E']);
                    !(c.is_ascii_alphanumeric() || c == '.' || c == '_' || exponent_sign)
                })
                .map_or(rest.len(), |(i, _)| i);
            let written = head(rest, len);
            let number = Number::parse(written.trim_start_matches('+'))
                .ok_or_else(|| Error::at(line, format!("bad number syntax: {written:?}")))?;
            (Tok::Const(Value::Number(number)), len)
        }
        c if c.is_alphabetic() || c == '_' => {
            let len = ident_len(rest);
            let word = head(rest, len);
            let tok = match word {
                "true" => Tok::Const(Value::Bool(true)),
                "false" => Tok::Const(Value::Bool(false)),
                "nil" => Tok::Const(Value::Null),
                _ => Tok::Ident(word.to_owned()),
            };
            (tok, len)
        }
        other => return Err(Error::at(line, format!("unexpected {other:?} in command"))),
    })
}

/// A quoted (`"..."`, with Go escapes) or raw (`` `...` ``) string at the
/// start of `rest`: its value and length in bytes.
fn string(rest: &str, quote: char) -> Option<(String, usize)> {
    let body = tail(rest, 1);
    if quote == '`' {
        let end = body.find('`')?;
        return Some((head(body, end).to_owned(), end + 2));
    }
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 2)),
            '\n' => return None,
            '\\' => {
                let (_, escaped) = chars.next()?;
                out.push(match escaped {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '\\' => '\\',
                    '"' => '"',
                    '\'' => '\'',
                    'u' => {
                        let hex: String = (0..4)
                            .filter_map(|_| chars.next().map(|(_, h)| h))
                            .collect();
                        char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
                    }
                    _ => return None,
                });
            }
            c => out.push(c),
        }
    }
    None
}
