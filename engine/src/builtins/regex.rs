//! `regex.*` and `re_match`: RE2 syntax through the `regex` crate, with
//! Go's `Split`, `FindAll` and `ReplaceAll` semantics.

mod globs;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use regex::Regex;

use crate::builtins::operands::{self, failed};
use crate::builtins::results::{array, string_array};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

const CATEGORY: &str = "regex";

/// The `regex` category.
pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin::new(
        CATEGORY,
        "regex.match",
        2,
        regex_match,
        "Reports whether a string contains a match of a pattern.",
    ),
    Builtin::new(
        CATEGORY,
        "re_match",
        2,
        re_match,
        "Deprecated alias of `regex.match`.",
    ),
    Builtin::new(
        CATEGORY,
        "regex.is_valid",
        1,
        is_valid,
        "Reports whether a value is a valid RE2 pattern.",
    ),
    Builtin::new(
        CATEGORY,
        "regex.find_n",
        3,
        find_n,
        "Returns up to `n` matches (`-1`: all) of a pattern in a string.",
    ),
    Builtin::new(
        CATEGORY,
        "regex.find_all_string_submatch_n",
        3,
        find_all_submatch,
        "Returns up to `n` matches with their capture groups.",
    ),
    Builtin::new(
        CATEGORY,
        "regex.replace",
        3,
        replace,
        "Replaces every match of a pattern; `$1` expands capture groups.",
    ),
    Builtin::new(
        CATEGORY,
        "regex.split",
        2,
        split,
        "Splits a string at every match of a pattern.",
    ),
    Builtin::new(
        CATEGORY,
        "regex.template_match",
        4,
        template_match,
        "Matches a string against a template of literal text and delimited patterns.",
    ),
    Builtin::new(
        CATEGORY,
        "regex.globs_match",
        2,
        globs_match,
        "Reports whether two glob-like patterns can match a common string.",
    ),
];

const CACHE_LIMIT: usize = 100;

/// Compiles `pattern`, reusing recent compilations.
fn compile(name: &str, pattern: &str) -> Result<Arc<Regex>, BuiltinError> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    if let Ok(cache) = cache.lock()
        && let Some(re) = cache.get(pattern)
    {
        return Ok(Arc::clone(re));
    }
    let re = Arc::new(Regex::new(pattern).map_err(|err| failed(name, regex_error(&err)))?);
    if let Ok(mut cache) = cache.lock() {
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(pattern.to_owned(), Arc::clone(&re));
    }
    Ok(re)
}

/// A one-line message in the spirit of Go's `error parsing regexp: ...`.
fn regex_error(err: &regex::Error) -> String {
    let detail = err.to_string();
    let last = detail
        .lines()
        .rev()
        .find(|line| line.starts_with("error:"))
        .map_or(detail.as_str(), |line| {
            line.trim_start_matches("error:").trim()
        });
    format!("error parsing regexp: {last}")
}

fn regex_match(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    matches("regex.match", args)
}

fn re_match(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    matches("re_match", args)
}

fn matches(name: &str, args: &[Value]) -> Result<Value, BuiltinError> {
    let pattern = operands::string(name, args, 1)?;
    let value = operands::string(name, args, 2)?;
    Ok(compile(name, pattern)?.is_match(value).into())
}

fn is_valid(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let valid = args
        .first()
        .and_then(Value::as_str)
        .is_some_and(|pattern| compile("regex.is_valid", pattern).is_ok());
    Ok(valid.into())
}

/// How many matches `n` asks for: negative means all.
fn limit(n: i64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn find_n(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "regex.find_n";
    let pattern = operands::string(name, args, 1)?;
    let value = operands::string(name, args, 2)?;
    let n = operands::int64(name, args, 3)?;
    let re = compile(name, pattern)?;
    Ok(string_array(
        re.find_iter(value).take(limit(n)).map(|m| m.as_str()),
    ))
}

fn find_all_submatch(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "regex.find_all_string_submatch_n";
    let pattern = operands::string(name, args, 1)?;
    let value = operands::string(name, args, 2)?;
    let n = operands::int64(name, args, 3)?;
    let re = compile(name, pattern)?;
    let matches = re
        .captures_iter(value)
        .take(limit(n))
        .map(|caps| string_array(caps.iter().map(|group| group.map_or("", |m| m.as_str()))));
    Ok(array(matches.collect()))
}

fn replace(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "regex.replace";
    let base = operands::string(name, args, 1)?;
    let pattern = operands::string(name, args, 2)?;
    let replacement = operands::string(name, args, 3)?;
    let re = compile(name, pattern)?;
    Ok(Value::string(&re.replace_all(base, replacement)))
}

fn split(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "regex.split";
    let pattern = operands::string(name, args, 1)?;
    let value = operands::string(name, args, 2)?;
    let re = compile(name, pattern)?;
    Ok(string_array(go_split(&re, pattern, value)))
}

/// Go's `Regexp.Split(s, -1)`.
fn go_split<'a>(re: &Regex, pattern: &str, value: &'a str) -> Vec<&'a str> {
    if !pattern.is_empty() && value.is_empty() {
        return vec![""];
    }
    let mut pieces = Vec::new();
    let (mut begin, mut end) = (0, 0);
    for m in re.find_iter(value) {
        end = m.start();
        if m.end() != 0 {
            pieces.push(value.get(begin..end).unwrap_or(""));
        }
        begin = m.end();
    }
    if end != value.len() {
        pieces.push(value.get(begin..).unwrap_or(""));
    }
    pieces
}

fn template_match(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "regex.template_match";
    let template = operands::string(name, args, 1)?;
    let value = operands::string(name, args, 2)?;
    let start = operands::string(name, args, 3)?;
    let end = operands::string(name, args, 4)?;
    let (&[open], &[close]) = (start.as_bytes(), end.as_bytes()) else {
        let which = if start.len() == 1 { "end" } else { "start" };
        return Err(failed(
            name,
            format!(
                "{which} delimiter has to be exactly one character long but is {} long",
                start.len()
            ),
        ));
    };
    let pattern = template_pattern(template, open, close).map_err(|msg| failed(name, msg))?;
    Ok(compile(name, &pattern)?.is_match(value).into())
}

/// The anchored pattern of a template: literal text quoted, delimited
/// parts (nesting allowed) kept as capture groups.
fn template_pattern(template: &str, open: u8, close: u8) -> Result<String, String> {
    let unbalanced = || {
        format!(
            "unbalanced braces in {}",
            serde_json::Value::String(template.to_owned())
        )
    };
    let mut pattern = String::from("^");
    let (mut level, mut group_start, mut literal_start) = (0_usize, 0, 0);
    for (i, byte) in template.bytes().enumerate() {
        if byte == open {
            level += 1;
            if level == 1 {
                group_start = i;
            }
        } else if byte == close {
            level = level.checked_sub(1).ok_or_else(unbalanced)?;
            if level == 0 {
                let literal = template.get(literal_start..group_start).unwrap_or("");
                let inner = template.get(group_start + 1..i).unwrap_or("");
                Regex::new(&format!("^{inner}$")).map_err(|err| regex_error(&err))?;
                pattern.push_str(&regex::escape(literal));
                pattern.push('(');
                pattern.push_str(inner);
                pattern.push(')');
                literal_start = i + 1;
            }
        }
    }
    if level != 0 {
        return Err(unbalanced());
    }
    pattern.push_str(&regex::escape(template.get(literal_start..).unwrap_or("")));
    pattern.push('$');
    Ok(pattern)
}

fn globs_match(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "regex.globs_match";
    let first = operands::string(name, args, 1)?;
    let second = operands::string(name, args, 2)?;
    globs::intersects(first, second)
        .map(Value::from)
        .map_err(|msg| failed(name, msg))
}

#[cfg(test)]
mod tests;
