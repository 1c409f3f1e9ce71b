//! Arithmetic: the operator builtins (`plus` is `+`, `minus` is `-` on
//! numbers and sets, ...), rounding and `numbers.range*`.

use crate::builtins::operands::{arg, arith, failed, int, number, type_error};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::number::Number;
use crate::value::Value;

const CATEGORY: &str = "numbers";

/// The most elements `numbers.range` and `numbers.range_step` produce.
const MAX_RANGE_LEN: i128 = 10_000_000;

pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "plus",
        arity: 2,
        func: plus,
        category: CATEGORY,
        summary: "Adds two numbers (the `+` operator).",
    },
    Builtin {
        name: "minus",
        arity: 2,
        func: minus,
        category: CATEGORY,
        summary: "Subtracts two numbers, or takes the difference of two sets (the `-` operator).",
    },
    Builtin {
        name: "mul",
        arity: 2,
        func: mul,
        category: CATEGORY,
        summary: "Multiplies two numbers (the `*` operator).",
    },
    Builtin {
        name: "div",
        arity: 2,
        func: div,
        category: CATEGORY,
        summary: "Divides two numbers (the `/` operator); `1 / 2` is `0.5`.",
    },
    Builtin {
        name: "rem",
        arity: 2,
        func: rem,
        category: CATEGORY,
        summary: "Remainder of integer division (the `%` operator); the sign follows the dividend.",
    },
    Builtin {
        name: "abs",
        arity: 1,
        func: abs,
        category: CATEGORY,
        summary: "Absolute value of a number.",
    },
    Builtin {
        name: "ceil",
        arity: 1,
        func: ceil,
        category: CATEGORY,
        summary: "Rounds a number up to the nearest integer.",
    },
    Builtin {
        name: "floor",
        arity: 1,
        func: floor,
        category: CATEGORY,
        summary: "Rounds a number down to the nearest integer.",
    },
    Builtin {
        name: "round",
        arity: 1,
        func: round,
        category: CATEGORY,
        summary: "Rounds a number to the nearest integer, halves away from zero.",
    },
    Builtin {
        name: "numbers.range",
        arity: 2,
        func: range,
        category: CATEGORY,
        summary: "The integers from `a` to `b`, both included, ascending or descending.",
    },
    Builtin {
        name: "numbers.range_step",
        arity: 3,
        func: range_step,
        category: CATEGORY,
        summary: "The integers from `a` towards `b` in steps of `step` (positive), `b` included if reached.",
    },
];

fn binary(
    name: &str,
    args: &[Value],
    op: fn(Number, Number) -> Result<Number, crate::number::ArithError>,
) -> Result<Value, BuiltinError> {
    let a = number(name, args, 1)?;
    let b = number(name, args, 2)?;
    arith(name, op(a, b))
}

fn plus(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    binary("plus", args, Number::checked_add)
}

fn mul(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    binary("mul", args, Number::checked_mul)
}

fn div(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    binary("div", args, Number::checked_div)
}

fn rem(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    binary("rem", args, Number::checked_rem)
}

fn minus(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "minus";
    let a = arg(NAME, args, 1)?;
    let b = arg(NAME, args, 2)?;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => arith(NAME, x.checked_sub(*y)),
        (Value::Set(x), Value::Set(y)) => Ok(Value::set(x.difference(y).cloned().collect())),
        (Value::Set(_), Value::Number(_)) => Err(type_error(NAME, 2, b, &["set"])),
        // OPA's wording, even when operand 1 is a set.
        (Value::Number(_) | Value::Set(_), _) => Err(type_error(NAME, 2, b, &["number"])),
        _ => Err(type_error(NAME, 1, a, &["number", "set"])),
    }
}

fn unary(name: &str, args: &[Value], op: fn(Number) -> Number) -> Result<Value, BuiltinError> {
    Ok(Value::Number(op(number(name, args, 1)?)))
}

fn abs(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    unary("abs", args, Number::abs)
}

fn ceil(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    unary("ceil", args, Number::ceil)
}

fn floor(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    unary("floor", args, Number::floor)
}

fn round(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    unary("round", args, Number::round)
}

fn range(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "numbers.range";
    let from = int(NAME, args, 1)?;
    let to = int(NAME, args, 2)?;
    stepped(NAME, from, to, 1)
}

fn range_step(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "numbers.range_step";
    let from = int(NAME, args, 1)?;
    let to = int(NAME, args, 2)?;
    let step = int(NAME, args, 3)?;
    if step <= 0 {
        return Err(failed(NAME, "step must be a positive integer"));
    }
    stepped(NAME, from, to, step)
}

fn stepped(name: &str, from: i128, to: i128, step: i128) -> Result<Value, BuiltinError> {
    let distance = to.abs_diff(from);
    let len = distance / step.unsigned_abs() + 1;
    if len > MAX_RANGE_LEN.unsigned_abs() {
        return Err(failed(name, "range too large"));
    }
    let step = if to < from { -step } else { step };
    let items = (0..len)
        .scan(from, |next, _| {
            let current = *next;
            *next = next.saturating_add(step);
            Some(Value::Number(Number::from_i128(current)))
        })
        .collect();
    Ok(Value::array(items))
}
