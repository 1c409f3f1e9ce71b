//! `json.marshal*`, `json.unmarshal`, `json.is_valid` and `yaml.*`.
//!
//! Output matches Go's `encoding/json`: object keys sorted, sets written as
//! arrays, and `<`, `>`, `&`, U+2028, U+2029 escaped.

use std::sync::Arc;

use crate::builtins::operands::{self, failed};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::number::Number;
use crate::value::Value;

const CATEGORY: &str = "encoding";

/// The JSON and YAML builtins (category `encoding`).
pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin::new(
        CATEGORY,
        "json.marshal",
        1,
        json_marshal,
        "Serialises a value as compact JSON.",
    ),
    Builtin::new(
        CATEGORY,
        "json.marshal_with_options",
        2,
        json_marshal_with_options,
        "Serialises a value as JSON with `pretty`, `indent` and `prefix` options.",
    ),
    Builtin::new(
        CATEGORY,
        "json.unmarshal",
        1,
        json_unmarshal,
        "Parses JSON text into a value.",
    ),
    Builtin::new(
        CATEGORY,
        "json.is_valid",
        1,
        json_is_valid,
        "Reports whether a string is valid JSON.",
    ),
    Builtin::new(
        CATEGORY,
        "yaml.marshal",
        1,
        yaml_marshal,
        "Serialises a value as YAML.",
    ),
    Builtin::new(
        CATEGORY,
        "yaml.unmarshal",
        1,
        yaml_unmarshal,
        "Parses YAML text into a value.",
    ),
    Builtin::new(
        CATEGORY,
        "yaml.is_valid",
        1,
        yaml_is_valid,
        "Reports whether a string is valid YAML.",
    ),
];

/// Escapes what Go's encoder escapes beyond serde_json; these characters
/// can only occur inside JSON strings, so a plain replacement is exact.
pub(crate) fn go_escape(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            other => out.push(other),
        }
    }
    out
}

fn json_marshal(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let value = operands::arg("json.marshal", args, 1)?;
    Ok(Value::string(&go_escape(&value.to_json().to_string())))
}

fn json_marshal_with_options(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "json.marshal_with_options";
    let value = operands::arg(name, args, 1)?;
    let options = operands::object(name, args, 2)?;
    let operand_error =
        |message: String| BuiltinError::type_error(format!("{name}: operand 2 {message}"));
    let (mut indent, mut prefix) = ("\t", "");
    let (mut implicit, mut explicit) = (false, None);
    for (key, option) in options {
        match key.as_str() {
            Some("prefix") => {
                prefix = option.as_str().ok_or_else(|| {
                    operand_error(format!(
                        "key prefix failed cast to string: operand 2 must be string but got {}",
                        option.type_name()
                    ))
                })?;
                implicit = true;
            }
            Some("indent") => {
                indent = option.as_str().ok_or_else(|| {
                    operand_error(format!(
                        "key indent failed cast to string: operand 2 must be string but got {}",
                        option.type_name()
                    ))
                })?;
                implicit = true;
            }
            Some("pretty") => match option {
                Value::Bool(pretty) => explicit = Some(*pretty),
                _ => return Err(operand_error("key pretty failed cast to bool".to_owned())),
            },
            _ => return Err(operand_error(format!("object contained unknown key {key}"))),
        }
    }
    let json = value.to_json();
    if !explicit.unwrap_or(implicit) {
        return Ok(Value::string(&go_escape(&json.to_string())));
    }
    let mut out = String::from(prefix);
    write_indented(&mut out, &json, prefix, indent, 0);
    Ok(Value::string(&out))
}

/// Go's `json.MarshalIndent` layout (without the first-line prefix).
fn write_indented(
    out: &mut String,
    json: &serde_json::Value,
    prefix: &str,
    indent: &str,
    depth: usize,
) {
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(prefix);
        for _ in 0..depth {
            out.push_str(indent);
        }
    };
    match json {
        serde_json::Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_indented(out, item, prefix, indent, depth + 1);
            }
            newline(out, depth);
            out.push(']');
        }
        serde_json::Value::Object(map) if !map.is_empty() => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                out.push_str(&go_escape(
                    &serde_json::Value::String(key.clone()).to_string(),
                ));
                out.push_str(": ");
                write_indented(out, item, prefix, indent, depth + 1);
            }
            newline(out, depth);
            out.push('}');
        }
        other => out.push_str(&go_escape(&other.to_string())),
    }
}

fn json_unmarshal(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "json.unmarshal";
    let text = operands::string(name, args, 1)?;
    let json: serde_json::Value = serde_json::from_str(text).map_err(|err| failed(name, err))?;
    Ok(Value::from_json(&json))
}

fn json_is_valid(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let valid = args
        .first()
        .and_then(Value::as_str)
        .is_some_and(|text| serde_json::from_str::<serde_json::Value>(text).is_ok());
    Ok(valid.into())
}

fn yaml_marshal(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "yaml.marshal";
    let value = operands::arg(name, args, 1)?;
    let text = serde_yaml_ng::to_string(&value.to_json()).map_err(|err| failed(name, err))?;
    Ok(Value::string(&text))
}

fn yaml_unmarshal(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "yaml.unmarshal";
    let text = operands::string(name, args, 1)?;
    parse_yaml(text).map_err(|msg| failed(name, msg))
}

fn yaml_is_valid(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let valid = args
        .first()
        .and_then(Value::as_str)
        .is_some_and(|text| parse_yaml(text).is_ok());
    Ok(valid.into())
}

/// Parses YAML into a value; mapping keys become strings as in OPA.
pub(crate) fn parse_yaml(text: &str) -> Result<Value, String> {
    let yaml: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(text).map_err(|err| yaml_error(&err))?;
    from_yaml(&yaml)
}

/// Go-yaml's wording: `yaml: line N: <problem>`.
fn yaml_error(err: &serde_yaml_ng::Error) -> String {
    let text = err.to_string();
    let problem = text.split(" at line ").next().unwrap_or(&text);
    let line_of = |marker: &str| -> Option<usize> {
        let rest = text.split(marker).nth(1)?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    let context_line = text
        .split(", while ")
        .nth(1)
        .and_then(|context| {
            let rest = context.split(" at line ").nth(1)?;
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<usize>().ok()
        })
        .map(|line| line.saturating_sub(1))
        .filter(|line| *line != 0);
    let problem_line = line_of(" at line ")
        .map(|line| line.saturating_sub(1))
        .filter(|line| *line != 0);
    match context_line.or(problem_line) {
        Some(line) => format!("yaml: line {line}: {problem}"),
        None => format!("yaml: {problem}"),
    }
}

/// A YAML value as a value; mapping keys become strings as in OPA.
pub(crate) fn from_yaml(yaml: &serde_yaml_ng::Value) -> Result<Value, String> {
    use serde_yaml_ng::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => {
            let number = n
                .as_i64()
                .map(Number::Int)
                .or_else(|| n.as_f64().and_then(Number::from_f64))
                .ok_or_else(|| format!("yaml: unsupported number {n}"))?;
            Value::Number(number)
        }
        Y::String(s) => Value::string(s),
        Y::Sequence(items) => Value::Array(Arc::new(
            items.iter().map(from_yaml).collect::<Result<_, _>>()?,
        )),
        Y::Mapping(map) => {
            let mut entries = std::collections::BTreeMap::new();
            for (key, item) in map {
                let key = match key {
                    Y::String(s) => s.clone(),
                    Y::Null => "null".to_owned(),
                    Y::Bool(b) => b.to_string(),
                    Y::Number(n) => n.to_string(),
                    other => {
                        return Err(format!(
                            "yaml: unsupported map key {}",
                            serde_yaml_ng::to_string(other).unwrap_or_default().trim()
                        ));
                    }
                };
                entries.insert(Value::string(&key), from_yaml(item)?);
            }
            Value::Object(Arc::new(entries))
        }
        Y::Tagged(tagged) => from_yaml(&tagged.value)?,
    })
}
