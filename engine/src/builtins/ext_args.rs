//! Operand access and error wording shared by the extended builtin modules
//! (encoding, regex, time, crypto, net, ...).
//!
//! Messages follow OPA: `<builtin>: operand <n> must be <type> but got
//! <type>` for type errors, `<builtin>: <reason>` otherwise.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::builtins::BuiltinError;
use crate::number::Number;
use crate::value::Value;

/// The operand at `index` (0-based); a missing operand is a type error.
pub(crate) fn arg<'a>(
    name: &str,
    args: &'a [Value],
    index: usize,
) -> Result<&'a Value, BuiltinError> {
    args.get(index).ok_or_else(|| {
        BuiltinError::type_error(format!("{name}: operand {} is missing", index + 1))
    })
}

/// A type error for operand `index` (0-based) that should have been `expected`.
pub(crate) fn type_error(name: &str, index: usize, expected: &str, got: &Value) -> BuiltinError {
    BuiltinError::type_error(format!(
        "{name}: operand {} must be {expected} but got {}",
        index + 1,
        got.type_name()
    ))
}

/// A builtin failure with OPA's `<builtin>: ` prefix.
pub(crate) fn failed(name: &str, message: impl std::fmt::Display) -> BuiltinError {
    BuiltinError::failed(format!("{name}: {message}"))
}

/// The string operand at `index`.
pub(crate) fn string<'a>(
    name: &str,
    args: &'a [Value],
    index: usize,
) -> Result<&'a str, BuiltinError> {
    let value = arg(name, args, index)?;
    value
        .as_str()
        .ok_or_else(|| type_error(name, index, "string", value))
}

/// The number operand at `index`.
pub(crate) fn number(name: &str, args: &[Value], index: usize) -> Result<Number, BuiltinError> {
    let value = arg(name, args, index)?;
    value
        .as_number()
        .ok_or_else(|| type_error(name, index, "number", value))
}

/// The integer operand at `index`; a non-integral number is a type error.
pub(crate) fn int(name: &str, args: &[Value], index: usize) -> Result<i64, BuiltinError> {
    number(name, args, index)?.as_i64().ok_or_else(|| {
        BuiltinError::type_error(format!(
            "{name}: operand {} must be integer number but got floating-point number",
            index + 1
        ))
    })
}

/// The object operand at `index`.
pub(crate) fn object<'a>(
    name: &str,
    args: &'a [Value],
    index: usize,
) -> Result<&'a BTreeMap<Value, Value>, BuiltinError> {
    match arg(name, args, index)? {
        Value::Object(map) => Ok(map),
        other => Err(type_error(name, index, "object", other)),
    }
}

/// The elements of an array or set operand at `index`.
pub(crate) fn array_or_set<'a>(
    name: &str,
    args: &'a [Value],
    index: usize,
) -> Result<Vec<&'a Value>, BuiltinError> {
    match arg(name, args, index)? {
        Value::Array(items) => Ok(items.iter().collect()),
        Value::Set(items) => Ok(items.iter().collect()),
        other => Err(type_error(name, index, "one of {array, set}", other)),
    }
}

/// An array value.
pub(crate) fn array(items: Vec<Value>) -> Value {
    Value::Array(Arc::new(items))
}

/// An array of strings.
pub(crate) fn string_array<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    array(
        items
            .into_iter()
            .map(|s| Value::string(s.as_ref()))
            .collect(),
    )
}

/// A set value.
pub(crate) fn set(items: impl IntoIterator<Item = Value>) -> Value {
    Value::Set(Arc::new(items.into_iter().collect()))
}

/// An object value.
pub(crate) fn object_value(entries: impl IntoIterator<Item = (Value, Value)>) -> Value {
    Value::Object(Arc::new(entries.into_iter().collect()))
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

#[cfg(test)]
pub(crate) mod testing {
    //! A table-driven harness for builtin tests.

    use crate::builtins::{BuiltinContext, BuiltinErrorKind, lookup};
    use crate::value::Value;

    /// The expected outcome of one call.
    pub(crate) enum Want {
        /// The call returns this value (JSON text, sets written as arrays
        /// compared after conversion through `to_json`).
        Json(&'static str),
        /// The call fails with a type error containing the text.
        TypeErr(&'static str),
        /// The call fails with a builtin error containing the text.
        Err(&'static str),
        /// The call is undefined; the reason contains the text.
        Undef(&'static str),
    }

    /// Parses an argument written as JSON, with `{"$set": [...]}` for sets.
    pub(crate) fn parse_arg(text: &str) -> Value {
        let json: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|err| {
            panic!("bad test argument {text}: {err}");
        });
        from_json_with_sets(&json)
    }

    fn from_json_with_sets(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Object(map) if map.len() == 1 && map.contains_key("$set") => {
                match map.get("$set") {
                    Some(serde_json::Value::Array(items)) => {
                        super::set(items.iter().map(from_json_with_sets))
                    }
                    _ => panic!("$set needs an array"),
                }
            }
            serde_json::Value::Array(items) => {
                super::array(items.iter().map(from_json_with_sets).collect())
            }
            serde_json::Value::Object(map) => super::object_value(
                map.iter()
                    .map(|(k, v)| (Value::string(k), from_json_with_sets(v))),
            ),
            other => Value::from_json(other),
        }
    }

    /// The context used by tests: a fixed clock.
    pub(crate) fn context() -> BuiltinContext {
        BuiltinContext {
            now_ns: 1_700_000_000_123_456_789,
        }
    }

    /// Runs every `(builtin, [args as JSON], want)` row and reports all
    /// mismatches at once.
    pub(crate) fn check(cases: &[(&str, &[&str], Want)]) {
        let ctx = context();
        let mut failures = Vec::new();
        for (name, args, want) in cases {
            let builtin = lookup(name).unwrap_or_else(|| panic!("no builtin {name}"));
            assert_eq!(builtin.arity, args.len(), "arity of {name}");
            let values: Vec<Value> = args.iter().map(|a| parse_arg(a)).collect();
            let got = (builtin.func)(&ctx, &values);
            let ok = match (want, &got) {
                (Want::Json(expected), Ok(value)) => {
                    let expected: serde_json::Value = serde_json::from_str(expected)
                        .unwrap_or_else(|err| panic!("bad expectation {expected}: {err}"));
                    value.to_json() == expected
                }
                (Want::TypeErr(text), Err(err)) => {
                    err.kind == BuiltinErrorKind::Type && err.message.contains(text)
                }
                (Want::Err(text), Err(err)) => {
                    err.kind == BuiltinErrorKind::Failed && err.message.contains(text)
                }
                (Want::Undef(text), Err(err)) => {
                    err.kind == BuiltinErrorKind::Undefined && err.message.contains(text)
                }
                _ => false,
            };
            if !ok {
                let expected = match want {
                    Want::Json(t) => format!("value {t}"),
                    Want::TypeErr(t) => format!("type error containing {t:?}"),
                    Want::Err(t) => format!("builtin error containing {t:?}"),
                    Want::Undef(t) => format!("undefined with reason containing {t:?}"),
                };
                let got = match got {
                    Ok(v) => format!("value {}", v.to_json()),
                    Err(e) => format!("{:?} error {:?}", e.kind, e.message),
                };
                failures.push(format!(
                    "{name}({}): want {expected}, got {got}",
                    args.join(", ")
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}
