//! The conversion of instants to wall-clock time in a zone (the calendar
//! arithmetic is [`crate::time`]'s).

use chrono::{Offset as _, TimeZone as _};

use crate::time::{civil_from_days, days_from_civil};
use chrono_tz::{OffsetName as _, Tz};

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
