//! The decision trace: riskgate's core output, one explanation object per
//! run, rendered by every output format.
//!
//! Invariants: the trace is plain data (public fields), ordered
//! deterministically (manifests in input order, controls by id, requirements
//! in declaration order), and versioned by [`TRACE_VERSION`]: fields may be
//! added within a version, never renamed or removed. The same inputs and
//! clock give a byte-identical trace.

use serde::{Deserialize, Serialize};

/// The version of the trace format.
pub const TRACE_VERSION: u32 = 1;

/// The result of checking a set of manifests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// Always [`TRACE_VERSION`].
    pub trace_version: u32,
    /// The riskgate version that produced the trace.
    pub riskgate_version: String,
    /// The evaluation clock, RFC 3339 (UTC).
    pub evaluated_at: String,
    /// Which enforcement point the decision is for.
    pub enforcement_point: EnforcementPoint,
    /// Where the policies came from (`embedded stdlib` or paths).
    pub policy_source: String,
    /// Counts over all manifests.
    pub summary: Summary,
    /// One entry per manifest document, in input order.
    pub manifests: Vec<ManifestTrace>,
}

/// Totals for a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Manifests evaluated or attempted.
    pub manifests: usize,
    /// Manifests denied.
    pub deny: usize,
    /// Manifests passing with warnings.
    pub warn: usize,
    /// Manifests passing.
    pub pass: usize,
    /// Manifests that could not be loaded or evaluated.
    pub error: usize,
}

impl Summary {
    /// Counts one more manifest with `decision`.
    pub fn record(&mut self, decision: Decision) {
        self.manifests += 1;
        match decision {
            Decision::Pass => self.pass += 1,
            Decision::Warn => self.warn += 1,
            Decision::Deny => self.deny += 1,
            Decision::Error => self.error += 1,
        }
    }
}

/// Enforcement points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnforcementPoint {
    /// A CI check before release.
    Ci,
    /// Kubernetes admission.
    Admission,
    /// Periodic audit of what is deployed.
    Audit,
}

impl EnforcementPoint {
    /// Every point, in order.
    pub const ALL: [EnforcementPoint; 3] = [Self::Ci, Self::Admission, Self::Audit];

    /// The name as written in policies and on the command line.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ci => "ci",
            Self::Admission => "admission",
            Self::Audit => "audit",
        }
    }
}

/// What a failing control does at an enforcement point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Block the release.
    Deny,
    /// Let it pass with a warning.
    Warn,
    /// Only record the result.
    Record,
}

impl Action {
    /// The name as written in policies.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Deny => "deny",
            Self::Warn => "warn",
            Self::Record => "record",
        }
    }
}

/// The decision for one manifest at one enforcement point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// No blocking finding.
    Pass,
    /// Passes, with warnings.
    Warn,
    /// Blocked.
    Deny,
    /// Could not be decided (load or evaluation error).
    Error,
}

impl Decision {
    /// The name as written in reports.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Warn => "warn",
            Self::Deny => "deny",
            Self::Error => "error",
        }
    }
}

/// Status of a requirement or control, ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The requirement does not apply to this release.
    NotApplicable,
    /// Satisfied.
    Pass,
    /// Not satisfied, but covered by a valid waiver. Never reported as pass.
    Waived,
    /// Evidence exists but has too few observations.
    InsufficientData,
    /// Not satisfied.
    Fail,
    /// Could not be evaluated.
    Error,
}

impl Status {
    /// The name as written in reports.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NotApplicable => "not_applicable",
            Self::Pass => "pass",
            Self::Waived => "waived",
            Self::InsufficientData => "insufficient_data",
            Self::Fail => "fail",
            Self::Error => "error",
        }
    }

    /// Whether this status triggers the control's enforcement action.
    #[must_use]
    pub const fn is_failing(self) -> bool {
        matches!(self, Self::InsufficientData | Self::Fail | Self::Error)
    }
}

/// A place in a source file (manifest or policy), 1-based.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// The file as named on the command line (or `<stdlib>/...`).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// A diagnostic (load error, warning) attached to a manifest, in plain data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Stable code, e.g. `E2001`.
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    /// The message.
    pub message: String,
    /// Where, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// JSON pointer into the manifest, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// Everything decided about one manifest document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestTrace {
    /// The file as named on the command line (`-` for stdin).
    pub file: String,
    /// 0-based document index within the file.
    pub document: usize,
    /// `metadata.name`, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `metadata.namespace`, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The decision at the run's enforcement point.
    pub decision: Decision,
    /// Load errors and warnings (an error means no controls were evaluated).
    pub problems: Vec<Problem>,
    /// Every control, applicable or not, ordered by id.
    pub controls: Vec<ControlTrace>,
    /// Waivers that were present but invalid, and other findings not tied
    /// to one requirement.
    pub findings: Vec<Finding>,
    /// What passes (or is waived) now and stops passing within the
    /// `--warn-within` window, by day, control and requirement; empty (and
    /// absent from JSON) unless a window was asked for. Filled by
    /// [`crate::expiring::expiring`], never by the check itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expiring: Vec<Expiring>,
}

/// A requirement (or a control without requirements) that passes or is
/// waived at the check's clock and stops passing within the warning
/// window, if nothing is done: the forecast's first failing [`Change`] of
/// it (`from` is `pass` or `waived`, `to` a failing status other than
/// `error`, `day` at least 1), and its sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expiring {
    /// The change, its fields inline in JSON.
    #[serde(flatten)]
    pub change: Change,
    /// The one-line sentence `riskgate check` prints and the webhook sends
    /// as an admission warning ([`crate::expiring::sentence`]).
    pub warning: String,
}

/// One change of a requirement's status (or of a control without
/// requirements).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Days from the evaluation clock.
    pub day: u32,
    /// The clock at that day, RFC 3339.
    pub at: String,
    /// Control id.
    pub control: String,
    /// Requirement id (`None` for a control-level change).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    /// Status the day before.
    pub from: Status,
    /// Status from that day.
    pub to: Status,
    /// What the evaluation says on that day.
    pub message: String,
    /// The minimal change that would make it pass, when failing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_pass: Option<String>,
}

/// One control's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlTrace {
    /// Control id, e.g. `C-FAIR-01`.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// Risk ids it mitigates.
    pub risks: Vec<String>,
    /// `low`, `medium`, `high` or `critical`.
    pub severity: String,
    /// Worst requirement status.
    pub status: Status,
    /// The action at this enforcement point.
    pub action: Action,
    /// Where the control is declared.
    pub policy: Location,
    /// Set when an overlay disabled the control (then `status` is
    /// `not_applicable`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<String>,
    /// Requirement results, in declaration order (violations last).
    pub requirements: Vec<RequirementTrace>,
}

/// One requirement's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequirementTrace {
    /// Requirement id (`violation` for free-form violations).
    pub id: String,
    /// `test`, `monitor`, `approval`, `document`, `field` or `violation`.
    pub kind: String,
    /// The outcome.
    pub status: Status,
    /// One line saying what was found.
    pub message: String,
    /// The value found, when there is one (omitted with `--redact`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<serde_json::Value>,
    /// What was required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Expected>,
    /// Manifest evidence consulted.
    pub evidence: Vec<Evidence>,
    /// Where the requirement is declared.
    pub policy: Location,
    /// The waiver that covers it, when `status` is `waived`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverCitation>,
    /// The minimal change that would make it pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_pass: Option<String>,
    /// With `--explain full`, for a failing requirement whose value comes
    /// from policy rules (`applies`, `when`, a derived `value`, a dynamic
    /// threshold, violations): how those rules evaluated, one line per
    /// trace event. Empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub explanation: Vec<String>,
}

/// A required comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expected {
    /// The operator, e.g. `>=`.
    pub op: String,
    /// The threshold after tier resolution.
    pub threshold: serde_json::Value,
}

/// A piece of manifest evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// JSON pointer, e.g. `/spec/evaluations/0/metrics/2/value`.
    pub pointer: String,
    /// Where the pointer lands in the manifest file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The value there (omitted with `--redact`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    /// Where the evaluation or document holding the value was imported
    /// from (its `source`, written by `riskgate import`), when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<serde_json::Value>,
}

/// A waiver applied to a requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverCitation {
    /// The waiver id.
    pub id: String,
    /// Its expiry, RFC 3339.
    pub expires_at: String,
    /// The compensating controls re-checked for it: each an id, or what a
    /// compensating measure requires (`requests_per_minute at most 20`).
    pub compensating_controls: Vec<String>,
    /// Where the waiver is in the manifest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// A finding not tied to one requirement (e.g. an invalid waiver).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code, e.g. `W3001`.
    pub code: String,
    /// The message.
    pub message: String,
    /// Where in the manifest, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// JSON pointer, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

/// Hand-built traces for unit tests of what reads traces (forecasts,
/// expiry warnings).
#[cfg(test)]
pub(crate) mod fixtures {
    use super::{
        Action, ControlTrace, Decision, Location, ManifestTrace, RequirementTrace, Status,
    };

    fn here() -> Location {
        Location {
            file: "p.gate".into(),
            line: 1,
            col: 1,
        }
    }

    /// A requirement of `kind` with `status`, `message` and a to-pass hint.
    pub fn requirement(
        id: &str,
        kind: &str,
        status: Status,
        message: String,
        to_pass: Option<String>,
    ) -> RequirementTrace {
        RequirementTrace {
            id: id.to_owned(),
            kind: kind.to_owned(),
            status,
            message,
            actual: None,
            expected: None,
            evidence: vec![],
            policy: here(),
            waiver: None,
            to_pass,
            explanation: vec![],
        }
    }

    /// A release with one control, `id` (high severity, action deny),
    /// holding `requirements`.
    pub fn one_control(
        id: &str,
        title: &str,
        status: Status,
        decision: Decision,
        requirements: Vec<RequirementTrace>,
    ) -> ManifestTrace {
        ManifestTrace {
            file: "m.yaml".into(),
            document: 0,
            name: None,
            namespace: None,
            decision,
            problems: vec![],
            controls: vec![ControlTrace {
                id: id.to_owned(),
                title: title.to_owned(),
                risks: vec![],
                severity: "high".into(),
                status,
                action: Action::Deny,
                policy: here(),
                disabled: None,
                requirements,
            }],
            findings: vec![],
            expiring: vec![],
        }
    }
}
