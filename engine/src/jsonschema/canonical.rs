//! Canonical JSON text as Go's `encoding/json` writes it after a round trip
//! through `float64`: what gojsonschema compares `enum`, `const` and
//! `uniqueItems` members by, and prints in `enum`/`const` messages.

use std::fmt::Write as _;

use super::instance::{Instance, JsonType};

/// The canonical text of `value` (sorted keys, numbers as doubles).
pub(crate) fn marshal<I: Instance>(value: &I) -> String {
    let mut out = String::new();
    write(&mut out, value);
    out
}

fn write<I: Instance>(out: &mut String, value: &I) {
    match value.json_type() {
        JsonType::Null => out.push_str("null"),
        JsonType::Boolean => out.push_str(if value.boolean() == Some(true) {
            "true"
        } else {
            "false"
        }),
        JsonType::Integer | JsonType::Number => out.push_str(&float(value.number().unwrap_or(0.0))),
        JsonType::String => string(out, value.string().unwrap_or_default()),
        JsonType::Array => {
            out.push('[');
            for (i, item) in value.items().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, item);
            }
            out.push(']');
        }
        JsonType::Object => {
            let mut entries: Vec<_> = value.members().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(out, key);
                out.push(':');
                write(out, item);
            }
            out.push('}');
        }
    }
}

/// A double as Go's `encoding/json` writes it.
#[must_use]
pub fn float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let text = format!("{f:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(digits) => ('-', digits),
            None => ('+', exponent),
        };
        // Go writes e-07 as e-7 in JSON; two digits minimum otherwise.
        return format!("{mantissa}e{sign}{digits}");
    }
    format!("{f}")
}

/// A number as Go prints a `big.Float` with `%v`: shortest digits, `%e`
/// form below 1e-4 and from 1e6 on (`1e+06`).
#[must_use]
pub fn big_float(f: f64) -> String {
    if f == 0.0 {
        return "0".to_owned();
    }
    let text = format!("{f:e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let exp: i32 = exponent.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.unsigned_abs());
    }
    format!("{f}")
}

fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
