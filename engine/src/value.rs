//! The values policies compute with.
//!
//! Values are immutable and cheap to clone (composites are `Arc`-shared), so
//! they can cross threads in the webhook and be reused across evaluations.
//! Ordering follows OPA: null < boolean < number < string < array < object <
//! set, composites compared element by element.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::number::Number;

/// A Rego value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(Arc<str>),
    /// An array.
    Array(Arc<Vec<Value>>),
    /// An object; keys may be any value.
    Object(Arc<BTreeMap<Value, Value>>),
    /// A set.
    Set(Arc<BTreeSet<Value>>),
}

impl Value {
    /// The rank of the variant in OPA's order of types.
    fn rank(&self) -> u8 {
        match self {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::Array(_) => 4,
            Value::Object(_) => 5,
            Value::Set(_) => 6,
        }
    }
}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The order the derived one would be (variants in declaration order,
/// then their contents), except that two handles of one shared composite
/// are equal without a walk: memo lookups compare arguments such as the
/// whole `input` with themselves.
impl Ord for Value {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Value::Null, Value::Null) => Ordering::Equal,
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Number(a), Value::Number(b)) => a.cmp(b),
            (Value::String(a), Value::String(b)) => shared_cmp(a, b),
            (Value::Array(a), Value::Array(b)) => shared_cmp(a, b),
            (Value::Object(a), Value::Object(b)) => shared_cmp(a, b),
            (Value::Set(a), Value::Set(b)) => shared_cmp(a, b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

/// Two handles of one shared value are equal without a walk.
fn shared_cmp<T: Ord + ?Sized>(a: &Arc<T>, b: &Arc<T>) -> Ordering {
    if Arc::ptr_eq(a, b) {
        Ordering::Equal
    } else {
        a.cmp(b)
    }
}

impl Value {
    /// An empty object.
    #[must_use]
    pub fn empty_object() -> Value {
        Value::Object(Arc::default())
    }

    /// An empty set.
    #[must_use]
    pub fn empty_set() -> Value {
        Value::Set(Arc::default())
    }

    /// A string value.
    #[must_use]
    pub fn string(text: &str) -> Value {
        Value::String(Arc::from(text))
    }

    /// An integer value.
    #[must_use]
    pub fn int(value: i64) -> Value {
        Value::Number(Number::Int(value))
    }

    /// An array value.
    #[must_use]
    pub fn array(items: Vec<Value>) -> Value {
        Value::Array(Arc::new(items))
    }

    /// A set value.
    #[must_use]
    pub fn set(items: BTreeSet<Value>) -> Value {
        Value::Set(Arc::new(items))
    }

    /// An object value.
    #[must_use]
    pub fn object(entries: BTreeMap<Value, Value>) -> Value {
        Value::Object(Arc::new(entries))
    }

    /// The boolean, if this is a boolean.
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The OPA type name: `null`, `boolean`, `number`, `string`, `array`,
    /// `object` or `set`.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Set(_) => "set",
        }
    }

    /// The string content, if this is a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is a number.
    #[must_use]
    pub fn as_number(&self) -> Option<Number> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// Looks up `key` in an object, an array (integer index) or a set
    /// (membership: returns the element).
    #[must_use]
    pub fn get(&self, key: &Value) -> Option<&Value> {
        match self {
            Value::Object(map) => map.get(key),
            Value::Array(items) => {
                let index = key.as_number()?.as_i64()?;
                items.get(usize::try_from(index).ok()?)
            }
            Value::Set(set) => set.get(key),
            _ => None,
        }
    }

    /// Converts from JSON (object keys become strings).
    #[must_use]
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => n
                .as_i64()
                .map(Number::Int)
                .or_else(|| n.as_u64().map(|u| Number::from_i128(i128::from(u))))
                .or_else(|| Number::parse(&n.to_string()))
                .map_or(Value::Null, Value::Number),
            serde_json::Value::String(s) => Value::string(s),
            serde_json::Value::Array(items) => {
                Value::Array(Arc::new(items.iter().map(Value::from_json).collect()))
            }
            serde_json::Value::Object(map) => Value::Object(Arc::new(
                map.iter()
                    .map(|(k, v)| (Value::string(k), Value::from_json(v)))
                    .collect(),
            )),
        }
    }

    /// Converts to JSON as `opa eval` does: sets become arrays (in order),
    /// non-string object keys are written as their JSON text.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => match n {
                Number::Int(i) => serde_json::Value::from(*i),
                Number::Big(i) => u64::try_from(*i).map_or_else(
                    // Beyond u64, JSON numbers are doubles without
                    // serde_json's `arbitrary_precision`.
                    |_| json_float(n.as_f64()),
                    serde_json::Value::from,
                ),
                Number::Float(f) => json_float(*f),
                // Beyond doubles, JSON without arbitrary precision can only
                // saturate.
                Number::Huge { negative, .. } => {
                    json_float(if *negative { f64::MIN } else { f64::MAX })
                }
            },
            Value::String(s) => serde_json::Value::String(String::from(&**s)),
            Value::Array(items) => items.iter().map(Value::to_json).collect(),
            Value::Set(items) => items.iter().map(Value::to_json).collect(),
            Value::Object(map) => serde_json::Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let key = match k {
                            Value::String(s) => String::from(&**s),
                            other => other.to_json().to_string(),
                        };
                        (key, v.to_json())
                    })
                    .collect(),
            ),
        }
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Value::Bool(value)
    }
}

impl From<Number> for Value {
    fn from(value: Number) -> Self {
        Value::Number(value)
    }
}

impl std::fmt::Display for Value {
    /// Rego/JSON text: sets print as `{a, b}`, the empty set as `set()`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::String(s) => write!(f, "{}", serde_json::Value::String(String::from(&**s))),
            Value::Array(items) => {
                f.write_str("[")?;
                write_joined(f, items.iter())?;
                f.write_str("]")
            }
            Value::Set(items) if items.is_empty() => f.write_str("set()"),
            Value::Set(items) => {
                f.write_str("{")?;
                write_joined(f, items.iter())?;
                f.write_str("}")
            }
            Value::Object(map) => {
                f.write_str("{")?;
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

fn json_float(f: f64) -> serde_json::Value {
    serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

fn write_joined<'a>(
    f: &mut std::fmt::Formatter<'_>,
    items: impl Iterator<Item = &'a Value>,
) -> std::fmt::Result {
    for (i, item) in items.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// Compares two values in OPA order (same as `Ord`).
#[must_use]
pub fn compare(a: &Value, b: &Value) -> Ordering {
    a.cmp(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_keeps_wide_integers() {
        let json: serde_json::Value =
            serde_json::from_str("[18446744073709551614, 0.5, 2.0]").unwrap();
        let value = Value::from_json(&json);
        assert_eq!(value.to_string(), "[18446744073709551614, 0.5, 2]");
        assert_eq!(value.to_json().to_string(), "[18446744073709551614,0.5,2]");
    }

    #[test]
    fn order_follows_opa() {
        let ascending = [
            Value::Null,
            Value::Bool(false),
            Value::Bool(true),
            Value::int(-1),
            Value::Number(Number::Float(0.5)),
            Value::Number(Number::Big(i128::from(i64::MAX) + 1)),
            Value::string(""),
            Value::array(vec![]),
            Value::array(vec![Value::int(1)]),
            Value::empty_object(),
            Value::object(BTreeMap::from([(Value::string("a"), Value::int(2))])),
            Value::object(BTreeMap::from([(Value::string("b"), Value::int(1))])),
            Value::empty_set(),
            Value::set(BTreeSet::from([Value::int(1)])),
        ];
        for (low, high) in ascending.iter().zip(ascending.iter().skip(1)) {
            assert!(low < high, "{low} < {high}");
        }
    }
}
