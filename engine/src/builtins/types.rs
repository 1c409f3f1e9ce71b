//! Type predicates (`is_*`) and `type_name`.

use crate::builtins::operands::arg;
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

const CATEGORY: &str = "types";

pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "is_array",
        arity: 1,
        func: is_array,
        category: CATEGORY,
        summary: "Whether the value is an array.",
    },
    Builtin {
        name: "is_boolean",
        arity: 1,
        func: is_boolean,
        category: CATEGORY,
        summary: "Whether the value is a boolean.",
    },
    Builtin {
        name: "is_null",
        arity: 1,
        func: is_null,
        category: CATEGORY,
        summary: "Whether the value is null.",
    },
    Builtin {
        name: "is_number",
        arity: 1,
        func: is_number,
        category: CATEGORY,
        summary: "Whether the value is a number.",
    },
    Builtin {
        name: "is_object",
        arity: 1,
        func: is_object,
        category: CATEGORY,
        summary: "Whether the value is an object.",
    },
    Builtin {
        name: "is_set",
        arity: 1,
        func: is_set,
        category: CATEGORY,
        summary: "Whether the value is a set.",
    },
    Builtin {
        name: "is_string",
        arity: 1,
        func: is_string,
        category: CATEGORY,
        summary: "Whether the value is a string.",
    },
    Builtin {
        name: "type_name",
        arity: 1,
        func: type_name,
        category: CATEGORY,
        summary: "The value's type: `null`, `boolean`, `number`, `string`, `array`, `object` or `set`.",
    },
];

fn is(name: &str, args: &[Value], type_name: &str) -> Result<Value, BuiltinError> {
    Ok(Value::Bool(arg(name, args, 1)?.type_name() == type_name))
}

fn is_array(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    is("is_array", args, "array")
}

fn is_boolean(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    is("is_boolean", args, "boolean")
}

fn is_null(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    is("is_null", args, "null")
}

fn is_number(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    is("is_number", args, "number")
}

fn is_object(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    is("is_object", args, "object")
}

fn is_set(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    is("is_set", args, "set")
}

fn is_string(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    is("is_string", args, "string")
}

fn type_name(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    Ok(Value::string(arg("type_name", args, 1)?.type_name()))
}
