//! The controls catalogue (`stdlib-policies/catalogue/controls-catalogue.yaml`)
//! as typed data: only the parts the generator and the consistency check read.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;
use serde_yaml_ng::Value;

/// Risk tiers, lowest first.
pub const TIERS: [&str; 4] = ["low", "medium", "high", "critical"];

#[derive(Debug, Deserialize)]
pub struct Catalogue {
    pub taxonomy: Vec<Family>,
    pub defaults: Defaults,
    pub waiver_policy: Value,
    pub tiering: Value,
    pub vocabularies: Value,
    pub controls: Vec<Control>,
}

#[derive(Debug, Deserialize)]
pub struct Family {
    pub family: String,
    pub description: String,
    pub risks: Vec<Risk>,
}

#[derive(Debug, Deserialize)]
pub struct Risk {
    pub id: String,
    pub description: String,
    #[serde(default)]
    pub refs: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub struct Defaults {
    pub approvals_by_tier: Value,
    pub segregation_of_duties: Vec<SodRule>,
    pub approval_freshness_days: BTreeMap<String, u32>,
    pub evidence_freshness_days: BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize)]
pub struct SodRule {
    pub id: String,
    pub rule: String,
}

#[derive(Debug, Deserialize)]
pub struct Control {
    pub id: String,
    pub name: String,
    pub title: String,
    pub family: String,
    pub mitigates: Vec<String>,
    pub applicability: Applicability,
    #[serde(default)]
    pub requires_fields: Vec<String>,
    #[serde(default)]
    pub tests: Vec<Test>,
    #[serde(default)]
    pub monitors: Vec<Monitor>,
    #[serde(default)]
    pub documents: Vec<String>,
    #[serde(default)]
    pub approvals: Option<Value>,
    #[serde(default)]
    pub non_waivable: bool,
    #[serde(default)]
    pub notes: Option<String>,
    /// Framework id to reference list, in catalogue order.
    pub references: serde_yaml_ng::Mapping,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct Applicability {
    pub tiers: Vec<String>,
    pub model_kinds: Vec<String>,
    #[serde(default)]
    pub flags_any: Vec<String>,
    #[serde(default)]
    pub also_when_flags_any: Vec<String>,
    /// Free text: not machine-checkable as written.
    #[serde(default)]
    pub condition: Option<String>,
    /// Free text: an alternative applicability.
    #[serde(default)]
    pub also_when: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Test {
    pub metric: String,
    pub op: String,
    pub threshold: Value,
    #[serde(default)]
    pub aggregate: Option<String>,
    #[serde(default)]
    pub min_n: Option<u64>,
    #[serde(default)]
    pub model_kinds: Vec<String>,
    #[serde(default)]
    pub applies_when_flags_any: Vec<String>,
    #[serde(default)]
    pub applies_tiers: Vec<String>,
    #[serde(default)]
    pub also_applies_when_flags_any: Vec<String>,
    #[serde(default)]
    pub applies_when: Option<String>,
    #[serde(default)]
    pub slice_by: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Monitor {
    pub signal: String,
    pub metric: String,
    pub alert: Value,
    pub cadence: Value,
    #[serde(default)]
    pub model_kinds: Vec<String>,
}

impl Catalogue {
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the catalogue {}", path.display()))?;
        serde_yaml_ng::from_str(&text)
            .with_context(|| format!("parsing the catalogue {}", path.display()))
    }

    pub fn risk_ids(&self) -> impl Iterator<Item = &str> {
        self.taxonomy
            .iter()
            .flat_map(|f| f.risks.iter().map(|r| r.id.as_str()))
    }

    pub fn non_waivable(&self) -> Vec<String> {
        self.waiver_policy
            .get("non_waivable")
            .and_then(Value::as_sequence)
            .map(|seq| {
                seq.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The scope conditions of a test, beyond the control's applicability.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub tiers: Vec<String>,
    pub model_kinds: Vec<String>,
    pub flags_any: Vec<String>,
    /// Alternative: the test also applies when any of these flags is set.
    pub also_flags_any: Vec<String>,
}

impl Scope {
    pub fn is_empty(&self) -> bool {
        *self == Scope::default()
    }
}

impl Test {
    pub fn scope(&self) -> Scope {
        Scope {
            tiers: self.applies_tiers.clone(),
            model_kinds: self.model_kinds.clone(),
            flags_any: self.applies_when_flags_any.clone(),
            also_flags_any: self.also_applies_when_flags_any.clone(),
        }
    }
}

impl Applicability {
    /// Tiers, or empty when the control applies to every tier.
    pub fn tier_condition(&self) -> Vec<String> {
        if TIERS.iter().all(|t| self.tiers.iter().any(|x| x == t)) {
            Vec::new()
        } else {
            self.tiers.clone()
        }
    }

    /// Model kinds, or empty for `any`.
    pub fn kind_condition(&self) -> Vec<String> {
        if self.model_kinds.iter().any(|k| k == "any") {
            Vec::new()
        } else {
            self.model_kinds.clone()
        }
    }
}
