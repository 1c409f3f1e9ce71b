//! Operational sections of the manifest: deployment, rollback, oversight,
//! logging, privacy, supply chain, tools, impact assessment, incident
//! readiness and change.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::shared::{Capability, OneOrMany, Person};
use super::timestamp::Timestamp;

/// Where and how the release is served.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Deployment {
    /// Target environment, e.g. `production`.
    pub environment: Option<String>,
    /// Region, e.g. `eu-west-1`.
    pub region: Option<String>,
    /// Service-level objectives (C-REL-04).
    pub slos: Option<Slos>,
    /// Limits (C-REL-04).
    pub limits: Option<Limits>,
}

/// Service-level objectives.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Slos {
    /// 95th percentile latency objective in milliseconds.
    #[schemars(range(min = 0))]
    pub p95_latency_ms: Option<f64>,
    /// Maximum error rate, 0 to 1.
    #[schemars(range(min = 0, max = 1))]
    pub error_rate: Option<f64>,
    /// Availability objective, 0 to 1.
    #[schemars(range(min = 0, max = 1))]
    pub availability: Option<f64>,
}

/// Serving limits.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Limits {
    /// Request rate limit.
    pub rate_limit: Option<RateLimit>,
    /// Maximum output tokens per request (LLMs).
    pub max_tokens_per_request: Option<u64>,
    /// Spend budget per day, in the organisation's currency.
    #[schemars(range(min = 0))]
    pub budget_per_day: Option<f64>,
    /// Maximum autonomous steps per task (agents).
    pub max_autonomous_steps: Option<u64>,
}

/// A request rate limit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct RateLimit {
    /// Requests allowed per minute.
    pub requests_per_minute: Option<u64>,
    /// Requests allowed per day.
    pub requests_per_day: Option<u64>,
    /// Requests allowed per session (conversation).
    pub requests_per_session: Option<u64>,
    /// Who the limit applies to: `per_user`, `per_client` or `global`.
    pub scope: Option<String>,
}

/// How to go back to the previous release (C-GOV-07).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Rollback {
    /// Version to roll back to.
    pub previous_version: Option<String>,
    /// Its artifact digest.
    pub previous_artifact_digest: Option<String>,
    /// Reference to the rollback procedure.
    pub procedure_ref: Option<String>,
    /// Whether a kill switch can stop the model without a deployment.
    pub kill_switch: Option<Capability>,
    /// When rollback was last drilled.
    pub last_drill_at: Option<Timestamp>,
}

/// Human oversight design (C-GOV-08).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Oversight {
    /// `human_in_the_loop`, `human_on_the_loop` or `human_out_of_the_loop`.
    pub mode: Option<String>,
    /// Role of the reviewers.
    pub reviewer_role: Option<String>,
    /// Share of decisions sampled for human review, 0 to 1.
    #[schemars(range(min = 0, max = 1))]
    pub review_sample_rate: Option<f64>,
    /// Whether a human can override an individual output.
    pub override_capability: Option<Capability>,
    /// Whether a human can stop the system.
    pub stop_capability: Option<Capability>,
}

/// Decision logging (C-TRN-04).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Logging {
    /// Where logs go.
    pub sink: Option<String>,
    /// Fields logged per decision, e.g. `timestamp`, `release_version`,
    /// `artifact_digest`, `trace_id`.
    #[serde(default)]
    pub fields: Vec<String>,
    /// How long logs are kept, in days.
    pub retention_days: Option<u32>,
}

/// Personal-data processing (C-PRIV-03).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Privacy {
    /// GDPR Art. 6 lawful basis, e.g. `contract`, `legitimate_interest`.
    pub lawful_basis: Option<String>,
    /// Reference to the DPIA.
    pub dpia_ref: Option<String>,
    /// How long personal data is kept, in days.
    pub retention_days: Option<u32>,
    /// Whether special-category data (GDPR Art. 9) is processed.
    pub special_category_data: Option<bool>,
}

/// Third-party components and the AI bill of materials.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct SupplyChain {
    /// Reference to the AI-BOM (CycloneDX ML-BOM or SPDX 3).
    pub aibom_ref: Option<String>,
    /// Components: base models, libraries, vendor APIs.
    #[serde(default)]
    pub components: Vec<Component>,
}

/// A third-party component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Component {
    /// Component name.
    pub name: String,
    /// Who supplies it.
    pub supplier: Option<String>,
    /// Pinned version.
    pub version: Option<String>,
    /// Content digest.
    pub digest: Option<String>,
    /// Licence (SPDX id or reference).
    pub license: Option<String>,
    /// Reference to the vendor assessment (C-GOV-09).
    pub vendor_assessment_ref: Option<String>,
    /// What it is: `base_model`, `library`, `vendor_api`, `prompt`,
    /// `guardrail`, `retrieval_index`, ... Prompts, guardrails and
    /// retrieval indexes are pinned like any component (C-SEC-05
    /// `unpinned_components`).
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// A tool an agent can call (C-SEC-04).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Tool {
    /// Tool name.
    pub name: String,
    /// Permissions granted, e.g. `tickets:read`.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// What calling it can change.
    pub side_effects: Option<SideEffects>,
    /// Whether each call needs human confirmation.
    pub requires_confirmation: Option<bool>,
}

/// What a tool call can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SideEffects {
    /// Nothing; pure computation.
    None,
    /// Reads data only.
    Read,
    /// Writes that can be undone (drafts, tickets).
    ReversibleWrite,
    /// Writes that cannot be undone (e-mails sent, records deleted).
    IrreversibleWrite,
    /// Moves money.
    Financial,
}

/// AI impact assessment (C-GOV-11).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ImpactAssessment {
    /// Kind: `aiia`, `fria` or `dpia`, or a list when one assessment
    /// covers several (`[fria, dpia]`).
    #[serde(rename = "type")]
    pub kind: Option<OneOrMany<String>>,
    /// Reference to the assessment.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// When it was completed.
    pub completed_at: Option<Timestamp>,
}

/// Incident readiness (C-GOV-10).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Incident {
    /// On-call rota or team.
    pub on_call: Option<String>,
    /// Reference to the incident runbook.
    pub runbook_ref: Option<String>,
    /// Regulatory reporting clocks, name to days (`eu_serious_incident:
    /// 15`) or a duration in hours or days (`dora_initial: 4h`,
    /// `eu_death: 10d`).
    #[serde(default)]
    pub reporting_clocks: BTreeMap<String, ReportingClock>,
}

/// How long a reporting clock runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ReportingClock {
    /// Whole days.
    Days(u32),
    /// Hours or days with a unit: `4h`, `72h`, `15d`.
    Duration(#[schemars(regex(pattern = r"^[0-9]+(\.[0-9]+)?[hd]$"))] String),
}

/// What changed since the previous version (C-GOV-06).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Change {
    /// `new_model`, `retrain`, `feature_change`, `prompt_change`, `config`, ...
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Whether the change is material (requires re-validation).
    pub material: Option<bool>,
    /// What changed.
    pub summary: Option<String>,
    /// The version this one replaces.
    pub previous_version: Option<String>,
    /// Who submitted the release; may not approve it (SOD-1).
    pub submitted_by: Option<Person>,
}
