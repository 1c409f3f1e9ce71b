//! `json.verify_schema` and `json.match_schema`: JSON Schema (drafts 4, 6
//! and 7) checking and validation with OPA's result shapes and
//! gojsonschema's messages.
//!
//! Schemas and documents may be JSON strings or objects. References must
//! point within the schema (`#/definitions/...`); remote references are
//! rejected.

mod canonical;
mod compile;
mod format;
mod validate;

use serde_json::Value as Json;

use crate::builtins::operands::failed;
use crate::builtins::results::{array, object_value};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

const CATEGORY: &str = "object";

/// The JSON Schema builtins.
pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin::new(
        CATEGORY,
        "json.match_schema",
        2,
        match_schema,
        "Validates a document against a JSON Schema, returning `[matched, errors]`.",
    ),
    Builtin::new(
        CATEGORY,
        "json.verify_schema",
        1,
        verify_schema,
        "Checks that a value is a valid JSON Schema, returning `[valid, error]`.",
    ),
];

/// A string operand parsed as JSON, or an object operand as JSON.
fn load(value: Option<&Value>) -> Result<Json, String> {
    match value {
        Some(Value::String(text)) => {
            serde_json::from_str(text).map_err(|_| "invalid JSON string".to_owned())
        }
        Some(object @ Value::Object(_)) => Ok(object.to_json()),
        _ => Err("wrong type, expected string or object".to_owned()),
    }
}

fn verify_schema(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let checked = load(args.first()).and_then(|schema| compile::compile(&schema).map(|_| ()));
    Ok(match checked {
        Ok(()) => array(vec![Value::Bool(true), Value::Null]),
        Err(message) => array(vec![
            Value::Bool(false),
            Value::string(&format!("jsonschema: {message}")),
        ]),
    })
}

fn match_schema(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "json.match_schema";
    let document = load(args.first()).map_err(|e| failed(NAME, e))?;
    let schema = load(args.get(1)).map_err(|e| failed(NAME, e))?;
    let compiled = compile::compile(&schema).map_err(|e| failed(NAME, e))?;
    let issues = validate::validate(&compiled, &document);
    let matched = issues.is_empty();
    let errors = issues
        .into_iter()
        .map(|issue| {
            object_value([
                (
                    Value::string("error"),
                    Value::string(&format!("{}: {}", issue.field, issue.description)),
                ),
                (Value::string("type"), Value::string(issue.kind)),
                (Value::string("field"), Value::string(&issue.field)),
                (Value::string("desc"), Value::string(&issue.description)),
            ])
        })
        .collect();
    Ok(array(vec![Value::Bool(matched), array(errors)]))
}
