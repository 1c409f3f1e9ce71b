//! Values printed the way Go's `fmt` prints what OPA's JSON decoding
//! produces: numbers as written, `[a b]` for arrays, `map[k:v]` for objects
//! (keys sorted), `<nil>` for null.

use crate::value::Value;

/// The output of an action: a missing value or a top-level null is Go's
/// `<no value>`, which OPA reports as `<undefined>`.
pub(super) fn go_print(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "<undefined>".to_owned(),
        Some(value) => go_format(value),
    }
}

/// `fmt.Sprint("%v", value)`.
pub(super) fn go_format(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => write_list(out, items.iter()),
        Value::Set(items) => write_list(out, items.iter()),
        Value::Object(map) => {
            // Go sorts map keys; OPA's keys are strings after JSON decoding.
            let mut entries: Vec<(String, &Value)> =
                map.iter().map(|(k, v)| (key_text(k), v)).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            out.push_str("map[");
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(key);
                out.push(':');
                write_value(out, item);
            }
            out.push(']');
        }
    }
}

fn write_list<'v>(out: &mut String, items: impl Iterator<Item = &'v Value>) {
    out.push('[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_value(out, item);
    }
    out.push(']');
}

/// An object key as JSON decoding makes it: strings stay, other keys
/// become their JSON text.
fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.to_string(),
        other => other.to_json().to_string(),
    }
}

/// `fmt.Sprint` (spaces only between two non-strings) or `fmt.Sprintln`
/// (spaces between all, and a newline). Missing values are `<nil>`.
pub(super) fn go_sprint(args: &[Option<Value>], line: bool) -> String {
    let mut out = String::new();
    let mut previous_string = None;
    for arg in args {
        let is_string = matches!(arg, Some(Value::String(_)));
        let space = match previous_string {
            None => false,
            Some(prev) => line || !(prev || is_string),
        };
        if space {
            out.push(' ');
        }
        out.push_str(&arg.as_ref().map_or_else(|| "<nil>".to_owned(), go_format));
        previous_string = Some(is_string);
    }
    if line {
        out.push('\n');
    }
    out
}
