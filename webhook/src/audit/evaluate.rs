//! One release, audited: its evaluation at the `audit` enforcement point,
//! the decision admission would take now, and the next instant at which
//! either changes.
//!
//! Pure: the clock is an input. Both evaluations go through
//! [`PolicySet::check_loaded`](riskgate_controls::PolicySet::check_loaded),
//! the code path of `riskgate check` and of the webhook, so a release's
//! results (waiver expiry included) are the same at the same clock
//! wherever it is checked.
//!
//! Compliance is stricter than any decision: a release is compliant when
//! every control that applies passes or is waived, whatever the control's
//! action (at the audit point the default action only records).

use kube::core::DynamicObject;
use riskgate_controls::trace::{Action, Decision, EnforcementPoint, ManifestTrace};
use riskgate_controls::{CheckOptions, forecast, manifest, portfolio};

use crate::Policies;
use crate::decide;

/// How far ahead the next change is looked for; a release with none
/// within it is looked at again at the horizon.
pub const REVIEW_HORIZON_DAYS: u32 = 90;

/// The audit of one release.
#[derive(Debug, Clone)]
pub struct ReleaseAudit {
    /// `metadata.namespace` (empty when the object has none).
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.uid`, for owner references and events.
    pub uid: Option<String>,
    /// `metadata.generation`, reported as `observedGeneration`.
    pub generation: Option<i64>,
    /// `spec.classification.risk_tier`, for metrics.
    pub tier: Option<String>,
    /// The evaluation at the `audit` point.
    pub trace: ManifestTrace,
    /// What admission would decide at the same clock.
    pub admission: Decision,
    /// The controls behind that decision: those denying it when it is
    /// `deny`, those warning when it is `warn`; by id.
    pub admission_controls: Vec<String>,
    /// The next clock (ns) at which the audit or admission result changes,
    /// within [`REVIEW_HORIZON_DAYS`].
    pub next_change_ns: Option<i64>,
    /// The status the object carried before this audit.
    pub previous_status: Option<serde_json::Value>,
}

impl ReleaseAudit {
    /// `namespace/name`.
    #[must_use]
    pub fn key(&self) -> String {
        if self.namespace.is_empty() {
            self.name.clone()
        } else {
            format!("{}/{}", self.namespace, self.name)
        }
    }

    /// Whether every applicable control passes or is waived (and the
    /// release could be evaluated at all).
    #[must_use]
    pub fn compliant(&self) -> bool {
        self.trace.decision != Decision::Error && self.failing().next().is_none()
    }

    /// The load and evaluation errors, as one line for a message.
    #[must_use]
    pub fn problems(&self) -> String {
        let errors: Vec<String> = self
            .trace
            .problems
            .iter()
            .filter(|p| p.severity == "error")
            .map(|p| format!("{}: {}", p.code, p.message))
            .collect();
        if errors.is_empty() {
            "the release could not be evaluated".to_owned()
        } else {
            format!("the release could not be evaluated: {}", errors.join("; "))
        }
    }

    /// The controls that apply and neither pass nor are waived, by id.
    pub fn failing(&self) -> impl Iterator<Item = &riskgate_controls::trace::ControlTrace> {
        self.trace
            .controls
            .iter()
            .filter(|control| control.disabled.is_none() && control.status.is_failing())
    }
}

/// Audits `object` at `now_ns` against `policies`.
#[must_use]
pub fn audit_release(
    object: &DynamicObject,
    policies: &Policies,
    evidence: Option<&riskgate_controls::trust::EvidenceOptions>,
    now_ns: i64,
) -> ReleaseAudit {
    let namespace = object.metadata.namespace.clone().unwrap_or_default();
    let name = object.metadata.name.clone().unwrap_or_default();
    let release = decide::release(object);
    let loaded = manifest::load_manifest_value(&source_name(object), &release);
    let check = |point: EnforcementPoint, clock: i64| {
        let mut options = CheckOptions::new(point, clock);
        options.data = policies.overlay.clone();
        options.evidence = evidence.cloned();
        policies.set.check_loaded(&loaded, "", &options)
    };
    let trace = check(EnforcementPoint::Audit, now_ns);
    let admission_today = check(EnforcementPoint::Admission, now_ns);
    let instants = loaded
        .raw
        .as_ref()
        .map(portfolio::known_instants)
        .unwrap_or_default();
    // One search over both: the audit's statuses with admission's
    // decision (a policy may read `riskgate.context.enforcement_point`, so
    // the two can differ by more than their actions).
    let both = |at: i64| {
        let mut audit = check(EnforcementPoint::Audit, at);
        audit.decision = check(EnforcementPoint::Admission, at).decision;
        audit
    };
    let mut today = trace.clone();
    today.decision = admission_today.decision;
    let next_change_ns =
        forecast::next_change(now_ns, REVIEW_HORIZON_DAYS, &instants, &today, both);
    ReleaseAudit {
        namespace,
        name,
        uid: object.metadata.uid.clone(),
        generation: object.metadata.generation,
        tier: object
            .data
            .pointer("/spec/classification/risk_tier")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
        admission: admission_today.decision,
        admission_controls: deciding_controls(&admission_today),
        trace,
        next_change_ns,
        previous_status: object.data.get("status").cloned(),
    }
}

/// The name a cluster release's trace and report cite:
/// `cluster:NAMESPACE/NAME`.
#[must_use]
pub fn source_name(object: &DynamicObject) -> String {
    format!(
        "cluster:{}/{}",
        object.metadata.namespace.as_deref().unwrap_or_default(),
        object.metadata.name.as_deref().unwrap_or_default()
    )
}

/// The failing controls whose action made the decision.
fn deciding_controls(trace: &ManifestTrace) -> Vec<String> {
    let action = match trace.decision {
        Decision::Deny => Action::Deny,
        Decision::Warn => Action::Warn,
        Decision::Pass | Decision::Error => return Vec::new(),
    };
    trace
        .controls
        .iter()
        .filter(|c| c.disabled.is_none() && c.status.is_failing() && c.action == action)
        .map(|c| c.id.clone())
        .collect()
}
