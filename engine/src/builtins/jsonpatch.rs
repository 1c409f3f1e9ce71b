//! `json.patch`: RFC 6902 patches over Rego values, with OPA's extensions:
//! paths may omit the leading `/` or be arrays of keys (any values), and
//! sets can be patched (`add`/`remove` an element by naming it).
//!
//! A patch that cannot be applied makes the call undefined, as in OPA.

use std::sync::Arc;

use crate::builtins::operands;
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::number::Number;
use crate::value::Value;

/// The `json.patch` builtin (category `object`).
pub(crate) const BUILTINS: &[Builtin] = &[Builtin {
    name: "json.patch",
    arity: 2,
    func: patch,
    category: "object",
    summary: "Applies a JSON Patch (RFC 6902) to a value.",
}];

const NAME: &str = "json.patch";

/// What to do at the end of a path.
enum Edit {
    Add(Value),
    Remove,
    Replace(Value),
}

fn parse_path(op: &str, value: Option<&Value>, field: &str) -> Result<Vec<Value>, String> {
    match value {
        None => Err(format!("{op}: missing '{field}' parameter")),
        Some(Value::String(path)) => {
            if path.is_empty() {
                return Ok(Vec::new());
            }
            let path = path.strip_prefix('/').unwrap_or(path);
            Ok(path
                .split('/')
                .map(|segment| Value::string(&crate::json_pointer::unescape(segment)))
                .collect())
        }
        Some(Value::Array(segments)) => Ok(segments.to_vec()),
        Some(other) => Err(format!(
            "{op}: {} is not valid value for '{field}'",
            other.type_name()
        )),
    }
}

/// An array index named by a path segment.
fn index(segment: &Value, len: usize, allow_end: bool) -> Result<usize, String> {
    let idx = match segment {
        Value::String(s) if allow_end && &**s == "-" => return Ok(len),
        Value::String(s) => {
            let canonical = s == &Arc::from("0") || (!s.starts_with('0') && !s.is_empty());
            if !canonical || !s.bytes().all(|c| c.is_ascii_digit()) {
                return Err(format!("invalid array index {s:?}"));
            }
            s.parse::<usize>()
                .map_err(|_| format!("invalid array index {s:?}"))?
        }
        Value::Number(Number::Int(i)) => {
            usize::try_from(*i).map_err(|_| format!("invalid array index {i}"))?
        }
        other => return Err(format!("invalid array index {other}")),
    };
    let limit = if allow_end {
        len
    } else {
        len.saturating_sub(1)
    };
    if idx > limit || (!allow_end && len == 0) {
        return Err(format!("index {idx} is out of range"));
    }
    Ok(idx)
}

fn child<'a>(container: &'a Value, segment: &Value) -> Option<&'a Value> {
    match container {
        Value::Array(items) => items.get(index(segment, items.len(), false).ok()?),
        Value::Object(map) => map.get(segment),
        Value::Set(items) => items.get(segment),
        _ => None,
    }
}

fn get<'a>(doc: &'a Value, path: &[Value]) -> Option<&'a Value> {
    path.iter()
        .try_fold(doc, |node, segment| child(node, segment))
}

/// Applies `edit` at `path`, returning the new document.
fn apply(doc: &Value, path: &[Value], edit: Edit) -> Result<Value, String> {
    let Some((segment, rest)) = path.split_first() else {
        return match edit {
            Edit::Add(value) | Edit::Replace(value) => Ok(value),
            Edit::Remove => Err("cannot remove the whole document".to_owned()),
        };
    };
    if !rest.is_empty() {
        let inner = child(doc, segment).ok_or_else(|| format!("path {segment} does not exist"))?;
        let updated = apply(inner, rest, edit)?;
        return Ok(match doc {
            Value::Array(items) => {
                let mut items = items.to_vec();
                let at = index(segment, items.len(), false)?;
                if let Some(slot) = items.get_mut(at) {
                    *slot = updated;
                }
                Value::Array(Arc::new(items))
            }
            Value::Object(map) => {
                let mut map = (**map).clone();
                map.insert(segment.clone(), updated);
                Value::Object(Arc::new(map))
            }
            Value::Set(items) => {
                let mut items = (**items).clone();
                items.remove(segment);
                items.insert(updated);
                Value::Set(Arc::new(items))
            }
            _ => return Err(format!("path {segment} does not exist")),
        });
    }
    match doc {
        Value::Object(map) => {
            let mut map = (**map).clone();
            match edit {
                Edit::Add(value) => {
                    map.insert(segment.clone(), value);
                }
                Edit::Replace(value) => {
                    let slot = map
                        .get_mut(segment)
                        .ok_or_else(|| format!("path {segment} does not exist"))?;
                    *slot = value;
                }
                Edit::Remove => {
                    map.remove(segment)
                        .ok_or_else(|| format!("path {segment} does not exist"))?;
                }
            }
            Ok(Value::Object(Arc::new(map)))
        }
        Value::Array(items) => {
            let mut items = items.to_vec();
            match edit {
                Edit::Add(value) => {
                    let at = index(segment, items.len(), true)?;
                    items.insert(at, value);
                }
                Edit::Replace(value) => {
                    let at = index(segment, items.len(), false)?;
                    if let Some(slot) = items.get_mut(at) {
                        *slot = value;
                    }
                }
                Edit::Remove => {
                    let at = index(segment, items.len(), false)?;
                    items.remove(at);
                }
            }
            Ok(Value::Array(Arc::new(items)))
        }
        Value::Set(items) => {
            let mut items = (**items).clone();
            match edit {
                Edit::Add(value) | Edit::Replace(value) => {
                    if &value != segment {
                        return Err(format!("set element {value} does not match path {segment}"));
                    }
                    items.insert(value);
                }
                Edit::Remove => {
                    if !items.remove(segment) {
                        return Err(format!("path {segment} does not exist"));
                    }
                }
            }
            Ok(Value::Set(Arc::new(items)))
        }
        other => Err(format!("cannot patch into a {}", other.type_name())),
    }
}

fn apply_operation(doc: Value, operation: &Value) -> Result<Value, String> {
    let Value::Object(fields) = operation else {
        return Err(format!(
            "patch operation must be an object, got {}",
            operation.type_name()
        ));
    };
    let field = |name: &str| fields.get(&Value::string(name));
    let op = match field("op") {
        Some(Value::String(op)) => op.to_string(),
        Some(other) => return Err(format!("invalid op {other}")),
        None => return Err("missing 'op' parameter".to_owned()),
    };
    let path = parse_path(&op, field("path"), "path")?;
    let value = || {
        field("value")
            .cloned()
            .ok_or_else(|| format!("{op}: missing 'value' parameter"))
    };
    match op.as_str() {
        "add" => apply(&doc, &path, Edit::Add(value()?)),
        "remove" => apply(&doc, &path, Edit::Remove),
        "replace" => apply(&doc, &path, Edit::Replace(value()?)),
        "test" => {
            let expected = value()?;
            match get(&doc, &path) {
                Some(actual) if *actual == expected => Ok(doc),
                _ => Err("test failed".to_owned()),
            }
        }
        "move" | "copy" => {
            let from = parse_path(&op, field("from"), "from")?;
            let moved = get(&doc, &from)
                .cloned()
                .ok_or_else(|| format!("{op}: missing 'from' location"))?;
            if op == "move" {
                if from == path {
                    return Ok(doc);
                }
                if path.starts_with(&from) {
                    return Err("move: cannot move a value into itself".to_owned());
                }
                let removed = apply(&doc, &from, Edit::Remove)?;
                apply(&removed, &path, Edit::Add(moved))
            } else {
                apply(&doc, &path, Edit::Add(moved))
            }
        }
        other => Err(format!("unrecognized op {other:?}")),
    }
}

fn patch(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let doc = operands::arg(NAME, args, 1)?.clone();
    let operations = match operands::arg(NAME, args, 2)? {
        Value::Array(items) => items,
        other => return Err(operands::type_error(NAME, 2, other, &["array"])),
    };
    operations
        .iter()
        .try_fold(doc, apply_operation)
        .map_err(|msg| BuiltinError::undefined(format!("{NAME}: {msg}")))
}

#[cfg(test)]
mod tests;
