//! `time.*`: instants are nanoseconds since the Unix epoch (`i64`), zones
//! are IANA names, layouts are Go reference-time layouts.
//!
//! `time.now_ns` reads the evaluation clock from the context. A zone of `""`
//! or `"UTC"` is UTC; `"Local"` is also UTC because the engine has no host
//! zone (OPA would use the server's zone).

mod civil;
mod layout;

use chrono_tz::Tz;

use crate::builtins::operands::{self, failed};
use crate::builtins::results::array;
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

use civil::Broken;

const CATEGORY: &str = "time";

/// The `time` category.
pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin::new(
        CATEGORY,
        "time.now_ns",
        0,
        now_ns,
        "Returns the evaluation clock in nanoseconds since the epoch.",
    ),
    Builtin::new(
        CATEGORY,
        "time.parse_ns",
        2,
        parse_ns,
        "Parses a time with a Go layout into nanoseconds since the epoch.",
    ),
    Builtin::new(
        CATEGORY,
        "time.parse_rfc3339_ns",
        1,
        parse_rfc3339_ns,
        "Parses an RFC 3339 time into nanoseconds since the epoch.",
    ),
    Builtin::new(
        CATEGORY,
        "time.parse_duration_ns",
        1,
        parse_duration_ns,
        "Parses a Go duration string (`1h30m`) into nanoseconds.",
    ),
    Builtin::new(
        CATEGORY,
        "time.date",
        1,
        date,
        "Returns `[year, month, day]` of an instant, optionally in a zone.",
    ),
    Builtin::new(
        CATEGORY,
        "time.clock",
        1,
        clock,
        "Returns `[hour, minute, second]` of an instant, optionally in a zone.",
    ),
    Builtin::new(
        CATEGORY,
        "time.weekday",
        1,
        weekday,
        "Returns the English day of the week of an instant.",
    ),
    Builtin::new(
        CATEGORY,
        "time.add_date",
        4,
        add_date,
        "Adds years, months and days to an instant, normalising like Go.",
    ),
    Builtin::new(
        CATEGORY,
        "time.diff",
        2,
        diff,
        "Returns `[years, months, days, hours, minutes, seconds]` between two instants.",
    ),
    Builtin::new(
        CATEGORY,
        "time.format",
        1,
        format,
        "Formats an instant, optionally with a zone and a Go layout.",
    ),
];

const OUT_OF_RANGE: &str = "time outside of valid range";

fn now_ns(ctx: &BuiltinContext, _: &[Value]) -> Result<Value, BuiltinError> {
    Ok(Value::int(ctx.now_ns))
}

/// Nanoseconds of a parsed instant, if it fits in `i64`.
fn to_ns(name: &str, parsed: &layout::Parsed) -> Result<Value, BuiltinError> {
    parsed
        .seconds
        .checked_mul(1_000_000_000)
        .and_then(|ns| ns.checked_add(i128::from(parsed.nanos)))
        .and_then(|ns| i64::try_from(ns).ok())
        .map(Value::int)
        .ok_or_else(|| failed(name, OUT_OF_RANGE))
}

fn parse_ns(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "time.parse_ns";
    let layout_arg = operands::string(name, args, 1)?;
    let value = operands::string(name, args, 2)?;
    let layout = layout::named_layout(layout_arg).unwrap_or(layout_arg);
    let parsed = layout::parse(layout, value).map_err(|msg| failed(name, msg))?;
    to_ns(name, &parsed)
}

fn parse_rfc3339_ns(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "time.parse_rfc3339_ns";
    let value = operands::string(name, args, 1)?;
    let parsed = layout::parse(layout::RFC3339, value).map_err(|msg| failed(name, msg))?;
    to_ns(name, &parsed)
}

fn parse_duration_ns(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "time.parse_duration_ns";
    let text = operands::string(name, args, 1)?;
    parse_duration(text)
        .map(Value::int)
        .map_err(|msg| failed(name, msg))
}

/// Go's `time.ParseDuration`.
pub(crate) fn parse_duration(text: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", quote(text));
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..).unwrap_or("")),
        Some(b'+') => (false, text.get(1..).unwrap_or("")),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let int_part = rest.get(..int_len).unwrap_or("");
        rest = rest.get(int_len..).unwrap_or("");
        let mut frac_part = "";
        if let Some(after_dot) = rest.strip_prefix('.') {
            let frac_len = after_dot.bytes().take_while(u8::is_ascii_digit).count();
            frac_part = after_dot.get(..frac_len).unwrap_or("");
            rest = after_dot.get(frac_len..).unwrap_or("");
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(invalid());
        }
        let unit_len = rest
            .char_indices()
            .find(|(_, c)| *c == '.' || c.is_ascii_digit())
            .map_or(rest.len(), |(i, _)| i);
        let unit = rest.get(..unit_len).unwrap_or("");
        rest = rest.get(unit_len..).unwrap_or("");
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration {}", quote(text)));
        }
        let scale: u64 = match unit {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    quote(unit),
                    quote(text)
                ));
            }
        };
        let whole: u64 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| invalid())?
        };
        let mut value = whole.checked_mul(scale).ok_or_else(invalid)?;
        if !frac_part.is_empty() {
            // Like Go: the fraction's digits as an integer (digits past
            // overflow are dropped), scaled by unit / 10^digits.
            let mut digits: u64 = 0;
            let mut divisor = 1_f64;
            for digit in frac_part.bytes() {
                match digits
                    .checked_mul(10)
                    .and_then(|d| d.checked_add(u64::from(digit - b'0')))
                {
                    Some(next) => {
                        digits = next;
                        divisor *= 10.0;
                    }
                    None => break,
                }
            }
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss,
                reason = "Go converts the scaled fraction the same way"
            )]
            let extra = (digits as f64 * (scale as f64 / divisor)) as u64;
            value = value.checked_add(extra).ok_or_else(invalid)?;
        }
        total = total.checked_add(value).ok_or_else(invalid)?;
    }
    if negative {
        0_i64.checked_sub_unsigned(total).ok_or_else(invalid)
    } else {
        i64::try_from(total).map_err(|_| invalid())
    }
}

fn quote(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// An instant with its zone and optional layout, from `ns` or
/// `[ns, tz]` / `[ns, tz, layout]`.
struct ZonedInstant<'a> {
    ns: i64,
    tz: Tz,
    layout: Option<&'a str>,
}

fn zoned<'a>(name: &str, args: &'a [Value], pos: usize) -> Result<ZonedInstant<'a>, BuiltinError> {
    let value = operands::arg(name, args, pos)?;
    let expected = "either number (ns) or [number (ns), string (tz)]";
    let (ns_value, tz_value, layout_value) = match value {
        Value::Number(_) => (value, None, None),
        Value::Array(items) => match items.first() {
            Some(first) => (first, items.get(1), items.get(2)),
            None => return Err(operands::type_error(name, pos, value, &[expected])),
        },
        other => return Err(operands::type_error(name, pos, other, &[expected])),
    };
    let ns = match ns_value {
        Value::Number(number) => number
            .as_i64()
            .ok_or_else(|| failed(name, "timestamp too big"))?,
        other => return Err(operands::type_error(name, pos, other, &["number"])),
    };
    let tz = match tz_value {
        None => Tz::UTC,
        Some(Value::String(tz)) => zone(tz).map_err(|msg| failed(name, msg))?,
        Some(other) => return Err(operands::type_error(name, pos, other, &["string"])),
    };
    let layout = match layout_value {
        None => None,
        Some(Value::String(layout)) => Some(&**layout),
        Some(other) => return Err(operands::type_error(name, pos, other, &["string"])),
    };
    Ok(ZonedInstant { ns, tz, layout })
}

fn zone(name: &str) -> Result<Tz, String> {
    match name {
        "" | "UTC" | "Local" => Ok(Tz::UTC),
        _ => name
            .parse::<Tz>()
            .map_err(|_| format!("unknown time zone {name}")),
    }
}

fn broken_of(name: &str, args: &[Value]) -> Result<(Broken, Tz), BuiltinError> {
    let instant = zoned(name, args, 1)?;
    Ok((civil::broken(instant.ns, instant.tz), instant.tz))
}

fn ints(values: &[i64]) -> Value {
    array(values.iter().copied().map(Value::int).collect())
}

fn date(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (t, _) = broken_of("time.date", args)?;
    Ok(ints(&[t.year, t.month.into(), t.day.into()]))
}

fn clock(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (t, _) = broken_of("time.clock", args)?;
    Ok(ints(&[t.hour.into(), t.minute.into(), t.second.into()]))
}

fn weekday(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (t, _) = broken_of("time.weekday", args)?;
    Ok(Value::string(layout::format(&t, "Monday").as_str()))
}

fn add_date(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "time.add_date";
    let (t, tz) = broken_of(name, args)?;
    let years = operands::int64(name, args, 2)?;
    let months = operands::int64(name, args, 3)?;
    let days = operands::int64(name, args, 4)?;
    let seconds_of_day = i64::from(t.hour * 3600 + t.minute * 60 + t.second);
    let seconds = t
        .year
        .checked_add(years)
        .zip(i64::from(t.month).checked_add(months))
        .zip(i64::from(t.day).checked_add(days))
        .and_then(|((y, m), d)| civil::instant_of(tz, y, m, d, seconds_of_day))
        .ok_or_else(|| failed(name, OUT_OF_RANGE))?;
    to_ns(
        name,
        &layout::Parsed {
            seconds,
            nanos: i64::from(t.nanosecond),
        },
    )
}

fn diff(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "time.diff";
    let first = zoned(name, args, 1)?;
    let second = zoned(name, args, 2)?;
    let (early, late) = if first.ns > second.ns {
        (second.ns, first.ns)
    } else {
        (first.ns, second.ns)
    };
    // Both are read in the first operand's zone.
    let t1 = civil::broken(early, first.tz);
    let t2 = civil::broken(late, first.tz);
    let mut year = t2.year - t1.year;
    let mut month = i64::from(t2.month) - i64::from(t1.month);
    let mut day = i64::from(t2.day) - i64::from(t1.day);
    let mut hour = i64::from(t2.hour) - i64::from(t1.hour);
    let mut minute = i64::from(t2.minute) - i64::from(t1.minute);
    let mut second_diff = i64::from(t2.second) - i64::from(t1.second);
    if second_diff < 0 {
        second_diff += 60;
        minute -= 1;
    }
    if minute < 0 {
        minute += 60;
        hour -= 1;
    }
    if hour < 0 {
        hour += 24;
        day -= 1;
    }
    if day < 0 {
        day += crate::time::days_in_month(t1.year, i64::from(t1.month));
        month -= 1;
    }
    if month < 0 {
        month += 12;
        year -= 1;
    }
    Ok(ints(&[year, month, day, hour, minute, second_diff]))
}

fn format(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let instant = zoned("time.format", args, 1)?;
    let layout = match instant.layout {
        None | Some("") => layout::RFC3339_NANO,
        Some(given) => layout::named_layout(given).unwrap_or(given),
    };
    let t = civil::broken(instant.ns, instant.tz);
    Ok(Value::string(&layout::format(&t, layout)))
}

#[cfg(test)]
mod tests;
