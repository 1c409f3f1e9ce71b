//! Printing catalogue values as Rego terms.

use serde_yaml_ng::Value;

/// A JSON/Rego string literal.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An array of string literals on one line.
pub fn string_array<S: AsRef<str>>(items: &[S]) -> String {
    let parts: Vec<String> = items.iter().map(|s| quote(s.as_ref())).collect();
    format!("[{}]", parts.join(", "))
}

/// A set of string literals on one line.
pub fn string_set<S: AsRef<str>>(items: &[S]) -> String {
    let parts: Vec<String> = items.iter().map(|s| quote(s.as_ref())).collect();
    format!("{{{}}}", parts.join(", "))
}

/// A number as Rego spells it.
pub fn number(n: &serde_yaml_ng::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    let plain = format!("{f}");
    // Very small numbers print as long decimals; keep them readable.
    if plain.len() > 12 {
        format!("{f:e}")
    } else {
        plain
    }
}

/// A YAML value as a Rego term, on one line.
pub fn term(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n),
        Value::String(s) => quote(s),
        Value::Sequence(items) => {
            let parts: Vec<String> = items.iter().map(term).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Mapping(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", key(k), term(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Tagged(tagged) => term(&tagged.value),
    }
}

/// A YAML value as a Rego term; mappings and long sequences are spread over
/// several lines (one entry per line), indented with `indent` tabs.
pub fn term_multiline(value: &Value, indent: usize) -> String {
    let pad = "\t".repeat(indent + 1);
    let close = "\t".repeat(indent);
    match value {
        Value::Mapping(map) if !map.is_empty() => {
            let mut out = String::from("{\n");
            for (k, v) in map {
                out.push_str(&format!(
                    "{pad}{}: {},\n",
                    key(k),
                    term_multiline(v, indent + 1)
                ));
            }
            out.push_str(&close);
            out.push('}');
            out
        }
        Value::Sequence(items) if term(value).len() > 80 => {
            let mut out = String::from("[\n");
            for v in items {
                out.push_str(&format!("{pad}{},\n", term_multiline(v, indent + 1)));
            }
            out.push_str(&close);
            out.push(']');
            out
        }
        other => term(other),
    }
}

fn key(k: &Value) -> String {
    match k {
        Value::String(s) => quote(s),
        Value::Number(n) => quote(&number(n)),
        Value::Bool(b) => quote(&b.to_string()),
        other => term(other),
    }
}
