//! The `status` a release's audit writes to its `ModelRelease`.
//!
//! ```yaml
//! status:
//!   observedGeneration: 3
//!   conditions:            # Compliant, then Admitted
//!   - type: Compliant
//!     status: "False"      # "True", "False", or "Unknown" (not evaluable)
//!     reason: ControlsFailing
//!     message: "2 controls failing: C-VAL-01, C-MON-02"
//!     lastTransitionTime: ...
//!     observedGeneration: 3
//!   failingControls: [{id, severity, status, requirement, message, toPass}]
//!   waivers: [{id, control, requirement, expiresAt}]
//!   policyVersion: 3f2a…
//!   lastEvaluated: ...
//!   nextReview: ...        # when the result next changes, if within 90 days
//! ```
//!
//! Pure. A condition keeps its `lastTransitionTime` while its `status`
//! stays what the previous status said (Kubernetes condition semantics),
//! so re-auditing an unchanged release writes an identical status.
//! `failingControls` is bounded by [`MAX_FAILING_CONTROLS`]; the count of
//! the rest is `failingControlsOmitted`.

use riskgate_controls::format_time;
use riskgate_controls::trace::{ControlTrace, Decision, Status};
use serde_json::{Map, Value, json};

use super::evaluate::ReleaseAudit;
use crate::decide::{plural, truncate};

/// At most this many entries in `failingControls`.
pub const MAX_FAILING_CONTROLS: usize = 50;
/// Longest condition message.
const MAX_CONDITION_MESSAGE: usize = 1024;
/// Failing controls named in the `Compliant` message.
const NAMED_IN_MESSAGE: usize = 5;

/// The condition types, in the order they are written.
pub const COMPLIANT: &str = "Compliant";
/// See [`COMPLIANT`].
pub const ADMITTED: &str = "Admitted";

/// The structural OpenAPI schema of what [`status`] writes, for the
/// CRD's `status` (`cargo xtask crd`).
#[must_use]
pub fn schema() -> Value {
    let text = |description: &str| json!({"type": "string", "description": description});
    let time = |description: &str| json!({"type": "string", "format": "date-time", "description": description});
    let int = |description: &str| json!({"type": "integer", "format": "int64", "description": description});
    json!({
        "type": "object",
        "description": "Written by the riskgate audit; see docs/audit.md.",
        "properties": {
            "observedGeneration": int("The metadata.generation audited."),
            "conditions": {
                "type": "array",
                "description": "Compliant (every applicable control passes or is waived) and Admitted (admission would allow the release now).",
                "items": {
                    "type": "object",
                    "required": ["type", "status"],
                    "properties": {
                        "type": text("Compliant or Admitted."),
                        "status": {"type": "string", "enum": ["True", "False", "Unknown"]},
                        "reason": text("CamelCase reason."),
                        "message": text("What the audit found."),
                        "lastTransitionTime": time("When the status last changed."),
                        "observedGeneration": int("The metadata.generation audited."),
                    },
                },
                "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["type"],
            },
            "failingControls": {
                "type": "array",
                "description": "Controls that apply and neither pass nor are waived, by id (at most 50).",
                "items": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": text("Control id."),
                        "severity": text("low, medium, high or critical."),
                        "status": text("fail, insufficient_data or error."),
                        "requirement": text("The first requirement that does not pass."),
                        "message": text("What it found."),
                        "toPass": text("The minimal change that would make it pass."),
                    },
                },
            },
            "failingControlsOmitted": int("Failing controls beyond the first 50."),
            "waivers": {
                "type": "array",
                "description": "Waivers in force.",
                "items": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": text("Waiver id."),
                        "control": text("The control it covers."),
                        "requirement": text("The requirement it covers."),
                        "expiresAt": time("When it expires."),
                    },
                },
            },
            "policyVersion": text("Content hash of the policies and overlay audited against."),
            "lastEvaluated": time("The audit clock."),
            "nextReview": time("When the result next changes, if within 90 days: the next audit."),
        },
    })
}

/// The status subresource for `audit`, evaluated under `policy_version`.
#[must_use]
pub fn status(audit: &ReleaseAudit, policy_version: &str, now_ns: i64) -> Value {
    let now = format_time(now_ns);
    let failing: Vec<&ControlTrace> = audit.failing().collect();
    let mut out = Map::new();
    if let Some(generation) = audit.generation {
        out.insert("observedGeneration".into(), generation.into());
    }
    let conditions = [compliant(audit, &failing), admitted(audit)]
        .into_iter()
        .map(|(kind, state, reason, message)| {
            let since = previous_transition(audit, kind, state).unwrap_or_else(|| now.clone());
            let mut condition = Map::new();
            condition.insert("type".into(), kind.into());
            condition.insert("status".into(), state.into());
            condition.insert("reason".into(), reason.into());
            condition.insert(
                "message".into(),
                truncate(&message, MAX_CONDITION_MESSAGE).into(),
            );
            condition.insert("lastTransitionTime".into(), since.into());
            if let Some(generation) = audit.generation {
                condition.insert("observedGeneration".into(), generation.into());
            }
            Value::Object(condition)
        })
        .collect::<Vec<_>>();
    out.insert("conditions".into(), conditions.into());
    out.insert(
        "failingControls".into(),
        failing
            .iter()
            .take(MAX_FAILING_CONTROLS)
            .map(|control| failing_control(control))
            .collect::<Vec<_>>()
            .into(),
    );
    if failing.len() > MAX_FAILING_CONTROLS {
        out.insert(
            "failingControlsOmitted".into(),
            (failing.len() - MAX_FAILING_CONTROLS).into(),
        );
    }
    out.insert("waivers".into(), waivers(audit).into());
    out.insert("policyVersion".into(), policy_version.into());
    out.insert("lastEvaluated".into(), now.into());
    if let Some(next) = audit.next_change_ns {
        out.insert("nextReview".into(), format_time(next).into());
    }
    Value::Object(out)
}

/// `(type, status, reason, message)` of a condition.
type Condition = (&'static str, &'static str, &'static str, String);

fn compliant(audit: &ReleaseAudit, failing: &[&ControlTrace]) -> Condition {
    if audit.trace.decision == Decision::Error && failing.is_empty() {
        return (COMPLIANT, "Unknown", "EvaluationError", audit.problems());
    }
    if failing.is_empty() {
        let applied = audit
            .trace
            .controls
            .iter()
            .filter(|c| c.disabled.is_none() && c.status != Status::NotApplicable)
            .count();
        let waived = audit
            .trace
            .controls
            .iter()
            .filter(|c| c.status == Status::Waived)
            .count();
        let mut message = format!("all {applied} applicable controls pass");
        if waived > 0 {
            message.push_str(&format!(" ({waived} waived)"));
        }
        return (COMPLIANT, "True", "ControlsPass", message);
    }
    let mut named: Vec<String> = failing
        .iter()
        .take(NAMED_IN_MESSAGE)
        .map(|c| format!("{} ({})", c.id, c.status.as_str()))
        .collect();
    if failing.len() > NAMED_IN_MESSAGE {
        named.push(format!("and {} more", failing.len() - NAMED_IN_MESSAGE));
    }
    (
        COMPLIANT,
        "False",
        "ControlsFailing",
        format!(
            "{} failing: {}",
            plural(failing.len(), "control"),
            named.join(", ")
        ),
    )
}

fn admitted(audit: &ReleaseAudit) -> Condition {
    let naming = |what: &str| {
        let named = &audit.admission_controls;
        let mut ids: Vec<&str> = named
            .iter()
            .take(NAMED_IN_MESSAGE)
            .map(String::as_str)
            .collect();
        let more = named.len().saturating_sub(NAMED_IN_MESSAGE);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        if ids.is_empty() {
            ids.push("no control named");
        }
        format!("{what}: {}{more}", ids.join(", "))
    };
    match audit.admission {
        Decision::Pass => (
            ADMITTED,
            "True",
            "AdmissionAllows",
            "admission would allow it now".to_owned(),
        ),
        Decision::Warn => (
            ADMITTED,
            "True",
            "AdmissionWarns",
            naming("admission would allow it now, with warnings from"),
        ),
        Decision::Deny => (
            ADMITTED,
            "False",
            "AdmissionDenies",
            naming("admission would deny it now, denied by"),
        ),
        Decision::Error => (ADMITTED, "Unknown", "EvaluationError", audit.problems()),
    }
}

/// The previous condition's `lastTransitionTime` when its status is
/// still `state`.
fn previous_transition(audit: &ReleaseAudit, kind: &str, state: &str) -> Option<String> {
    find_condition(audit.previous_status.as_ref(), kind)
        .filter(|c| c.get("status").and_then(Value::as_str) == Some(state))
        .and_then(|c| c.get("lastTransitionTime"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The condition of type `kind` in a status, if it has one.
#[must_use]
pub fn find_condition<'a>(status: Option<&'a Value>, kind: &str) -> Option<&'a Value> {
    status?
        .get("conditions")?
        .as_array()?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(kind))
}

fn failing_control(control: &ControlTrace) -> Value {
    let mut entry = Map::new();
    entry.insert("id".into(), control.id.clone().into());
    entry.insert("severity".into(), control.severity.clone().into());
    entry.insert("status".into(), control.status.as_str().into());
    if let Some(requirement) = control.requirements.iter().find(|r| r.status.is_failing()) {
        entry.insert("requirement".into(), requirement.id.clone().into());
        entry.insert("message".into(), requirement.message.clone().into());
        if let Some(to_pass) = &requirement.to_pass {
            entry.insert("toPass".into(), to_pass.clone().into());
        }
    } else {
        entry.insert("message".into(), control.title.clone().into());
    }
    Value::Object(entry)
}

/// The waivers in force, once each, by control then id.
fn waivers(audit: &ReleaseAudit) -> Vec<Value> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for control in &audit.trace.controls {
        for requirement in &control.requirements {
            let Some(waiver) = &requirement.waiver else {
                continue;
            };
            if requirement.status != Status::Waived || !seen.insert((&control.id, &waiver.id)) {
                continue;
            }
            out.push(json!({
                "id": waiver.id,
                "control": control.id,
                "requirement": requirement.id,
                "expiresAt": waiver.expires_at,
            }));
        }
    }
    out
}
