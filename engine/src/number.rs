//! Rego numbers: exact integers where possible, IEEE doubles otherwise.
//!
//! Invariant: a `Float` is always finite, and a float with an exact `i64`
//! value compares and hashes equal to that integer (Rego has one number type).

use std::cmp::Ordering;

/// A Rego number.
#[derive(Debug, Clone, Copy)]
pub enum Number {
    /// An integer that fits in `i64`.
    Int(i64),
    /// Any other finite number.
    Float(f64),
}

impl Number {
    /// Parses a number literal as written in policy text or JSON.
    #[must_use]
    pub fn parse(text: &str) -> Option<Number> {
        if let Ok(int) = text.parse::<i64>() {
            return Some(Number::Int(int));
        }
        let float: f64 = text.parse().ok()?;
        float.is_finite().then(|| Number::from_f64(float))?
    }

    /// A number from a float; `None` for NaN and infinities.
    #[must_use]
    pub fn from_f64(value: f64) -> Option<Number> {
        if !value.is_finite() {
            return None;
        }
        if value.fract() == 0.0 && value.abs() < 9.007_199_254_740_992e15 {
            // INVARIANT: |value| < 2^53, so the cast is exact.
            #[expect(clippy::cast_possible_truncation, reason = "exact below 2^53")]
            return Some(Number::Int(value as i64));
        }
        Some(Number::Float(value))
    }

    /// The value as a float (possibly rounded).
    #[must_use]
    #[expect(clippy::cast_precision_loss, reason = "Rego floats are doubles")]
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }

    /// The value as an integer, if it is one.
    #[must_use]
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(i),
            Number::Float(_) => None,
        }
    }

    /// Whether the number is integral.
    #[must_use]
    pub fn is_integer(self) -> bool {
        matches!(self, Number::Int(_))
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
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a.cmp(b),
            _ => self.as_f64().total_cmp(&other.as_f64()),
        }
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => {
                // serde_json prints the shortest representation that round-trips.
                let json = serde_json::Number::from_f64(*x).map(|n| n.to_string());
                f.write_str(json.as_deref().unwrap_or("0"))
            }
        }
    }
}
