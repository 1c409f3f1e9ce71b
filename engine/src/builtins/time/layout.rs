//! Go reference-time layouts (`2006-01-02T15:04:05Z07:00`): formatting and
//! parsing with the semantics of Go's `time.Format` and `time.Parse`.

use super::civil::Broken;

const LONG_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const LONG_DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// The named layouts OPA accepts in place of a layout string.
pub(crate) fn named_layout(name: &str) -> Option<&'static str> {
    Some(match name {
        "ANSIC" => "Mon Jan _2 15:04:05 2006",
        "UnixDate" => "Mon Jan _2 15:04:05 MST 2006",
        "RubyDate" => "Mon Jan 02 15:04:05 -0700 2006",
        "RFC822" => "02 Jan 06 15:04 MST",
        "RFC822Z" => "02 Jan 06 15:04 -0700",
        "RFC850" => "Monday, 02-Jan-06 15:04:05 MST",
        "RFC1123" => "Mon, 02 Jan 2006 15:04:05 MST",
        "RFC1123Z" => "Mon, 02 Jan 2006 15:04:05 -0700",
        "RFC3339" => RFC3339,
        "RFC3339Nano" => RFC3339_NANO,
        _ => return None,
    })
}

/// Go's `time.RFC3339`.
pub(crate) const RFC3339: &str = "2006-01-02T15:04:05Z07:00";
/// Go's `time.RFC3339Nano`.
pub(crate) const RFC3339_NANO: &str = "2006-01-02T15:04:05.999999999Z07:00";

/// One element of a layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    Pm,
    PmLower,
    Tz,
    Iso8601Tz,
    Iso8601SecondsTz,
    Iso8601ShortTz,
    Iso8601ColonTz,
    Iso8601ColonSecondsTz,
    NumTz,
    NumSecondsTz,
    NumShortTz,
    NumColonTz,
    NumColonSecondsTz,
    /// `.000`: exactly `digits` fractional digits, written with `sep`.
    Frac0 {
        digits: usize,
        sep: u8,
    },
    /// `.999`: up to `digits` digits, trailing zeros trimmed.
    Frac9 {
        digits: usize,
        sep: u8,
    },
}

/// Splits `layout` at its first layout element: (literal prefix, element and
/// its text, rest).
fn next_chunk(layout: &str) -> (&str, Option<(Std, &str)>, &str) {
    let bytes = layout.as_bytes();
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let starts = |i: usize, s: &str| layout.get(i..).is_some_and(|rest| rest.starts_with(s));
    let split = |i: usize, len: usize, std: Std| {
        let prefix = layout.get(..i).unwrap_or("");
        let text = layout.get(i..i + len).unwrap_or("");
        let rest = layout.get(i + len..).unwrap_or("");
        (prefix, Some((std, text)), rest)
    };
    for i in 0..bytes.len() {
        match at(i) {
            b'J' if starts(i, "Jan") => {
                if starts(i, "January") {
                    return split(i, 7, Std::LongMonth);
                }
                if !at(i + 3).is_ascii_lowercase() {
                    return split(i, 3, Std::Month);
                }
            }
            b'M' if starts(i, "Mon") => {
                if starts(i, "Monday") {
                    return split(i, 6, Std::LongWeekDay);
                }
                if !at(i + 3).is_ascii_lowercase() {
                    return split(i, 3, Std::WeekDay);
                }
            }
            b'M' if starts(i, "MST") => return split(i, 3, Std::Tz),
            b'0' if (b'1'..=b'6').contains(&at(i + 1)) => {
                let std = match at(i + 1) {
                    b'1' => Std::ZeroMonth,
                    b'2' => Std::ZeroDay,
                    b'3' => Std::ZeroHour12,
                    b'4' => Std::ZeroMinute,
                    b'5' => Std::ZeroSecond,
                    _ => Std::Year,
                };
                return split(i, 2, std);
            }
            b'0' if at(i + 1) == b'0' && at(i + 2) == b'2' => {
                return split(i, 3, Std::ZeroYearDay);
            }
            b'1' if at(i + 1) == b'5' => return split(i, 2, Std::Hour),
            b'1' => return split(i, 1, Std::NumMonth),
            b'2' if starts(i, "2006") => return split(i, 4, Std::LongYear),
            b'2' => return split(i, 1, Std::Day),
            b'_' if at(i + 1) == b'2' => {
                if starts(i + 1, "2006") {
                    // `_2006` is a literal underscore followed by the year.
                    return split(i + 1, 4, Std::LongYear);
                }
                return split(i, 2, Std::UnderDay);
            }
            b'_' if at(i + 1) == b'_' && at(i + 2) == b'2' => {
                return split(i, 3, Std::UnderYearDay);
            }
            b'3' => return split(i, 1, Std::Hour12),
            b'4' => return split(i, 1, Std::Minute),
            b'5' => return split(i, 1, Std::Second),
            b'P' if at(i + 1) == b'M' => return split(i, 2, Std::Pm),
            b'p' if at(i + 1) == b'm' => return split(i, 2, Std::PmLower),
            b'-' | b'Z' => {
                let iso = at(i) == b'Z';
                let table: [(&str, Std, Std); 5] = [
                    ("070000", Std::NumSecondsTz, Std::Iso8601SecondsTz),
                    (
                        "07:00:00",
                        Std::NumColonSecondsTz,
                        Std::Iso8601ColonSecondsTz,
                    ),
                    ("0700", Std::NumTz, Std::Iso8601Tz),
                    ("07:00", Std::NumColonTz, Std::Iso8601ColonTz),
                    ("07", Std::NumShortTz, Std::Iso8601ShortTz),
                ];
                for (text, num, iso_std) in table {
                    if starts(i + 1, text) {
                        return split(i, text.len() + 1, if iso { iso_std } else { num });
                    }
                }
            }
            sep @ (b'.' | b',') if matches!(at(i + 1), b'0' | b'9') => {
                let digit = at(i + 1);
                let mut j = i + 1;
                while at(j) == digit {
                    j += 1;
                }
                if !at(j).is_ascii_digit() {
                    let digits = j - (i + 1);
                    let std = if digit == b'0' {
                        Std::Frac0 { digits, sep }
                    } else {
                        Std::Frac9 { digits, sep }
                    };
                    return split(i, j - i, std);
                }
            }
            _ => {}
        }
    }
    (layout, None, "")
}

fn push_int(out: &mut String, value: i64, width: usize) {
    if value < 0 {
        out.push('-');
    }
    out.push_str(&format!("{:0width$}", value.unsigned_abs()));
}

/// Formats a broken-down time with a Go layout.
pub(crate) fn format(time: &Broken, layout: &str) -> String {
    let mut out = String::new();
    let mut rest = layout;
    loop {
        let (prefix, std, suffix) = next_chunk(rest);
        out.push_str(prefix);
        let Some((std, _)) = std else { break };
        rest = suffix;
        format_std(&mut out, time, std);
    }
    out
}

fn month_name(month: u32) -> &'static str {
    LONG_MONTHS
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("")
}

fn format_std(out: &mut String, t: &Broken, std: Std) {
    let hour12 = match t.hour % 12 {
        0 => 12,
        h => h,
    };
    match std {
        Std::Year => push_int(out, t.year.rem_euclid(100), 2),
        Std::LongYear => push_int(out, t.year, 4),
        Std::Month => out.push_str(month_name(t.month).get(..3).unwrap_or("")),
        Std::LongMonth => out.push_str(month_name(t.month)),
        Std::NumMonth => push_int(out, i64::from(t.month), 0),
        Std::ZeroMonth => push_int(out, i64::from(t.month), 2),
        Std::WeekDay => out.push_str(weekday_name(t.weekday).get(..3).unwrap_or("")),
        Std::LongWeekDay => out.push_str(weekday_name(t.weekday)),
        Std::Day => push_int(out, i64::from(t.day), 0),
        Std::UnderDay => {
            if t.day < 10 {
                out.push(' ');
            }
            push_int(out, i64::from(t.day), 0);
        }
        Std::ZeroDay => push_int(out, i64::from(t.day), 2),
        Std::UnderYearDay => out.push_str(&format!("{:>3}", t.yday)),
        Std::ZeroYearDay => push_int(out, i64::from(t.yday), 3),
        Std::Hour => push_int(out, i64::from(t.hour), 2),
        Std::Hour12 => push_int(out, i64::from(hour12), 0),
        Std::ZeroHour12 => push_int(out, i64::from(hour12), 2),
        Std::Minute => push_int(out, i64::from(t.minute), 0),
        Std::ZeroMinute => push_int(out, i64::from(t.minute), 2),
        Std::Second => push_int(out, i64::from(t.second), 0),
        Std::ZeroSecond => push_int(out, i64::from(t.second), 2),
        Std::Pm => out.push_str(if t.hour >= 12 { "PM" } else { "AM" }),
        Std::PmLower => out.push_str(if t.hour >= 12 { "pm" } else { "am" }),
        Std::Tz => {
            if t.zone_name.is_empty() {
                let minutes = t.offset / 60;
                out.push(if minutes < 0 { '-' } else { '+' });
                push_int(out, i64::from((minutes / 60).abs()), 2);
                push_int(out, i64::from((minutes % 60).abs()), 2);
            } else {
                out.push_str(&t.zone_name);
            }
        }
        Std::Iso8601Tz
        | Std::Iso8601SecondsTz
        | Std::Iso8601ShortTz
        | Std::Iso8601ColonTz
        | Std::Iso8601ColonSecondsTz
            if t.offset == 0 =>
        {
            out.push('Z');
        }
        Std::Iso8601Tz
        | Std::Iso8601SecondsTz
        | Std::Iso8601ShortTz
        | Std::Iso8601ColonTz
        | Std::Iso8601ColonSecondsTz
        | Std::NumTz
        | Std::NumSecondsTz
        | Std::NumShortTz
        | Std::NumColonTz
        | Std::NumColonSecondsTz => {
            let colon = matches!(
                std,
                Std::Iso8601ColonTz
                    | Std::Iso8601ColonSecondsTz
                    | Std::NumColonTz
                    | Std::NumColonSecondsTz
            );
            let abs = t.offset.abs();
            out.push(if t.offset < 0 { '-' } else { '+' });
            push_int(out, i64::from(abs / 3600), 2);
            if !matches!(std, Std::NumShortTz | Std::Iso8601ShortTz) {
                if colon {
                    out.push(':');
                }
                push_int(out, i64::from(abs / 60 % 60), 2);
            }
            if matches!(
                std,
                Std::Iso8601SecondsTz
                    | Std::Iso8601ColonSecondsTz
                    | Std::NumSecondsTz
                    | Std::NumColonSecondsTz
            ) {
                if colon {
                    out.push(':');
                }
                push_int(out, i64::from(abs % 60), 2);
            }
        }
        Std::Frac0 { digits, sep } => {
            out.push(char::from(sep));
            let text = format!("{:09}", t.nanosecond);
            out.push_str(text.get(..digits.min(9)).unwrap_or(""));
        }
        Std::Frac9 { digits, sep } => {
            let text = format!("{:09}", t.nanosecond);
            let text = text
                .get(..digits.min(9))
                .unwrap_or("")
                .trim_end_matches('0');
            if !text.is_empty() {
                out.push(char::from(sep));
                out.push_str(text);
            }
        }
    }
}

fn weekday_name(weekday: u32) -> &'static str {
    LONG_DAYS.get(weekday as usize).copied().unwrap_or("")
}

/// Why parsing failed, in Go's words (without the builtin prefix).
fn parse_error(layout: &str, value: &str, value_elem: &str, layout_elem: &str) -> String {
    format!(
        "parsing time {} as {}: cannot parse {} as {}",
        quote(value),
        quote(layout),
        quote(value_elem),
        quote(layout_elem)
    )
}

fn range_error(value: &str, what: &str) -> String {
    format!("parsing time {}: {what} out of range", quote(value))
}

fn quote(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// A 1- or 2-digit number (exactly 2 if `fixed`).
fn getnum(value: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = value.as_bytes();
    let d0 = b.first().filter(|c| c.is_ascii_digit())?;
    match b.get(1).filter(|c| c.is_ascii_digit()) {
        Some(d1) => Some((
            i64::from(d0 - b'0') * 10 + i64::from(d1 - b'0'),
            value.get(2..)?,
        )),
        None if fixed => None,
        None => Some((i64::from(d0 - b'0'), value.get(1..)?)),
    }
}

/// A 1- to 3-digit number (exactly 3 if `fixed`).
fn getnum3(value: &str, fixed: bool) -> Option<(i64, &str)> {
    let len = value.bytes().take(3).take_while(u8::is_ascii_digit).count();
    if len == 0 || (fixed && len != 3) {
        return None;
    }
    Some((value.get(..len)?.parse().ok()?, value.get(len..)?))
}

/// Case-insensitive prefix lookup in a name table.
fn lookup<'a>(table: &[&str], value: &'a str, short: bool) -> Option<(usize, &'a str)> {
    table.iter().enumerate().find_map(|(i, name)| {
        let name = if short { name.get(..3)? } else { name };
        let head = value.get(..name.len())?;
        head.eq_ignore_ascii_case(name)
            .then(|| value.get(name.len()..).map(|rest| (i, rest)))
            .flatten()
    })
}

/// Skips the literal `prefix` in `value`; a space matches any run of spaces.
fn skip<'a>(mut value: &'a str, mut prefix: &str) -> Option<&'a str> {
    while let Some(c) = prefix.chars().next() {
        if c == ' ' {
            if !value.is_empty() && !value.starts_with(' ') {
                return None;
            }
            prefix = prefix.trim_start_matches(' ');
            value = value.trim_start_matches(' ');
            continue;
        }
        value = value.strip_prefix(c)?;
        prefix = prefix.get(c.len_utf8()..)?;
    }
    Some(value)
}

/// Fractional seconds `value[..nbytes]` (separator included) in nanoseconds.
fn parse_nanos(value: &str, nbytes: usize) -> Option<i64> {
    if !matches!(value.as_bytes().first(), Some(b'.' | b',')) {
        return None;
    }
    let nbytes = nbytes.min(10);
    let digits = value.get(1..nbytes)?;
    let mut ns: i64 = digits.parse().ok()?;
    for _ in 0..(10 - nbytes) {
        ns *= 10;
    }
    Some(ns)
}

/// The length of a time zone abbreviation at the start of `value`.
fn zone_abbreviation_len(value: &str) -> Option<usize> {
    let b = value.as_bytes();
    if b.len() < 3 {
        return None;
    }
    if value.starts_with("ChST") || value.starts_with("MeST") {
        return Some(4);
    }
    if value.starts_with("GMT") {
        let rest = value.get(3..)?;
        return Some(3 + signed_offset_len(rest).unwrap_or(0));
    }
    if matches!(b.first(), Some(b'+' | b'-')) {
        return signed_offset_len(value);
    }
    let upper = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    match upper {
        3 => Some(3),
        4 if b.get(3) == Some(&b'T') || value.starts_with("WITA") => Some(4),
        5 if b.get(4) == Some(&b'T') => Some(5),
        _ => None,
    }
}

fn signed_offset_len(value: &str) -> Option<usize> {
    let sign = value.as_bytes().first()?;
    if !matches!(sign, b'+' | b'-') {
        return None;
    }
    let digits = value.bytes().skip(1).take_while(u8::is_ascii_digit).count();
    let hours: i64 = value.get(1..=digits)?.parse().ok()?;
    (hours <= 23).then_some(1 + digits)
}

/// A parsed instant: seconds since the epoch (wide) and nanoseconds.
pub(crate) struct Parsed {
    /// Seconds since the Unix epoch.
    pub(crate) seconds: i128,
    /// Nanoseconds within the second.
    pub(crate) nanos: i64,
}

/// Parses `value` with a Go layout, as Go's `time.Parse` (UTC default).
pub(crate) fn parse(layout: &str, value: &str) -> Result<Parsed, String> {
    let (full_layout, full_value) = (layout, value);
    let mut layout = layout;
    let mut value = value;
    let (mut year, mut month, mut day, mut yday) = (0_i64, -1_i64, -1_i64, -1_i64);
    let (mut hour, mut minute, mut second, mut nanos) = (0_i64, 0_i64, 0_i64, 0_i64);
    let (mut pm, mut am, mut utc) = (false, false, false);
    let mut offset: Option<i64> = None;
    let mut zone_name = "";
    loop {
        let (prefix, std, suffix) = next_chunk(layout);
        let std_text = std.map_or("", |(_, text)| text);
        value = skip(value, prefix)
            .ok_or_else(|| parse_error(full_layout, full_value, value, prefix))?;
        let Some((std, _)) = std else {
            if !value.is_empty() {
                return Err(format!(
                    "parsing time {}: extra text: {}",
                    quote(full_value),
                    quote(value)
                ));
            }
            break;
        };
        layout = suffix;
        let hold = value;
        let bad = || parse_error(full_layout, full_value, hold, std_text);
        let mut range: Option<&str> = None;
        match std {
            Std::Year => {
                let digits = value.get(..2).ok_or_else(bad)?;
                let y: i64 = digits
                    .bytes()
                    .all(|c| c.is_ascii_digit())
                    .then(|| digits.parse().ok())
                    .flatten()
                    .ok_or_else(bad)?;
                year = if y >= 69 { y + 1900 } else { y + 2000 };
                value = value.get(2..).unwrap_or("");
            }
            Std::LongYear => {
                let digits = value.get(..4).ok_or_else(bad)?;
                if !digits.bytes().all(|c| c.is_ascii_digit()) {
                    return Err(bad());
                }
                year = digits.parse().map_err(|_| bad())?;
                value = value.get(4..).unwrap_or("");
            }
            Std::Month | Std::LongMonth => {
                let (i, rest) = lookup(&LONG_MONTHS, value, std == Std::Month).ok_or_else(bad)?;
                month = i64::try_from(i).unwrap_or(0) + 1;
                value = rest;
            }
            Std::NumMonth | Std::ZeroMonth => {
                let (m, rest) = getnum(value, std == Std::ZeroMonth).ok_or_else(bad)?;
                if !(1..=12).contains(&m) {
                    range = Some("month");
                }
                month = m;
                value = rest;
            }
            Std::WeekDay | Std::LongWeekDay => {
                let (_, rest) = lookup(&LONG_DAYS, value, std == Std::WeekDay).ok_or_else(bad)?;
                value = rest;
            }
            Std::Day | Std::UnderDay | Std::ZeroDay => {
                if std == Std::UnderDay {
                    value = value.strip_prefix(' ').unwrap_or(value);
                }
                let (d, rest) = getnum(value, std == Std::ZeroDay).ok_or_else(bad)?;
                day = d;
                value = rest;
            }
            Std::UnderYearDay | Std::ZeroYearDay => {
                for _ in 0..2 {
                    if std == Std::UnderYearDay {
                        value = value.strip_prefix(' ').unwrap_or(value);
                    }
                }
                let (d, rest) = getnum3(value, std == Std::ZeroYearDay).ok_or_else(bad)?;
                yday = d;
                value = rest;
            }
            Std::Hour => {
                let (h, rest) = getnum(value, false).ok_or_else(bad)?;
                if !(0..24).contains(&h) {
                    range = Some("hour");
                }
                hour = h;
                value = rest;
            }
            Std::Hour12 | Std::ZeroHour12 => {
                let (h, rest) = getnum(value, std == Std::ZeroHour12).ok_or_else(bad)?;
                if !(0..=12).contains(&h) {
                    range = Some("hour");
                }
                hour = h;
                value = rest;
            }
            Std::Minute | Std::ZeroMinute => {
                let (m, rest) = getnum(value, std == Std::ZeroMinute).ok_or_else(bad)?;
                if !(0..60).contains(&m) {
                    range = Some("minute");
                }
                minute = m;
                value = rest;
            }
            Std::Second | Std::ZeroSecond => {
                let (s, rest) = getnum(value, std == Std::ZeroSecond).ok_or_else(bad)?;
                if !(0..60).contains(&s) {
                    range = Some("second");
                }
                second = s;
                value = rest;
                // Fractional seconds may follow even if the layout has none,
                // unless the layout's next element is itself a fraction.
                let b = value.as_bytes();
                let next_is_frac = matches!(
                    next_chunk(layout).1,
                    Some((Std::Frac0 { .. } | Std::Frac9 { .. }, _))
                );
                if b.len() >= 2
                    && matches!(b.first(), Some(b'.' | b','))
                    && b.get(1).is_some_and(u8::is_ascii_digit)
                    && !next_is_frac
                {
                    let n = 1 + b.iter().skip(1).take_while(|c| c.is_ascii_digit()).count();
                    nanos = parse_nanos(value, n).ok_or_else(bad)?;
                    value = value.get(n..).unwrap_or("");
                }
            }
            Std::Pm | Std::PmLower => {
                let text = value.get(..2).ok_or_else(bad)?;
                let (pm_text, am_text) = if std == Std::Pm {
                    ("PM", "AM")
                } else {
                    ("pm", "am")
                };
                if text == pm_text {
                    pm = true;
                } else if text == am_text {
                    am = true;
                } else {
                    return Err(bad());
                }
                value = value.get(2..).unwrap_or("");
            }
            Std::Iso8601Tz
            | Std::Iso8601SecondsTz
            | Std::Iso8601ShortTz
            | Std::Iso8601ColonTz
            | Std::Iso8601ColonSecondsTz
                if value.starts_with('Z') =>
            {
                utc = true;
                value = value.get(1..).unwrap_or("");
            }
            Std::Iso8601Tz
            | Std::Iso8601SecondsTz
            | Std::Iso8601ShortTz
            | Std::Iso8601ColonTz
            | Std::Iso8601ColonSecondsTz
            | Std::NumTz
            | Std::NumSecondsTz
            | Std::NumShortTz
            | Std::NumColonTz
            | Std::NumColonSecondsTz => {
                let (off, rest, what) = parse_offset(std, value).ok_or_else(bad)?;
                range = what;
                offset = Some(off);
                value = rest;
            }
            Std::Tz => {
                if let Some(rest) = value.strip_prefix("UTC") {
                    utc = true;
                    value = rest;
                } else {
                    let n = zone_abbreviation_len(value).ok_or_else(bad)?;
                    zone_name = value.get(..n).ok_or_else(bad)?;
                    value = value.get(n..).unwrap_or("");
                }
            }
            Std::Frac0 { digits, .. } => {
                let n = 1 + digits;
                if value.len() < n {
                    return Err(bad());
                }
                nanos = parse_nanos(value, n).ok_or_else(bad)?;
                value = value.get(n..).unwrap_or("");
            }
            Std::Frac9 { .. } => {
                let b = value.as_bytes();
                if b.len() >= 2
                    && matches!(b.first(), Some(b'.' | b','))
                    && b.get(1).is_some_and(u8::is_ascii_digit)
                {
                    let n = 1 + b.iter().skip(1).take_while(|c| c.is_ascii_digit()).count();
                    nanos = parse_nanos(value, n).ok_or_else(bad)?;
                    value = value.get(n..).unwrap_or("");
                }
            }
        }
        if let Some(what) = range {
            return Err(range_error(full_value, what));
        }
    }
    if pm && hour < 12 {
        hour += 12;
    } else if am && hour == 12 {
        hour = 0;
    }
    if yday >= 0 {
        let (m, d) = crate::time::month_day_from_yday(year, yday)
            .ok_or_else(|| range_error(full_value, "day-of-year"))?;
        if month >= 0 && month != m {
            return Err(format!(
                "parsing time {}: day-of-year does not match month",
                quote(full_value)
            ));
        }
        if day >= 0 && day != d {
            return Err(format!(
                "parsing time {}: day-of-year does not match day",
                quote(full_value)
            ));
        }
        month = m;
        day = d;
    } else {
        if month < 0 {
            month = 1;
        }
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > crate::time::days_in_month(year, month) {
        return Err(range_error(full_value, "day"));
    }
    let local = i128::from(crate::time::days_from_civil(year, month, day)) * 86_400
        + i128::from(hour * 3600 + minute * 60 + second);
    let offset = if utc {
        0
    } else if let Some(off) = offset {
        off
    } else if let Some(hours) = zone_name.strip_prefix("GMT").filter(|h| !h.is_empty()) {
        hours.parse::<i64>().unwrap_or(0) * 3600
    } else {
        0
    };
    Ok(Parsed {
        seconds: local - i128::from(offset),
        nanos,
    })
}

/// A numeric zone offset in seconds east of UTC, the rest of the value, and
/// an out-of-range component if any.
fn parse_offset(std: Std, value: &str) -> Option<(i64, &str, Option<&'static str>)> {
    let b = value.as_bytes();
    let at = |i: usize| value.get(i..i + 2);
    let (hh, mm, ss, len) = match std {
        Std::Iso8601ColonTz | Std::NumColonTz => {
            (b.get(3) == Some(&b':')).then_some(())?;
            (at(1)?, at(4)?, "00", 6)
        }
        Std::Iso8601ShortTz | Std::NumShortTz => (at(1)?, "00", "00", 3),
        Std::Iso8601ColonSecondsTz | Std::NumColonSecondsTz => {
            (b.get(3) == Some(&b':') && b.get(6) == Some(&b':')).then_some(())?;
            (at(1)?, at(4)?, at(7)?, 9)
        }
        Std::Iso8601SecondsTz | Std::NumSecondsTz => (at(1)?, at(3)?, at(5)?, 7),
        _ => (at(1)?, at(3)?, "00", 5),
    };
    let (h, _) = getnum(hh, true)?;
    let (m, _) = getnum(mm, true)?;
    let (s, _) = getnum(ss, true)?;
    let range = if s > 60 {
        Some("time zone offset second")
    } else if m > 60 {
        Some("time zone offset minute")
    } else if h > 24 {
        Some("time zone offset hour")
    } else {
        None
    };
    let magnitude = (h * 60 + m) * 60 + s;
    let offset = match b.first()? {
        b'+' => magnitude,
        b'-' => -magnitude,
        _ => return None,
    };
    Some((offset, value.get(len..)?, range))
}
