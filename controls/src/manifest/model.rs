//! The typed release manifest: the top level, `metadata`, and the `spec`
//! sections describing what the model is and who owns it.
//!
//! Field names follow the controls catalogue (`requires_fields`), which is
//! authoritative; see `docs/manifest.md`. Almost every field is optional so
//! that a missing piece of evidence is reported by the control that needs
//! it, with the control's explanation, rather than as a load error.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::evidence::{Approval, Document, Evaluation, Monitor, Validation, Waiver};
use super::operations::{
    Change, Deployment, ImpactAssessment, Incident, Logging, Oversight, Privacy, Rollback,
    SupplyChain, Tool,
};
use super::shared::{Person, RiskLevel};
use super::timestamp::Timestamp;

/// The only `apiVersion` this release of riskgate reads.
pub const API_VERSION: &str = "riskgate.dev/v1alpha1";
/// The only `kind` of document riskgate evaluates.
pub const KIND: &str = "ModelRelease";

/// A release manifest: one version of one model, with the evidence that it
/// may be released.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "ModelRelease")]
pub struct ModelRelease {
    /// Schema version of the manifest; always `riskgate.dev/v1alpha1`.
    #[serde(rename = "apiVersion")]
    pub api_version: ApiVersion,
    /// Document kind; always `ModelRelease`.
    pub kind: Kind,
    /// Name, namespace and labels of the release.
    pub metadata: Metadata,
    /// The release: identity, classification, evidence and operations.
    pub spec: Spec,
}

/// The manifest schema version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ApiVersion {
    /// `riskgate.dev/v1alpha1`
    #[serde(rename = "riskgate.dev/v1alpha1")]
    V1Alpha1,
}

/// The document kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Kind {
    /// A model release.
    ModelRelease,
}

/// Kubernetes-style object metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Metadata {
    /// Release name, unique within the namespace (e.g. `credit-scorer`).
    pub name: String,
    /// Grouping such as a business line (e.g. `lending`).
    pub namespace: Option<String>,
    /// Free-form string labels, for selection by overlays and admission.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Free-form string annotations; never interpreted by the stdlib.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// The release specification.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Spec {
    /// Which model and artifact this release is.
    pub identity: Option<Identity>,
    /// Risk tier, model kind and use-case flags.
    pub classification: Option<Classification>,
    /// Accountable people.
    pub ownership: Option<Ownership>,
    /// What the model is for and not for.
    pub intended_use: Option<IntendedUse>,
    /// How the model works and why.
    pub methodology: Option<Methodology>,
    /// Datasets and input schema.
    pub data: Option<Data>,
    /// Test runs with their metrics, bound to the artifact digest.
    #[serde(default)]
    pub evaluations: Vec<Evaluation>,
    /// Independent validation.
    pub validation: Option<Validation>,
    /// Production monitors.
    #[serde(default)]
    pub monitors: Vec<Monitor>,
    /// Role-bound release decisions.
    #[serde(default)]
    pub approvals: Vec<Approval>,
    /// Versioned documents (model card, validation report, ...).
    #[serde(default)]
    pub documents: Vec<Document>,
    /// Time-bound exceptions to controls.
    #[serde(default)]
    pub waivers: Vec<Waiver>,
    /// Where and how the release is served.
    pub deployment: Option<Deployment>,
    /// How to go back to the previous release.
    pub rollback: Option<Rollback>,
    /// Human oversight design.
    pub oversight: Option<Oversight>,
    /// Decision logging.
    pub logging: Option<Logging>,
    /// Personal-data processing.
    pub privacy: Option<Privacy>,
    /// Third-party components and the AI bill of materials.
    pub supply_chain: Option<SupplyChain>,
    /// Tools an agent can call.
    #[serde(default)]
    pub tools: Vec<Tool>,
    /// AI impact assessment (FRIA / DPIA).
    pub impact_assessment: Option<ImpactAssessment>,
    /// Incident readiness.
    pub incident: Option<Incident>,
    /// What changed since the previous version.
    pub change: Option<Change>,
}

/// Which model and which artifact the release is.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Identity {
    /// Id of the model in the model inventory (C-GOV-01).
    pub inventory_id: Option<String>,
    /// Stable model id across versions.
    pub model_id: Option<String>,
    /// Version of this release.
    pub version: Option<String>,
    /// Where the artifact is stored (model registry URI).
    pub registry_uri: Option<String>,
    /// The released artifact.
    pub artifact: Option<Artifact>,
}

/// A released artifact, pinned by digest.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Artifact {
    /// Content digest, e.g. `sha256:...`; evaluations and approvals bind to it.
    pub digest: Option<String>,
    /// Reference to the signature or attestation bundle (C-SEC-05).
    pub signature_ref: Option<String>,
}

/// The kind of model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// Statistical or ML model producing scores, classes or estimates.
    Predictive,
    /// Generative language model feature, including RAG pipelines.
    Llm,
    /// LLM that plans and invokes tools; implies `llm`.
    Agent,
}

/// Risk classification of the release.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Classification {
    /// Declared risk tier.
    pub risk_tier: Option<RiskLevel>,
    /// Kind of model.
    pub model_kind: Option<ModelKind>,
    /// Use-case flags from the catalogue vocabulary (`credit_decision`,
    /// `public_facing`, ...); organisations may add their own.
    #[serde(default)]
    pub flags: Vec<String>,
    /// Scores behind the tier (materiality x complexity matrix).
    pub tier_rationale: Option<TierRationale>,
    /// When the tier was last assessed.
    pub assessed_at: Option<Timestamp>,
    /// EU AI Act classification (C-GOV-14).
    pub eu_ai_act: Option<EuAiAct>,
}

/// Materiality and complexity scores, each 1 to 4.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct TierRationale {
    /// Materiality score, 1 (lowest) to 4.
    #[schemars(range(min = 1, max = 4))]
    pub materiality: Option<u8>,
    /// Complexity score, 1 (lowest) to 4.
    #[schemars(range(min = 1, max = 4))]
    pub complexity: Option<u8>,
    /// Free-text justification.
    pub notes: Option<String>,
}

/// EU AI Act classification.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct EuAiAct {
    /// `minimal`, `limited_transparency`, `high_risk_annex_iii`,
    /// `high_risk_annex_i`, `gpai` or `gpai_systemic_risk`.
    pub category: Option<String>,
    /// The organisation's role: `provider`, `deployer`, `importer`,
    /// `distributor` or `product_manufacturer`.
    pub role: Option<String>,
    /// Result of the Art. 5 prohibited-practice screen.
    pub prohibited_practice_screen: Option<ProhibitedPracticeScreen>,
}

/// Result of the Art. 5 prohibited-practice screen.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ProhibitedPracticeScreen {
    /// When the screen was completed.
    pub completed_at: Option<Timestamp>,
    /// Art. 5(1) practices found (e.g. `social_scoring`); empty when none.
    #[serde(default)]
    pub practices_found: Vec<String>,
    /// Reference to the screening record.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
}

/// Accountable people.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Ownership {
    /// Accountable business owner.
    pub model_owner: Option<Person>,
    /// Technical owner.
    pub technical_owner: Option<Person>,
    /// People who built or materially changed this version (the
    /// `model_author` role); none of them may approve it.
    #[serde(default)]
    pub authors: Vec<Person>,
    /// Development team's organisational unit.
    pub org_unit: Option<String>,
}

/// Intended use.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct IntendedUse {
    /// What the model is for.
    pub purpose: Option<String>,
    /// Who uses its outputs.
    #[serde(default)]
    pub users: Vec<String>,
    /// Uses it must not be put to.
    #[serde(default)]
    pub out_of_scope: Vec<String>,
    /// Known limitations.
    #[serde(default)]
    pub limitations: Vec<String>,
    /// Locales (languages/markets) it serves, e.g. `en-GB`.
    #[serde(default)]
    pub locales: Vec<String>,
}

/// Methodology (conceptual soundness, C-PERF-05).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Methodology {
    /// The modelling approach, e.g. `gradient boosted trees`.
    pub approach: Option<String>,
    /// Assumptions the approach relies on.
    #[serde(default)]
    pub assumptions: Vec<String>,
    /// Why these features, or a reference to where it is argued.
    pub feature_rationale: Option<String>,
    /// Methodological limitations.
    #[serde(default)]
    pub limitations: Vec<String>,
}

/// Data used by the model.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Data {
    /// Reference to the production input schema (C-REL-05).
    pub input_schema_ref: Option<String>,
    /// Datasets used to build and evaluate the model.
    #[serde(default)]
    pub datasets: Vec<Dataset>,
}

/// One dataset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Dataset {
    /// Dataset name.
    pub name: String,
    /// Dataset version.
    pub version: Option<String>,
    /// Content digest of the dataset snapshot.
    pub digest: Option<String>,
    /// What the dataset is used for.
    pub role: Option<DatasetRole>,
    /// Where it comes from.
    pub source: Option<String>,
    /// Licence (SPDX id or reference).
    pub license: Option<String>,
    /// Reference to its datasheet.
    pub datasheet_ref: Option<String>,
    /// Whether it holds personal data.
    pub personal_data: Option<bool>,
    /// Whether it holds special-category data (GDPR Art. 9: health,
    /// ethnicity, religion, ...).
    pub special_category_data: Option<bool>,
}

/// What a dataset is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DatasetRole {
    /// Training data.
    Train,
    /// Validation (tuning) data.
    Validation,
    /// Held-out test data.
    Test,
    /// Out-of-time sample (C-PERF-02).
    OutOfTime,
    /// Production-like reference sample for drift baselines.
    Reference,
}
