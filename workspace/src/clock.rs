//! The evaluation clock: the one parser of `--now` and the one wall-clock
//! read, for every command and the webhook, and the parser of duration
//! flags (`--timeout`).
//!
//! A run reads the clock once and passes the instant down; nothing below
//! this layer reads the time itself, so a fixed `--now` makes every output
//! byte-identical.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};

/// An instant of the evaluation clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Now(DateTime<Utc>);

/// `--now` was not an RFC 3339 time the engine can represent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an RFC 3339 timestamp ({reason}); example: 2026-03-01T12:00:00Z")]
pub struct NowError {
    reason: String,
}

impl Now {
    /// Parses an RFC 3339 time (any offset; normalised to UTC). The range
    /// is what nanoseconds since the Unix epoch hold in an `i64` (1677 to
    /// 2262), the engine's clock.
    ///
    /// # Errors
    /// When `text` is not RFC 3339 or lies outside that range.
    pub fn parse(text: &str) -> Result<Self, NowError> {
        let time = DateTime::parse_from_rfc3339(text.trim()).map_err(|e| NowError {
            reason: e.to_string(),
        })?;
        let time = time.with_timezone(&Utc);
        if time.timestamp_nanos_opt().is_none() {
            return Err(NowError {
                reason: "outside the years 1677 to 2262".to_owned(),
            });
        }
        Ok(Self(time))
    }

    /// The wall clock (a run reads it once).
    #[must_use]
    pub fn wall_clock() -> Self {
        Self(DateTime::<Utc>::from(std::time::SystemTime::now()))
    }

    /// The instant without its fraction of a second, as a trace records
    /// a wall-clock run.
    #[must_use]
    pub fn whole_seconds(self) -> Self {
        Self(DateTime::from_timestamp(self.0.timestamp(), 0).unwrap_or(self.0))
    }

    /// Nanoseconds since the Unix epoch, the engine's clock.
    #[must_use]
    pub fn ns(self) -> i64 {
        // `parse` and `wall_clock` only build representable instants.
        self.0.timestamp_nanos_opt().unwrap_or(i64::MAX)
    }

    /// The instant as RFC 3339 in UTC (`2026-03-01T12:00:00Z`), with as
    /// many fractional digits as it has.
    #[must_use]
    pub fn rfc3339(self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }
}

impl fmt::Display for Now {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

impl std::str::FromStr for Now {
    type Err = NowError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// Parses a duration flag: `500ms`, `2s`, `1.5s`, `1m`, `1h` or plain
/// seconds.
///
/// # Errors
/// A message with examples when `text` is not one of those forms.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("invalid duration `{text}` (try 500ms, 2s, 1m)"))?;
    let seconds = match unit {
        "ms" => number / 1000.0,
        "" | "s" => number,
        "m" => number * 60.0,
        "h" => number * 3600.0,
        _ => {
            return Err(format!(
                "invalid duration unit `{unit}` (use ms, s, m or h)"
            ));
        }
    };
    std::time::Duration::try_from_secs_f64(seconds)
        .map_err(|e| format!("invalid duration `{text}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_is_normalised_to_utc() {
        let now = Now::parse("2026-03-01T14:00:00+02:00").ok();
        assert_eq!(
            now.map(Now::rfc3339).as_deref(),
            Some("2026-03-01T12:00:00Z")
        );
        assert_eq!(now.map(Now::ns), Some(1_772_366_400_000_000_000));
    }

    #[test]
    fn fractions_are_kept() {
        let now = Now::parse("2026-03-01T12:00:00.250Z").ok();
        assert_eq!(
            now.map(Now::rfc3339).as_deref(),
            Some("2026-03-01T12:00:00.250Z")
        );
    }

    #[test]
    fn a_date_without_time_is_refused_with_an_example() {
        let error = Now::parse("2026-03-01").err().map(|e| e.to_string());
        assert!(
            error
                .as_deref()
                .is_some_and(|e| e.starts_with("not an RFC 3339 timestamp (")
                    && e.ends_with("example: 2026-03-01T12:00:00Z")),
            "{error:?}"
        );
    }

    #[test]
    fn a_time_the_engine_cannot_hold_is_refused() {
        let error = Now::parse("9999-01-01T00:00:00Z")
            .err()
            .map(|e| e.to_string());
        assert!(
            error.as_deref().is_some_and(|e| e.contains("1677 to 2262")),
            "{error:?}"
        );
    }

    #[test]
    fn durations_take_units_and_explain_mistakes() {
        assert_eq!(
            parse_duration("500ms"),
            Ok(std::time::Duration::from_millis(500))
        );
        assert_eq!(
            parse_duration("1.5s"),
            Ok(std::time::Duration::from_millis(1500))
        );
        assert_eq!(
            parse_duration("2m"),
            Ok(std::time::Duration::from_secs(120))
        );
        assert!(parse_duration("2 days").is_err_and(|e| e.contains("use ms, s, m or h")));
        assert!(parse_duration("fast").is_err_and(|e| e.contains("try 500ms")));
    }
}
