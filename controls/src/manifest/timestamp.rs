//! RFC 3339 timestamps, validated on load.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};

/// An RFC 3339 date-time such as `2026-09-30T12:00:00Z`, kept as written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Timestamp(String);

impl Timestamp {
    /// Parses and validates `text`; the error explains what is wrong.
    pub fn parse(text: &str) -> Result<Timestamp, String> {
        parse_unix_nanos(text).map(|_| Timestamp(text.to_owned()))
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
        parse_unix_nanos(&self.0).unwrap_or_default()
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

const EXPECTED: &str = "expected an RFC 3339 date-time such as 2026-09-30T12:00:00Z";

fn digits(text: &str, start: usize, len: usize) -> Result<i64, String> {
    let part = text.get(start..start + len).ok_or(EXPECTED)?;
    if !part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EXPECTED.to_owned());
    }
    part.parse::<i64>().map_err(|_| EXPECTED.to_owned())
}

fn expect_byte(bytes: &[u8], at: usize, allowed: &[u8]) -> Result<(), String> {
    match bytes.get(at) {
        Some(b) if allowed.contains(b) => Ok(()),
        _ => Err(EXPECTED.to_owned()),
    }
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Validates an RFC 3339 date-time and returns nanoseconds since the epoch.
pub(crate) fn parse_unix_nanos(text: &str) -> Result<i128, String> {
    let bytes = text.as_bytes();
    let year = digits(text, 0, 4)?;
    expect_byte(bytes, 4, b"-")?;
    let month = digits(text, 5, 2)?;
    expect_byte(bytes, 7, b"-")?;
    let day = digits(text, 8, 2)?;
    if bytes.len() == 10 {
        return Err(format!(
            "a date without a time; {EXPECTED} (add `T00:00:00Z`)"
        ));
    }
    expect_byte(bytes, 10, b"Tt")?;
    let hour = digits(text, 11, 2)?;
    expect_byte(bytes, 13, b":")?;
    let minute = digits(text, 14, 2)?;
    expect_byte(bytes, 16, b":")?;
    let second = digits(text, 17, 2)?;
    let mut at = 19;
    let mut nanos: i128 = 0;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while bytes.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        if at == start {
            return Err(EXPECTED.to_owned());
        }
        let frac = text.get(start..at).unwrap_or_default();
        let mut scaled = String::from(frac.get(..9).unwrap_or(frac));
        while scaled.len() < 9 {
            scaled.push('0');
        }
        nanos = scaled.parse::<i128>().map_err(|_| EXPECTED.to_owned())?;
    }
    let offset_seconds = match bytes.get(at) {
        Some(b'Z' | b'z') if bytes.len() == at + 1 => 0,
        Some(sign @ (b'+' | b'-')) if bytes.len() == at + 6 => {
            let offset_hour = digits(text, at + 1, 2)?;
            expect_byte(bytes, at + 3, b":")?;
            let offset_minute = digits(text, at + 4, 2)?;
            if offset_hour > 23 || offset_minute > 59 {
                return Err(format!("time-zone offset out of range; {EXPECTED}"));
            }
            let magnitude = offset_hour * 3600 + offset_minute * 60;
            if *sign == b'-' { -magnitude } else { magnitude }
        }
        None => {
            return Err(format!(
                "the time zone is missing; {EXPECTED} (add `Z` for UTC)"
            ));
        }
        _ => return Err(EXPECTED.to_owned()),
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(format!("no such date; {EXPECTED}"));
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(format!("no such time of day; {EXPECTED}"));
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        - offset_seconds;
    Ok(i128::from(seconds) * 1_000_000_000 + nanos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_rfc3339_and_computes_epoch() {
        assert_eq!(parse_unix_nanos("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(
            parse_unix_nanos("1970-01-01T01:00:00+01:00"),
            Ok(0),
            "offsets are applied"
        );
        assert_eq!(
            parse_unix_nanos("2026-09-30T12:00:00.5Z"),
            Ok(1_790_769_600_500_000_000)
        );
        assert!(parse_unix_nanos("2024-02-29T00:00:00Z").is_ok());
    }

    #[test]
    fn rejects_malformed_timestamps_with_a_reason() {
        for bad in [
            "2026-09-30",
            "2026-09-30T12:00:00",
            "2026-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-09-30T24:00:00Z",
            "2026-09-30 12:00:00Z",
            "yesterday",
            "2026-09-30T12:00:00.Z",
            "2026-09-30T12:00:00+1:00",
        ] {
            assert!(parse_unix_nanos(bad).is_err(), "{bad} should be rejected");
        }
        assert!(
            parse_unix_nanos("2026-09-30")
                .unwrap_err()
                .contains("without a time")
        );
    }
}
