//! `semver.is_valid` and `semver.compare` (Semantic Versioning 2.0.0;
//! build metadata is ignored when comparing).

use std::cmp::Ordering;

use crate::builtins::operands::{self, failed};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

/// The `semver` category.
pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "semver.is_valid",
        arity: 1,
        func: is_valid,
        category: "semver",
        summary: "Reports whether a value is a valid SemVer 2.0.0 string.",
    },
    Builtin {
        name: "semver.compare",
        arity: 2,
        func: compare,
        category: "semver",
        summary: "Compares two SemVer strings: -1, 0 or 1.",
    },
];

/// A pre-release identifier.
#[derive(Debug, PartialEq, Eq)]
enum Ident<'a> {
    Numeric(u64),
    Alpha(&'a str),
}

impl Ord for Ident<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Ident::Numeric(x), Ident::Numeric(y)) => x.cmp(y),
            (Ident::Numeric(_), Ident::Alpha(_)) => Ordering::Less,
            (Ident::Alpha(_), Ident::Numeric(_)) => Ordering::Greater,
            (Ident::Alpha(x), Ident::Alpha(y)) => x.cmp(y),
        }
    }
}

impl PartialOrd for Ident<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Debug)]
struct Version<'a> {
    core: [u64; 3],
    pre: Vec<Ident<'a>>,
}

fn numeric(text: &str) -> Option<u64> {
    let leading_zero = text.len() > 1 && text.starts_with('0');
    if text.is_empty() || leading_zero || !text.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn ident_chars(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
}

fn parse(text: &str) -> Option<Version<'_>> {
    let (rest, build) = match text.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (text, None),
    };
    if let Some(build) = build
        && !build.split('.').all(ident_chars)
    {
        return None;
    }
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let mut parts = core.split('.');
    let mut numbers = [0_u64; 3];
    for slot in &mut numbers {
        *slot = numeric(parts.next()?)?;
    }
    if parts.next().is_some() {
        return None;
    }
    let pre = match pre {
        None => Vec::new(),
        Some(pre) => pre
            .split('.')
            .map(|id| {
                if !ident_chars(id) {
                    None
                } else if id.bytes().all(|c| c.is_ascii_digit()) {
                    numeric(id).map(Ident::Numeric)
                } else {
                    Some(Ident::Alpha(id))
                }
            })
            .collect::<Option<_>>()?,
    };
    Some(Version { core: numbers, pre })
}

fn is_valid(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let valid = args
        .first()
        .and_then(Value::as_str)
        .is_some_and(|text| parse(text).is_some());
    Ok(valid.into())
}

fn compare(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "semver.compare";
    let first = operands::string(name, args, 1)?;
    let second = operands::string(name, args, 2)?;
    let invalid = |index: usize, text: &str| {
        failed(
            name,
            format!(
                "operand {index}: string {} is not a valid SemVer",
                serde_json::Value::String(text.to_owned())
            ),
        )
    };
    let x = parse(first).ok_or_else(|| invalid(1, first))?;
    let y = parse(second).ok_or_else(|| invalid(2, second))?;
    let ordering = x
        .core
        .cmp(&y.core)
        .then_with(|| match (x.pre.is_empty(), y.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => x.pre.cmp(&y.pre),
        });
    Ok(Value::int(match ordering {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }))
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{Want::*, check};

    #[test]
    fn semver() {
        check(&[
            ("semver.is_valid", &[r#""1.0.0""#], Json("true")),
            (
                "semver.is_valid",
                &[r#""1.0.0-alpha.1+build.5""#],
                Json("true"),
            ),
            ("semver.is_valid", &[r#""1""#], Json("false")),
            ("semver.is_valid", &[r#""01.0.0""#], Json("false")),
            ("semver.is_valid", &[r#""1.0.0-01""#], Json("false")),
            ("semver.is_valid", &[r#""1.0.0+""#], Json("false")),
            ("semver.is_valid", &[r#""v1.0.0""#], Json("false")),
            ("semver.is_valid", &["1"], Json("false")),
            ("semver.compare", &[r#""1.0.0""#, r#""2.0.0""#], Json("-1")),
            ("semver.compare", &[r#""2.0.0""#, r#""1.0.0""#], Json("1")),
            ("semver.compare", &[r#""1.0.0""#, r#""1.0.0""#], Json("0")),
            (
                "semver.compare",
                &[r#""1.0.0+a""#, r#""1.0.0+b""#],
                Json("0"),
            ),
            (
                "semver.compare",
                &[r#""1.0.0-alpha""#, r#""1.0.0""#],
                Json("-1"),
            ),
            (
                "semver.compare",
                &[r#""1.0.0-alpha.1""#, r#""1.0.0-alpha.beta""#],
                Json("-1"),
            ),
            (
                "semver.compare",
                &[r#""1.0.0-alpha""#, r#""1.0.0-alpha.1""#],
                Json("-1"),
            ),
            (
                "semver.compare",
                &[r#""1.0.0-rc.2""#, r#""1.0.0-rc.10""#],
                Json("-1"),
            ),
            ("semver.compare", &[r#""1.10.0""#, r#""1.9.0""#], Json("1")),
            (
                "semver.compare",
                &[r#""1""#, r#""1.0.0""#],
                Err("semver.compare: operand 1: string \"1\" is not a valid SemVer"),
            ),
            (
                "semver.compare",
                &[r#""1.0.0""#, r#""1""#],
                Err("semver.compare: operand 2: string \"1\" is not a valid SemVer"),
            ),
            (
                "semver.compare",
                &["1", r#""1.0.0""#],
                TypeErr("operand 1 must be string but got number"),
            ),
        ]);
    }
}
