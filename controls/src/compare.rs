//! Comparison operators, tier-table thresholds, and the wording of
//! "to pass" hints for comparisons.

use std::cmp::Ordering;

use riskgate_engine::value::{Value, compare};

/// The risk tiers a tier table may name, plus `default`.
pub(crate) const TIER_KEYS: [&str; 5] = ["default", "low", "medium", "high", "critical"];

/// A comparison operator of a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Neq,
    Lt,
    Lte,
    Gt,
    Gte,
    In,
    NotIn,
}

impl Op {
    pub(crate) const ALL: [Op; 8] = [
        Op::Eq,
        Op::Neq,
        Op::Lt,
        Op::Lte,
        Op::Gt,
        Op::Gte,
        Op::In,
        Op::NotIn,
    ];

    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Neq => "!=",
            Op::Lt => "<",
            Op::Lte => "<=",
            Op::Gt => ">",
            Op::Gte => ">=",
            Op::In => "in",
            Op::NotIn => "not_in",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Op> {
        Self::ALL.into_iter().find(|op| op.as_str() == text)
    }

    pub(crate) const fn is_ordering(self) -> bool {
        matches!(self, Op::Lt | Op::Lte | Op::Gt | Op::Gte)
    }

    /// Whether `actual op threshold` holds; `Err` explains a type mismatch.
    pub(crate) fn holds(self, actual: &Value, threshold: &Value) -> Result<bool, String> {
        match self {
            Op::Eq => Ok(compare(actual, threshold) == Ordering::Equal),
            Op::Neq => Ok(compare(actual, threshold) != Ordering::Equal),
            Op::In | Op::NotIn => {
                let found = match threshold {
                    Value::Array(items) => {
                        items.iter().any(|v| compare(v, actual) == Ordering::Equal)
                    }
                    Value::Set(items) => {
                        items.iter().any(|v| compare(v, actual) == Ordering::Equal)
                    }
                    other => {
                        return Err(format!(
                            "`{}` needs an array threshold, found {}",
                            self.as_str(),
                            other.type_name()
                        ));
                    }
                };
                Ok(found == (self == Op::In))
            }
            Op::Lt | Op::Lte | Op::Gt | Op::Gte => {
                let (Some(a), Some(t)) = (actual.as_number(), threshold.as_number()) else {
                    return Err(format!(
                        "cannot compare {} {} {}: both sides must be numbers",
                        actual.type_name(),
                        self.as_str(),
                        threshold.type_name()
                    ));
                };
                Ok(match self {
                    Op::Lt => a < t,
                    Op::Lte => a <= t,
                    Op::Gt => a > t,
                    _ => a >= t,
                })
            }
        }
    }

    /// Checks that a (resolved) threshold suits the operator.
    pub(crate) fn check_threshold(self, threshold: &Value) -> Result<(), String> {
        if self.is_ordering() && threshold.as_number().is_none() {
            return Err(format!(
                "`{}` compares numbers, but the threshold is {}",
                self.as_str(),
                describe_type(threshold)
            ));
        }
        if matches!(self, Op::In | Op::NotIn)
            && !matches!(threshold, Value::Array(_) | Value::Set(_))
        {
            return Err(format!(
                "`{}` needs an array of allowed values, but the threshold is {}",
                self.as_str(),
                describe_type(threshold)
            ));
        }
        Ok(())
    }
}

fn describe_type(value: &Value) -> String {
    format!("{} {}", article(value.type_name()), value.type_name())
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Whether `value` is a tier table (`{"default": 0.8, "high": 0.85}`).
pub(crate) fn is_tier_table(value: &Value) -> bool {
    match value {
        Value::Object(entries) => {
            !entries.is_empty()
                && entries
                    .keys()
                    .all(|k| k.as_str().is_some_and(|k| TIER_KEYS.contains(&k)))
        }
        _ => false,
    }
}

/// Every value a threshold can resolve to (the entries of a tier table, or
/// the threshold itself).
pub(crate) fn threshold_candidates(value: &Value) -> Vec<&Value> {
    match value {
        Value::Object(entries) if is_tier_table(value) => entries.values().collect(),
        other => vec![other],
    }
}

/// Resolves a threshold for a risk tier.
pub(crate) fn resolve_threshold(value: &Value, tier: Option<&str>) -> Result<Value, String> {
    if !is_tier_table(value) {
        return Ok(value.clone());
    }
    if let Some(tier) = tier
        && let Some(v) = value.get(&Value::string(tier))
    {
        return Ok(v.clone());
    }
    if let Some(v) = value.get(&Value::string("default")) {
        return Ok(v.clone());
    }
    Err(match tier {
        Some(tier) => format!("the threshold table has no entry for tier `{tier}` and no `default`"),
        None => "the release has no spec.classification.risk_tier and the threshold table has no `default`".to_owned(),
    })
}

/// Whether an alert `mop mt` fires whenever `rop rt` holds (a monitor's
/// alert is at least as strict as the one required or approved).
pub(crate) fn at_least_as_strict(rop: Op, rt: f64, mop: Op, mt: f64) -> bool {
    match (rop, mop) {
        (Op::Gt, Op::Gt | Op::Gte) | (Op::Gte, Op::Gte) => mt <= rt,
        (Op::Gte, Op::Gt) => mt < rt,
        (Op::Lt, Op::Lt | Op::Lte) | (Op::Lte, Op::Lte) => mt >= rt,
        (Op::Lte, Op::Lt) => mt > rt,
        _ => false,
    }
}

/// Renders a value compactly for messages (`0.8`, `"high"`, `["a","b"]`).
pub(crate) fn show(value: &Value) -> String {
    value.to_json().to_string()
}

/// The hint to change `subject` from `actual` so that `op threshold` holds.
pub(crate) fn change_hint(subject: &str, actual: &Value, op: Op, threshold: &Value) -> String {
    let a = show(actual);
    let t = show(threshold);
    match op {
        Op::Gte => format!("raise {subject} from {a} to ≥ {t}"),
        Op::Gt => format!("raise {subject} from {a} to above {t}"),
        Op::Lte => format!("lower {subject} from {a} to ≤ {t}"),
        Op::Lt => format!("lower {subject} from {a} to below {t}"),
        Op::Eq => format!("change {subject} from {a} to {t}"),
        Op::Neq => format!("change {subject} to a value other than {t}"),
        Op::In => format!("change {subject} from {a} to one of {t}"),
        Op::NotIn => format!("change {subject} from {a} to a value not in {t}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> Value {
        Value::Number(
            riskgate_engine::number::Number::parse(text)
                .unwrap_or(riskgate_engine::number::Number::Int(0)),
        )
    }

    #[test]
    fn ordering_ops_compare_numbers_across_int_and_float() {
        assert_eq!(Op::Gte.holds(&num("1"), &num("1.0")), Ok(true));
        assert_eq!(Op::Lt.holds(&num("0.74"), &num("0.8")), Ok(true));
        assert!(Op::Gt.holds(&Value::string("a"), &num("1")).is_err());
    }

    #[test]
    fn tier_tables_resolve_with_default() {
        let table = Value::from_json(&serde_json::json!({"default": 0.8, "high": 0.85}));
        assert_eq!(resolve_threshold(&table, Some("high")), Ok(num("0.85")));
        assert_eq!(resolve_threshold(&table, Some("low")), Ok(num("0.8")));
        let no_default = Value::from_json(&serde_json::json!({"high": 1}));
        assert!(resolve_threshold(&no_default, Some("low")).is_err());
        let plain = Value::from_json(&serde_json::json!({"a": 1}));
        assert_eq!(resolve_threshold(&plain, Some("low")), Ok(plain.clone()));
    }
}
