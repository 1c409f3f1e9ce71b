//! The structured requirement kinds and free-form violations.

pub(crate) mod approval;
pub(crate) mod document;
pub(crate) mod field;
pub(crate) mod monitor;
pub(crate) mod test;

use super::compare::{Op, resolve_threshold, show};
use super::schema::check_threshold_for_op;
use super::spec::ControlSpec;
use super::view;
use crate::context::{Ctx, Fields, Outcome};
use crate::trace::{RequirementTrace, Status};
use riskgate_engine::value::Value;

#[expect(
    clippy::result_large_err,
    reason = "the error is the outcome itself, built once per requirement"
)]
/// The operator and tier-resolved threshold of a requirement, if it has
/// an operator; `Err` is the requirement's `error` outcome.
pub(crate) fn comparison(
    ctx: &Ctx<'_>,
    fields: &Fields<'_>,
    op_field: &str,
    threshold_field: &str,
) -> Result<Option<(Op, Value)>, Outcome> {
    let Some(op_text) = fields.str(op_field) else {
        return Ok(None);
    };
    let op = Op::parse(op_text)
        .ok_or_else(|| Outcome::error(format!("`{op_text}` is not a comparison operator")))?;
    let Some(threshold) = fields.value(threshold_field) else {
        return Err(Outcome::error(format!(
            "`{op_field}` is set but `{threshold_field}` is not"
        )));
    };
    let resolved =
        resolve_threshold(threshold, ctx.release.tier.as_deref()).map_err(|message| {
            Outcome::error(format!("cannot resolve `{threshold_field}`: {message}"))
        })?;
    check_threshold_for_op(op, &resolved).map_err(|message| {
        Outcome::error(format!(
            "`{threshold_field}` does not suit `{op_field}`: {message}"
        ))
    })?;
    Ok(Some((op, resolved)))
}

/// Whether a timestamp is too old; `Some(message part)` when stale.
pub(crate) fn staleness(
    ctx: &Ctx<'_>,
    at: Option<&Value>,
    max_age_days: Option<f64>,
) -> Result<(), String> {
    let Some(max) = max_age_days else {
        return Ok(());
    };
    let Some(then) = at.and_then(view::parse_time) else {
        return Err(match at {
            Some(v) => format!("its date {} is not an RFC 3339 timestamp", show(v)),
            None => "it has no date".to_owned(),
        });
    };
    let age = view::age_days(ctx.now_ns, then);
    if age > max {
        return Err(format!(
            "it is {} days old (maximum {} days)",
            view::days(age),
            view::days(max)
        ));
    }
    Ok(())
}

/// One trace entry per `violation` message; one passing entry when the
/// control has violation rules and none fired.
pub(crate) fn violations(ctx: &Ctx<'_>, control: &ControlSpec) -> Vec<RequirementTrace> {
    let mut out = Vec::new();
    for violation in &control.violations {
        let entry = |status: Status,
                     message: String,
                     actual: Option<serde_json::Value>,
                     to_pass: Option<String>| RequirementTrace {
            id: "violation".to_owned(),
            kind: "violation".to_owned(),
            status,
            message,
            actual,
            expected: None,
            evidence: Vec::new(),
            policy: violation.location.clone(),
            waiver: None,
            to_pass,
            explanation: Vec::new(),
        };
        let result = ctx.rule(&violation.rule);
        let explanation = || {
            if ctx.explain {
                let rules: Vec<&str> = control
                    .applies_rule
                    .iter()
                    .map(String::as_str)
                    .chain([violation.rule.as_str()])
                    .collect();
                ctx.explain(&rules)
            } else {
                Vec::new()
            }
        };
        let start = out.len();
        match result {
            Ok(Some(Value::Set(messages))) => {
                for message in messages.iter() {
                    let text = message
                        .as_str()
                        .map(str::to_owned)
                        .or_else(|| view::str_at(message, &["msg"]).map(str::to_owned))
                        .unwrap_or_else(|| show(message));
                    let actual = (message.as_str().is_none()).then(|| message.to_json());
                    out.push(entry(
                        Status::Fail,
                        text.clone(),
                        actual,
                        Some(format!("resolve the violation: {text}")),
                    ));
                }
            }
            Ok(_) => {}
            Err(message) => out.push(entry(
                Status::Error,
                format!("evaluating the violation rule failed: {message}"),
                None,
                Some("fix the policy or the manifest so the rule can be evaluated".to_owned()),
            )),
        }
        if out.len() > start {
            let lines = explanation();
            for entry in out.iter_mut().skip(start) {
                entry.explanation.clone_from(&lines);
            }
        }
    }
    if out.is_empty()
        && let Some(first) = control.violations.first()
    {
        out.push(RequirementTrace {
            id: "violation".to_owned(),
            kind: "violation".to_owned(),
            status: Status::Pass,
            message: "no violations".to_owned(),
            actual: None,
            expected: None,
            evidence: Vec::new(),
            policy: first.location.clone(),
            waiver: None,
            to_pass: None,
            explanation: Vec::new(),
        });
    }
    out
}
