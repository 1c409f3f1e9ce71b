//! `units.parse` (SI and binary suffixes, `m` = milli) and
//! `units.parse_bytes` (byte units, case-insensitive), computed exactly on
//! decimal rationals like OPA.

use crate::builtins::operands::{self, failed};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::number::Number;
use crate::value::Value;

/// The `units` category.
pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "units.parse",
        arity: 1,
        func: parse,
        category: "units",
        summary: "Parses an amount with an SI or binary suffix (`10Ki`, `500m`) into a number.",
    },
    Builtin {
        name: "units.parse_bytes",
        arity: 1,
        func: parse_bytes,
        category: "units",
        summary: "Parses a byte amount (`10KB`, `1.5GiB`) into an integer number of bytes.",
    },
];

const MAX_EXPONENT_DIGITS: usize = 6;

/// Splits `text` into the number and the unit; `Err` if an exponent has
/// too many digits.
fn split_number(text: &str) -> Result<(&str, &str), ()> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut boundary = None;
    while let Some(&c) = b.get(i) {
        let numeric = c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-');
        if !numeric {
            boundary = Some(i);
            break;
        }
        if matches!(c, b'e' | b'E') {
            let next = b.get(i + 1);
            if !next.is_some_and(|n| n.is_ascii_digit() || matches!(n, b'+' | b'-')) {
                boundary = Some(i);
                break;
            }
            if matches!(next, Some(b'+' | b'-')) {
                i += 1;
            }
            let digits = b
                .iter()
                .skip(i + 1)
                .take_while(|d| d.is_ascii_digit())
                .count();
            if digits > MAX_EXPONENT_DIGITS {
                return Err(());
            }
        }
        i += 1;
    }
    Ok(match boundary {
        None => (text, ""),
        Some(at) => (text.get(..at).unwrap_or(""), text.get(at..).unwrap_or("")),
    })
}

/// A decimal `±digits × 10^exponent`.
struct Decimal {
    negative: bool,
    digits: u128,
    exponent: i64,
}

fn parse_decimal(text: &str) -> Option<Decimal> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let (mantissa, exp_text) = match rest.find(['e', 'E']) {
        Some(at) => (rest.get(..at)?, Some(rest.get(at + 1..)?)),
        None => (rest, None),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    if int_part.len() + frac_part.len() == 0 || !all_digits(int_part) || !all_digits(frac_part) {
        return None;
    }
    let mut digits: u128 = 0;
    for c in int_part.bytes().chain(frac_part.bytes()) {
        digits = digits.checked_mul(10)?.checked_add(u128::from(c - b'0'))?;
    }
    let mut exponent = -i64::try_from(frac_part.len()).ok()?;
    if let Some(exp_text) = exp_text {
        let unsigned = exp_text.trim_start_matches(['+', '-']);
        if unsigned.is_empty() || !all_digits(unsigned) || exp_text.len() - unsigned.len() > 1 {
            return None;
        }
        exponent += exp_text.parse::<i64>().ok()?;
    }
    Some(Decimal {
        negative,
        digits,
        exponent,
    })
}

/// How a non-integral result is reported.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fraction {
    /// Rounded to 10 decimal places (`units.parse`).
    Round10,
    /// Truncated towards zero (`units.parse_bytes`).
    Truncate,
}

fn pow10(exp: i64) -> Option<u128> {
    10_u128.checked_pow(u32::try_from(exp).ok()?)
}

fn integer_value(negative: bool, magnitude: u128) -> Option<Value> {
    let signed = i128::try_from(magnitude).ok()?;
    Some(Value::Number(Number::from_i128(if negative {
        -signed
    } else {
        signed
    })))
}

/// `decimal × factor × 10^factor_exp`, exactly where possible.
fn scale(d: &Decimal, factor: u128, factor_exp: i64, fraction: Fraction) -> Option<Value> {
    let numerator = d.digits.checked_mul(factor)?;
    let exponent = d.exponent + factor_exp;
    if exponent >= 0 {
        return match pow10(exponent).and_then(|p| numerator.checked_mul(p)) {
            Some(n) => integer_value(d.negative, n),
            #[expect(
                clippy::cast_precision_loss,
                reason = "overflowing results are doubles"
            )]
            None => {
                let value = numerator as f64 * 10_f64.powi(i32::try_from(exponent).ok()?);
                Number::from_f64(if d.negative { -value } else { value }).map(Value::Number)
            }
        };
    }
    let Some(denominator) = pow10(-exponent) else {
        // Far below one: rounds to zero at 10 places, truncates to zero.
        return Some(Value::int(0));
    };
    let (whole, rest) = (numerator / denominator, numerator % denominator);
    if rest == 0 || fraction == Fraction::Truncate {
        return integer_value(d.negative, whole);
    }
    // Round half away from zero at 10 decimal places, like big.Rat.FloatString(10).
    let tenth_digits = rest.checked_mul(10_000_000_000)?;
    let mut frac = tenth_digits / denominator;
    if (tenth_digits % denominator).checked_mul(2)? >= denominator {
        frac += 1;
    }
    let (whole, frac) = if frac == 10_000_000_000 {
        (whole + 1, 0)
    } else {
        (whole, frac)
    };
    let sign = if d.negative { "-" } else { "" };
    let value: f64 = format!("{sign}{whole}.{frac:010}").parse().ok()?;
    Number::from_f64(value).map(Value::Number)
}

fn parse(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "units.parse";
    let text = operands::string(name, args, 1)?.replace('"', "");
    if text.contains(' ') {
        return Err(failed(name, "spaces not allowed in resource strings"));
    }
    let (number, unit) = split_number(&text).map_err(|()| failed(name, "exponent too large"))?;
    if number.is_empty() {
        return Err(failed(name, "no amount provided"));
    }
    // Only the letters after the first are case-insensitive: `m` vs `M`.
    let mut unit_chars = unit.chars();
    let unit: String = unit_chars
        .next()
        .into_iter()
        .chain(unit_chars.flat_map(char::to_lowercase))
        .collect();
    let (factor, factor_exp): (u128, i64) = match unit.as_str() {
        "m" => (1, -3),
        "" => (1, 0),
        "k" | "K" => (1, 3),
        "ki" | "Ki" => (1 << 10, 0),
        "M" => (1, 6),
        "mi" | "Mi" => (1 << 20, 0),
        "g" | "G" => (1, 9),
        "gi" | "Gi" => (1 << 30, 0),
        "t" | "T" => (1, 12),
        "ti" | "Ti" => (1 << 40, 0),
        "p" | "P" => (1, 15),
        "pi" | "Pi" => (1 << 50, 0),
        "e" | "E" => (1, 18),
        "ei" | "Ei" => (1 << 60, 0),
        _ => return Err(failed(name, format!("unit {unit} not recognized"))),
    };
    parse_decimal(number)
        .and_then(|d| scale(&d, factor, factor_exp, Fraction::Round10))
        .ok_or_else(|| failed(name, "could not parse amount to a number"))
}

fn parse_bytes(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "units.parse_bytes";
    let text = operands::string(name, args, 1)?
        .to_lowercase()
        .replace('"', "");
    if text.contains(' ') {
        return Err(failed(name, "spaces not allowed in resource strings"));
    }
    let (number, unit) = split_number(&text).map_err(|()| failed(name, "exponent too large"))?;
    if number.is_empty() {
        return Err(failed(name, "no byte amount provided"));
    }
    let (factor, factor_exp): (u128, i64) = match unit {
        "" => (1, 0),
        "kb" | "k" => (1, 3),
        "kib" | "ki" => (1 << 10, 0),
        "mb" | "m" => (1, 6),
        "mib" | "mi" => (1 << 20, 0),
        "gb" | "g" => (1, 9),
        "gib" | "gi" => (1 << 30, 0),
        "tb" | "t" => (1, 12),
        "tib" | "ti" => (1 << 40, 0),
        "pb" | "p" => (1, 15),
        "pib" | "pi" => (1 << 50, 0),
        "eb" | "e" => (1, 18),
        "eib" | "ei" => (1 << 60, 0),
        _ => return Err(failed(name, format!("byte unit {unit} not recognized"))),
    };
    parse_decimal(number)
        .and_then(|d| scale(&d, factor, factor_exp, Fraction::Truncate))
        .ok_or_else(|| failed(name, "could not parse byte amount to a number"))
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{Want::*, check};

    #[test]
    fn parse() {
        check(&[
            ("units.parse", &[r#""500m""#], Json("0.5")),
            ("units.parse", &[r#""0.0005K""#], Json("0.5")),
            ("units.parse", &[r#""0.0000005M""#], Json("0.5")),
            ("units.parse", &[r#""1024""#], Json("1024")),
            ("units.parse", &[r#""1Ki""#], Json("1024")),
            ("units.parse", &[r#""1.1Ki""#], Json("1126.4")),
            ("units.parse", &[r#""1.1K""#], Json("1100")),
            ("units.parse", &[r#"".5K""#], Json("500")),
            ("units.parse", &[r#""\"100TI\"""#], Json("109951162777600")),
            ("units.parse", &[r#""10KI""#], Json("10240")),
            ("units.parse", &[r#""100m""#], Json("0.1")),
            ("units.parse", &[r#""1m""#], Json("0.001")),
            ("units.parse", &[r#""10e""#], Json("10000000000000000000")),
            ("units.parse", &[r#""10Ei""#], Json("11529215046068469760")),
            ("units.parse", &[r#""1e10""#], Json("10000000000")),
            ("units.parse", &[r#""2.5e3K""#], Json("2500000")),
            ("units.parse", &[r#""1e-2""#], Json("0.01")),
            ("units.parse", &[r#""7.8E-1""#], Json("0.78")),
            ("units.parse", &[r#""-3.5E2m""#], Json("-0.35")),
            ("units.parse", &[r#""5E""#], Json("5000000000000000000")),
            ("units.parse", &[r#""1G""#], Json("1000000000")),
            (
                "units.parse",
                &[r#""1/3""#],
                Err("units.parse: unit /3 not recognized"),
            ),
            ("units.parse", &[r#""0.0""#], Json("0")),
            ("units.parse", &[r#"".0""#], Json("0")),
            (
                "units.parse",
                &[r#""""#],
                Err("units.parse: no amount provided"),
            ),
            (
                "units.parse",
                &[r#""G""#],
                Err("units.parse: no amount provided"),
            ),
            (
                "units.parse",
                &[r#""0.0.0""#],
                Err("units.parse: could not parse amount to a number"),
            ),
            (
                "units.parse",
                &[r#""100 k""#],
                Err("units.parse: spaces not allowed in resource strings"),
            ),
            (
                "units.parse",
                &[r#""1e1234567""#],
                Err("units.parse: exponent too large"),
            ),
            (
                "units.parse",
                &[r#""10x""#],
                Err("units.parse: unit x not recognized"),
            ),
            (
                "units.parse",
                &["1"],
                TypeErr("units.parse: operand 1 must be string but got number"),
            ),
        ]);
    }

    #[test]
    fn parse_bytes() {
        check(&[
            ("units.parse_bytes", &[r#""1024""#], Json("1024")),
            ("units.parse_bytes", &[r#""1KiB""#], Json("1024")),
            ("units.parse_bytes", &[r#""10KB""#], Json("10000")),
            ("units.parse_bytes", &[r#""10Kib""#], Json("10240")),
            ("units.parse_bytes", &[r#""1.1KB""#], Json("1100")),
            ("units.parse_bytes", &[r#""1.1KiB""#], Json("1126")),
            ("units.parse_bytes", &[r#"".5KB""#], Json("500")),
            ("units.parse_bytes", &[r#""100m""#], Json("100000000")),
            (
                "units.parse_bytes",
                &[r#""\"100TIB\"""#],
                Json("109951162777600"),
            ),
            ("units.parse_bytes", &[r#""1e-2KB""#], Json("10")),
            ("units.parse_bytes", &[r#""3.2E2MiB""#], Json("335544320")),
            (
                "units.parse_bytes",
                &[r#""10eb""#],
                Json("10000000000000000000"),
            ),
            (
                "units.parse_bytes",
                &[r#""""#],
                Err("units.parse_bytes: no byte amount provided"),
            ),
            (
                "units.parse_bytes",
                &[r#""foo""#],
                Err("units.parse_bytes: no byte amount provided"),
            ),
            (
                "units.parse_bytes",
                &[r#"".5.2""#],
                Err("units.parse_bytes: could not parse byte amount to a number"),
            ),
            (
                "units.parse_bytes",
                &[r#"" 327MiB ""#],
                Err("units.parse_bytes: spaces not allowed in resource strings"),
            ),
            (
                "units.parse_bytes",
                &[r#""12xb""#],
                Err("units.parse_bytes: byte unit xb not recognized"),
            ),
        ]);
    }
}
