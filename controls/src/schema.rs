//! Which fields declarations accept, their types, and the checks shared by
//! compile time (constant values) and evaluation time (computed values).

use std::collections::BTreeSet;

use riskgate_dsl::ast::RequirementKind;

use super::compare::{Op, threshold_candidates};
use riskgate_engine::value::Value;

/// Aggregates of a test requirement.
pub(crate) const AGGREGATES: [&str; 4] = [
    "overall",
    "each_slice",
    "min_over_slices",
    "max_over_slices",
];

/// Monitor cadences and their length in hours.
pub(crate) const CADENCES: [(&str, i64); 5] = [
    ("hourly", 1),
    ("daily", 24),
    ("weekly", 24 * 7),
    ("monthly", 24 * 31),
    ("quarterly", 24 * 92),
];

/// Hours between runs of a cadence: a name (`daily`) or `<n>m|h|d|w`.
pub(crate) fn cadence_hours(text: &str) -> Option<f64> {
    if let Some((_, hours)) = CADENCES.iter().find(|(name, _)| *name == text) {
        #[expect(clippy::cast_precision_loss, reason = "small constants")]
        return Some(*hours as f64);
    }
    let text = text.trim();
    let unit = text.chars().last()?;
    let amount: f64 = text.get(..text.len() - unit.len_utf8())?.parse().ok()?;
    let hours = match unit {
        's' => amount / 3600.0,
        'm' => amount / 60.0,
        'h' => amount,
        'd' => amount * 24.0,
        'w' => amount * 24.0 * 7.0,
        _ => return None,
    };
    (hours > 0.0).then_some(hours)
}

/// The type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    Str,
    Bool,
    /// A non-negative number.
    Num,
    Op,
    AlertOp,
    /// A value or tier table; checked against the operator separately.
    Threshold,
    Aggregate,
    Cadence,
    Roles,
    /// Any value (`value:` of a derived test).
    Any,
    /// A condition (`when`): only ever compiled to a rule body.
    Cond,
    /// A dotted manifest path.
    Path,
}

/// A field a declaration accepts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldDef {
    pub(crate) name: &'static str,
    pub(crate) ty: Ty,
    pub(crate) required: bool,
}

const fn f(name: &'static str, ty: Ty) -> FieldDef {
    FieldDef {
        name,
        ty,
        required: false,
    }
}

const fn req(name: &'static str, ty: Ty) -> FieldDef {
    FieldDef {
        name,
        ty,
        required: true,
    }
}

const COMMON: [FieldDef; 3] = [
    f("when", Ty::Cond),
    f("description", Ty::Str),
    f("hint", Ty::Str),
];

const TEST: [FieldDef; 10] = [
    req("metric", Ty::Str),
    req("op", Ty::Op),
    req("threshold", Ty::Threshold),
    f("value", Ty::Any),
    f("details", Ty::Any),
    f("aggregate", Ty::Aggregate),
    f("min_n", Ty::Num),
    f("max_age_days", Ty::Num),
    f("suite", Ty::Str),
    f("bind_to_artifact", Ty::Bool),
];

const MONITOR: [FieldDef; 5] = [
    req("metric", Ty::Str),
    f("alert_op", Ty::AlertOp),
    f("alert_threshold", Ty::Threshold),
    f("cadence", Ty::Cadence),
    f("owner_required", Ty::Bool),
];

const APPROVAL: [FieldDef; 5] = [
    req("roles", Ty::Roles),
    f("quorum", Ty::Num),
    f("distinct_from", Ty::Roles),
    f("bound_to_artifact", Ty::Bool),
    f("max_age_days", Ty::Num),
];

const DOCUMENT: [FieldDef; 3] = [
    f("kind", Ty::Str),
    f("digest_required", Ty::Bool),
    f("max_age_days", Ty::Num),
];

const FIELD: [FieldDef; 3] = [
    req("path", Ty::Path),
    f("op", Ty::Op),
    f("threshold", Ty::Threshold),
];

/// The fields a requirement of `kind` accepts (kind-specific first).
pub(crate) fn requirement_fields(kind: RequirementKind) -> Vec<FieldDef> {
    let specific: &[FieldDef] = match kind {
        RequirementKind::Test => &TEST,
        RequirementKind::Monitor => &MONITOR,
        RequirementKind::Approval => &APPROVAL,
        RequirementKind::Document => &DOCUMENT,
        RequirementKind::Field => &FIELD,
    };
    specific.iter().chain(COMMON.iter()).copied().collect()
}

/// Fields of a `control`.
pub(crate) const CONTROL_FIELDS: [&str; 11] = [
    "title",
    "mitigates",
    "severity",
    "enforcement",
    "waivable",
    "waivable_by",
    "owner",
    "references",
    "description",
    "name",
    "family",
];

/// Fields of a `risk`.
pub(crate) const RISK_FIELDS: [&str; 4] = ["title", "family", "description", "references"];

/// Why a value does not fit its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TypeError {
    /// Wrong type or value; the message and an optional help line.
    Invalid(String, Option<String>),
    /// A role outside the vocabulary.
    UnknownRole(String),
}

/// Checks a field value against its type.
/// `roles` is the vocabulary; `None` skips the vocabulary check.
pub(crate) fn check_value(
    ty: Ty,
    value: &Value,
    roles: Option<&BTreeSet<String>>,
) -> Result<(), TypeError> {
    let invalid = |message: String, help: Option<String>| Err(TypeError::Invalid(message, help));
    match ty {
        Ty::Str | Ty::Path if value.as_str().is_none() => invalid(
            format!("expected a string, found {}", value.type_name()),
            None,
        ),
        Ty::Path => check_path(value.as_str().unwrap_or_default()),
        Ty::Bool if value.as_bool().is_none() => invalid(
            format!("expected true or false, found {}", value.type_name()),
            None,
        ),
        Ty::Num => match value.as_number() {
            Some(n) if !n.is_negative() => Ok(()),
            Some(_) => invalid(
                "expected a number ≥ 0, found a negative number".into(),
                None,
            ),
            None => invalid(
                format!("expected a number, found {}", value.type_name()),
                None,
            ),
        },
        Ty::Op => one_of(value, &Op::ALL.map(Op::as_str)),
        Ty::AlertOp => one_of(value, &["<", "<=", ">", ">="]),
        Ty::Aggregate => one_of(value, &AGGREGATES),
        Ty::Cadence => one_of(value, &CADENCES.map(|(c, _)| c)),
        Ty::Roles => check_roles(value, roles),
        Ty::Str | Ty::Bool | Ty::Any | Ty::Cond | Ty::Threshold => Ok(()),
    }
}

fn one_of(value: &Value, allowed: &[&str]) -> Result<(), TypeError> {
    match value.as_str() {
        Some(text) if allowed.contains(&text) => Ok(()),
        Some(text) => Err(TypeError::Invalid(
            format!("`{text}` is not one of {}", quoted_list(allowed)),
            riskgate_dsl::suggest::closest(text, allowed.iter().copied())
                .map(|s| format!("did you mean `{s}`?")),
        )),
        None => Err(TypeError::Invalid(
            format!(
                "expected one of {}, found {}",
                quoted_list(allowed),
                value.type_name()
            ),
            None,
        )),
    }
}

/// `a`, `b` or `c`, each in backticks.
pub(crate) fn quoted_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

fn check_roles(value: &Value, roles: Option<&BTreeSet<String>>) -> Result<(), TypeError> {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Set(items) => items.iter().collect(),
        other => {
            return Err(TypeError::Invalid(
                format!("expected an array of roles, found {}", other.type_name()),
                None,
            ));
        }
    };
    for item in items {
        let Some(role) = item.as_str() else {
            return Err(TypeError::Invalid(
                format!("roles are strings, found {}", item.type_name()),
                None,
            ));
        };
        if roles.is_some_and(|roles| !roles.contains(role)) {
            return Err(TypeError::UnknownRole(role.to_owned()));
        }
    }
    Ok(())
}

fn check_path(path: &str) -> Result<(), TypeError> {
    let roots = ["spec", "metadata", "apiVersion", "kind"];
    let first = path.split(['.', '[']).next().unwrap_or_default();
    if parse_path(path).is_none() {
        return Err(TypeError::Invalid(
            format!("`{path}` is not a dotted path such as `spec.rollback.procedure_ref`"),
            None,
        ));
    }
    if !roots.contains(&first) {
        return Err(TypeError::Invalid(
            format!("`{path}` does not start at the manifest root"),
            Some(format!(
                "paths start with `spec.`, `metadata.`, `apiVersion` or `kind`; did you mean `spec.{path}`?"
            )),
        ));
    }
    Ok(())
}

/// A segment of a dotted manifest path, borrowed from the path text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathSegment<'a> {
    Key(&'a str),
    Index(usize),
}

/// Parses `spec.a.b[0].c`; `None` when malformed.
pub(crate) fn parse_path(path: &str) -> Option<Vec<PathSegment<'_>>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (part.get(..i)?, part.get(i..)?),
            None => (part, ""),
        };
        if key.is_empty() {
            return None;
        }
        out.push(PathSegment::Key(key));
        while !rest.is_empty() {
            let close = rest.find(']')?;
            let index = rest.get(1..close)?.parse().ok()?;
            out.push(PathSegment::Index(index));
            rest = rest.get(close + 1..)?;
            if !rest.is_empty() && !rest.starts_with('[') {
                return None;
            }
        }
    }
    Some(out)
}

/// Checks a (resolved) threshold table against an operator: every entry
/// must suit the operator.
pub(crate) fn check_threshold_for_op(op: Op, threshold: &Value) -> Result<(), String> {
    for candidate in threshold_candidates(threshold) {
        op.check_threshold(candidate)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_keys_and_indexes() {
        assert_eq!(
            parse_path("spec.a[2].b"),
            Some(vec![
                PathSegment::Key("spec"),
                PathSegment::Key("a"),
                PathSegment::Index(2),
                PathSegment::Key("b"),
            ])
        );
        assert_eq!(parse_path("spec..a"), None);
        assert_eq!(parse_path("spec.a[x]"), None);
    }
}
