//! Set operations: `&` (`and`), `|` (`or`), `intersection`, `union`.
//! Set difference is `minus`, in the numbers module.

use std::collections::BTreeSet;

use crate::builtins::operands::{set, type_error};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

const CATEGORY: &str = "sets";

pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "and",
        arity: 2,
        func: and,
        category: CATEGORY,
        summary: "The intersection of two sets (the `&` operator).",
    },
    Builtin {
        name: "or",
        arity: 2,
        func: or,
        category: CATEGORY,
        summary: "The union of two sets (the `|` operator).",
    },
    Builtin {
        name: "intersection",
        arity: 1,
        func: intersection,
        category: CATEGORY,
        summary: "The intersection of a set of sets.",
    },
    Builtin {
        name: "union",
        arity: 1,
        func: union,
        category: CATEGORY,
        summary: "The union of a set of sets.",
    },
];

fn and(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let a = set("and", args, 1)?;
    let b = set("and", args, 2)?;
    Ok(Value::set(a.intersection(b).cloned().collect()))
}

fn or(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let a = set("or", args, 1)?;
    let b = set("or", args, 2)?;
    Ok(Value::set(a.union(b).cloned().collect()))
}

/// The member sets of operand 1.
fn member_sets<'a>(
    name: &str,
    args: &'a [Value],
) -> Result<Vec<&'a BTreeSet<Value>>, BuiltinError> {
    set(name, args, 1)?
        .iter()
        .map(|member| match member {
            Value::Set(inner) => Ok(&**inner),
            other => Err(type_error(name, 1, other, &["set"])),
        })
        .collect()
}

fn intersection(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let sets = member_sets("intersection", args)?;
    let mut iter = sets.into_iter();
    let Some(first) = iter.next() else {
        return Ok(Value::empty_set());
    };
    let mut result = first.clone();
    for next in iter {
        result.retain(|item| next.contains(item));
    }
    Ok(Value::set(result))
}

fn union(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let sets = member_sets("union", args)?;
    Ok(Value::set(sets.into_iter().flatten().cloned().collect()))
}
