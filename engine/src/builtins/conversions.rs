//! Conversions between types: `to_number`.

use crate::builtins::operands::{arg, failed, type_error};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::number::Number;
use crate::value::Value;

pub(crate) const BUILTINS: &[Builtin] = &[Builtin {
    name: "to_number",
    arity: 1,
    func: to_number,
    category: "conversions",
    summary: "Converts a string, boolean or null to a number (`null` and `false` are 0, `true` is 1).",
}];

fn to_number(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "to_number";
    let value = arg(NAME, args, 1)?;
    match value {
        Value::Null | Value::Bool(false) => Ok(Value::int(0)),
        Value::Bool(true) => Ok(Value::int(1)),
        Value::Number(_) => Ok(value.clone()),
        Value::String(text) => {
            let unsigned = text.trim_start_matches(['+', '-']).to_ascii_lowercase();
            if matches!(unsigned.as_str(), "inf" | "infinity" | "nan") {
                return Err(type_error(NAME, 1, value, &["valid number string"]));
            }
            parse_float_syntax(text).map(Value::Number).ok_or_else(|| {
                let reason = if text.parse::<f64>().is_ok() {
                    "value out of range"
                } else {
                    "invalid syntax"
                };
                failed(
                    NAME,
                    format!("strconv.ParseFloat: parsing {text:?}: {reason}"),
                )
            })
        }
        other => Err(type_error(
            NAME,
            1,
            other,
            &["null", "boolean", "number", "string"],
        )),
    }
}

/// A decimal number as Go's `strconv.ParseFloat` accepts it (an optional
/// sign, digits with an optional fraction, an optional exponent).
fn parse_float_syntax(text: &str) -> Option<Number> {
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    if unsigned.starts_with('+') || unsigned.is_empty() {
        return None;
    }
    if let Some(n) = Number::parse(unsigned) {
        return Some(n);
    }
    // Number::parse rejects forms JSON forbids but Go accepts, e.g. `5.`.
    let float: f64 = unsigned.parse().ok()?;
    Number::from_f64(float)
}
