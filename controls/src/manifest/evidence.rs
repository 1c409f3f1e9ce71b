//! Evidence sections of the manifest: evaluations, validation, monitors,
//! approvals, documents and waivers.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::shared::{DatasetRef, Person, RiskLevel};
use super::timestamp::Timestamp;

/// One test run and the metrics it produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Evaluation {
    /// Id of the run, e.g. `fairness-2026q3`.
    pub id: String,
    /// Test suite, e.g. `performance`, `fairness`, `red_team`.
    pub suite: Option<String>,
    /// The dataset the run used.
    pub dataset: Option<DatasetRef>,
    /// When the run finished.
    pub run_at: Option<Timestamp>,
    /// Digest of the artifact that was tested; must equal
    /// `identity.artifact.digest`.
    pub artifact_digest: Option<String>,
    /// Reference to the full report.
    pub report_ref: Option<String>,
    /// Content digest of the report (`sha256:...`); `--verify-evidence`
    /// compares it with the file.
    pub report_digest: Option<String>,
    /// The metrics reported.
    #[serde(default)]
    pub metrics: Vec<Metric>,
    /// Where the run was imported from (`riskgate import`).
    pub source: Option<EvidenceSource>,
}

/// A reported metric, overall and per slice (cohort).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Metric {
    /// Metric name as the catalogue spells it, e.g. `adverse_impact_ratio`.
    pub name: String,
    /// The overall (un-sliced) value.
    pub value: MetricValue,
    /// Number of observations behind the overall value.
    pub n: Option<u64>,
    /// Values per slice.
    #[serde(default)]
    pub slices: Vec<Slice>,
}

/// A metric value for one slice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Slice {
    /// Slice name, `attribute=value` (e.g. `sex=female`).
    pub name: String,
    /// The value for the slice.
    pub value: MetricValue,
    /// Number of observations in the slice; below a test's `min_n` the
    /// slice is `insufficient_data`.
    pub n: Option<u64>,
}

/// A metric value: a number, a boolean, a string, a list of strings or a
/// list of numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum MetricValue {
    /// A boolean (e.g. `uncertainty_or_limitations_shown_in_ui`).
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string (e.g. a rating).
    Text(String),
    /// A list of strings (e.g. covered scopes).
    List(Vec<String>),
    /// A list of numbers (e.g. a band `[0.8, 1.25]` for an alert
    /// threshold, or a value per bin).
    Numbers(Vec<f64>),
}

/// Independent validation (C-GOV-04, C-GOV-05).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Validation {
    /// Who validated.
    pub validator: Option<Person>,
    /// What the validation covered, e.g. `conceptual_soundness`,
    /// `ongoing_monitoring_plan`, `outcomes_analysis`.
    #[serde(default)]
    pub scope: Vec<String>,
    /// Reference to the validation report.
    pub report_ref: Option<String>,
    /// Content digest of the validation report (`sha256:...`).
    pub report_digest: Option<String>,
    /// Findings raised by validation or audit.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// Overall rating, e.g. `satisfactory`, `satisfactory_with_findings`,
    /// `unsatisfactory`.
    pub rating: Option<String>,
    /// When the validation was completed.
    pub completed_at: Option<Timestamp>,
    /// Digest of the artifact that was validated.
    pub artifact_digest: Option<String>,
}

/// A validation or audit finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// Finding id.
    pub id: String,
    /// Short description.
    pub title: Option<String>,
    /// Severity.
    pub severity: Option<RiskLevel>,
    /// Status.
    pub status: Option<FindingStatus>,
    /// Remediation deadline.
    pub due_at: Option<Timestamp>,
    /// Reference to the remediation plan.
    pub remediation_ref: Option<String>,
}

/// Status of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// Raised, no remediation under way.
    Open,
    /// Remediation under way; still counts as open.
    Remediating,
    /// Closed.
    Closed,
}

/// A production monitor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Monitor {
    /// Monitor id.
    pub id: String,
    /// Catalogue signal it implements, e.g. `score_drift`.
    pub signal: Option<String>,
    /// Metric it watches, e.g. `psi_score`.
    pub metric: Option<String>,
    /// Alert comparison, e.g. `>=`, `<`, `outside_band`.
    pub alert_op: Option<String>,
    /// Alert threshold.
    pub alert_threshold: Option<MetricValue>,
    /// How often it runs: `1m`, `hourly`, `daily`, `weekly`, `monthly`, `quarterly`.
    pub cadence: Option<String>,
    /// Who responds to alerts.
    pub owner: Option<String>,
    /// Where alerts go.
    pub channel: Option<String>,
    /// Last successful run (heartbeat).
    pub last_run_at: Option<Timestamp>,
}

/// A role-bound release decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Approval {
    /// Role from the catalogue vocabulary (`model_owner`, `model_validator`,
    /// `risk_officer`, ...); organisations may add their own.
    pub role: String,
    /// Who decided.
    pub by: Option<Person>,
    /// When.
    pub at: Option<Timestamp>,
    /// The decision.
    pub decision: Decision,
    /// Digest of the artifact approved; must equal `identity.artifact.digest`.
    pub artifact_digest: Option<String>,
    /// Comment.
    pub comment: Option<String>,
    /// Reference to the signed approval record.
    pub signature_ref: Option<String>,
}

/// An approval decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Approve the release.
    Approve,
    /// Reject the release.
    Reject,
}

/// A versioned document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Document {
    /// Document type from the catalogue vocabulary (`model_card`,
    /// `validation_report`, ...); organisations may add their own.
    pub kind: String,
    /// Where it is.
    pub uri: Option<String>,
    /// Content digest.
    pub digest: Option<String>,
    /// Document version.
    pub version: Option<String>,
    /// When it was approved.
    pub approved_at: Option<Timestamp>,
    /// Where the document was imported from (`riskgate import`).
    pub source: Option<EvidenceSource>,
}

/// A time-bound exception to one or more controls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Waiver {
    /// Waiver id.
    pub id: String,
    /// Control ids it covers, e.g. `C-SEC-01`.
    #[serde(default)]
    pub controls: Vec<String>,
    /// Requirement ids it narrows to (all requirements when empty).
    #[serde(default)]
    pub requirements: Vec<String>,
    /// Where it applies.
    pub scope: Option<WaiverScope>,
    /// Why the exception is needed.
    pub justification: Option<String>,
    /// Reference to the signed risk acceptance.
    pub risk_acceptance: Option<String>,
    /// Residual risk; decides the approver roles and maximum duration.
    pub residual_risk: Option<RiskLevel>,
    /// Machine-checkable mitigations, re-checked at every evaluation: a
    /// control id or a monitor id, a monitor alerting at a stated
    /// threshold or stricter, a cap on a deployment limit, or a human
    /// review rate. If one does not hold, the waiver is void.
    #[serde(default)]
    pub compensating_controls: Vec<CompensatingControl>,
    /// Conditions attached to the waiver.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// Who asked for it.
    pub requested_by: Option<Person>,
    /// Who approved it, in which role.
    #[serde(default)]
    pub approved_by: Vec<WaiverApprover>,
    /// How many distinct people the decision needed (e.g. a committee's
    /// quorum); riskgate requires at least this many approvers, and at
    /// least the waiver policy's minimum for the residual risk.
    #[schemars(range(min = 1))]
    pub quorum: Option<u32>,
    /// When it was issued.
    pub issued_at: Option<Timestamp>,
    /// When it expires; waivers must expire.
    pub expires_at: Option<Timestamp>,
    /// Reference to the remediation plan.
    pub remediation_ref: Option<String>,
    /// Id of the waiver this one renews, if any.
    pub renewal_of: Option<String>,
}

/// A mitigation a waiver relies on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum CompensatingControl {
    /// A declared control (which must pass) or a monitor id from
    /// `spec.monitors` (which must have run within twice its cadence).
    Id(String),
    /// A monitor alerting at a threshold, a limit or a review rate.
    Measure(CompensatingMeasure),
}

/// A compensating measure the release's own facts must show: exactly one
/// of `monitor` (with `alert_op` and `alert_threshold`), `limit` (with
/// `at_most`) or `human_review_rate`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct CompensatingMeasure {
    /// A monitor from `spec.monitors` that must be running and alert at
    /// `alert_op alert_threshold` or stricter.
    pub monitor: Option<String>,
    /// The alert comparison approved: `>`, `>=`, `<` or `<=`.
    pub alert_op: Option<String>,
    /// The alert threshold approved.
    pub alert_threshold: Option<f64>,
    /// A limit under `spec.deployment.limits` that must be set to
    /// `at_most` or lower.
    pub limit: Option<CappedLimit>,
    /// The most the limit may allow.
    #[schemars(range(min = 0))]
    pub at_most: Option<f64>,
    /// The least share of decisions sampled for human review
    /// (`spec.oversight.review_sample_rate`), 0 to 1.
    #[schemars(range(min = 0, max = 1))]
    pub human_review_rate: Option<f64>,
    /// What the measure is, for readers and reports.
    pub description: Option<String>,
}

/// A deployment limit a compensating measure can cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CappedLimit {
    /// `limits.rate_limit.requests_per_minute`.
    RequestsPerMinute,
    /// `limits.rate_limit.requests_per_day`.
    RequestsPerDay,
    /// `limits.rate_limit.requests_per_session`.
    RequestsPerSession,
    /// `limits.max_tokens_per_request`.
    MaxTokensPerRequest,
    /// `limits.max_autonomous_steps`.
    MaxAutonomousSteps,
    /// `limits.budget_per_day`.
    BudgetPerDay,
}

/// Where a waiver applies (catalogue `waiver_policy.scope_fields`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct WaiverScope {
    /// Model id or release name.
    pub model: Option<String>,
    /// Version range (e.g. `>=2.0.0 <2.1.0`) or artifact digest.
    pub version_range_or_digest: Option<String>,
    /// Environments, e.g. `production`.
    #[serde(default)]
    pub environments: Vec<String>,
    /// Cohorts (slices), e.g. `language=fr`.
    #[serde(default)]
    pub cohorts: Vec<String>,
}

/// An approver of a waiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WaiverApprover {
    /// Display name.
    pub name: Option<String>,
    /// E-mail address; identifies the principal.
    pub email: Option<String>,
    /// Role in which they approved, e.g. `risk_officer`.
    pub role: String,
    /// When.
    pub at: Option<Timestamp>,
    /// Reference to the signed sign-off (a DSSE envelope); required with
    /// `--require-signed-approvals`.
    pub signature_ref: Option<String>,
}

/// Provenance of imported evidence: which tool's output it came from,
/// where, and when, so a reviewer can trace a value back to its origin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EvidenceSource {
    /// The format imported: `model_card`, `cyclonedx`, `lm_eval`,
    /// `mapped` or `mlflow`.
    pub kind: String,
    /// Where the evidence lives, e.g. an MLflow run URL.
    pub uri: Option<String>,
    /// The file read, as named on the command line.
    pub file: Option<String>,
    /// Tracking-server run id (MLflow).
    pub run_id: Option<String>,
    /// `sha256:` digest of the source file or response the values were read from.
    pub digest: Option<String>,
    /// When the import ran.
    pub imported_at: Option<Timestamp>,
}
