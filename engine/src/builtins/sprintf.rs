//! `sprintf`, with the formatting of Go's `fmt` package as OPA exposes it.
//!
//! OPA hands Go integers (`int`, or `*big.Int` when larger), `float64`s and
//! strings to `fmt.Sprintf`; any other value is passed as its Rego text (so
//! `true` is the string `"true"` and `%t` does not apply to it). Verbs that do
//! not fit the operand print Go's `%!d(string=hi)` markers; missing and
//! surplus operands print `%!d(MISSING)` and `%!(EXTRA int=1)`.

use crate::builtins::operands::{array, string};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::number::Number;
use crate::value::Value;

pub(crate) const BUILTINS: &[Builtin] = &[Builtin {
    name: "sprintf",
    arity: 2,
    func: sprintf,
    category: super::strings::CATEGORY,
    summary: "Formats values like Go's `fmt.Sprintf` (`%v`, `%s`, `%d`, `%f`, `%.2f`, `%x`, `%q`, `%e`, `%g`, widths and flags).",
}];

fn sprintf(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let format = string("sprintf", args, 1)?;
    let operands = array("sprintf", args, 2)?;
    let operands: Vec<Operand> = operands.iter().map(Operand::from_value).collect();
    Ok(Value::string(&go_sprintf(format, &operands)))
}

/// A value as Go's `fmt` sees it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Operand {
    /// Go `int`.
    Int(i64),
    /// Go `*big.Int`.
    BigInt(i128),
    /// Go `float64`.
    Float(f64),
    /// Go `string`.
    Str(String),
}

impl Operand {
    /// A value as OPA passes it to `fmt.Sprintf`.
    pub(crate) fn from_value(value: &Value) -> Operand {
        match value {
            Value::Number(Number::Int(i)) => Operand::Int(*i),
            Value::Number(Number::Big(i)) => Operand::BigInt(*i),
            Value::Number(Number::Float(f)) => Operand::Float(*f),
            Value::String(s) => Operand::Str(s.to_string()),
            other => Operand::Str(other.to_string()),
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            Operand::Int(_) => "int",
            Operand::BigInt(_) => "*big.Int",
            Operand::Float(_) => "float64",
            Operand::Str(_) => "string",
        }
    }
}

/// Flags, width and precision of one directive.
#[derive(Debug, Default, Clone, Copy)]
struct Spec {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

/// Formats `operands` by `format` as Go's `fmt.Sprintf` does.
pub(crate) fn go_sprintf(format: &str, operands: &[Operand]) -> String {
    let mut out = String::with_capacity(format.len());
    let mut next = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&flag) = chars.peek() {
            match flag {
                '+' => spec.plus = true,
                '-' => spec.minus = true,
                '#' => spec.sharp = true,
                ' ' => spec.space = true,
                '0' => spec.zero = true,
                _ => break,
            }
            chars.next();
        }
        spec.width = read_count(&mut chars, operands, &mut next);
        if chars.peek() == Some(&'.') {
            chars.next();
            spec.precision = Some(read_count(&mut chars, operands, &mut next).unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        match operands.get(next) {
            Some(operand) => {
                next += 1;
                out.push_str(&format_operand(operand, verb, spec));
            }
            None => {
                out.push_str("%!");
                out.push(verb);
                out.push_str("(MISSING)");
            }
        }
    }
    if let Some(extra) = operands.get(next..).filter(|rest| !rest.is_empty()) {
        out.push_str("%!(EXTRA ");
        let described: Vec<String> = extra
            .iter()
            .map(|operand| format!("{}={}", operand.type_name(), plain(operand)))
            .collect();
        out.push_str(&described.join(", "));
        out.push(')');
    }
    out
}

/// A width or precision: digits, or `*` taking an `int` operand.
fn read_count(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    operands: &[Operand],
    next: &mut usize,
) -> Option<usize> {
    if chars.peek() == Some(&'*') {
        chars.next();
        let count = match operands.get(*next) {
            Some(Operand::Int(i)) => usize::try_from(*i).ok(),
            _ => None,
        };
        *next += 1;
        return count;
    }
    let mut count: Option<usize> = None;
    while let Some(digit) = chars.peek().and_then(|c| c.to_digit(10)) {
        chars.next();
        let digit = usize::try_from(digit).unwrap_or(0);
        count = Some(count.unwrap_or(0).saturating_mul(10).saturating_add(digit));
    }
    count
}

/// The `%v` text of an operand.
fn plain(operand: &Operand) -> String {
    format_operand(operand, 'v', Spec::default())
}

fn bad_verb(operand: &Operand, verb: char) -> String {
    match operand {
        Operand::BigInt(i) => format!("%!{verb}(big.Int={i})"),
        other => format!("%!{verb}({}={})", other.type_name(), plain(other)),
    }
}

fn format_operand(operand: &Operand, verb: char, spec: Spec) -> String {
    match operand {
        Operand::Int(i) => format_int(i128::from(*i), verb, spec, false),
        Operand::BigInt(i) => format_int(*i, verb, spec, true),
        Operand::Float(f) => format_float(*f, verb, spec),
        Operand::Str(s) => format_str(s, verb, spec),
    }
    .unwrap_or_else(|| bad_verb(operand, verb))
}

/// Pads `body` to the width, with zeros after the sign if asked and
/// `zeros_allowed` (Go ignores `0` on integers with a precision).
fn pad(sign: &str, body: &str, spec: Spec, zeros_allowed: bool) -> String {
    let len = sign.chars().count() + body.chars().count();
    let fill = spec.width.unwrap_or(0).saturating_sub(len);
    if spec.minus {
        format!("{sign}{body}{}", " ".repeat(fill))
    } else if spec.zero && zeros_allowed {
        format!("{sign}{}{body}", "0".repeat(fill))
    } else {
        format!("{}{sign}{body}", " ".repeat(fill))
    }
}

fn sign_of(negative: bool, spec: Spec) -> &'static str {
    if negative {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    }
}

fn format_int(value: i128, verb: char, spec: Spec, big: bool) -> Option<String> {
    let magnitude = value.unsigned_abs();
    let (digits, prefix) = match verb {
        'd' | 'v' => (magnitude.to_string(), ""),
        's' if big => (magnitude.to_string(), ""),
        'b' => (format!("{magnitude:b}"), if spec.sharp { "0b" } else { "" }),
        'o' => (format!("{magnitude:o}"), if spec.sharp { "0" } else { "" }),
        'O' => (format!("{magnitude:o}"), "0o"),
        'x' => (format!("{magnitude:x}"), if spec.sharp { "0x" } else { "" }),
        'X' => (format!("{magnitude:X}"), if spec.sharp { "0X" } else { "" }),
        'c' if !big => {
            let c = u32::try_from(value)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{FFFD}');
            return Some(pad("", &c.to_string(), spec, true));
        }
        'q' if !big => {
            let c = u32::try_from(value)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{FFFD}');
            return Some(pad("", &quote_char(c), spec, true));
        }
        'U' if !big => {
            return Some(pad("", &format!("U+{magnitude:04X}"), spec, true));
        }
        _ => return None,
    };
    let digits = match spec.precision {
        Some(0) if magnitude == 0 => String::new(),
        Some(min) if digits.len() < min => format!("{}{digits}", "0".repeat(min - digits.len())),
        _ => digits,
    };
    let sign = format!("{}{prefix}", sign_of(value < 0, spec));
    Some(pad(&sign, &digits, spec, spec.precision.is_none()))
}

/// Decimal digits and exponent of `value` rounded to `significant` digits
/// (shortest round-trip digits when `None`): `1234.5` is (`"12345"`, 3).
fn decimal_digits(value: f64, significant: Option<usize>) -> (String, i32) {
    let text = match significant {
        Some(n) => format!("{:.*e}", n.saturating_sub(1), value.abs()),
        None => format!("{:e}", value.abs()),
    };
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exponent.parse().unwrap_or(0))
}

fn exponent_text(exponent: i32, upper: bool) -> String {
    let e = if upper { 'E' } else { 'e' };
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{e}{sign}{:02}", exponent.unsigned_abs())
}

/// `d.ddde±xx` from digits and exponent.
fn scientific(digits: &str, exponent: i32, upper: bool, keep_point: bool) -> String {
    let mut chars = digits.chars();
    let first = chars.next().unwrap_or('0');
    let rest: String = chars.collect();
    let point = if rest.is_empty() && !keep_point {
        ""
    } else {
        "."
    };
    format!("{first}{point}{rest}{}", exponent_text(exponent, upper))
}

/// Plain decimal notation from digits and exponent.
fn positional(digits: &str, exponent: i32) -> String {
    let point = exponent + 1;
    if point <= 0 {
        let zeros = "0".repeat(usize::try_from(-point).unwrap_or(0));
        format!("0.{zeros}{digits}")
    } else {
        let point = usize::try_from(point).unwrap_or(0);
        if digits.len() <= point {
            format!("{digits}{}", "0".repeat(point - digits.len()))
        } else {
            let (int, frac) = digits.split_at(point);
            format!("{int}.{frac}")
        }
    }
}

/// Go's `%g`: `%e` for exponents below -4 or from the precision up
/// (6 when shortest), plain notation otherwise.
fn general(value: f64, precision: Option<usize>, upper: bool, sharp: bool) -> String {
    let significant = precision.map(|p| p.max(1));
    let (mut digits, exponent) = decimal_digits(value, significant);
    if !sharp {
        let trimmed = digits.trim_end_matches('0');
        digits = if trimmed.is_empty() {
            "0".to_string()
        } else {
            trimmed.to_string()
        };
    }
    let limit = match significant {
        None => 6,
        Some(p) => i32::try_from(p).unwrap_or(i32::MAX),
    };
    if exponent < -4 || exponent >= limit {
        scientific(&digits, exponent, upper, sharp)
    } else {
        positional(&digits, exponent)
    }
}

fn format_float(value: f64, verb: char, spec: Spec) -> Option<String> {
    let body = match verb {
        'v' | 'g' | 'G' => general(value, spec.precision, verb == 'G', spec.sharp),
        'e' | 'E' => {
            let (digits, exponent) = decimal_digits(value, Some(spec.precision.unwrap_or(6) + 1));
            scientific(&digits, exponent, verb == 'E', spec.sharp)
        }
        'f' | 'F' => format!("{:.*}", spec.precision.unwrap_or(6), value.abs()),
        _ => return None,
    };
    let negative = value.is_sign_negative() && body.chars().any(|c| c.is_ascii_digit() && c != '0');
    Some(pad(sign_of(negative, spec), &body, spec, true))
}

fn format_str(text: &str, verb: char, spec: Spec) -> Option<String> {
    let truncated: String = match spec.precision {
        Some(max) => text.chars().take(max).collect(),
        None => text.to_string(),
    };
    let body = match verb {
        's' | 'v' => truncated,
        'q' => quote_str(&truncated),
        'x' | 'X' => {
            let separator = if spec.space { " " } else { "" };
            let bytes: Vec<String> = truncated
                .bytes()
                .map(|b| {
                    if verb == 'x' {
                        format!("{b:02x}")
                    } else {
                        format!("{b:02X}")
                    }
                })
                .collect();
            bytes.join(separator)
        }
        _ => return None,
    };
    Some(pad("", &body, spec, true))
}

fn escape_into(out: &mut String, c: char, quote: char) {
    match c {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        '\\' => out.push_str("\\\\"),
        c if c == quote => {
            out.push('\\');
            out.push(c);
        }
        c if u32::from(c) < 0x80 && c.is_control() => {
            out.push_str(&format!("\\x{:02x}", u32::from(c)));
        }
        c if c.is_control() => {
            if u32::from(c) > 0xFFFF {
                out.push_str(&format!("\\U{:08x}", u32::from(c)));
            } else {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
        }
        c => out.push(c),
    }
}

/// Go's `strconv.Quote`.
fn quote_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        escape_into(&mut out, c, '"');
    }
    out.push('"');
    out
}

/// Go's `strconv.QuoteRune`.
fn quote_char(c: char) -> String {
    let mut out = String::from("'");
    escape_into(&mut out, c, '\'');
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Operand {
        Operand::Str(text.to_string())
    }

    #[test]
    fn go_formatting() {
        use Operand::{BigInt, Float, Int};
        let cases: &[(&str, &[Operand], &str)] = &[
            ("hi", &[], "hi"),
            ("hi %s", &[s("there")], "hi there"),
            ("hi %02d", &[Int(5)], "hi 05"),
            ("hi %02X.%02X", &[Int(127), Int(1)], "hi 7F.01"),
            ("hi %.2f", &[Float(2.4567)], "hi 2.46"),
            ("%f", &[Float(0.5)], "0.500000"),
            ("%v", &[Float(2.25)], "2.25"),
            ("%v", &[Float(1_234_567.5)], "1.2345675e+06"),
            ("%v", &[Float(0.000_012_5)], "1.25e-05"),
            ("%g", &[Float(0.5)], "0.5"),
            ("%.3g", &[Float(1234.5678)], "1.23e+03"),
            ("%e", &[Float(1234.5678)], "1.234568e+03"),
            ("%E", &[Float(-0.5)], "-5.000000E-01"),
            ("%8.3f|", &[Float(1.23456)], "   1.235|"),
            ("%-8.3f|", &[Float(1.23456)], "1.235   |"),
            ("%08.3f", &[Float(-1.23456)], "-001.235"),
            ("%+d", &[Int(5)], "+5"),
            ("%5d|%-5d|", &[Int(42), Int(42)], "   42|42   |"),
            (
                "%x %X %o %b",
                &[Int(255), Int(255), Int(8), Int(5)],
                "ff FF 10 101",
            ),
            ("%#x", &[Int(255)], "0xff"),
            ("%x", &[Int(-255)], "-ff"),
            ("%x", &[s("hi")], "6869"),
            ("%q", &[s("a\"b\n")], "\"a\\\"b\\n\""),
            ("%q", &[Int(65)], "'A'"),
            ("%c", &[Int(955)], "λ"),
            ("%.2s", &[s("hello")], "he"),
            ("%6s|%-6s|", &[s("ab"), s("ab")], "    ab|ab    |"),
            ("%t", &[s("true")], "%!t(string=true)"),
            ("%s", &[Int(5)], "%!s(int=5)"),
            ("%d", &[Float(3.5)], "%!d(float64=3.5)"),
            ("%d", &[s("x")], "%!d(string=x)"),
            (
                "%s",
                &[BigInt(123_456_789_123_456_789_123)],
                "123456789123456789123",
            ),
            (
                "%q",
                &[BigInt(123_456_789_123_456_789_123)],
                "%!q(big.Int=123456789123456789123)",
            ),
            ("%d %d", &[Int(1)], "1 %!d(MISSING)"),
            ("%d", &[Int(1), s("a")], "1%!(EXTRA string=a)"),
            ("100%%", &[], "100%"),
            ("%", &[], "%!(NOVERB)"),
            ("%*d", &[Int(4), Int(7)], "   7"),
        ];
        for (format, operands, want) in cases {
            assert_eq!(go_sprintf(format, operands), *want, "format {format:?}");
        }
    }
}
