//! `json.verify_schema` and `json.match_schema`: JSON Schema (drafts 4, 6
//! and 7) checking and validation with OPA's result shapes and
//! gojsonschema's messages. The schema compiler and the walk are
//! [`crate::jsonschema`]'s; this module only words their violations.
//!
//! Schemas and documents may be JSON strings or objects. References must
//! point within the schema (`#/definitions/...`); remote references are
//! rejected.

use serde_json::Value as Json;

use crate::builtins::operands::failed;
use crate::builtins::results::{array, object_value};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::json_pointer;
use crate::jsonschema::{self, JsonType, Violation, ViolationKind, big_float, furthest};
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
    let checked = load(args.first()).and_then(|schema| jsonschema::compile(&schema).map(|_| ()));
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
    let compiled = jsonschema::compile(&schema).map_err(|e| failed(NAME, e))?;
    let violations = jsonschema::validate(&compiled, &document, &jsonschema::Options::default());
    let mut issues = Vec::new();
    gojsonschema_issues(&violations, &mut issues);
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

/// One error as gojsonschema reports it.
struct Issue {
    /// gojsonschema's error type, e.g. `invalid_type`.
    kind: &'static str,
    /// The instance location without `(root).`, or `(root)`.
    field: String,
    /// The message without the field prefix.
    description: String,
}

/// Flattens violations into gojsonschema's list: a failed `anyOf` or
/// `oneOf` (with no match) is followed by its furthest branch's errors.
fn gojsonschema_issues(violations: &[Violation<'_>], out: &mut Vec<Issue>) {
    for violation in violations {
        let field = field(&violation.pointer);
        let (kind, description) = message(&violation.kind, &field);
        out.push(Issue {
            kind,
            field,
            description,
        });
        match &violation.kind {
            ViolationKind::AnyOf { branches }
            | ViolationKind::OneOf {
                branches,
                matched: 0,
            } => {
                if let Some(branch) = furthest(branches) {
                    gojsonschema_issues(&branch.violations, out);
                }
            }
            _ => {}
        }
    }
}

/// gojsonschema's field: the pointer's tokens joined by `.`, or `(root)`.
fn field(pointer: &str) -> String {
    if pointer.is_empty() {
        return "(root)".to_owned();
    }
    json_pointer::tokens(pointer).collect::<Vec<_>>().join(".")
}

fn types_text(types: &[JsonType]) -> String {
    match types {
        [single] => single.name().to_owned(),
        many => {
            let names: Vec<&str> = many.iter().map(|t| t.name()).collect();
            format!("[{}]", names.join(","))
        }
    }
}

/// gojsonschema's error type and description of one violation.
fn message(kind: &ViolationKind<'_>, field: &str) -> (&'static str, String) {
    match kind {
        ViolationKind::FalseSchema => ("false", "False always fails validation".to_owned()),
        ViolationKind::Type { expected, found } => (
            "invalid_type",
            format!(
                "Invalid type. Expected: {}, given: {}",
                types_text(expected),
                found.name()
            ),
        ),
        ViolationKind::AnyOf { .. } => (
            "number_any_of",
            "Must validate at least one schema (anyOf)".to_owned(),
        ),
        ViolationKind::OneOf { .. } => (
            "number_one_of",
            "Must validate one and only one schema (oneOf)".to_owned(),
        ),
        ViolationKind::AllOf => (
            "number_all_of",
            "Must validate all the schemas (allOf)".to_owned(),
        ),
        ViolationKind::Not => (
            "number_not",
            "Must not validate the schema (not)".to_owned(),
        ),
        ViolationKind::Dependency { needed } => (
            "missing_dependency",
            format!("Has a dependency on {needed}"),
        ),
        ViolationKind::Then => (
            "condition_then",
            "Must validate \"then\" as \"if\" was valid".to_owned(),
        ),
        ViolationKind::Else => (
            "condition_else",
            "Must validate \"else\" as \"if\" was not valid".to_owned(),
        ),
        ViolationKind::AdditionalItems => (
            "array_no_additional_items",
            "No additional items allowed on array".to_owned(),
        ),
        ViolationKind::MinItems { limit } => (
            "array_min_items",
            format!("Array must have at least {limit} items"),
        ),
        ViolationKind::MaxItems { limit } => (
            "array_max_items",
            format!("Array must have at most {limit} items"),
        ),
        ViolationKind::UniqueItems { first, second } => (
            "unique",
            format!("array items[{first},{second}] must be unique"),
        ),
        ViolationKind::Contains => (
            "contains",
            "At least one of the items must match".to_owned(),
        ),
        ViolationKind::MinProperties { limit } => (
            "array_min_properties",
            format!("Must have at least {limit} properties"),
        ),
        ViolationKind::MaxProperties { limit } => (
            "array_max_properties",
            format!("Must have at most {limit} properties"),
        ),
        ViolationKind::Required { property } => ("required", format!("{property} is required")),
        ViolationKind::AdditionalProperty { property }
        | ViolationKind::UndeclaredProperty { property } => (
            "additional_property_not_allowed",
            format!("Additional property {property} is not allowed"),
        ),
        ViolationKind::PropertyName { property } => (
            "invalid_property_name",
            format!("Property name of \"{property}\" does not match"),
        ),
        ViolationKind::Const { expected } => (
            "const",
            format!("{field} does not match: {}", expected.canonical()),
        ),
        ViolationKind::Enum { allowed } => {
            let allowed: Vec<&str> = allowed.iter().map(|m| m.canonical()).collect();
            (
                "enum",
                format!(
                    "{field} must be one of the following: {}",
                    allowed.join(", ")
                ),
            )
        }
        ViolationKind::Format { format, .. } => {
            ("format", format!("Does not match format '{format}'"))
        }
        ViolationKind::MinLength { limit } => (
            "string_gte",
            format!("String length must be greater than or equal to {limit}"),
        ),
        ViolationKind::MaxLength { limit } => (
            "string_lte",
            format!("String length must be less than or equal to {limit}"),
        ),
        ViolationKind::Pattern { pattern } => {
            ("pattern", format!("Does not match pattern '{pattern}'"))
        }
        ViolationKind::MultipleOf { divisor } => (
            "multiple_of",
            format!("Must be a multiple of {}", big_float(*divisor)),
        ),
        ViolationKind::Maximum { limit, exclusive } => {
            if *exclusive {
                (
                    "number_lt",
                    format!("Must be less than {}", big_float(*limit)),
                )
            } else {
                (
                    "number_lte",
                    format!("Must be less than or equal to {}", big_float(*limit)),
                )
            }
        }
        ViolationKind::Minimum { limit, exclusive } => {
            if *exclusive {
                (
                    "number_gt",
                    format!("Must be greater than {}", big_float(*limit)),
                )
            } else {
                (
                    "number_gte",
                    format!("Must be greater than or equal to {}", big_float(*limit)),
                )
            }
        }
    }
}
