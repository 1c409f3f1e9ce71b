//! Comparing the decision traces of two policy versions over the same
//! manifests: which decisions and control statuses change, with the key
//! lines of both traces. `riskgate diff` renders the result.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::trace::{Decision, ManifestTrace, RequirementTrace, Status, Trace};

/// Every change between two traces of the same manifests.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TraceDiff {
    /// Manifests whose decision or some control status changed, in input
    /// order.
    pub changed: Vec<ManifestChange>,
    /// Manifests with the same decision and statuses.
    pub unchanged: usize,
}

/// The changes for one manifest document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManifestChange {
    /// The manifest file.
    pub file: String,
    /// Document index in the file.
    pub document: usize,
    /// The release name, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Decision under the old policy (`None`: not in the old trace).
    pub old_decision: Option<Decision>,
    /// Decision under the new policy.
    pub new_decision: Option<Decision>,
    /// Controls whose status changed, by id.
    pub controls: Vec<ControlChange>,
}

impl ManifestChange {
    /// Whether the decision itself changed.
    #[must_use]
    pub fn decision_changed(&self) -> bool {
        self.old_decision != self.new_decision
    }
}

/// A control whose status changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlChange {
    /// The control id.
    pub id: String,
    /// Status under the old policy (`None`: the control did not exist).
    pub old_status: Option<Status>,
    /// Status under the new policy.
    pub new_status: Option<Status>,
    /// Key lines of the old trace: requirements that differ.
    pub old_lines: Vec<String>,
    /// Key lines of the new trace.
    pub new_lines: Vec<String>,
}

fn key(m: &ManifestTrace) -> (String, usize) {
    (m.file.clone(), m.document)
}

/// One line summarising a requirement: `id: status — message (actual,
/// expected)`.
#[must_use]
pub fn requirement_line(r: &RequirementTrace) -> String {
    let mut line = format!("{}: {} — {}", r.id, r.status.as_str(), r.message);
    if let Some(expected) = &r.expected {
        let actual = r
            .actual
            .as_ref()
            .map_or_else(|| "none".to_owned(), ToString::to_string);
        line.push_str(&format!(
            " (actual {actual}, expected {} {})",
            expected.op, expected.threshold
        ));
    }
    line
}

/// Compares two traces of the same manifests, matched by file and
/// document index.
#[must_use]
pub fn diff(old: &Trace, new: &Trace) -> TraceDiff {
    let old_by: BTreeMap<(String, usize), &ManifestTrace> =
        old.manifests.iter().map(|m| (key(m), m)).collect();
    let mut result = TraceDiff::default();
    let mut seen = std::collections::BTreeSet::new();
    let mut order: Vec<(Option<&ManifestTrace>, Option<&ManifestTrace>)> = Vec::new();
    for m in &new.manifests {
        seen.insert(key(m));
        order.push((old_by.get(&key(m)).copied(), Some(m)));
    }
    for m in &old.manifests {
        if !seen.contains(&key(m)) {
            order.push((Some(m), None));
        }
    }
    for (before, after) in order {
        let controls = control_changes(before, after);
        let old_decision = before.map(|m| m.decision);
        let new_decision = after.map(|m| m.decision);
        if controls.is_empty() && old_decision == new_decision {
            result.unchanged += 1;
            continue;
        }
        let Some(any) = after.or(before) else {
            continue;
        };
        result.changed.push(ManifestChange {
            file: any.file.clone(),
            document: any.document,
            name: any.name.clone(),
            old_decision,
            new_decision,
            controls,
        });
    }
    result
}

fn control_changes(
    before: Option<&ManifestTrace>,
    after: Option<&ManifestTrace>,
) -> Vec<ControlChange> {
    let mut ids: BTreeMap<&str, (Option<_>, Option<_>)> = BTreeMap::new();
    for c in before.iter().flat_map(|m| &m.controls) {
        ids.entry(&c.id).or_default().0 = Some(c);
    }
    for c in after.iter().flat_map(|m| &m.controls) {
        ids.entry(&c.id).or_default().1 = Some(c);
    }
    let mut out = Vec::new();
    for (id, (old, new)) in ids {
        let old_status = old.map(|c| c.status);
        let new_status = new.map(|c| c.status);
        if old_status == new_status {
            continue;
        }
        let old_reqs: BTreeMap<&str, &RequirementTrace> = old
            .iter()
            .flat_map(|c| &c.requirements)
            .map(|r| (r.id.as_str(), r))
            .collect();
        let new_reqs: BTreeMap<&str, &RequirementTrace> = new
            .iter()
            .flat_map(|c| &c.requirements)
            .map(|r| (r.id.as_str(), r))
            .collect();
        let mut old_lines = Vec::new();
        let mut new_lines = Vec::new();
        let mut req_ids: Vec<&str> = old_reqs.keys().chain(new_reqs.keys()).copied().collect();
        req_ids.sort_unstable();
        req_ids.dedup();
        for rid in req_ids {
            let a = old_reqs.get(rid).map(|r| requirement_line(r));
            let b = new_reqs.get(rid).map(|r| requirement_line(r));
            if a != b {
                old_lines.extend(a);
                new_lines.extend(b);
            }
        }
        out.push(ControlChange {
            id: id.to_owned(),
            old_status,
            new_status,
            old_lines,
            new_lines,
        });
    }
    out
}
