//! The lowered form of `risk` and `control` declarations.

use std::collections::BTreeMap;

use riskgate_dsl::Span;
use riskgate_dsl::ast::RequirementKind;

use crate::trace::{Action, EnforcementPoint, Location};
use riskgate_engine::value::Value;

/// Every risk and control of a policy set.
#[derive(Debug, Clone, Default)]
pub struct ControlSet {
    /// Risks by id.
    pub risks: BTreeMap<String, RiskSpec>,
    /// Controls, ordered by id.
    pub controls: Vec<ControlSpec>,
}

impl ControlSet {
    /// The control with this id.
    #[must_use]
    pub fn control(&self, id: &str) -> Option<&ControlSpec> {
        self.controls
            .binary_search_by(|c| c.id.as_str().cmp(id))
            .ok()
            .and_then(|i| self.controls.get(i))
    }
}

/// A `risk` declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskSpec {
    /// `family.leaf`.
    pub id: String,
    /// One line.
    pub title: String,
    /// The risk family.
    pub family: String,
    /// Longer text.
    pub description: Option<String>,
    /// Where it is declared.
    pub location: Location,
}

/// Control severities, from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// `low`
    Low,
    /// `medium` (the default)
    Medium,
    /// `high`
    High,
    /// `critical`
    Critical,
}

impl Severity {
    /// Every severity, in order.
    pub const ALL: [Severity; 4] = [Self::Low, Self::Medium, Self::High, Self::Critical];

    /// The name as written in policies.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    /// Parses a severity name.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A `control` declaration after lowering.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlSpec {
    /// The control id, e.g. `C-FAIR-01`.
    pub id: String,
    /// One line.
    pub title: String,
    /// Risk ids it mitigates.
    pub mitigates: Vec<String>,
    /// Severity.
    pub severity: Severity,
    /// Action at each enforcement point.
    pub enforcement: BTreeMap<EnforcementPoint, Action>,
    /// `waivable: false` makes the control non-waivable.
    pub waivable: bool,
    /// Roles that must approve a waiver, replacing the waiver policy's.
    pub waivable_by: Option<Vec<String>>,
    /// The control owner (may not approve its waivers).
    pub owner: Option<String>,
    /// Regulatory references, as written.
    pub references: Option<Value>,
    /// Documentation fields (`description`, `name`, `family`).
    pub docs: BTreeMap<String, String>,
    /// Dotted path of the generated `applies` rule, when the control has
    /// `applies` blocks.
    pub applies_rule: Option<String>,
    /// Structured requirements in declaration order.
    pub requirements: Vec<RequirementSpec>,
    /// Generated violation rules, one per `violation` rule in the control.
    pub violations: Vec<ViolationSpec>,
    /// The file the control is declared in.
    pub file: String,
    /// Where the control is declared (its `control` keyword).
    pub location: Location,
    /// Its span in `file`.
    pub span: Span,
}

impl ControlSpec {
    /// The action at `point`.
    #[must_use]
    pub fn action(&self, point: EnforcementPoint) -> Action {
        self.enforcement
            .get(&point)
            .copied()
            .unwrap_or_else(|| default_action(point))
    }
}

/// The action at an enforcement point when a control does not say.
#[must_use]
pub const fn default_action(point: EnforcementPoint) -> Action {
    match point {
        EnforcementPoint::Ci | EnforcementPoint::Admission => Action::Deny,
        EnforcementPoint::Audit => Action::Record,
    }
}

/// A `require` block after lowering.
#[derive(Debug, Clone, PartialEq)]
pub struct RequirementSpec {
    /// The requirement id, unique within its control.
    pub id: String,
    /// Its kind.
    pub kind: RequirementKind,
    /// Fields by name.
    pub fields: BTreeMap<String, FieldSpec>,
    /// Where the `require` keyword is.
    pub location: Location,
    /// The block's span.
    pub span: Span,
    /// For a derived test (`value:` computed by a rule): the manifest
    /// fields the value is computed from (`spec.monitors`), sorted; empty
    /// otherwise.
    pub derived_from: Vec<String>,
}

/// One field of a requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpec {
    /// The field's value, or the rule computing it.
    pub value: FieldValue,
    /// The value's span.
    pub span: Span,
}

/// A field value: known at compile time, or computed per manifest.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// A constant.
    Const(Value),
    /// A generated rule (dotted `data` path) evaluated per manifest.
    Rule(String),
}

/// A generated `violation` rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ViolationSpec {
    /// Dotted `data` path of the generated partial-set rule.
    pub rule: String,
    /// Where the original rule is written.
    pub location: Location,
}
