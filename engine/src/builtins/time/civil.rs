//! Proleptic Gregorian calendar arithmetic on plain integers, and the
//! conversion of instants to wall-clock time in a zone.

use chrono::{Offset as _, TimeZone as _};
use chrono_tz::{OffsetName as _, Tz};

/// Days since 1970-01-01 of a civil date; months and days outside their
/// usual ranges are not normalised here (callers normalise first).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of days since 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
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
pub(crate) fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` (1-12) of `year`.
pub(crate) fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `(month, day)` of the 1-based day of the year, if it exists.
pub(crate) fn month_day_from_yday(year: i64, yday: i64) -> Option<(i64, i64)> {
    let len = if is_leap(year) { 366 } else { 365 };
    if !(1..=len).contains(&yday) {
        return None;
    }
    let (_, m, d) = civil_from_days(days_from_civil(year, 1, 1) + yday - 1);
    Some((m, d))
}

/// Wall-clock fields of an instant in a zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Broken {
    pub(crate) year: i64,
    pub(crate) month: u32,
    pub(crate) day: u32,
    /// Day of the year, 1-based.
    pub(crate) yday: u32,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    pub(crate) second: u32,
    pub(crate) nanosecond: u32,
    /// 0 = Sunday.
    pub(crate) weekday: u32,
    /// Seconds east of UTC.
    pub(crate) offset: i32,
    /// The zone abbreviation, e.g. `UTC`, `IST`, `-03`.
    pub(crate) zone_name: String,
}

/// The offset (seconds east of UTC) and abbreviation of `tz` at `seconds`
/// since the epoch.
pub(crate) fn zone_at(tz: Tz, seconds: i64) -> (i32, String) {
    let Some(instant) = chrono::DateTime::from_timestamp(seconds, 0) else {
        return (0, "UTC".to_owned());
    };
    let offset = tz.offset_from_utc_datetime(&instant.naive_utc());
    let name = offset.abbreviation().unwrap_or("").to_owned();
    (offset.fix().local_minus_utc(), name)
}

/// Splits an instant in nanoseconds into wall-clock fields in `tz`.
pub(crate) fn broken(ns: i64, tz: Tz) -> Broken {
    let seconds = ns.div_euclid(1_000_000_000);
    let nanosecond = u32::try_from(ns.rem_euclid(1_000_000_000)).unwrap_or(0);
    let (offset, zone_name) = zone_at(tz, seconds);
    let local = seconds + i64::from(offset);
    let days = local.div_euclid(86_400);
    let sod = local.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let small = |v: i64| u32::try_from(v).unwrap_or(0);
    Broken {
        year,
        month: small(month),
        day: small(day),
        yday: small(days - days_from_civil(year, 1, 1) + 1),
        hour: small(sod / 3600),
        minute: small(sod / 60 % 60),
        second: small(sod % 60),
        nanosecond,
        weekday: small((days + 4).rem_euclid(7)),
        offset,
        zone_name,
    }
}

/// The instant (seconds since the epoch, wide) of a wall-clock time in
/// `tz`, normalising out-of-range months and days like Go's `time.Date`.
pub(crate) fn instant_of(
    tz: Tz,
    year: i64,
    month: i64,
    day: i64,
    seconds_of_day: i64,
) -> Option<i128> {
    let m0 = month.checked_sub(1)?;
    let year = year.checked_add(m0.div_euclid(12))?;
    let month = m0.rem_euclid(12) + 1;
    // Keep the calendar arithmetic far from overflow.
    if year.unsigned_abs() > 1_000_000_000 || day.unsigned_abs() > 1_000_000_000_000 {
        return None;
    }
    let days = days_from_civil(year, month, 1) + day - 1;
    let local = i128::from(days) * 86_400 + i128::from(seconds_of_day);
    // Go's rule: take the offset in force at the local time read as UTC; if
    // the resulting instant falls under another offset, use that one.
    let guess = i64::try_from(local).ok()?;
    let (first, _) = zone_at(tz, guess);
    let utc = local - i128::from(first);
    let (second, _) = zone_at(tz, i64::try_from(utc).ok()?);
    Some(if second == first {
        utc
    } else {
        local - i128::from(second)
    })
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
}
