//! Per-control overlay settings: `data.riskgate.config.controls`, an object
//! control id → `{enforcement, requirements}`.
//!
//! ```yaml
//! riskgate:
//!   config:
//!     controls:
//!       C-FAIR-01:
//!         enforcement: {ci: warn}              # action per enforcement point
//!         requirements:
//!           adverse_impact_ratio:              # requirement id
//!             threshold: {default: 0.85}       # replaces the field's value
//! ```
//!
//! A replaced field is read as a constant and type-checked like the
//! policy's own value; an invalid one makes the requirement `error`. Ids
//! the policy does not declare are reported as findings.

use std::collections::BTreeMap;

use super::schema::{Ty, requirement_fields};
use super::spec::{ControlSet, ControlSpec, RequirementSpec};
use super::view;
use crate::trace::{Action, EnforcementPoint, Finding};
use riskgate_engine::value::Value;

/// The overlay's settings for one control.
#[derive(Debug, Default)]
pub(crate) struct ControlOverlay {
    /// Replacement actions per enforcement point.
    pub(crate) enforcement: BTreeMap<EnforcementPoint, Action>,
    /// Requirement id → field name → replacement value.
    pub(crate) requirements: BTreeMap<String, BTreeMap<String, Value>>,
}

impl ControlOverlay {
    /// The action at `point`: the overlay's, else the control's own.
    pub(crate) fn action(&self, control: &ControlSpec, point: EnforcementPoint) -> Action {
        self.enforcement
            .get(&point)
            .copied()
            .unwrap_or_else(|| control.action(point))
    }

    /// The replacement fields of one requirement.
    pub(crate) fn fields(&self, requirement: &str) -> Option<&BTreeMap<String, Value>> {
        self.requirements.get(requirement)
    }
}

/// Reads `controls` (the value of `data.riskgate.config.controls`); every
/// entry that names something the policy does not declare, or has a value
/// of the wrong shape, becomes a finding and is ignored.
pub(crate) fn read(
    value: Option<&Value>,
    set: &ControlSet,
    findings: &mut Vec<Finding>,
) -> BTreeMap<String, ControlOverlay> {
    let mut out = BTreeMap::new();
    let Some(value) = value else {
        return out;
    };
    let mut problem = |message: String| {
        findings.push(Finding {
            code: "R0004".to_owned(),
            message: format!("overlay riskgate.config.controls: {message}; the setting is ignored"),
            location: None,
            pointer: None,
        });
    };
    let Value::Object(entries) = value else {
        problem("must be an object of control ids".to_owned());
        return out;
    };
    for (id, settings) in entries.iter() {
        let Some(id) = id.as_str() else { continue };
        let Some(control) = set.controls.iter().find(|c| c.id == id) else {
            problem(format!("no control {id} is declared"));
            continue;
        };
        let mut overlay = ControlOverlay::default();
        if let Some(enforcement) = view::get(settings, "enforcement") {
            read_enforcement(id, enforcement, &mut overlay, &mut problem);
        }
        if let Some(requirements) = view::get(settings, "requirements") {
            read_requirements(control, requirements, &mut overlay, &mut problem);
        }
        out.insert(id.to_owned(), overlay);
    }
    out
}

fn read_enforcement(
    id: &str,
    value: &Value,
    overlay: &mut ControlOverlay,
    problem: &mut impl FnMut(String),
) {
    let Value::Object(points) = value else {
        problem(format!(
            "{id}.enforcement must be an object such as {{ci: warn}}"
        ));
        return;
    };
    for (point, action) in points.iter() {
        let point_name = point.as_str().unwrap_or_default();
        let point = [
            EnforcementPoint::Ci,
            EnforcementPoint::Admission,
            EnforcementPoint::Audit,
        ]
        .into_iter()
        .find(|p| p.as_str() == point_name);
        let action = [Action::Deny, Action::Warn, Action::Record]
            .into_iter()
            .find(|a| action.as_str() == Some(a.as_str()));
        match (point, action) {
            (Some(point), Some(action)) => {
                overlay.enforcement.insert(point, action);
            }
            _ => problem(format!(
                "{id}.enforcement.{point_name} must be deny, warn or record at ci, admission or audit"
            )),
        }
    }
}

fn read_requirements(
    control: &ControlSpec,
    value: &Value,
    overlay: &mut ControlOverlay,
    problem: &mut impl FnMut(String),
) {
    let id = &control.id;
    let Value::Object(requirements) = value else {
        problem(format!(
            "{id}.requirements must be an object of requirement ids"
        ));
        return;
    };
    for (name, fields) in requirements.iter() {
        let name = name.as_str().unwrap_or_default();
        let Some(requirement) = control.requirements.iter().find(|r| r.id == name) else {
            problem(format!("control {id} has no requirement {name}"));
            continue;
        };
        let Value::Object(fields) = fields else {
            problem(format!(
                "{id}.requirements.{name} must be an object of fields"
            ));
            continue;
        };
        let mut replaced = BTreeMap::new();
        for (field, value) in fields.iter() {
            let field = field.as_str().unwrap_or_default();
            if !replaceable(requirement, field) {
                problem(format!(
                    "{id}.requirements.{name}.{field} is not a field a {} requirement can take",
                    requirement.kind.as_str()
                ));
                continue;
            }
            replaced.insert(field.to_owned(), value.clone());
        }
        overlay.requirements.insert(name.to_owned(), replaced);
    }
}

/// Fields an overlay may replace: those of the requirement's kind except
/// conditions (`when`), which are policy logic.
fn replaceable(requirement: &RequirementSpec, field: &str) -> bool {
    requirement_fields(requirement.kind)
        .iter()
        .any(|d| d.name == field && d.ty != Ty::Cond)
}
