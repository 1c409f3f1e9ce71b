//! Comparison operators over any two values, in OPA's total order
//! (null < boolean < number < string < array < object < set).

use std::cmp::Ordering;

use crate::builtins::operands::arg;
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

const CATEGORY: &str = "comparison";

pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "equal",
        arity: 2,
        func: equal,
        category: CATEGORY,
        summary: "Whether two values are equal (the `==` operator).",
    },
    Builtin {
        name: "neq",
        arity: 2,
        func: neq,
        category: CATEGORY,
        summary: "Whether two values differ (the `!=` operator).",
    },
    Builtin {
        name: "lt",
        arity: 2,
        func: lt,
        category: CATEGORY,
        summary: "Whether `a` sorts before `b` (the `<` operator).",
    },
    Builtin {
        name: "lte",
        arity: 2,
        func: lte,
        category: CATEGORY,
        summary: "Whether `a` sorts before or equal to `b` (the `<=` operator).",
    },
    Builtin {
        name: "gt",
        arity: 2,
        func: gt,
        category: CATEGORY,
        summary: "Whether `a` sorts after `b` (the `>` operator).",
    },
    Builtin {
        name: "gte",
        arity: 2,
        func: gte,
        category: CATEGORY,
        summary: "Whether `a` sorts after or equal to `b` (the `>=` operator).",
    },
];

fn compare(
    name: &str,
    args: &[Value],
    accept: fn(Ordering) -> bool,
) -> Result<Value, BuiltinError> {
    let a = arg(name, args, 1)?;
    let b = arg(name, args, 2)?;
    Ok(Value::Bool(accept(a.cmp(b))))
}

fn equal(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    compare("equal", args, Ordering::is_eq)
}

fn neq(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    compare("neq", args, Ordering::is_ne)
}

fn lt(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    compare("lt", args, Ordering::is_lt)
}

fn lte(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    compare("lte", args, Ordering::is_le)
}

fn gt(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    compare("gt", args, Ordering::is_gt)
}

fn gte(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    compare("gte", args, Ordering::is_ge)
}
