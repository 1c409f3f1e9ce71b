//! `regex.globs_match`: whether two glob-like patterns (`.`, `[set]`,
//! literal characters, each optionally followed by `*` or `+`; `\` escapes)
//! accept a common string.
//!
//! Each pattern is a chain of positions; the search walks pairs of
//! positions (a product automaton) and succeeds when both ends are reached.

use std::collections::{BTreeSet, HashSet};

/// The characters one token accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Chars {
    Any,
    Set(BTreeSet<char>),
}

impl Chars {
    fn overlaps(&self, other: &Chars) -> bool {
        match (self, other) {
            (Chars::Any, Chars::Any) => true,
            (Chars::Any, Chars::Set(set)) | (Chars::Set(set), Chars::Any) => !set.is_empty(),
            (Chars::Set(a), Chars::Set(b)) => a.iter().any(|c| b.contains(c)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeat {
    One,
    Star,
    Plus,
}

#[derive(Debug, Clone)]
struct Token {
    chars: Chars,
    repeat: Repeat,
}

fn invalid(input: &str, pos: usize, message: &str) -> String {
    format!("input:{input}, pos:{pos}, {message}: the input provided is invalid")
}

/// The next character and whether it was escaped; `pos` advances past it.
fn next_char(input: &str, chars: &[char], pos: &mut usize) -> Result<Option<(char, bool)>, String> {
    let Some(&c) = chars.get(*pos) else {
        return Ok(None);
    };
    if c == '\\' {
        let Some(&escaped) = chars.get(*pos + 1) else {
            return Err(invalid(
                input,
                *pos,
                "input ends with a \\ (escape) character",
            ));
        };
        *pos += 2;
        return Ok(Some((escaped, true)));
    }
    *pos += 1;
    Ok(Some((c, false)))
}

fn tokenize(input: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = input.chars().collect();
    let mut pos = 0;
    let mut tokens: Vec<Token> = Vec::new();
    while let Some((c, escaped)) = next_char(input, &chars, &mut pos)? {
        let token_chars = match (c, escaped) {
            ('.', false) => Chars::Any,
            (']', false) => {
                return Err(invalid(input, pos, "set-close ']' with no preceding '['"));
            }
            ('[', false) => Chars::Set(set(input, &chars, &mut pos)?),
            ('*' | '+', false) => {
                let repeat = if c == '*' { Repeat::Star } else { Repeat::Plus };
                match tokens.last_mut() {
                    Some(last) if last.repeat == Repeat::One => last.repeat = repeat,
                    _ => {
                        return Err(invalid(
                            input,
                            pos,
                            &format!("flag '{c}' must be preceded by a non-flag"),
                        ));
                    }
                }
                continue;
            }
            (other, _) => Chars::Set(BTreeSet::from([other])),
        };
        tokens.push(Token {
            chars: token_chars,
            repeat: Repeat::One,
        });
    }
    Ok(tokens)
}

/// The members of a `[...]` set whose `[` was just read.
fn set(input: &str, chars: &[char], pos: &mut usize) -> Result<BTreeSet<char>, String> {
    let mut members = BTreeSet::new();
    let mut prev: Option<char> = None;
    while let Some((c, escaped)) = next_char(input, chars, pos)? {
        match (c, escaped) {
            (']', false) => return Ok(members),
            ('-', false) => {
                let Some(low) = prev else {
                    return Err(invalid(
                        input,
                        *pos,
                        "range character '-' must be preceded by a Unicode character",
                    ));
                };
                let Some((high, high_escaped)) = next_char(input, chars, pos)? else {
                    return Err(invalid(
                        input,
                        *pos,
                        "range character '-' must be followed by a Unicode character",
                    ));
                };
                if !high_escaped && matches!(high, ']' | '-') {
                    return Err(invalid(
                        input,
                        *pos,
                        "range character '-' cannot be followed by a special symbol",
                    ));
                }
                if high < low {
                    return Err(invalid(
                        input,
                        *pos,
                        &format!("range is out of order: '{high}' comes before '{low}' in Unicode"),
                    ));
                }
                members.extend(low..=high);
                prev = None;
            }
            (other, _) => {
                members.insert(other);
                prev = Some(other);
            }
        }
    }
    Err(invalid(input, *pos, "found [ without matching ]"))
}

/// Positions reachable from `i` without reading a character.
fn closure(tokens: &[Token], mut i: usize) -> Vec<usize> {
    let mut out = vec![i];
    while tokens.get(i).is_some_and(|t| t.repeat == Repeat::Star) {
        i += 1;
        out.push(i);
    }
    out
}

/// Positions reachable from `i` by reading one character of the token at
/// `i` (`None` past the end).
fn step(tokens: &[Token], i: usize) -> Option<(&Chars, Vec<usize>)> {
    let token = tokens.get(i)?;
    let targets = match token.repeat {
        Repeat::One => vec![i + 1],
        // After one character of `x+` we may read more or move on.
        Repeat::Star | Repeat::Plus => vec![i, i + 1],
    };
    Some((&token.chars, targets))
}

/// Whether the two patterns accept a common string.
pub(crate) fn intersects(first: &str, second: &str) -> Result<bool, String> {
    let a = tokenize(first)?;
    let b = tokenize(second)?;
    let mut seen = HashSet::new();
    let mut work: Vec<(usize, usize)> = Vec::new();
    for i in closure(&a, 0) {
        for j in closure(&b, 0) {
            work.push((i, j));
        }
    }
    while let Some((i, j)) = work.pop() {
        if !seen.insert((i, j)) {
            continue;
        }
        if i == a.len() && j == b.len() {
            return Ok(true);
        }
        let (Some((chars_a, next_a)), Some((chars_b, next_b))) = (step(&a, i), step(&b, j)) else {
            continue;
        };
        if !chars_a.overlaps(chars_b) {
            continue;
        }
        for &na in &next_a {
            for &nb in &next_b {
                for ca in closure(&a, na) {
                    for cb in closure(&b, nb) {
                        work.push((ca, cb));
                    }
                }
            }
        }
    }
    Ok(false)
}
