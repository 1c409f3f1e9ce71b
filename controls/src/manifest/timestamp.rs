//! RFC 3339 timestamps, validated on load.

use std::borrow::Cow;

use riskgate_engine::time::parse_rfc3339_nanos;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};

/// An RFC 3339 date-time such as `2026-09-30T12:00:00Z`, kept as written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Timestamp(String);

impl Timestamp {
    /// Parses and validates `text`; the error explains what is wrong.
    pub fn parse(text: &str) -> Result<Timestamp, String> {
        parse_rfc3339_nanos(text).map(|_| Timestamp(text.to_owned()))
    }

    /// The text as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Nanoseconds since the Unix epoch (UTC).
    #[must_use]
    pub fn unix_nanos(&self) -> i128 {
        // INVARIANT: validated on construction.
        parse_rfc3339_nanos(&self.0).unwrap_or_default()
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339 date-time with a time zone, e.g. 2026-09-30T12:00:00Z."
        })
    }
}
