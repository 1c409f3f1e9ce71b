//! Array functions (`array.*`).

use crate::builtins::operands::{array, int};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

const CATEGORY: &str = "arrays";

pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "array.concat",
        arity: 2,
        func: concat,
        category: CATEGORY,
        summary: "Concatenates two arrays.",
    },
    Builtin {
        name: "array.flatten",
        arity: 1,
        func: flatten,
        category: CATEGORY,
        summary: "Flattens one level of nested arrays.",
    },
    Builtin {
        name: "array.reverse",
        arity: 1,
        func: reverse,
        category: CATEGORY,
        summary: "The elements of an array in reverse order.",
    },
    Builtin {
        name: "array.slice",
        arity: 3,
        func: slice,
        category: CATEGORY,
        summary: "The elements from index `start` (included) to `stop` (excluded), clamped to the array.",
    },
];

fn concat(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let a = array("array.concat", args, 1)?;
    let b = array("array.concat", args, 2)?;
    Ok(Value::array(a.iter().chain(b).cloned().collect()))
}

fn flatten(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let items = array("array.flatten", args, 1)?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Value::Array(inner) => out.extend(inner.iter().cloned()),
            other => out.push(other.clone()),
        }
    }
    Ok(Value::array(out))
}

fn reverse(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let items = array("array.reverse", args, 1)?;
    Ok(Value::array(items.iter().rev().cloned().collect()))
}

fn slice(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "array.slice";
    let items = array(NAME, args, 1)?;
    let start = int(NAME, args, 2)?;
    let stop = int(NAME, args, 3)?;
    let len = i128::try_from(items.len()).unwrap_or(i128::MAX);
    let stop = stop.clamp(0, len);
    let start = start.clamp(0, stop);
    let (start, stop) = (
        usize::try_from(start).unwrap_or(0),
        usize::try_from(stop).unwrap_or(0),
    );
    Ok(Value::array(
        items.get(start..stop).unwrap_or_default().to_vec(),
    ))
}
