//! Bitwise operations on integers (`bits.*`).

use crate::builtins::operands::{arg, failed, operand_error, type_error};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::number::Number;
use crate::value::Value;

const CATEGORY: &str = "bitwise";

pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "bits.and",
        arity: 2,
        func: and,
        category: CATEGORY,
        summary: "Bitwise AND of two integers.",
    },
    Builtin {
        name: "bits.or",
        arity: 2,
        func: or,
        category: CATEGORY,
        summary: "Bitwise OR of two integers.",
    },
    Builtin {
        name: "bits.xor",
        arity: 2,
        func: xor,
        category: CATEGORY,
        summary: "Bitwise XOR of two integers.",
    },
    Builtin {
        name: "bits.negate",
        arity: 1,
        func: negate,
        category: CATEGORY,
        summary: "Bitwise NOT of an integer (`-x - 1`).",
    },
    Builtin {
        name: "bits.lsh",
        arity: 2,
        func: lsh,
        category: CATEGORY,
        summary: "Shifts an integer left by `s` bits.",
    },
    Builtin {
        name: "bits.rsh",
        arity: 2,
        func: rsh,
        category: CATEGORY,
        summary: "Shifts an integer right by `s` bits, rounding towards negative infinity.",
    },
];

fn integer(name: &str, args: &[Value], pos: usize) -> Result<i128, BuiltinError> {
    let value = arg(name, args, pos)?;
    let number = value
        .as_number()
        .ok_or_else(|| type_error(name, pos, value, &["integer"]))?;
    number.as_i128().ok_or_else(|| {
        operand_error(
            name,
            pos,
            "must be integer number but got floating-point number",
        )
    })
}

fn int_value(i: i128) -> Value {
    Value::Number(Number::from_i128(i))
}

fn binary(name: &str, args: &[Value], op: fn(i128, i128) -> i128) -> Result<Value, BuiltinError> {
    let a = integer(name, args, 1)?;
    let b = integer(name, args, 2)?;
    Ok(int_value(op(a, b)))
}

fn and(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    binary("bits.and", args, |a, b| a & b)
}

fn or(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    binary("bits.or", args, |a, b| a | b)
}

fn xor(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    binary("bits.xor", args, |a, b| a ^ b)
}

fn negate(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    Ok(int_value(!integer("bits.negate", args, 1)?))
}

fn shift(name: &str, args: &[Value]) -> Result<(i128, u32), BuiltinError> {
    let a = integer(name, args, 1)?;
    let s = integer(name, args, 2)?;
    if s < 0 {
        return Err(operand_error(
            name,
            2,
            "must be an unsigned integer number but got a negative integer",
        ));
    }
    Ok((a, u32::try_from(s).unwrap_or(u32::MAX)))
}

fn lsh(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "bits.lsh";
    let (a, s) = shift(NAME, args)?;
    if a == 0 {
        return Ok(int_value(0));
    }
    // Exact while the result fits 128 bits; OPA's integers are unbounded.
    let fits = s < 127 && a.checked_shl(s).is_some_and(|r| r >> s == a);
    if fits {
        Ok(int_value(a << s))
    } else {
        Err(failed(NAME, "result exceeds 128 bits"))
    }
}

fn rsh(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (a, s) = shift("bits.rsh", args)?;
    Ok(int_value(a >> s.min(127)))
}
