//! Operand access and OPA-worded operand errors shared by builtin modules.
//!
//! Positions are 1-based, as in OPA's messages (`operand 1 must be ...`).

use std::collections::{BTreeMap, BTreeSet};

use crate::builtins::BuiltinError;
use crate::number::Number;
use crate::value::Value;

/// `name: operand pos must be T but got U` or
/// `name: operand pos must be one of {T1, T2} but got U`.
pub(crate) fn type_error(name: &str, pos: usize, got: &Value, expected: &[&str]) -> BuiltinError {
    let got = got.type_name();
    match expected {
        [single] => BuiltinError::type_error(format!(
            "{name}: operand {pos} must be {single} but got {got}"
        )),
        many => BuiltinError::type_error(format!(
            "{name}: operand {pos} must be one of {{{}}} but got {got}",
            many.join(", ")
        )),
    }
}

/// `name: operand pos must be array of Ts but got array containing U`.
pub(crate) fn element_error(
    name: &str,
    pos: usize,
    composite: &Value,
    got: &Value,
    expected: &str,
) -> BuiltinError {
    let kind = composite.type_name();
    BuiltinError::type_error(format!(
        "{name}: operand {pos} must be {kind} of {expected}s but got {kind} containing {}",
        got.type_name()
    ))
}

/// A free-form operand error: `name: operand pos <detail>`.
pub(crate) fn operand_error(name: &str, pos: usize, detail: &str) -> BuiltinError {
    BuiltinError::type_error(format!("{name}: operand {pos} {detail}"))
}

/// A failure on well-typed operands: `name: <detail>`.
pub(crate) fn failed(name: &str, detail: impl std::fmt::Display) -> BuiltinError {
    BuiltinError::failed(format!("{name}: {detail}"))
}

/// The call has no result (OPA leaves the expression undefined, e.g.
/// `max([])`).
pub(crate) fn undefined(name: &str) -> BuiltinError {
    BuiltinError::undefined(format!("{name}: undefined"))
}

/// The operand at 1-based `pos`.
pub(crate) fn arg<'a>(
    name: &str,
    args: &'a [Value],
    pos: usize,
) -> Result<&'a Value, BuiltinError> {
    pos.checked_sub(1)
        .and_then(|index| args.get(index))
        .ok_or_else(|| failed(name, format!("missing operand {pos}")))
}

pub(crate) fn string<'a>(
    name: &str,
    args: &'a [Value],
    pos: usize,
) -> Result<&'a str, BuiltinError> {
    let value = arg(name, args, pos)?;
    value
        .as_str()
        .ok_or_else(|| type_error(name, pos, value, &["string"]))
}

pub(crate) fn number(name: &str, args: &[Value], pos: usize) -> Result<Number, BuiltinError> {
    let value = arg(name, args, pos)?;
    value
        .as_number()
        .ok_or_else(|| type_error(name, pos, value, &["number"]))
}

/// An integer operand (`i128`); floats are OPA's
/// `must be integer number but got floating-point number`.
pub(crate) fn int(name: &str, args: &[Value], pos: usize) -> Result<i128, BuiltinError> {
    number(name, args, pos)?.as_i128().ok_or_else(|| {
        operand_error(
            name,
            pos,
            "must be integer number but got floating-point number",
        )
    })
}

/// An integer operand that fits an `i64`; floats are OPA's
/// `must be integer number but got floating-point number`.
pub(crate) fn int64(name: &str, args: &[Value], pos: usize) -> Result<i64, BuiltinError> {
    number(name, args, pos)?.as_i64().ok_or_else(|| {
        operand_error(
            name,
            pos,
            "must be integer number but got floating-point number",
        )
    })
}

/// The elements of an array or set operand, in order (`one of {array,
/// set}` errors; [`collection`] words it `{set, array}` as other builtins
/// do in OPA).
pub(crate) fn array_or_set<'a>(
    name: &str,
    args: &'a [Value],
    pos: usize,
) -> Result<Vec<&'a Value>, BuiltinError> {
    match arg(name, args, pos)? {
        Value::Array(items) => Ok(items.iter().collect()),
        Value::Set(items) => Ok(items.iter().collect()),
        other => Err(type_error(name, pos, other, &["one of {array, set}"])),
    }
}

pub(crate) fn array<'a>(
    name: &str,
    args: &'a [Value],
    pos: usize,
) -> Result<&'a [Value], BuiltinError> {
    match arg(name, args, pos)? {
        Value::Array(items) => Ok(items),
        other => Err(type_error(name, pos, other, &["array"])),
    }
}

pub(crate) fn object<'a>(
    name: &str,
    args: &'a [Value],
    pos: usize,
) -> Result<&'a BTreeMap<Value, Value>, BuiltinError> {
    match arg(name, args, pos)? {
        Value::Object(map) => Ok(map),
        other => Err(type_error(name, pos, other, &["object"])),
    }
}

pub(crate) fn set<'a>(
    name: &str,
    args: &'a [Value],
    pos: usize,
) -> Result<&'a BTreeSet<Value>, BuiltinError> {
    match arg(name, args, pos)? {
        Value::Set(items) => Ok(items),
        other => Err(type_error(name, pos, other, &["set"])),
    }
}

/// The elements of an array or set operand.
pub(crate) fn collection<'a>(
    name: &str,
    args: &'a [Value],
    pos: usize,
) -> Result<Box<dyn Iterator<Item = &'a Value> + 'a>, BuiltinError> {
    match arg(name, args, pos)? {
        Value::Array(items) => Ok(Box::new(items.iter())),
        Value::Set(items) => Ok(Box::new(items.iter())),
        other => Err(type_error(name, pos, other, &["set", "array"])),
    }
}

/// Strings of an array or set operand (`array of strings` errors).
pub(crate) fn strings<'a>(
    name: &str,
    value: &'a Value,
    pos: usize,
) -> Result<Vec<&'a str>, BuiltinError> {
    let items: Box<dyn Iterator<Item = &'a Value>> = match value {
        Value::Array(items) => Box::new(items.iter()),
        Value::Set(items) => Box::new(items.iter()),
        other => return Err(type_error(name, pos, other, &["array", "set"])),
    };
    items
        .map(|item| {
            item.as_str()
                .ok_or_else(|| element_error(name, pos, value, item, "string"))
        })
        .collect()
}

/// A number result, or the arithmetic failure in OPA's wording.
pub(crate) fn arith(
    name: &str,
    result: Result<Number, crate::number::ArithError>,
) -> Result<Value, BuiltinError> {
    result
        .map(Value::Number)
        .map_err(|error| failed(name, error.message()))
}

/// A `usize` as a number value.
pub(crate) fn count(n: usize) -> Value {
    Value::Number(Number::from_i128(i128::try_from(n).unwrap_or(i128::MAX)))
}
