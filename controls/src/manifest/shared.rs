//! The small types several manifest sections use: people, risk levels and
//! dataset references. A leaf of the manifest model, so the sections
//! (`model.rs`, `evidence.rs`, `operations.rs`) depend on it and not on each
//! other.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A person acting in a role.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Person {
    /// Display name.
    pub name: Option<String>,
    /// E-mail address; identifies the principal when counting distinct approvers.
    pub email: Option<String>,
    /// Organisational unit, used for segregation-of-duties checks.
    pub org_unit: Option<String>,
    /// Whom they report to (a role or a person), e.g. `chief-risk-officer`:
    /// shows a validator's or approver's independence from the model's
    /// developers.
    pub reporting_line: Option<String>,
}

/// One value or a list of them (`type: fria` or `type: [fria, dpia]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// One value.
    One(T),
    /// Several.
    Many(Vec<T>),
}

/// A yes/no design fact, bare or with a description of how it works
/// (`kill_switch: true`, or `kill_switch: {enabled: true, description:
/// "feature flag risk.credit.scorer, owned by SRE"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Capability {
    /// Bare.
    Bool(bool),
    /// With a description.
    Described {
        /// Whether the capability exists.
        enabled: bool,
        /// How it works, who operates it.
        description: Option<String>,
    },
}

/// A risk level: the tier of a model, the residual risk of a waiver or the
/// severity of a finding.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// Limited materiality and simple method.
    Low,
    /// Moderate materiality or complexity.
    Medium,
    /// Consequential decisions about people or regulated use.
    High,
    /// Very high materiality combined with high complexity or autonomy.
    Critical,
}

/// A reference to a dataset by name, version and digest.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct DatasetRef {
    /// Dataset name.
    pub name: Option<String>,
    /// Dataset version.
    pub version: Option<String>,
    /// Content digest of the dataset snapshot.
    pub digest: Option<String>,
}
