//! Aggregates over collections: `count`, `sum`, `product`, `max`, `min`,
//! `sort`.

use crate::builtins::operands::{
    arg, arith, count as count_value, element_error, type_error, undefined,
};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::number::Number;
use crate::value::Value;

const CATEGORY: &str = "aggregates";

pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "count",
        arity: 1,
        func: count,
        category: CATEGORY,
        summary: "The number of elements of an array, object or set, or of characters in a string.",
    },
    Builtin {
        name: "sum",
        arity: 1,
        func: sum,
        category: CATEGORY,
        summary: "The sum of an array or set of numbers.",
    },
    Builtin {
        name: "product",
        arity: 1,
        func: product,
        category: CATEGORY,
        summary: "The product of an array or set of numbers.",
    },
    Builtin {
        name: "max",
        arity: 1,
        func: max,
        category: CATEGORY,
        summary: "The largest element of an array or set (undefined if empty).",
    },
    Builtin {
        name: "min",
        arity: 1,
        func: min,
        category: CATEGORY,
        summary: "The smallest element of an array or set (undefined if empty).",
    },
    Builtin {
        name: "sort",
        arity: 1,
        func: sort,
        category: CATEGORY,
        summary: "The elements of an array or set as a sorted array.",
    },
];

fn count(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "count";
    match arg(NAME, args, 1)? {
        Value::Array(items) => Ok(count_value(items.len())),
        Value::Object(map) => Ok(count_value(map.len())),
        Value::Set(items) => Ok(count_value(items.len())),
        Value::String(text) => Ok(count_value(text.chars().count())),
        other => Err(type_error(
            NAME,
            1,
            other,
            &["array", "object", "set", "string"],
        )),
    }
}

/// The elements of the array or set operand, with its value for errors.
fn elements<'a>(
    name: &str,
    args: &'a [Value],
) -> Result<(&'a Value, Vec<&'a Value>), BuiltinError> {
    let value = arg(name, args, 1)?;
    let items = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Set(items) => items.iter().collect(),
        other => return Err(type_error(name, 1, other, &["set", "array"])),
    };
    Ok((value, items))
}

fn fold(
    name: &str,
    args: &[Value],
    init: i64,
    op: fn(Number, Number) -> Result<Number, crate::number::ArithError>,
) -> Result<Value, BuiltinError> {
    let (collection, items) = elements(name, args)?;
    let mut acc = Ok(Number::Int(init));
    for item in items {
        let n = item
            .as_number()
            .ok_or_else(|| element_error(name, 1, collection, item, "number"))?;
        acc = acc.and_then(|acc| op(acc, n));
    }
    arith(name, acc)
}

fn sum(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    fold("sum", args, 0, Number::checked_add)
}

fn product(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    fold("product", args, 1, Number::checked_mul)
}

fn max(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (_, items) = elements("max", args)?;
    items
        .into_iter()
        .max()
        .cloned()
        .ok_or_else(|| undefined("max"))
}

fn min(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (_, items) = elements("min", args)?;
    items
        .into_iter()
        .min()
        .cloned()
        .ok_or_else(|| undefined("min"))
}

fn sort(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    match arg("sort", args, 1)? {
        Value::Array(items) => {
            let mut sorted = items.to_vec();
            sorted.sort();
            Ok(Value::array(sorted))
        }
        Value::Set(items) => Ok(Value::array(items.iter().cloned().collect())),
        other => Err(type_error("sort", 1, other, &["set", "array"])),
    }
}
