//! Calendar time on plain integers: proleptic Gregorian dates to and from
//! days since 1970-01-01, and the strict RFC 3339 parser manifests use. The
//! one home of calendar arithmetic for the time builtins and the
//! model-risk domain; time zones are `chrono-tz`'s.

/// Days since 1970-01-01 of a civil date; months and days outside their
/// usual ranges are not normalised here (callers normalise first).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of days since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Whether `year` is a leap year.
pub fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` (1-12) of `year`.
pub fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `(month, day)` of the 1-based day of the year, if it exists.
pub fn month_day_from_yday(year: i64, yday: i64) -> Option<(i64, i64)> {
    let len = if is_leap(year) { 366 } else { 365 };
    if !(1..=len).contains(&yday) {
        return None;
    }
    let (_, m, d) = civil_from_days(days_from_civil(year, 1, 1) + yday - 1);
    Some((m, d))
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

/// Validates an RFC 3339 date-time and returns nanoseconds since the epoch.
///
/// Strict, as a manifest needs: a date and a time with seconds and a zone
/// (`Z` or `+hh:mm`), no space for `T`; the error says what is wrong.
///
/// # Errors
/// A reason, with an example of the expected form.
pub fn parse_rfc3339_nanos(text: &str) -> Result<i128, String> {
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
    fn civil_round_trips_across_eras() {
        for days in [-800_000, -719_468, -1, 0, 1, 11_016, 18_321, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(18_321), (2020, 2, 29));
        assert_eq!(month_day_from_yday(2020, 60), Some((2, 29)));
        assert_eq!(month_day_from_yday(2021, 366), None);
    }

    #[test]
    fn accepts_rfc3339_and_computes_epoch() {
        assert_eq!(parse_rfc3339_nanos("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(
            parse_rfc3339_nanos("1970-01-01T01:00:00+01:00"),
            Ok(0),
            "offsets are applied"
        );
        assert_eq!(
            parse_rfc3339_nanos("2026-09-30T12:00:00.5Z"),
            Ok(1_790_769_600_500_000_000)
        );
        assert!(parse_rfc3339_nanos("2024-02-29T00:00:00Z").is_ok());
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
            assert!(
                parse_rfc3339_nanos(bad).is_err(),
                "{bad} should be rejected"
            );
        }
        assert!(
            parse_rfc3339_nanos("2026-09-30")
                .unwrap_err()
                .contains("without a time")
        );
    }
}
