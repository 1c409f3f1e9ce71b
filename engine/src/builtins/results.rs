//! Building result values: the small constructors the builtin modules
//! share.

use std::sync::Arc;

use crate::value::Value;

/// An array value.
pub(crate) fn array(items: Vec<Value>) -> Value {
    Value::Array(Arc::new(items))
}

/// An array of strings.
pub(crate) fn string_array<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    array(
        items
            .into_iter()
            .map(|s| Value::string(s.as_ref()))
            .collect(),
    )
}

/// A set value.
pub(crate) fn set(items: impl IntoIterator<Item = Value>) -> Value {
    Value::Set(Arc::new(items.into_iter().collect()))
}

/// An object value.
pub(crate) fn object_value(entries: impl IntoIterator<Item = (Value, Value)>) -> Value {
    Value::Object(Arc::new(entries.into_iter().collect()))
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}
