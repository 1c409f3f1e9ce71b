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
                    crate::builtins::results::set(items.iter().map(from_json_with_sets))
                }
                _ => panic!("$set needs an array"),
            }
        }
        serde_json::Value::Array(items) => {
            crate::builtins::results::array(items.iter().map(from_json_with_sets).collect())
        }
        serde_json::Value::Object(map) => crate::builtins::results::object_value(
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
        rand_seed: None,
        net: None,
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
