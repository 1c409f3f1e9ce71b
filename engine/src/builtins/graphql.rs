//! `graphql.*`: parsing GraphQL queries and schemas into OPA's (gqlparser's)
//! AST objects, and validating queries against schemas.
//!
//! The parser, schema checks and query rules are the `riskgate-graphql`
//! crate's (present with the `graphql` feature); this module turns their
//! results into OPA's values and errors.

use std::sync::OnceLock;

use riskgate_graphql::ast::{QueryDocument, SchemaDocument};
use riskgate_graphql::lexer::GqlError;
use riskgate_graphql::{parser, schema, validate};

use crate::builtins::operands::{arg, failed, type_error};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

const CATEGORY: &str = "graphql";

/// The `graphql` category.
pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin::new(
        CATEGORY,
        "graphql.is_valid",
        2,
        is_valid,
        "Checks that a GraphQL query is valid against a schema (strings or AST objects).",
    ),
    Builtin::new(
        CATEGORY,
        "graphql.parse",
        2,
        parse,
        "Parses and validates a GraphQL query against a schema, returning both ASTs.",
    ),
    Builtin::new(
        CATEGORY,
        "graphql.parse_and_verify",
        2,
        parse_and_verify,
        "Returns `[valid, query_ast, schema_ast]` for a GraphQL query and schema.",
    ),
    Builtin::new(
        CATEGORY,
        "graphql.parse_query",
        1,
        parse_query,
        "Parses a GraphQL query into an AST object.",
    ),
    Builtin::new(
        CATEGORY,
        "graphql.parse_schema",
        1,
        parse_schema,
        "Parses a GraphQL schema into an AST object.",
    ),
    Builtin::new(
        CATEGORY,
        "graphql.schema_is_valid",
        1,
        schema_is_valid,
        "Checks that a GraphQL schema (string or AST object) is valid.",
    ),
];

/// `msg in GraphQL string at location L:C`, as OPA words parse errors.
fn located(error: &GqlError) -> String {
    match error.pos {
        Some(pos) => format!(
            "{} in GraphQL string at location {}:{}",
            error.message, pos.line, pos.column
        ),
        None => format!("{} in GraphQL string", error.message),
    }
}

/// gqlparser's `input:L:C: msg` rendering of one error.
fn go_error(error: &GqlError) -> String {
    match error.pos {
        Some(pos) => format!("input:{}:{}: {}", pos.line, pos.column, error.message),
        None => format!("input: {}", error.message),
    }
}

/// OPA's rendering of a validation error list: the list's text split at its
/// first three colons, the final `.` and newline trimmed.
fn validation_message(errors: &[GqlError]) -> String {
    let text: String = errors.iter().map(|e| go_error(e) + "\n").collect();
    let parts: Vec<&str> = text.splitn(4, ':').collect();
    match parts.as_slice() {
        [_, line, column, message] => {
            let message = message.trim_start_matches(' ');
            let message = message.strip_suffix(".\n").unwrap_or(message);
            format!("{message} in GraphQL string at location {line}:{column}")
        }
        _ => text.trim_end().to_owned(),
    }
}

fn prelude() -> &'static SchemaDocument {
    static PRELUDE: OnceLock<SchemaDocument> = OnceLock::new();
    PRELUDE.get_or_init(|| {
        let mut doc = parser::parse_schema(riskgate_graphql::PRELUDE).unwrap_or_default();
        for def in &mut doc.definitions {
            def.built_in = true;
        }
        doc
    })
}

enum Failure {
    Type(BuiltinError),
    Invalid(String),
}

fn query_operand(name: &str, args: &[Value], pos: usize) -> Result<QueryDocument, Failure> {
    match arg(name, args, pos).map_err(Failure::Type)? {
        Value::String(text) => parser::parse_query(text).map_err(|e| Failure::Invalid(located(&e))),
        value @ Value::Object(_) => match value.to_json() {
            serde_json::Value::Object(map) => Ok(QueryDocument::from_json(&map)),
            _ => Ok(QueryDocument::default()),
        },
        other => Err(Failure::Type(type_error(
            name,
            pos,
            other,
            &["string", "object"],
        ))),
    }
}

fn schema_operand(name: &str, args: &[Value], pos: usize) -> Result<SchemaDocument, Failure> {
    match arg(name, args, pos).map_err(Failure::Type)? {
        Value::String(text) => {
            parser::parse_schema(text).map_err(|e| Failure::Invalid(located(&e)))
        }
        value @ Value::Object(_) => match value.to_json() {
            serde_json::Value::Object(map) => Ok(SchemaDocument::from_json(&map)),
            _ => Ok(SchemaDocument::default()),
        },
        other => Err(Failure::Type(type_error(
            name,
            pos,
            other,
            &["string", "object"],
        ))),
    }
}

fn build_schema(doc: &SchemaDocument) -> Result<schema::Schema, Failure> {
    schema::build(prelude(), doc).map_err(|e| {
        Failure::Invalid(format!(
            "Error in gqlparser SchemaDocument to Schema conversion: {}",
            go_error(&e)
        ))
    })
}

/// Parses both operands and validates the query; the ASTs on success.
fn parse_both(name: &str, args: &[Value]) -> Result<(Value, Value), Failure> {
    let query = query_operand(name, args, 1)?;
    let schema_doc = schema_operand(name, args, 2)?;
    let schema = build_schema(&schema_doc)?;
    let errors = validate::validate(&schema, &query);
    if !errors.is_empty() {
        return Err(Failure::Invalid(validation_message(&errors)));
    }
    Ok((
        Value::from_json(&query.to_json()),
        Value::from_json(&schema_doc.to_json()),
    ))
}

fn parse(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "graphql.parse";
    match parse_both(name, args) {
        Ok((query, schema)) => Ok(Value::array(vec![query, schema])),
        Err(Failure::Type(error)) => Err(error),
        Err(Failure::Invalid(message)) => Err(failed(name, message)),
    }
}

fn parse_and_verify(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    Ok(match parse_both("graphql.parse_and_verify", args) {
        Ok((query, schema)) => Value::array(vec![true.into(), query, schema]),
        Err(_) => Value::array(vec![
            false.into(),
            Value::empty_object(),
            Value::empty_object(),
        ]),
    })
}

fn is_valid(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    Ok(parse_both("graphql.is_valid", args).is_ok().into())
}

fn schema_is_valid(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "graphql.schema_is_valid";
    let valid = schema_operand(name, args, 1)
        .and_then(|doc| build_schema(&doc))
        .is_ok();
    Ok(valid.into())
}

fn parse_query(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "graphql.parse_query";
    let text = crate::builtins::operands::string(name, args, 1)?;
    let doc = parser::parse_query(text).map_err(|e| failed(name, located(&e)))?;
    Ok(Value::from_json(&doc.to_json()))
}

fn parse_schema(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "graphql.parse_schema";
    let text = crate::builtins::operands::string(name, args, 1)?;
    let doc = parser::parse_schema(text).map_err(|e| failed(name, located(&e)))?;
    Ok(Value::from_json(&doc.to_json()))
}

#[cfg(test)]
mod tests;
