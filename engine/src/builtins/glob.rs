//! `glob.match` and `glob.quote_meta`, with the pattern syntax of OPA's
//! glob library: `*` (no separator), `**` (anything), `?`, `[abc]`,
//! `[a-z]`, `[!abc]`, `{alt,ern,atives}` and `\` escapes.
//!
//! Patterns are translated to an anchored regular expression.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use regex::Regex;

use crate::builtins::operands::{self, failed};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

/// The `glob` category.
pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "glob.match",
        arity: 3,
        func: glob_match,
        category: "glob",
        summary: "Matches a string against a glob; `null` delimiters disable separators.",
    },
    Builtin {
        name: "glob.quote_meta",
        arity: 1,
        func: quote_meta,
        category: "glob",
        summary: "Escapes every glob metacharacter in a string.",
    },
];

const NAME: &str = "glob.match";

fn glob_match(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let pattern = operands::string(NAME, args, 1)?;
    let delimiters: Vec<char> = match operands::arg(NAME, args, 2)? {
        Value::Null => Vec::new(),
        Value::Array(items) if items.is_empty() => vec!['.'],
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.chars().next()),
                other => Err(BuiltinError::type_error(format!(
                    "{NAME}: operand 2 must be array of strings but got array containing {}",
                    other.type_name()
                ))),
            })
            .filter_map(Result::transpose)
            .collect::<Result<_, _>>()?,
        other => return Err(operands::type_error(NAME, 2, other, &["array"])),
    };
    let value = operands::string(NAME, args, 3)?;
    let re = compile(pattern, &delimiters)?;
    Ok(re.is_match(value).into())
}

fn compile(pattern: &str, delimiters: &[char]) -> Result<Arc<Regex>, BuiltinError> {
    type Cache = Mutex<HashMap<(String, Vec<char>), Arc<Regex>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    let key = (pattern.to_owned(), delimiters.to_vec());
    if let Some(re) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(re);
    }
    let source = translate(pattern, delimiters).map_err(|msg| failed(NAME, msg))?;
    let re = Arc::new(Regex::new(&source).map_err(|err| failed(NAME, err))?);
    if let Ok(mut cache) = cache.lock() {
        if cache.len() >= 100 {
            cache.clear();
        }
        cache.insert(key, Arc::clone(&re));
    }
    Ok(re)
}

/// The regular expression of a glob.
fn translate(pattern: &str, delimiters: &[char]) -> Result<String, String> {
    let single = if delimiters.is_empty() {
        "(?s:.)".to_owned()
    } else {
        let mut class = String::from("[^");
        for d in delimiters {
            push_class_char(&mut class, *d);
        }
        class.push(']');
        class
    };
    let mut out = String::from("^");
    let mut chars = pattern.chars().peekable();
    let mut depth = 0_usize;
    while let Some(c) = chars.next() {
        match c {
            '*' => {
                if chars.peek() == Some(&'*') {
                    chars.next();
                    out.push_str("(?s:.*)");
                } else {
                    let _ = write!(out, "{single}*");
                }
            }
            '?' => out.push_str(&single),
            '\\' => {
                let escaped = chars
                    .next()
                    .ok_or_else(|| "unexpected end of input after escape".to_owned())?;
                out.push_str(&regex::escape(escaped.encode_utf8(&mut [0; 4])));
            }
            '[' => {
                let negated = chars.next_if_eq(&'!').is_some();
                let mut class = String::from(if negated { "[^" } else { "[" });
                let mut closed = false;
                let mut empty = true;
                while let Some(m) = chars.next() {
                    match m {
                        ']' => {
                            closed = true;
                            break;
                        }
                        '-' if !empty => class.push('-'),
                        '\\' => {
                            let e = chars
                                .next()
                                .ok_or_else(|| "unexpected end of input in range".to_owned())?;
                            push_class_char(&mut class, e);
                        }
                        other => push_class_char(&mut class, other),
                    }
                    empty = false;
                }
                if !closed {
                    return Err("unexpected end of input in range".to_owned());
                }
                class.push(']');
                out.push_str(&class);
            }
            '{' => {
                depth += 1;
                out.push_str("(?:");
            }
            ',' if depth > 0 => out.push('|'),
            '}' if depth > 0 => {
                depth -= 1;
                out.push(')');
            }
            other => out.push_str(&regex::escape(other.encode_utf8(&mut [0; 4]))),
        }
    }
    if depth > 0 {
        return Err("unexpected end of input in alternatives".to_owned());
    }
    out.push('$');
    Ok(out)
}

fn push_class_char(class: &mut String, c: char) {
    if matches!(c, '\\' | ']' | '[' | '^' | '-' | '&' | '~') {
        class.push('\\');
    }
    class.push(c);
}

fn quote_meta(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let text = operands::string("glob.quote_meta", args, 1)?;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '\\' | '[' | ']' | '{' | '}') {
            out.push('\\');
        }
        out.push(c);
    }
    Ok(Value::string(&out))
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{Want::*, check};

    fn m(pattern: &str, delimiters: &str, value: &str, want: &'static str) -> [String; 4] {
        [
            serde_json::Value::String(pattern.to_owned()).to_string(),
            delimiters.to_owned(),
            serde_json::Value::String(value.to_owned()).to_string(),
            want.to_owned(),
        ]
    }

    #[test]
    fn matching() {
        let rows = [
            m("*.github.com", r#"["."]"#, "api.github.com", "true"),
            m("api.**.com", r#"["."]"#, "api.github.com", "true"),
            m("api.**.com", r#"["."]"#, "api.cdn.github.com", "true"),
            m("*:github:com", r#"[":"]"#, "api:github:com", "true"),
            m("*.github.com", r#"["."]"#, "api.not-github.com", "false"),
            m("[abc]at", "[]", "cat", "true"),
            m("[abc]at", "[]", "fat", "false"),
            m("[!abc]at", "[]", "fat", "true"),
            m("[!abc]at", "[]", "cat", "false"),
            m("[a-c]at", "[]", "bat", "true"),
            m("[a-c]at", "[]", "fat", "false"),
            m("[!a-c]at", "[]", "bat", "false"),
            m("[!a-c]at", "[]", "fat", "true"),
            m("?at", "[]", "fat", "true"),
            m("?at", "[]", "at", "false"),
            m("?at", r#"["f"]"#, "bat", "true"),
            m("?at", r#"["f"]"#, "fat", "false"),
            m("{cat,bat,[fr]at}", "[]", "cat", "true"),
            m("{cat,bat,[fr]at}", "[]", "rat", "true"),
            m("{cat,bat,[fr]at}", "[]", "at", "false"),
            m("*", r#"["."]"#, "foo", "true"),
            m("*", "[]", "foo.bar", "false"),
            m("*", "null", "foo.bar", "true"),
            m("foo*", "null", "foo.bar", "true"),
            m("\\*.com", "[]", "*.com", "true"),
            m("\\*.com", "[]", "a.com", "false"),
            m("a+(b)", "[]", "a+(b)", "true"),
        ];
        let args: Vec<[&str; 3]> = rows
            .iter()
            .map(|r| [r[0].as_str(), r[1].as_str(), r[2].as_str()])
            .collect();
        let table: Vec<_> = rows
            .iter()
            .zip(&args)
            .map(|(r, args)| {
                let want = if r[3] == "true" { "true" } else { "false" };
                ("glob.match", args.as_slice(), Json(want))
            })
            .collect();
        check(&table);
    }

    #[test]
    fn errors_and_quoting() {
        check(&[
            (
                "glob.match",
                &[r#""[a""#, "[]", r#""a""#],
                Err("glob.match: unexpected end of input"),
            ),
            (
                "glob.match",
                &[r#""{a,b""#, "[]", r#""a""#],
                Err("glob.match:"),
            ),
            (
                "glob.match",
                &["1", "[]", r#""a""#],
                TypeErr("operand 1 must be string but got number"),
            ),
            (
                "glob.match",
                &[r#""a""#, r#""x""#, r#""a""#],
                TypeErr("operand 2 must be array but got string"),
            ),
            (
                "glob.match",
                &[r#""a""#, "[]", "1"],
                TypeErr("operand 3 must be string but got number"),
            ),
            (
                "glob.quote_meta",
                &[r#""*.github.com""#],
                Json(r#""\\*.github.com""#),
            ),
            (
                "glob.quote_meta",
                &[r#""[a]{b}?\\""#],
                Json(r#""\\[a\\]\\{b\\}\\?\\\\""#),
            ),
        ]);
    }
}
