//! Rego numbers: exact integers where possible, IEEE doubles otherwise.
//!
//! OPA numbers are arbitrary precision. riskgate keeps integers exact up to
//! 128 bits (`Int` for the `i64` fast path, `Big` beyond it) and uses doubles
//! for everything else, which covers every value real policies and the OPA
//! conformance suite use while keeping [`Number`] `Copy`.
//!
//! Invariants:
//! - `Big` never holds a value that fits `i64`.
//! - a `Float` is always finite, and never integral unless it is too large
//!   for `i128`: integral results are normalised to `Int`/`Big`, so `2.0`
//!   prints as `2`, as OPA does.

use std::cmp::Ordering;

/// A Rego number.
#[derive(Debug, Clone, Copy)]
pub enum Number {
    /// An integer that fits in `i64`.
    Int(i64),
    /// An integer outside the `i64` range that fits in `i128`.
    Big(i128),
    /// Any other finite number.
    Float(f64),
    /// A literal beyond the double range (`2e308`), kept as decimal
    /// `digits × 10^exp`. It prints and compares exactly; arithmetic on it
    /// is out of range.
    Huge {
        /// Significant digits (no trailing zeros).
        digits: u64,
        /// Power of ten.
        exp: i32,
        /// Sign.
        negative: bool,
    },
}

/// Why an arithmetic operation has no result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithError {
    /// Division by zero (`div: divide by zero`).
    DivideByZero,
    /// Remainder by zero (`rem: modulo by zero`).
    ModuloByZero,
    /// Remainder of a non-integer (`rem: modulo on floating-point number`).
    ModuloOnFloat,
    /// The result is not a finite number.
    OutOfRange,
}

impl ArithError {
    /// OPA's wording, without the builtin name.
    #[must_use]
    pub fn message(self) -> &'static str {
        match self {
            ArithError::DivideByZero => "divide by zero",
            ArithError::ModuloByZero => "modulo by zero",
            ArithError::ModuloOnFloat => "modulo on floating-point number",
            ArithError::OutOfRange => "arithmetic result out of range",
        }
    }
}

/// 2^127 as a double: the first value outside the `i128` range.
const I128_LIMIT: f64 = 1.701_411_834_604_692_3e38;

impl Number {
    /// Parses a number literal as written in policy text or JSON.
    #[must_use]
    pub fn parse(text: &str) -> Option<Number> {
        if let Ok(int) = text.parse::<i64>() {
            return Some(Number::Int(int));
        }
        if let Ok(int) = text.parse::<i128>() {
            return Some(Number::from_i128(int));
        }
        // Rust accepts `inf`, `nan` and `infinity`; JSON and Rego do not.
        if !text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return None;
        }
        let float: f64 = text.parse().ok()?;
        if float.is_infinite() {
            return Number::parse_huge(text);
        }
        Number::from_f64(float)
    }

    /// A decimal literal too large for a double (at most 19 significant
    /// digits are kept).
    fn parse_huge(text: &str) -> Option<Number> {
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (mantissa, exp) = match text.find(['e', 'E']) {
            Some(at) => (text.get(..at)?, text.get(at + 1..)?.parse::<i32>().ok()?),
            None => (text, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let mut exp = exp.checked_sub(i32::try_from(frac.len()).ok()?)?;
        let all: String = format!("{int}{frac}");
        let all = all.trim_start_matches('0');
        let trimmed = all.trim_end_matches('0');
        exp = exp.checked_add(i32::try_from(all.len() - trimmed.len()).ok()?)?;
        let kept = trimmed.get(..trimmed.len().min(19))?;
        exp = exp.checked_add(i32::try_from(trimmed.len() - kept.len()).ok()?)?;
        let digits: u64 = kept.parse().ok()?;
        Some(Number::Huge {
            digits,
            exp,
            negative,
        })
    }

    /// An integer, in its narrowest representation.
    #[must_use]
    pub fn from_i128(value: i128) -> Number {
        i64::try_from(value).map_or(Number::Big(value), Number::Int)
    }

    /// A number from a float; `None` for NaN and infinities. Integral
    /// floats become integers.
    #[must_use]
    pub fn from_f64(value: f64) -> Option<Number> {
        if !value.is_finite() {
            return None;
        }
        if value.fract() == 0.0 && value.abs() < I128_LIMIT {
            // INVARIANT: integral and |value| < 2^127, so the cast is exact.
            #[expect(clippy::cast_possible_truncation, reason = "exact below 2^127")]
            return Some(Number::from_i128(value as i128));
        }
        Some(Number::Float(value))
    }

    /// The value as a float (possibly rounded).
    #[must_use]
    #[expect(clippy::cast_precision_loss, reason = "Rego floats are doubles")]
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Big(i) => i as f64,
            Number::Float(f) => f,
            Number::Huge { negative, .. } => {
                if negative {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                }
            }
        }
    }

    /// The value as an `i64`, if it is an integer in range.
    #[must_use]
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(i),
            Number::Big(_) | Number::Float(_) | Number::Huge { .. } => None,
        }
    }

    /// The value as an `i128`, if it is an integer in range.
    #[must_use]
    pub fn as_i128(self) -> Option<i128> {
        match self {
            Number::Int(i) => Some(i128::from(i)),
            Number::Big(i) => Some(i),
            Number::Float(_) | Number::Huge { .. } => None,
        }
    }

    /// Whether the number is integral.
    #[must_use]
    pub fn is_integer(self) -> bool {
        match self {
            Number::Int(_) | Number::Big(_) => true,
            Number::Float(f) => f.fract() == 0.0,
            Number::Huge { exp, .. } => exp >= 0,
        }
    }

    /// Whether the number is negative.
    #[must_use]
    pub fn is_negative(self) -> bool {
        match self {
            Number::Int(i) => i < 0,
            Number::Big(i) => i < 0,
            Number::Float(f) => f < 0.0,
            Number::Huge { negative, .. } => negative,
        }
    }

    /// Whether the number is zero.
    #[must_use]
    pub fn is_zero(self) -> bool {
        match self {
            Number::Int(i) => i == 0,
            Number::Big(_) | Number::Huge { .. } => false,
            Number::Float(f) => f == 0.0,
        }
    }

    fn int_op(
        self,
        other: Number,
        int: fn(i128, i128) -> Option<i128>,
        float: fn(f64, f64) -> f64,
    ) -> Result<Number, ArithError> {
        if let (Some(a), Some(b)) = (self.as_i128(), other.as_i128())
            && let Some(result) = int(a, b)
        {
            return Ok(Number::from_i128(result));
        }
        Number::from_f64(float(self.as_f64(), other.as_f64())).ok_or(ArithError::OutOfRange)
    }

    /// `self + other`.
    pub fn checked_add(self, other: Number) -> Result<Number, ArithError> {
        self.int_op(other, i128::checked_add, |a, b| a + b)
    }

    /// `self - other`.
    pub fn checked_sub(self, other: Number) -> Result<Number, ArithError> {
        self.int_op(other, i128::checked_sub, |a, b| a - b)
    }

    /// `self * other`.
    pub fn checked_mul(self, other: Number) -> Result<Number, ArithError> {
        self.int_op(other, i128::checked_mul, |a, b| a * b)
    }

    /// `self / other`: exact when the divisor divides the dividend
    /// (`4 / 2 == 2`), a float otherwise (`1 / 2 == 0.5`).
    pub fn checked_div(self, other: Number) -> Result<Number, ArithError> {
        if other.is_zero() {
            return Err(ArithError::DivideByZero);
        }
        if let (Some(a), Some(b)) = (self.as_i128(), other.as_i128())
            && a.checked_rem(b) == Some(0)
            && let Some(q) = a.checked_div(b)
        {
            return Ok(Number::from_i128(q));
        }
        Number::from_f64(self.as_f64() / other.as_f64()).ok_or(ArithError::OutOfRange)
    }

    /// `self % other`, defined on integers only; the sign follows the
    /// dividend.
    pub fn checked_rem(self, other: Number) -> Result<Number, ArithError> {
        let (Some(a), Some(b)) = (self.as_i128(), other.as_i128()) else {
            return Err(ArithError::ModuloOnFloat);
        };
        if b == 0 {
            return Err(ArithError::ModuloByZero);
        }
        // i128::MIN % -1 overflows; the mathematical result is 0.
        Ok(Number::from_i128(a.checked_rem(b).unwrap_or(0)))
    }

    /// `-self`.
    #[must_use]
    pub fn negate(self) -> Number {
        match self {
            Number::Int(i) => i
                .checked_neg()
                .map_or(Number::Big(-i128::from(i)), Number::Int),
            Number::Big(i) => i
                .checked_neg()
                .map_or(Number::Float(-self.as_f64()), Number::from_i128),
            Number::Float(f) => Number::Float(-f),
            Number::Huge {
                digits,
                exp,
                negative,
            } => Number::Huge {
                digits,
                exp,
                negative: !negative,
            },
        }
    }

    /// `|self|`.
    #[must_use]
    pub fn abs(self) -> Number {
        if self.is_negative() {
            self.negate()
        } else {
            self
        }
    }

    fn map_float(self, f: fn(f64) -> f64) -> Number {
        match self {
            Number::Float(x) => Number::from_f64(f(x)).unwrap_or(self),
            Number::Int(_) | Number::Big(_) | Number::Huge { .. } => self,
        }
    }

    /// Rounds half away from zero.
    #[must_use]
    pub fn round(self) -> Number {
        self.map_float(f64::round)
    }

    /// Rounds towards positive infinity.
    #[must_use]
    pub fn ceil(self) -> Number {
        self.map_float(f64::ceil)
    }

    /// Rounds towards negative infinity.
    #[must_use]
    pub fn floor(self) -> Number {
        self.map_float(f64::floor)
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Number {}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        match (*self, *other) {
            (
                Number::Huge {
                    digits: da,
                    exp: ea,
                    negative: na,
                },
                Number::Huge {
                    digits: db,
                    exp: eb,
                    negative: nb,
                },
            ) => match (na, nb) {
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (negative, _) => {
                    let magnitude = huge_magnitude_cmp(da, ea, db, eb);
                    if negative {
                        magnitude.reverse()
                    } else {
                        magnitude
                    }
                }
            },
            _ => match (self.as_i128(), other.as_i128()) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => self.as_f64().total_cmp(&other.as_f64()),
            },
        }
    }
}

/// Compares `da × 10^ea` with `db × 10^eb` (both positive).
fn huge_magnitude_cmp(da: u64, ea: i32, db: u64, eb: i32) -> Ordering {
    let (sa, sb) = (da.to_string(), db.to_string());
    // Order of magnitude of the leading digit first.
    let lead = |s: &str, e: i32| i64::from(e) + i64::try_from(s.len()).unwrap_or(0);
    lead(&sa, ea).cmp(&lead(&sb, eb)).then_with(|| {
        let width = sa.len().max(sb.len());
        format!("{sa:0<width$}").cmp(&format!("{sb:0<width$}"))
    })
}

impl std::fmt::Display for Number {
    /// Integers in full; floats in the shortest form that round-trips,
    /// as JSON writes them (`0.5`, `1e-7`, `1e+300` written `1e300`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Big(i) => write!(f, "{i}"),
            Number::Float(x) => {
                // serde_json prints the shortest representation that round-trips.
                let json = serde_json::Number::from_f64(*x).map(|n| n.to_string());
                f.write_str(json.as_deref().unwrap_or("0"))
            }
            Number::Huge {
                digits,
                exp,
                negative,
            } => {
                let text = digits.to_string();
                let sign = if *negative { "-" } else { "" };
                let (first, rest) = text.split_at(1.min(text.len()));
                let power = i64::from(*exp) + i64::try_from(rest.len()).unwrap_or(0);
                if rest.is_empty() {
                    write!(f, "{sign}{first}e{power}")
                } else {
                    write!(f, "{sign}{first}.{rest}e{power}")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> Number {
        Number::parse(text).unwrap()
    }

    #[test]
    fn parses_and_normalises() {
        assert!(matches!(n("2.0"), Number::Int(2)));
        assert!(matches!(n("1e3"), Number::Int(1000)));
        assert!(matches!(n("0.5"), Number::Float(_)));
        assert!(matches!(n("18446744073709551614"), Number::Big(_)));
        assert_eq!(
            n("123456789123456789123").to_string(),
            "123456789123456789123"
        );
        assert!(Number::parse("inf").is_none());
        assert!(Number::parse("NaN").is_none());
        assert!(Number::parse("broken").is_none());
    }

    #[test]
    fn arithmetic() {
        type Op = fn(Number, Number) -> Result<Number, ArithError>;
        let cases: &[(&str, Op, &str, &str, &str)] = &[
            ("+", Number::checked_add, "49649733057", "1", "49649733058"),
            (
                "+",
                Number::checked_add,
                "9223372036854775807",
                "1",
                "9223372036854775808",
            ),
            (
                "*",
                Number::checked_mul,
                "9223372036854775807",
                "2",
                "18446744073709551614",
            ),
            ("-", Number::checked_sub, "0.5", "0.5", "0"),
            ("/", Number::checked_div, "1", "2", "0.5"),
            ("/", Number::checked_div, "4", "2", "2"),
            ("/", Number::checked_div, "-7", "2", "-3.5"),
            ("%", Number::checked_rem, "7", "4", "3"),
            ("%", Number::checked_rem, "-7", "4", "-3"),
            ("*", Number::checked_mul, "1.5", "2", "3"),
        ];
        for (op, f, a, b, want) in cases {
            assert_eq!(f(n(a), n(b)).unwrap().to_string(), *want, "{a} {op} {b}");
        }
        assert_eq!(n("1").checked_div(n("0")), Err(ArithError::DivideByZero));
        assert_eq!(n("1").checked_div(n("0.0")), Err(ArithError::DivideByZero));
        assert_eq!(n("7").checked_rem(n("0")), Err(ArithError::ModuloByZero));
        assert_eq!(n("1.1").checked_rem(n("1")), Err(ArithError::ModuloOnFloat));
    }

    #[test]
    fn rounding() {
        assert_eq!(n("2.5").round().to_string(), "3");
        assert_eq!(n("-2.5").round().to_string(), "-3");
        assert_eq!(n("-1.99999").ceil().to_string(), "-1");
        assert_eq!(n("-1.001").floor().to_string(), "-2");
        assert_eq!(n("-10").abs().to_string(), "10");
        assert_eq!(
            n("-9223372036854775808").abs().to_string(),
            "9223372036854775808"
        );
    }

    #[test]
    fn literals_beyond_doubles_print_and_compare_exactly() {
        assert_eq!(n("2e308").to_string(), "2e308");
        assert_eq!(n("-15e399").to_string(), "-1.5e400");
        assert_eq!(n("1.50e400").to_string(), "1.5e400");
        assert!(n("2e308") > n("1e308"));
        assert!(n("2e308") < n("3e308"));
        assert!(n("2e308") < n("1.1e309"));
        assert!(n("-2e308") < n("-1e308"));
        assert_eq!(n("20e307"), n("2e308"));
        assert_eq!(n("2e308").checked_add(n("1")), Err(ArithError::OutOfRange));
    }

    #[test]
    fn ordering_mixes_representations() {
        assert!(n("28857836529306024611913") != n("28857836529306024611912"));
        assert!(n("1") < n("1.5"));
        assert!(n("9223372036854775808") > n("9223372036854775807"));
        assert_eq!(n("1.0"), n("1"));
    }
}
