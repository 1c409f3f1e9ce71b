//! Encodings: `base64*`, `hex.*`, `urlquery.*`, `json.marshal*`,
//! `json.unmarshal`, `json.is_valid` and `yaml.*`.
//!
//! Decoded bytes that are not UTF-8 become strings with U+FFFD in place of
//! the invalid sequences (Rego strings are UTF-8 here; Go keeps raw bytes).

pub(crate) mod serial;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};

use crate::builtins::operands::{self, failed};
use crate::builtins::results::{array, hex_lower, object_value};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

pub(crate) use serial::BUILTINS as SERIAL_BUILTINS;
pub(crate) use serial::from_yaml;

const CATEGORY: &str = "encoding";

/// The `encoding` category (base64, hex, urlquery).
pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin::new(
        CATEGORY,
        "base64.encode",
        1,
        base64_encode,
        "Encodes a string as standard base64 with padding.",
    ),
    Builtin::new(
        CATEGORY,
        "base64.decode",
        1,
        base64_decode,
        "Decodes standard base64.",
    ),
    Builtin::new(
        CATEGORY,
        "base64.is_valid",
        1,
        base64_is_valid,
        "Reports whether a string is valid standard base64.",
    ),
    Builtin::new(
        CATEGORY,
        "base64url.encode",
        1,
        base64url_encode,
        "Encodes a string as URL-safe base64 with padding.",
    ),
    Builtin::new(
        CATEGORY,
        "base64url.encode_no_pad",
        1,
        base64url_encode_no_pad,
        "Encodes a string as URL-safe base64 without padding.",
    ),
    Builtin::new(
        CATEGORY,
        "base64url.decode",
        1,
        base64url_decode,
        "Decodes URL-safe base64, padded or not.",
    ),
    Builtin::new(
        CATEGORY,
        "hex.encode",
        1,
        hex_encode,
        "Encodes a string as lower-case hex.",
    ),
    Builtin::new(CATEGORY, "hex.decode", 1, hex_decode, "Decodes hex."),
    Builtin::new(
        CATEGORY,
        "urlquery.encode",
        1,
        urlquery_encode,
        "Escapes a string for use in a URL query.",
    ),
    Builtin::new(
        CATEGORY,
        "urlquery.decode",
        1,
        urlquery_decode,
        "Unescapes a URL query string.",
    ),
    Builtin::new(
        CATEGORY,
        "urlquery.encode_object",
        1,
        urlquery_encode_object,
        "Encodes an object of strings, arrays or sets of strings as a URL query.",
    ),
    Builtin::new(
        CATEGORY,
        "urlquery.decode_object",
        1,
        urlquery_decode_object,
        "Decodes a URL query into an object of arrays of strings.",
    ),
];

fn bytes_to_value(bytes: &[u8]) -> Value {
    Value::string(&String::from_utf8_lossy(bytes))
}

fn base64_encode(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let text = operands::string("base64.encode", args, 1)?;
    Ok(Value::string(&STANDARD.encode(text)))
}

/// Go's wording for a base64 error.
fn base64_error(name: &str, err: &base64::DecodeError) -> BuiltinError {
    let offset = match err {
        base64::DecodeError::InvalidByte(offset, _)
        | base64::DecodeError::InvalidLastSymbol(offset, _) => *offset,
        base64::DecodeError::InvalidLength(len) => *len,
        base64::DecodeError::InvalidPadding => 0,
    };
    failed(name, format!("illegal base64 data at input byte {offset}"))
}

fn base64_decode(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "base64.decode";
    let text = operands::string(name, args, 1)?;
    let bytes = STANDARD
        .decode(text)
        .map_err(|err| base64_error(name, &err))?;
    Ok(bytes_to_value(&bytes))
}

fn base64_is_valid(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let text = operands::string("base64.is_valid", args, 1)?;
    Ok(STANDARD.decode(text).is_ok().into())
}

fn base64url_encode(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let text = operands::string("base64url.encode", args, 1)?;
    Ok(Value::string(&URL_SAFE.encode(text)))
}

fn base64url_encode_no_pad(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let text = operands::string("base64url.encode_no_pad", args, 1)?;
    Ok(Value::string(&URL_SAFE_NO_PAD.encode(text)))
}

fn base64url_decode(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "base64url.decode";
    let text = operands::string(name, args, 1)?;
    // Unpadded input is padded first (RFC 7515 appendix C), as in OPA.
    let mut padded = text.to_owned();
    if !text.ends_with('=') {
        match text.len() % 4 {
            0 => {}
            2 => padded.push_str("=="),
            3 => padded.push('='),
            _ => return Err(failed(name, format!("illegal base64url string: {text}"))),
        }
    }
    let bytes = URL_SAFE
        .decode(&padded)
        .map_err(|err| base64_error(name, &err))?;
    Ok(bytes_to_value(&bytes))
}

fn hex_encode(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let text = operands::string("hex.encode", args, 1)?;
    Ok(Value::string(&hex_lower(text.as_bytes())))
}

/// Decodes hex with Go's error wording.
pub(crate) fn decode_hex(text: &str) -> Result<Vec<u8>, String> {
    let nibble = |c: u8| -> Result<u8, String> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(format!(
                "encoding/hex: invalid byte: U+{:04X} {:?}",
                u32::from(c),
                char::from(c)
            )),
        }
    };
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 2);
    for pair in bytes.chunks(2) {
        match pair {
            [hi, lo] => {
                let high = nibble(*hi)?;
                out.push(high << 4 | nibble(*lo)?);
            }
            [single] => {
                nibble(*single)?;
                return Err("encoding/hex: odd length hex string".to_owned());
            }
            _ => {}
        }
    }
    Ok(out)
}

fn hex_decode(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "hex.decode";
    let text = operands::string(name, args, 1)?;
    let bytes = decode_hex(text).map_err(|msg| failed(name, msg))?;
    Ok(bytes_to_value(&bytes))
}

/// Go's `url.QueryEscape`.
fn query_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Go's `url.QueryUnescape`.
fn query_unescape(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .unwrap_or(bytes.get(i..).unwrap_or(&[]));
                let escape = String::from_utf8_lossy(hex);
                let value = std::str::from_utf8(hex)
                    .ok()
                    .filter(|h| h.len() == 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        let shown = if hex.len() == 2 {
                            format!("%{escape}")
                        } else {
                            String::from_utf8_lossy(bytes.get(i..).unwrap_or(&[])).into_owned()
                        };
                        format!("invalid URL escape {}", quote(&shown))
                    })?;
                out.push(value);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn quote(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

fn urlquery_encode(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let text = operands::string("urlquery.encode", args, 1)?;
    Ok(Value::string(&query_escape(text)))
}

fn urlquery_decode(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "urlquery.decode";
    let text = operands::string(name, args, 1)?;
    query_unescape(text)
        .map(|s| Value::string(&s))
        .map_err(|msg| failed(name, msg))
}

fn urlquery_encode_object(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "urlquery.encode_object";
    let object = operands::object(name, args, 1)?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (key, value) in object {
        let not_string = || {
            BuiltinError::type_error(format!(
                "{name}: operand 1 values must be string, array[string], or set[string]"
            ))
        };
        let key = key.as_str().ok_or_else(not_string)?;
        let values: Vec<&str> = match value {
            Value::String(s) => vec![s],
            Value::Array(items) => items
                .iter()
                .map(|v| v.as_str().ok_or_else(not_string))
                .collect::<Result<_, _>>()?,
            Value::Set(items) => items
                .iter()
                .map(|v| v.as_str().ok_or_else(not_string))
                .collect::<Result<_, _>>()?,
            _ => return Err(not_string()),
        };
        let key = query_escape(key);
        pairs.extend(values.into_iter().map(|v| (key.clone(), query_escape(v))));
    }
    // Go sorts by key; values of one key keep their order.
    pairs.sort_by(|x, y| x.0.cmp(&y.0));
    let encoded: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    Ok(Value::string(&encoded.join("&")))
}

fn urlquery_decode_object(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "urlquery.decode_object";
    let text = operands::string(name, args, 1)?;
    let mut decoded: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
    let mut first_error: Option<String> = None;
    for part in text.split('&') {
        if part.is_empty() {
            continue;
        }
        if part.contains(';') {
            first_error.get_or_insert_with(|| "invalid semicolon separator in query".to_owned());
            continue;
        }
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        match (query_unescape(key), query_unescape(value)) {
            (Ok(key), Ok(value)) => decoded.entry(key).or_default().push(Value::string(&value)),
            (Err(err), _) | (_, Err(err)) => {
                first_error.get_or_insert(err);
            }
        }
    }
    if let Some(err) = first_error {
        return Err(failed(name, err));
    }
    Ok(object_value(
        decoded
            .into_iter()
            .map(|(k, values)| (Value::string(&k), array(values))),
    ))
}

#[cfg(test)]
mod tests;
