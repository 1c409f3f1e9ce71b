//! What the validation walk reads from a document: an [`Instance`] is a
//! JSON-shaped value, so positioned trees validate without being copied
//! into JSON first (and keep their positions).

use serde_json::Value as Json;

/// A JSON Schema primitive type. Integral numbers are [`JsonType::Integer`],
/// which every `number` schema also accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum JsonType {
    /// `array`
    Array,
    /// `boolean`
    Boolean,
    /// `integer`
    Integer,
    /// `number`
    Number,
    /// `null`
    Null,
    /// `object`
    Object,
    /// `string`
    String,
}

impl JsonType {
    /// Every type, in the order OPA lists them.
    pub const ALL: [JsonType; 7] = [
        JsonType::Array,
        JsonType::Boolean,
        JsonType::Integer,
        JsonType::Number,
        JsonType::Null,
        JsonType::Object,
        JsonType::String,
    ];

    /// The keyword's spelling (`"integer"`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            JsonType::Array => "array",
            JsonType::Boolean => "boolean",
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::Null => "null",
            JsonType::Object => "object",
            JsonType::String => "string",
        }
    }

    /// The type spelled `name`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<JsonType> {
        JsonType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Whether a value of type `self` satisfies the schema type `schema`.
    #[must_use]
    pub fn satisfies(self, schema: JsonType) -> bool {
        self == schema || (self == JsonType::Integer && schema == JsonType::Number)
    }
}

/// A JSON-shaped document node the walk can validate.
pub trait Instance: Sized {
    /// The node's type; integral numbers are [`JsonType::Integer`].
    fn json_type(&self) -> JsonType;
    /// The boolean, if the node is one.
    fn boolean(&self) -> Option<bool>;
    /// The number as a double, if the node is one.
    fn number(&self) -> Option<f64>;
    /// The text, if the node is a string.
    fn string(&self) -> Option<&str>;
    /// The elements of an array (empty for anything else).
    fn items(&self) -> &[Self];
    /// The members of an object in document order (none for anything else).
    fn members(&self) -> impl Iterator<Item = (&str, &Self)>;
    /// The member `key` of an object.
    fn member(&self, key: &str) -> Option<&Self> {
        self.members().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

fn is_integer(number: &serde_json::Number) -> bool {
    number.is_i64() || number.is_u64() || number.as_f64().is_some_and(|f| f.fract() == 0.0)
}

impl Instance for Json {
    fn json_type(&self) -> JsonType {
        match self {
            Json::Null => JsonType::Null,
            Json::Bool(_) => JsonType::Boolean,
            Json::Number(n) if is_integer(n) => JsonType::Integer,
            Json::Number(_) => JsonType::Number,
            Json::String(_) => JsonType::String,
            Json::Array(_) => JsonType::Array,
            Json::Object(_) => JsonType::Object,
        }
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn number(&self) -> Option<f64> {
        match self {
            // A number too large for a double still validates as one.
            Json::Number(n) => Some(n.as_f64().unwrap_or(0.0)),
            _ => None,
        }
    }

    fn string(&self) -> Option<&str> {
        self.as_str()
    }

    fn items(&self) -> &[Json] {
        match self {
            Json::Array(items) => items,
            _ => &[],
        }
    }

    fn members(&self) -> impl Iterator<Item = (&str, &Json)> {
        self.as_object()
            .into_iter()
            .flat_map(|map| map.iter().map(|(k, v)| (k.as_str(), v)))
    }

    fn member(&self, key: &str) -> Option<&Json> {
        self.as_object().and_then(|map| map.get(key))
    }
}
